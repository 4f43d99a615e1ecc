/* SPDX-License-Identifier: MIT */
/*
 * The matrix as an aligned table for a terminal: a layout's name wraps at
 * its dashes so a column is no wider than its widest cell needs, and a
 * long scenario name is shortened in the middle, so the built-in layouts
 * fit in about 110 columns.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/matrix.h"

#define TABLE_WIDTH 110 /* what the table aims at */
#define NAME_MIN 24     /* a scenario name is never cut shorter */
#define GAP 2
#define HEADER_LINES 8

struct column {
	int width;
	int nlines;
	char lines[HEADER_LINES][64];
};

static const char *const mark_suffix[] = { [MARK_NONE] = "", [MARK_DECLARED] = "*", [MARK_DIFFERS] = "!" };

static void cell_text(const struct matrix_cell *c, char *buf, size_t size)
{
	char word[96];

	matrix_cell_word(c, word, sizeof(word));
	snprintf(buf, size, "%s%s", word, mark_suffix[matrix_cell_mark(c)]);
}

static const char *cell_colour(const struct matrix_cell *c)
{
	if (matrix_cell_mark(c) == MARK_DIFFERS)
		return "\033[1;31m";
	if (c->r.status == RUN_FAIL)
		return "\033[33m";
	return c->r.status == RUN_PASS ? "\033[32m" : "\033[2m";
}

/* The longest piece of NAME between dashes, each piece keeping its dash. */
static int longest_piece(const char *name)
{
	int best = 0;

	while (*name) {
		const char *dash = strchr(name, '-');
		int len = dash ? (int)(dash - name) + 1 : (int)strlen(name);

		if (len > best)
			best = len;
		name += len;
	}
	return best;
}

/* Packs the pieces of NAME greedily into lines no wider than the column. */
static void wrap_header(struct column *col, const char *name)
{
	col->nlines = 0;
	while (*name && col->nlines < HEADER_LINES) {
		char *line = col->lines[col->nlines++];
		int used = 0;

		line[0] = 0;
		while (*name) {
			const char *dash = strchr(name, '-');
			int len = dash ? (int)(dash - name) + 1 : (int)strlen(name);

			/* the last line takes what is left */
			if (used && used + len > col->width && col->nlines < HEADER_LINES)
				break;
			if (used + len >= (int)sizeof(col->lines[0]) && used)
				break;
			if (used + len >= (int)sizeof(col->lines[0]))
				len = (int)sizeof(col->lines[0]) - 1 - used;
			memcpy(line + used, name, (size_t)len);
			used += len;
			line[used] = 0;
			name += len;
		}
	}
}

/* "mprotect-rw-after-fork-stays-protected" in 24: "mprotect-rw-aft..rotected" */
static void shorten(const char *name, int width, char *buf, size_t size)
{
	int len = (int)strlen(name);
	int tail = (width - 2) / 3, head = width - 2 - tail;

	if (len <= width)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "%.*s..%s", head, name, name + len - tail);
}

static void pad(FILE *out, int n)
{
	for (; n > 0; n--)
		fputc(' ', out);
}

static void print_legend(FILE *out)
{
	fputs("* the result the file declares with expect-result   ! not the declared result (undeclared: pass, n/a)\n"
	      "FAIL VIOLATION: an invariant broke   FAIL expect: an expectation of the file failed\n"
	      "n/a: the layout lacks what the file requires, or the file's layout line leaves it out\n",
	      out);
}

void matrix_print_text(const struct matrix *m, FILE *out, bool colour)
{
	int nl = m->layouts.n, name_width = 8, used = 0, nlines = 1;
	struct column *cols = calloc((size_t)(nl ? nl : 1), sizeof(*cols));
	char text[128];

	if (!cols)
		return;
	for (int j = 0; j < nl; j++) {
		cols[j].width = longest_piece(ptesim_layout_name(m->layouts.items[j]));
		for (size_t i = 0; i < m->nrows; i++) {
			cell_text(&m->rows[i].cells[j], text, sizeof(text));
			if ((int)strlen(text) > cols[j].width)
				cols[j].width = (int)strlen(text);
		}
		wrap_header(&cols[j], ptesim_layout_name(m->layouts.items[j]));
		if (cols[j].nlines > nlines)
			nlines = cols[j].nlines;
		used += GAP + cols[j].width;
	}
	for (size_t i = 0; i < m->nrows; i++)
		if ((int)strlen(m->rows[i].name) > name_width)
			name_width = (int)strlen(m->rows[i].name);
	if (name_width > TABLE_WIDTH - used)
		name_width = TABLE_WIDTH - used > NAME_MIN ? TABLE_WIDTH - used : NAME_MIN;

	/* headers, bottom-aligned over the rule, without trailing blanks */
	for (int k = 0; k < nlines; k++) {
		char line[4096];
		int len = snprintf(line, sizeof(line), "%-*s", name_width, k == nlines - 1 ? "scenario" : "");

		for (int j = 0; j < nl && len < (int)sizeof(line); j++) {
			int first = nlines - cols[j].nlines;
			const char *h = k >= first ? cols[j].lines[k - first] : "";

			len += snprintf(line + len, sizeof(line) - (size_t)len, "%*s%-*s", GAP, "", cols[j].width, h);
		}
		if (len >= (int)sizeof(line))
			len = (int)sizeof(line) - 1;
		while (len && line[len - 1] == ' ')
			len--;
		fprintf(out, "%.*s\n", len, line);
	}
	for (int k = 0; k < name_width; k++)
		fputc('-', out);
	for (int j = 0; j < nl; j++) {
		pad(out, GAP);
		for (int k = 0; k < cols[j].width; k++)
			fputc('-', out);
	}
	fputc('\n', out);

	for (size_t i = 0; i < m->nrows; i++) {
		char name[128];

		shorten(m->rows[i].name, name_width, name, sizeof(name));
		fprintf(out, "%-*s", name_width, name);
		for (int j = 0; j < nl; j++) {
			const struct matrix_cell *c = &m->rows[i].cells[j];

			cell_text(c, text, sizeof(text));
			pad(out, GAP);
			if (colour)
				fprintf(out, "%s%s\033[0m", cell_colour(c), text);
			else
				fputs(text, out);
			if (j < nl - 1)
				pad(out, cols[j].width - (int)strlen(text));
		}
		fputc('\n', out);
	}
	free(cols);

	fputc('\n', out);
	print_legend(out);
	size_t nfail = 0;

	for (size_t i = 0; i < m->nrows; i++)
		for (int j = 0; j < nl; j++) {
			char line[2048];

			if (!matrix_failure_line(m, i, (size_t)j, line, sizeof(line)))
				continue;
			if (!nfail++)
				fputs("\nfailures and results not as declared:\n", out);
			if (matrix_cell_mark(&m->rows[i].cells[j]) != MARK_DIFFERS)
				fprintf(out, "* %s\n", line);
			else
				fprintf(out, "%s! %s%s\n", colour ? "\033[1;31m" : "", line, colour ? "\033[0m" : "");
		}
	fputc('\n', out);
	matrix_print_summary(m, out);
}
