/* SPDX-License-Identifier: MIT */
/*
 * Page migration of small folios: try_to_migrate_one() (mm/rmap.c) turns
 * every mapping into a migration entry, the data moves to a new frame, and
 * remove_migration_pte() (mm/migrate.c) rebuilds each entry from what its
 * migration entry kept. The simulator does the whole move within one
 * command, so no migration entry outlives it.
 */
#include <errno.h>
#include <stdlib.h>

#include "mm/mm_internal.h"

struct migrate_ctx {
	struct machine *m;
	struct vma *vma;
	uint64_t old, new; /* frames; new == old when the move is undone */
	bool failed;
};

typedef void (*migrate_entry_fn)(struct migrate_ctx *c, pte_t *ptep);

/* try_to_migrate_one() */
static void to_migration_entry(struct migrate_ctx *c, pte_t *ptep)
{
	const struct ptesim_layout *L = c->m->L;
	struct kpath_log *kp = kpath_of(c->m);
	struct frame *f = frame_of(&c->m->frames, c->old);
	bool anon_exclusive = (f->flags & FRAME_ANON) && (f->flags & FRAME_ANON_EXCLUSIVE);
	pte_t pteval, swp_pte;
	swp_entry_t entry;

	if (!pte_present(L, *ptep) || vm_normal_page(c->m, *ptep) != c->old)
		return;
	kpath_fn(c->m, "try_to_migrate_one");
	pteval = KPATH(kp, ptep_get_and_clear, L, ptep); /* ptep_clear_flush() */
	if (pte_dirty(L, pteval))
		folio_mark_dirty(c->m, c->old);
	/* folio_try_share_anon_rmap_pte(): a page that may be pinned stays */
	if (anon_exclusive && f->pins) {
		KPATH(kp, set_pte_at, ptep, pteval);
		c->failed = true;
		return;
	}
	if (pte_write(L, pteval))
		entry = KPATH(kp, make_writable_migration_entry, L, c->old);
	else if (anon_exclusive)
		entry = KPATH(kp, make_readable_exclusive_migration_entry, L, c->old);
	else
		entry = KPATH(kp, make_readable_migration_entry, L, c->old);
	if (pte_young(L, pteval))
		entry = KPATH(kp, make_migration_entry_young, L, entry);
	if (pte_dirty(L, pteval))
		entry = KPATH(kp, make_migration_entry_dirty, L, entry);
	swp_pte = KPATH(kp, swp_entry_to_pte, L, entry);
	if (pte_soft_dirty(L, pteval))
		swp_pte = KPATH(kp, pte_swp_mksoft_dirty, L, swp_pte);
	if (pte_uffd_wp(L, pteval))
		swp_pte = KPATH(kp, pte_swp_mkuffd_wp, L, swp_pte);
	KPATH(kp, set_pte_at, ptep, swp_pte);
	f->flags &= (uint16_t)~FRAME_ANON_EXCLUSIVE;
	f->mapcount--;
	f->refcount--; /* folio_remove_rmap_pte() and the mapping's reference */
}

/* remove_migration_pte() */
static void from_migration_entry(struct migrate_ctx *c, pte_t *ptep)
{
	const struct ptesim_layout *L = c->m->L;
	struct kpath_log *kp = kpath_of(c->m);
	pte_t old_pte = *ptep, pte;
	swp_entry_t entry;
	struct frame *f = frame_of(&c->m->frames, c->new);

	if (!is_swap_pte(L, old_pte))
		return;
	entry = pte_to_swp_entry(L, old_pte);
	if (!is_migration_entry(L, entry) || swp_offset_pfn(L, entry) != c->old)
		return;
	kpath_fn(c->m, "remove_migration_pte");
	pte = KPATH(kp, pfn_pte, L, c->new, c->vma->vm_page_prot);
	if (L->era->mm_4_15) {
		/* 4.15: always old, soft-dirty from the entry, write by maybe_mkwrite() */
		pte = KPATH(kp, pte_mkold, L, pte);
		if (pte_swp_soft_dirty(L, old_pte))
			pte = KPATH(kp, pte_mksoft_dirty, L, pte);
		if (is_writable_migration_entry(L, entry))
			pte = KPATH(kp, maybe_mkwrite, c->m, pte, c->vma);
	} else {
		if (!is_migration_entry_young(L, entry))
			pte = KPATH(kp, pte_mkold, L, pte);
		if ((f->flags & FRAME_DIRTY) && is_migration_entry_dirty(L, entry))
			pte = KPATH(kp, pte_mkdirty, L, pte);
		/* after pte_mkdirty(), so x86's soft-dirty follows the entry
		 * alone (6.1 set it first and got a false positive from
		 * pte_mkdirty()) */
		if (pte_swp_soft_dirty(L, old_pte))
			pte = KPATH(kp, pte_mksoft_dirty, L, pte);
		else
			pte = KPATH(kp, pte_clear_soft_dirty, L, pte);
		if (is_writable_migration_entry(L, entry))
			pte = KPATH(kp, pte_mkwrite, L, pte);
		else if (pte_swp_uffd_wp(L, old_pte))
			pte = KPATH(kp, pte_mkuffd_wp, L, pte);
	}
	/* RMAP_EXCLUSIVE for an anon page unless the entry was readable */
	if ((f->flags & FRAME_ANON) &&
	    (is_writable_migration_entry(L, entry) ||
	     (SWP_MIGRATION_READ_EXCLUSIVE(L) >= 0 && swp_type(entry) == (unsigned)SWP_MIGRATION_READ_EXCLUSIVE(L))))
		f->flags |= FRAME_ANON_EXCLUSIVE;
	rmap_add(c->m, c->new);
	KPATH(kp, set_pte_at, ptep, pte);
}

struct table_walk {
	struct migrate_ctx *c;
	migrate_entry_fn fn;
};

static void migrate_table(void *ctx, uint64_t table_va, pte_t *table)
{
	struct table_walk *w = ctx;
	unsigned first, last;

	table_span(table_va, w->c->vma->start, w->c->vma->end, &first, &last);
	for (unsigned i = first; i < last && !w->c->failed; i++)
		if (pte_val(table[i]))
			w->fn(w->c, &table[i]);
}

/* rmap_walk() over every mapping in every process */
static void rmap_walk(struct migrate_ctx *c, migrate_entry_fn fn)
{
	struct table_walk w = { c, fn };

	for (size_t pid = 0; pid < c->m->nprocs && !c->failed; pid++) {
		struct mm *mm = &c->m->procs[pid];

		for (size_t i = 0; mm->alive && i < mm->nvmas && !c->failed; i++) {
			c->vma = &mm->vmas[i];
			pgtable_walk_tables(&c->m->frames, c->m->L, mm->pgd, c->vma->start, c->vma->end, migrate_table,
					    &w);
		}
	}
}

/* folio_migrate_mapping() and folio_migrate_flags(): the new frame takes
 * the old one's place in the page cache or the swap cache */
static void move_folio(struct machine *m, uint64_t old, uint64_t new)
{
	struct frame *o = frame_of(&m->frames, old), *n = frame_of(&m->frames, new);
	uint16_t keep = FRAME_ANON | FRAME_DIRTY | FRAME_SWAPBACKED | FRAME_REFERENCED | FRAME_PAGECACHE |
			FRAME_SWAPCACHE;

	n->data = o->data;
	n->object = o->object;
	n->index = o->index;
	n->flags |= o->flags & keep;
	if (o->flags & FRAME_PAGECACHE)
		m->objects[o->object - 1].pfn[o->index] = new;
	if (o->flags & FRAME_SWAPCACHE)
		swap_slot(m, o->index)->cache_pfn = new;
	if (o->flags & (FRAME_PAGECACHE | FRAME_SWAPCACHE)) {
		n->refcount++;
		o->refcount--;
	}
	o->flags &= (uint16_t)~(FRAME_PAGECACHE | FRAME_SWAPCACHE | FRAME_DIRTY);
}

/* migrate_folio_unmap() and migrate_folio_move() of one page */
static int migrate_page(struct machine *m, uint64_t pfn)
{
	struct migrate_ctx c = { m, NULL, pfn, pfn, false };
	struct frame *f = frame_of(&m->frames, pfn);
	uint32_t cache_refs;
	int rc = 0;

	f->refcount++; /* isolated */
	rmap_walk(&c, to_migration_entry);
	cache_refs = (f->flags & (FRAME_PAGECACHE | FRAME_SWAPCACHE)) ? 1 : 0;
	/* folio_migrate_mapping(): nothing but the isolation and the cache
	 * may hold it, else the entries go back to the old page */
	if (c.failed || f->mapcount || f->refcount != 1 + cache_refs) {
		rc = -EBUSY;
	} else {
		c.new = frame_alloc(&m->frames, 0);
		if (!c.new) {
			c.new = pfn;
			rc = -ENOMEM;
		} else {
			frame_of(&m->frames, c.new)->refcount = 0;
			move_folio(m, pfn, c.new);
		}
	}
	c.failed = false;
	rmap_walk(&c, from_migration_entry);
	if (c.new != pfn && !frame_of(&m->frames, c.new)->refcount)
		frame_free(&m->frames, c.new); /* mapped nowhere and cached nowhere */
	frame_put(&m->frames, pfn);
	return rc;
}

int mm_migrate(struct machine *m, int pid, uint64_t va, uint64_t len)
{
	struct page_list l;
	int rc;

	kpath_fn(m, "migrate_pages");
	rc = collect_mapped_pages(m, pid, va, len, &l);

	if (rc == -EINVAL)
		return rc;
	rc = 0;
	for (size_t i = 0; i < l.n && !l.err; i++) {
		int r = migrate_page(m, l.pfn[i]);

		if (r && !rc)
			rc = r;
	}
	free(l.pfn);
	free(l.va);
	return l.err ? l.err : rc;
}
