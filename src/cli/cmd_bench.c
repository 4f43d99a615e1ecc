/* SPDX-License-Identifier: MIT */
/*
 * ptesim bench: the same page-table work on the simulator and on the live
 * kernel, per page, in one run. A benchmark that prints figures, not a test.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/bench.h"
#include "cli/cli.h"
#include "mm/mm.h"

#define BENCH_PAGES (UINT64_C(1) << 18) /* 1 GiB of 4 KiB pages */

static const char *const op_names[OP_COUNT] = {
	"populate", "fork", "mprotect-ro", "mprotect-rw", "pagemap", "uffdio-writeprotect", "pagemap-scan",
	"clear-refs-soft-dirty", "madv-free", "reclaim-lazyfree", "madv-dontneed",
};

struct result {
	double sim[OP_COUNT], kernel[OP_COUNT];
	bool have_kernel;
	double sim_bytes_per_page;
};

static int populate(struct machine *m, int pid, uint64_t va, uint64_t pages)
{
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t v = i;

		if (mm_access(m, pid, va + i * PAGE_SIZE, true, &v) != ACCESS_OK)
			return -EFAULT;
	}
	return 0;
}

/* UFFDIO_WRITEPROTECT of the whole range (WP_ASYNC), then a PAGEMAP_SCAN
 * for written pages over it; the registration is undone after */
static int bench_sim_uffd(struct machine *m, int pid, uint64_t va, uint64_t len, struct result *r)
{
	struct page_region region;
	struct pm_scan_arg scan = { .start = va, .end = va + len, .category_mask = PAGE_IS_WRITTEN,
				    .return_mask = PAGE_IS_WRITTEN, .vec = &region, .vec_len = 1 };
	double t;

	if (!(m->L->features & PTESIM_FEAT_UFFD_WP))
		return 0; /* no uffd-wp in this layout: no figure */
	if (mm_uffd_open(m, pid, UFFD_FEATURE_WP_ASYNC) || mm_uffd_register(m, pid, va, len))
		return -ENOMEM;
	t = bench_now_ns();
	mm_uffd_writeprotect(m, pid, va, len, true);
	r->sim[OP_UFFD_WP] = bench_now_ns() - t;
	t = bench_now_ns();
	mm_pagemap_scan(m, pid, &scan);
	r->sim[OP_SCAN] = bench_now_ns() - t;
	return mm_uffd_unregister(m, pid, va, len) ? -ENOMEM : 0;
}

static int bench_sim(const ptesim_layout *L, uint64_t pages, struct result *r)
{
	struct machine m;
	int pid, child;
	uint64_t va, len = pages * PAGE_SIZE, sink = 0;
	double t;
	size_t tables;

	if (machine_init(&m, L, true) || mm_new(&m, &pid) ||
	    mm_mmap(&m, pid, pages, VM_READ | VM_WRITE, false, BACKING_ANON, 0, &va))
		return -ENOMEM;
	t = bench_now_ns();
	if (populate(&m, pid, va, pages))
		return -EFAULT;
	r->sim[OP_POPULATE] = bench_now_ns() - t;
	tables = 0;
	for (size_t i = 0; i < m.frames.n; i++)
		tables += (m.frames.v[i].flags & FRAME_TABLE) != 0;
	/* frame records plus the tables' entries, per simulated page */
	r->sim_bytes_per_page = ((double)m.frames.n * sizeof(struct frame) + (double)tables * 4096) / (double)pages;
	t = bench_now_ns();
	if (mm_fork(&m, pid, &child))
		return -ENOMEM;
	r->sim[OP_FORK] = bench_now_ns() - t;
	mm_exit(&m, child);
	t = bench_now_ns();
	mm_mprotect(&m, pid, va, len, VM_READ);
	r->sim[OP_MPROTECT_RO] = bench_now_ns() - t;
	t = bench_now_ns();
	mm_mprotect(&m, pid, va, len, VM_READ | VM_WRITE);
	r->sim[OP_MPROTECT_RW] = bench_now_ns() - t;
	uint64_t *pm = malloc(pages * sizeof(*pm));

	if (!pm)
		return -ENOMEM;
	/* the walk is timed, warm on both sides: not the first touch of the
	 * buffer or of the page records after populate */
	mm_pagemap_range(&m, pid, va, pages, pm);
	t = bench_now_ns();
	mm_pagemap_range(&m, pid, va, pages, pm);
	r->sim[OP_PAGEMAP] = bench_now_ns() - t;
	for (uint64_t i = 0; i < pages; i++)
		sink += pm[i] >> 63;
	free(pm);
	if (bench_sim_uffd(&m, pid, va, len, r))
		return -ENOMEM;
	t = bench_now_ns();
	mm_clear_refs(&m, pid, 4);
	r->sim[OP_CLEAR_REFS] = bench_now_ns() - t;
	t = bench_now_ns();
	mm_madvise_free(&m, pid, va, len);
	r->sim[OP_FREE] = bench_now_ns() - t;
	/* clean lazy-free pages: every one is discarded, no swap needed */
	t = bench_now_ns();
	mm_madvise_pageout(&m, pid, va, len);
	r->sim[OP_RECLAIM] = bench_now_ns() - t;
	if (populate(&m, pid, va, pages))
		return -EFAULT;
	t = bench_now_ns();
	mm_madvise_dontneed(&m, pid, va, len);
	r->sim[OP_DONTNEED] = bench_now_ns() - t;
	machine_destroy(&m);
	return sink == pages ? 0 : -EFAULT;
}

int cmd_bench(int argc, char **argv)
{
	const ptesim_layout *L = ptesim_layout_find("x86_64");
	uint64_t pages = BENCH_PAGES;
	struct result r = { 0 };
	bool explore_full = false, explore_only = false;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--layout") && i + 1 < argc) {
			L = ptesim_layout_find(argv[++i]);
			if (!L)
				return usage_error("bench: unknown layout '%s'", argv[i]);
		} else if (!strcmp(argv[i], "--explore-full")) {
			explore_full = true;
		} else if (!strcmp(argv[i], "--explore-only")) {
			explore_only = true;
		} else if (!strcmp(argv[i], "--pages") && i + 1 < argc) {
			if (!parse_u64(argv[++i], &pages) || !pages || pages > (UINT64_C(1) << 24))
				return usage_error("bench: --pages takes 1 to 16777216");
		} else {
			return usage_error("bench: unexpected argument '%s'", argv[i]);
		}
	}
	if (explore_only) {
		bench_explore(L, explore_full);
		return EXIT_OK;
	}
	rc = bench_sim(L, pages, &r);
	if (rc)
		return usage_error("bench: the simulation failed (%s)", strerror(-rc));
	if (bench_kernel(pages, r.kernel) == 0)
		r.have_kernel = true;
	else
		fprintf(stderr, "ptesim: bench: the live kernel part failed; simulator figures only\n");
	printf("# layout=%s pages=%" PRIu64 " sim_bytes_per_page=%.1f (frame records and tables)\n",
	       ptesim_layout_name(L), pages, r.sim_bytes_per_page);
	for (int op = 0; op < OP_COUNT; op++) {
		double s = r.sim[op] / (double)pages, k = r.kernel[op] / (double)pages;

		if (r.have_kernel && k > 0)
			printf("op=%s pages=%" PRIu64 " sim_ns_per_page=%.2f kernel_ns_per_page=%.2f speedup=%.1f\n",
			       op_names[op], pages, s, k, k / s);
		else
			printf("op=%s pages=%" PRIu64 " sim_ns_per_page=%.2f kernel_ns_per_page=n/a speedup=n/a\n",
			       op_names[op], pages, s);
	}
	bench_explore(L, explore_full);
	return EXIT_OK;
}
