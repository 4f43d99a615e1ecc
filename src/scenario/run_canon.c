/* SPDX-License-Identifier: MIT */
/*
 * A runner's state in canonical form, hashed: what a search needs to
 * expand each distinct state once. Frame numbers, swap slots, anon_vma
 * ids and data values are renamed in the order a fixed walk first meets
 * them, so two states that differ only in which frame or slot the
 * allocator handed out, or in which fresh value a write stored, are one
 * state (the invariants tell values apart only by equality, and zero,
 * which MADV_DONTNEED and the zero page give, keeps its name). Whatever
 * only counts (the fresh-value counter, anon_vma ids handed out) is left
 * out.
 */
#include <string.h>

#include "scenario/run_canon.h"
#include "scenario/run_internal.h"

#define CANON_NONE UINT32_MAX

static void mix(struct canon *c, uint64_t w)
{
	/* two independent 64-bit streams: a 128-bit name for the state */
	c->h1 = (c->h1 ^ w) * UINT64_C(0x9e3779b97f4a7c15);
	c->h1 ^= c->h1 >> 29;
	c->h2 = (c->h2 + w) * UINT64_C(0xc2b2ae3d27d4eb4f);
	c->h2 ^= c->h2 >> 31;
}

/* small first-meeting renamers: the states a search walks hold a handful
 * of values, frames and slots */
static uint64_t first_name(uint64_t *seen, unsigned *n, unsigned cap, uint64_t v)
{
	for (unsigned i = 0; i < *n; i++)
		if (seen[i] == v)
			return i + 1;
	if (*n < cap)
		seen[(*n)++] = v;
	else
		return v | UINT64_C(1) << 63; /* too many to rename: keep the name */
	return *n;
}

static void emit_value(struct canon *c, uint64_t v)
{
	mix(c, v ? first_name(c->values, &c->nvalues, CANON_MAX, v) : 0);
}

static void emit_frame(struct canon *c, struct runner *rn, uint64_t pfn);

static void emit_slot(struct canon *c, struct runner *rn, uint64_t offset)
{
	unsigned before = c->nslots;
	uint64_t id = first_name(c->slots, &c->nslots, CANON_MAX, offset);
	const struct swap_slot *s;

	mix(c, id);
	if (c->nslots == before || offset >= rn->m.swap.n)
		return;
	/* first meeting: what the slot holds */
	s = &rn->m.swap.slots[offset];
	mix(c, s->count);
	emit_value(c, s->data);
	if (s->cache_pfn)
		emit_frame(c, rn, s->cache_pfn);
	else
		mix(c, 0);
}

static void emit_frame(struct canon *c, struct runner *rn, uint64_t pfn)
{
	unsigned before = c->nframes;
	uint64_t id = first_name(c->frames, &c->nframes, CANON_MAX, pfn);
	const struct frame *f;

	mix(c, id);
	if (c->nframes == before || !pfn_valid(&rn->m.frames, pfn))
		return;
	f = frame_of(&rn->m.frames, pfn);
	mix(c, (uint64_t)f->flags << 48 | (uint64_t)f->pins << 32 | f->object);
	mix(c, (uint64_t)f->refcount << 32 | f->mapcount);
	if (f->flags & FRAME_SWAPCACHE)
		emit_slot(c, rn, f->index);
	else
		mix(c, f->index);
	if (!(f->flags & (FRAME_TABLE | FRAME_ZERO)))
		emit_value(c, f->data);
}

/* An entry without the numbers the allocator chose, then those renamed. */
static void emit_entry(struct canon *c, struct runner *rn, uint64_t e)
{
	const struct ptesim_layout *L = rn->L;
	pte_t pte = __pte(e);

	if (!e) {
		mix(c, 0);
	} else if (pte_present(L, pte)) {
		mix(c, e & ~rn->m.memo_pagemap.pfn_mask);
		emit_frame(c, rn, pte_pfn(L, pte));
	} else if (is_swap_pte(L, pte)) {
		swp_entry_t s = pte_to_swp_entry(L, pte);
		uint64_t off = swp_offset(s);

		mix(c, e ^ pte_val(swp_entry_to_pte(L, s)));
		mix(c, swp_type(s));
		if (is_migration_entry(L, s)) {
			uint64_t pfn = swp_offset_pfn(L, s);

			mix(c, off ^ pfn);
			emit_frame(c, rn, pfn);
		} else if (swp_type(s) < era_max_swapfiles(L)) {
			emit_slot(c, rn, off);
		} else {
			mix(c, off); /* markers and the like: no number to rename */
		}
	} else {
		mix(c, e);
	}
}

static void emit_anon_vma(struct canon *c, uint64_t id)
{
	mix(c, id ? first_name(c->anon_vmas, &c->nanon_vmas, CANON_MAX, id) : 0);
}

static void emit_model_word(void *ctx, uint64_t w, bool value)
{
	struct canon *c = ctx;

	if (value)
		emit_value(c, w);
	else
		mix(c, w);
}

static void emit_process(struct canon *c, struct runner *rn, uint32_t proc)
{
	int pid = rn->pid[proc];
	const struct mm *mm;

	/* whether it exists, not which machine pid it has: processes are
	 * renamed too */
	mix(c, UINT64_C(0xface) << 32 | (pid >= 0));
	if (pid < 0)
		return;
	mm = &rn->m.procs[pid];
	mix(c, (uint64_t)mm->alive | (uint64_t)mm->has_pinned << 1 | (uint64_t)rn->dumped[proc] << 2 |
		       (uint64_t)rn->uffd_async[proc] << 3);
	if (!mm->alive)
		return;
	for (size_t i = 0; i < mm->nvmas; i++) {
		const struct vma *v = &mm->vmas[i];

		mix(c, v->start);
		mix(c, v->end);
		mix(c, v->vm_flags);
		mix(c, pgprot_val(v->vm_page_prot));
		mix(c, (uint64_t)v->backing << 32 | v->object);
		mix(c, v->pgoff << 1 | v->anon_vma_forked);
		emit_anon_vma(c, v->anon_vma);
	}
	mix(c, (uint64_t)mm->uffd.open << 32 | mm->uffd.features);
	mix(c, mm->uffd.nevents << 16 | mm->uffd.nblocked << 8 | mm->uffd.ncompleted);
	for (size_t i = 0; i < mm->uffd.nevents; i++)
		mix(c, mm->uffd.events[i]);
	for (size_t i = 0; i < mm->uffd.nblocked; i++) {
		mix(c, mm->uffd.blocked[i].va);
		emit_value(c, mm->uffd.blocked[i].value);
	}
	for (size_t i = 0; i < mm->uffd.ncompleted; i++) {
		mix(c, mm->uffd.completed[i].va);
		emit_value(c, mm->uffd.completed[i].value);
	}
	for (uint32_t reg = 0; reg < rn->p->nregions; reg++) {
		const struct region_map *rm = region_of(rn, proc, reg);

		mix(c, (uint64_t)rm->mapped | (uint64_t)rm->shared << 1 | (uint64_t)rm->anon << 2 |
			       (uint64_t)rm->npages << 8);
		for (uint64_t i = 0; i < rm->npages; i++) {
			pte_t *ptep = mm_pte(&rn->m, &rn->m.procs[pid], rm->va + i * PAGE_SIZE, false);

			/* a table that exists but holds nothing is a state of its own:
			 * PAGEMAP_SCAN tells the two apart */
			mix(c, ptep ? 1 : 2);
			emit_entry(c, rn, ptep ? pte_val(*ptep) : 0);
			mix(c, rm->track ? rm->track[i] : 0xff);
			if (rm->image)
				emit_value(c, rm->image[i]);
		}
	}
	model_emit_process(rn->mo, (int)proc, emit_model_word, c);
}

static void canon_start(struct canon *c)
{
	c->h1 = UINT64_C(0x243f6a8885a308d3);
	c->h2 = UINT64_C(0x13198a2e03707344);
	c->nvalues = c->nframes = c->nslots = c->nanon_vmas = 0;
}

/*
 * The order processes are written in. Once every process of the program
 * exists, nothing tells them apart but their contents (no operation is
 * left that only one of them may do: the explorer's forks are p0's, and
 * done), so they go in the order of their own canonical names: a state
 * and the one with two processes' roles swapped are one state. Before,
 * the program's order stands.
 */
static void process_order(struct runner *rn, uint32_t *order, uint32_t n)
{
	uint64_t key[CANON_MAX_PROCS][2];
	struct canon local;

	for (uint32_t i = 0; i < n; i++) {
		order[i] = i;
		if (rn->pid[i] < 0)
			return;
	}
	for (uint32_t i = 0; i < n; i++) {
		canon_start(&local);
		emit_process(&local, rn, i);
		key[i][0] = local.h1;
		key[i][1] = local.h2;
	}
	for (uint32_t i = 1; i < n; i++) /* insertion sort: a handful of processes */
		for (uint32_t j = i; j > 0; j--) {
			const uint64_t *a = key[order[j - 1]], *b = key[order[j]];
			uint32_t t;

			if (a[0] < b[0] || (a[0] == b[0] && a[1] <= b[1]))
				break;
			t = order[j - 1];
			order[j - 1] = order[j];
			order[j] = t;
		}
}

void runner_canon(struct runner *rn, struct canon *c)
{
	uint32_t order[CANON_MAX_PROCS], n = (uint32_t)rn->p->nprocesses;

	canon_start(c);
	if (n > CANON_MAX_PROCS) {
		for (uint32_t proc = 0; proc < n; proc++)
			emit_process(c, rn, proc);
	} else {
		process_order(rn, order, n);
		for (uint32_t i = 0; i < n; i++)
			emit_process(c, rn, order[i]);
	}
	for (size_t i = 0; i < rn->m.nobjects; i++) {
		const struct object *o = &rn->m.objects[i];

		for (size_t k = 0; k < o->npages; k++) {
			if (o->pfn[k])
				emit_frame(c, rn, o->pfn[k]);
			else
				mix(c, 0);
			emit_value(c, o->disk[k]);
		}
	}
	model_emit_objects(rn->mo, emit_model_word, c);
	/* frames and slots that nothing above reached still count: a leak is a state */
	mix(c, rn->m.frames.used);
	mix(c, rn->m.swap.used);
}
