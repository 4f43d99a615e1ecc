/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_SCENARIO_RUN_INTERNAL_H
#define PTESIM_SCENARIO_RUN_INTERNAL_H

/* The runner's state, shared by the files that carry out commands. */

#include <stdbool.h>
#include <stdint.h>

#include "check/model.h"
#include "mm/machine_copy.h"
#include "mm/mm.h"
#include "scenario/run.h"

/* where a region of a process lives */
struct region_map {
	uint64_t va, npages;
	bool mapped;
	bool shared, anon;
	uint32_t model_object;
	uint8_t *track;  /* per page: TRACK_* (run_dirty.c) */
	uint64_t *image; /* per page: the CRIU image, NULL before the first dump */
};

/* What the referee remembers of a page, apart from the machine */
enum track_flag {
	TRACK_WRITTEN = 1u << 0,    /* written by this process since its last soft-dirty clear */
	TRACK_LAZYFREE = 1u << 1,   /* MADV_FREE'd, not written since */
	TRACK_REWRITTEN = 1u << 2,  /* written after MADV_FREE: must not be discarded */
	TRACK_PROTECTED = 1u << 3,  /* write-protected by this process's uffd wp */
	TRACK_ASYNC_WRITTEN = 1u << 4, /* written under WP_ASYNC since its protection */
};

/* a backing object as the model and the machine number it */
struct object_pair {
	uint32_t model, machine;
};

struct runner {
	const struct scn_program *p;
	const struct ptesim_layout *L;
	const struct run_options *opt;
	struct machine m;
	struct model *mo;
	int *pid;                 /* scenario process -> machine pid, -1: none */
	struct region_map *rmap;  /* [process * nregions + region] */
	uint32_t *machine_object; /* scenario object -> machine object, UINT32_MAX: none yet */
	uint32_t next_model_object;
	uint64_t *slot;           /* region -> where it is mapped */
	uint64_t fresh;
	struct run_result *r;
	const struct scn_command *cmd;
	bool stopped;             /* a failure the run cannot go on from */
	bool *dumped;             /* process -> a `criu dump` has run in it */
	bool *uffd_async;         /* process -> its uffd was opened with WP_ASYNC */
	struct object_pair *objects;
	size_t nobjects;
	/* the explorer's runs: any outcome of an access or a system call is
	 * taken, and recorded for the counterexample it may print */
	bool any_outcome;
	enum scn_outcome last_outcome;
	int last_errno;
};

/* The runner's life cycle and steps, for scn_run and the explorer. */
int runner_init(struct runner *rn, const struct scn_program *p, const ptesim_layout *L,
		const struct run_options *opt, struct run_result *r);
void runner_destroy(struct runner *rn);
void do_command(struct runner *rn);
void check_invariants(struct runner *rn);
/* "requires soft-dirty" and the like when L cannot run p, else NULL */
const char *requirement_missing(const struct scn_program *p, const ptesim_layout *L);
/* dst (runner_init'ed with the same program and layout) becomes a copy of
 * src with its own result; 0 or -ENOMEM (run_copy.c) */
int runner_copy(struct runner *dst, const struct runner *src, const struct table_copy_hint *hint);

struct region_map *region_of(struct runner *rn, uint32_t proc, uint32_t region);
/* page_namer: "p1 A[2]" */
void name_page(void *ctx, int pid, uint64_t va, char *buf, size_t size);
/* The first failure ends the run, unless it is a violation the run can go
 * on from; violation NULL for a failed expectation. */
void set_fail(struct runner *rn, const char *violation, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void set_na(struct runner *rn, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void observe(struct runner *rn, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A system call's result against the scenario's `-> ERRNO`. */
bool syscall_as_expected(struct runner *rn, const char *what, int rc);
uint64_t page_va(struct runner *rn, uint32_t proc, uint32_t region, uint64_t page);
uint64_t entry_at(struct runner *rn, int pid, uint64_t va);
void range_span(struct runner *rn, uint32_t proc, uint64_t *va, uint64_t *len);

/* Dirty tracking, reclaim, migration, CRIU and their invariants (run_dirty.c) */
int track_map(struct runner *rn, uint32_t proc, uint32_t region, uint64_t npages);
int track_fork(struct runner *rn, uint32_t parent, uint32_t child);
void track_write(struct runner *rn, uint32_t proc, uint32_t region, uint64_t page);
/* munmap, MADV_DONTNEED, exit: what the pages held is gone */
void track_forget(struct runner *rn, uint32_t proc, uint32_t region, uint64_t first, uint64_t count);
int track_object(struct runner *rn, uint32_t model, uint32_t machine);
void track_free(struct runner *rn);
void do_clear_refs(struct runner *rn, uint32_t proc, int pid);
void do_madvise_lru(struct runner *rn, uint32_t proc, int pid);
void do_reclaim(struct runner *rn, uint32_t proc, int pid);
void do_migrate(struct runner *rn, uint32_t proc, int pid);
void do_criu_dump(struct runner *rn, uint32_t proc, int pid);
/* soft-dirty-lost, lazyfree-data-loss, dirty-data-loss */
void check_tracking(struct runner *rn);

/* userfaultfd (run_uffd.c) */
void do_uffd(struct runner *rn, uint32_t proc, int pid);
void do_expect_event(struct runner *rn, uint32_t proc, int pid);
void track_uffd_write(struct runner *rn, uint32_t proc, int pid, uint32_t region, uint64_t page);
void track_scan_protect(struct runner *rn, uint32_t proc, int pid, uint32_t region, uint64_t first, uint64_t end);
void check_uffd_page(struct runner *rn, uint32_t proc, int pid, uint32_t region, uint64_t page, uint64_t pm);

/* PAGEMAP_SCAN (run_scan.c) */
void do_scan(struct runner *rn, uint32_t proc, int pid, bool expect);

/* --trace and explain (run_trace.c) */
struct snapshot {
	uint64_t *v;      /* the entries, region after region */
	uint8_t *pm;      /* their pagemap keys (SCN_PM_*), or NULL when not taken */
	size_t *offset;   /* [process * nregions + region]: where its pages start */
	uint64_t *npages; /* the region's pages when taken */
};
bool snapshot_take(struct runner *rn, struct snapshot *s, bool with_pagemap);
void snapshot_free(struct snapshot *s);
/* The pages whose entry (or pagemap keys, where both snapshots have them)
 * differ, into a new array *out; how many, or -1 without memory. */
long snapshot_changes(struct runner *rn, const struct snapshot *before, const struct snapshot *after,
		      struct run_change **out);
void trace_diff(struct runner *rn, const struct run_change *changes, size_t n);

#endif
