/* SPDX-License-Identifier: MIT */
/* The public simulation and write-watch interface (include/ptesim/sim.h). */
#include <errno.h>
#include <stdlib.h>

#include "mm/mm_internal.h"
#include "ptesim/sim.h"

struct ptesim_sim {
	struct machine m;
	int pid;
	bool watching; /* the process's userfaultfd is open with WP_ASYNC */
};

int ptesim_sim_new(const ptesim_layout *layout, ptesim_sim **out)
{
	ptesim_sim *s;

	*out = NULL;
	if (!layout)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (machine_init(&s->m, layout, true) || mm_new(&s->m, &s->pid)) {
		machine_destroy(&s->m);
		free(s);
		return -ENOMEM;
	}
	*out = s;
	return 0;
}

void ptesim_sim_free(ptesim_sim *sim)
{
	if (!sim)
		return;
	machine_destroy(&sim->m);
	free(sim);
}

int ptesim_sim_mmap_anon(ptesim_sim *sim, uint64_t npages, uint64_t *addr)
{
	return mm_mmap(&sim->m, sim->pid, npages, VM_READ | VM_WRITE, false, BACKING_ANON, 0, addr);
}

static int access_errno(enum access_result r)
{
	return r == ACCESS_OK ? 0 : r == ACCESS_BLOCKED ? -EAGAIN : -EFAULT;
}

int ptesim_sim_write(ptesim_sim *sim, uint64_t addr, uint64_t value)
{
	return access_errno(mm_access(&sim->m, sim->pid, addr & ~(PAGE_SIZE - 1), true, &value));
}

int ptesim_sim_read(ptesim_sim *sim, uint64_t addr, uint64_t *value)
{
	return access_errno(mm_access(&sim->m, sim->pid, addr & ~(PAGE_SIZE - 1), false, value));
}

uint64_t ptesim_sim_pagemap(ptesim_sim *sim, uint64_t addr)
{
	return mm_pagemap(&sim->m, sim->pid, addr);
}

int ptesim_write_watch_enable(ptesim_sim *sim, uint64_t addr, uint64_t len)
{
	int rc = 0;

	if (!sim->watching) {
		rc = mm_uffd_open(&sim->m, sim->pid, UFFD_FEATURE_WP_ASYNC);
		sim->watching = rc == 0;
	}
	if (!rc)
		rc = mm_uffd_register(&sim->m, sim->pid, addr, len);
	return rc ? rc : mm_uffd_writeprotect(&sim->m, sim->pid, addr, len, true);
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

	*count = 0;
	if (!room)
		return 0;
	/* regions of written pages: at most one a page */
	vec = calloc(room, sizeof(*vec));
	if (!vec)
		return -ENOMEM;
	a.vec = vec;
	a.vec_len = room;
	regions = mm_pagemap_scan(&sim->m, sim->pid, &a);
	for (long r = 0; r < regions; r++)
		for (uint64_t p = vec[r].start; p < vec[r].end && n < room; p += PAGE_SIZE)
			pages[n++] = p;
	free(vec);
	if (regions < 0)
		return (int)regions;
	*count = n;
	return 0;
}

int ptesim_write_watch_reset(ptesim_sim *sim, uint64_t addr, uint64_t len)
{
	/* WP_MATCHING without an output vector: the protect-only fast path */
	struct pm_scan_arg a = { .start = addr, .end = addr + len, .flags = PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC,
				 .category_mask = PAGE_IS_WRITTEN, .return_mask = PAGE_IS_WRITTEN };
	long rc = mm_pagemap_scan(&sim->m, sim->pid, &a);

	return rc < 0 ? (int)rc : 0;
}

int ptesim_write_watch_mark_written(ptesim_sim *sim, uint64_t addr, uint64_t len)
{
	struct mm *mm = &sim->m.procs[sim->pid];

	if ((addr & (PAGE_SIZE - 1)) || addr + len < addr)
		return -EINVAL;
	for (uint64_t a = addr; a < addr + len; a += PAGE_SIZE) {
		struct vma *vma = find_vma(mm, a);

		if (!vma || !(vma->vm_flags & VM_WRITE))
			return -EFAULT;
		/* faultin_page() with FAULT_FLAG_WRITE until the entry is
		 * writable: a WP_ASYNC protection resolves on the way */
		for (int tries = 0;; tries++) {
			pte_t *ptep = mm_pte(&sim->m, mm, a, false);

			if (ptep && pte_present(sim->m.L, *ptep) && pte_write(sim->m.L, *ptep))
				break;
			if (tries == 4 || handle_mm_fault(&sim->m, mm, vma, a, true) != FAULT_OK)
				return -EFAULT;
		}
	}
	return 0;
}
