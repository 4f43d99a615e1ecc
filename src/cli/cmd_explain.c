/* SPDX-License-Identifier: MIT */
/* ptesim explain: a scenario on one layout, told command by command. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/explain.h"

struct explain_run {
	const struct explain_doc *doc;
	bool html;
	const struct scn_program *p;
	FILE *observe; /* a memory stream: what the commands print */
	char *printed;
	size_t printed_len, printed_seen;
	struct explain_seen seen;
	bool out_of_memory;
};

/* run_options.step: show one command */
static void show_step(void *ctx, const struct run_step *rs)
{
	struct explain_run *x = ctx;
	struct explain_step *step = malloc(sizeof(*step));
	char *printed;

	fflush(x->observe);
	printed = strndup(x->printed + x->printed_seen, x->printed_len - x->printed_seen);
	x->printed_seen = x->printed_len;
	if (!step || !printed || explain_step_build(x->p, x->doc->L, rs, printed, &x->seen, step)) {
		x->out_of_memory = true;
	} else if (x->html) {
		explain_html_step(x->doc, step);
	} else {
		explain_text_step(x->doc, step);
	}
	if (step)
		explain_step_free(step);
	free(step);
	free(printed);
}

static int explain_program(const struct scn_program *p, const char *file, const ptesim_layout *L, bool html,
			   bool color)
{
	struct explain_doc doc = { stdout, file, L, color };
	struct explain_run x = { &doc, html, p, NULL, NULL, 0, 0, { RUN_PASS, 0 }, false };
	struct run_options opt = { 0 };
	struct run_result r;
	char line[1024];

	x.observe = open_memstream(&x.printed, &x.printed_len);
	if (!x.observe)
		return usage_error("explain: out of memory");
	opt.observe = x.observe;
	opt.step = show_step;
	opt.step_ctx = &x;
	if (html)
		explain_html_begin(&doc);
	else
		explain_text_begin(&doc);
	scn_run(p, L, &opt, &r);
	scn_result_line(p, L, &r, line, sizeof(line));
	if (html)
		explain_html_end(&doc, line, r.status == RUN_FAIL);
	else
		explain_text_end(&doc, line, r.status == RUN_FAIL);
	fclose(x.observe);
	free(x.printed);
	fflush(stdout);
	if (x.out_of_memory)
		return usage_error("explain: out of memory");
	return scn_result_as_declared(p, L, &r) ? EXIT_OK : EXIT_FINDING;
}

/* --color auto: a terminal that has not asked for none (NO_COLOR) */
static bool color_auto(void)
{
	const char *no = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && !(no && *no);
}

/* No --layout: the file's layout line, when it names one layout */
static int header_layout(const struct scn_program *p, struct layout_list *list)
{
	if (p->header.all_layouts || p->header.nlayouts != 1)
		return usage_error("explain: give one layout with --layout NAME or --layout-file F");
	return layouts_add_name(list, p->header.layouts[0]);
}

int cmd_explain(int argc, char **argv)
{
	struct layout_list layouts = { 0 };
	struct scn_program *p = NULL;
	const char *file = NULL, *format = "text", *color = "auto";
	char err[512];
	int rc = 0;

	for (int i = 1; i < argc && !rc; i++) {
		const char *a = argv[i];
		bool takes_value = !strcmp(a, "--layout") || !strcmp(a, "--layout-file") || !strcmp(a, "--format") ||
				   !strcmp(a, "--color");

		if (takes_value && i + 1 == argc)
			rc = usage_error("explain: %s needs a value", a);
		else if (!strcmp(a, "--layout"))
			rc = layouts_add_name(&layouts, argv[++i]);
		else if (!strcmp(a, "--layout-file"))
			rc = layouts_add_file(&layouts, argv[++i]);
		else if (!strcmp(a, "--format"))
			format = argv[++i];
		else if (!strcmp(a, "--color"))
			color = argv[++i];
		else if (a[0] == '-' && a[1])
			rc = usage_error("explain: unknown option '%s'", a);
		else if (file)
			rc = usage_error("explain: one scenario file at a time ('%s' and '%s')", file, a);
		else
			file = a;
	}
	if (!rc && strcmp(format, "text") && strcmp(format, "html"))
		rc = usage_error("explain: unknown format '%s' (text or html)", format);
	if (!rc && strcmp(color, "auto") && strcmp(color, "always") && strcmp(color, "never"))
		rc = usage_error("explain: unknown --color '%s' (auto, always or never)", color);
	if (!rc && !file)
		rc = usage_error("explain: give a scenario file, e.g. ptesim explain "
				 "scenarios/capper-madv-free-race.pts --layout arm64-v4.15-binlu");
	if (!rc && layouts.n > 1)
		rc = usage_error("explain: one layout at a time (%d given)", layouts.n);
	if (!rc && scn_parse_file(file, &p, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		rc = EXIT_USAGE;
	}
	if (!rc && !layouts.n)
		rc = header_layout(p, &layouts);
	if (!rc)
		rc = explain_program(p, file, layouts.items[0], !strcmp(format, "html"),
				     !strcmp(color, "always") || (!strcmp(color, "auto") && color_auto()));
	scn_program_free(p);
	layouts_free(&layouts);
	return rc;
}
