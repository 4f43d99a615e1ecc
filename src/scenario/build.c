/* SPDX-License-Identifier: MIT */
/*
 * The memory of a parsed program. Strings and per-command arrays come from
 * an arena that is released at once; the tables that grow while parsing
 * (names, commands) are plain arrays whose capacities live next to it.
 */
#include <errno.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/build.h"

struct arena_block {
	struct arena_block *next;
	size_t used;
	size_t size;
	max_align_t data[];
};

struct scn_arena {
	struct arena_block *blocks;
	size_t cap_processes;
	size_t cap_regions;
	size_t cap_objects;
	size_t cap_layouts;
	size_t cap_results;
	size_t cap_commands;
};

enum { ARENA_BLOCK_BYTES = 16 * 1024 };

struct scn_program *program_new(const char *filename)
{
	struct scn_program *prog = calloc(1, sizeof(*prog));

	if (!prog)
		return NULL;
	prog->arena = calloc(1, sizeof(*prog->arena));
	prog->header.hafdbs = true;
	prog->header.swap = true;
	if (!prog->arena || !(prog->filename = program_strdup(prog, filename))) {
		scn_program_free(prog);
		return NULL;
	}
	return prog;
}

void scn_program_free(struct scn_program *prog)
{
	if (!prog)
		return;
	if (prog->arena) {
		struct arena_block *b = prog->arena->blocks;

		while (b) {
			struct arena_block *next = b->next;

			free(b);
			b = next;
		}
		free(prog->arena);
	}
	free(prog->header.layouts);
	free(prog->header.results);
	free(prog->processes);
	free(prog->regions);
	free(prog->objects);
	free(prog->commands);
	free(prog);
}

void *program_alloc(struct scn_program *prog, size_t size)
{
	const size_t unit = sizeof(max_align_t);
	struct arena_block *b = prog->arena->blocks;
	void *p;

	if (size > SIZE_MAX / 2)
		return NULL;
	size = (size + unit - 1) / unit * unit;
	if (!b || b->size - b->used < size) {
		size_t bytes = size > ARENA_BLOCK_BYTES ? size : ARENA_BLOCK_BYTES;

		b = malloc(sizeof(*b) + bytes);
		if (!b)
			return NULL;
		b->size = bytes;
		b->used = 0;
		b->next = prog->arena->blocks;
		prog->arena->blocks = b;
	}
	p = (char *)b->data + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

const char *program_strdup(struct scn_program *prog, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = program_alloc(prog, n);

	if (d)
		memcpy(d, s, n);
	return d;
}

/* items with room for count + 1 elements, or NULL (items untouched). */
static void *grow(void *items, size_t *cap, size_t count, size_t size)
{
	size_t ncap;
	void *grown;

	if (count < *cap)
		return items;
	ncap = *cap ? *cap * 2 : 8;
	if (ncap > SIZE_MAX / size)
		return NULL;
	grown = realloc(items, ncap * size);
	if (grown)
		*cap = ncap;
	return grown;
}

static int add_name(struct scn_program *prog, const char ***names, size_t *count, size_t *cap,
		    const char *name)
{
	const char **grown = grow(*names, cap, *count, sizeof(**names));
	const char *copy;

	if (!grown)
		return -ENOMEM;
	*names = grown;
	copy = program_strdup(prog, name);
	if (!copy)
		return -ENOMEM;
	grown[(*count)++] = copy;
	return 0;
}

int program_add_process(struct scn_program *prog, const char *name)
{
	return add_name(prog, &prog->processes, &prog->nprocesses, &prog->arena->cap_processes, name);
}

int program_add_region(struct scn_program *prog, const char *name)
{
	return add_name(prog, &prog->regions, &prog->nregions, &prog->arena->cap_regions, name);
}

int program_add_layout(struct scn_program *prog, const char *name)
{
	return add_name(prog, &prog->header.layouts, &prog->header.nlayouts,
			&prog->arena->cap_layouts, name);
}

int program_add_object(struct scn_program *prog, const char *name, enum scn_backing kind)
{
	struct scn_object *grown = grow(prog->objects, &prog->arena->cap_objects, prog->nobjects,
					sizeof(*grown));
	const char *copy;

	if (!grown)
		return -ENOMEM;
	prog->objects = grown;
	copy = program_strdup(prog, name);
	if (!copy)
		return -ENOMEM;
	grown[prog->nobjects++] = (struct scn_object){ .name = copy, .kind = kind };
	return 0;
}

struct scn_expect_result *program_add_result(struct scn_program *prog)
{
	struct scn_header *h = &prog->header;
	struct scn_expect_result *grown = grow(h->results, &prog->arena->cap_results, h->nresults,
					       sizeof(*grown));

	if (!grown)
		return NULL;
	h->results = grown;
	grown[h->nresults] = (struct scn_expect_result){ 0 };
	return &grown[h->nresults++];
}

struct scn_command *program_add_command(struct scn_program *prog)
{
	struct scn_command *grown = grow(prog->commands, &prog->arena->cap_commands, prog->ncommands,
					 sizeof(*grown));

	if (!grown)
		return NULL;
	prog->commands = grown;
	memset(&grown[prog->ncommands], 0, sizeof(*grown));
	return &grown[prog->ncommands++];
}

struct name_slot {
	const char *name; /* NULL: empty */
	uint32_t value;
};

int name_index_init(struct name_index *ix, size_t limit)
{
	size_t nslots = 8;

	while (nslots < 2 * limit)
		nslots *= 2;
	*ix = (struct name_index){ .nslots = nslots, .limit = limit };
	ix->slots = calloc(nslots, sizeof(*ix->slots));
	return ix->slots ? 0 : -ENOMEM;
}

void name_index_destroy(struct name_index *ix)
{
	free(ix->slots);
	*ix = (struct name_index){ 0 };
}

/* FNV-1a */
static size_t name_hash(const char *s, size_t len)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * UINT64_C(0x100000001b3);
	return (size_t)h;
}

/* The slot holding name, or the empty slot where it would go. The table is
 * at most half full, so the probe always ends. */
static struct name_slot *probe(const struct name_index *ix, const char *name, size_t len)
{
	size_t mask = ix->nslots - 1;

	for (size_t i = name_hash(name, len) & mask;; i = (i + 1) & mask) {
		struct name_slot *s = &ix->slots[i];

		if (!s->name || (!strncmp(s->name, name, len) && s->name[len] == 0))
			return s;
	}
}

long name_index_find(const struct name_index *ix, const char *name, size_t len)
{
	const struct name_slot *s = probe(ix, name, len);

	return s->name ? (long)s->value : -1;
}

int name_index_put(struct name_index *ix, const char *name, uint32_t value)
{
	struct name_slot *s;

	if (ix->count >= ix->limit)
		return -ENOSPC;
	s = probe(ix, name, strlen(name));
	s->name = name;
	s->value = value;
	ix->count++;
	return 0;
}
