/* SPDX-License-Identifier: MIT */
/* `scan` and `expect scan`: PAGEMAP_SCAN over a range of a region. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/run_internal.h"
#include "scenario/vocab.h"

/* "wpallowed,written" in PAGE_IS_* order, "-" for none */
static void category_names(unsigned categories, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = 0;
	for (const struct vocab_word *w = vocab_category; w->name && len < size; w++)
		if (categories & w->value)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "," : "", w->name);
	if (!len)
		snprintf(buf, size, "-");
}

void do_scan(struct runner *rn, uint32_t proc, int pid, bool expect)
{
	const struct scn_command *c = rn->cmd;
	const struct scn_range *rg = &c->range;
	struct region_map *rm = region_of(rn, proc, rg->region);
	const char *name = rn->p->regions[rg->region];
	/* one region a page at most */
	struct page_region *vec = calloc(rg->count + 1, sizeof(*vec));
	struct pm_scan_arg a = { 0 };
	long n;

	if (!vec) {
		set_fail(rn, NULL, "out of memory");
		return;
	}
	a.start = page_va(rn, proc, rg->region, rg->first);
	a.end = a.start + rg->count * PAGE_SIZE;
	a.flags = (c->scan.flags & SCN_SCAN_WP_MATCHING ? PM_SCAN_WP_MATCHING : 0) |
		  (c->scan.flags & SCN_SCAN_CHECK_WPASYNC ? PM_SCAN_CHECK_WPASYNC : 0);
	a.max_pages = c->scan.max_pages;
	a.category_inverted = c->scan.inverted;
	a.category_mask = c->scan.want;
	a.category_anyof_mask = c->scan.anyof;
	a.return_mask = c->scan.ret;
	a.vec = vec;
	a.vec_len = rg->count;
	n = mm_pagemap_scan(&rn->m, pid, &a);
	if (!syscall_as_expected(rn, expect ? "expect scan" : "scan", n < 0 ? (int)n : 0) || n < 0) {
		free(vec);
		return;
	}
	if (a.flags & PM_SCAN_WP_MATCHING)
		track_scan_protect(rn, proc, pid, rg->region, rg->first, (a.walk_end - rm->va) / PAGE_SIZE);
	if (!expect) {
		for (long i = 0; i < n; i++) {
			char cats[128];

			category_names((unsigned)vec[i].categories, cats, sizeof(cats));
			observe(rn, "scan %s[%" PRIu64 ":%" PRIu64 "] %s", name, (vec[i].start - rm->va) / PAGE_SIZE,
				(vec[i].end - rm->va) / PAGE_SIZE, cats);
		}
		observe(rn, "scan walk-end %s[%" PRIu64 "]", name, (a.walk_end - rm->va) / PAGE_SIZE);
		free(vec);
		return;
	}
	/* the regions returned, exactly */
	bool same = (size_t)n == c->scan.nexpected;

	for (size_t i = 0; same && i < c->scan.nexpected; i++) {
		const struct scn_scan_region *e = &c->scan.expected[i];
		uint64_t start = page_va(rn, proc, e->range.region, e->range.first);

		same = vec[i].start == start && vec[i].end == start + e->range.count * PAGE_SIZE &&
		       vec[i].categories == e->categories;
	}
	if (!same) {
		char got[400] = "", cats[128];
		size_t len = 0;

		for (long i = 0; i < n && len < sizeof(got); i++) {
			category_names((unsigned)vec[i].categories, cats, sizeof(cats));
			len += (size_t)snprintf(got + len, sizeof(got) - len, " %s[%" PRIu64 ":%" PRIu64 "]{%s}", name,
						(vec[i].start - rm->va) / PAGE_SIZE, (vec[i].end - rm->va) / PAGE_SIZE,
						strcmp(cats, "-") ? cats : "");
		}
		set_fail(rn, NULL, "scan returned%s", n ? got : " none");
	}
	free(vec);
}
