/* SPDX-License-Identifier: MIT */
/* fork: dup_mmap() and copy_page_range(), kernel/fork.c and mm/memory.c */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm/mm_internal.h"

struct copy_ctx {
	struct machine *m;
	struct mm *dst;
	struct vma *src_vma, *dst_vma;
	bool clear_uffd_wp; /* the child is not uffd-wp registered and the layout has uffd-wp */
	int err;
};

/* copy_present_pte() */
static void copy_present(struct copy_ctx *c, pte_t *src_ptep, pte_t *dst_ptep)
{
	const struct ptesim_layout *L = c->m->L;
	pte_t pte = *src_ptep;
	uint64_t pfn = vm_normal_page(c->m, pte);

	if (pfn) {
		struct frame *f = frame_of(&c->m->frames, pfn);

		/* folio_try_dup_anon_rmap_pte(): the page is shared from now on */
		if (f->flags & FRAME_ANON)
			f->flags &= (uint16_t)~FRAME_ANON_EXCLUSIVE;
		rmap_add(c->m, pfn);
	}
	if (is_cow_mapping(c->src_vma->vm_flags) && pte_write(L, pte)) {
		ptep_set_wrprotect(L, src_ptep);
		pte = pte_wrprotect(L, pte);
	}
	if (c->src_vma->vm_flags & VM_SHARED)
		pte = pte_mkclean(L, pte);
	pte = pte_mkold(L, pte);
	/* without uffd-wp the helper is the generic stub: nothing to clear */
	if (c->clear_uffd_wp)
		pte = pte_clear_uffd_wp(L, pte);
	*dst_ptep = pte;
}

/* copy_nonpresent_pte() for a swap entry: one more reference to the slot;
 * the page is shared now, so the parent's entry stops being exclusive */
static void copy_swap(struct copy_ctx *c, pte_t *src_ptep, pte_t *dst_ptep)
{
	const struct ptesim_layout *L = c->m->L;
	pte_t pte = *src_ptep;

	swap_duplicate(c->m, swp_offset(pte_to_swp_entry(L, pte)));
	if (pte_swp_exclusive(L, pte)) {
		pte = pte_swp_clear_exclusive(L, pte);
		*src_ptep = pte;
	}
	if (!(c->dst_vma->vm_flags & VM_UFFD_WP))
		pte = pte_swp_clear_uffd_wp(L, pte);
	*dst_ptep = pte;
}

static void copy_table(void *ctx, uint64_t table_va, pte_t *table)
{
	struct copy_ctx *c = ctx;
	const struct ptesim_layout *L = c->m->L;
	pte_t *dst = NULL; /* the child's table at the same address, made on first use */
	unsigned first, last;

	table_span(table_va, c->src_vma->start, c->src_vma->end, &first, &last);
	for (unsigned i = first; i < last && !c->err; i++) {
		/* a zero entry is pte_none() on every architecture */
		if (!pte_val(table[i]) || pte_none(L, table[i]))
			continue;
		if (!dst && !(dst = mm_pte(c->m, c->dst, table_va, true))) {
			c->err = -ENOMEM;
			return;
		}
		if (pte_present(L, table[i]))
			copy_present(c, &table[i], &dst[i]);
		else if (is_real_swap_pte(c->m, table[i]))
			copy_swap(c, &table[i], &dst[i]);
		/* markers and migration entries are not simulated yet: none can exist */
	}
}

int mm_fork(struct machine *m, int parent, int *child)
{
	struct copy_ctx c = { .m = m };
	int rc = mm_new(m, child);

	if (rc)
		return rc;
	/* mm_new may have moved the array */
	struct mm *src = &m->procs[parent], *dst = &m->procs[*child];

	dst->next_va = src->next_va;
	dst->vmas = malloc((src->nvmas ? src->nvmas : 1) * sizeof(*dst->vmas));
	if (!dst->vmas)
		return -ENOMEM;
	if (src->nvmas)
		memcpy(dst->vmas, src->vmas, src->nvmas * sizeof(*dst->vmas));
	dst->nvmas = dst->cap = src->nvmas;
	c.dst = dst;
	for (size_t i = 0; i < src->nvmas && !c.err; i++) {
		c.src_vma = &src->vmas[i];
		c.dst_vma = &dst->vmas[i];
		/* anon_vma_fork(): the child's VMA gets an anon_vma of its own,
		 * chained to the parent's: no longer a singular chain */
		if (c.src_vma->anon_vma) {
			c.dst_vma->anon_vma = ++m->anon_vmas;
			c.dst_vma->anon_vma_forked = true;
		}
		/* dup_userfaultfd() without EVENT_FORK: the child is not registered */
		c.dst_vma->vm_flags &= ~VM_UFFD_WP;
		c.clear_uffd_wp = (m->L->features & PTESIM_FEAT_UFFD_WP) && !(c.dst_vma->vm_flags & VM_UFFD_WP);
		/* vma_needs_copy(): only anon memory (or uffd-wp) copies entries;
		 * the child refaults file and shmem pages */
		if (!c.src_vma->anon_vma && !(c.dst_vma->vm_flags & VM_UFFD_WP))
			continue;
		pgtable_walk_tables(&m->frames, m->L, src->pgd, c.src_vma->start, c.src_vma->end, copy_table,
				    &c);
	}
	return c.err;
}
