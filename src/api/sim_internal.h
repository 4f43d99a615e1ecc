/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_API_SIM_INTERNAL_H
#define PTESIM_API_SIM_INTERNAL_H

/*
 * The simulation behind include/ptesim/sim.h: a machine of the mm layer,
 * the current process, and the referee's own record of what the calls
 * did (regions, the memory model, per-page tracking), kept apart from the
 * machine so that the checks do not take the machine's word for what they
 * check. Each public call is thin: it names itself (api_begin), calls the
 * mm layer, tells the referee what happened, and ends with api_end, which
 * keeps the error message and runs the invariants.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/model.h"
#include "mm/mm_internal.h"
#include "ptesim/report.h"
#include "ptesim/sim.h"

/* What the referee remembers of a page: the scenario runner's record
 * (src/scenario/run_internal.h), for pages named by address. */
enum ref_flag {
	REF_WRITTEN = 1u << 0,       /* written since the process's last soft-dirty clear */
	REF_LAZYFREE = 1u << 1,      /* MADV_FREE'd, not written since */
	REF_REWRITTEN = 1u << 2,     /* written after MADV_FREE: must not be discarded */
	REF_PROTECTED = 1u << 3,     /* write-protected by this process's uffd wp */
	REF_ASYNC_WRITTEN = 1u << 4, /* written under WP_ASYNC since its protection */
};

/* One mapping made by ptesim_sim_mmap() in a process (a forked child
 * inherits its parent's under the same id). Addresses are never reused
 * within a process, so an address names at most one region. */
struct ref_region {
	uint64_t va, npages;
	int id;          /* the memory model's region number */
	bool shared, anon;
	uint32_t object; /* shared or file memory: its object, numbered alike in machine and model */
	uint8_t *track;  /* per page: REF_* */
};

struct ref_proc {
	struct ref_region *regions;
	size_t n, cap;
	bool uffd_async; /* its userfaultfd was opened with WP_ASYNC */
};

struct ptesim_sim {
	struct machine m;
	int pid;         /* the current process */
	unsigned flags;  /* PTESIM_SIM_* */
	struct model *mo;
	struct ref_proc *procs; /* by pid, as many as m.nprocs */
	size_t nprocs;
	int next_region;
	char op[160];    /* the call running, for messages: "munmap(0x..., 0x1000) in p0" */
	char error[400]; /* ptesim_sim_error() */
	/* the referee's verdict: the first violation and the later ones */
	ptesim_report verdict;
	unsigned found;  /* 1 << index of every violation name reported */
	bool broken;     /* pte-encoding or refcount: nothing checked after means anything */
};

/* Names the call (printf format) for messages; -ESRCH when the current
 * process has exited (with the message set), else 0. */
int api_begin(ptesim_sim *sim, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Names the call without requiring a live current process. */
void api_name(ptesim_sim *sim, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Ends a call that changed the machine: a negative rc sets the error
 * message (why, or the errno's text when NULL); then the invariants run
 * unless the simulation checks on demand. Returns rc. */
int api_end(ptesim_sim *sim, int rc, const char *why);
/* Ends a call with a failure found before the machine was touched. */
int api_fail(ptesim_sim *sim, int rc, const char *why);
/* "r--", "rw-", "r-x" */
const char *api_prot_name(unsigned prot, char buf[4]);

/* The referee (referee.c) */
int ref_proc_add(ptesim_sim *sim, int pid);
void ref_proc_free(struct ref_proc *p);
/* The region of pid that covers va, NULL when none. */
struct ref_region *ref_region_of(ptesim_sim *sim, int pid, uint64_t va, uint64_t *page);
int ref_map(ptesim_sim *sim, int pid, uint64_t va, uint64_t npages, bool shared, bool anon, uint32_t object);
int ref_fork(ptesim_sim *sim, int parent, int child);
void ref_exit(ptesim_sim *sim, int pid);
/* What a call did to each page of [va, va + len) that a region covers */
enum ref_event {
	REF_EV_UNMAP,    /* munmap */
	REF_EV_DONTNEED, /* MADV_DONTNEED: the data is gone */
	REF_EV_FREE,     /* MADV_FREE */
	REF_EV_UNREGISTER,
};
void ref_range(ptesim_sim *sim, int pid, uint64_t va, uint64_t len, enum ref_event ev);
void ref_soft_dirty_cleared(ptesim_sim *sim, int pid);
/* A store that completed (value stored; kernel: a write fault that keeps
 * the data, as for read(2) into the page) */
void ref_write(ptesim_sim *sim, int pid, uint64_t va, uint64_t value, bool keeps_data);
/* A load that completed: checked against the memory model. */
void ref_read(ptesim_sim *sim, int pid, uint64_t va, uint64_t value);
void ref_uffd_opened(ptesim_sim *sim, int pid, unsigned features);
/* UFFDIO_WRITEPROTECT over a range (or WP_MATCHING's protection when
 * matching: the pages pagemap now reports uffd-wp) */
void ref_protect(ptesim_sim *sim, int pid, uint64_t va, uint64_t len, bool wp);
void ref_scan_protected(ptesim_sim *sim, int pid, uint64_t va, uint64_t end);
/* writes an unprotect woke that completed */
void ref_take_completed(ptesim_sim *sim, int pid);
/* Every invariant now; violations go to the verdict. */
void ref_check(ptesim_sim *sim);
/* A violation found: the first becomes the verdict, each later name is
 * added to its message once. */
void ref_violation(ptesim_sim *sim, const char *name, const char *page, const char *reason);
/* page_namer: "p0 0x7effffffe000" */
void ref_name_page(void *ctx, int pid, uint64_t va, char *buf, size_t size);

#endif
