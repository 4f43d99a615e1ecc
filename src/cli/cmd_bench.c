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

#include "cli/cli.h"
#include "mm/mm.h"

#define BENCH_PAGES (UINT64_C(1) << 18) /* 1 GiB of 4 KiB pages */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

enum op {
	OP_POPULATE,
	OP_FORK,
	OP_MPROTECT_RO,
	OP_MPROTECT_RW,
	OP_PAGEMAP,
	OP_CLEAR_REFS,
	OP_FREE,
	OP_RECLAIM,
	OP_DONTNEED,
	OP_COUNT
};
static const char *const op_names[OP_COUNT] = { "populate",   "fork",      "mprotect-ro",
						 "mprotect-rw", "pagemap",   "clear-refs-soft-dirty",
						 "madv-free",   "reclaim-lazyfree", "madv-dontneed" };

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
	t = now_ns();
	if (populate(&m, pid, va, pages))
		return -EFAULT;
	r->sim[OP_POPULATE] = now_ns() - t;
	tables = 0;
	for (size_t i = 0; i < m.frames.n; i++)
		tables += (m.frames.v[i].flags & FRAME_TABLE) != 0;
	/* frame records plus the tables' entries, per simulated page */
	r->sim_bytes_per_page = ((double)m.frames.n * sizeof(struct frame) + (double)tables * 4096) / (double)pages;
	t = now_ns();
	if (mm_fork(&m, pid, &child))
		return -ENOMEM;
	r->sim[OP_FORK] = now_ns() - t;
	mm_exit(&m, child);
	t = now_ns();
	mm_mprotect(&m, pid, va, len, VM_READ);
	r->sim[OP_MPROTECT_RO] = now_ns() - t;
	t = now_ns();
	mm_mprotect(&m, pid, va, len, VM_READ | VM_WRITE);
	r->sim[OP_MPROTECT_RW] = now_ns() - t;
	uint64_t *pm = malloc(pages * sizeof(*pm));

	if (!pm)
		return -ENOMEM;
	/* the walk is timed, warm on both sides: not the first touch of the
	 * buffer or of the page records after populate */
	mm_pagemap_range(&m, pid, va, pages, pm);
	t = now_ns();
	mm_pagemap_range(&m, pid, va, pages, pm);
	r->sim[OP_PAGEMAP] = now_ns() - t;
	for (uint64_t i = 0; i < pages; i++)
		sink += pm[i] >> 63;
	free(pm);
	t = now_ns();
	mm_clear_refs(&m, pid, 4);
	r->sim[OP_CLEAR_REFS] = now_ns() - t;
	t = now_ns();
	mm_madvise_free(&m, pid, va, len);
	r->sim[OP_FREE] = now_ns() - t;
	/* clean lazy-free pages: every one is discarded, no swap needed */
	t = now_ns();
	mm_madvise_pageout(&m, pid, va, len);
	r->sim[OP_RECLAIM] = now_ns() - t;
	if (populate(&m, pid, va, pages))
		return -EFAULT;
	t = now_ns();
	mm_madvise_dontneed(&m, pid, va, len);
	r->sim[OP_DONTNEED] = now_ns() - t;
	machine_destroy(&m);
	return sink == pages ? 0 : -EFAULT;
}

static int bench_kernel(uint64_t pages, struct result *r)
{
	size_t len = (size_t)(pages * PAGE_SIZE);
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t *buf;
	double t;
	pid_t child;
	int fd, status;

	if (p == MAP_FAILED)
		return -errno;
	madvise(p, len, MADV_NOHUGEPAGE); /* 4 KiB pages, as simulated */
	t = now_ns();
	for (uint64_t i = 0; i < pages; i++)
		p[i * PAGE_SIZE] = 1;
	r->kernel[OP_POPULATE] = now_ns() - t;
	t = now_ns();
	child = fork();
	if (child == 0)
		_exit(0);
	r->kernel[OP_FORK] = now_ns() - t;
	if (child < 0 || waitpid(child, &status, 0) < 0)
		return -errno;
	t = now_ns();
	mprotect(p, len, PROT_READ);
	r->kernel[OP_MPROTECT_RO] = now_ns() - t;
	t = now_ns();
	mprotect(p, len, PROT_READ | PROT_WRITE);
	r->kernel[OP_MPROTECT_RW] = now_ns() - t;
	fd = open("/proc/self/pagemap", O_RDONLY);
	buf = malloc(pages * sizeof(*buf));
	if (fd >= 0 && buf) {
		if (pread(fd, buf, pages * sizeof(*buf), (off_t)((uintptr_t)p / PAGE_SIZE * 8)) < 0)
			memset(buf, 0, pages * sizeof(*buf));
		t = now_ns();
		if (pread(fd, buf, pages * sizeof(*buf), (off_t)((uintptr_t)p / PAGE_SIZE * 8)) < 0)
			t = -1;
		r->kernel[OP_PAGEMAP] = t < 0 ? 0 : now_ns() - t;
	}
	free(buf);
	if (fd >= 0)
		close(fd);
	/* value 4 walks every entry even without soft-dirty (the helpers are
	 * empty then), so the figure is the walk's */
	fd = open("/proc/self/clear_refs", O_WRONLY);
	if (fd >= 0) {
		t = now_ns();
		if (write(fd, "4", 1) == 1)
			r->kernel[OP_CLEAR_REFS] = now_ns() - t;
		close(fd);
	}
	t = now_ns();
	if (madvise(p, len, MADV_FREE) == 0)
		r->kernel[OP_FREE] = now_ns() - t;
	t = now_ns();
	if (madvise(p, len, MADV_PAGEOUT) == 0)
		r->kernel[OP_RECLAIM] = now_ns() - t;
	for (uint64_t i = 0; i < pages; i++)
		p[i * PAGE_SIZE] = 1;
	t = now_ns();
	madvise(p, len, MADV_DONTNEED);
	r->kernel[OP_DONTNEED] = now_ns() - t;
	munmap(p, len);
	r->have_kernel = true;
	return 0;
}

int cmd_bench(int argc, char **argv)
{
	const ptesim_layout *L = ptesim_layout_find("x86_64");
	uint64_t pages = BENCH_PAGES;
	struct result r = { 0 };
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--layout") && i + 1 < argc) {
			L = ptesim_layout_find(argv[++i]);
			if (!L)
				return usage_error("bench: unknown layout '%s'", argv[i]);
		} else if (!strcmp(argv[i], "--pages") && i + 1 < argc) {
			if (!parse_u64(argv[++i], &pages) || !pages || pages > (UINT64_C(1) << 24))
				return usage_error("bench: --pages takes 1 to 16777216");
		} else {
			return usage_error("bench: unexpected argument '%s'", argv[i]);
		}
	}
	rc = bench_sim(L, pages, &r);
	if (rc)
		return usage_error("bench: the simulation failed (%s)", strerror(-rc));
	if (bench_kernel(pages, &r))
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
	return EXIT_OK;
}
