/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_SCENARIO_RUN_CANON_H
#define PTESIM_SCENARIO_RUN_CANON_H

#include <stdint.h>

#define CANON_MAX 64u /* values, frames, slots or anon_vmas renamed per state */
#define CANON_MAX_PROCS 8u /* processes put in canonical order (more: program order) */

/* The 128-bit name of a runner's state in canonical form (run_canon.c);
 * the arrays are the renamers' scratch space. */
struct canon {
	uint64_t h1, h2;
	uint64_t values[CANON_MAX], frames[CANON_MAX], slots[CANON_MAX], anon_vmas[CANON_MAX];
	unsigned nvalues, nframes, nslots, nanon_vmas;
};

struct runner;
void runner_canon(struct runner *rn, struct canon *c);

#endif
