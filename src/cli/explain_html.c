/* SPDX-License-Identifier: MIT */
/* explain as one self-contained HTML page: inline CSS, no script, nothing
 * fetched; every piece of text escaped. */
#include <inttypes.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/explain.h"

static const char css[] =
	"body{font-family:system-ui,sans-serif;margin:2em auto;max-width:80em;color:#222;line-height:1.4}"
	"code,td,th,.path,.printed,.pagemap{font-family:ui-monospace,monospace}"
	"h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em;border-bottom:1px solid #ccc}"
	"h3{font-size:1em;font-weight:normal;margin:1em 0 .3em}"
	".path{margin:.3em 0;padding-left:1.5em}.path .hw{color:#8a2be2}.path .fn{color:#006d77}"
	"table.map{border-collapse:collapse;margin:.3em 0 .6em}"
	"table.map th{text-align:right;padding:0 .5em;font-weight:normal;color:#666}"
	"table.map td{border:1px solid #999;padding:.1em .4em;text-align:center}"
	"table.map tr.bits td{color:#666;font-size:.85em}"
	"table.map td.changed{background:#fff3b0;font-weight:bold}"
	"table.map tr.before td.changed{color:#b00020}table.map tr.after td.changed{color:#006400}"
	"table.fields td,table.fields th{padding:.1em .6em;text-align:left}"
	"table.fields th{font-weight:normal;color:#666}"
	".found{color:#b00020;font-weight:bold}.na{color:#666}"
	".result{font-weight:bold}.pass{color:#006400}.fail{color:#b00020}"
	".caption{color:#666;margin:.6em 0 0}";


/* <tag class="cls">text</tag> */
static void put_element(FILE *out, const char *tag, const char *cls, const char *text)
{
	fprintf(out, "<%s", tag);
	if (cls)
		fprintf(out, " class=\"%s\"", cls);
	fputc('>', out);
	markup_put(out, text);
	fprintf(out, "</%s>", tag);
}

void explain_html_begin(const struct explain_doc *d)
{
	const ptesim_layout *L = d->L;
	FILE *out = d->out;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>ptesim explain ", out);
	markup_put(out, d->file);
	fputs(" on ", out);
	markup_put(out, ptesim_layout_name(L));
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>ptesim explain <code>", css);
	markup_put(out, d->file);
	fputs("</code> on <code>", out);
	markup_put(out, ptesim_layout_name(L));
	fputs("</code></h1>\n", out);
	put_element(out, "p", NULL, ptesim_layout_summary(L));
	fputc('\n', out);
	if (ptesim_layout_soft_dirty_aliases_dirty(L)) {
		const struct ptesim_field *f = ptesim_layout_field_for(L, "dirty");
		char text[160];

		if (f) {
			snprintf(text, sizeof(text), "soft-dirty has no bit of its own here: it is %s, bit %u",
				 f->linux_name, f->lo);
			put_element(out, "p", NULL, text);
			fputc('\n', out);
		}
	}
}

static void put_path(const struct explain_doc *d, const struct explain_step *s)
{
	FILE *out = d->out;

	if (!s->npath)
		return;
	fputs("<p class=\"caption\">what ran:</p>\n<ol class=\"path\">\n", out);
	for (size_t i = 0; i < s->npath; i++) {
		const struct explain_path *p = &s->path[i];

		fputs("<li>", out);
		put_element(out, "span", p->kind == KPATH_HW ? "hw" : p->kind == KPATH_FUNCTION ? "fn" : NULL, p->name);
		if (p->count > 1)
			fprintf(out, " (x%u)", p->count);
		for (size_t c = 0; c < p->ncalls; c++) {
			fputs(c ? " + " : ": ", out);
			markup_put(out, p->calls[c]);
		}
		if (p->more_calls)
			fputs(" + ...", out);
		fputs("</li>\n", out);
	}
	if (s->path_dropped)
		fprintf(out, "<li>(%u more steps not kept)</li>\n", s->path_dropped);
	fputs("</ol>\n", out);
}

/* one half of a map (63..32 or 31..0) as a table */
static void put_map_half(const struct explain_doc *d, const struct explain_map *m, size_t from, size_t to)
{
	FILE *out = d->out;
	char text[24];

	fputs("<table class=\"map\">\n<tr class=\"bits\"><th>bits</th>", out);
	for (size_t i = from; i < to; i++) {
		render_box_bits(&m->box[i].box, text, sizeof(text));
		put_element(out, "td", NULL, text);
	}
	fputs("</tr>\n<tr class=\"names\"><th>field</th>", out);
	for (size_t i = from; i < to; i++) {
		const struct render_box *b = &m->box[i].box;

		fputs(m->box[i].changed ? "<td class=\"changed\"" : "<td", out);
		if (b->field) {
			fputs(" title=\"", out);
			markup_put(out, b->field->linux_name);
			fputc('"', out);
		}
		fputc('>', out);
		markup_put(out, render_box_tag(b));
		fputs("</td>", out);
	}
	fputs("</tr>\n", out);
	for (int row = 0; row < 2; row++) {
		if (!(row ? m->has_after : m->has_before))
			continue;
		fprintf(out, "<tr class=\"%s\"><th>%s</th>", row ? "after" : "before", row ? "after" : "before");
		for (size_t i = from; i < to; i++) {
			const struct explain_box *x = &m->box[i];

			explain_value(x->box.hi - x->box.lo + 1, row ? x->after : x->before, text, sizeof(text));
			put_element(out, "td", x->changed ? "changed" : NULL, text);
		}
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
}

static void put_map(const struct explain_doc *d, const struct explain_map *m)
{
	char title[96];
	size_t upper = 0;

	render_form_title(d->L, m->form, title, sizeof(title));
	put_element(d->out, "p", "caption", title);
	fputc('\n', d->out);
	while (upper < m->n && m->box[upper].box.lo >= 32)
		upper++;
	put_map_half(d, m, 0, upper);
	put_map_half(d, m, upper, m->n);
}

static void put_fields(const struct explain_doc *d, const struct explain_entry *e)
{
	FILE *out = d->out;

	if (!e->nfields)
		return;
	fputs("<p class=\"caption\">fields changed:</p>\n<table class=\"fields\">\n<tr><th>bits</th><th>field</th><th>Linux name</th><th>before</th>"
	      "<th>after</th><th></th></tr>\n",
	      out);
	for (size_t i = 0; i < e->nfields; i++) {
		const struct explain_field *x = &e->field[i];
		const struct ptesim_field *f = x->field;
		struct render_box b = { .hi = f->lo + f->width - 1u, .lo = f->lo };
		char bits[8], vb[24] = "-", va[24] = "-";

		render_box_bits(&b, bits, sizeof(bits));
		if (x->in_before)
			explain_value(f->width, x->before, vb, sizeof(vb));
		if (x->in_after)
			explain_value(f->width, x->after, va, sizeof(va));
		fputs("<tr>", out);
		put_element(out, "td", NULL, bits);
		put_element(out, "td", NULL, f->name);
		put_element(out, "td", NULL, f->linux_name);
		put_element(out, "td", NULL, vb);
		put_element(out, "td", NULL, va);
		put_element(out, "td", NULL, x->soft_dirty_alias ? "= soft-dirty on this layout" : "");
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
}

static void put_entry(const struct explain_doc *d, const struct explain_entry *e)
{
	FILE *out = d->out;
	char text[200];

	fputs("<div class=\"entry\">\n<h3>", out);
	snprintf(text, sizeof(text), "%s: 0x%016" PRIx64 " -> 0x%016" PRIx64, e->page, e->before, e->after);
	put_element(out, "code", NULL, text);
	fputs("</h3>\n", out);
	if (e->before == e->after) {
		put_element(out, "p", NULL, "entry unchanged; its pagemap view changed");
		fputc('\n', out);
	} else {
		fputs("<p>before: ", out);
		put_element(out, "code", NULL, e->db.summary);
		fputs("<br>after: ", out);
		put_element(out, "code", NULL, e->da.summary);
		fputs("</p>\n", out);
		for (size_t i = 0; i < e->nmaps; i++)
			put_map(d, &e->map[i]);
		put_fields(d, e);
		if (e->meaning[0]) {
			fputs("<p>meaning: ", out);
			markup_put(out, e->meaning);
			fputs("</p>\n", out);
		}
	}
	if (strcmp(e->pagemap_before, e->pagemap_after)) {
		fputs("<p class=\"pagemap\">pagemap before: ", out);
		markup_put(out, e->pagemap_before);
		fputs("<br>pagemap after: <b>", out);
		markup_put(out, e->pagemap_after);
		fputs("</b></p>\n", out);
	} else {
		fputs("<p class=\"pagemap\">pagemap: ", out);
		markup_put(out, e->pagemap_after);
		fputs(" (unchanged)</p>\n", out);
	}
	fputs("</div>\n", out);
}

void explain_html_step(const struct explain_doc *d, const struct explain_step *s)
{
	FILE *out = d->out;

	fprintf(out, "<section id=\"line-%u\">\n<h2>line %u: <code>", s->line, s->line);
	markup_put(out, s->command);
	fputs("</code></h2>\n", out);
	put_path(d, s);
	if (s->observations[0]) {
		fputs("<p class=\"caption\">printed:</p>\n<pre class=\"printed\">", out);
		markup_put(out, s->observations);
		fputs("</pre>\n", out);
	}
	if (!s->nentries) {
		put_element(out, "p", NULL, "no entry changed");
		fputc('\n', out);
	}
	for (size_t i = 0; i < s->nentries; i++)
		put_entry(d, &s->entries[i]);
	if (s->found[0]) {
		fputs("<p>found: ", out);
		put_element(out, "span", s->failed ? "found" : "na", s->found);
		fputs("</p>\n", out);
	}
	fputs("</section>\n", out);
}

void explain_html_end(const struct explain_doc *d, const char *result, bool failed)
{
	FILE *out = d->out;

	fputs("<section id=\"result\">\n<h2>result</h2>\n<p class=\"result\">", out);
	put_element(out, "span", failed ? "fail" : "pass", result);
	fputs("</p>\n</section>\n</body>\n</html>\n", out);
}
