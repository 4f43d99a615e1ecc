/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_CHECK_CHECK_H
#define PTESIM_CHECK_CHECK_H

/*
 * The referee: invariants checked after every command. Each names the
 * violation as the scenario language names it and says which page and why.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/mm.h"

struct violation {
	const char *name; /* "pte-encoding", "memory-model", ... */
	char page[64];    /* "p0 A[3]" */
	char reason[256];
};

/* How the caller names an address of a process ("p1 A[2]"). */
typedef void (*page_namer)(void *ctx, int pid, uint64_t va, char *buf, size_t size);

/* Every entry in every table decodes legally under the layout. */
bool check_pte_encoding(struct machine *m, page_namer name, void *ctx, struct violation *v);
/* No entry the hardware could write without a fault where one is required:
 * a COW-shared page, a uffd-wp entry, a clean entry under soft-dirty tracking. */
bool check_hw_write_untracked(struct machine *m, page_namer name, void *ctx, struct violation *v);
/* Frame reference and map counts agree with the page tables. */
bool check_refcount(struct machine *m, page_namer name, void *ctx, struct violation *v);
/* pte-encoding and refcount (false, v) and hw-write-untracked (untracked,
 * *untracked_found) in one walk of the tables: what the three above find,
 * at a third of the cost. */
bool check_machine(struct machine *m, page_namer name, void *ctx, struct violation *v,
		   struct violation *untracked, bool *untracked_found);

#endif
