/* SPDX-License-Identifier: MIT */
/* /proc/PID/pagemap: pte_to_pagemap_entry() and pagemap_pte_hole(), fs/proc/task_mmu.c */
#include "mm/mm_internal.h"

/* meta: the entry's pagemap bits 55-63 shifted down by 32, and whether it
 * is special (the zero page), in bit 0 */
#define PM_META_SPECIAL 1u

static uint32_t present_meta(const struct ptesim_layout *L, pte_t pte)
{
	uint64_t pm = (pte_soft_dirty(L, pte) ? PM_SOFT_DIRTY : 0) | (pte_uffd_wp(L, pte) ? PM_UFFD_WP : 0);

	return (uint32_t)(pm >> 32) | (pte_special(L, pte) ? PM_META_SPECIAL : 0);
}

/* What pagemap reads from a present entry, memoized per kind of entry;
 * NULL for an entry that is not present or not memoizable. */
static const struct entry_memo_slot *present_facts(struct machine *m, pte_t pte)
{
	struct entry_memo *e = &m->memo_pagemap;
	const struct entry_memo_slot *s = entry_memo_find(e, pte_val(pte), 0);
	pte_t twin = __pte(entry_memo_twin(e, pte_val(pte)));

	if (s || !pte_present(m->L, pte))
		return s;
	if (!entry_memo_store(e, m->L, pte_val(pte), 0, NULL, NULL, 0, present_meta(m->L, pte), present_meta(m->L, twin)))
		return NULL;
	return entry_memo_find(e, pte_val(pte), 0);
}

/* VM_SOFTDIRTY makes every page of the VMA soft-dirty, holes included */
static uint64_t vma_pagemap_flags(const struct machine *m, const struct vma *vma)
{
	return (vma->vm_flags & m->vm_softdirty) ? PM_SOFT_DIRTY : 0;
}

/* one page of a VMA (whose own bits are vma_flags); ptep NULL when no
 * table holds it. Inlined into the range loop: it runs once per page. */
static inline __attribute__((always_inline)) uint64_t pagemap_entry(struct machine *m, uint64_t vma_flags,
								    const pte_t *ptep)
{
	const struct ptesim_layout *L = m->L;
	uint64_t flags = vma_flags, pfn;
	pte_t pte;

	if (!ptep || !pte_val(*ptep))
		return flags;
	pte = *ptep;
	/* a present entry is never none: the memo comes first */
	const struct entry_memo_slot *e = present_facts(m, pte);

	if (!e && pte_none(L, pte))
		return flags;
	if (e) {
		pfn = entry_memo_pfn(&m->memo_pagemap, e, pte_val(pte));
		flags |= PM_PRESENT | (pfn & PM_PFRAME_MASK) | ((uint64_t)(e->meta & ~PM_META_SPECIAL) << 32);
		if (!(e->meta & PM_META_SPECIAL)) {
			const struct frame *f = frame_of(&m->frames, pfn);

			if (!(f->flags & FRAME_ANON))
				flags |= PM_FILE;
			if (f->mapcount == 1)
				flags |= PM_MMAP_EXCLUSIVE;
		}
		return flags;
	}
	if (pte_present(L, pte)) {
		pfn = pte_pfn(L, pte);
		/* the pfn, as CAP_SYS_ADMIN reads it */
		flags |= PM_PRESENT | (pfn & PM_PFRAME_MASK);
		if (pte_soft_dirty(L, pte))
			flags |= PM_SOFT_DIRTY;
		if (pte_uffd_wp(L, pte))
			flags |= PM_UFFD_WP;
		/* vm_normal_page(): no page behind the zero page, so neither FILE nor EXCLUSIVE */
		if (!pte_special(L, pte)) {
			struct frame *f = frame_of(&m->frames, pfn);

			if (!(f->flags & FRAME_ANON))
				flags |= PM_FILE;
			if (f->mapcount == 1)
				flags |= PM_MMAP_EXCLUSIVE;
		}
		return flags;
	}
	/* a swap-type entry: swap, migration, device, PTE marker; frame =
	 * type | offset << MAX_SWAPFILES_SHIFT */
	swp_entry_t entry = pte_to_swp_entry(L, pte);

	flags |= PM_SWAP | ((swp_type(entry) | (swp_offset(entry) << MAX_SWAPFILES_SHIFT)) & PM_PFRAME_MASK);
	if (pte_swp_soft_dirty(L, pte))
		flags |= PM_SOFT_DIRTY;
	if (pte_swp_uffd_wp(L, pte) || pte_marker_uffd_wp(L, pte))
		flags |= PM_UFFD_WP;
	return flags;
}

uint64_t mm_pagemap(struct machine *m, int pid, uint64_t va)
{
	struct mm *mm = &m->procs[pid];
	struct vma *vma = find_vma(mm, va);

	kpath_fn(m, "pagemap_read");
	return vma ? pagemap_entry(m, vma_pagemap_flags(m, vma), mm_pte(m, mm, va, false)) : 0;
}

/* pagemap_read() over n pages: VMA after VMA, table after table, the
 * entries of a table in one loop */
void mm_pagemap_range(struct machine *m, int pid, uint64_t va, uint64_t n, uint64_t *out)
{
	struct mm *mm = &m->procs[pid];
	uint64_t i = 0;

	kpath_fn(m, "pagemap_read");
	while (i < n) {
		struct vma *vma = find_vma(mm, va);
		uint64_t tva = va & ~(PTRS_PER_TABLE * PAGE_SIZE - 1), stop, vma_flags;
		const pte_t *table;

		if (!vma) {
			out[i++] = 0;
			va += PAGE_SIZE;
			continue;
		}
		/* up to the end of the VMA, of the table, of the range */
		stop = (vma->end < tva + PTRS_PER_TABLE * PAGE_SIZE ? vma->end : tva + PTRS_PER_TABLE * PAGE_SIZE) - va;
		stop = i + (stop >> PAGE_SHIFT) < n ? i + (stop >> PAGE_SHIFT) : n;
		table = mm_pte(m, mm, tva, false);
		vma_flags = vma_pagemap_flags(m, vma);
		for (unsigned idx = (unsigned)((va - tva) >> PAGE_SHIFT); i < stop; i++, idx++, va += PAGE_SIZE)
			out[i] = pagemap_entry(m, vma_flags, table ? &table[idx] : NULL);
	}
}
