/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_LIVE_LIVE_H
#define PTESIM_LIVE_LIVE_H

/*
 * Running a scenario on the kernel of this machine instead of the
 * simulator: every scenario process is a real process, every region a real
 * mapping, and the observations are read from /proc/self/pagemap. The
 * output has the simulator's format, so the two can be compared line by
 * line; the result is the one of the simulator's result lines with the
 * name "kernel".
 *
 * Needs Linux with 4 KiB pages; pagemap's PFN bits need root, its flag
 * bits (all that is printed) do not.
 */

#include <stdio.h>

#include "scenario/program.h"
#include "scenario/run.h"

#define LIVE_DEFAULT_TIMEOUT 30u /* seconds, for a whole scenario */

struct live_options {
	FILE *observe;      /* where pagemap lines go; NULL: nowhere */
	FILE *notes;        /* where the runner says what it changed on the machine for
			     * the run ("kernel: swap file ... enabled for this run");
			     * NULL: nowhere */
	unsigned timeout_s; /* 0: LIVE_DEFAULT_TIMEOUT */
};

/*
 * Run p on the kernel. The result has the simulator's meaning: RUN_PASS,
 * RUN_FAIL with the line, command and detail of the first expectation the
 * kernel did not meet (violation is always NULL: there are no invariants
 * to check on a real kernel), or RUN_NA with the reason when the scenario
 * asks for something this kernel cannot do or this runner does not do
 * yet: decided before anything runs, except for a reclaim of a page that
 * is mapped more than once (MADV_PAGEOUT, the kernel's nearest call, would
 * leave it), which stops the run there, after the observations so far.
 *
 * A scenario that may swap (reclaim or madvise pageout of pages that can
 * go to swap, or `requires swap`), with its header's `swap on`, on a
 * kernel with no swap enabled, gets a swap file for the run when the
 * caller is root (said on opt->notes), and is n/a otherwise; one with
 * `swap off` that may swap is n/a on a kernel with swap enabled. Runs
 * that may swap take turns (on the machine, in its network namespace),
 * so that none of them sees another's swap file come or go (the wait
 * counts in the time limit).
 *
 * Every process, backing file and swap file it creates is gone when it
 * returns, on every path, including the time limit; a swap file also when
 * the caller dies during the run. While it runs, the calling process
 * is a child subreaper, so that scenario processes whose parent exits are
 * still reaped here, and its SIGCHLD has the default action; both are
 * restored afterwards. The caller must not wait for children of its own
 * meanwhile (waitpid(-1, ...) in another thread would reap them).
 */
void live_run(const struct scn_program *p, const struct live_options *opt, struct run_result *r);

/* "kernel: pass", "kernel: FAIL at line N (TEXT): DETAIL", "kernel: n/a (REASON)" */
void live_result_line(const struct run_result *r, char *buf, size_t size);

#endif
