/* SPDX-License-Identifier: MIT */
/* The swap device and try_to_unmap_one() for anon pages (mm/rmap.c, mm/swapfile.c). */
#include <errno.h>
#include <stdlib.h>

#include "mm/mm_internal.h"

#define SWAP_TYPE 0u

bool is_real_swap_pte(const struct machine *m, pte_t pte)
{
	const struct ptesim_layout *L = m->L;

	return is_swap_pte(L, pte) && swp_type(pte_to_swp_entry(L, pte)) < L->era->max_swapfiles;
}

uint64_t swap_alloc(struct machine *m, uint64_t data)
{
	struct swapdev *s = &m->swap;
	size_t off;

	if (!s->on)
		return 0;
	if (s->n + 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct swap_slot *v = realloc(s->slots, cap * sizeof(*v));

		if (!v)
			return 0;
		s->slots = v;
		s->cap = cap;
	}
	if (s->n == 0)
		s->slots[s->n++] = (struct swap_slot){ 0 }; /* offset 0: the swap header */
	/* the first free slot, as scan_swap_map_slots() would find it */
	for (off = 1; off < s->n && (s->slots[off].count || s->slots[off].cache_pfn); off++)
		;
	if (off == s->n)
		s->n++;
	s->slots[off] = (struct swap_slot){ .count = 1, .data = data };
	s->used++;
	return off;
}

void swap_duplicate(struct machine *m, uint64_t offset)
{
	struct swap_slot *slot = swap_slot(m, offset);

	if (slot)
		slot->count++;
}

void swap_free(struct machine *m, uint64_t offset)
{
	struct swap_slot *slot = swap_slot(m, offset);

	if (slot && slot->count && --slot->count == 0 && !slot->cache_pfn)
		m->swap.used--;
}

bool swapcache_release(struct machine *m, uint64_t pfn)
{
	struct frame *f = frame_of(&m->frames, pfn);
	struct swap_slot *slot;

	if (!(f->flags & FRAME_SWAPCACHE))
		return true;
	slot = swap_slot(m, f->index);
	if (slot && slot->count)
		return false;
	if (slot) {
		slot->cache_pfn = 0;
		m->swap.used--;
	}
	f->flags &= (uint16_t)~FRAME_SWAPCACHE;
	frame_put(&m->frames, pfn);
	return true;
}

void swap_entry_free(struct machine *m, uint64_t offset)
{
	struct swap_slot *slot = swap_slot(m, offset);

	swap_free(m, offset);
	if (slot && !slot->count && slot->cache_pfn)
		swapcache_release(m, slot->cache_pfn);
}

struct unmap_ctx {
	struct machine *m;
	uint64_t pfn, offset;
	bool exclusive;
};

/* one mapping of the page becomes a swap entry */
static void unmap_table(void *ctx, uint64_t table_va, pte_t *table)
{
	struct unmap_ctx *u = ctx;
	const struct ptesim_layout *L = u->m->L;

	(void)table_va;
	for (unsigned i = 0; i < PTRS_PER_TABLE; i++) {
		pte_t pteval, swp_pte;

		if (!pte_present(L, table[i]) || vm_normal_page(u->m, table[i]) != u->pfn)
			continue;
		pteval = ptep_get_and_clear(L, &table[i]);
		if (pte_dirty(L, pteval))
			frame_of(&u->m->frames, u->pfn)->flags |= FRAME_DIRTY;
		swp_pte = swp_entry_to_pte(L, swp_entry(SWAP_TYPE, u->offset));
		if (u->exclusive)
			swp_pte = pte_swp_mkexclusive(L, swp_pte);
		if (pte_soft_dirty(L, pteval))
			swp_pte = pte_swp_mksoft_dirty(L, swp_pte);
		if (pte_uffd_wp(L, pteval))
			swp_pte = pte_swp_mkuffd_wp(L, swp_pte);
		table[i] = swp_pte;
		swap_duplicate(u->m, u->offset);
		rmap_remove(u->m, u->pfn);
	}
}

int mm_swap_out(struct machine *m, uint64_t pfn)
{
	struct frame *f;
	struct unmap_ctx u = { m, pfn, 0, false };

	if (!pfn_valid(&m->frames, pfn))
		return -EINVAL;
	f = frame_of(&m->frames, pfn);
	if ((f->flags & (FRAME_ANON | FRAME_SWAPBACKED)) != (FRAME_ANON | FRAME_SWAPBACKED) || !f->mapcount)
		return -EINVAL;
	/* the slot starts at count 1 for the swap cache, dropped at the end */
	u.offset = swap_alloc(m, f->data);
	if (!u.offset)
		return -ENOSPC;
	u.exclusive = f->flags & FRAME_ANON_EXCLUSIVE;
	/* the page holds a reference of its own while it is being unmapped */
	f->refcount++;
	for (size_t pid = 0; pid < m->nprocs && f->mapcount; pid++)
		if (m->procs[pid].alive)
			pgtable_walk_tables(&m->frames, m->L, m->procs[pid].pgd, 0, TASK_SIZE, unmap_table, &u);
	swap_free(m, u.offset); /* the swap cache lets go: the entries hold the slot */
	frame_put(&m->frames, pfn);
	return 0;
}

uint64_t mm_page_frame(struct machine *m, int pid, uint64_t va)
{
	pte_t *ptep = mm_pte(m, &m->procs[pid], va, false);

	if (!ptep || !pte_present(m->L, *ptep))
		return 0;
	return vm_normal_page(m, *ptep);
}
