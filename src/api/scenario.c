/* SPDX-License-Identifier: MIT */
/* Scenario text through the parser and runner of src/scenario, its result
 * as a ptesim_report (include/ptesim/report.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ptesim/report.h"
#include "scenario/program.h"
#include "scenario/run.h"

/* A violation's detail starts with the page it concerns, "PROCESS
 * REGION[i]" in the program's names: its length, 0 when it does not. */
static size_t page_prefix(const struct scn_program *p, const char *detail)
{
	for (size_t i = 0; i < p->nprocesses; i++) {
		size_t len = strlen(p->processes[i]);

		if (strncmp(detail, p->processes[i], len) || detail[len] != ' ')
			continue;
		for (size_t r = 0; r < p->nregions; r++) {
			const char *at = detail + len + 1;
			size_t rlen = strlen(p->regions[r]);
			const char *close;

			if (strncmp(at, p->regions[r], rlen) || at[rlen] != '[' || !(close = strchr(at + rlen, ']')))
				continue;
			return (size_t)(close + 1 - detail);
		}
	}
	return 0;
}

/* src into a fixed buffer, cut to fit */
static void text_copy(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = 0;
}

static void fill_report(const struct scn_program *p, const ptesim_layout *L, const struct run_result *r,
			ptesim_report *out)
{
	char line[sizeof(out->message) + 64];
	size_t len;

	memset(out, 0, sizeof(*out));
	out->ok = r->status == RUN_PASS;
	out->not_applicable = r->status == RUN_NA;
	out->as_declared = scn_result_as_declared(p, L, r);
	scn_result_line(p, L, r, line, sizeof(line));
	text_copy(out->message, sizeof(out->message), line);
	if (r->status == RUN_NA) {
		text_copy(out->reason, sizeof(out->reason), r->detail);
		return;
	}
	if (r->status != RUN_FAIL)
		return;
	out->line = r->line;
	text_copy(out->where, sizeof(out->where), r->command);
	text_copy(out->violation, sizeof(out->violation), r->violation ? r->violation : "");
	len = r->violation ? page_prefix(p, r->detail) : 0;
	if (len < sizeof(out->page)) {
		memcpy(out->page, r->detail, len);
		out->page[len] = 0;
	} else {
		len = 0;
	}
	text_copy(out->reason, sizeof(out->reason), r->detail + len + (len && r->detail[len] == ' '));
}

static int run_program(struct scn_program *p, const ptesim_layout *layout, ptesim_report *report)
{
	struct run_options opt = { 0 };
	struct run_result r;

	scn_run(p, layout, &opt, &r);
	fill_report(p, layout, &r, report);
	scn_program_free(p);
	return 0;
}

static int parse_failed(int rc, const char *err, ptesim_report *report)
{
	memset(report, 0, sizeof(*report));
	text_copy(report->message, sizeof(report->message), err);
	return rc;
}

int ptesim_scenario_run(const char *text, const ptesim_layout *layout, ptesim_report *report)
{
	struct scn_program *p;
	char err[512];
	int rc;

	if (!report)
		return -EINVAL;
	if (!text || !layout)
		return parse_failed(-EINVAL, "ptesim_scenario_run: no text or no layout", report);
	rc = scn_parse(text, "<scenario>", &p, err, sizeof(err));
	return rc ? parse_failed(rc, err, report) : run_program(p, layout, report);
}

int ptesim_scenario_run_file(const char *path, const ptesim_layout *layout, ptesim_report *report)
{
	struct scn_program *p;
	char err[512];
	int rc;

	if (!report)
		return -EINVAL;
	if (!path || !layout)
		return parse_failed(-EINVAL, "ptesim_scenario_run_file: no path or no layout", report);
	rc = scn_parse_file(path, &p, err, sizeof(err));
	return rc ? parse_failed(rc, err, report) : run_program(p, layout, report);
}
