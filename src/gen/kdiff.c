/* SPDX-License-Identifier: MIT */
/*
 * The kernel against the simulator on one program. Both print pagemap
 * lines in the same format and only `pagemap` prints on both sides, one
 * line a page of its range, so the lines of the two streams belong to the
 * commands in order: each pagemap command takes its range's count of lines
 * from each stream, and a difference is reported against that command.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gen/kdiff.h"
#include "live/live.h"

/* A captured stream cut into lines, read one at a time. */
struct lines {
	char *buf;
	size_t len;
	char *next; /* the next line's start */
};

static FILE *capture_open(struct lines *l)
{
	memset(l, 0, sizeof(*l));
	return open_memstream(&l->buf, &l->len);
}

static void capture_close(struct lines *l, FILE *f)
{
	fclose(f);
	l->next = l->buf;
}

/* The next line, newline cut off, or NULL at the end. */
static const char *lines_take(struct lines *l)
{
	char *s = l->next, *nl;

	if (!s || !*s)
		return NULL;
	nl = strchr(s, '\n');
	if (nl) {
		*nl = 0;
		l->next = nl + 1;
	} else {
		l->next = s + strlen(s);
	}
	return s;
}

/* The line without " soft-dirty=N" when that key is not compared: this
 * kernel prints 0 for it whatever happened. */
static void comparable(const char *line, bool soft_dirty, char *buf, size_t size)
{
	const char *k = soft_dirty ? NULL : strstr(line, " soft-dirty="), *rest;

	if (!k) {
		snprintf(buf, size, "%s", line);
		return;
	}
	rest = k + strlen(" soft-dirty=");
	rest += strspn(rest, "0123456789");
	snprintf(buf, size, "%.*s%s", (int)(k - line), line, rest);
}

static void command_text(const struct scn_program *p, const struct scn_command *c, char *buf, size_t size)
{
	if (c->text)
		snprintf(buf, size, "%s", c->text);
	else if (scn_format_command(p, c, buf, size) < 0)
		snprintf(buf, size, "?");
}

static void report_line(const struct scn_program *p, const struct scn_command *c, const struct kdiff_options *opt,
			const char *kernel, const char *sim)
{
	char text[200];

	if (!opt->out)
		return;
	command_text(p, c, text, sizeof(text));
	fprintf(opt->out, "%s:%u: %s\n  kernel: %s\n  %s: %s\n", opt->name, c->line, text,
		kernel ? kernel : "(no line)", ptesim_layout_name(opt->layout), sim ? sim : "(no line)");
}

/* Each pagemap command's lines, side by side. A side that stopped early
 * (a FAIL) has fewer lines: the result comparison reports that, so the
 * missing lines are not reported again. */
static void compare_observations(const struct scn_program *p, const struct kdiff_options *opt, struct lines *kl,
				 struct lines *sl, bool both_complete, struct kdiff_result *r)
{
	for (size_t i = 0; i < p->ncommands; i++) {
		const struct scn_command *c = &p->commands[i];

		if (c->op != SCN_OP_PAGEMAP)
			continue;
		for (uint64_t n = 0; n < c->range.count; n++) {
			const char *k = lines_take(kl), *s = lines_take(sl);
			char kb[256], sb[256];

			if (!k || !s) {
				if (both_complete && (k || s)) {
					r->differences++;
					report_line(p, c, opt, k, s);
				}
				if (!k && !s)
					return;
				continue;
			}
			r->observations++;
			comparable(k, opt->soft_dirty, kb, sizeof(kb));
			comparable(s, opt->soft_dirty, sb, sizeof(sb));
			if (strcmp(kb, sb)) {
				r->differences++;
				report_line(p, c, opt, kb, sb);
			}
		}
	}
}

/* Results agree when their status does and, for a FAIL, where and why
 * (the live runner words its failures as the simulator does). */
static bool results_agree(const struct run_result *k, const struct run_result *s)
{
	if (k->status != s->status)
		return false;
	if (k->status != RUN_FAIL)
		return true;
	return k->line == s->line && !s->violation && !strcmp(k->detail, s->detail);
}

int kdiff_program(const struct scn_program *p, const struct kdiff_options *opt, struct kdiff_result *r)
{
	struct run_options so = { 0 };
	struct live_options ko = { .notes = opt->notes, .timeout_s = opt->timeout_s };
	struct lines kl, sl;
	unsigned before;

	memset(r, 0, sizeof(*r));
	so.observe = capture_open(&sl);
	if (!so.observe)
		return -ENOMEM;
	scn_run(p, opt->layout, &so, &r->sim);
	capture_close(&sl, so.observe);
	/* a scenario the layout cannot run needs no kernel run either */
	if (r->sim.status != RUN_NA) {
		ko.observe = capture_open(&kl);
		if (!ko.observe) {
			free(sl.buf);
			return -ENOMEM;
		}
		live_run(p, &ko, &r->kernel);
		capture_close(&kl, ko.observe);
	} else {
		memset(&kl, 0, sizeof(kl));
	}
	if (r->sim.status == RUN_NA || r->kernel.status == RUN_NA) {
		r->status = KDIFF_SKIPPED;
		free(kl.buf);
		free(sl.buf);
		return 0;
	}
	r->status = KDIFF_COMPARED;
	r->commands = (unsigned)p->ncommands;
	if (!results_agree(&r->kernel, &r->sim)) {
		char kline[700], sline[700];

		r->kind = KDIFF_RESULT;
		r->differences++;
		live_result_line(&r->kernel, kline, sizeof(kline));
		scn_result_line(p, opt->layout, &r->sim, sline, sizeof(sline));
		if (opt->out)
			fprintf(opt->out, "%s: the results differ\n  %s\n  %s\n", opt->name, kline, sline);
	}
	before = r->differences;
	compare_observations(p, opt, &kl, &sl, r->kernel.status == RUN_PASS && r->sim.status == RUN_PASS, r);
	if (r->kind == KDIFF_NONE && r->differences > before)
		r->kind = KDIFF_OBSERVATION;
	free(kl.buf);
	free(sl.buf);
	return 0;
}

bool kdiff_without_pte(const struct scn_program *p, struct scn_program *copy, struct scn_command **commands)
{
	*copy = *p;
	*commands = calloc(p->ncommands + 1, sizeof(**commands));
	if (!*commands)
		return false;
	copy->ncommands = 0;
	for (size_t i = 0; i < p->ncommands; i++)
		if (p->commands[i].op != SCN_OP_PTE && p->commands[i].op != SCN_OP_EXPECT_PTE)
			(*commands)[copy->ncommands++] = p->commands[i];
	copy->commands = *commands;
	return true;
}
