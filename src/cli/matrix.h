/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_CLI_MATRIX_H
#define PTESIM_CLI_MATRIX_H

/*
 * ptesim matrix: every scenario on every layout. The command fills a
 * struct matrix (one row per file, one cell per layout) with the runner's
 * own results, then one renderer prints it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli/cli.h"
#include "scenario/run.h"

struct matrix_cell {
	struct run_result r;
	/* false: the file's layout line leaves the layout out; r is n/a */
	bool in_layout_line;
	/* the file's `expect-result` for the layout, or NULL */
	const struct scn_expect_result *declared;
	bool as_declared; /* scn_result_as_declared() */
};

struct matrix_row {
	char *file;  /* the path, as given or as found in a directory */
	char *name;  /* its base name without .pts, for the table */
	char *title; /* the first comment line, or the file's base name */
	struct scn_program *program;
	struct matrix_cell *cells; /* one per layout, in the layouts' order */
};

struct matrix {
	struct layout_list layouts;
	struct matrix_row *rows;
	size_t nrows, capacity;
	size_t differing; /* cells not as declared */
};

/* How a cell relates to the file's declaration. */
enum matrix_mark {
	MARK_NONE,     /* no declaration, and the result is pass or n/a */
	MARK_DECLARED, /* declared with expect-result, and as declared */
	MARK_DIFFERS,  /* not as declared (no declaration: a FAIL) */
};

/* The files: each argument a .pts file or a directory of them; none: the
 * installed library. Every file is parsed. 0 or EXIT_USAGE (said). */
int matrix_add_path(struct matrix *m, const char *path);
/* Runs every cell. */
void matrix_run(struct matrix *m);
void matrix_free(struct matrix *m);

enum matrix_mark matrix_cell_mark(const struct matrix_cell *c);
/* "pass", "n/a", "FAIL soft-dirty-lost", "FAIL expect" (a failed
 * expectation that is no invariant): the cell without its mark. */
void matrix_cell_word(const struct matrix_cell *c, char *buf, size_t size);
/* "fail soft-dirty-lost", "pass" or "none". */
void matrix_declared_text(const struct matrix_cell *c, char *buf, size_t size);
/* The failure list's line for a cell that failed or differs: `ptesim
 * run`'s result line after the file, with what was declared when it
 * differs. False for a cell with nothing to list. */
bool matrix_failure_line(const struct matrix *m, size_t row, size_t col, char *buf, size_t size);

/* "92 scenarios, 7 layouts, 644 cells: 644 as declared, 0 differing" */
void matrix_print_summary(const struct matrix *m, FILE *out);

void matrix_print_text(const struct matrix *m, FILE *out, bool colour);
void matrix_print_markdown(const struct matrix *m, FILE *out);
void matrix_print_json(const struct matrix *m, FILE *out);

#endif
