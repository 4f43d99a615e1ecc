/* SPDX-License-Identifier: MIT */
/* The matrix as one JSON object (docs/matrix.md gives its keys). */
#include <string.h>

#include "cli/json_out.h"
#include "cli/matrix.h"

static const char *const status_names[] = { [RUN_PASS] = "pass", [RUN_FAIL] = "fail", [RUN_NA] = "n/a" };

/* Every violation found: the first, then the others in the language's order. */
static void print_violations(FILE *out, const struct run_result *r)
{
	int n = 0;

	fputc('[', out);
	if (r->status == RUN_FAIL && r->violation) {
		json_string(out, r->violation);
		n++;
	}
	for (int v = 0; r->status == RUN_FAIL && v < SCN_V_COUNT; v++) {
		const char *name = scn_violation_name((enum scn_violation)v);

		if (!(r->violations & (1u << v)) || (r->violation && !strcmp(name, r->violation)))
			continue;
		fputs(n++ ? ", " : "", out);
		json_string(out, name);
	}
	fputc(']', out);
}

static void print_cell(FILE *out, const struct matrix_cell *c)
{
	struct json j;
	char declared[64];

	json_begin(&j, out);
	json_str(&j, "result", status_names[c->r.status]);
	json_key(&j, "violations");
	print_violations(out, &c->r);
	if (c->r.status == RUN_FAIL) {
		json_u64(&j, "line", c->r.line);
		json_str(&j, "command", c->r.command);
	} else {
		json_null(&j, "line");
		json_null(&j, "command");
	}
	if (c->r.status == RUN_PASS)
		json_null(&j, "detail");
	else
		json_str(&j, "detail", c->r.detail);
	matrix_declared_text(c, declared, sizeof(declared));
	json_str(&j, "declared", declared);
	json_bool(&j, "as_declared", c->as_declared);
	fputc('}', out);
}

void matrix_print_json(const struct matrix *m, FILE *out)
{
	struct json top;

	json_begin(&top, out);
	json_key(&top, "layouts");
	fputc('[', out);
	for (int j = 0; j < m->layouts.n; j++) {
		fputs(j ? ", " : "", out);
		json_string(out, ptesim_layout_name(m->layouts.items[j]));
	}
	fputc(']', out);
	json_key(&top, "scenarios");
	fputs("[\n", out);
	for (size_t i = 0; i < m->nrows; i++) {
		struct json row, cells;

		json_begin(&row, out);
		json_str(&row, "file", m->rows[i].file);
		json_str(&row, "title", m->rows[i].title);
		json_key(&row, "cells");
		json_begin(&cells, out);
		for (int j = 0; j < m->layouts.n; j++) {
			json_key(&cells, ptesim_layout_name(m->layouts.items[j]));
			print_cell(out, &m->rows[i].cells[j]);
		}
		fputs("}}", out);
		fputs(i + 1 < m->nrows ? ",\n" : "\n", out);
	}
	fputc(']', out);
	json_u64(&top, "cells", m->nrows * (size_t)m->layouts.n);
	json_u64(&top, "differing", m->differing);
	json_end(&top);
}
