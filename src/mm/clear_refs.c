/* SPDX-License-Identifier: MIT */
/* /proc/PID/clear_refs: clear_refs_write() and clear_refs_pte_range(), fs/proc/task_mmu.c */
#include <errno.h>

#include "mm/mm_internal.h"

enum clear_refs_type {
	CLEAR_REFS_ALL = 1,
	CLEAR_REFS_ANON,
	CLEAR_REFS_MAPPED,
	CLEAR_REFS_SOFT_DIRTY,
	CLEAR_REFS_MM_HIWATER_RSS,
	CLEAR_REFS_LAST,
};

struct clear_refs_ctx {
	struct machine *m;
	struct mm *mm;
	struct vma *vma;
	enum clear_refs_type type;
};

/* pte_is_pinned(): a writable entry of a COW mapping whose page may be
 * pinned for DMA is left writable, so the device's writes stay visible */
static inline bool pte_is_pinned(const struct clear_refs_ctx *c, pte_t pte)
{
	uint64_t pfn;

	if (!pte_write(c->m->L, pte) || !is_cow_mapping(c->vma->vm_flags) || !c->mm->has_pinned)
		return false;
	pfn = vm_normal_page(c->m, pte);
	return pfn && frame_of(&c->m->frames, pfn)->refcount >= GUP_PIN_COUNTING_BIAS;
}

/* clear_soft_dirty(): an empty function without CONFIG_MEM_SOFT_DIRTY */
KPATH_INLINE void clear_soft_dirty(struct kpath_log *kp, const struct clear_refs_ctx *c, pte_t *ptep)
{
	const struct ptesim_layout *L = c->m->L;
	pte_t old, ptent = *ptep;

	if (!c->m->vm_softdirty)
		return;
	kpath_note(kp, KPATH_FUNCTION, "clear_soft_dirty");
	if (pte_present(L, ptent)) {
		if (pte_is_pinned(c, ptent))
			return;
		old = KPATH(kp, ptep_modify_prot_start, L, ptep);
		ptent = KPATH(kp, pte_wrprotect, L, old);
		ptent = KPATH(kp, pte_clear_soft_dirty, L, ptent);
		KPATH(kp, ptep_modify_prot_commit, L, ptep, old, ptent);
	} else if (is_swap_pte(L, ptent)) {
		ptent = KPATH(kp, pte_swp_clear_soft_dirty, L, ptent);
		KPATH(kp, set_pte_at, ptep, ptent);
	}
}

KPATH_INLINE void clear_refs_entries(struct kpath_log *kp, struct clear_refs_ctx *c, uint64_t table_va,
				     pte_t *table)
{
	const struct ptesim_layout *L = c->m->L;
	unsigned first, last;

	kpath_note(kp, KPATH_FUNCTION, "clear_refs_pte_range");
	table_span(table_va, c->vma->start, c->vma->end, &first, &last);
	for (unsigned i = first; i < last; i++) {
		uint64_t pfn;

		if (!pte_val(table[i]) || pte_none(L, table[i]))
			continue;
		if (c->type == CLEAR_REFS_SOFT_DIRTY) {
			clear_soft_dirty(kp, c, &table[i]);
			continue;
		}
		if (!pte_present(L, table[i]) || !(pfn = vm_normal_page(c->m, table[i])))
			continue;
		/* ptep_test_and_clear_young(), folio_test_clear_young(), folio_clear_referenced() */
		KPATH(kp, ptep_test_and_clear_young, L, &table[i]);
		frame_of(&c->m->frames, pfn)->flags &= (uint16_t)~FRAME_REFERENCED;
	}
}

static void clear_refs_table(void *ctx, uint64_t table_va, pte_t *table)
{
	struct clear_refs_ctx *c = ctx;

	KPATH_WALK(kpath_of(c->m), clear_refs_entries, c, table_va, table);
}

/* clear_refs_test_walk(): ANON skips VMAs with a file (shmem included:
 * a shared anonymous mapping has one), MAPPED those without */
static bool clear_refs_skips(enum clear_refs_type type, const struct vma *vma)
{
	bool has_file = vma->backing != BACKING_ANON;

	return (type == CLEAR_REFS_ANON && has_file) || (type == CLEAR_REFS_MAPPED && !has_file);
}

int mm_clear_refs(struct machine *m, int pid, int value)
{
	struct clear_refs_ctx c = { m, &m->procs[pid], NULL, (enum clear_refs_type)value };

	kpath_fn(m, "clear_refs_write");
	if (value < CLEAR_REFS_ALL || value >= CLEAR_REFS_LAST)
		return -EINVAL;
	if (c.type == CLEAR_REFS_MM_HIWATER_RSS)
		return 0; /* reset_mm_hiwater_rss(): no entry changes */
	if (c.type == CLEAR_REFS_SOFT_DIRTY) {
		/* tracking starts: writes to shared mappings fault again */
		for (size_t i = 0; i < c.mm->nvmas; i++) {
			struct vma *v = &c.mm->vmas[i];

			if (!(v->vm_flags & m->vm_softdirty))
				continue;
			v->vm_flags &= ~m->vm_softdirty;
			vma_set_page_prot(m, v);
		}
	}
	for (size_t i = 0; i < c.mm->nvmas; i++) {
		c.vma = &c.mm->vmas[i];
		if (clear_refs_skips(c.type, c.vma))
			continue;
		pgtable_walk_tables(&m->frames, m->L, c.mm->pgd, c.vma->start, c.vma->end, clear_refs_table, &c);
	}
	return 0;
}
