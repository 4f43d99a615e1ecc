/* SPDX-License-Identifier: MIT */
/*
 * The kernel against the simulator on one program. Both print pagemap
 * and scan lines in the same format, and only `pagemap` and `scan` print
 * on both sides, so the lines of the two streams belong to the commands
 * in order: each pagemap command takes its range's count of lines from
 * each stream, each scan its `scan` lines up to its `scan walk-end` (none
 * when the call failed), and a difference is reported against that
 * command.
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

/* Whether the next line is a scan's: `scan A[i:j] CATS` or `scan
 * walk-end A[k]` (a pagemap line of a process named scan has KEY=VALUE). */
static bool next_is_scan(const struct lines *l)
{
	const char *s = l->next, *nl;

	if (!s || strncmp(s, "scan ", 5))
		return false;
	nl = strchr(s, '\n');
	return !memchr(s, '=', nl ? (size_t)(nl - s) : strlen(s));
}

#define SCAN_LINES_MAX 4096u

/* A scan's lines, to its walk-end line; false when there are more than
 * SCAN_LINES_MAX. */
static bool take_scan(struct lines *l, const char **out, size_t *n)
{
	*n = 0;
	while (next_is_scan(l)) {
		const char *line = lines_take(l);

		if (*n == SCAN_LINES_MAX)
			return false;
		out[(*n)++] = line;
		if (!strncmp(line, "scan walk-end ", 14))
			break;
	}
	return true;
}

/*
 * A scan's region lines without the soft-dirty category, which this
 * kernel never reports, into buf (one line each, NUL-separated, out[]
 * pointing into it): neighbours that differed only by it become one
 * region, as the kernel would have returned them.
 */
static size_t scan_without_soft_dirty(const char **in, size_t n, char *buf, size_t size, const char **out)
{
	size_t m = 0, used = 0;
	char name[128] = "", cats[256] = "";
	unsigned long long first = 0, end = 0;
	bool open = false;

	for (size_t i = 0; i <= n; i++) {
		char nm[128], cs[256], clean[256] = "";
		unsigned long long a, b;
		size_t cl = 0;
		bool region = i < n && sscanf(in[i], "scan %127[^[][%llu:%llu] %255s", nm, &a, &b, cs) == 4;

		if (region) {
			for (char *tok = strtok(cs, ","); tok; tok = strtok(NULL, ","))
				if (strcmp(tok, "soft-dirty") && strcmp(tok, "-"))
					cl += (size_t)snprintf(clean + cl, sizeof(clean) - cl, "%s%s", cl ? "," : "", tok);
			if (!cl)
				snprintf(clean, sizeof(clean), "-");
			if (open && !strcmp(nm, name) && a == end && !strcmp(clean, cats)) {
				end = b;
				continue;
			}
		}
		if (open && m < n && used < size) {
			out[m++] = buf + used;
			used += (size_t)snprintf(buf + used, size - used, "scan %s[%llu:%llu] %s", name, first, end, cats) + 1;
			open = false;
		}
		if (region) {
			snprintf(name, sizeof(name), "%s", nm);
			snprintf(cats, sizeof(cats), "%s", clean);
			first = a;
			end = b;
			open = true;
		} else if (i < n && m < n) {
			out[m++] = in[i];
		}
	}
	return m;
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

/* Room for a scan's lines on both sides. */
struct scan_scratch {
	const char *k[SCAN_LINES_MAX], *s[SCAN_LINES_MAX], *k2[SCAN_LINES_MAX], *s2[SCAN_LINES_MAX];
	char kbuf[SCAN_LINES_MAX * 64], sbuf[SCAN_LINES_MAX * 64];
};

/* A scan's lines on both sides, side by side. */
static void compare_scan(const struct scn_program *p, const struct scn_command *c, const struct kdiff_options *opt,
			 struct lines *kl, struct lines *sl, bool both_complete, struct scan_scratch *x,
			 struct kdiff_result *r)
{
	const char **k = x->k, **s = x->s, **k2 = x->k2, **s2 = x->s2;
	size_t nk = 0, ns = 0;
	bool kfit = take_scan(kl, k, &nk), sfit = take_scan(sl, s, &ns);
	const char **kp = k, **sp = s;

	if (!kfit || !sfit) {
		r->differences++;
		report_line(p, c, opt, kfit ? "(too many lines)" : NULL, sfit ? "(too many lines)" : NULL);
		return;
	}
	if (!opt->soft_dirty) {
		nk = scan_without_soft_dirty(k, nk, x->kbuf, sizeof(x->kbuf), k2);
		ns = scan_without_soft_dirty(s, ns, x->sbuf, sizeof(x->sbuf), s2);
		kp = k2;
		sp = s2;
	}
	for (size_t i = 0; i < nk || i < ns; i++) {
		const char *a = i < nk ? kp[i] : NULL, *b = i < ns ? sp[i] : NULL;

		if (!a || !b) {
			if (both_complete) {
				r->differences++;
				report_line(p, c, opt, a, b);
			}
			continue;
		}
		r->observations++;
		if (strcmp(a, b)) {
			r->differences++;
			report_line(p, c, opt, a, b);
		}
	}
}

/* Each pagemap and scan command's lines, side by side. A side that
 * stopped early (a FAIL) has fewer lines: the result comparison reports
 * that, so the missing lines are not reported again. */
static int compare_observations(const struct scn_program *p, const struct kdiff_options *opt, struct lines *kl,
				struct lines *sl, bool both_complete, struct kdiff_result *r)
{
	struct scan_scratch *x = NULL;

	for (size_t i = 0; i < p->ncommands; i++) {
		const struct scn_command *c = &p->commands[i];

		if (c->op == SCN_OP_SCAN) {
			if (!x && !(x = malloc(sizeof(*x))))
				return -ENOMEM;
			compare_scan(p, c, opt, kl, sl, both_complete, x, r);
			continue;
		}
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
					goto out;
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
out:
	free(x);
	return 0;
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
	int rc;

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
	rc = compare_observations(p, opt, &kl, &sl, r->kernel.status == RUN_PASS && r->sim.status == RUN_PASS, r);
	if (r->kind == KDIFF_NONE && r->differences > before)
		r->kind = KDIFF_OBSERVATION;
	free(kl.buf);
	free(sl.buf);
	return rc;
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
