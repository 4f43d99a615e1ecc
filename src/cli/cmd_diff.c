/* SPDX-License-Identifier: MIT */
/*
 * ptesim diff A B: what moved between two layouts. Fields are matched by
 * what they mean to the helpers (their role), so PTE_SOFT_DIRTY on arm64
 * and _PAGE_SOFT_DIRTY on x86 are the same field in two places.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void bits_text(const struct ptesim_field *f, char *buf, size_t size)
{
	if (f->width == 1)
		snprintf(buf, size, "%u", f->lo);
	else
		snprintf(buf, size, "%u-%u", f->lo + f->width - 1, f->lo);
}

static const char *forms_text(unsigned forms)
{
	switch (forms) {
	case PTESIM_FORMS_PRESENT | PTESIM_FORMS_INVALID:
		return "";
	case PTESIM_FORMS_PRESENT:
		return " [present only]";
	case PTESIM_FORMS_INVALID:
		return " [when not valid]";
	case PTESIM_FORMS_SWAP:
		return " [swap]";
	default:
		return "";
	}
}

static const struct ptesim_field *by_role(const ptesim_layout *L, unsigned role)
{
	for (size_t i = 0; i < ptesim_layout_field_count(L); i++)
		if (ptesim_layout_field(L, i)->role == role)
			return ptesim_layout_field(L, i);
	return NULL;
}

static int diff_fields(const ptesim_layout *A, const ptesim_layout *B)
{
	int changes = 0;
	char ba[16], bb[16];

	for (size_t i = 0; i < ptesim_layout_field_count(A); i++) {
		const struct ptesim_field *fa = ptesim_layout_field(A, i);
		const struct ptesim_field *fb = by_role(B, fa->role);

		bits_text(fa, ba, sizeof(ba));
		if (!fb) {
			printf("  vanished  %-20s %-7s %s%s\n", fa->name, ba, fa->linux_name, forms_text(fa->forms));
			changes++;
			continue;
		}
		bits_text(fb, bb, sizeof(bb));
		if (fa->lo != fb->lo || fa->width != fb->width) {
			printf("  moved     %-20s %-7s -> %-7s %s%s\n", fa->name, ba, bb, fb->linux_name,
			       forms_text(fb->forms));
			changes++;
		} else if (fa->forms != fb->forms) {
			printf("  changed   %-20s %-7s %s%s -> %s\n", fa->name, ba, fa->linux_name,
			       forms_text(fa->forms), forms_text(fb->forms)[0] ? forms_text(fb->forms) : " [present and invalid]");
			changes++;
		} else if (strcmp(fa->linux_name, fb->linux_name) || strcmp(fa->name, fb->name)) {
			printf("  renamed   %-20s %-7s %s -> %s (%s)\n", fa->name, ba, fa->linux_name,
			       fb->linux_name, fb->name);
			changes++;
		}
	}
	for (size_t i = 0; i < ptesim_layout_field_count(B); i++) {
		const struct ptesim_field *fb = ptesim_layout_field(B, i);

		if (by_role(A, fb->role))
			continue;
		bits_text(fb, bb, sizeof(bb));
		printf("  appeared  %-20s %-7s %s%s\n", fb->name, bb, fb->linux_name, forms_text(fb->forms));
		changes++;
	}
	return changes;
}

static int diff_features(const ptesim_layout *A, const ptesim_layout *B)
{
	static const enum ptesim_feature all[] = { PTESIM_FEAT_SOFT_DIRTY, PTESIM_FEAT_UFFD_WP,
						   PTESIM_FEAT_PTE_MARKERS, PTESIM_FEAT_SWP_EXCLUSIVE };
	int changes = 0;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		bool a = ptesim_layout_has(A, all[i]), b = ptesim_layout_has(B, all[i]);

		if (a != b) {
			printf("  %s %s\n", b ? "gained" : "lost  ", ptesim_feature_name(all[i]));
			changes++;
		}
	}
	if (ptesim_layout_soft_dirty_aliases_dirty(A) != ptesim_layout_soft_dirty_aliases_dirty(B)) {
		printf("  soft-dirty %s the SW dirty bit\n",
		       ptesim_layout_soft_dirty_aliases_dirty(B) ? "now aliases" : "no longer aliases");
		changes++;
	}
	return changes;
}

static int diff_helpers(const ptesim_layout *A, const ptesim_layout *B)
{
	int changes = 0;
	const char *h;

	for (size_t i = 0; (h = ptesim_helper_semantics_name(i)); i++) {
		char ta[320], tb[320];

		ptesim_helper_semantics(A, h, ta, sizeof(ta));
		ptesim_helper_semantics(B, h, tb, sizeof(tb));
		if (!strcmp(ta, tb))
			continue;
		printf("  %s\n    %-20s %s\n    %-20s %s\n", h, ptesim_layout_name(A), ta, ptesim_layout_name(B), tb);
		changes++;
	}
	return changes;
}

static void marker_line(const ptesim_layout *L, char *buf, size_t size)
{
	uint64_t v;
	char err[128];

	if (ptesim_encode_marker(L, 1, &v, err, sizeof(err)))
		snprintf(buf, size, "none");
	else
		snprintf(buf, size, "0x%016llx", (unsigned long long)v);
}

int cmd_diff(int argc, char **argv)
{
	struct layout_list list = { 0 };
	int rc = EXIT_OK, changes;
	char ma[40], mb[40];

	for (int i = 1; i < argc && !rc; i++) {
		if (!strcmp(argv[i], "--layout-file") && i + 1 < argc)
			rc = layouts_add_file(&list, argv[++i]);
		else if (!strcmp(argv[i], "--layout") && i + 1 < argc)
			rc = layouts_add_name(&list, argv[++i]);
		else if (argv[i][0] == '-')
			rc = usage_error("diff: unknown option '%s'", argv[i]);
		else
			rc = layouts_add_name_or_file(&list, argv[i]);
	}
	if (rc)
		goto out;
	if (list.n != 2) {
		rc = usage_error("diff: name two layouts (names or layout files), e.g. ptesim diff arm64-v6.9 arm64-v6.10");
		goto out;
	}
	const ptesim_layout *A = list.items[0], *B = list.items[1];

	printf("%s -> %s\n", ptesim_layout_name(A), ptesim_layout_name(B));
	printf("fields:\n");
	changes = diff_fields(A, B);
	printf("features:\n");
	changes += diff_features(A, B);
	printf("helpers (%s -> %s):\n", ptesim_layout_helpers(A), ptesim_layout_helpers(B));
	changes += diff_helpers(A, B);
	marker_line(A, ma, sizeof(ma));
	marker_line(B, mb, sizeof(mb));
	if (strcmp(ma, mb)) {
		printf("uffd-wp PTE marker: %s -> %s\n", ma, mb);
		changes++;
	}
	if (!changes)
		printf("no differences\n");
	/* a difference is what was asked for, not a failure */
out:
	layouts_free(&list);
	return rc;
}
