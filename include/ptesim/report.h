/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_REPORT_H
#define PTESIM_REPORT_H

/*
 * The referee's verdict, for any test framework: ptesim_check() on a
 * simulation driven from C, ptesim_scenario_run() on scenario text. Both
 * fill a ptesim_report, fixed-size buffers only, so that a test needs no
 * allocation to read it. ptesim/cmocka.h and ptesim/check.h turn a report
 * into a failed assertion.
 *
 * The invariants are those of the scenario language (docs/scenarios.md),
 * named as it names them:
 *   pte-encoding        an entry the layout cannot decode legally
 *   refcount            frame or swap counts disagree with the tables
 *   memory-model        a read returned a value user space was not promised
 *   soft-dirty-lost     a page written since the last soft-dirty clear,
 *                       present or swapped, reads not soft-dirty in pagemap
 *   uffd-wp-missed      a write to a write-protected page completed
 *                       without an event, or reads unwritten under WP_ASYNC
 *   lazyfree-data-loss  a page written after MADV_FREE was discarded
 *   dirty-data-loss     a dirty file or shmem page dropped without write-back
 *   hw-write-untracked  the MMU could write an entry without the fault the
 *                       kernel needs (uffd-wp, COW-shared, soft-dirty armed)
 *   criu-image-stale    (scenarios only: `criu dump`)
 */

#include <stdbool.h>

#include "ptesim/export.h"
#include "ptesim/layout.h"
#include "ptesim/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ptesim_report {
	/* Nothing went wrong: every invariant holds (a scenario: it ran every
	 * command and every expectation held). */
	bool ok;
	/* A scenario the layout cannot run (`requires soft-dirty` on a
	 * layout without it); ok is then false. */
	bool not_applicable;
	/* A scenario: its result is the one its `expect-result` lines declare
	 * for the layout (none declared: pass or n/a). ptesim_check: ok. */
	bool as_declared;
	/* The first invariant violated, as the scenario language names it
	 * ("soft-dirty-lost"); "" when ok or when a scenario's own
	 * expectation failed. */
	char violation[32];
	/* The page it concerns: "p0 0x7effffffe000" (a simulation: pid and
	 * address) or "p0 A[0]" (a scenario); "" when none is named. */
	char page[64];
	/* Why, e.g. "written since clear, soft-dirty=0". */
	char reason[256];
	/* After what it was found: "madvise(0x7effffffe000, 0x1000, MADV_FREE)
	 * in p0", or a scenario's command "madvise A[0] free". */
	char where[160];
	/* A scenario: the 1-based line of that command; 0 otherwise. */
	unsigned line;
	/* Everything above as one line for a failure message, with the
	 * violations found after the first ("; also hw-write-untracked ...");
	 * "ok" when ok. */
	char message[1024];
} ptesim_report;

/*
 * The referee's verdict on a simulation: the first violation found after
 * any operation so far (or, with PTESIM_SIM_CHECK_ON_DEMAND, by the checks
 * run now), with the later ones in report->message. A violation stays
 * reported: the simulation goes on, but its report does not become ok
 * again. Returns 0 when it could check (report->ok says the verdict),
 * -EINVAL for a NULL argument (a report given is then filled as failed,
 * with a message saying so).
 */
PTESIM_API int ptesim_check(ptesim_sim *sim, ptesim_report *report);

/*
 * Runs scenario text (the .pts language of docs/scenarios.md) on one
 * layout, in a simulation of its own, with the invariants checked after
 * every command, as `ptesim run --layout` does; the text's `layout` line
 * is not consulted, its `expect-result` lines set report->as_declared.
 * Observations (`pagemap`, `pte`, `scan`) print nothing. Returns 0 when
 * the scenario ran, whatever its result; -EINVAL for a NULL argument or
 * text that does not parse (report->message then holds the parser's
 * "FILE:LINE:COL: error: MESSAGE"), -ENOMEM.
 */
PTESIM_API int ptesim_scenario_run(const char *text, const ptesim_layout *layout, ptesim_report *report);
/* The same for a scenario file; a file that cannot be read gives its
 * negative errno (-ENOENT ...) and "FILE: error: MESSAGE". */
PTESIM_API int ptesim_scenario_run_file(const char *path, const ptesim_layout *layout, ptesim_report *report);

/*
 * Whether a report is the verdict a test wants: ok when violation is
 * NULL, else a first violation of that name ("soft-dirty-lost"). When it
 * is not, report->message is rewritten to say what was wanted and what was
 * found. What the assertion adapters (ptesim/cmocka.h, ptesim/check.h)
 * are made of.
 */
PTESIM_API bool ptesim_report_expect(ptesim_report *report, const char *violation);

#ifdef __cplusplus
}
#endif

#endif
