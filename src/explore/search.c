/* SPDX-License-Identifier: MIT */
/*
 * The breadth-first search. States are kept as the operation that made
 * them and the state it was applied to, nothing more: a state is rebuilt
 * when it is expanded by replaying its path on a copy of the setup, and
 * each operation then runs on a copy of that. Levels are expanded in
 * parallel and merged in a fixed order, so the result does not depend on
 * --jobs: among the shortest sequences that break an invariant, the one
 * reported is the first in the order of the menu.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "explore/menu.h"
#include "explore/search.h"
#include "scenario/run_canon.h"
#include "scenario/run_internal.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- the set of states seen: 128-bit names, open addressing ---- */


static size_t seen_home(const struct seen_table *s, const uint64_t name[2])
{
	return (size_t)(name[0] ^ (name[1] >> 7)) & (s->cap - 1);
}

static bool seen_has(const struct seen_table *s, const uint64_t name[2])
{
	if (!s->cap)
		return false;
	for (size_t i = seen_home(s, name);; i = (i + 1) & (s->cap - 1)) {
		if (!s->slot[i][0] && !s->slot[i][1])
			return false;
		if (s->slot[i][0] == name[0] && s->slot[i][1] == name[1])
			return true;
	}
}

static void seen_put(struct seen_table *s, const uint64_t name[2])
{
	size_t i = seen_home(s, name);

	while (s->slot[i][0] || s->slot[i][1])
		i = (i + 1) & (s->cap - 1);
	s->slot[i][0] = name[0];
	s->slot[i][1] = name[1];
	s->n++;
}

/* Room for n more names at most half full. */
static int seen_reserve(struct seen_table *s, size_t more)
{
	size_t cap = s->cap ? s->cap : 1024;
	struct seen_table grown;

	while ((s->n + more) * 2 > cap)
		cap *= 2;
	if (cap == s->cap)
		return 0;
	grown = (struct seen_table){ calloc(cap, sizeof(*grown.slot)), cap, 0 };
	if (!grown.slot)
		return -ENOMEM;
	for (size_t i = 0; i < s->cap; i++)
		if (s->slot[i][0] || s->slot[i][1])
			seen_put(&grown, s->slot[i]);
	free(s->slot);
	*s = grown;
	return 0;
}

/* ---- the states: how each was made ---- */

struct made {
	uint32_t parent;
	uint16_t op;
};

/* A state found while expanding a level (violation -1), or a violation. */

struct worker {
	struct search *s;
	struct seen_table level; /* names this worker found at this level: a state
	                          * reached many ways is kept once */
	struct runner work, scratch;
	struct run_result work_r, scratch_r;
	struct canon canon;
	struct sighting *v;
	size_t n, cap;
	uint64_t transitions;
	bool nomem;
	pthread_t thread;
};

static int found_add(struct worker *w, const uint64_t name[2], uint32_t parent, uint16_t op, int violation)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 4096;
		struct sighting *v = realloc(w->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n++] = (struct sighting){ { name ? name[0] : 0, name ? name[1] : 0 }, parent, op, (int16_t)violation };
	return 0;
}

enum step_result { STEP_STATE, STEP_INVALID, STEP_BROKEN };

/* Runs one operation on rn: each of its commands, the invariants after
 * each, as scn_run does. */
static enum step_result step(struct search *s, struct runner *rn, const struct xop *op, search_cmd_fn each, void *ctx)
{
	memset(rn->r, 0, sizeof(*rn->r));
	for (uint32_t k = 0; k < op->ncmds && !rn->stopped; k++) {
		rn->cmd = &s->menu->p->commands[op->cmd + k];
		rn->last_outcome = SCN_OUTCOME_OK;
		rn->last_errno = 0;
		do_command(rn);
		if (!rn->stopped && rn->r->status != RUN_NA)
			check_invariants(rn);
		if (each)
			each(ctx, op, k, rn);
		/* a failure that is no invariant (a process gone, SIGBUS) means
		 * the operation is not one this state offers */
		if (rn->r->status == RUN_FAIL && !rn->r->violation)
			return STEP_INVALID;
		if (rn->r->status == RUN_NA)
			return STEP_INVALID;
	}
	return rn->stopped ? STEP_BROKEN : STEP_STATE;
}

bool search_step(struct search *s, struct runner *rn, const struct xop *op, search_cmd_fn each, void *ctx)
{
	return step(s, rn, op, each, ctx) != STEP_INVALID;
}

static void state_name(const struct canon *c, uint64_t name[2])
{
	name[0] = c->h1;
	name[1] = c->h2;
	if (!name[0] && !name[1])
		name[0] = 1; /* (0, 0) marks an empty slot */
}

int search_replay(struct search *s, struct runner *rn, uint32_t state, search_cmd_fn each, void *ctx)
{
	uint16_t path[SEARCH_MAX_DEPTH];
	unsigned depth = 0;

	for (uint32_t at = state; at; at = s->made[at].parent)
		path[depth++] = s->made[at].op;
	if (runner_copy(rn, &s->root, s->hint.n ? &s->hint : NULL))
		return -ENOMEM;
	while (depth--) {
		const struct xop *op = &s->menu->ops[path[depth]];

		if (step(s, rn, op, each, ctx) == STEP_INVALID)
			return -EINVAL;
	}
	return 0;
}

static void expand(struct worker *w, uint32_t state)
{
	struct search *s = w->s;

	if (search_replay(s, &w->work, state, NULL, NULL)) {
		w->nomem = true;
		return;
	}
	for (uint32_t o = 0; o < s->menu->nops; o++) {
		const struct xop *op = &s->menu->ops[o];
		enum step_result res;
		unsigned found;

		if (!menu_op_enabled(s->menu, op, &w->work))
			continue;
		if (runner_copy(&w->scratch, &w->work, s->hint.n ? &s->hint : NULL)) {
			w->nomem = true;
			return;
		}
		w->transitions++;
		res = step(s, &w->scratch, op, NULL, NULL);
		if (res == STEP_INVALID)
			continue;
		found = w->scratch.r->status == RUN_FAIL ? w->scratch.r->violations & s->opt->invariants : 0;
		for (int v = 0; v < SCN_V_COUNT; v++)
			if ((found & 1u << v) && found_add(w, NULL, state, (uint16_t)o, v))
				w->nomem = true;
		/* a violation reported ends its path; a broken machine too */
		if (found || res == STEP_BROKEN)
			continue;
		runner_canon(&w->scratch, &w->canon);
		{
			uint64_t name[2];

			state_name(&w->canon, name);
			if (seen_has(s->seen, name) || seen_has(&w->level, name))
				continue;
			if (seen_reserve(&w->level, 1) || found_add(w, name, state, (uint16_t)o, -1))
				w->nomem = true;
			else
				seen_put(&w->level, name);
		}
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct search *s = w->s;

	for (;;) {
		uint32_t first = atomic_fetch_add(&s->next, SEARCH_CHUNK);

		if (first >= s->level_end || atomic_load(&s->stop))
			break;
		for (uint32_t i = first; i < first + SEARCH_CHUNK && i < s->level_end && !w->nomem; i++)
			expand(w, i);
		if (w->nomem)
			atomic_store(&s->stop, 1);
		if (s->opt->timeout > 0 && now() - s->t0 > s->opt->timeout) {
			atomic_store(&s->stop, 1);
			s->timed_out = true;
		}
	}
	return NULL;
}

static int by_name(const void *a, const void *b)
{
	const struct sighting *x = a, *y = b;

	if (x->violation != y->violation)
		return x->violation < y->violation ? -1 : 1;
	if (x->name[0] != y->name[0])
		return x->name[0] < y->name[0] ? -1 : 1;
	if (x->name[1] != y->name[1])
		return x->name[1] < y->name[1] ? -1 : 1;
	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	return x->op < y->op ? -1 : x->op > y->op;
}

static int by_origin(const void *a, const void *b)
{
	const struct sighting *x = a, *y = b;

	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	return x->op < y->op ? -1 : x->op > y->op;
}

/* The level's finds, in a fixed order: each new state once, made by the
 * first (parent, operation) that reaches it; the first violation of each
 * invariant. */
static int merge(struct search *s, struct worker *w, unsigned nw, struct explore_result *res)
{
	size_t total = 0, n = 0, fresh = 0;
	struct sighting *all;

	for (unsigned i = 0; i < nw; i++)
		total += w[i].n;
	all = malloc((total ? total : 1) * sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (unsigned i = 0; i < nw; i++) {
		if (w[i].n)
			memcpy(all + n, w[i].v, w[i].n * sizeof(*all));
		n += w[i].n;
		w[i].n = 0;
	}
	qsort(all, n, sizeof(*all), by_name);
	for (size_t i = 0; i < n; i++) {
		const struct sighting *f = &all[i];

		if (f->violation >= 0) {
			if (!(s->violated & 1u << f->violation)) {
				s->violated |= 1u << f->violation;
				s->violation[f->violation] = *f;
			}
			continue;
		}
		if (fresh && all[fresh - 1].violation < 0 && all[fresh - 1].name[0] == f->name[0] &&
		    all[fresh - 1].name[1] == f->name[1])
			continue;
		all[fresh++] = *f;
	}
	qsort(all, fresh, sizeof(*all), by_origin);
	if (s->opt->max_states && s->nmade + fresh > s->opt->max_states) {
		fresh = s->opt->max_states > s->nmade ? (size_t)(s->opt->max_states - s->nmade) : 0;
		s->capped = true;
	}
	if (seen_reserve(s->seen, fresh) || fresh > SIZE_MAX / sizeof(*s->made)) {
		free(all);
		return -ENOMEM;
	}
	if (s->nmade + fresh > s->capmade) {
		size_t cap = (s->nmade + fresh) * 2;
		struct made *m = realloc(s->made, cap * sizeof(*m));

		if (!m) {
			free(all);
			return -ENOMEM;
		}
		s->made = m;
		s->capmade = cap;
	}
	for (size_t i = 0; i < fresh; i++) {
		seen_put(s->seen, all[i].name);
		s->made[s->nmade++] = (struct made){ all[i].parent, all[i].op };
	}
	res->states = s->nmade;
	free(all);
	return 0;
}

int search_init(struct search *s, const struct explore_options *opt, const struct menu *menu, char *err, size_t errlen)
{
	static const struct run_options quiet = { 0 };

	memset(s, 0, sizeof(*s));
	s->opt = opt;
	s->menu = menu;
	s->seen = &s->seen_set;
	if (runner_init(&s->root, menu->p, opt->layout, &quiet, &s->root_r)) {
		snprintf(err, errlen, "explore: out of memory");
		return -ENOMEM;
	}
	s->root.any_outcome = true;
	for (uint32_t i = 0; i < menu->nsetup; i++) {
		s->root.cmd = &menu->p->commands[i];
		do_command(&s->root);
		if (!s->root.stopped)
			check_invariants(&s->root);
		if (s->root_r.status != RUN_PASS) {
			snprintf(err, errlen, "explore: the setup does not run on %s: %s", ptesim_layout_name(opt->layout),
				 s->root_r.detail);
			return -EINVAL;
		}
	}
	search_hint(s);
	return 0;
}

void search_destroy(struct search *s)
{
	runner_destroy(&s->root);
	free(s->made);
	free(s->seen_set.slot);
	memset(s, 0, sizeof(*s));
}

/* Every table entry a state can hold: the setup maps every address the
 * search will use, so copying these entries is copying the tables. */
void search_hint(struct search *s)
{
	const struct runner *rn = &s->root;
	unsigned n = 0;

	for (size_t r = 0; r < rn->p->nregions; r++) {
		const struct region_map *rm = &rn->rmap[r];

		for (uint64_t i = 0; rm->mapped && i < rm->npages; i++) {
			uint64_t va = rm->va + i * PAGE_SIZE;

			for (int level = 0; level < 4; level++) {
				uint16_t idx = (uint16_t)((va >> (39 - 9 * level)) & (PTRS_PER_TABLE - 1));
				bool have = false;

				for (unsigned k = 0; k < n; k++)
					have |= s->hint_index[k] == idx;
				if (!have && n < SEARCH_MAX_HINT)
					s->hint_index[n++] = idx;
			}
		}
	}
	s->hint = (struct table_copy_hint){ s->hint_index, n < SEARCH_MAX_HINT ? n : 0 };
}

int search_run(struct search *s, struct explore_result *res)
{
	unsigned nw = s->opt->jobs ? s->opt->jobs : 1;
	struct worker *w = calloc(nw, sizeof(*w));
	int rc = 0;

	if (!w || seen_reserve(&s->seen_set, 1)) {
		free(w);
		return -ENOMEM;
	}
	s->t0 = now();
	s->made = malloc(1024 * sizeof(*s->made));
	if (!s->made) {
		free(w);
		return -ENOMEM;
	}
	s->capmade = 1024;
	/* the setup is state 0 */
	runner_canon(&s->root, &w[0].canon);
	{
		uint64_t name[2];

		state_name(&w[0].canon, name);
		seen_put(&s->seen_set, name);
	}
	s->made[s->nmade++] = (struct made){ 0, 0 };
	res->states = 1;
	for (unsigned i = 0; i < nw; i++) {
		w[i].s = s;
		if (runner_init(&w[i].work, s->menu->p, s->opt->layout, s->root.opt, &w[i].work_r) ||
		    runner_init(&w[i].scratch, s->menu->p, s->opt->layout, s->root.opt, &w[i].scratch_r)) {
			rc = -ENOMEM;
			goto out;
		}
	}
	for (unsigned d = 0; d < s->opt->depth && !rc; d++) {
		uint32_t level_start = s->level_start;

		s->level_end = (uint32_t)s->nmade;
		atomic_store(&s->next, level_start);
		if (level_start == s->level_end)
			break; /* nothing new at the last depth: the space is exhausted */
		for (unsigned i = 0; i < nw; i++) {
			if (w[i].level.slot)
				memset(w[i].level.slot, 0, w[i].level.cap * sizeof(*w[i].level.slot));
			w[i].level.n = 0;
		}
		for (unsigned i = 1; i < nw; i++)
			if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]))
				w[i].thread = 0;
		worker_main(&w[0]);
		for (unsigned i = 1; i < nw; i++)
			if (w[i].thread)
				pthread_join(w[i].thread, NULL);
		for (unsigned i = 0; i < nw; i++) {
			res->transitions += w[i].transitions;
			w[i].transitions = 0;
			if (w[i].nomem)
				rc = -ENOMEM;
		}
		if (!rc)
			rc = merge(s, w, nw, res);
		s->level_start = s->level_end;
		if (s->nmade > s->level_end)
			res->depth_reached = d + 1;
		if (atomic_load(&s->stop) || s->capped) {
			res->stopped_by = s->timed_out ? "--timeout" : s->capped ? "--max-states" : "out of memory";
			break;
		}
		res->depth_done = d + 1;
	}
	res->complete = !res->stopped_by && !rc;
out:
	for (unsigned i = 0; i < nw; i++) {
		if (w[i].s) {
			runner_destroy(&w[i].work);
			runner_destroy(&w[i].scratch);
		}
		free(w[i].v);
		free(w[i].level.slot);
	}
	free(w);
	res->seconds = now() - s->t0;
	{
		struct rusage ru;

		if (!getrusage(RUSAGE_SELF, &ru))
			res->peak_rss_kib = (size_t)ru.ru_maxrss;
	}
	return rc;
}
