/* SPDX-License-Identifier: MIT */
/* userfaultfd write-protection, PAGEMAP_SCAN and the write-watch pair
 * built on them (include/ptesim/sim.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "api/sim_internal.h"

/* The public constants are the UAPI's, as the mm layer takes them. */
_Static_assert(PTESIM_UFFD_FEATURE_EVENT_FORK == UFFD_FEATURE_EVENT_FORK &&
		       PTESIM_UFFD_FEATURE_WP_HUGETLBFS_SHMEM == UFFD_FEATURE_WP_HUGETLBFS_SHMEM &&
		       PTESIM_UFFD_FEATURE_WP_UNPOPULATED == UFFD_FEATURE_WP_UNPOPULATED &&
		       PTESIM_UFFD_FEATURE_WP_ASYNC == UFFD_FEATURE_WP_ASYNC,
	       "PTESIM_UFFD_FEATURE_* are UFFD_FEATURE_*");
_Static_assert(PTESIM_PAGE_IS_WPALLOWED == PAGE_IS_WPALLOWED && PTESIM_PAGE_IS_WRITTEN == PAGE_IS_WRITTEN &&
		       PTESIM_PAGE_IS_FILE == PAGE_IS_FILE && PTESIM_PAGE_IS_PRESENT == PAGE_IS_PRESENT &&
		       PTESIM_PAGE_IS_SWAPPED == PAGE_IS_SWAPPED && PTESIM_PAGE_IS_PFNZERO == PAGE_IS_PFNZERO &&
		       PTESIM_PAGE_IS_HUGE == PAGE_IS_HUGE && PTESIM_PAGE_IS_SOFT_DIRTY == PAGE_IS_SOFT_DIRTY &&
		       PTESIM_PM_SCAN_WP_MATCHING == PM_SCAN_WP_MATCHING &&
		       PTESIM_PM_SCAN_CHECK_WPASYNC == PM_SCAN_CHECK_WPASYNC,
	       "PTESIM_PAGE_IS_* and PTESIM_PM_SCAN_* are the PAGEMAP_SCAN UAPI's");
_Static_assert(PTESIM_PM_SOFT_DIRTY == PM_SOFT_DIRTY && PTESIM_PM_MMAP_EXCLUSIVE == PM_MMAP_EXCLUSIVE &&
		       PTESIM_PM_UFFD_WP == PM_UFFD_WP && PTESIM_PM_FILE == PM_FILE && PTESIM_PM_SWAP == PM_SWAP &&
		       PTESIM_PM_PRESENT == PM_PRESENT && PTESIM_PM_PFRAME_MASK == PM_PFRAME_MASK,
	       "PTESIM_PM_* are pagemap's bits");

int ptesim_sim_uffd_open(ptesim_sim *sim, unsigned features)
{
	int rc = api_begin(sim, "uffd_open(0x%x)", features);

	if (rc)
		return rc;
	rc = mm_uffd_open(&sim->m, sim->pid, features);
	if (!rc)
		ref_uffd_opened(sim, sim->pid, features);
	return api_end(sim, rc,
		       rc == -EINVAL ? (sim->m.procs[sim->pid].uffd.open ? "the process has a userfaultfd open already"
									  : "a feature the layout does not offer")
				     : NULL);
}

static const char *range_why(int rc)
{
	switch (rc) {
	case -EBADF:
		return "no userfaultfd is open in the process";
	case -EINVAL:
		return "a misaligned or empty range, no mapping in it, or memory that cannot be registered";
	case -EPERM:
		return "a mapping that may not be written";
	case -ENOENT:
		return "part of the range is not registered";
	default:
		return NULL;
	}
}

int ptesim_sim_uffd_register(ptesim_sim *sim, uint64_t addr, uint64_t len, unsigned mode)
{
	int rc = api_begin(sim, "uffd_register(0x%" PRIx64 ", 0x%" PRIx64 ", 0x%x)", addr, len, mode);

	if (rc)
		return rc;
	/* userfaultfd_register(): a mode is required, unknown bits refused */
	if (!mode || (mode & ~(PTESIM_UFFDIO_REGISTER_MODE_MISSING | PTESIM_UFFDIO_REGISTER_MODE_WP |
			       PTESIM_UFFDIO_REGISTER_MODE_MINOR)))
		return api_fail(sim, -EINVAL, "no mode, or unknown mode bits");
	if (mode != PTESIM_UFFDIO_REGISTER_MODE_WP)
		return api_fail(sim, -EOPNOTSUPP, "the simulator models UFFDIO_REGISTER_MODE_WP only");
	rc = mm_uffd_register(&sim->m, sim->pid, addr, len);
	return api_end(sim, rc, range_why(rc));
}

int ptesim_sim_uffd_unregister(ptesim_sim *sim, uint64_t addr, uint64_t len)
{
	int rc = api_begin(sim, "uffd_unregister(0x%" PRIx64 ", 0x%" PRIx64 ")", addr, len);

	if (rc)
		return rc;
	rc = mm_uffd_unregister(&sim->m, sim->pid, addr, len);
	if (!rc)
		ref_range(sim, sim->pid, addr, len, REF_EV_UNREGISTER);
	return api_end(sim, rc, range_why(rc));
}

static int writeprotect(ptesim_sim *sim, uint64_t addr, uint64_t len, bool wp)
{
	int rc = api_begin(sim, "uffd_%s(0x%" PRIx64 ", 0x%" PRIx64 ")", wp ? "wp" : "unwp", addr, len);

	if (rc)
		return rc;
	rc = mm_uffd_writeprotect(&sim->m, sim->pid, addr, len, wp);
	if (!rc)
		ref_protect(sim, sim->pid, addr, len, wp);
	ref_take_completed(sim, sim->pid);
	return api_end(sim, rc, range_why(rc));
}

int ptesim_sim_uffd_wp(ptesim_sim *sim, uint64_t addr, uint64_t len)
{
	return writeprotect(sim, addr, len, true);
}

int ptesim_sim_uffd_unwp(ptesim_sim *sim, uint64_t addr, uint64_t len)
{
	return writeprotect(sim, addr, len, false);
}

int ptesim_sim_uffd_read_event(ptesim_sim *sim, uint64_t *addr)
{
	struct uffd *u;
	int rc = api_begin(sim, "uffd_read_event()");

	if (rc)
		return rc;
	u = &sim->m.procs[sim->pid].uffd;
	if (!u->open)
		return api_fail(sim, -EBADF, "no userfaultfd is open in the process");
	if (!u->nevents)
		return api_fail(sim, -EAGAIN, "no event is queued");
	*addr = u->events[0];
	mm_uffd_take_event(&sim->m, sim->pid, *addr);
	return 0;
}

/* The public struct and the mm layer's have the same fields. */
static void scan_to_mm(const struct ptesim_pm_scan_arg *in, struct pm_scan_arg *out)
{
	*out = (struct pm_scan_arg){ .start = in->start,
				     .end = in->end,
				     .walk_end = in->walk_end,
				     .flags = in->flags,
				     .max_pages = in->max_pages,
				     .category_inverted = in->category_inverted,
				     .category_mask = in->category_mask,
				     .category_anyof_mask = in->category_anyof_mask,
				     .return_mask = in->return_mask,
				     .vec = NULL,
				     .vec_len = in->vec_len };
}

/* a scan that protected: which pages, up to walk_end */
static long scan(ptesim_sim *sim, struct pm_scan_arg *a)
{
	uint64_t start = a->start;
	long n = mm_pagemap_scan(&sim->m, sim->pid, a);

	if (n >= 0 && (a->flags & PM_SCAN_WP_MATCHING))
		ref_scan_protected(sim, sim->pid, start, a->walk_end);
	return n;
}

long ptesim_sim_pagemap_scan(ptesim_sim *sim, struct ptesim_pm_scan_arg *arg)
{
	struct pm_scan_arg a;
	long n;
	int rc = api_begin(sim, "pagemap_scan(0x%" PRIx64 ", 0x%" PRIx64 ", flags 0x%x)", arg->start, arg->end,
			   arg->flags);

	if (rc)
		return rc;
	scan_to_mm(arg, &a);
	/* the mm layer writes regions of its own type: a vector as long as
	 * the caller's, copied back (a NULL vector passes on, to be refused) */
	if (arg->vec && arg->vec_len && !(a.vec = calloc((size_t)arg->vec_len, sizeof(*a.vec))))
		return api_fail(sim, -ENOMEM, "no memory for the vector");
	n = scan(sim, &a);
	for (long i = 0; i < n; i++)
		arg->vec[i] = (struct ptesim_page_region){ a.vec[i].start, a.vec[i].end, a.vec[i].categories };
	free(a.vec);
	arg->walk_end = a.walk_end;
	api_end(sim, n < 0 ? (int)n : 0,
		n == -EPERM    ? "CHECK_WPASYNC on memory not registered for WP_ASYNC"
		: n == -EFAULT ? "a range outside user space"
		: n == -EINVAL ? "unknown flags or categories, a misaligned start, or no vector for vec_len"
			       : NULL);
	return n;
}

int ptesim_write_watch_enable(ptesim_sim *sim, uint64_t addr, uint64_t len)
{
	struct uffd *u;
	int rc = api_begin(sim, "write_watch_enable(0x%" PRIx64 ", 0x%" PRIx64 ")", addr, len);

	if (rc)
		return rc;
	u = &sim->m.procs[sim->pid].uffd;
	if (u->open && !(u->features & UFFD_FEATURE_WP_ASYNC))
		return api_fail(sim, -EINVAL, "the process's userfaultfd is open without WP_ASYNC");
	if (!u->open && !(rc = mm_uffd_open(&sim->m, sim->pid, UFFD_FEATURE_WP_ASYNC)))
		ref_uffd_opened(sim, sim->pid, UFFD_FEATURE_WP_ASYNC);
	if (!rc)
		rc = mm_uffd_register(&sim->m, sim->pid, addr, len);
	if (!rc)
		rc = mm_uffd_writeprotect(&sim->m, sim->pid, addr, len, true);
	if (!rc)
		ref_protect(sim, sim->pid, addr, len, true);
	return api_end(sim, rc, rc == -EINVAL ? "a layout without uffd-wp, or a range that cannot be registered" : NULL);
}

int ptesim_write_watch_get(ptesim_sim *sim, uint64_t addr, uint64_t len, bool reset, uint64_t *pages,
			   size_t *count)
{
	size_t room = *count, n = 0;
	struct page_region *vec;
	struct pm_scan_arg a = { .start = addr, .end = addr + len, .category_mask = PAGE_IS_WRITTEN,
				 .return_mask = PAGE_IS_WRITTEN, .max_pages = room,
				 .flags = reset ? PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC : PM_SCAN_CHECK_WPASYNC };
	long regions;
	int rc = api_begin(sim, "write_watch_get(0x%" PRIx64 ", 0x%" PRIx64 ", %s)", addr, len,
			   reset ? "reset" : "keep");

	*count = 0;
	if (rc || !room)
		return rc;
	/* regions of written pages: at most one a page */
	vec = calloc(room, sizeof(*vec));
	if (!vec)
		return api_fail(sim, -ENOMEM, NULL);
	a.vec = vec;
	a.vec_len = room;
	regions = scan(sim, &a);
	for (long r = 0; r < regions; r++)
		for (uint64_t p = vec[r].start; p < vec[r].end && n < room; p += PAGE_SIZE)
			pages[n++] = p;
	free(vec);
	if (regions >= 0)
		*count = n;
	return api_end(sim, regions < 0 ? (int)regions : 0, NULL);
}

int ptesim_write_watch_reset(ptesim_sim *sim, uint64_t addr, uint64_t len)
{
	/* WP_MATCHING without an output vector: the protect-only fast path */
	struct pm_scan_arg a = { .start = addr, .end = addr + len, .flags = PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC,
				 .category_mask = PAGE_IS_WRITTEN, .return_mask = PAGE_IS_WRITTEN };
	long n;
	int rc = api_begin(sim, "write_watch_reset(0x%" PRIx64 ", 0x%" PRIx64 ")", addr, len);

	if (rc)
		return rc;
	n = scan(sim, &a);
	return api_end(sim, n < 0 ? (int)n : 0, NULL);
}

int ptesim_write_watch_mark_written(ptesim_sim *sim, uint64_t addr, uint64_t len)
{
	struct mm *mm;
	int rc = api_begin(sim, "write_watch_mark_written(0x%" PRIx64 ", 0x%" PRIx64 ")", addr, len);

	if (rc)
		return rc;
	mm = &sim->m.procs[sim->pid];
	if ((addr & (PAGE_SIZE - 1)) || addr + len < addr)
		return api_fail(sim, -EINVAL, "a misaligned address or a range that wraps");
	for (uint64_t a = addr; a < addr + len; a += PAGE_SIZE) {
		struct vma *vma = find_vma(mm, a);

		if (!vma || !(vma->vm_flags & VM_WRITE))
			return api_end(sim, -EFAULT, "a page that is not mapped writable");
		/* faultin_page() with FAULT_FLAG_WRITE until the entry is
		 * writable: a WP_ASYNC protection resolves on the way */
		for (int tries = 0;; tries++) {
			pte_t *ptep = mm_pte(&sim->m, mm, a, false);

			if (ptep && pte_present(sim->m.L, *ptep) && pte_write(sim->m.L, *ptep))
				break;
			if (tries == 4 || handle_mm_fault(&sim->m, mm, vma, a, true) != FAULT_OK)
				return api_end(sim, -EFAULT, "the write fault did not complete");
		}
		ref_write(sim, sim->pid, a, 0, true);
	}
	return api_end(sim, 0, NULL);
}
