/* SPDX-License-Identifier: MIT */
/* `ptesim layout NAME`: the layout as box drawings and legends, for a terminal. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/render.h"
#include "cli/render_common.h"
#include "cli/render_special.h"

#define BITS_LEN 8    /* "63-32" and its NUL */
#define NOTES_LEN 320
#define SUMMARY_WIDTH 96 /* columns of the wrapped summary */

static void put_chars(FILE *out, char c, size_t n)
{
	while (n--)
		fputc(c, out);
}

/* s centred in width columns; the odd column goes to the right. */
static void put_centred(FILE *out, const char *s, size_t width)
{
	size_t len = strlen(s);
	size_t left = len < width ? (width - len) / 2 : 0;

	put_chars(out, ' ', left);
	fputs(s, out);
	put_chars(out, ' ', len + left < width ? width - len - left : 0);
}

static void put_padded(FILE *out, const char *s, size_t width)
{
	size_t len = strlen(s);

	fputs(s, out);
	put_chars(out, ' ', len < width ? width - len : 0);
}

static void print_header(FILE *out, const ptesim_layout *L)
{
	char features[128];

	render_feature_list(L, features, sizeof(features));
	fprintf(out, "%s\n", ptesim_layout_name(L));
	for (const char *s = ptesim_layout_summary(L); *s;) {
		size_t n = render_wrap(s, SUMMARY_WIDTH);

		fprintf(out, "  %.*s\n", (int)n, s);
		for (s += n; *s == ' '; s++)
			;
	}
	fprintf(out, "  arch %s, base %s, helpers %s, features: %s",
		render_arch_name(L),
		ptesim_layout_base(L), ptesim_layout_helpers(L), features);
	if (ptesim_layout_soft_dirty_aliases_dirty(L))
		fprintf(out, "; soft-dirty aliases %s", render_soft_dirty_alias_name(L));
	fputc('\n', out);
}

/* Inner width of a drawn box: its widest line plus a space each side. */
static size_t box_width(const struct render_box *b)
{
	char bits[BITS_LEN];
	size_t w;

	render_box_bits(b, bits, sizeof(bits));
	w = strlen(bits);
	if (strlen(render_box_tag(b)) > w)
		w = strlen(render_box_tag(b));
	return w + 2;
}

static void draw_border(FILE *out, const struct render_box *boxes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fputc('+', out);
		put_chars(out, '-', box_width(&boxes[i]));
	}
	fputs("+\n", out);
}

static void draw_row(FILE *out, const struct render_box *boxes, size_t n)
{
	char bits[BITS_LEN];

	draw_border(out, boxes, n);
	for (size_t i = 0; i < n; i++) {
		render_box_bits(&boxes[i], bits, sizeof(bits));
		fputc('|', out);
		put_centred(out, bits, box_width(&boxes[i]));
	}
	fputs("|\n", out);
	for (size_t i = 0; i < n; i++) {
		fputc('|', out);
		put_centred(out, render_box_tag(&boxes[i]), box_width(&boxes[i]));
	}
	fputs("|\n", out);
	draw_border(out, boxes, n);
}

/* Two rows, 63..32 over 31..0; the boxes were split at bit 32. */
static void draw_boxes(FILE *out, const struct render_box *boxes, size_t n)
{
	size_t upper = 0;

	while (upper < n && boxes[upper].lo >= 32)
		upper++;
	draw_row(out, boxes, upper);
	draw_row(out, boxes + upper, n - upper);
}

/* One legend line's cells, in column order. */
enum { COL_BITS, COL_NAME, COL_LINUX, COL_ORIGIN, COL_NOTES, NCOLS };

static void legend_cells(const ptesim_layout *L, enum ptesim_form form, const struct render_box *b,
			 char bits[BITS_LEN], char notes[NOTES_LEN], const char *cells[NCOLS])
{
	render_box_bits(b, bits, BITS_LEN);
	render_box_notes(L, form, b, notes, NOTES_LEN);
	cells[COL_BITS] = bits;
	cells[COL_NAME] = render_box_tag(b);
	cells[COL_LINUX] = b->part_name ? b->part_name : b->field ? b->field->linux_name : "-";
	cells[COL_ORIGIN] = render_box_origin(b)[0] ? render_box_origin(b) : "-";
	cells[COL_NOTES] = notes;
}

static void legend_line(FILE *out, const char *const cells[NCOLS], const size_t width[NCOLS])
{
	fputs("  ", out);
	for (int c = 0; c < COL_NOTES; c++) {
		put_padded(out, cells[c], width[c]);
		fputs("  ", out);
	}
	fprintf(out, "%s\n", cells[COL_NOTES]);
}

/* Every box, high bit first, one line each, in aligned columns. */
static void print_legend(FILE *out, const ptesim_layout *L, enum ptesim_form form,
			 const struct render_box *boxes, size_t n)
{
	static const char *const head[NCOLS] = { "bits", "field", "Linux name", "HW/SW", "notes" };
	size_t width[NCOLS];
	char bits[BITS_LEN], notes[NOTES_LEN];
	const char *cells[NCOLS];

	for (int c = 0; c < NCOLS; c++)
		width[c] = strlen(head[c]);
	for (size_t i = 0; i < n; i++) {
		legend_cells(L, form, &boxes[i], bits, notes, cells);
		for (int c = 0; c < NCOLS; c++)
			if (strlen(cells[c]) > width[c])
				width[c] = strlen(cells[c]);
	}
	legend_line(out, head, width);
	for (size_t i = 0; i < n; i++) {
		legend_cells(L, form, &boxes[i], bits, notes, cells);
		legend_line(out, cells, width);
	}
}

static void print_form(FILE *out, const ptesim_layout *L, enum ptesim_form form)
{
	struct render_box drawn[RENDER_MAX_BOXES], listed[RENDER_MAX_BOXES];
	size_t ndrawn = render_boxes(L, form, true, drawn);
	size_t nlisted = render_boxes(L, form, false, listed);
	char title[96];

	render_form_title(L, form, title, sizeof(title));
	fprintf(out, "\n%s\n", title);
	draw_boxes(out, drawn, ndrawn);
	fputc('\n', out);
	print_legend(out, L, form, listed, nlisted);
}

/* PTE markers and migration entries, drawn as the swap form is. */
static void print_specials(FILE *out, const ptesim_layout *L)
{
	struct render_special drawn, listed;

	for (int k = 0; k < RENDER_NSPECIAL; k++) {
		render_special(L, (enum render_special_kind)k, true, &drawn);
		render_special(L, (enum render_special_kind)k, false, &listed);
		fprintf(out, "\n%s\n", drawn.title);
		if (!drawn.n)
			continue;
		draw_boxes(out, drawn.boxes, drawn.n);
		fputc('\n', out);
		print_legend(out, L, PTESIM_FORM_SWAP, listed.boxes, listed.n);
	}
}

/* The fields a feature owns go by names ending in its key ("uffd-wp"). */
static void print_feature_bits(FILE *out, const ptesim_layout *L, const char *key)
{
	size_t klen = strlen(key);
	char bits[BITS_LEN];
	bool any = false;

	for (size_t i = 0; i < ptesim_layout_field_count(L); i++) {
		const struct ptesim_field *f = ptesim_layout_field(L, i);
		size_t len = strlen(f->name);
		struct render_box b = { .hi = f->lo + f->width - 1u, .lo = f->lo };

		if (len < klen || strcmp(f->name + len - klen, key))
			continue;
		render_box_bits(&b, bits, sizeof(bits));
		fprintf(out, "%s %s bit %s", any ? "," : ":", f->linux_name, bits);
		any = true;
	}
}

/* A layout with markers shows the uffd-wp marker, the one tied to a bit. */
static void print_marker(FILE *out, const ptesim_layout *L)
{
	char why[160];
	uint64_t entry;

	if (render_uffd_wp_marker(L, &entry, why, sizeof(why)))
		fprintf(out, ": uffd-wp marker 0x%016" PRIx64, entry);
	else
		fprintf(out, " (no uffd-wp marker: %s)", why);
}

static void print_feature(FILE *out, const ptesim_layout *L, enum ptesim_feature feat,
			  const char *key)
{
	bool has = ptesim_layout_has(L, feat);

	fprintf(out, "  %-14s %s", ptesim_feature_name(feat), has ? "yes" : "no");
	if (has && feat == PTESIM_FEAT_PTE_MARKERS)
		print_marker(out, L);
	if (has && feat == PTESIM_FEAT_SOFT_DIRTY && ptesim_layout_soft_dirty_aliases_dirty(L))
		fprintf(out, " (aliases %s)", render_soft_dirty_alias_name(L));
	if (has && key)
		print_feature_bits(out, L, key);
	fputc('\n', out);
}

/* Which non-present encodings the layout has, and the bits they use. */
static void print_encodings(FILE *out, const ptesim_layout *L)
{
	fputs("\nnon-present encodings\n", out);
	print_feature(out, L, PTESIM_FEAT_PTE_MARKERS, NULL);
	print_feature(out, L, PTESIM_FEAT_UFFD_WP, "uffd-wp");
	print_feature(out, L, PTESIM_FEAT_SOFT_DIRTY, "soft-dirty");
	print_feature(out, L, PTESIM_FEAT_SWP_EXCLUSIVE, "exclusive");
}

/* What the era-dependent helpers do with these bits, for the reader who
 * knows the kernel by its helpers. */
static void print_helpers(FILE *out, const ptesim_layout *L)
{
	const char *h;

	fprintf(out, "\nhelpers (%s)\n", ptesim_layout_helpers(L));
	for (size_t i = 0; (h = ptesim_helper_semantics_name(i)); i++) {
		char text[320];

		if (ptesim_helper_semantics(L, h, text, sizeof(text)) == 0)
			fprintf(out, "  %-22s %s\n", h, text);
	}
}

void render_layout_text(FILE *out, const ptesim_layout *L)
{
	print_header(out, L);
	for (size_t i = 0; i < PTESIM_FORM_COUNT; i++)
		print_form(out, L, render_forms[i]);
	print_specials(out, L);
	print_encodings(out, L);
	print_helpers(out, L);
}
