/* SPDX-License-Identifier: MIT */
/* madvise(): DONTNEED, FREE, COLD and PAGEOUT (mm/madvise.c), and reclaim of a range. */
#include <errno.h>
#include <stdlib.h>

#include "mm/mm_internal.h"

struct advice {
	struct machine *m;
	struct mm *mm;
	struct vma *vma;
	uint64_t start, end; /* the part of the VMA advised */
	bool pageout;
	int pid;
	struct page_list pages; /* isolated for reclaim */
};

typedef int (*advise_fn)(struct advice *a);

/* madvise_walk_vmas(): VMA after VMA; a hole makes the call ENOMEM once
 * the mapped parts are done, an error stops it where it happens */
static int madvise_walk(struct machine *m, int pid, uint64_t va, uint64_t len, advise_fn fn,
			struct advice *a)
{
	struct mm *mm = &m->procs[pid];
	uint64_t end;
	bool hole = false;

	len = (len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	if (!len && !(va & (PAGE_SIZE - 1)))
		return 0; /* madvise(): nothing to do */
	if (!user_range_ok(va, len))
		return -EINVAL;
	end = va + len;
	a->m = m;
	a->mm = mm;
	a->pid = pid;
	for (uint64_t at = va; at < end;) {
		struct vma *v = find_vma(mm, at);
		int rc;

		if (!v) {
			hole = true;
			at += PAGE_SIZE;
			continue;
		}
		a->vma = v;
		a->start = at;
		a->end = v->end < end ? v->end : end;
		rc = fn(a);
		if (rc)
			return rc;
		at = a->end;
	}
	return hole ? -ENOMEM : 0;
}

static void advise_tables(struct advice *a, pte_table_fn fn)
{
	pgtable_walk_tables(&a->m->frames, a->m->L, a->mm->pgd, a->start, a->end, fn, a);
}

/* 6.14+ reclaim_pt (CONFIG_PT_RECLAIM): a page table whose whole 2 MiB
 * span the zap covered, and that it left with nothing in it, is freed */
static void reclaim_empty_tables(struct machine *m, struct mm *mm, uint64_t start, uint64_t end)
{
	const uint64_t span = PTRS_PER_TABLE * PAGE_SIZE;

	for (uint64_t t = (start + span - 1) & ~(span - 1); t + span <= end; t += span) {
		pte_t *table = mm_pte(m, mm, t, false);
		bool empty = table != NULL;

		for (unsigned i = 0; empty && i < PTRS_PER_TABLE; i++)
			empty = !pte_val(table[i]);
		if (empty)
			pgtable_free_pte_table(&m->frames, m->L, mm->pgd, t);
	}
}

/* MADV_DONTNEED: zap_page_range_single() with no details, so file
 * markers survive */
static int dontneed_vma(struct advice *a)
{
	kpath_fn(a->m, "zap_page_range_single");
	zap_range(a->m, a->mm, a->vma, a->start, a->end, false);
	reclaim_empty_tables(a->m, a->mm, a->start, a->end);
	return 0;
}

int mm_madvise_dontneed(struct machine *m, int pid, uint64_t va, uint64_t len)
{
	struct advice a = { 0 };

	kpath_fn(m, "madvise_dontneed_free");
	return madvise_walk(m, pid, va, len, dontneed_vma, &a);
}

/* madvise_free_pte_range() for small folios */
KPATH_INLINE void free_entries(struct kpath_log *kp, struct advice *a, uint64_t table_va, pte_t *table)
{
	const struct ptesim_layout *L = a->m->L;
	unsigned first, last;

	kpath_note(kp, KPATH_FUNCTION, "madvise_free_pte_range");
	table_span(table_va, a->start, a->end, &first, &last);
	for (unsigned i = first; i < last; i++) {
		pte_t ptent = table[i];
		uint64_t pfn;
		struct frame *f;

		if (!pte_val(ptent) || pte_none(L, ptent))
			continue;
		if (!pte_present(L, ptent)) {
			/* a swapped page is dropped at once; markers and
			 * migration entries stay */
			if (is_real_swap_pte(a->m, ptent)) {
				kpath_note(kp, KPATH_CALL, "free_swap_and_cache_nr");
				swap_entry_free(a->m, swp_offset(pte_to_swp_entry(L, ptent)));
				kpath_note(kp, KPATH_CALL, "clear_not_present_full_ptes");
				table[i] = __pte(0);
			}
			continue;
		}
		pfn = vm_normal_page(a->m, ptent);
		if (!pfn)
			continue; /* the zero page */
		f = frame_of(&a->m->frames, pfn);
		if (f->flags & (FRAME_SWAPCACHE | FRAME_DIRTY)) {
			/* only a page mapped here alone, once the swap cache lets go */
			if (f->mapcount != 1 || !swapcache_release(a->m, pfn))
				continue;
			f->flags &= (uint16_t)~FRAME_DIRTY; /* folio_clear_dirty() */
		}
		if (pte_young(L, ptent) || pte_dirty(L, ptent)) {
			/* clear_young_dirty_ptes() since 6.10; before, the same
			 * through ptep_get_and_clear_full(), pte_mkold(),
			 * pte_mkclean() and set_pte_at() */
			ptent = KPATH(kp, ptep_get_and_clear, L, &table[i]);
			ptent = KPATH(kp, pte_mkold, L, ptent);
			ptent = KPATH(kp, pte_mkclean, L, ptent);
			KPATH(kp, set_pte_at, &table[i], ptent);
		}
		/* folio_mark_lazyfree(): an anon swap-backed page outside the swap cache */
		if ((f->flags & (FRAME_ANON | FRAME_SWAPBACKED | FRAME_SWAPCACHE)) == (FRAME_ANON | FRAME_SWAPBACKED))
			f->flags &= (uint16_t)~(FRAME_SWAPBACKED | FRAME_REFERENCED);
	}
}

static void free_table(void *ctx, uint64_t table_va, pte_t *table)
{
	struct advice *a = ctx;

	KPATH_WALK(kpath_of(a->m), free_entries, a, table_va, table);
}

/* madvise_dontneed_free_valid_vma(): MADV_FREE is for anonymous memory only */
static int free_vma(struct advice *a)
{
	kpath_fn(a->m, "madvise_free_single_vma");
	if (a->vma->backing != BACKING_ANON)
		return -EINVAL;
	advise_tables(a, free_table);
	return 0;
}

int mm_madvise_free(struct machine *m, int pid, uint64_t va, uint64_t len)
{
	struct advice a = { 0 };

	return madvise_walk(m, pid, va, len, free_vma, &a);
}

/* folio_isolate_lru(): a page is taken once, however many entries map it */
static void isolate(struct advice *a, uint64_t pfn, uint64_t va)
{
	struct page_list *l = &a->pages;
	struct frame *f = frame_of(&a->m->frames, pfn);

	if (f->flags & FRAME_ISOLATED)
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		uint64_t *v = realloc(l->pfn, cap * sizeof(*v)), *w;

		if (v)
			l->pfn = v;
		w = v ? realloc(l->va, cap * sizeof(*w)) : NULL;
		if (!w) {
			l->err = -ENOMEM;
			return;
		}
		l->va = w;
		l->cap = cap;
	}
	f->flags |= FRAME_ISOLATED;
	l->va[l->n] = va;
	l->pfn[l->n++] = pfn;
}

/* folio_putback_lru() of every page taken */
static void putback(struct machine *m, struct page_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		frame_of(&m->frames, l->pfn[i])->flags &= (uint16_t)~FRAME_ISOLATED;
}

/* reclaim_pages(): each isolated page, put back first */
static void reclaim_isolated(struct advice *a)
{
	putback(a->m, &a->pages);
	if (a->pages.n)
		kpath_fn(a->m, "reclaim_pages");
	for (size_t i = 0; i < a->pages.n; i++) {
		struct page_ref at = { a->pid, a->pages.va[i] };

		if (pfn_valid(&a->m->frames, a->pages.pfn[i]))
			reclaim_page(a->m, a->pages.pfn[i], &at);
	}
	free(a->pages.pfn);
	free(a->pages.va);
}

/* madvise_cold_or_pageout_pte_range() for small folios: a page mapped by
 * more than one entry is left alone; COLD makes young entries old */
static void cold_table(void *ctx, uint64_t table_va, pte_t *table)
{
	struct advice *a = ctx;
	const struct ptesim_layout *L = a->m->L;
	struct kpath_log *kp = kpath_of(a->m);
	unsigned first, last;

	kpath_note(kp, KPATH_FUNCTION, "madvise_cold_or_pageout_pte_range");
	table_span(table_va, a->start, a->end, &first, &last);
	for (unsigned i = first; i < last && !a->pages.err; i++) {
		pte_t ptent = table[i];
		uint64_t pfn;
		struct frame *f;

		if (!pte_val(ptent) || !pte_present(L, ptent) || !(pfn = vm_normal_page(a->m, ptent)))
			continue;
		f = frame_of(&a->m->frames, pfn);
		if (f->mapcount != 1) /* folio_maybe_mapped_shared() */
			continue;
		/* since 6.9 PAGEOUT leaves young alone: reclaim ignores references */
		if (!a->pageout && pte_young(L, ptent))
			KPATH(kp, ptep_test_and_clear_young, L, &table[i]); /* clear_young_dirty_ptes(CYDP_CLEAR_YOUNG) */
		/* folio_clear_referenced(), folio_test_clear_young() */
		f->flags &= (uint16_t)~FRAME_REFERENCED;
		if (a->pageout)
			isolate(a, pfn, table_va + ((uint64_t)i << PAGE_SHIFT));
	}
}

/* can_madv_lru_vma(): every VMA the simulator has */
static int cold_vma(struct advice *a)
{
	advise_tables(a, cold_table);
	return a->pages.err;
}

int mm_madvise_cold(struct machine *m, int pid, uint64_t va, uint64_t len)
{
	struct advice a = { 0 };

	return madvise_walk(m, pid, va, len, cold_vma, &a);
}

/* MADV_PAGEOUT: the pages aged as MADV_COLD does, then reclaim_pages() */
int mm_madvise_pageout(struct machine *m, int pid, uint64_t va, uint64_t len)
{
	struct advice a = { .pageout = true };
	int rc = madvise_walk(m, pid, va, len, cold_vma, &a);

	reclaim_isolated(&a);
	return rc;
}

/* collects the pages a range maps, each once */
static void mapped_table(void *ctx, uint64_t table_va, pte_t *table)
{
	struct advice *a = ctx;
	unsigned first, last;

	table_span(table_va, a->start, a->end, &first, &last);
	for (unsigned i = first; i < last && !a->pages.err; i++) {
		uint64_t pfn;

		if (pte_val(table[i]) && pte_present(a->m->L, table[i]) && (pfn = vm_normal_page(a->m, table[i])))
			isolate(a, pfn, table_va + ((uint64_t)i << PAGE_SHIFT));
	}
}

static int mapped_vma(struct advice *a)
{
	advise_tables(a, mapped_table);
	return a->pages.err;
}

int collect_mapped_pages(struct machine *m, int pid, uint64_t va, uint64_t len, struct page_list *l)
{
	struct advice a = { 0 };
	int rc = madvise_walk(m, pid, va, len, mapped_vma, &a);

	putback(m, &a.pages);
	*l = a.pages;
	return rc;
}

int mm_reclaim(struct machine *m, int pid, uint64_t va, uint64_t len)
{
	struct advice a = { .pid = pid };
	int rc = collect_mapped_pages(m, pid, va, len, &a.pages);

	a.m = m;
	if (rc == -EINVAL)
		a.pages.n = 0;
	reclaim_isolated(&a);
	return rc == -ENOMEM ? 0 : rc;
}
