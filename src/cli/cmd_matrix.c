/* SPDX-License-Identifier: MIT */
/* ptesim matrix: every scenario (the library by default) on every layout. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/library_dir.h"
#include "cli/matrix.h"

enum format { FORMAT_TEXT, FORMAT_MARKDOWN, FORMAT_JSON };

/* The columns: the named built-ins (all by default) once each, then the
 * loaded layouts, which m->layouts then owns. */
static int choose_layouts(struct matrix *m, struct layout_list *named, struct layout_list *loaded)
{
	struct layout_list *cols = &m->layouts;

	if (!named->n)
		layouts_add_name(named, "all");
	for (int i = 0; i < named->n + loaded->n; i++) {
		const ptesim_layout *L = i < named->n ? named->items[i] : loaded->items[i - named->n];
		bool seen = false;

		for (int k = 0; k < cols->n; k++) {
			if (cols->items[k] == L)
				seen = true;
			else if (!strcmp(ptesim_layout_name(cols->items[k]), ptesim_layout_name(L)))
				return usage_error("matrix: two layouts named '%s'", ptesim_layout_name(L));
		}
		if (!seen && cols->n == (int)(sizeof(cols->items) / sizeof(cols->items[0])))
			return usage_error("too many layouts");
		if (!seen)
			cols->items[cols->n++] = L;
	}
	memcpy(cols->owned, loaded->owned, sizeof(cols->owned));
	cols->nowned = loaded->nowned;
	loaded->nowned = loaded->n = 0;
	return 0;
}

static int parse_format(const char *s, enum format *f)
{
	if (!strcmp(s, "text"))
		*f = FORMAT_TEXT;
	else if (!strcmp(s, "markdown"))
		*f = FORMAT_MARKDOWN;
	else if (!strcmp(s, "json"))
		*f = FORMAT_JSON;
	else
		return usage_error("matrix: unknown format '%s' (text, markdown or json)", s);
	return 0;
}

/* Colour only for a terminal, and never when NO_COLOR is set (no-color.org). */
static bool want_colour(void)
{
	const char *no = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && !(no && *no);
}

/* The library's files are named from the current directory when they
 * are below it, as a user would name them ("scenarios/x.pts"). */
static const char *below_cwd(const char *dir)
{
	char cwd[4096];
	size_t len;

	if (!getcwd(cwd, sizeof(cwd)))
		return dir;
	len = strlen(cwd);
	if (len > 1 && !strncmp(dir, cwd, len) && dir[len] == '/' && dir[len + 1])
		return dir + len + 1;
	return dir;
}

int cmd_matrix(int argc, char **argv)
{
	struct layout_list named = { 0 }, loaded = { 0 };
	struct matrix m = { 0 };
	enum format format = FORMAT_TEXT;
	char library[4096];
	int nfiles = 0, rc = 0;

	for (int i = 1; i < argc && !rc; i++) {
		bool has_value = i + 1 < argc;

		if (!strcmp(argv[i], "--layout"))
			rc = has_value ? layouts_add_names(&named, argv[++i]) : usage_error("matrix: --layout needs a value");
		else if (!strcmp(argv[i], "--layout-file"))
			rc = has_value ? layouts_add_file(&loaded, argv[++i])
				       : usage_error("matrix: --layout-file needs a file");
		else if (!strcmp(argv[i], "--format"))
			rc = has_value ? parse_format(argv[++i], &format) : usage_error("matrix: --format needs a value");
		else if (!strncmp(argv[i], "--format=", 9))
			rc = parse_format(argv[i] + 9, &format);
		else if (argv[i][0] == '-' && argv[i][1])
			rc = usage_error("matrix: unknown option '%s'", argv[i]);
		else
			nfiles++;
	}
	if (!rc)
		rc = choose_layouts(&m, &named, &loaded);
	/* every file parses before any runs */
	for (int i = 1; i < argc && !rc; i++) {
		if (!strcmp(argv[i], "--layout") || !strcmp(argv[i], "--layout-file") || !strcmp(argv[i], "--format"))
			i++;
		else if (argv[i][0] != '-' || !argv[i][1])
			rc = matrix_add_path(&m, argv[i]);
	}
	if (!rc && !nfiles) {
		rc = scenario_library_dir(library, sizeof(library));
		if (!rc)
			rc = matrix_add_path(&m, below_cwd(library));
	}
	if (!rc) {
		matrix_run(&m);
		if (format == FORMAT_JSON)
			matrix_print_json(&m, stdout);
		else if (format == FORMAT_MARKDOWN)
			matrix_print_markdown(&m, stdout);
		else
			matrix_print_text(&m, stdout, want_colour());
		fflush(stdout);
		rc = m.differing ? EXIT_FINDING : EXIT_OK;
	}
	matrix_free(&m);
	layouts_free(&loaded);
	layouts_free(&named);
	return rc;
}
