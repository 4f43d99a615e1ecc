/* SPDX-License-Identifier: MIT */
/* ptesim run: a scenario on each selected layout, each in its own simulation. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "scenario/run.h"

/* `--layout A,B` or `--layout all`, as the file's own `layout` line */
static int header_layouts(const struct scn_program *p, struct layout_list *list)
{
	if (p->header.all_layouts || !p->header.nlayouts)
		return layouts_add_name(list, "all");
	for (size_t i = 0; i < p->header.nlayouts; i++) {
		if (!ptesim_layout_find(p->header.layouts[i])) {
			fprintf(stderr, "%s: error: unknown layout '%s' in the layout line\n", p->filename,
				p->header.layouts[i]);
			return EXIT_USAGE;
		}
		layouts_add_name(list, p->header.layouts[i]);
	}
	return 0;
}

static int run_program(const struct scn_program *p, struct layout_list *cmdline, bool trace,
		       bool *all_as_declared)
{
	struct layout_list from_header = { 0 };
	struct layout_list *layouts = cmdline;
	int rc;

	if (!cmdline->n) {
		rc = header_layouts(p, &from_header);
		if (rc)
			return rc;
		layouts = &from_header;
	}
	for (int i = 0; i < layouts->n; i++) {
		const ptesim_layout *L = layouts->items[i];
		bool single = layouts->n == 1;
		struct run_options opt = {
			.observe = (single || trace) ? stdout : NULL,
			.trace = trace ? stdout : NULL,
			.prefix = single ? NULL : ptesim_layout_name(L),
		};
		struct run_result r;
		char line[1024];

		scn_run(p, L, &opt, &r);
		scn_result_line(p, L, &r, line, sizeof(line));
		printf("%s\n", line);
		if (!scn_result_as_declared(p, L, &r))
			*all_as_declared = false;
	}
	fflush(stdout);
	layouts_free(&from_header);
	return 0;
}

int cmd_run(int argc, char **argv)
{
	struct layout_list layouts = { 0 };
	const char *files[256];
	struct scn_program *programs[256] = { 0 };
	int nfiles = 0, rc = EXIT_OK;
	bool trace = false, ok = true;

	for (int i = 1; i < argc && !rc; i++) {
		if (!strcmp(argv[i], "--layout") && i + 1 < argc)
			rc = layouts_add_names(&layouts, argv[++i]);
		else if (!strcmp(argv[i], "--layout-file") && i + 1 < argc)
			rc = layouts_add_file(&layouts, argv[++i]);
		else if (!strcmp(argv[i], "--trace"))
			trace = true;
		else if (argv[i][0] == '-' && argv[i][1])
			rc = usage_error("run: unknown option '%s'", argv[i]);
		else if (nfiles == 256)
			rc = usage_error("run: at most 256 files");
		else
			files[nfiles++] = argv[i];
	}
	if (!rc && !nfiles)
		rc = usage_error("run: give a scenario file, e.g. ptesim run tests/scenarios/zero-page-read.pts");
	/* every file parses before any runs */
	for (int i = 0; i < nfiles && !rc; i++) {
		char err[512];

		if (scn_parse_file(files[i], &programs[i], err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			rc = EXIT_USAGE;
		}
	}
	for (int i = 0; i < nfiles && !rc; i++) {
		if (nfiles > 1)
			printf("%s\n", files[i]);
		rc = run_program(programs[i], &layouts, trace, &ok);
	}
	for (int i = 0; i < nfiles; i++)
		scn_program_free(programs[i]);
	layouts_free(&layouts);
	if (rc)
		return rc;
	return ok ? EXIT_OK : EXIT_FINDING;
}
