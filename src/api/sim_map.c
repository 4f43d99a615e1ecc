/* SPDX-License-Identifier: MIT */
/* Mappings and the kernel's actions on them (include/ptesim/sim.h): each
 * a call of the mm layer, then what it did told to the referee. */
#include <errno.h>
#include <inttypes.h>

#include "api/sim_internal.h"

#define PROT_BITS (PTESIM_PROT_READ | PTESIM_PROT_WRITE | PTESIM_PROT_EXEC)
#define MAP_TYPE_BITS (PTESIM_MAP_SHARED | PTESIM_MAP_PRIVATE)
/* the largest object or mapping the machine takes (mm_mmap_at()) */
#define MAX_PAGES (UINT64_C(1) << 35)

/* PTESIM_PROT_* are vm_flags' VM_READ, VM_WRITE, VM_EXEC */
_Static_assert(PTESIM_PROT_READ == VM_READ && PTESIM_PROT_WRITE == VM_WRITE && PTESIM_PROT_EXEC == VM_EXEC,
	       "PTESIM_PROT_* pass to the mm layer as vm_flags");

static bool object_valid(const ptesim_sim *sim, int object)
{
	return object >= 0 && (size_t)object < sim->m.nobjects;
}

int ptesim_sim_object(ptesim_sim *sim, enum ptesim_object_kind kind, uint64_t npages, int *object)
{
	uint32_t id;
	int rc;

	api_name(sim, "object(%d, %" PRIu64 " pages)", (int)kind, npages);
	if (kind != PTESIM_OBJECT_SHMEM && kind != PTESIM_OBJECT_FILE)
		return api_fail(sim, -EINVAL, "the kind is neither PTESIM_OBJECT_SHMEM nor PTESIM_OBJECT_FILE");
	if (npages > MAX_PAGES)
		return api_fail(sim, -EINVAL, "more than 2^35 pages");
	rc = object_new(&sim->m, kind == PTESIM_OBJECT_SHMEM ? BACKING_SHMEM : BACKING_FILE, (size_t)npages, &id);
	if (rc)
		return api_fail(sim, rc, NULL);
	*object = (int)id;
	return 0;
}

static int mmap_checked(ptesim_sim *sim, uint64_t len, unsigned prot, unsigned flags, int object, uint64_t *addr)
{
	bool shared = flags & PTESIM_MAP_SHARED, anon = flags & PTESIM_MAP_ANONYMOUS;
	uint64_t npages = len / PAGE_SIZE + (len % PAGE_SIZE != 0);
	enum backing backing = BACKING_ANON;
	uint32_t obj = 0;
	int rc;

	if (!len)
		return api_fail(sim, -EINVAL, "zero length");
	if (prot & ~PROT_BITS)
		return api_fail(sim, -EINVAL, "unknown prot bits");
	if ((flags & MAP_TYPE_BITS) == 0 || (flags & MAP_TYPE_BITS) == MAP_TYPE_BITS)
		return api_fail(sim, -EINVAL, "give one of MAP_SHARED and MAP_PRIVATE");
	if (flags & ~(MAP_TYPE_BITS | PTESIM_MAP_ANONYMOUS))
		return api_fail(sim, -EOPNOTSUPP, "the simulator models MAP_SHARED, MAP_PRIVATE and MAP_ANONYMOUS only");
	if (npages > MAX_PAGES)
		return api_fail(sim, -ENOMEM, "longer than 2^35 pages");
	if (!anon) {
		if (!object_valid(sim, object))
			return api_fail(sim, -EBADF, "no such object");
		obj = (uint32_t)object;
		backing = sim->m.objects[obj].kind;
	}
	rc = mm_mmap(&sim->m, sim->pid, npages, prot, shared, backing, obj, addr);
	if (!rc && (shared || !anon))
		obj = find_vma(&sim->m.procs[sim->pid], *addr)->object; /* MAP_SHARED|MAP_ANONYMOUS made one */
	if (!rc)
		rc = ref_map(sim, sim->pid, *addr, npages, shared, anon, obj);
	return api_end(sim, rc, NULL);
}

int ptesim_sim_mmap(ptesim_sim *sim, uint64_t len, unsigned prot, unsigned flags, int object, uint64_t *addr)
{
	char p[4];
	int rc = api_begin(sim, "mmap(0x%" PRIx64 ", %s, 0x%x, %d)", len, api_prot_name(prot, p), flags, object);

	return rc ? rc : mmap_checked(sim, len, prot, flags, object, addr);
}

int ptesim_sim_mmap_anon(ptesim_sim *sim, uint64_t npages, uint64_t *addr)
{
	int rc = api_begin(sim, "mmap_anon(%" PRIu64 " pages)", npages);

	if (rc)
		return rc;
	if (npages > MAX_PAGES)
		return api_fail(sim, -ENOMEM, "longer than 2^35 pages");
	return mmap_checked(sim, npages * PAGE_SIZE, PTESIM_PROT_READ | PTESIM_PROT_WRITE,
			    PTESIM_MAP_PRIVATE | PTESIM_MAP_ANONYMOUS, -1, addr);
}

int ptesim_sim_munmap(ptesim_sim *sim, uint64_t addr, uint64_t len)
{
	int rc = api_begin(sim, "munmap(0x%" PRIx64 ", 0x%" PRIx64 ")", addr, len);

	if (rc)
		return rc;
	rc = mm_munmap(&sim->m, sim->pid, addr, len);
	if (!rc)
		ref_range(sim, sim->pid, addr, len, REF_EV_UNMAP);
	return api_end(sim, rc, rc == -EINVAL ? "a misaligned address, a zero length or a range outside user space" : NULL);
}

int ptesim_sim_mprotect(ptesim_sim *sim, uint64_t addr, uint64_t len, unsigned prot)
{
	char p[4];
	int rc = api_begin(sim, "mprotect(0x%" PRIx64 ", 0x%" PRIx64 ", %s)", addr, len, api_prot_name(prot, p));

	if (rc)
		return rc;
	rc = mm_mprotect(&sim->m, sim->pid, addr, len, prot);
	return api_end(sim, rc,
		       rc == -ENOMEM   ? "the range is not fully mapped"
		       : rc == -EACCES ? "a mapping in the range may not become writable"
		       : rc == -EINVAL ? "a misaligned address or unknown prot bits"
				       : NULL);
}

/* madvise_walk_vmas() stops at the first VMA that refuses MADV_FREE (not
 * anonymous memory): the pages before it were advised */
static uint64_t free_reached(ptesim_sim *sim, uint64_t addr, uint64_t len)
{
	struct mm *mm = &sim->m.procs[sim->pid];
	uint64_t end = addr + ((len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));

	if (!user_range_ok(addr, end - addr))
		return addr;
	for (size_t i = 0; i < mm->nvmas; i++) {
		const struct vma *v = &mm->vmas[i];

		if (v->end > addr && v->start < end && v->backing != BACKING_ANON)
			return v->start > addr ? v->start : addr;
	}
	return end;
}

static const char *advice_name(int advice)
{
	switch (advice) {
	case PTESIM_MADV_DONTNEED:
		return "MADV_DONTNEED";
	case PTESIM_MADV_FREE:
		return "MADV_FREE";
	case PTESIM_MADV_COLD:
		return "MADV_COLD";
	case PTESIM_MADV_PAGEOUT:
		return "MADV_PAGEOUT";
	default:
		return "?";
	}
}

int ptesim_sim_madvise(ptesim_sim *sim, uint64_t addr, uint64_t len, int advice)
{
	int pid = sim->pid;
	int rc = api_begin(sim, "madvise(0x%" PRIx64 ", 0x%" PRIx64 ", %s)", addr, len, advice_name(advice));

	if (rc)
		return rc;
	switch (advice) {
	case PTESIM_MADV_DONTNEED:
		rc = mm_madvise_dontneed(&sim->m, pid, addr, len);
		if (rc == 0 || rc == -ENOMEM)
			ref_range(sim, pid, addr, len, REF_EV_DONTNEED);
		break;
	case PTESIM_MADV_FREE:
		rc = mm_madvise_free(&sim->m, pid, addr, len);
		if (rc == 0 || rc == -ENOMEM)
			ref_range(sim, pid, addr, len, REF_EV_FREE);
		else if (rc == -EINVAL)
			ref_range(sim, pid, addr, free_reached(sim, addr, len) - addr, REF_EV_FREE);
		break;
	case PTESIM_MADV_COLD:
		rc = mm_madvise_cold(&sim->m, pid, addr, len);
		break;
	case PTESIM_MADV_PAGEOUT:
		rc = mm_madvise_pageout(&sim->m, pid, addr, len);
		break;
	default:
		return api_fail(sim, -EINVAL, "the advice is not one of PTESIM_MADV_*");
	}
	return api_end(sim, rc,
		       rc == -ENOMEM   ? "the range is not fully mapped (the mapped parts were advised)"
		       : rc == -EINVAL ? (advice == PTESIM_MADV_FREE ? "a misaligned range, or memory that is not anonymous"
								 : "a misaligned range")
				       : NULL);
}

int ptesim_sim_clear_refs(ptesim_sim *sim, int value)
{
	int rc = api_begin(sim, "clear_refs(%d)", value);

	if (rc)
		return rc;
	rc = mm_clear_refs(&sim->m, sim->pid, value);
	if (!rc && value == PTESIM_CLEAR_REFS_SOFT_DIRTY)
		ref_soft_dirty_cleared(sim, sim->pid);
	return api_end(sim, rc, rc == -EINVAL ? "clear_refs takes 1 to 5" : NULL);
}

int ptesim_sim_reclaim(ptesim_sim *sim, uint64_t addr, uint64_t len)
{
	int rc = api_begin(sim, "reclaim(0x%" PRIx64 ", 0x%" PRIx64 ")", addr, len);

	if (rc)
		return rc;
	rc = mm_reclaim(&sim->m, sim->pid, addr, len);
	return api_end(sim, rc, rc == -EINVAL ? "a misaligned range or one outside user space" : NULL);
}

int ptesim_sim_migrate(ptesim_sim *sim, uint64_t addr, uint64_t len)
{
	int rc = api_begin(sim, "migrate(0x%" PRIx64 ", 0x%" PRIx64 ")", addr, len);

	if (rc)
		return rc;
	rc = mm_migrate(&sim->m, sim->pid, addr, len);
	return api_end(sim, rc,
		       rc == -EINVAL  ? "a misaligned range or one outside user space"
		       : rc == -EBUSY ? "a page could not move (pinned, or held elsewhere)"
				      : NULL);
}
