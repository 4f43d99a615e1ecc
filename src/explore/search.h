/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_EXPLORE_SEARCH_H
#define PTESIM_EXPLORE_SEARCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "explore/explore.h"
#include "explore/menu.h"
#include "scenario/run_internal.h"

#define SEARCH_MAX_DEPTH 64u
#define SEARCH_CHUNK 16u     /* states a worker takes at a time */
#define SEARCH_MAX_HINT 64u

struct made;
struct seen_table {
	uint64_t (*slot)[2];
	size_t cap, n;
};

/* A violation's first sighting: the state and the operation that broke it. */
struct sighting {
	uint64_t name[2];
	uint32_t parent;
	uint16_t op;
	int16_t violation;
};

struct search {
	const struct explore_options *opt;
	const struct menu *menu;
	struct runner root;           /* the setup, done */
	struct run_result root_r;
	struct table_copy_hint hint;
	uint16_t hint_index[SEARCH_MAX_HINT];
	struct seen_table seen_set, *seen;
	struct made *made;            /* [state]: its parent and operation; 0 is the setup */
	size_t nmade, capmade;
	uint32_t level_start, level_end;
	_Atomic uint32_t next;
	atomic_int stop;
	bool timed_out, capped;
	double t0;
	unsigned violated;            /* 1 << enum scn_violation seen */
	struct sighting violation[SCN_V_COUNT];
};

int search_init(struct search *s, const struct explore_options *opt, const struct menu *menu, char *err, size_t errlen);
void search_hint(struct search *s);
int search_run(struct search *s, struct explore_result *res);
void search_destroy(struct search *s);
/* Rebuilds state in rn from the setup, calling each after every command; -EINVAL when an operation on the way is no
 * transition (cannot happen for a path the search recorded). */
typedef void (*search_cmd_fn)(void *ctx, const struct xop *op, unsigned k, const struct runner *rn);
int search_replay(struct search *s, struct runner *rn, uint32_t state, search_cmd_fn each, void *ctx);
/* Runs one operation as the search does, calling each after its k-th
 * command; true when it is a transition. */
bool search_step(struct search *s, struct runner *rn, const struct xop *op, search_cmd_fn each, void *ctx);

#endif
