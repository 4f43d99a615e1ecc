/* SPDX-License-Identifier: MIT */
/*
 * `ptesim layouts --format markdown`: the layouts side by side, one column
 * each, one row per field. Fields are matched by what they mean to the
 * helpers (their role), as `ptesim diff` matches them, so PTE_UFFD_WP and
 * _PAGE_UFFD_WP share a row.
 */
#include <stdio.h>
#include <string.h>

#include "cli/render.h"
#include "cli/render_common.h"

#define MAX_ROWS 96
#define NAMES_LEN 160

struct row {
	unsigned role;
	const struct ptesim_field *first; /* the first layout's field: its forms head the row */
	char names[NAMES_LEN], linux_names[NAMES_LEN];
};

/* Each name of a " / "-separated list as code, so underscores stay literal. */
static void put_names(FILE *out, const char *list)
{
	while (*list) {
		const char *end = strstr(list, " / ");
		size_t len = end ? (size_t)(end - list) : strlen(list);

		if (memchr(list, '`', len) || memchr(list, '|', len)) {
			for (size_t i = 0; i < len; i++) {
				if (strchr("\\`*_|<>[]#&", list[i]))
					fputc('\\', out);
				fputc(list[i], out);
			}
		} else {
			fprintf(out, "`%.*s`", (int)len, list);
		}
		if (!end)
			break;
		fputs(" / ", out);
		list = end + 3;
	}
}

/* Adds word to the " / "-separated list unless it is there already. */
static void add_name(char *list, size_t len, const char *word)
{
	const char *p = list;
	size_t wl = strlen(word);

	while ((p = strstr(p, word))) {
		bool starts = p == list || p[-1] == ' ';
		bool ends = p[wl] == 0 || p[wl] == ' ';

		if (starts && ends)
			return;
		p += wl;
	}
	render_append(list, len, "%s%s", list[0] ? " / " : "", word);
}

static const char *forms_text(unsigned forms)
{
	switch (forms & (PTESIM_FORMS_PRESENT | PTESIM_FORMS_INVALID | PTESIM_FORMS_SWAP)) {
	case PTESIM_FORMS_PRESENT | PTESIM_FORMS_INVALID:
		return "present, invalid";
	case PTESIM_FORMS_PRESENT:
		return "present";
	case PTESIM_FORMS_INVALID:
		return "invalid";
	case PTESIM_FORMS_SWAP:
		return "swap";
	default:
		return "mixed";
	}
}

static const struct ptesim_field *by_role(const ptesim_layout *L, unsigned role)
{
	for (size_t i = 0; i < ptesim_layout_field_count(L); i++)
		if (ptesim_layout_field(L, i)->role == role)
			return ptesim_layout_field(L, i);
	return NULL;
}

/* The rows, present-form fields before swap-form ones, each group in role order. */
static size_t collect_rows(const ptesim_layout *const *layouts, size_t n, struct row *rows)
{
	size_t nrows = 0;

	for (size_t l = 0; l < n; l++) {
		for (size_t i = 0; i < ptesim_layout_field_count(layouts[l]); i++) {
			const struct ptesim_field *f = ptesim_layout_field(layouts[l], i);
			size_t r = 0;

			while (r < nrows && rows[r].role != f->role)
				r++;
			if (r == nrows) {
				if (nrows == MAX_ROWS)
					continue;
				rows[nrows++] = (struct row){ .role = f->role, .first = f };
			}
			add_name(rows[r].names, NAMES_LEN, f->name);
			add_name(rows[r].linux_names, NAMES_LEN, f->linux_name);
		}
	}
	/* insertion sort: swap rows last, then by role */
	for (size_t i = 1; i < nrows; i++) {
		struct row cur = rows[i];
		bool cur_swap = cur.first->forms == PTESIM_FORMS_SWAP;
		size_t j = i;

		for (; j > 0; j--) {
			bool prev_swap = rows[j - 1].first->forms == PTESIM_FORMS_SWAP;

			if (prev_swap < cur_swap || (prev_swap == cur_swap && rows[j - 1].role <= cur.role))
				break;
			rows[j] = rows[j - 1];
		}
		rows[j] = cur;
	}
	return nrows;
}

static void print_bits(FILE *out, const struct ptesim_field *f)
{
	if (f->width == 1)
		fprintf(out, "%u", f->lo);
	else
		fprintf(out, "%u-%u", f->lo + f->width - 1u, f->lo);
}

/* The cell of one layout: its bits, and how it differs from the row's first field. */
static void print_cell(FILE *out, const ptesim_layout *L, const struct row *row, unsigned sd_role)
{
	const struct ptesim_field *f = by_role(L, row->role);

	fputs(" | ", out);
	if (!f && row->role == sd_role && ptesim_layout_soft_dirty_aliases_dirty(L)) {
		f = ptesim_layout_field_for(L, "soft-dirty");
		if (f) {
			print_bits(out, f);
			fputs(" (aliases ", out);
			put_names(out, f->linux_name);
			fputc(')', out);
			return;
		}
	}
	if (!f) {
		fputc('-', out);
		return;
	}
	print_bits(out, f);
	if (f->forms != row->first->forms)
		fprintf(out, " (%s)", forms_text(f->forms));
	if (f->flags & PTESIM_FIELD_PMD_ONLY)
		fputs(" (pmd only)", out);
}

static void print_fields(FILE *out, const ptesim_layout *const *layouts, size_t n)
{
	struct row rows[MAX_ROWS];
	size_t nrows = collect_rows(layouts, n, rows);
	unsigned sd_role = 0;

	/* the row of a soft-dirty bit of its own, for the layouts that alias it */
	for (size_t l = 0; l < n && !sd_role; l++)
		if (!ptesim_layout_soft_dirty_aliases_dirty(layouts[l]) &&
		    ptesim_layout_field_for(layouts[l], "soft-dirty"))
			sd_role = ptesim_layout_field_for(layouts[l], "soft-dirty")->role;
	fputs("\n## Fields\n\n| field | Linux name | forms |", out);
	for (size_t l = 0; l < n; l++) {
		fputc(' ', out);
		render_put_md(out, ptesim_layout_name(layouts[l]));
		fputs(" |", out);
	}
	fputs("\n|---|---|---|", out);
	for (size_t l = 0; l < n; l++)
		fputs("---:|", out);
	fputc('\n', out);
	for (size_t r = 0; r < nrows; r++) {
		fputs("| ", out);
		put_names(out, rows[r].names);
		fputs(" | ", out);
		put_names(out, rows[r].linux_names);
		fprintf(out, " | %s", forms_text(rows[r].first->forms));
		for (size_t l = 0; l < n; l++)
			print_cell(out, layouts[l], &rows[r], sd_role);
		fputs(" |\n", out);
	}
}

static void print_list(FILE *out, const ptesim_layout *const *layouts, size_t n)
{
	char features[128];

	fputs("## Layouts\n\n| layout | arch | base | features | what it is |\n|---|---|---|---|---|\n", out);
	for (size_t l = 0; l < n; l++) {
		const ptesim_layout *L = layouts[l];

		render_feature_list(L, features, sizeof(features));
		fputs("| ", out);
		render_put_md(out, ptesim_layout_name(L));
		fputs(" | ", out);
		render_put_md(out, render_arch_name(L));
		fputs(" | ", out);
		render_put_md(out, ptesim_layout_base(L));
		fprintf(out, " | %s | ", features);
		render_put_md(out, ptesim_layout_summary(L));
		fputs(" |\n", out);
	}
}

void render_layouts_markdown(FILE *out, const ptesim_layout *const *layouts, size_t n)
{
	print_list(out, layouts, n);
	print_fields(out, layouts, n);
}
