/* SPDX-License-Identifier: MIT */
/* The swap device: slots, swap counts and the swap cache (mm/swapfile.c, mm/swap_state.c). */
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
	/* no longer backed by swap, so it must be dirty */
	f->flags |= FRAME_DIRTY;
	frame_put(&m->frames, pfn);
	return true;
}

void swapcache_add(struct machine *m, uint64_t pfn, uint64_t offset)
{
	struct frame *f = frame_of(&m->frames, pfn);

	swap_slot(m, offset)->cache_pfn = pfn;
	f->flags |= FRAME_SWAPCACHE;
	f->index = (uint32_t)offset;
	f->refcount++;
}

void swapcache_delete(struct machine *m, uint64_t pfn)
{
	struct frame *f = frame_of(&m->frames, pfn);
	struct swap_slot *slot = swap_slot(m, f->index);

	if (slot) {
		slot->cache_pfn = 0;
		if (!slot->count)
			m->swap.used--;
	}
	f->flags &= (uint16_t)~FRAME_SWAPCACHE;
	frame_put(&m->frames, pfn);
}

void swap_entry_free(struct machine *m, uint64_t offset)
{
	struct swap_slot *slot = swap_slot(m, offset);

	swap_free(m, offset);
	if (slot && !slot->count && slot->cache_pfn)
		swapcache_release(m, slot->cache_pfn);
}

uint64_t mm_page_frame(struct machine *m, int pid, uint64_t va)
{
	pte_t *ptep = mm_pte(m, &m->procs[pid], va, false);

	if (!ptep || !pte_present(m->L, *ptep))
		return 0;
	return vm_normal_page(m, *ptep);
}
