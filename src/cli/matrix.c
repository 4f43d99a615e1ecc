/* SPDX-License-Identifier: MIT */
/* The matrix's cells: the runner's result for each file and layout. */
#include <stdlib.h>
#include <string.h>

#include "cli/matrix.h"

/*
 * The file's layout line decides where it runs, as for `ptesim run`
 * without --layout: a file written for some layouts states what holds on
 * those. A layout loaded from a file stands in for the built-in it is
 * based on, so a proposal runs every scenario its parent runs.
 */
static bool in_layout_line(const struct scn_program *p, const ptesim_layout *L)
{
	const char *name = ptesim_layout_name(L);
	const char *base = ptesim_layout_find(name) == L ? NULL : ptesim_layout_base(L);

	if (p->header.all_layouts || !p->header.nlayouts)
		return true;
	for (size_t i = 0; i < p->header.nlayouts; i++)
		if (!strcmp(p->header.layouts[i], name) || (base && !strcmp(p->header.layouts[i], base)))
			return true;
	return false;
}

/* Each run has a simulation of its own and writes nothing but its result
 * (no observations, no trace); the whole library takes some tens of
 * milliseconds, so they run one after the other. */
void matrix_run(struct matrix *m)
{
	const struct run_options quiet = { .observe = NULL, .trace = NULL, .prefix = NULL };

	m->differing = 0;
	for (size_t i = 0; i < m->nrows; i++) {
		struct matrix_row *row = &m->rows[i];

		row->cells = calloc((size_t)m->layouts.n, sizeof(*row->cells));
		if (!row->cells) {
			fprintf(stderr, "ptesim: matrix: out of memory\n");
			exit(EXIT_USAGE);
		}
		for (int j = 0; j < m->layouts.n; j++) {
			const ptesim_layout *L = m->layouts.items[j];
			struct matrix_cell *c = &row->cells[j];

			c->in_layout_line = in_layout_line(row->program, L);
			if (c->in_layout_line) {
				scn_run(row->program, L, &quiet, &c->r);
			} else {
				c->r.status = RUN_NA;
				snprintf(c->r.detail, sizeof(c->r.detail), "not in the file's layout line");
			}
			c->declared = scn_declared_result(row->program, L);
			c->as_declared = scn_result_as_declared(row->program, L, &c->r);
			if (!c->as_declared)
				m->differing++;
		}
	}
}

enum matrix_mark matrix_cell_mark(const struct matrix_cell *c)
{
	if (!c->as_declared)
		return MARK_DIFFERS;
	return c->declared ? MARK_DECLARED : MARK_NONE;
}

void matrix_cell_word(const struct matrix_cell *c, char *buf, size_t size)
{
	const char *violation = c->r.violation;

	switch (c->r.status) {
	case RUN_PASS:
		snprintf(buf, size, "pass");
		return;
	case RUN_NA:
		snprintf(buf, size, "n/a");
		return;
	case RUN_FAIL:
		break;
	}
	/* A declared violation that was found is the one the cell names,
	 * though another may have come first. */
	if (c->as_declared && c->declared && c->declared->fail)
		violation = scn_violation_name(c->declared->violation);
	snprintf(buf, size, "FAIL %s", violation ? violation : "expect");
}

void matrix_declared_text(const struct matrix_cell *c, char *buf, size_t size)
{
	if (!c->declared)
		snprintf(buf, size, "none");
	else if (c->declared->fail)
		snprintf(buf, size, "fail %s", scn_violation_name(c->declared->violation));
	else
		snprintf(buf, size, "pass");
}

bool matrix_failure_line(const struct matrix *m, size_t row, size_t col, char *buf, size_t size)
{
	const struct matrix_row *rw = &m->rows[row];
	const struct matrix_cell *c = &rw->cells[col];
	const ptesim_layout *L = m->layouts.items[col];
	char line[1400], declared[64];
	size_t len;

	if (c->r.status != RUN_FAIL && c->as_declared)
		return false;
	scn_result_line(rw->program, L, &c->r, line, sizeof(line));
	len = (size_t)snprintf(buf, size, "%s: %s", rw->file, line);
	if (!c->as_declared && len < size) {
		matrix_declared_text(c, declared, sizeof(declared));
		snprintf(buf + len, size - len, " (declared: %s)", declared);
	}
	return true;
}

void matrix_print_summary(const struct matrix *m, FILE *out)
{
	size_t cells = m->nrows * (size_t)m->layouts.n;

	fprintf(out, "%zu scenario%s, %d layout%s, %zu cell%s: %zu as declared, %zu differing\n", m->nrows,
		m->nrows == 1 ? "" : "s", m->layouts.n, m->layouts.n == 1 ? "" : "s", cells, cells == 1 ? "" : "s",
		cells - m->differing, m->differing);
}
