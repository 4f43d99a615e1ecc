/* SPDX-License-Identifier: MIT */
/* explain for a terminal: maps drawn in boxes, changes marked with ^ and,
 * when colour is on, in colour. */
#include <inttypes.h>
#include <string.h>

#include "cli/explain.h"

#define SUMMARY_WIDTH 96
#define LABEL_WIDTH 8 /* the row labels left of a map: "before", "changed" */

/* SGR sequences */
#define C_BOLD "1"
#define C_RED "31"
#define C_GREEN "32"
#define C_YELLOW "33"
#define C_MAGENTA "35"
#define C_CYAN "36"
#define C_BOLD_RED "1;31"
#define C_BOLD_GREEN "1;32"

static void color_on(const struct explain_doc *d, const char *sgr)
{
	if (d->color && sgr)
		fprintf(d->out, "\033[%sm", sgr);
}

static void color_off(const struct explain_doc *d, const char *sgr)
{
	if (d->color && sgr)
		fputs("\033[0m", d->out);
}

static void put_painted(const struct explain_doc *d, const char *sgr, const char *s)
{
	color_on(d, sgr);
	fputs(s, d->out);
	color_off(d, sgr);
}

static void put_chars(FILE *out, char c, size_t n)
{
	while (n--)
		fputc(c, out);
}

/* s centred in width columns, painted; the odd column goes right */
static void put_centred(const struct explain_doc *d, const char *sgr, const char *s, size_t width)
{
	size_t len = strlen(s), left = len < width ? (width - len) / 2 : 0;

	put_chars(d->out, ' ', left);
	put_painted(d, sgr, s);
	put_chars(d->out, ' ', len + left < width ? width - len - left : 0);
}

static void put_wrapped(FILE *out, const char *indent, const char *s)
{
	while (*s) {
		size_t n = render_wrap(s, SUMMARY_WIDTH);

		fprintf(out, "%s%.*s\n", indent, (int)n, s);
		for (s += n; *s == ' '; s++)
			;
	}
}

void explain_text_begin(const struct explain_doc *d)
{
	const ptesim_layout *L = d->L;

	color_on(d, C_BOLD);
	fprintf(d->out, "ptesim explain %s on %s", d->file, ptesim_layout_name(L));
	color_off(d, C_BOLD);
	fputc('\n', d->out);
	put_wrapped(d->out, "  ", ptesim_layout_summary(L));
	if (ptesim_layout_soft_dirty_aliases_dirty(L)) {
		const struct ptesim_field *f = ptesim_layout_field_for(L, "dirty");

		if (f)
			fprintf(d->out, "  soft-dirty has no bit of its own here: it is %s, bit %u\n", f->linux_name, f->lo);
	}
}

static void put_path(const struct explain_doc *d, const struct explain_step *s)
{
	if (!s->npath)
		return;
	fputs("  what ran:\n", d->out);
	for (size_t i = 0; i < s->npath; i++) {
		const struct explain_path *p = &s->path[i];

		fputs("    ", d->out);
		put_painted(d, p->kind == KPATH_HW ? C_MAGENTA : p->kind == KPATH_FUNCTION ? C_CYAN : NULL, p->name);
		if (p->count > 1)
			fprintf(d->out, " (x%u)", p->count);
		for (size_t c = 0; c < p->ncalls; c++)
			fprintf(d->out, "%s%s", c ? " + " : ": ", p->calls[c]);
		if (p->more_calls)
			fputs(" + ...", d->out);
		fputc('\n', d->out);
	}
	if (s->path_dropped)
		fprintf(d->out, "    (%u more steps not kept)\n", s->path_dropped);
}

static size_t box_width(const struct explain_map *m, const struct explain_box *x)
{
	char bits[8], v[24];
	size_t w;

	render_box_bits(&x->box, bits, sizeof(bits));
	w = strlen(bits);
	if (strlen(render_box_tag(&x->box)) > w)
		w = strlen(render_box_tag(&x->box));
	explain_value(x->box.hi - x->box.lo + 1, x->before, v, sizeof(v));
	if (m->has_before && strlen(v) > w)
		w = strlen(v);
	explain_value(x->box.hi - x->box.lo + 1, x->after, v, sizeof(v));
	if (m->has_after && strlen(v) > w)
		w = strlen(v);
	return w + 2;
}

static void put_border(const struct explain_doc *d, const struct explain_map *m, size_t from, size_t to)
{
	fprintf(d->out, "    %*s ", LABEL_WIDTH, "");
	for (size_t i = from; i < to; i++) {
		fputc('+', d->out);
		put_chars(d->out, '-', box_width(m, &m->box[i]));
	}
	fputs("+\n", d->out);
}

enum row { ROW_BITS, ROW_FIELD, ROW_BEFORE, ROW_AFTER };

static void put_row(const struct explain_doc *d, const struct explain_map *m, size_t from, size_t to, enum row row)
{
	static const char *const label[] = { "bits", "field", "before", "after" };

	fprintf(d->out, "    %*s ", LABEL_WIDTH, label[row]);
	for (size_t i = from; i < to; i++) {
		const struct explain_box *x = &m->box[i];
		char text[24];
		const char *sgr = NULL;

		if (row == ROW_BITS) {
			render_box_bits(&x->box, text, sizeof(text));
		} else if (row == ROW_FIELD) {
			snprintf(text, sizeof(text), "%s", render_box_tag(&x->box));
			sgr = x->changed ? C_YELLOW : NULL;
		} else {
			explain_value(x->box.hi - x->box.lo + 1, row == ROW_BEFORE ? x->before : x->after, text,
				      sizeof(text));
			sgr = x->changed ? (row == ROW_BEFORE ? C_RED : C_GREEN) : NULL;
		}
		fputc('|', d->out);
		put_centred(d, sgr, text, box_width(m, x));
	}
	fputs("|\n", d->out);
}

/* ^ under every box that changed */
static void put_marks(const struct explain_doc *d, const struct explain_map *m, size_t from, size_t to)
{
	size_t end = from;

	for (size_t i = from; i < to; i++)
		if (m->box[i].changed)
			end = i + 1;
	if (end == from)
		return;
	fprintf(d->out, "    %*s ", LABEL_WIDTH, "changed");
	for (size_t i = from; i < end; i++) {
		fputc(' ', d->out);
		color_on(d, m->box[i].changed ? C_YELLOW : NULL);
		put_chars(d->out, m->box[i].changed ? '^' : ' ', box_width(m, &m->box[i]));
		color_off(d, m->box[i].changed ? C_YELLOW : NULL);
	}
	fputc('\n', d->out);
}

/* Two rows of boxes, 63..32 over 31..0, as `ptesim layout` draws them */
static void put_map(const struct explain_doc *d, const struct explain_map *m)
{
	char title[96];
	size_t upper = 0;

	render_form_title(d->L, m->form, title, sizeof(title));
	fprintf(d->out, "    %s\n", title);
	while (upper < m->n && m->box[upper].box.lo >= 32)
		upper++;
	for (int half = 0; half < 2; half++) {
		size_t from = half ? upper : 0, to = half ? m->n : upper;

		put_border(d, m, from, to);
		put_row(d, m, from, to, ROW_BITS);
		put_row(d, m, from, to, ROW_FIELD);
		put_border(d, m, from, to);
		if (m->has_before)
			put_row(d, m, from, to, ROW_BEFORE);
		if (m->has_after)
			put_row(d, m, from, to, ROW_AFTER);
		put_border(d, m, from, to);
		put_marks(d, m, from, to);
	}
}

static void put_fields(const struct explain_doc *d, const struct explain_entry *e)
{
	int name_width = 0, linux_width = 0;

	if (!e->nfields)
		return;
	for (size_t i = 0; i < e->nfields; i++) {
		const struct ptesim_field *f = e->field[i].field;

		if ((int)strlen(f->name) > name_width)
			name_width = (int)strlen(f->name);
		if ((int)strlen(f->linux_name) > linux_width)
			linux_width = (int)strlen(f->linux_name);
	}
	fputs("    fields changed:\n", d->out);
	for (size_t i = 0; i < e->nfields; i++) {
		const struct explain_field *x = &e->field[i];
		const struct ptesim_field *f = x->field;
		struct render_box b = { .hi = f->lo + f->width - 1u, .lo = f->lo };
		char bits[8], vb[24] = "-", va[24] = "-", where[16];

		render_box_bits(&b, bits, sizeof(bits));
		snprintf(where, sizeof(where), "%s %s", f->width == 1 ? "bit" : "bits", bits);
		if (x->in_before)
			explain_value(f->width, x->before, vb, sizeof(vb));
		if (x->in_after)
			explain_value(f->width, x->after, va, sizeof(va));
		fprintf(d->out, "      %-10s ", where);
		put_painted(d, C_YELLOW, f->name);
		fprintf(d->out, "%*s  %-*s  %s -> %s", name_width - (int)strlen(f->name), "", linux_width, f->linux_name,
			vb, va);
		if (x->soft_dirty_alias)
			fputs("  (= soft-dirty on this layout)", d->out);
		fputc('\n', d->out);
	}
}

static void put_entry(const struct explain_doc *d, const struct explain_entry *e)
{
	fprintf(d->out, "  %s: 0x%016" PRIx64 " -> 0x%016" PRIx64 "\n", e->page, e->before, e->after);
	if (e->before == e->after) {
		fputs("    entry unchanged; its pagemap view changed\n", d->out);
	} else {
		fprintf(d->out, "    before: %s\n    after:  %s\n", e->db.summary, e->da.summary);
		for (size_t i = 0; i < e->nmaps; i++)
			put_map(d, &e->map[i]);
		put_fields(d, e);
		if (e->meaning[0])
			fprintf(d->out, "    meaning: %s\n", e->meaning);
	}
	if (strcmp(e->pagemap_before, e->pagemap_after)) {
		fprintf(d->out, "    pagemap before: %s\n    pagemap after:  ", e->pagemap_before);
		put_painted(d, C_BOLD, e->pagemap_after);
		fputc('\n', d->out);
	} else {
		fprintf(d->out, "    pagemap: %s (unchanged)\n", e->pagemap_after);
	}
}

void explain_text_step(const struct explain_doc *d, const struct explain_step *s)
{
	char head[240];

	snprintf(head, sizeof(head), "line %u: %s", s->line, s->command);
	fputc('\n', d->out);
	put_painted(d, C_BOLD, head);
	fputc('\n', d->out);
	put_path(d, s);
	if (s->observations[0]) {
		const char *o = s->observations;

		fputs("  printed:\n", d->out);
		while (*o) {
			size_t n = strcspn(o, "\n");

			fprintf(d->out, "    %.*s\n", (int)n, o);
			o += n + (o[n] == '\n');
		}
	}
	if (!s->nentries)
		fputs("  no entry changed\n", d->out);
	for (size_t i = 0; i < s->nentries; i++)
		put_entry(d, &s->entries[i]);
	if (s->found[0]) {
		fputs("  found: ", d->out);
		put_painted(d, s->failed ? C_BOLD_RED : NULL, s->found);
		fputc('\n', d->out);
	}
}

void explain_text_end(const struct explain_doc *d, const char *result, bool failed)
{
	fputs("\nresult:\n  ", d->out);
	put_painted(d, failed ? C_BOLD_RED : C_BOLD_GREEN, result);
	fputc('\n', d->out);
}
