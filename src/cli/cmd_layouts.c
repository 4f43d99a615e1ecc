/* SPDX-License-Identifier: MIT */
/* ptesim layouts, ptesim layout */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/render.h"

static void features_text(const ptesim_layout *L, char *buf, size_t size)
{
	static const enum ptesim_feature all[] = { PTESIM_FEAT_SOFT_DIRTY, PTESIM_FEAT_UFFD_WP,
						   PTESIM_FEAT_PTE_MARKERS, PTESIM_FEAT_SWP_EXCLUSIVE };
	size_t len = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (ptesim_layout_has(L, all[i]) && len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "," : "",
						ptesim_feature_name(all[i]));
	if (!len)
		snprintf(buf, size, "-");
}

static void layout_line(const ptesim_layout *L)
{
	char feats[96];

	features_text(L, feats, sizeof(feats));
	printf("%-20s %-44s %s\n", ptesim_layout_name(L), feats, ptesim_layout_summary(L));
}

/* The built-ins and then the files, side by side (--format markdown). */
static void layouts_markdown(const struct layout_list *files)
{
	const ptesim_layout *all[128];
	size_t n = 0;

	for (size_t i = 0; i < ptesim_layout_count() && n < 128; i++)
		all[n++] = ptesim_layout_builtin(i);
	for (int i = 0; i < files->n && n < 128; i++)
		all[n++] = files->items[i];
	render_layouts_markdown(stdout, all, n);
}

int cmd_layouts(int argc, char **argv)
{
	struct layout_list files = { 0 };
	const char *format = "text";
	int rc = EXIT_OK;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--layout-file") && i + 1 < argc)
			rc = layouts_add_file(&files, argv[++i]);
		else if (!strcmp(argv[i], "--format") && i + 1 < argc)
			format = argv[++i];
		else if (!strncmp(argv[i], "--format=", 9))
			format = argv[i] + 9;
		else
			rc = usage_error("layouts: unexpected argument '%s'", argv[i]);
		if (rc)
			goto out;
	}
	if (!strcmp(format, "markdown")) {
		layouts_markdown(&files);
		goto out;
	}
	if (strcmp(format, "text")) {
		rc = usage_error("layouts: unknown format '%s' (text or markdown)", format);
		goto out;
	}
	printf("%-20s %-44s %s\n", "NAME", "FEATURES", "WHAT IT IS");
	for (size_t i = 0; i < ptesim_layout_count(); i++)
		layout_line(ptesim_layout_builtin(i));
	for (int i = 0; i < files.n; i++)
		layout_line(files.items[i]);
out:
	layouts_free(&files);
	return rc;
}

int cmd_layout(int argc, char **argv)
{
	struct layout_list list = { 0 };
	const char *format = "text";
	int rc = EXIT_OK;

	for (int i = 1; i < argc && !rc; i++) {
		if (!strcmp(argv[i], "--format") && i + 1 < argc)
			format = argv[++i];
		else if (!strncmp(argv[i], "--format=", 9))
			format = argv[i] + 9;
		else if (!strcmp(argv[i], "--layout-file") && i + 1 < argc)
			rc = layouts_add_file(&list, argv[++i]);
		else if (!strcmp(argv[i], "--layout") && i + 1 < argc)
			rc = layouts_add_name(&list, argv[++i]);
		else if (argv[i][0] == '-')
			rc = usage_error("layout: unknown option '%s'", argv[i]);
		else
			rc = layouts_add_name_or_file(&list, argv[i]);
	}
	if (rc)
		goto out;
	if (list.n != 1) {
		rc = usage_error("layout: name one layout (ptesim layout arm64-v6.10), or --layout-file F");
		goto out;
	}
	if (!strcmp(format, "text"))
		render_layout_text(stdout, list.items[0]);
	else if (!strcmp(format, "markdown"))
		render_layout_markdown(stdout, list.items[0]);
	else if (!strcmp(format, "json"))
		render_layout_json(stdout, list.items[0]);
	else if (!strcmp(format, "svg"))
		render_layout_svg(stdout, list.items[0]);
	else
		rc = usage_error("layout: unknown format '%s' (text, markdown, json or svg)", format);
out:
	layouts_free(&list);
	return rc;
}
