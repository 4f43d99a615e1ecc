/* SPDX-License-Identifier: MIT */
/*
 * `ptesim layout --format svg`: the three forms, then PTE markers and
 * migration entries, drawn as bit maps in SVG 1.1.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "cli/render_common.h"
#include "cli/render_special.h"

/* Geometry, in SVG user units (pixels at 100%). */
#define MARGIN 20
#define CELL_W 26                    /* one bit */
#define CELL_H 96                    /* tall enough for a rotated field name */
#define ROW_W (32 * CELL_W)
#define DOC_W (2 * MARGIN + ROW_W)
#define NAME_H 28                    /* the layout name atop the drawing */
#define LINE_H 16                    /* a line of header text */
#define WRAP_CHARS 110               /* header text per line, at 12px sans-serif */
#define BITNUM_H 14                  /* the bit numbers above a row */
#define ROW_GAP 10
#define FORM_TITLE_H 30
#define ROW_H (BITNUM_H + CELL_H + ROW_GAP)
#define FORM_H (FORM_TITLE_H + 2 * ROW_H)
#define LEGEND_H 40

/* Monospace glyphs are 0.6 em wide, which makes label fitting exact enough. */
#define MONO_ADVANCE 0.6
#define LABEL_MAX_PX 12.0
#define LABEL_MIN_PX 10.0 /* below this a narrow box turns its label instead */
#define MONO "DejaVu Sans Mono, Menlo, Consolas, monospace"
#define SANS "DejaVu Sans, Helvetica, Arial, sans-serif"

enum fill { FILL_HW, FILL_SW, FILL_ZERO, FILL_FREE, FILL_RESERVED, NFILLS };

static const struct {
	const char *colour;
	const char *meaning;
} fills[NFILLS] = {
	[FILL_HW] = { "#cfe2ff", "hardware field" },
	[FILL_SW] = { "#cdeccd", "software field" },
	[FILL_ZERO] = { "#f6cccc", "must be zero" },
	[FILL_FREE] = { "#fff0b8", "free for software" },
	[FILL_RESERVED] = { "#e2e2e2", "reserved by hardware" },
};

static enum fill box_fill(const struct render_box *b)
{
	switch (b->cls) {
	case PTESIM_BIT_FIELD:
		return b->field && b->field->origin == PTESIM_SW ? FILL_SW : FILL_HW;
	case PTESIM_BIT_ZERO:
		return FILL_ZERO;
	case PTESIM_BIT_FREE:
		return FILL_FREE;
	case PTESIM_BIT_RESERVED:
		break;
	}
	return FILL_RESERVED;
}


static void put_xml(FILE *out, const char *s)
{
	markup_put_n(out, s, strlen(s));
}

static size_t wrapped_lines(const char *s)
{
	size_t lines = 0;

	while (*s) {
		s += render_wrap(s, WRAP_CHARS);
		while (*s == ' ')
			s++;
		lines++;
	}
	return lines;
}

/* The summary, wrapped to the drawing's width; returns the y below it. */
static int draw_summary(FILE *out, const char *s, int y)
{
	while (*s) {
		size_t n = render_wrap(s, WRAP_CHARS);

		fprintf(out, "<text x=\"%d\" y=\"%d\">", MARGIN, y + 12);
		markup_put_n(out, s, n);
		fputs("</text>\n", out);
		y += LINE_H;
		for (s += n; *s == ' '; s++)
			;
	}
	return y;
}

static void draw_facts(FILE *out, const ptesim_layout *L, int y)
{
	char features[128];

	render_feature_list(L, features, sizeof(features));
	fprintf(out, "<text x=\"%d\" y=\"%d\" fill=\"#444\">arch %s, base ", MARGIN, y + 12,
		render_arch_name(L));
	put_xml(out, ptesim_layout_base(L));
	fputs(", helpers ", out);
	put_xml(out, ptesim_layout_helpers(L));
	fputs(", features: ", out);
	put_xml(out, features);
	if (ptesim_layout_soft_dirty_aliases_dirty(L)) {
		fputs("; soft-dirty aliases ", out);
		put_xml(out, render_soft_dirty_alias_name(L));
	}
	fputs("</text>\n", out);
}

/* The header: name, summary, and one line of facts; returns the y below it. */
static int draw_header(FILE *out, const ptesim_layout *L, int y)
{
	fprintf(out, "<text x=\"%d\" y=\"%d\" font-family=\"%s\" font-size=\"18\" "
		"font-weight=\"bold\">", MARGIN, y + 18, SANS);
	put_xml(out, ptesim_layout_name(L));
	fputs("</text>\n", out);
	fprintf(out, "<g font-family=\"%s\" font-size=\"12\">\n", SANS);
	y = draw_summary(out, ptesim_layout_summary(L), y + NAME_H);
	draw_facts(out, L, y);
	fputs("</g>\n", out);
	return y + LINE_H;
}

static double min2(double a, double b)
{
	return a < b ? a : b;
}

/*
 * A label centred in a w x h box at (x, y): horizontal when it fits at a
 * readable size, else turned -90 degrees along the box's height. SVG 1.1
 * has no vertical centring that librsvg honours, so the baseline is moved
 * down by about half the height of a lowercase glyph (0.35 em).
 */
static void draw_label(FILE *out, const char *s, double x, double y, double w, double h)
{
	double len = (double)strlen(s);
	double flat = min2(LABEL_MAX_PX, (w - 4) / (MONO_ADVANCE * len));
	double turned = min2(min2(LABEL_MAX_PX, (h - 8) / (MONO_ADVANCE * len)), w - 8);
	double cx = x + w / 2, cy = y + h / 2;

	if (flat >= LABEL_MIN_PX || flat >= turned) {
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.1f\" text-anchor=\"middle\">",
			cx, cy + flat * 0.35, flat);
	} else {
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.1f\" text-anchor=\"middle\" "
			"transform=\"rotate(-90 %.1f %.1f)\">", cx, cy + turned * 0.35, turned, cx, cy);
	}
	put_xml(out, s);
	fputs("</text>\n", out);
}

/*
 * A second, smaller line under a wide box's label: the field's Linux name
 * (and whether this form stores it inverted), or the reason of the bits.
 */
static void draw_subtitle(FILE *out, enum ptesim_form form, const struct render_box *b, double x,
			  double y, double w, double h)
{
	const struct ptesim_field *f = b->field;
	char s[96];

	const char *name = b->part_name ? b->part_name : f ? f->linux_name : b->label;

	if (f && (f->flags & PTESIM_FIELD_INVERTED) && form != PTESIM_FORM_PRESENT)
		snprintf(s, sizeof(s), "%s, inverted", name);
	else
		snprintf(s, sizeof(s), "%s", name);
	if ((double)strlen(s) * MONO_ADVANCE * 9.0 > w - 6)
		return;
	fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" text-anchor=\"middle\" "
		"fill=\"#555\">", x + w / 2, y + h / 2 + 20);
	put_xml(out, s);
	fputs("</text>\n", out);
}

/* Short marks on the bottom edge at each bit boundary inside a wide box. */
static void draw_ticks(FILE *out, const struct render_box *b, double x, int y)
{
	for (unsigned i = 1; i <= b->hi - b->lo; i++)
		fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\"/>\n",
			x + i * CELL_W, y + CELL_H - 5, x + i * CELL_W, y + CELL_H);
}

static void draw_box(FILE *out, const ptesim_layout *L, enum ptesim_form form,
		     const struct render_box *b, int y)
{
	double x = MARGIN + (31 - b->hi % 32) * CELL_W;
	double w = (b->hi - b->lo + 1) * CELL_W;
	char bits[8], notes[320];

	render_box_bits(b, bits, sizeof(bits));
	render_box_notes(L, form, b, notes, sizeof(notes));
	fputs("<g><title>", out);
	fprintf(out, "bits %s: ", bits);
	put_xml(out, b->part_name ? b->part_name : b->field ? b->field->linux_name : render_class_key(b->cls));
	fputs(" - ", out);
	put_xml(out, notes);
	fprintf(out, "</title>\n<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" "
		"stroke=\"#444\"/>\n", x, y, w, CELL_H, fills[box_fill(b)].colour);
	draw_ticks(out, b, x, y);
	draw_label(out, render_box_tag(b), x, y, w, CELL_H);
	if (b->hi != b->lo)
		draw_subtitle(out, form, b, x, y, w, CELL_H);
	fputs("</g>\n", out);
}

static void draw_bit_numbers(FILE *out, unsigned top, int y)
{
	fprintf(out, "<g font-family=\"%s\" font-size=\"9\" text-anchor=\"middle\" fill=\"#555\">\n",
		MONO);
	for (unsigned col = 0; col < 32; col++)
		fprintf(out, "<text x=\"%d\" y=\"%d\">%u</text>\n",
			MARGIN + (int)col * CELL_W + CELL_W / 2, y + BITNUM_H - 4, top - col);
	fputs("</g>\n", out);
}

/* Bits top..top-31 with the boxes among `boxes` that lie in them. */
static void draw_row(FILE *out, const ptesim_layout *L, enum ptesim_form form,
		     const struct render_box *boxes, size_t n, unsigned top, int y)
{
	draw_bit_numbers(out, top, y);
	fprintf(out, "<g font-family=\"%s\">\n", MONO);
	for (size_t i = 0; i < n; i++)
		if (boxes[i].hi <= top && boxes[i].lo + 31 >= top)
			draw_box(out, L, form, &boxes[i], y + BITNUM_H);
	fputs("</g>\n", out);
}

static int draw_title(FILE *out, const char *title, int y)
{
	fprintf(out, "<text x=\"%d\" y=\"%d\" font-family=\"%s\" font-size=\"14\" "
		"font-weight=\"bold\">", MARGIN, y + 20, SANS);
	put_xml(out, title);
	fputs("</text>\n", out);
	return y + FORM_TITLE_H;
}

/* A title and the two rows of boxes, or the title alone when there are none. */
static int draw_section(FILE *out, const ptesim_layout *L, enum ptesim_form form, const char *title,
			const struct render_box *boxes, size_t n, int y)
{
	y = draw_title(out, title, y);
	if (!n)
		return y;
	draw_row(out, L, form, boxes, n, 63, y);
	draw_row(out, L, form, boxes, n, 31, y + ROW_H);
	return y + 2 * ROW_H;
}

static int draw_form(FILE *out, const ptesim_layout *L, enum ptesim_form form, int y)
{
	struct render_box boxes[RENDER_MAX_BOXES];
	size_t n = render_boxes(L, form, true, boxes);
	char title[96];

	render_form_title(L, form, title, sizeof(title));
	return draw_section(out, L, form, title, boxes, n, y);
}

static void draw_legend(FILE *out, int y)
{
	int x = MARGIN;

	fprintf(out, "<g font-family=\"%s\" font-size=\"11\">\n", SANS);
	for (int i = 0; i < NFILLS; i++) {
		fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\" "
			"stroke=\"#444\"/>\n", x, y + 10, fills[i].colour);
		fprintf(out, "<text x=\"%d\" y=\"%d\">%s</text>\n", x + 20, y + 21, fills[i].meaning);
		x += 26 + (int)strlen(fills[i].meaning) * 7;
	}
	fputs("</g>\n", out);
}

void render_layout_svg(FILE *out, const ptesim_layout *L)
{
	struct render_special special[RENDER_NSPECIAL];
	int height = MARGIN + NAME_H + (int)(wrapped_lines(ptesim_layout_summary(L)) + 1) * LINE_H +
		     PTESIM_FORM_COUNT * FORM_H + LEGEND_H + MARGIN;
	int y = MARGIN;

	for (int k = 0; k < RENDER_NSPECIAL; k++)
		height += render_special(L, (enum render_special_kind)k, true, &special[k]) ? FORM_H
											: FORM_TITLE_H;
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\">\n", DOC_W, height, DOC_W, height);
	fputs("<title>", out);
	put_xml(out, ptesim_layout_name(L));
	fputs(" page-table entry layout</title>\n", out);
	fprintf(out, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", DOC_W, height);
	y = draw_header(out, L, y);
	for (size_t i = 0; i < PTESIM_FORM_COUNT; i++)
		y = draw_form(out, L, render_forms[i], y);
	for (int k = 0; k < RENDER_NSPECIAL; k++)
		y = draw_section(out, L, PTESIM_FORM_SWAP, special[k].title, special[k].boxes,
				 special[k].n, y);
	draw_legend(out, y);
	fputs("</svg>\n", out);
}
