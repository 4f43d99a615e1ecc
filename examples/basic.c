/* SPDX-License-Identifier: MIT */
/*
 * The C API in one walk: a simulation on a layout (a built-in name or a
 * layout file), a private anonymous page written, a fork that shares it
 * copy-on-write, the child's write that copies it, mprotect, the raw
 * entries and pagemap at each step, and the referee's verdict.
 *
 *   example-basic [LAYOUT-NAME | LAYOUT-FILE]     (default arm64-v6.10)
 *
 * Exit status 0 when everything happened as the kernel's rules say, 1
 * otherwise, 2 for a bad argument.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <ptesim/ptesim.h>

static int failures;

static void expect(int cond, const char *what)
{
	if (!cond) {
		printf("  UNEXPECTED: %s\n", what);
		failures++;
	}
}

/* One line: who, the raw entry decoded, and pagemap's view of the page. */
static void show(ptesim_sim *sim, const char *who, uint64_t addr, struct ptesim_decoded *d, uint64_t *pm)
{
	uint64_t entry = 0;

	if (ptesim_sim_pte(sim, addr, &entry))
		printf("  %s: %s\n", who, ptesim_sim_error(sim));
	ptesim_decode(ptesim_sim_layout(sim), entry, d);
	*pm = ptesim_sim_pagemap(sim, addr);
	printf("  %-7s pte 0x%016" PRIx64 " %s\n", who, entry, d->summary);
	printf("  %-7s pagemap present=%d exclusive=%d soft-dirty=%d\n", "", !!(*pm & PTESIM_PM_PRESENT),
	       !!(*pm & PTESIM_PM_MMAP_EXCLUSIVE), !!(*pm & PTESIM_PM_SOFT_DIRTY));
}

static int open_layout(const char *arg, const ptesim_layout **L, ptesim_layout **loaded)
{
	char err[256];

	*loaded = NULL;
	if ((*L = ptesim_layout_find(arg)))
		return 0;
	if (ptesim_layout_load_file(arg, loaded, err, sizeof(err))) {
		fprintf(stderr, "example-basic: %s is neither a built-in layout nor a layout file: %s\n", arg, err);
		return -1;
	}
	*L = *loaded;
	return 0;
}

int main(int argc, char **argv)
{
	const ptesim_layout *L;
	ptesim_layout *loaded;
	ptesim_sim *sim;
	ptesim_report report;
	struct ptesim_decoded d;
	uint64_t a, pm, value = 0;
	int child, rc;

	if (argc > 2 || open_layout(argc == 2 ? argv[1] : "arm64-v6.10", &L, &loaded))
		return 2;
	if (ptesim_sim_new(L, &sim)) {
		fprintf(stderr, "example-basic: out of memory\n");
		ptesim_layout_free(loaded);
		return 2;
	}
	printf("layout %s\n", ptesim_layout_name(L));

	/* mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) */
	ptesim_sim_mmap(sim, PTESIM_PAGE_SIZE, PTESIM_PROT_READ | PTESIM_PROT_WRITE,
			PTESIM_MAP_PRIVATE | PTESIM_MAP_ANONYMOUS, -1, &a);
	printf("mmap one private anonymous page at 0x%" PRIx64 "\n", a);

	printf("p0 writes 1: the fault maps a page of its own, writable\n");
	ptesim_sim_write(sim, a, 1);
	show(sim, "p0", a, &d, &pm);
	expect(d.pred[PTESIM_P_WRITE] && (pm & PTESIM_PM_MMAP_EXCLUSIVE), "p0's page writable and exclusive");

	printf("fork: both map the page copy-on-write, write-protected, not exclusive\n");
	ptesim_sim_fork(sim, &child);
	show(sim, "p0", a, &d, &pm);
	expect(!d.pred[PTESIM_P_WRITE] && !(pm & PTESIM_PM_MMAP_EXCLUSIVE), "p0 write-protected, not exclusive");
	ptesim_sim_as(sim, child);
	show(sim, "child", a, &d, &pm);
	expect(!d.pred[PTESIM_P_WRITE] && !(pm & PTESIM_PM_MMAP_EXCLUSIVE), "child write-protected, not exclusive");

	printf("the child writes 2: the write fault copies the page\n");
	ptesim_sim_write(sim, a, 2);
	show(sim, "child", a, &d, &pm);
	expect(d.pred[PTESIM_P_WRITE] && (pm & PTESIM_PM_MMAP_EXCLUSIVE), "child's copy writable and exclusive");
	ptesim_sim_as(sim, 0);
	ptesim_sim_read(sim, a, &value);
	printf("  p0 reads %" PRIu64 "\n", value);
	expect(value == 1, "p0 still reads 1");

	printf("p0 mprotects the page read-only: a write takes SIGSEGV\n");
	ptesim_sim_mprotect(sim, a, PTESIM_PAGE_SIZE, PTESIM_PROT_READ);
	rc = ptesim_sim_write(sim, a, 3);
	printf("  write: %s\n", rc ? ptesim_sim_error(sim) : "completed");
	expect(rc == -EFAULT, "the write fails with EFAULT");
	show(sim, "p0", a, &d, &pm);

	ptesim_check(sim, &report);
	printf("referee: %s\n", report.message);
	expect(report.ok, "every invariant holds");

	ptesim_sim_free(sim);
	ptesim_layout_free(loaded);
	return failures ? 1 : 0;
}
