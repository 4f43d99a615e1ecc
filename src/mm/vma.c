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

/* is_mergeable_anon_vma() as 6.16 reworked it ("mm/vma: fix incorrectly
 * disallowed anonymous VMA merges"; 6.18 is the same), src being the VMA
 * mprotect changed (vmg->middle, vmg->anon_vma) and tgt the neighbour it
 * would merge with: when only src has an anon_vma it is dup_anon_vma()'d
 * into tgt, and when only tgt has one src takes it, either way unless the
 * VMA whose anon_vma would spread came through fork (its chain is not
 * singular: vma_had_uncowed_parents()); when both have one it must be the
 * same. 6.12 looked at tgt's chain alone, so a faulted VMA never merged
 * into one without an anon_vma. */
static bool is_mergeable_anon_vma(const struct vma *src, const struct vma *tgt)
{
	if (!tgt->anon_vma && src->anon_vma)
		return !src->anon_vma_forked;
	if (tgt->anon_vma && !src->anon_vma)
		return !tgt->anon_vma_forked;
	return src->anon_vma == tgt->anon_vma;
}

/* dup_anon_vma(): the VMA that grows over another takes its anon_vma
 * (and, by anon_vma_clone(), its chain) when it has none */
static void dup_anon_vma(struct vma *dst, const struct vma *src)
{
	if (src->anon_vma && !dst->anon_vma) {
		dst->anon_vma = src->anon_vma;
		dst->anon_vma_forked = src->anon_vma_forked;
	}
}

/* vmas[i] grows over vmas[i + 1] */
static void absorb(const struct machine *m, struct mm *mm, size_t i)
{
	struct vma *a = &mm->vmas[i], *b = &mm->vmas[i + 1];

	a->end = b->end;
	a->vm_flags |= b->vm_flags & m->vm_softdirty;
	vma_remove(mm, i + 1);
}

/* vma_modify_flags() -> vma_merge_existing_range(): the VMA at idx just
 * changed (split from the rest first); merge it with the neighbours that
 * match it again, prev growing over it (and over next), or next growing
 * back over it. */
void vma_merge_modified(const struct machine *m, struct mm *mm, size_t idx)
{
	struct vma *mid = &mm->vmas[idx];
	struct vma *prev = idx > 0 ? mid - 1 : NULL;
	struct vma *next = idx + 1 < mm->nvmas ? mid + 1 : NULL;
	/* can_vma_merge_left() and can_vma_merge_right(): when both would,
	 * prev and next must not have different anon_vmas either */
	bool left = prev && vmas_mergeable(m, prev, mid) && is_mergeable_anon_vma(mid, prev);
	bool right = next && vmas_mergeable(m, mid, next) && is_mergeable_anon_vma(mid, next) &&
		     (!left || !prev->anon_vma || !next->anon_vma || prev->anon_vma == next->anon_vma);

	if (left && right) {
		dup_anon_vma(prev, next->anon_vma ? next : mid);
		absorb(m, mm, idx - 1);
		absorb(m, mm, idx - 1);
	} else if (left) {
		dup_anon_vma(prev, mid);
		absorb(m, mm, idx - 1);
	} else if (right) {
		/* next is the one that stays: it takes mid's range */
		dup_anon_vma(next, mid);
		mid->anon_vma = next->anon_vma;
		mid->anon_vma_forked = next->anon_vma_forked;
		absorb(m, mm, idx);
	}
}

/* anon_vma_compatible(): adjacent, the same file at contiguous offsets,
 * flags equal but for access and soft-dirty */
static bool anon_vma_compatible(const struct machine *m, const struct vma *a, const struct vma *b)
{
	return a->end == b->start &&
	       ((a->vm_flags ^ b->vm_flags) & ~(VM_READ | VM_WRITE | VM_EXEC | m->vm_softdirty)) == 0 &&
	       a->backing == b->backing && (a->backing == BACKING_ANON || a->object == b->object) &&
	       b->pgoff == a->pgoff + ((a->end - a->start) >> PAGE_SHIFT);
}

/* reusable_anon_vma(): old's anon_vma, if its chain is singular */
static uint64_t reusable_anon_vma(const struct machine *m, const struct vma *old, const struct vma *a,
				  const struct vma *b)
{
	if (anon_vma_compatible(m, a, b) && old->anon_vma && !old->anon_vma_forked)
		return old->anon_vma;
	return 0;
}

/* __anon_vma_prepare(): find_mergeable_anon_vma() tries next, then prev,
 * so that pieces faulted one by one between mprotects can merge again
 * later; else a new anon_vma. Either way the chain is singular. */
void anon_vma_prepare(struct machine *m, struct mm *mm, struct vma *vma)
{
	size_t i = (size_t)(vma - mm->vmas);
	uint64_t av = 0;

	if (vma->anon_vma)
		return;
	if (i + 1 < mm->nvmas)
		av = reusable_anon_vma(m, &mm->vmas[i + 1], vma, &mm->vmas[i + 1]);
	if (!av && i > 0)
		av = reusable_anon_vma(m, &mm->vmas[i - 1], &mm->vmas[i - 1], vma);
	vma->anon_vma = av ? av : ++m->anon_vmas;
	vma->anon_vma_forked = false;
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

	kpath_fn(m, "mmap_region");
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
	if (!m->mapped_hi || v.start < m->mapped_lo)
		m->mapped_lo = v.start;
	if (v.end > m->mapped_hi)
		m->mapped_hi = v.end;
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

	kpath_fn(m, "do_vmi_munmap");
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
