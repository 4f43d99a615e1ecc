/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_GEN_KDIFF_H
#define PTESIM_GEN_KDIFF_H

/*
 * One scenario on this machine's kernel and on a simulated layout, and
 * what differs between the two: the pagemap lines, command by command, and
 * the results. The kernel is the judge of what it can show.
 */

#include <stdbool.h>
#include <stdio.h>

#include "ptesim/layout.h"
#include "scenario/program.h"
#include "scenario/run.h"

enum kdiff_status {
	KDIFF_COMPARED, /* both sides ran it */
	KDIFF_SKIPPED,  /* a side was n/a: nothing to compare */
};

/* What a difference was, so that a smaller program can be asked to keep
 * the same one. */
enum kdiff_kind {
	KDIFF_NONE,
	KDIFF_OBSERVATION, /* both passed, some pagemap line differs */
	KDIFF_RESULT,      /* the results differ (pass / FAIL, or another FAIL) */
};

struct kdiff_options {
	const ptesim_layout *layout;
	bool soft_dirty;    /* compare the soft-dirty key too */
	unsigned timeout_s; /* for the kernel's run; 0: the live runner's default */
	FILE *out;          /* where differences are described; NULL: nowhere */
	FILE *notes;        /* the kernel run's notes (live_options.notes); NULL: nowhere */
	const char *name;   /* the program's name in messages */
};

struct kdiff_result {
	enum kdiff_status status;
	enum kdiff_kind kind;
	unsigned commands;     /* commands of a compared program */
	unsigned observations; /* pagemap lines compared */
	unsigned differences;
	struct run_result kernel, sim;
};

/* Run p on both sides and compare; 0, or -ENOMEM when out of memory. */
int kdiff_program(const struct scn_program *p, const struct kdiff_options *opt, struct kdiff_result *r);

/*
 * p without its `pte` and `expect pte` commands, which the kernel cannot
 * run: a shallow copy sharing p's names and memory, whose command array
 * (stored in *commands) the caller frees; false when out of memory.
 */
bool kdiff_without_pte(const struct scn_program *p, struct scn_program *copy, struct scn_command **commands);

/* Whether the kernel of this machine was built with CONFIG_MEM_SOFT_DIRTY,
 * from its configuration: 1 yes, 0 no, -1 unknown (no configuration to read). */
int kdiff_kernel_soft_dirty(void);

#endif
