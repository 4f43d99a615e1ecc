/* SPDX-License-Identifier: MIT */
/* The explorer's entry point: the menu, the search, and each violation's
 * shortest sequence written back as a scenario that `ptesim run` runs. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "explore/menu.h"
#include "explore/search.h"
#include "explore/textbuf.h"
#include "scenario/vocab.h"

/* The counterexample's text as it is written. */
struct text {
	struct textbuf b;
	uint32_t proc;     /* the current process of the lines so far */
	unsigned writes;   /* values written so far: write k stores k */
	unsigned steps;
	const struct search *s;
};

#define put(t, ...) textbuf_printf(&(t)->b, __VA_ARGS__)

/* One command of the path, with the value it wrote and the outcome it had,
 * so that the file runs to the same end under `ptesim run`. */
static void put_command(void *ctx, const struct xop *op, unsigned k, const struct runner *rn)
{
	struct text *t = ctx;
	const struct scn_program *p = t->s->menu->p;
	const struct scn_command *c = &p->commands[op->cmd + k];
	size_t len = strcspn(op->text[k], "\n");

	if (k == 0)
		t->steps++;
	if (op->proc != t->proc) {
		put(t, "as %s\n", p->processes[op->proc]);
		t->proc = op->proc;
	}
	put(t, "%.*s", (int)len, op->text[k]);
	if (c->op == SCN_OP_WRITE)
		put(t, " 0x%x", ++t->writes);
	if (vocab_op_outcome(c->op) == VOCAB_OUTCOME_ACCESS && rn->last_outcome != SCN_OUTCOME_OK)
		put(t, " -> %s", vocab_name(vocab_outcome, rn->last_outcome));
	else if (vocab_op_outcome(c->op) == VOCAB_OUTCOME_ERRNO && rn->last_errno)
		put(t, " -> %s", scn_errno_name(rn->last_errno));
	put(t, "\n");
}

static int counterexample(struct search *s, const struct sighting *v, struct explore_counterexample *out)
{
	const struct explore_options *opt = s->opt;
	const char *layout = ptesim_layout_name(opt->layout);
	const char *vname = scn_violation_name((enum scn_violation)v->violation);
	bool builtin = ptesim_layout_find(layout) == opt->layout;
	struct text t = { .s = s };
	struct run_result r;
	struct runner rn;
	int rc;

	put(&t, "# The shortest sequence that breaks %s on %s, found by ptesim explore\n", vname, layout);
	if (builtin) {
		put(&t, "layout %s\n%sexpect-result %s fail %s\n", layout, s->menu->setup_header, layout, vname);
	} else {
		/* expect-result names built-in layouts only */
		put(&t, "# %s is a layout file's: run this with --layout-file; it fails with %s\n%s", layout, vname,
		    s->menu->setup_header);
	}
	put(&t, "%s", s->menu->setup_text);
	if (runner_init(&rn, s->menu->p, opt->layout, s->root.opt, &r)) {
		runner_destroy(&rn);
		return -ENOMEM;
	}
	rc = search_replay(s, &rn, v->parent, put_command, &t);
	if (!rc && !search_step(s, &rn, &s->menu->ops[v->op], put_command, &t))
		rc = -EINVAL;
	runner_destroy(&rn);
	if (rc || t.b.nomem) {
		free(t.b.buf);
		return rc ? rc : -ENOMEM;
	}
	out->violation = (enum scn_violation)v->violation;
	out->steps = t.steps;
	out->scenario = t.b.buf;
	return 0;
}

/* The file must break the invariant when run alone: checked, not assumed.
 * Its result line, as `ptesim run` prints it, becomes the detail. */
static bool reproduces(const struct explore_options *opt, struct explore_counterexample *c)
{
	static const struct run_options quiet = { 0 };
	struct scn_program *p;
	struct run_result r;
	char err[256];
	bool ok;

	if (scn_parse(c->scenario, "<counterexample>", &p, err, sizeof(err)))
		return false;
	scn_run(p, opt->layout, &quiet, &r);
	ok = r.status == RUN_FAIL && (r.violations & 1u << c->violation);
	if (ok)
		scn_result_line(p, opt->layout, &r, c->detail, sizeof(c->detail));
	scn_program_free(p);
	return ok;
}

int explore_run(const struct explore_options *opt, struct explore_result *res, char *err, size_t errlen)
{
	struct menu menu;
	struct search *s;
	int rc;

	memset(res, 0, sizeof(*res));
	if (opt->depth > SEARCH_MAX_DEPTH) {
		snprintf(err, errlen, "explore: --depth is at most %u", SEARCH_MAX_DEPTH);
		return -EINVAL;
	}
	rc = menu_build(&menu, opt, err, errlen);
	if (rc)
		return rc;
	if (menu.nops > UINT16_MAX) {
		menu_free(&menu);
		snprintf(err, errlen, "explore: too many operations");
		return -EINVAL;
	}
	s = malloc(sizeof(*s));
	if (!s) {
		menu_free(&menu);
		return -ENOMEM;
	}
	rc = search_init(s, opt, &menu, err, errlen);
	if (!rc)
		rc = search_run(s, res);
	for (int v = 0; v < SCN_V_COUNT && !rc; v++) {
		struct explore_counterexample *c = &res->found[res->nfound];

		if (!(s->violated & 1u << v))
			continue;
		rc = counterexample(s, &s->violation[v], c);
		if (rc)
			break;
		res->nfound++;
		if (!reproduces(opt, c))
			snprintf(c->detail, sizeof(c->detail), "the sequence does not reproduce the violation when run alone");
	}
	if (rc == -ENOMEM)
		snprintf(err, errlen, "explore: out of memory");
	search_destroy(s);
	free(s);
	menu_free(&menu);
	return rc;
}

void explore_result_free(struct explore_result *res)
{
	for (unsigned i = 0; i < res->nfound; i++)
		free(res->found[i].scenario);
	res->nfound = 0;
}
