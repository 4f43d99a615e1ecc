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

enum { FORK_SPECIAL = 1 };

/* What copy_present_pte() makes of the parent's entry v: out[0] the
 * parent's entry after, out[1] the child's. Pure, so that it can be
 * memoized per kind of entry. */
static uint32_t copy_present_entries(const void *arg, uint64_t v, uint64_t out[2])
{
	const struct copy_ctx *c = arg;
	const struct ptesim_layout *L = c->m->L;
	struct kpath_log *kp = kpath_of(c->m);
	pte_t pte = __pte(v), src = pte;

	if (is_cow_mapping(c->src_vma->vm_flags) && pte_write(L, pte)) {
		KPATH(kp, ptep_set_wrprotect, L, &src);
		pte = KPATH(kp, pte_wrprotect, L, pte);
	}
	if (c->src_vma->vm_flags & VM_SHARED)
		pte = KPATH(kp, pte_mkclean, L, pte);
	pte = KPATH(kp, pte_mkold, L, pte);
	/* without uffd-wp the helper is the generic stub: nothing to clear */
	if (c->clear_uffd_wp)
		pte = KPATH(kp, pte_clear_uffd_wp, L, pte);
	out[0] = pte_val(src);
	out[1] = pte_val(pte);
	return pte_special(L, __pte(v)) ? FORK_SPECIAL : 0;
}

/* what copy_present_entries() reads besides the entry */
static uint64_t copy_memo_ctx(const struct copy_ctx *c)
{
	return (uint64_t)is_cow_mapping(c->src_vma->vm_flags) | (uint64_t)!!(c->src_vma->vm_flags & VM_SHARED) << 1 |
	       (uint64_t)c->clear_uffd_wp << 2;
}

/* copy_present_pte(); s is the memo's slot for the entry, or NULL */
KPATH_INLINE void copy_present(struct kpath_log *kp, struct copy_ctx *c, pte_t *src_ptep, pte_t *dst_ptep,
				const struct entry_memo_slot *s)
{
	struct entry_memo *e = &c->m->memo_fork;
	uint64_t v = pte_val(*src_ptep), out[2], pfn, ctx = copy_memo_ctx(c);
	uint32_t meta;

	kpath_note(kp, KPATH_FUNCTION, "copy_present_pte");
	meta = entry_memo_apply(e, c->m->L, v, ctx, s, copy_present_entries, c, out);
	pfn = (meta & FORK_SPECIAL) ? 0 : s ? entry_memo_pfn(e, s, v) : vm_normal_page(c->m, __pte(v));
	if (pfn) {
		struct frame *f = frame_of(&c->m->frames, pfn);

		/* folio_try_dup_anon_rmap_pte(): the page is shared from now on */
		if (f->flags & FRAME_ANON)
			f->flags &= (uint16_t)~FRAME_ANON_EXCLUSIVE;
		rmap_add(c->m, pfn);
	}
	*src_ptep = __pte(out[0]);
	*dst_ptep = __pte(out[1]);
}

/* copy_nonpresent_pte() for a swap entry: one more reference to the slot;
 * the page is shared now, so the parent's entry stops being exclusive */
static void copy_swap(struct copy_ctx *c, pte_t *src_ptep, pte_t *dst_ptep)
{
	const struct ptesim_layout *L = c->m->L;
	struct kpath_log *kp = kpath_of(c->m);
	pte_t pte = *src_ptep;

	kpath_fn(c->m, "copy_nonpresent_pte");
	swap_duplicate(c->m, swp_offset(pte_to_swp_entry(L, pte)));
	if (pte_swp_exclusive(L, pte)) {
		pte = KPATH(kp, pte_swp_clear_exclusive, L, pte);
		*src_ptep = pte;
	}
	if (!(c->dst_vma->vm_flags & VM_UFFD_WP))
		pte = KPATH(kp, pte_swp_clear_uffd_wp, L, pte);
	*dst_ptep = pte;
}

KPATH_INLINE void copy_entries(struct kpath_log *kp, struct copy_ctx *c, uint64_t table_va, pte_t *table)
{
	const struct ptesim_layout *L = c->m->L;
	/* copy_pte_range(): the child gets a table wherever the parent has
	 * one in a VMA it copies, empty or not (PAGEMAP_SCAN tells an empty
	 * table from none) */
	pte_t *dst = mm_pte(c->m, c->dst, table_va, true);
	unsigned first, last;
	uint64_t memo_ctx = copy_memo_ctx(c);

	kpath_note(kp, KPATH_FUNCTION, "copy_pte_range");
	table_span(table_va, c->src_vma->start, c->src_vma->end, &first, &last);
	for (unsigned i = first; i < last && !c->err; i++) {
		const struct entry_memo_slot *s;

		/* a zero entry is pte_none() on every architecture */
		if (!pte_val(table[i]))
			continue;
		/* an entry the memo knows is present; a command explained runs
		 * every entry's helpers, so that each is noted */
		s = kp ? NULL : entry_memo_find(&c->m->memo_fork, pte_val(table[i]), memo_ctx);
		if (!s && pte_none(L, table[i]))
			continue;
		if (!dst) {
			c->err = -ENOMEM;
			return;
		}
		if (s || pte_present(L, table[i]))
			copy_present(kp, c, &table[i], &dst[i], s);
		else if (is_real_swap_pte(c->m, table[i]))
			copy_swap(c, &table[i], &dst[i]);
		else if (is_pte_marker(L, table[i]) && pte_marker_uffd_wp(L, table[i]) && userfaultfd_wp(c->dst_vma)) {
			kpath_note(kp, KPATH_FUNCTION, "copy_pte_marker");
			dst[i] = KPATH(kp, make_pte_marker, L, PTE_MARKER_UFFD_WP);
		}
		/* migration entries do not outlive a command: none can exist */
	}
}

static void copy_table(void *ctx, uint64_t table_va, pte_t *table)
{
	struct copy_ctx *c = ctx;

	KPATH_WALK(kpath_of(c->m), copy_entries, c, table_va, table);
}

int mm_fork(struct machine *m, int parent, int *child)
{
	struct copy_ctx c = { .m = m };
	int rc;

	kpath_fn(m, "dup_mmap");
	rc = mm_new(m, child);

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
	/* UFFD_EVENT_FORK: dup_userfaultfd() makes the child a context of its
	 * own, with the parent's features, for the first registered VMA it
	 * meets; with none registered there is no event and no context */
	if (src->uffd.open && (src->uffd.features & UFFD_FEATURE_EVENT_FORK))
		for (size_t i = 0; i < src->nvmas && !dst->uffd.open; i++)
			if (src->vmas[i].vm_flags & VM_UFFD_WP) {
				dst->uffd.open = true;
				dst->uffd.features = src->uffd.features;
			}
	for (size_t i = 0; i < src->nvmas && !c.err; i++) {
		c.src_vma = &src->vmas[i];
		c.dst_vma = &dst->vmas[i];
		/* anon_vma_fork(): the child's VMA gets an anon_vma of its own,
		 * chained to the parent's: no longer a singular chain */
		if (c.src_vma->anon_vma) {
			c.dst_vma->anon_vma = ++m->anon_vmas;
			c.dst_vma->anon_vma_forked = true;
		}
		/* dup_userfaultfd(): with EVENT_FORK the child's VMA stays
		 * registered with the child's new context; without it, not
		 * (userfaultfd_reset_ctx(), writenotify recomputed) */
		if (!(src->uffd.features & UFFD_FEATURE_EVENT_FORK) && (c.dst_vma->vm_flags & VM_UFFD_WP)) {
			c.dst_vma->vm_flags &= ~VM_UFFD_WP;
			if (c.dst_vma->vm_flags & VM_SHARED)
				vma_set_page_prot(m, c.dst_vma);
		}
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
