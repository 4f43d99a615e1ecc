/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_MM_MACHINE_H
#define PTESIM_MM_MACHINE_H

/*
 * The simulated machine's memory: physical frames with their data, the
 * shared zero page, page tables of 512 entries at four levels whose upper
 * levels hold real table descriptors, a swap device and page-cache objects.
 * Sparse: only touched frames and tables exist.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/pgtable.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (UINT64_C(1) << PAGE_SHIFT)
#define PTRS_PER_TABLE 512
#define TASK_SIZE (UINT64_C(1) << 47) /* 48-bit VA, lower half */

/* The first pfn handed out; pfn 0 never maps anything. */
#define FRAME_PFN_BASE UINT64_C(0x80000)

/* What one FOLL_PIN adds to a small folio's refcount (include/linux/mm.h). */
#define GUP_PIN_COUNTING_BIAS 1024u

/* Frame flags. The anon ones mirror struct folio's PG_ flags. */
enum frame_flag {
	FRAME_USED = 1u << 0,
	FRAME_TABLE = 1u << 1,          /* a page-table page; data points at its 512 entries */
	FRAME_ZERO = 1u << 2,           /* the shared zero page */
	FRAME_ANON = 1u << 3,           /* folio_test_anon */
	FRAME_ANON_EXCLUSIVE = 1u << 4, /* PageAnonExclusive */
	FRAME_DIRTY = 1u << 5,          /* folio_test_dirty */
	FRAME_ISOLATED = 1u << 6,       /* taken off the LRU for reclaim or migration (each page once) */
	FRAME_SWAPBACKED = 1u << 7,     /* folio_test_swapbacked; anon without it is lazy-free */
	FRAME_REFERENCED = 1u << 8,     /* folio_test_referenced / young */
	FRAME_PAGECACHE = 1u << 9,      /* in an object's page cache */
	FRAME_SWAPCACHE = 1u << 10,     /* folio_test_swapcache: index is the swap offset */
	FRAME_RECLAIM = 1u << 11,       /* PG_reclaim, alias PG_readahead: a dirty file page reclaim
	                                 * left for writeback; fault-around skips it */
};

/* 32 bytes a frame: the whole per-page cost on top of the entry. */
struct frame {
	uint64_t data;     /* the user data (the value a scenario wrote), or the table */
	uint32_t refcount; /* folio_ref_count: mappings, page cache, swap cache, pins */
	uint32_t mapcount; /* folio_mapcount: page-table entries mapping it */
	uint32_t object;   /* page-cache object + 1, 0 for anon */
	uint32_t index;    /* page index in the object, or the anon page's origin */
	uint16_t flags;    /* enum frame_flag */
	uint16_t pins;     /* FOLL_PIN references, each GUP_PIN_COUNTING_BIAS in refcount */
	uint32_t next_free;
};

struct frames {
	struct frame *v;
	size_t n, cap;
	uint32_t free_head; /* index + 1; 0: none */
	size_t used;
	uint64_t zero_pfn;
};

int frames_init(struct frames *f);
void frames_destroy(struct frames *f);
/* A zeroed frame with refcount 1; 0 on allocation failure. */
uint64_t frame_alloc(struct frames *f, uint16_t flags);
void frame_free(struct frames *f, uint64_t pfn);
static inline struct frame *frame_of(struct frames *f, uint64_t pfn)
{
	return &f->v[pfn - FRAME_PFN_BASE];
}
static inline bool pfn_valid(const struct frames *f, uint64_t pfn)
{
	return pfn >= FRAME_PFN_BASE && pfn - FRAME_PFN_BASE < f->n &&
	       (f->v[pfn - FRAME_PFN_BASE].flags & FRAME_USED);
}
/* Drop one reference; frees the frame (and its table memory) at zero. */
void frame_put(struct frames *f, uint64_t pfn);

/* Page tables. A root is the pfn of a level-0 table (PGD). */
uint64_t pgtable_alloc_root(struct frames *f, const struct ptesim_layout *L);
/* The level-3 entry for va, or NULL when a table on the way is missing and
 * alloc is false. */
pte_t *pgtable_pte(struct frames *f, const struct ptesim_layout *L, uint64_t root, uint64_t va,
		   bool alloc);
/* Free every table below root (not the frames the entries map). */
void pgtable_free(struct frames *f, const struct ptesim_layout *L, uint64_t root);
/* Free the PTE table covering va and clear the descriptor pointing at it. */
void pgtable_free_pte_table(struct frames *f, const struct ptesim_layout *L, uint64_t root,
			    uint64_t va);
/* Calls fn for each existing PTE table overlapping [start, end). */
typedef void (*pte_table_fn)(void *ctx, uint64_t table_va, pte_t *table);
void pgtable_walk_tables(struct frames *f, const struct ptesim_layout *L, uint64_t root,
			 uint64_t start, uint64_t end, pte_table_fn fn, void *ctx);
/* The entries [*first, *last) of the PTE table at table_va that lie in [start, end). */
static inline void table_span(uint64_t table_va, uint64_t start, uint64_t end, unsigned *first,
			      unsigned *last)
{
	uint64_t table_end = table_va + PTRS_PER_TABLE * PAGE_SIZE;

	*first = start > table_va ? (unsigned)((start - table_va) >> PAGE_SHIFT) : 0;
	*last = end < table_end ? (unsigned)((end - table_va) >> PAGE_SHIFT) : PTRS_PER_TABLE;
}

/* The upper-level descriptor pointing at a table, as the architecture writes it. */
uint64_t table_descriptor(const struct ptesim_layout *L, uint64_t table_pfn);
uint64_t table_descriptor_pfn(const struct ptesim_layout *L, uint64_t desc);

#endif
