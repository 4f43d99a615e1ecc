/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_MM_ENTRY_MEMO_H
#define PTESIM_MM_ENTRY_MEMO_H

/*
 * A memo of what the layout's helpers make of a present entry, for entries
 * that differ only in their pfn. The helpers are pure functions of the
 * entry, and the ones a walk calls neither read nor change the pfn bits, so
 * one call per kind of entry (and per walk context: the VMA's protection,
 * the fork's flags) serves every page of that kind. A miss calls the
 * helpers; an entry whose pfn the helpers do read or move is never
 * memoized, and the walk calls the helpers for it as before.
 */

#include <stdbool.h>
#include <stdint.h>

#include "arch/pgtable.h"

#define ENTRY_MEMO_SLOTS 64

struct entry_memo_slot {
	uint64_t key;     /* the entry without its pfn bits */
	uint64_t ctx;     /* what else the result depends on */
	uint64_t out[2];  /* results, pfn bits clear */
	uint64_t pfn_xor; /* pfn = ((entry ^ pfn_xor) & pfn_mask) >> PAGE_SHIFT */
	uint32_t meta;    /* the walk's own facts about the entry */
	bool valid;
};

struct entry_memo {
	uint64_t pfn_mask; /* the bits pfn_pte() sets */
	struct entry_memo_slot *last; /* the slot found last: a walk meets runs of one kind */
	struct entry_memo_slot slot[ENTRY_MEMO_SLOTS];
};

void entry_memo_init(struct entry_memo *e, const struct ptesim_layout *L);

static inline struct entry_memo_slot *entry_memo_slot(struct entry_memo *e, uint64_t entry, uint64_t ctx)
{
	uint64_t key = entry & ~e->pfn_mask, h = key ^ (key >> 17) ^ (key >> 41) ^ ctx ^ (ctx >> 23);

	return &e->slot[h % ENTRY_MEMO_SLOTS];
}

/* The slot that holds entry under ctx, or NULL. */
static inline const struct entry_memo_slot *entry_memo_find(struct entry_memo *e, uint64_t entry, uint64_t ctx)
{
	uint64_t key = entry & ~e->pfn_mask;
	struct entry_memo_slot *s = e->last;

	if (s && s->key == key && s->ctx == ctx)
		return s;
	s = entry_memo_slot(e, entry, ctx);
	if (!s->valid || s->key != key || s->ctx != ctx)
		return NULL;
	e->last = s;
	return s;
}

/* The entry with every pfn bit flipped: a miss computes its results too. */
static inline uint64_t entry_memo_twin(const struct entry_memo *e, uint64_t entry)
{
	return entry ^ e->pfn_mask;
}

/* Fills the slot for a present entry from the results the caller computed
 * with the helpers for it and for its twin; false (nothing kept) unless
 * the two agree outside the pfn bits and each passes its own pfn through
 * unchanged, and pte_present() and pte_pfn() read them alike. */
bool entry_memo_store(struct entry_memo *e, const struct ptesim_layout *L, uint64_t entry, uint64_t ctx,
		      const uint64_t out[2], const uint64_t twin_out[2], int nout, uint32_t meta, uint32_t twin_meta);

/* What a walk computes from an entry alone, into out[2]; its meta. */
typedef uint32_t (*entry_memo_fn)(const void *arg, uint64_t entry, uint64_t out[2]);

/* out[] and the meta for entry under ctx: from slot s when the memo knows
 * the kind (s from entry_memo_find()), else from fn, whose results for the
 * entry and its twin then fill the memo. */
uint32_t entry_memo_apply(struct entry_memo *e, const struct ptesim_layout *L, uint64_t entry, uint64_t ctx,
			  const struct entry_memo_slot *s, entry_memo_fn fn, const void *arg, uint64_t out[2]);

static inline uint64_t entry_memo_pfn(const struct entry_memo *e, const struct entry_memo_slot *s, uint64_t entry)
{
	return ((entry ^ s->pfn_xor) & e->pfn_mask) >> 12;
}

/* a result for this entry: the memoized bits with the entry's pfn bits */
static inline uint64_t entry_memo_out(const struct entry_memo *e, const struct entry_memo_slot *s, int i,
				      uint64_t entry)
{
	return s->out[i] | (entry & e->pfn_mask);
}

#endif
