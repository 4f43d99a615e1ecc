/* SPDX-License-Identifier: MIT */
/*
 * Reclaim of one page, as shrink_folio_list() (mm/vmscan.c) does it for a
 * small folio, with try_to_unmap_one() (mm/rmap.c) for each mapping:
 * anon pages go to swap, clean lazy-free pages are discarded, page-cache
 * pages are unmapped and dropped once clean.
 */
#include <errno.h>

#include "mm/mm_internal.h"

#define SWAP_TYPE 0u

struct unmap_ctx {
	struct machine *m;
	struct vma *vma;
	uint64_t pfn;
	uint64_t offset; /* anon swap-backed: the slot its entries point at */
	bool failed;     /* a mapping was restored: the unmap stops */
};

/* try_to_unmap_one() for an anon page going to swap */
static void unmap_to_swap(struct unmap_ctx *u, pte_t *ptep)
{
	const struct ptesim_layout *L = u->m->L;
	struct kpath_log *kp = kpath_of(u->m);
	struct frame *f = frame_of(&u->m->frames, u->pfn);
	bool exclusive = f->flags & FRAME_ANON_EXCLUSIVE;
	pte_t pteval = KPATH(kp, ptep_get_and_clear, L, ptep), swp_pte;

	if (pte_dirty(L, pteval))
		folio_mark_dirty(u->m, u->pfn);
	/* folio_try_share_anon_rmap_pte(): a page that may be pinned stays */
	if (exclusive && f->pins) {
		KPATH(kp, set_pte_at, ptep, pteval);
		u->failed = true;
		return;
	}
	f->flags &= (uint16_t)~FRAME_ANON_EXCLUSIVE;
	swp_pte = KPATH(kp, swp_entry_to_pte, L, swp_entry(SWAP_TYPE, u->offset));
	if (exclusive)
		swp_pte = KPATH(kp, pte_swp_mkexclusive, L, swp_pte);
	if (pte_soft_dirty(L, pteval))
		swp_pte = KPATH(kp, pte_swp_mksoft_dirty, L, swp_pte);
	if (pte_uffd_wp(L, pteval))
		swp_pte = KPATH(kp, pte_swp_mkuffd_wp, L, swp_pte);
	KPATH(kp, set_pte_at, ptep, swp_pte);
	swap_duplicate(u->m, u->offset);
	rmap_remove(u->m, u->pfn);
}

/* try_to_unmap_one() for a lazy-free page: discarded when nobody wrote it
 * again and nothing else holds it; otherwise the entry comes back bit for
 * bit and the page is swap-backed again */
static void unmap_lazyfree(struct unmap_ctx *u, pte_t *ptep)
{
	const struct ptesim_layout *L = u->m->L;
	struct kpath_log *kp = kpath_of(u->m);
	struct frame *f = frame_of(&u->m->frames, u->pfn);
	pte_t pteval = KPATH(kp, ptep_get_and_clear, L, ptep);

	if (pte_dirty(L, pteval))
		folio_mark_dirty(u->m, u->pfn);
	/* read after the entry is cleared, before the rmap goes: the
	 * isolation's reference and one per mapping. Since 6.15 only a
	 * re-dirtied page becomes swap-backed again; one held by someone else
	 * stays lazy-free */
	if (f->refcount != 1 + f->mapcount || (f->flags & FRAME_DIRTY)) {
		KPATH(kp, set_pte_at, ptep, pteval);
		if (f->flags & FRAME_DIRTY)
			f->flags |= FRAME_SWAPBACKED;
		u->failed = true;
		return;
	}
	kpath_note(kp, KPATH_CALL, "folio_remove_rmap_pte (the lazy-free page is discarded)");
	rmap_remove(u->m, u->pfn);
}

/* try_to_unmap_one() for a page-cache page: the entry goes, what it knew
 * goes to the page (folio_mark_dirty) */
static void unmap_file(struct unmap_ctx *u, pte_t *ptep)
{
	const struct ptesim_layout *L = u->m->L;
	pte_t pteval = KPATH(kpath_of(u->m), ptep_get_and_clear, L, ptep);

	if (pte_dirty(L, pteval))
		folio_mark_dirty(u->m, u->pfn);
	/* pte_install_uffd_wp_if_needed(): the protection stays as a marker */
	install_uffd_wp_if_needed(u->m, u->vma, ptep, pteval, false);
	rmap_remove(u->m, u->pfn);
}

static void unmap_table(void *ctx, uint64_t table_va, pte_t *table)
{
	struct unmap_ctx *u = ctx;
	const struct ptesim_layout *L = u->m->L;
	uint16_t flags = frame_of(&u->m->frames, u->pfn)->flags;
	unsigned first, last;

	table_span(table_va, u->vma->start, u->vma->end, &first, &last);
	for (unsigned i = first; i < last && !u->failed; i++) {
		if (!pte_val(table[i]) || !pte_present(L, table[i]) || vm_normal_page(u->m, table[i]) != u->pfn)
			continue;
		kpath_fn(u->m, "try_to_unmap_one");
		if (!(flags & FRAME_ANON))
			unmap_file(u, &table[i]);
		else if (flags & FRAME_SWAPBACKED)
			unmap_to_swap(u, &table[i]);
		else
			unmap_lazyfree(u, &table[i]);
	}
}

/* The mappings of one VMA of one process over [start, end) */
static void unmap_vma_range(struct unmap_ctx *u, struct mm *mm, struct vma *vma, uint64_t start, uint64_t end)
{
	struct vma span = *vma;

	span.start = start;
	span.end = end;
	u->vma = &span;
	pgtable_walk_tables(&u->m->frames, u->m->L, mm->pgd, start, end, unmap_table, u);
}

/* try_to_unmap(): every mapping of the page in every process, until one
 * refuses; true when none is left. The rmap walk starts where the caller
 * found the page (the kernel finds it from folio->index), so a page mapped
 * once costs one entry; only a page mapped more than once walks on. */
static bool try_to_unmap(struct machine *m, const struct page_ref *at, uint64_t pfn, uint64_t offset)
{
	struct unmap_ctx u = { m, NULL, pfn, offset, false };
	struct frame *f = frame_of(&m->frames, pfn);

	if (at && at->pid >= 0 && m->procs[at->pid].alive) {
		struct mm *mm = &m->procs[at->pid];
		struct vma *vma = find_vma(mm, at->va);

		if (vma)
			unmap_vma_range(&u, mm, vma, at->va, at->va + PAGE_SIZE);
	}
	for (size_t pid = 0; pid < m->nprocs && !u.failed && f->mapcount; pid++) {
		struct mm *mm = &m->procs[pid];

		for (size_t i = 0; mm->alive && i < mm->nvmas && !u.failed && f->mapcount; i++)
			unmap_vma_range(&u, mm, &mm->vmas[i], mm->vmas[i].start, mm->vmas[i].end);
	}
	return !u.failed && !f->mapcount;
}

/* An anon swap-backed page: add_to_swap() (which marks it dirty), unmap,
 * pageout() to its slot, then out of the swap cache. Without swap it
 * stays where it is. */
static int reclaim_anon(struct machine *m, const struct page_ref *at, uint64_t pfn)
{
	struct frame *f = frame_of(&m->frames, pfn);
	uint64_t offset;

	if (!(f->flags & FRAME_SWAPCACHE)) {
		kpath_fn(m, "add_to_swap");
		offset = swap_alloc(m, f->data);
		if (!offset)
			return -ENOSPC;
		swapcache_add(m, pfn, offset);
		swap_free(m, offset); /* the entries will hold the slot, the cache the page */
	}
	offset = f->index;
	folio_mark_dirty(m, pfn);
	if (!try_to_unmap(m, at, pfn, offset))
		return -EBUSY; /* stays in the swap cache, mapped where it was restored */
	kpath_fn(m, "pageout");
	swap_slot(m, offset)->data = f->data;
	f->flags &= (uint16_t)~FRAME_DIRTY;
	/* __remove_mapping(): only the isolation and the swap cache hold it */
	if (f->refcount == 2)
		swapcache_delete(m, pfn);
	return 0;
}

/* shrink_folio_list() for a lazy-free page: discard, or keep it mapped
 * and swap-backed (the next reclaim swaps it) */
static int reclaim_lazyfree(struct machine *m, const struct page_ref *at, uint64_t pfn)
{
	return try_to_unmap(m, at, pfn, 0) ? 0 : -EBUSY;
}

/* A page-cache page: unmapped everywhere; a dirty file page stays in the
 * page cache for the flusher to write back (reclaim does not write file
 * pages from here) marked PG_reclaim, which fault-around reads as
 * PG_readahead and skips; shmem goes to swap when there is swap; a clean
 * page leaves the page cache when nothing else holds it */
static int reclaim_pagecache(struct machine *m, const struct page_ref *at, uint64_t pfn)
{
	struct frame *f = frame_of(&m->frames, pfn);
	struct object *o = &m->objects[f->object - 1];

	try_to_unmap(m, at, pfn, 0);
	if (f->flags & FRAME_DIRTY) {
		if (o->kind != BACKING_SHMEM) {
			f->flags |= FRAME_RECLAIM;
			return -EBUSY;
		}
		if (!m->swap.on)
			return -EBUSY;
		/* shmem_writeout(): the data moves to swap */
		f->flags &= (uint16_t)~FRAME_DIRTY;
	}
	if (f->refcount != 2)
		return -EBUSY; /* __remove_mapping(): someone else holds it */
	o->disk[f->index] = f->data;
	o->pfn[f->index] = 0;
	f->flags &= (uint16_t)~FRAME_PAGECACHE;
	frame_put(&m->frames, pfn);
	return 0;
}

int reclaim_page(struct machine *m, uint64_t pfn, const struct page_ref *at)
{
	struct frame *f;
	int rc;

	if (!pfn_valid(&m->frames, pfn))
		return -EINVAL;
	f = frame_of(&m->frames, pfn);
	if (f->flags & (FRAME_ZERO | FRAME_TABLE))
		return -EINVAL;
	kpath_fn(m, "shrink_folio_list");
	/* isolated from the LRU: a reference of its own for the duration */
	f->refcount++;
	if (!(f->flags & FRAME_ANON))
		rc = reclaim_pagecache(m, at, pfn);
	else if (f->flags & FRAME_SWAPBACKED)
		rc = reclaim_anon(m, at, pfn);
	else
		rc = reclaim_lazyfree(m, at, pfn);
	frame_put(&m->frames, pfn);
	return rc;
}

int mm_swap_out(struct machine *m, uint64_t pfn)
{
	struct frame *f;

	if (!pfn_valid(&m->frames, pfn))
		return -EINVAL;
	f = frame_of(&m->frames, pfn);
	if ((f->flags & (FRAME_ANON | FRAME_SWAPBACKED)) != (FRAME_ANON | FRAME_SWAPBACKED) || !f->mapcount)
		return -EINVAL;
	return reclaim_page(m, pfn, NULL);
}
