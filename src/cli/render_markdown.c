/* SPDX-License-Identifier: MIT */
/* `ptesim layout --format markdown`: the layout as a page of Markdown tables. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/render.h"
#include "cli/render_common.h"
#include "cli/render_special.h"

/* A name as code: backticks keep underscores literal without escaping. */
static void put_code(FILE *out, const char *s)
{
	if (!*s || strchr(s, '`') || strchr(s, '|'))
		render_put_md(out, s);
	else
		fprintf(out, "`%s`", s);
}

static void print_header(FILE *out, const ptesim_layout *L)
{
	char features[128];
	uint64_t marker;

	render_feature_list(L, features, sizeof(features));
	fputs("# ", out);
	render_put_md(out, ptesim_layout_name(L));
	fputs("\n\n", out);
	render_put_md(out, ptesim_layout_summary(L));
	fputs("\n\n", out);
	fprintf(out, "- arch: %s\n", render_arch_name(L));
	fputs("- base: ", out);
	put_code(out, ptesim_layout_base(L));
	fputs("\n- helpers: ", out);
	put_code(out, ptesim_layout_helpers(L));
	fprintf(out, "\n- features: %s\n", features);
	if (ptesim_layout_soft_dirty_aliases_dirty(L)) {
		fputs("- soft-dirty aliases ", out);
		put_code(out, render_soft_dirty_alias_name(L));
		fputc('\n', out);
	}
	if (render_uffd_wp_marker(L, &marker, NULL, 0))
		fprintf(out, "- uffd-wp PTE marker: `0x%016" PRIx64 "`\n", marker);
}

static void print_row(FILE *out, const ptesim_layout *L, enum ptesim_form form,
		      const struct render_box *b)
{
	char bits[8], notes[320];

	render_box_bits(b, bits, sizeof(bits));
	render_box_notes(L, form, b, notes, sizeof(notes));
	fprintf(out, "| %s | ", bits);
	if (b->part) {
		/* A part of a field in a marker or migration entry */
		put_code(out, b->part);
		fputs(" | ", out);
		if (b->part_name)
			put_code(out, b->part_name);
		fprintf(out, " | %s | ", render_box_origin(b));
	} else if (b->field) {
		put_code(out, b->field->name);
		fputs(" | ", out);
		put_code(out, b->field->linux_name);
		fprintf(out, " | %s | ", render_box_origin(b));
	} else {
		/* Not a field: say what the bits are instead of a name. */
		fprintf(out, "*%s* |  |  | ", render_class_key(b->cls));
	}
	render_put_md(out, notes);
	fputs(" |\n", out);
}

/* A heading and a table of the boxes, high bit first, as in the text drawing. */
static void print_table(FILE *out, const ptesim_layout *L, enum ptesim_form form, const char *title,
			const struct render_box *boxes, size_t n)
{
	fputs("\n## ", out);
	render_put_md(out, title);
	fputs("\n", out);
	if (!n)
		return;
	fputs("\n| bits | field | Linux name | origin | notes |\n", out);
	fputs("|---:|---|---|---|---|\n", out);
	for (size_t i = 0; i < n; i++)
		print_row(out, L, form, &boxes[i]);
}

static void print_form(FILE *out, const ptesim_layout *L, enum ptesim_form form)
{
	struct render_box boxes[RENDER_MAX_BOXES];
	size_t n = render_boxes(L, form, false, boxes);
	char title[96];

	render_form_title(L, form, title, sizeof(title));
	print_table(out, L, form, title, boxes, n);
}

/* PTE markers and migration entries: the swap form with its type and offset spelt out. */
static void print_specials(FILE *out, const ptesim_layout *L)
{
	struct render_special special;

	for (int k = 0; k < RENDER_NSPECIAL; k++) {
		render_special(L, (enum render_special_kind)k, false, &special);
		print_table(out, L, PTESIM_FORM_SWAP, special.title, special.boxes, special.n);
	}
}

static void print_helpers(FILE *out, const ptesim_layout *L)
{
	const char *h;

	fprintf(out, "\n## Helpers (%s)\n\n| helper | what it does here |\n|---|---|\n",
		ptesim_layout_helpers(L));
	for (size_t i = 0; (h = ptesim_helper_semantics_name(i)); i++) {
		char text[320];

		if (ptesim_helper_semantics(L, h, text, sizeof(text)))
			continue;
		fputs("| ", out);
		put_code(out, h);
		fputs(" | ", out);
		render_put_md(out, text);
		fputs(" |\n", out);
	}
}

void render_layout_markdown(FILE *out, const ptesim_layout *L)
{
	print_header(out, L);
	for (size_t i = 0; i < PTESIM_FORM_COUNT; i++)
		print_form(out, L, render_forms[i]);
	print_specials(out, L);
	print_helpers(out, L);
}
