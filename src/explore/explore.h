/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_EXPLORE_EXPLORE_H
#define PTESIM_EXPLORE_EXPLORE_H

/*
 * The explorer: a breadth-first search over the simulator's states from a
 * small setup (pages in one or two mappings, processes forked by p0),
 * applying every enabled operation of the scenario language at each step
 * and checking every invariant after each. Each distinct state, in
 * canonical form (scenario/run_canon.h), is expanded once, so the first
 * sequence found to break an invariant is a shortest one.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ptesim/layout.h"
#include "scenario/program.h"

/* Operations the search may apply (--ops). */
enum explore_op_kind {
	XOP_WRITE,
	XOP_READ,
	XOP_FORK,
	XOP_MPROTECT,
	XOP_FREE,
	XOP_DONTNEED,
	XOP_COLD,
	XOP_PAGEOUT,
	XOP_CLEAR_REFS,
	XOP_RECLAIM,
	XOP_MIGRATE,
	XOP_UFFD,  /* register (open + register), protect, unprotect */
	XOP_SCAN,  /* PAGEMAP_SCAN with WP_MATCHING */
	XOP_CRIU,  /* criu dump */
	XOP_COUNT
};
extern const char *const explore_op_names[XOP_COUNT];

enum explore_backing { XMAP_PRIVATE_ANON, XMAP_SHARED_ANON, XMAP_SHMEM, XMAP_PRIVATE_FILE, XMAP_SHARED_FILE };

struct explore_options {
	const ptesim_layout *layout;
	unsigned depth;        /* operations after the setup */
	unsigned pages;        /* pages in each mapping */
	unsigned procs;        /* processes at most, p0 included */
	unsigned nmaps;        /* 1 or 2 mappings */
	enum explore_backing map[2];
	unsigned ops;          /* 1 << enum explore_op_kind */
	unsigned invariants;   /* 1 << enum scn_violation to report */
	bool hafdbs, swap, uffd_async;
	unsigned jobs;
	uint64_t max_states;   /* 0: no bound */
	double timeout;        /* seconds, 0: none */
};

struct explore_counterexample {
	enum scn_violation violation;
	unsigned steps;
	char *scenario;  /* a runnable .pts file (malloc'd) */
	char detail[400];
};

struct explore_result {
	uint64_t states, transitions;
	unsigned depth_done;    /* every state this many steps from the setup was expanded */
	unsigned depth_reached; /* the deepest states found */
	bool complete;          /* the whole bounded space was searched */
	const char *stopped_by; /* "--max-states", "--timeout", NULL */
	double seconds;
	size_t peak_rss_kib;
	struct explore_counterexample found[SCN_V_COUNT];
	unsigned nfound;
};

/* 0, or -EINVAL with a message in err for options the layout cannot run
 * (an operation it lacks is dropped, not an error), -ENOMEM. */
int explore_run(const struct explore_options *opt, struct explore_result *res, char *err, size_t errlen);
void explore_result_free(struct explore_result *res);

#endif
