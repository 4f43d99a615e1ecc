/* SPDX-License-Identifier: MIT */
/* The matrix as a GitHub-flavoured table, then the failure list. */
#include <string.h>

#include "cli/matrix.h"

/* `ptesim run`'s lines hold `*`, `_` and `[`: a code span keeps them. */
static void code_span(FILE *out, const char *s)
{
	fprintf(out, "`%s`", s);
}

void matrix_print_markdown(const struct matrix *m, FILE *out)
{
	int nl = m->layouts.n;
	size_t listed = 0;

	fputs("| scenario |", out);
	for (int j = 0; j < nl; j++)
		fprintf(out, " %s |", ptesim_layout_name(m->layouts.items[j]));
	fputs("\n|---|", out);
	for (int j = 0; j < nl; j++)
		fputs("---|", out);
	fputc('\n', out);
	for (size_t i = 0; i < m->nrows; i++) {
		fputs("| ", out);
		code_span(out, m->rows[i].name);
		fputs(" |", out);
		for (int j = 0; j < nl; j++) {
			const struct matrix_cell *c = &m->rows[i].cells[j];
			char word[96];

			matrix_cell_word(c, word, sizeof(word));
			switch (matrix_cell_mark(c)) {
			case MARK_NONE:
				fprintf(out, " %s |", word);
				break;
			case MARK_DECLARED:
				fprintf(out, " %s (expected) |", word);
				break;
			case MARK_DIFFERS:
				fprintf(out, " **%s (not as declared)** |", word);
				break;
			}
		}
		fputc('\n', out);
	}
	for (size_t i = 0; i < m->nrows; i++)
		for (int j = 0; j < nl; j++) {
			char line[2048];

			if (!matrix_failure_line(m, i, (size_t)j, line, sizeof(line)))
				continue;
			if (!listed++)
				fputs("\n", out);
			fputs(matrix_cell_mark(&m->rows[i].cells[j]) == MARK_DIFFERS ? "- **not as declared**: " : "- ",
			      out);
			code_span(out, line);
			fputc('\n', out);
		}
	fputc('\n', out);
	matrix_print_summary(m, out);
}
