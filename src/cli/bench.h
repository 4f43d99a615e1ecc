/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_CLI_BENCH_H
#define PTESIM_CLI_BENCH_H

/* ptesim bench: the operations timed, on both sides, in this order. */

#include <stdbool.h>
#include <stdint.h>

#include "ptesim/layout.h"

enum bench_op {
	OP_POPULATE,
	OP_FORK,
	OP_MPROTECT_RO,
	OP_MPROTECT_RW,
	OP_PAGEMAP,
	OP_UFFD_WP,
	OP_SCAN,
	OP_CLEAR_REFS,
	OP_FREE,
	OP_RECLAIM,
	OP_DONTNEED,
	OP_COUNT
};

#define BENCH_PAGE_SIZE 4096u

double bench_now_ns(void);
/* The live kernel's figures, nanoseconds per operation over all pages;
 * an operation it could not do stays 0. */
int bench_kernel(uint64_t pages, double kernel_ns[OP_COUNT]);
/* The explorer's throughput on L (bench_explore.c); full adds the search
 * of depth 8 over two pages and two processes. */
void bench_explore(const ptesim_layout *L, bool full);

#endif
