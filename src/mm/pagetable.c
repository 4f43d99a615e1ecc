/* SPDX-License-Identifier: MIT */
/*
 * Four-level page tables of 512 entries (48-bit VA, 4 KiB pages). Each
 * table lives in a frame of its own; the upper levels hold table
 * descriptors as the architecture writes them (pmd_populate and friends),
 * so the walk reads real descriptors.
 */
#include <stdlib.h>

#include "mm/machine.h"

#define LEVELS 4
#define DESC_PFN_MASK ((UINT64_C(1) << 40) - 1)

static unsigned level_shift(int level)
{
	return (unsigned)(PAGE_SHIFT + 9 * (LEVELS - 1 - level));
}

static unsigned table_index(uint64_t va, int level)
{
	return (unsigned)((va >> level_shift(level)) & (PTRS_PER_TABLE - 1));
}

uint64_t table_descriptor(const struct ptesim_layout *L, uint64_t table_pfn)
{
	return (table_pfn << PAGE_SHIFT) | L->era->user_table_bits;
}

uint64_t table_descriptor_pfn(const struct ptesim_layout *L, uint64_t desc)
{
	(void)L;
	return (desc >> PAGE_SHIFT) & DESC_PFN_MASK;
}

static pte_t *table_mem(struct frames *f, uint64_t pfn)
{
	return (pte_t *)(uintptr_t)frame_of(f, pfn)->data;
}

static uint64_t table_alloc(struct frames *f)
{
	pte_t *mem = calloc(PTRS_PER_TABLE, sizeof(pte_t));
	uint64_t pfn;

	if (!mem)
		return 0;
	pfn = frame_alloc(f, FRAME_TABLE);
	if (!pfn) {
		free(mem);
		return 0;
	}
	frame_of(f, pfn)->data = (uint64_t)(uintptr_t)mem;
	return pfn;
}

uint64_t pgtable_alloc_root(struct frames *f, const struct ptesim_layout *L)
{
	(void)L;
	return table_alloc(f);
}

pte_t *pgtable_pte(struct frames *f, const struct ptesim_layout *L, uint64_t root, uint64_t va,
		   bool alloc)
{
	uint64_t pfn = root;

	for (int level = 0; level < LEVELS - 1; level++) {
		pte_t *t = table_mem(f, pfn);
		pte_t *slot = &t[table_index(va, level)];

		if (!pte_val(*slot)) {
			uint64_t next;

			if (!alloc || !(next = table_alloc(f)))
				return NULL;
			*slot = __pte(table_descriptor(L, next));
		}
		pfn = table_descriptor_pfn(L, pte_val(*slot));
	}
	return &table_mem(f, pfn)[table_index(va, LEVELS - 1)];
}

static void free_level(struct frames *f, const struct ptesim_layout *L, uint64_t pfn, int level)
{
	if (level < LEVELS - 1) {
		pte_t *t = table_mem(f, pfn);

		for (unsigned i = 0; i < PTRS_PER_TABLE; i++)
			if (pte_val(t[i]))
				free_level(f, L, table_descriptor_pfn(L, pte_val(t[i])), level + 1);
	}
	frame_free(f, pfn);
}

void pgtable_free(struct frames *f, const struct ptesim_layout *L, uint64_t root)
{
	free_level(f, L, root, 0);
}

static void walk_level(struct frames *f, const struct ptesim_layout *L, uint64_t pfn, int level,
		       uint64_t base, uint64_t start, uint64_t end, pte_table_fn fn, void *ctx)
{
	pte_t *t = table_mem(f, pfn);
	uint64_t span = UINT64_C(1) << level_shift(level);
	/* only the slots the range touches */
	uint64_t first = start > base ? (start - base) / span : 0;
	uint64_t last = (end - 1 - base) / span;

	if (end <= base || end <= start)
		return;
	if (last >= PTRS_PER_TABLE)
		last = PTRS_PER_TABLE - 1;
	for (uint64_t i = first; i <= last; i++) {
		uint64_t lo = base + i * span;

		if (!pte_val(t[i]))
			continue;
		if (level == LEVELS - 2)
			fn(ctx, lo, table_mem(f, table_descriptor_pfn(L, pte_val(t[i]))));
		else
			walk_level(f, L, table_descriptor_pfn(L, pte_val(t[i])), level + 1, lo, start, end,
				   fn, ctx);
	}
}

void pgtable_walk_tables(struct frames *f, const struct ptesim_layout *L, uint64_t root,
			 uint64_t start, uint64_t end, pte_table_fn fn, void *ctx)
{
	walk_level(f, L, root, 0, 0, start, end, fn, ctx);
}

void pgtable_free_pte_table(struct frames *f, const struct ptesim_layout *L, uint64_t root,
			    uint64_t va)
{
	uint64_t pfn = root;

	for (int level = 0; level < LEVELS - 1; level++) {
		pte_t *slot = &table_mem(f, pfn)[table_index(va, level)];

		if (!pte_val(*slot))
			return;
		pfn = table_descriptor_pfn(L, pte_val(*slot));
		if (level == LEVELS - 2) {
			*slot = __pte(0);
			frame_free(f, pfn);
			return;
		}
	}
}
