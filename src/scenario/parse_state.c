/* SPDX-License-Identifier: MIT */
/*
 * What the parser knows statically about a run: the processes, the region
 * names each process has mapped and their sizes, and the backing objects.
 * This is enough to resolve every page reference before the run starts; a
 * region that was unmapped keeps its name and size, because touching it is
 * a run-time matter (`write A[0] -> segv`), not a parse error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/parse_internal.h"

static int add_process(struct parser *p, const char *name)
{
	uint32_t index = (uint32_t)p->prog->nprocesses;

	if (program_add_process(p->prog, name))
		return -ENOMEM;
	/* the index keeps the program's copy, which outlives the parser */
	return name_index_put(&p->process_names, p->prog->processes[index], index);
}

int state_init(struct parser *p)
{
	int rc = name_index_init(&p->process_names, SCN_MAX_PROCESSES);

	if (!rc)
		rc = name_index_init(&p->region_names, SCN_MAX_REGIONS);
	if (!rc)
		rc = name_index_init(&p->object_names, SCN_MAX_OBJECTS);
	if (rc)
		return -ENOMEM;
	p->processes = calloc(SCN_MAX_PROCESSES, sizeof(*p->processes));
	p->object_line = calloc(SCN_MAX_OBJECTS, sizeof(*p->object_line));
	if (!p->processes || !p->object_line)
		return -ENOMEM;
	return add_process(p, "p0") ? -ENOMEM : 0;
}

void state_destroy(struct parser *p)
{
	if (p->processes)
		for (size_t i = 0; i < SCN_MAX_PROCESSES; i++)
			free(p->processes[i].regions);
	free(p->processes);
	free(p->object_line);
	p->processes = NULL;
	p->object_line = NULL;
	name_index_destroy(&p->process_names);
	name_index_destroy(&p->region_names);
	name_index_destroy(&p->object_names);
}

static int check_name(struct parser *p, const struct lex_token *t, const char *what)
{
	char q[LEX_QUOTE_SIZE];

	if (lex_is_name(t->s))
		return 0;
	return parse_error(p, t->col,
			   "bad %s name '%s' (letters, digits, '_' and '-', not starting with a digit or '-')",
			   what, lex_quote(t->s, q));
}

int process_lookup(struct parser *p, const struct lex_token *t, uint32_t *index)
{
	char q[LEX_QUOTE_SIZE];
	long found;
	int rc = check_name(p, t, "process");

	if (rc)
		return rc;
	found = name_index_find(&p->process_names, t->s, t->len);
	if (found < 0)
		return parse_error(p, t->col, "unknown process '%s'", lex_quote(t->s, q));
	*index = (uint32_t)found;
	return 0;
}

int process_fork(struct parser *p, const struct lex_token *t, uint32_t *child)
{
	char q[LEX_QUOTE_SIZE];
	const struct process_state *parent = &p->processes[p->current];
	struct process_state *state;
	uint32_t index = (uint32_t)p->prog->nprocesses;
	int rc = check_name(p, t, "process");

	if (rc)
		return rc;
	if (name_index_find(&p->process_names, t->s, t->len) >= 0)
		return parse_error(p, t->col, "the process name '%s' is already taken",
				   lex_quote(t->s, q));
	if (index >= SCN_MAX_PROCESSES)
		return parse_error(p, t->col, "more than %u processes", SCN_MAX_PROCESSES);
	if (add_process(p, t->s))
		return parse_nomem(p);
	/* the child starts with its parent's mappings under the same names */
	state = &p->processes[index];
	if (parent->nregions) {
		state->regions = malloc(parent->nregions * sizeof(*state->regions));
		if (!state->regions)
			return parse_nomem(p);
		memcpy(state->regions, parent->regions, parent->nregions * sizeof(*state->regions));
		state->nregions = parent->nregions;
	}
	*child = index;
	return 0;
}

/* The current process's slot for region index, allocated if need be. */
static struct region_slot *region_slot(struct parser *p, uint32_t index)
{
	struct process_state *s = &p->processes[p->current];

	if (index >= s->nregions) {
		size_t n = p->prog->nregions; /* room for every region named so far */
		struct region_slot *grown = realloc(s->regions, n * sizeof(*grown));

		if (!grown)
			return NULL;
		memset(grown + s->nregions, 0, (n - s->nregions) * sizeof(*grown));
		s->regions = grown;
		s->nregions = n;
	}
	return &s->regions[index];
}

int region_define(struct parser *p, const struct lex_token *t, uint64_t npages, uint32_t *index)
{
	char q[LEX_QUOTE_SIZE];
	struct region_slot *slot;
	long found;
	int rc = check_name(p, t, "region");

	if (rc)
		return rc;
	found = name_index_find(&p->region_names, t->s, t->len);
	if (found < 0) {
		if (p->prog->nregions >= SCN_MAX_REGIONS)
			return parse_error(p, t->col, "more than %u region names", SCN_MAX_REGIONS);
		found = (long)p->prog->nregions;
		if (program_add_region(p->prog, t->s) ||
		    name_index_put(&p->region_names, p->prog->regions[found], (uint32_t)found))
			return parse_nomem(p);
	}
	slot = region_slot(p, (uint32_t)found);
	if (!slot)
		return parse_nomem(p);
	if (slot->line)
		return parse_error(p, t->col, "region '%s' already exists in %s (mapped at line %u)",
				   lex_quote(t->s, q), p->prog->processes[p->current], slot->line);
	slot->line = p->lineno;
	slot->npages = npages;
	*index = (uint32_t)found;
	return 0;
}

int region_resolve(struct parser *p, const struct lex_token *t, const char *name, size_t len,
		   uint32_t *index, uint64_t *npages)
{
	const struct process_state *s = &p->processes[p->current];
	long found = name_index_find(&p->region_names, name, len);

	if (found < 0 || (size_t)found >= s->nregions || !s->regions[found].line)
		return parse_error(p, t->col, "no region '%.*s' in %s", (int)(len > 40 ? 40 : len),
				   name, p->prog->processes[p->current]);
	*index = (uint32_t)found;
	*npages = s->regions[found].npages;
	return 0;
}

static const char *backing_word(enum scn_backing kind)
{
	return kind == SCN_SHMEM ? "shmem" : "file";
}

int object_use(struct parser *p, const struct lex_token *t, const char *name,
	       enum scn_backing kind, uint32_t *index)
{
	char q[LEX_QUOTE_SIZE];
	long found;

	if (!lex_is_name(name))
		return parse_error(p, t->col, "bad object name in '%s' (%s:NAME)", lex_quote(t->s, q),
				   backing_word(kind));
	found = name_index_find(&p->object_names, name, strlen(name));
	if (found >= 0) {
		const struct scn_object *o = &p->prog->objects[found];

		if (o->kind != kind)
			return parse_error(p, t->col, "'%s' is a %s object (line %u), not %s",
					   lex_quote(name, q), backing_word(o->kind),
					   p->object_line[found], backing_word(kind));
		*index = (uint32_t)found;
		return 0;
	}
	if (p->prog->nobjects >= SCN_MAX_OBJECTS)
		return parse_error(p, t->col, "more than %u backing objects", SCN_MAX_OBJECTS);
	found = (long)p->prog->nobjects;
	if (program_add_object(p->prog, name, kind) ||
	    name_index_put(&p->object_names, p->prog->objects[found].name, (uint32_t)found))
		return parse_nomem(p);
	p->object_line[found] = p->lineno;
	*index = (uint32_t)found;
	return 0;
}
