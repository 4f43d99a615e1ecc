/* SPDX-License-Identifier: MIT */
/* VMAs: mmap, munmap and the splitting mprotect and madvise need. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm/mm.h"
#include "mm/mm_internal.h"

bool vma_soft_dirty_enabled(const struct machine *m, const struct vma *vma)
{
	return m->vm_softdirty && !(vma->vm_flags & m->vm_softdirty);
}

/* vma_wants_writenotify(): shared writable mappings whose writes the
 * kernel must see: files with writeback, soft-dirty tracking, uffd-wp */
bool vma_wants_writenotify(const struct machine *m, const struct vma *vma)
{
	if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) != (VM_WRITE | VM_SHARED))
		return false;
	if (vma->backing == BACKING_FILE)
		return true; /* ->page_mkwrite and mapping_can_writeback() */
	if (vma_soft_dirty_enabled(m, vma))
		return true;
	return vma->vm_flags & VM_UFFD_WP;
}

/* vma_set_page_prot() */
void vma_set_page_prot(const struct machine *m, struct vma *vma)
{
	unsigned long flags = vma->vm_flags;

	if (vma_wants_writenotify(m, vma))
		flags &= ~VM_SHARED;
	vma->vm_page_prot = vm_get_page_prot(m->L, flags & (VM_READ | VM_WRITE | VM_EXEC | VM_SHARED));
}

static int vma_insert(struct mm *mm, const struct vma *vma)
{
	size_t i = 0;

	if (mm->nvmas == mm->cap) {
		size_t cap = mm->cap ? mm->cap * 2 : 8;
		struct vma *v = realloc(mm->vmas, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		mm->vmas = v;
		mm->cap = cap;
	}
	while (i < mm->nvmas && mm->vmas[i].start < vma->start)
		i++;
	memmove(&mm->vmas[i + 1], &mm->vmas[i], (mm->nvmas - i) * sizeof(*vma));
	mm->vmas[i] = *vma;
	mm->nvmas++;
	return 0;
}

static void vma_remove(struct mm *mm, size_t i)
{
	memmove(&mm->vmas[i], &mm->vmas[i + 1], (mm->nvmas - i - 1) * sizeof(mm->vmas[0]));
	mm->nvmas--;
}

/* __split_vma(): the VMA containing addr becomes [start, addr) and [addr, end) */
static int vma_split_at(struct mm *mm, uint64_t addr)
{
	struct vma *v = find_vma(mm, addr), tail;

	if (!v || v->start == addr)
		return 0;
	tail = *v;
	tail.start = addr;
	tail.pgoff = v->pgoff + ((addr - v->start) >> PAGE_SHIFT);
	v->end = addr;
	return vma_insert(mm, &tail);
}

/* Split so that [start, end) is made of whole VMAs. */
int vma_split_range(struct mm *mm, uint64_t start, uint64_t end)
{
	int rc = vma_split_at(mm, start);

	return rc ? rc : vma_split_at(mm, end);
}

/* is_mergeable_vma() and friends: touching, same flags (VM_SOFTDIRTY
 * aside), same backing at contiguous offsets */
static bool vmas_mergeable(const struct machine *m, const struct vma *a, const struct vma *b)
{
	return a->end == b->start && ((a->vm_flags ^ b->vm_flags) & ~m->vm_softdirty) == 0 &&
	       a->backing == b->backing && (a->backing == BACKING_ANON || a->object == b->object) &&
	       b->pgoff == a->pgoff + ((a->end - a->start) >> PAGE_SHIFT);
}

/* The anon_vma rule as the live 6.18 kernel was seen to apply it after
 * mprotect: a modified VMA that has an anon_vma does not merge into a
 * neighbour that has none; one without merges into one with, which then
 * covers both. */
static bool anon_vma_allows(bool modified_has, bool neighbour_has)
{
	return !modified_has || neighbour_has;
}

static void absorb(const struct machine *m, struct mm *mm, size_t i)
{
	struct vma *a = &mm->vmas[i], *b = &mm->vmas[i + 1];

	a->end = b->end;
	a->anon_vma |= b->anon_vma;
	a->vm_flags |= b->vm_flags & m->vm_softdirty;
	vma_remove(mm, i + 1);
}

/* vma_modify_flags(): the VMA at idx just changed; merge it with the
 * neighbours that match it again */
void vma_merge_modified(const struct machine *m, struct mm *mm, size_t idx)
{
	bool has = mm->vmas[idx].anon_vma;

	if (idx > 0 && vmas_mergeable(m, &mm->vmas[idx - 1], &mm->vmas[idx]) &&
	    anon_vma_allows(has, mm->vmas[idx - 1].anon_vma)) {
		absorb(m, mm, idx - 1);
		idx--;
	}
	if (idx + 1 < mm->nvmas && vmas_mergeable(m, &mm->vmas[idx], &mm->vmas[idx + 1]) &&
	    anon_vma_allows(has, mm->vmas[idx + 1].anon_vma))
		absorb(m, mm, idx);
}

static bool range_free(struct mm *mm, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < mm->nvmas; i++)
		if (mm->vmas[i].start < end && mm->vmas[i].end > start)
			return false;
	return true;
}

int mm_mmap(struct machine *m, int pid, uint64_t npages, unsigned long prot, bool shared,
	    enum backing backing, uint32_t object, uint64_t *va)
{
	return mm_mmap_at(m, pid, 0, npages, prot, shared, backing, object, va);
}

int mm_mmap_at(struct machine *m, int pid, uint64_t addr, uint64_t npages, unsigned long prot,
	       bool shared, enum backing backing, uint32_t object, uint64_t *va)
{
	struct mm *mm = &m->procs[pid];
	struct vma v = { 0 };
	uint64_t len = npages << PAGE_SHIFT;

	if (!npages || npages > (UINT64_C(1) << 35) || (prot & ~(VM_READ | VM_WRITE | VM_EXEC)))
		return -EINVAL;
	if (backing == BACKING_ANON && shared) {
		/* MAP_SHARED|MAP_ANONYMOUS is shmem (shmem_zero_setup) */
		int rc = object_new(m, BACKING_SHMEM, npages, &object);

		if (rc)
			return rc;
		backing = BACKING_SHMEM;
	}
	if (backing != BACKING_ANON) {
		int rc = object_grow(m, object, npages);

		if (rc)
			return rc;
	}
	if (addr && !(addr & (PAGE_SIZE - 1)) && addr < TASK_SIZE && len <= TASK_SIZE - addr &&
	    range_free(mm, addr, addr + len)) {
		v.start = addr; /* the hint is free: take it, as mmap() does */
		v.end = addr + len;
	} else {
		v.start = mm->next_va - len;
		v.end = mm->next_va;
		mm->next_va = v.start - PAGE_SIZE;
	}
	/* new VMAs are soft-dirty ("New (or expanded) vma always get soft dirty status") */
	v.vm_flags = prot | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | m->vm_softdirty;
	if (shared)
		v.vm_flags |= VM_SHARED | VM_MAYSHARE;
	else if (prot & VM_WRITE)
		v.vm_flags |= VM_ACCOUNT; /* accountable_mapping(): private and writable */
	v.backing = backing;
	v.object = object;
	vma_set_page_prot(m, &v);
	*va = v.start;
	return vma_insert(mm, &v);
}

bool user_range_ok(uint64_t va, uint64_t len)
{
	return !(va & (PAGE_SIZE - 1)) && len && va < TASK_SIZE && len <= TASK_SIZE - va;
}

int mm_munmap(struct machine *m, int pid, uint64_t va, uint64_t len)
{
	struct mm *mm = &m->procs[pid];
	uint64_t end;
	int rc;

	len = (len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	if (!user_range_ok(va, len))
		return -EINVAL;
	end = va + len;
	rc = vma_split_range(mm, va, end);
	if (rc)
		return rc;
	for (size_t i = 0; i < mm->nvmas;) {
		struct vma *v = &mm->vmas[i];

		if (v->start >= va && v->end <= end) {
			/* unmap_vmas(): drop everything, markers included */
			zap_range(m, mm, v, v->start, v->end, true);
			vma_remove(mm, i);
		} else {
			i++;
		}
	}
	free_unused_tables(m, mm, va, end);
	return 0;
}
