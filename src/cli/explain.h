/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_CLI_EXPLAIN_H
#define PTESIM_CLI_EXPLAIN_H

/*
 * `ptesim explain`: a scenario on one layout, command by command, with the
 * path each command took through the MMU and the kernel, every entry it
 * changed drawn before and after as a labelled bit map, the pagemap view
 * of those pages, what the referee found, and the run's result line.
 * explain_model.c turns what the runner hands over into what is shown;
 * explain_text.c and explain_html.c show it.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/render_common.h"
#include "ptesim/ptesim.h"
#include "scenario/run.h"

/* One box of a map: a field, or a run of alike bits, and its bits' values. */
struct explain_box {
	struct render_box box;
	uint64_t before, after;
	bool changed;
};

/* An entry drawn in one form: a value row for before, after, or both. */
struct explain_map {
	enum ptesim_form form;
	bool has_before, has_after;
	size_t n;
	struct explain_box box[RENDER_MAX_BOXES];
};

/* A field whose value changed; a field of only one entry's form is absent
 * from the other. */
struct explain_field {
	const struct ptesim_field *field;
	bool in_before, in_after;
	uint64_t before, after;
	bool soft_dirty_alias; /* the SW dirty bit that soft-dirty aliases here */
};

struct explain_entry {
	char page[64]; /* "p0 A[0]" */
	uint64_t before, after;
	struct ptesim_decoded db, da;
	size_t nmaps;
	struct explain_map map[2];
	size_t nfields;
	struct explain_field field[64];
	char meaning[320]; /* the predicates that changed: "dirty 1 -> 0, soft-dirty 1 -> 0" */
	char pagemap_before[160], pagemap_after[160];
};

/* A line of the path: a step of the MMU or a kernel function with the
 * calls it made, "madvise_free_pte_range: ptep_get_and_clear + pte_mkold" */
struct explain_path {
	enum kpath_kind kind;
	const char *name;
	unsigned count;
	const char *calls[24];
	size_t ncalls;
	bool more_calls; /* more than calls[] holds */
};

struct explain_step {
	unsigned line;
	char command[200];
	size_t npath;
	struct explain_path path[KPATH_MAX_STEPS];
	unsigned path_dropped;
	const char *observations; /* what the command printed, "" for nothing */
	size_t nentries;
	struct explain_entry *entries;
	char found[600]; /* what the referee found at this command, "" for nothing */
	bool failed;     /* found holds a failure (not n/a) */
};

/* Fills step from what the runner handed over; entries is malloc'd
 * (explain_step_free). found is what the result gained since *seen, which
 * is then updated. */
struct explain_seen {
	enum run_status status;
	size_t also_len;
};
int explain_step_build(const struct scn_program *p, const ptesim_layout *L, const struct run_step *rs,
		       const char *observations, struct explain_seen *seen, struct explain_step *step);
void explain_step_free(struct explain_step *step);

/* What a box or a field shows for a value: "1", "0x80005". */
void explain_value(unsigned width, uint64_t v, char *buf, size_t size);

struct explain_doc {
	FILE *out;
	const char *file;
	const ptesim_layout *L;
	bool color; /* text only */
};

void explain_text_begin(const struct explain_doc *d);
void explain_text_step(const struct explain_doc *d, const struct explain_step *s);
void explain_text_end(const struct explain_doc *d, const char *result, bool failed);

void explain_html_begin(const struct explain_doc *d);
void explain_html_step(const struct explain_doc *d, const struct explain_step *s);
void explain_html_end(const struct explain_doc *d, const char *result, bool failed);

#endif
