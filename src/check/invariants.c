/* SPDX-License-Identifier: MIT */
/* pte-encoding, hw-write-untracked and refcount: walks of every table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "ptesim/pte.h"
#include "mm/mm_internal.h"

typedef bool (*entry_fn)(struct machine *m, int pid, struct vma *vma, uint64_t va, pte_t pte,
			 void *state, struct violation *v);

struct walk {
	struct machine *m;
	int pid;
	entry_fn fn;
	void *state;
	struct violation *v;
	bool failed;
	uint64_t failed_va;
};

static void walk_table(void *ctx, uint64_t table_va, pte_t *table)
{
	struct walk *w = ctx;
	struct mm *mm = &w->m->procs[w->pid];
	unsigned first, last;

	table_span(table_va, w->m->mapped_lo, w->m->mapped_hi, &first, &last);
	for (unsigned i = first; i < last && !w->failed; i++) {
		uint64_t va = table_va + ((uint64_t)i << PAGE_SHIFT);

		if (!pte_val(table[i]))
			continue;
		if (w->fn(w->m, w->pid, find_vma(mm, va), va, table[i], w->state, w->v)) {
			w->failed = true;
			w->failed_va = va;
		}
	}
}

/* Calls fn on every non-zero entry of every live process (all of them lie
 * in the hull of the VMAs the machine has had); stops at the
 * first violation it reports, and names its page. */
static bool walk_all(struct machine *m, entry_fn fn, void *state, page_namer name, void *ctx,
		     struct violation *v)
{
	for (size_t pid = 0; pid < m->nprocs; pid++) {
		struct walk w = { m, (int)pid, fn, state, v, false, 0 };

		if (!m->procs[pid].alive)
			continue;
		/* entries are written only inside VMAs (mm_mmap_at keeps the hull) */
		pgtable_walk_tables(&m->frames, m->L, m->procs[pid].pgd, m->mapped_lo, m->mapped_hi, walk_table, &w);
		if (w.failed) {
			name(ctx, (int)pid, w.failed_va, v->page, sizeof(v->page));
			return false;
		}
	}
	return true;
}

/* Present entries that differ only in their pfn decode alike (the pfn
 * bits are the OA field, legal whatever they hold, and the bits that pick
 * the form lie outside them): a run of one kind is decoded once, since
 * the decoder's summary text costs more than the walk. */
struct encoding_memo {
	uint64_t pfn_mask;
	uint64_t legal_key; /* a present entry without its pfn, known legal */
	bool have;
};

static bool encoding_entry(struct machine *m, int pid, struct vma *vma, uint64_t va, pte_t pte,
			   void *state, struct violation *v)
{
	struct encoding_memo *memo = state;
	uint64_t e = pte_val(pte), key = e & ~memo->pfn_mask;
	uint64_t *known = &m->encoding_ok[(e ^ (e >> 12) ^ (e >> 40)) & 255];
	struct ptesim_decoded d;

	(void)pid, (void)vma, (void)va;
	if ((memo->have && key == memo->legal_key) || *known == e)
		return false;
	ptesim_decode(m->L, e, &d);
	if (d.kind == PTESIM_KIND_PRESENT || d.kind == PTESIM_KIND_PROT_NONE) {
		memo->legal_key = key;
		memo->have = true;
	}
	if (d.kind != PTESIM_KIND_INVALID) {
		*known = e;
		return false;
	}
	v->name = "pte-encoding";
	snprintf(v->reason, sizeof(v->reason), "0x%016llx: %s", (unsigned long long)pte_val(pte), d.reason);
	return true;
}

bool check_pte_encoding(struct machine *m, page_namer name, void *ctx, struct violation *v)
{
	struct encoding_memo memo = { m->memo_pagemap.pfn_mask, 0, false };

	return walk_all(m, encoding_entry, &memo, name, ctx, v);
}

static bool untracked_entry(struct machine *m, int pid, struct vma *vma, uint64_t va, pte_t pte,
			    void *state, struct violation *v)
{
	const struct ptesim_layout *L = m->L;
	uint64_t pfn;
	const char *why = NULL;

	(void)pid, (void)va, (void)state;
	if (!pte_present(L, pte))
		return false;
	/* a uffd-wp entry is never writable, whether or not this machine's
	 * MMU would use DBM: pte_mkuffd_wp() write-protects */
	if (pte_uffd_wp(L, pte) && pte_write(L, pte)) {
		v->name = "hw-write-untracked";
		snprintf(v->reason, sizeof(v->reason), "0x%016llx: a uffd-wp entry with write permission",
			 (unsigned long long)pte_val(pte));
		return true;
	}
	if (!mmu_can_write(L, &m->hw, pte))
		return false;
	pfn = vm_normal_page(m, pte);
	if (pte_uffd_wp(L, pte))
		why = "uffd-wp entry";
	else if (vma && vma_soft_dirty_enabled(m, vma) && !pte_soft_dirty(L, pte))
		why = "soft-dirty tracking armed and the entry not soft-dirty";
	else if (vma && !(vma->vm_flags & VM_SHARED) && !pfn)
		why = "the shared zero page";
	else if (vma && !(vma->vm_flags & VM_SHARED) && pfn) {
		struct frame *f = frame_of(&m->frames, pfn);

		if (!(f->flags & FRAME_ANON))
			why = "a page-cache page in a private mapping";
		else if (f->mapcount > 1)
			why = "a COW-shared anon page";
	}
	if (!why)
		return false;
	v->name = "hw-write-untracked";
	snprintf(v->reason, sizeof(v->reason), "0x%016llx writable by the MMU without a fault: %s",
		 (unsigned long long)pte_val(pte), why);
	return true;
}

bool check_hw_write_untracked(struct machine *m, page_namer name, void *ctx, struct violation *v)
{
	return walk_all(m, untracked_entry, NULL, name, ctx, v);
}

struct counts {
	uint32_t *maps;  /* per frame index: entries mapping it */
	size_t n;
	uint32_t *slots; /* per swap offset: swap entries pointing at it */
	size_t nslots;
};

static bool count_entry(struct machine *m, int pid, struct vma *vma, uint64_t va, pte_t pte,
			void *state, struct violation *v)
{
	struct counts *c = state;
	uint64_t pfn;

	(void)pid, (void)vma, (void)va;
	if (is_real_swap_pte(m, pte)) {
		uint64_t off = swp_offset(pte_to_swp_entry(m->L, pte));

		if (off >= c->nslots || !m->swap.slots[off].count) {
			v->name = "refcount";
			snprintf(v->reason, sizeof(v->reason), "swap entry 0x%016llx points at free slot %llu",
				 (unsigned long long)pte_val(pte), (unsigned long long)off);
			return true;
		}
		c->slots[off]++;
		return false;
	}
	if (!pte_present(m->L, pte) || !(pfn = vm_normal_page(m, pte)))
		return false;
	if (!pfn_valid(&m->frames, pfn) || (frame_of(&m->frames, pfn)->flags & FRAME_TABLE)) {
		v->name = "refcount";
		snprintf(v->reason, sizeof(v->reason), "entry 0x%016llx maps pfn 0x%llx, which is not a data frame",
			 (unsigned long long)pte_val(pte), (unsigned long long)pfn);
		return true;
	}
	c->maps[pfn - FRAME_PFN_BASE]++;
	return false;
}

/* Counting space for check_refcount, kept by the machine; false when there
 * is no memory to check with. */
static bool counts_begin(struct machine *m, struct counts *c)
{
	size_t need = m->frames.n + m->swap.n + 1;

	if (need > m->check_counts_cap) {
		uint32_t *grown = realloc(m->check_counts, need * 2 * sizeof(*grown));

		if (!grown)
			return false;
		m->check_counts = grown;
		m->check_counts_cap = need * 2;
	}
	memset(m->check_counts, 0, need * sizeof(*m->check_counts));
	*c = (struct counts){ m->check_counts, m->frames.n, m->check_counts + m->frames.n, m->swap.n };
	return true;
}

/* The counts a walk made against the swap slots' and frames' own. */
static bool counts_verify(struct machine *m, const struct counts *c, struct violation *v)
{
	for (size_t off = 1; off < c->nslots; off++) {
		if (m->swap.slots[off].count == c->slots[off])
			continue;
		v->name = "refcount";
		snprintf(v->page, sizeof(v->page), "swap slot %zu", off);
		snprintf(v->reason, sizeof(v->reason), "swap count %u, but %u entries point at it",
			 m->swap.slots[off].count, c->slots[off]);
		return false;
	}
	for (size_t i = 0; i < c->n; i++) {
		const struct frame *f = &m->frames.v[i];
		uint32_t refs;

		if (!(f->flags & FRAME_USED) || (f->flags & (FRAME_TABLE | FRAME_ZERO)))
			continue;
		refs = c->maps[i] + ((f->flags & FRAME_PAGECACHE) ? 1 : 0) + ((f->flags & FRAME_SWAPCACHE) ? 1 : 0) +
		       f->pins * GUP_PIN_COUNTING_BIAS;
		if (f->mapcount == c->maps[i] && f->refcount == refs && refs)
			continue;
		v->name = "refcount";
		snprintf(v->page, sizeof(v->page), "pfn 0x%llx", (unsigned long long)(FRAME_PFN_BASE + i));
		snprintf(v->reason, sizeof(v->reason),
			 "mapcount %u refcount %u, but %u entries map it%s", f->mapcount, f->refcount, c->maps[i],
			 (f->flags & FRAME_PAGECACHE)   ? " and the page cache holds it"
			 : (f->flags & FRAME_SWAPCACHE) ? " and the swap cache holds it"
							: "");
		return false;
	}
	return true;
}

bool check_refcount(struct machine *m, page_namer name, void *ctx, struct violation *v)
{
	struct counts c;

	if (!counts_begin(m, &c))
		return true; /* no memory to check with: say nothing rather than guess */
	return walk_all(m, count_entry, &c, name, ctx, v) && counts_verify(m, &c, v);
}

/* All three in one walk, for the checks after every command: the machine's
 * consistency (pte-encoding before refcount, as apart) in v, and the first
 * hw-write-untracked entry in untracked, which the caller reports after
 * whatever it checks between. */
struct all_walk {
	struct encoding_memo enc;
	struct counts counts;
	bool counting;
	struct violation ref, untracked;
	bool ref_found, untracked_found;
	int ref_pid, untracked_pid;
	uint64_t ref_va, untracked_va;
};

static bool all_entry(struct machine *m, int pid, struct vma *vma, uint64_t va, pte_t pte, void *state,
		      struct violation *v)
{
	struct all_walk *a = state;

	if (encoding_entry(m, pid, vma, va, pte, &a->enc, v))
		return true;
	if (a->counting && !a->ref_found && count_entry(m, pid, vma, va, pte, &a->counts, &a->ref)) {
		a->ref_found = true;
		a->ref_pid = pid;
		a->ref_va = va;
	}
	if (!a->untracked_found && untracked_entry(m, pid, vma, va, pte, NULL, &a->untracked)) {
		a->untracked_found = true;
		a->untracked_pid = pid;
		a->untracked_va = va;
	}
	return false;
}

bool check_machine(struct machine *m, page_namer name, void *ctx, struct violation *v,
		   struct violation *untracked, bool *untracked_found)
{
	struct all_walk a = { .enc = { m->memo_pagemap.pfn_mask, 0, false } };

	*untracked_found = false;
	a.counting = counts_begin(m, &a.counts);
	if (!walk_all(m, all_entry, &a, name, ctx, v))
		return false;
	if (a.ref_found) {
		*v = a.ref;
		name(ctx, a.ref_pid, a.ref_va, v->page, sizeof(v->page));
		return false;
	}
	if (a.counting && !counts_verify(m, &a.counts, v))
		return false;
	if (a.untracked_found) {
		*untracked = a.untracked;
		name(ctx, a.untracked_pid, a.untracked_va, untracked->page, sizeof(untracked->page));
		*untracked_found = true;
	}
	return true;
}
