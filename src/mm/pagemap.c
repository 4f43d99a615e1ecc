/* SPDX-License-Identifier: MIT */
/* /proc/PID/pagemap: pte_to_pagemap_entry() and pagemap_pte_hole(), fs/proc/task_mmu.c */
#include "mm/mm_internal.h"

uint64_t mm_pagemap(struct machine *m, int pid, uint64_t va)
{
	const struct ptesim_layout *L = m->L;
	struct mm *mm = &m->procs[pid];
	struct vma *vma = find_vma(mm, va);
	uint64_t flags = 0, pfn;
	pte_t *ptep, pte;

	if (!vma)
		return 0;
	/* VM_SOFTDIRTY makes every page of the VMA soft-dirty, holes included */
	if (vma->vm_flags & m->vm_softdirty)
		flags |= PM_SOFT_DIRTY;
	ptep = mm_pte(m, mm, va, false);
	if (!ptep || pte_none(L, *ptep))
		return flags;
	pte = *ptep;
	if (pte_present(L, pte)) {
		flags |= PM_PRESENT;
		if (pte_soft_dirty(L, pte))
			flags |= PM_SOFT_DIRTY;
		if (pte_uffd_wp(L, pte))
			flags |= PM_UFFD_WP;
		pfn = vm_normal_page(m, pte); /* no page: the zero page is neither FILE nor EXCLUSIVE */
		if (pfn) {
			struct frame *f = frame_of(&m->frames, pfn);

			if (!(f->flags & FRAME_ANON))
				flags |= PM_FILE;
			if (f->mapcount == 1)
				flags |= PM_MMAP_EXCLUSIVE;
		}
		return flags;
	}
	/* a swap-type entry: swap, migration, device, PTE marker */
	flags |= PM_SWAP;
	if (pte_swp_soft_dirty(L, pte))
		flags |= PM_SOFT_DIRTY;
	if (pte_swp_uffd_wp(L, pte) || pte_marker_uffd_wp(L, pte))
		flags |= PM_UFFD_WP;
	return flags;
}
