/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_LIVE_LIVE_CTL_H
#define PTESIM_LIVE_LIVE_CTL_H

/* The controller of a live run: its state (live_run.c sets it up and tears
 * it down) and the execution of one command (live_exec.c). */

#include <sys/types.h>
#include <time.h>

#include "live/live.h"
#include "live/live_internal.h"

/* A write that waits on a uffd-wp fault, by process and writer slot. */
struct ctl_writer {
	unsigned line; /* the write's; 0: the slot is free */
};

struct controller {
	const struct scn_program *p;
	const struct live_options *opt;
	struct run_result *r;
	const struct scn_command *cmd; /* the command running */
	struct live_space space;
	int *object_fd;       /* [object]: its descriptor, the same number in every
			       * scenario process (p0 inherits it, its children from it) */
	bool objects_held;    /* this process still has them open */
	int *sock;            /* [process]: the controller's end, -1 for no process */
	pid_t pgid;           /* p0's pid, the process group of every scenario process; 0: none */
	struct timespec deadline;
	unsigned timeout_s;
	uint64_t fresh;       /* the last value a write without one stored */
	uint64_t zero_pfn;    /* the shared zero page's PFN; 0: unknown (not needed, or
			       * pagemap shows no PFN to this process) */
	int swap_lock;        /* live_swap_lock(), -1 when the run cannot swap */
	struct live_swap swap; /* a swap file enabled for the run */
	struct ctl_writer *writers; /* [process * LIVE_WRITERS + slot] */
};

/* FAIL at the current command with DETAIL, as the simulator words it; the
 * first failure wins. */
void ctl_fail(struct controller *ctl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The run is n/a from the current command on, with REASON; the first
 * result other than a pass wins. */
void ctl_na(struct controller *ctl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Send rq (with fd, -1 for none) to process proc and wait for its reply;
 * false after making the run FAIL when there was none in time or the
 * worker could not do its part. */
bool ctl_call(struct controller *ctl, uint32_t proc, const struct live_request *rq, int fd,
	      struct live_reply *rp);
/* The same, with the descriptor the reply carries in *got (-1: none). */
bool ctl_call_fd(struct controller *ctl, uint32_t proc, const struct live_request *rq, int fd,
		 struct live_reply *rp, int *got);

/* Why a wait on a worker failed, for a FAIL detail. */
void ctl_fail_wait(struct controller *ctl, uint32_t proc, int rc);

/* Run the current command on the kernel and check what it expects. */
void live_exec(struct controller *ctl);

#endif
