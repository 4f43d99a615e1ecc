/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_SCENARIO_RUN_H
#define PTESIM_SCENARIO_RUN_H

/*
 * Running a parsed scenario on one layout, in a simulation of its own:
 * each command on the machine and on the memory model, the invariants
 * after every command, observations printed as the language says.
 */

#include <stdbool.h>
#include <stdio.h>

#include "hw/kpath.h"
#include "ptesim/layout.h"
#include "scenario/program.h"

enum run_status { RUN_PASS, RUN_FAIL, RUN_NA };

struct run_result {
	enum run_status status;
	unsigned line;             /* FAIL: the command's line */
	char command[160];         /* FAIL: its text */
	const char *violation;     /* FAIL by an invariant: its name; NULL for a failed expectation */
	char detail[400];          /* FAIL: "p0 A[0] ..." / n/a: the reason */
	unsigned commands;         /* commands run */
	unsigned violations;       /* FAIL: 1 << enum scn_violation of every violation found */
	char also[400];            /* FAIL: what failed after the first failure, "; also ..." */
};

/* A page whose entry, or whose pagemap view, a command changed */
struct run_change {
	uint32_t process, region; /* the scenario's numbering */
	uint64_t page;
	uint64_t before, after;                 /* the entries */
	unsigned pagemap_before, pagemap_after; /* SCN_PM_* keys (scenario/pagemap_line.h) */
};

/* What one command did, for `ptesim explain`: given after the command and
 * the invariant checks that follow it, so the result holds what they found */
struct run_step {
	const struct scn_command *cmd;
	const struct kpath_log *kpath;    /* what the MMU and the kernel ran for it */
	const struct run_change *changes; /* process by process, region by region, page by page */
	size_t nchanges;
	const struct run_result *result;  /* so far */
};

struct run_options {
	FILE *observe; /* where observations go; NULL: none */
	FILE *trace;   /* --trace: each command and the entries it changed; NULL: none */
	const char *prefix; /* put before observation lines (several layouts), or NULL */
	/* called after every command with what it did; NULL: none */
	void (*step)(void *ctx, const struct run_step *step);
	void *step_ctx;
};

void scn_run(const struct scn_program *p, const ptesim_layout *L, const struct run_options *opt,
	     struct run_result *r);

/* "arm64-v6.10: pass", "...: FAIL at line 9 (...): violation X: ...", with
 * " (expected)" when the program declares that failure. A run goes on
 * after a violation of what user space is promised, to find the others
 * the same story breaks (a failed expectation or a broken machine stops
 * it); they follow as "; also VIOLATION at line N (...)". */
void scn_result_line(const struct scn_program *p, const ptesim_layout *L, const struct run_result *r,
		     char *buf, size_t size);
/* Whether the result is the one the program declares for the layout (no
 * declaration: pass or n/a; a declared violation: it is among those found). */
bool scn_result_as_declared(const struct scn_program *p, const ptesim_layout *L,
			    const struct run_result *r);
/* The program's `expect-result` for the layout (by name), or NULL. */
const struct scn_expect_result *scn_declared_result(const struct scn_program *p, const ptesim_layout *L);

#endif
