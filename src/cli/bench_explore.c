/* SPDX-License-Identifier: MIT */
/* The explorer's figures for ptesim bench: transitions and states per
 * second, and the memory a search holds. */
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/bench.h"
#include "explore/explore.h"

static void one(const ptesim_layout *L, unsigned pages, unsigned depth, unsigned jobs)
{
	struct explore_options o = {
		.layout = L, .depth = depth, .pages = pages, .procs = 2, .nmaps = 1,
		.map = { XMAP_PRIVATE_ANON }, .ops = (1u << XOP_COUNT) - 1, .invariants = (1u << SCN_V_COUNT) - 1,
		.hafdbs = true, .swap = true, .uffd_async = true, .jobs = jobs,
	};
	struct explore_result r;
	char err[256];

	if (explore_run(&o, &r, err, sizeof(err))) {
		printf("explore layout=%s failed: %s\n", ptesim_layout_name(L), err);
		return;
	}
	printf("explore layout=%s pages=%u procs=2 depth=%u jobs=%u states=%" PRIu64 " transitions=%" PRIu64
	       " seconds=%.2f transitions_per_s=%.0f transitions_per_s_per_job=%.0f states_per_s=%.0f peak_rss_mib=%.1f%s\n",
	       ptesim_layout_name(L), pages, r.depth_done, jobs, r.states, r.transitions, r.seconds,
	       (double)r.transitions / r.seconds, (double)r.transitions / r.seconds / jobs,
	       (double)r.states / r.seconds, (double)r.peak_rss_kib / 1024.0, r.complete ? "" : " (stopped early)");
	explore_result_free(&r);
}

void bench_explore(const ptesim_layout *L, bool full)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned jobs = cpus > 0 && cpus < 256 ? (unsigned)cpus : 1;

	/* one page, two processes: the per-core rate, then every core */
	one(L, 1, 7, 1);
	if (jobs > 1)
		one(L, 1, 7, jobs);
	if (full)
		one(L, 2, 8, jobs);
	else
		printf("# explore pages=2 procs=2 depth=8: ptesim bench --explore-full runs it (minutes)\n");
}
