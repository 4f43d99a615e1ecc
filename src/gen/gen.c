/* SPDX-License-Identifier: MIT */
/*
 * The random scenario generator. It keeps, per process, which pages of
 * each region are mapped and with which protection, exactly as Linux
 * decides them, and writes every command with the outcome that follows:
 * `-> segv` for an access to a page that is unmapped or lacks the right,
 * `-> ENOMEM` for mprotect and madvise over a hole, `-> EINVAL` for
 * madvise free outside private anonymous memory. Names are never
 * reused: region rN, process pN, objects s0 s1 (shmem) and f0 f1 (file),
 * so that two mappings of one object share its pages.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen/gen.h"

#define MAX_PROCS 8       /* process names over a scenario */
#define MAX_LIVE 4        /* processes alive at once */
#define MAX_REGIONS 48    /* region names over a scenario */
#define MAX_DEFINED 8     /* regions one process may name */
#define MAX_PAGES 8
#define NOBJECTS 2        /* per backing kind */

/* PROT as the language numbers it: read 1, write 2, exec 4 */
#define P_READ 1u
#define P_WRITE 2u

struct page {
	bool mapped;
	unsigned prot;
};

struct region {
	bool defined;
	bool private_anon; /* what MADV_FREE works on (vma_is_anonymous()) */
	unsigned npages;
	struct page pg[MAX_PAGES];
};

struct proc {
	bool alive;
	struct region reg[MAX_REGIONS];
};

struct gen {
	uint64_t rng;
	unsigned features;
	FILE *out;
	struct proc *procs; /* [MAX_PROCS] */
	unsigned nprocs;    /* names used: p0 .. p(nprocs-1) */
	unsigned cur;
	unsigned nregions;  /* names used: r0 .. */
};

static const struct {
	const char *name;
	unsigned bit;
} feature_table[] = {
	{ "anon", GEN_ANON },         { "shmem", GEN_SHMEM },       { "file", GEN_FILE },
	{ "fork", GEN_FORK },         { "mprotect", GEN_MPROTECT }, { "dontneed", GEN_DONTNEED },
	{ "munmap", GEN_MUNMAP },     { "exec", GEN_EXEC },         { "clear_refs", GEN_CLEAR_REFS },
	{ "free", GEN_FREE },         { "pageout", GEN_PAGEOUT },   { "cold", GEN_COLD },
	{ "reclaim", GEN_RECLAIM },
};

const char *gen_feature_names(void)
{
	return "anon,shmem,file,fork,mprotect,dontneed,munmap,exec,clear_refs,free,pageout,cold,reclaim";
}

int gen_features_parse(const char *list, unsigned *features, char *bad, size_t badlen)
{
	const char *s = list;

	*features = 0;
	while (*s) {
		size_t len = strcspn(s, ","), i;

		for (i = 0; i < sizeof(feature_table) / sizeof(feature_table[0]); i++)
			if (strlen(feature_table[i].name) == len && !strncmp(s, feature_table[i].name, len))
				break;
		if (i == sizeof(feature_table) / sizeof(feature_table[0])) {
			snprintf(bad, badlen, "%.*s", (int)len, s);
			return -1;
		}
		*features |= feature_table[i].bit;
		s += len;
		if (*s == ',')
			s++;
	}
	if (!(*features & (GEN_ANON | GEN_SHMEM | GEN_FILE))) {
		snprintf(bad, badlen, "%s", "(no backing: give anon, shmem or file)");
		return -1;
	}
	return 0;
}

/* splitmix64: small, fast, and the same sequence everywhere */
static uint64_t next(struct gen *g)
{
	uint64_t z = (g->rng += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* 0 .. n-1 (n > 0); the slight bias of a modulo does not matter here */
static unsigned below(struct gen *g, unsigned n)
{
	return (unsigned)(next(g) % n);
}

static struct proc *current(struct gen *g)
{
	return &g->procs[g->cur];
}

static unsigned defined_count(const struct proc *pr, unsigned nregions)
{
	unsigned n = 0;

	for (unsigned r = 0; r < nregions; r++)
		n += pr->reg[r].defined;
	return n;
}

static unsigned live_count(const struct gen *g)
{
	unsigned n = 0;

	for (unsigned i = 0; i < g->nprocs; i++)
		n += g->procs[i].alive;
	return n;
}

/* A random region the current process names; -1 if none. */
static int pick_region(struct gen *g)
{
	const struct proc *pr = current(g);
	unsigned n = defined_count(pr, g->nregions), k;

	if (!n)
		return -1;
	k = below(g, n);
	for (unsigned r = 0; r < g->nregions; r++)
		if (pr->reg[r].defined && k-- == 0)
			return (int)r;
	return -1;
}

/* A random live process other than the current one; -1 if none. */
static int pick_other(struct gen *g)
{
	unsigned n = live_count(g) - 1, k;

	if (!n)
		return -1;
	k = below(g, n);
	for (unsigned i = 0; i < g->nprocs; i++)
		if (g->procs[i].alive && i != g->cur && k-- == 0)
			return (int)i;
	return -1;
}

static const char *prot_name(unsigned prot)
{
	static const char *const names[] = { "none", "r", "rw", "rw", "none", "rx", "rwx", "rwx" };

	return names[prot & 7u];
}

static unsigned random_prot(struct gen *g)
{
	static const unsigned prots[] = { 0, P_READ, P_READ | P_WRITE, P_READ | 4u, P_READ | P_WRITE | 4u };

	return prots[below(g, (g->features & GEN_EXEC) ? 5 : 3)];
}

/* Pages [first, first+count) of region r, written as the language does. */
static void put_range(struct gen *g, unsigned r, unsigned npages, unsigned first, unsigned count)
{
	if (first == 0 && count == npages)
		fprintf(g->out, "r%u", r);
	else if (count == 1)
		fprintf(g->out, "r%u[%u]", r, first);
	else
		fprintf(g->out, "r%u[%u:%u]", r, first, first + count);
}

static void pick_range(struct gen *g, unsigned npages, unsigned *first, unsigned *count)
{
	*first = below(g, npages);
	*count = 1 + below(g, npages - *first);
}

static bool gen_mmap(struct gen *g)
{
	struct proc *pr = current(g);
	unsigned kinds[3], nkinds = 0, kind, r, n, prot;
	struct region *rg;
	bool shared;

	if (g->nregions == MAX_REGIONS || defined_count(pr, g->nregions) >= MAX_DEFINED)
		return false;
	if (g->features & GEN_ANON)
		kinds[nkinds++] = GEN_ANON;
	if (g->features & GEN_SHMEM)
		kinds[nkinds++] = GEN_SHMEM;
	if (g->features & GEN_FILE)
		kinds[nkinds++] = GEN_FILE;
	kind = kinds[below(g, nkinds)];
	r = g->nregions++;
	n = 1 + below(g, MAX_PAGES);
	prot = random_prot(g);
	shared = below(g, 2);
	fprintf(g->out, "mmap r%u %u %s %s ", r, n, prot_name(prot), shared ? "shared" : "private");
	if (kind == GEN_ANON)
		fprintf(g->out, "anon\n");
	else
		fprintf(g->out, "%s:%c%u\n", kind == GEN_SHMEM ? "shmem" : "file", kind == GEN_SHMEM ? 's' : 'f',
			below(g, NOBJECTS));
	rg = &pr->reg[r];
	rg->defined = true;
	rg->private_anon = kind == GEN_ANON && !shared;
	rg->npages = n;
	for (unsigned i = 0; i < n; i++)
		rg->pg[i] = (struct page){ true, prot };
	return true;
}

/* read or write of one page, with the outcome the page's state decides */
static bool gen_access(struct gen *g, bool write)
{
	int r = pick_region(g);
	const struct region *rg;
	unsigned i;
	bool ok;

	if (r < 0)
		return false;
	rg = &current(g)->reg[r];
	i = below(g, rg->npages);
	ok = rg->pg[i].mapped && (rg->pg[i].prot & (write ? P_WRITE : P_READ));
	fprintf(g->out, "%s r%d[%u]", write ? "write" : "read", r, i);
	/* explicit values now and then, fresh ones otherwise */
	if (write && below(g, 2))
		fprintf(g->out, " 0x%x", (unsigned)(next(g) & 0xffffffu) + 1u);
	fprintf(g->out, "%s\n", ok ? "" : " -> segv");
	return true;
}

static bool gen_munmap(struct gen *g)
{
	int r = pick_region(g);
	struct region *rg;
	unsigned first, count;

	if (r < 0)
		return false;
	rg = &current(g)->reg[r];
	pick_range(g, rg->npages, &first, &count);
	fprintf(g->out, "munmap ");
	put_range(g, (unsigned)r, rg->npages, first, count);
	fputc('\n', g->out);
	for (unsigned i = first; i < first + count; i++)
		rg->pg[i].mapped = false;
	return true;
}

/* do_mprotect_pkey: nothing if the first page is unmapped; otherwise the
 * pages up to the first hole change, and a hole makes it ENOMEM. */
static bool gen_mprotect(struct gen *g)
{
	int r = pick_region(g);
	struct region *rg;
	unsigned first, count, prot, i;

	if (r < 0)
		return false;
	rg = &current(g)->reg[r];
	pick_range(g, rg->npages, &first, &count);
	prot = random_prot(g);
	for (i = first; i < first + count && rg->pg[i].mapped; i++)
		rg->pg[i].prot = prot;
	fprintf(g->out, "mprotect ");
	put_range(g, (unsigned)r, rg->npages, first, count);
	fprintf(g->out, " %s%s\n", prot_name(prot), i < first + count ? " -> ENOMEM" : "");
	return true;
}

/*
 * madvise works on what is mapped and reports ENOMEM for any hole; a VMA
 * it cannot work on (MADV_FREE: anything but private anonymous memory)
 * stops it with EINVAL at once.
 */
static bool gen_madvise(struct gen *g, const char *advice)
{
	int r = pick_region(g);
	const struct region *rg;
	unsigned first, count;
	bool hole = false, mapped = false;

	if (r < 0)
		return false;
	rg = &current(g)->reg[r];
	pick_range(g, rg->npages, &first, &count);
	for (unsigned i = first; i < first + count; i++) {
		hole |= !rg->pg[i].mapped;
		mapped |= rg->pg[i].mapped;
	}
	fprintf(g->out, "madvise ");
	put_range(g, (unsigned)r, rg->npages, first, count);
	if (!strcmp(advice, "free") && mapped && !rg->private_anon)
		fprintf(g->out, " %s -> EINVAL\n", advice);
	else
		fprintf(g->out, " %s%s\n", advice, hole ? " -> ENOMEM" : "");
	return true;
}

static void gen_clear_refs(struct gen *g)
{
	static const char *const values[] = { "soft-dirty", "all", "anon", "mapped" };

	fprintf(g->out, "clear_refs %s\n", values[below(g, 4)]);
}

/* reclaim is no system call: no outcome, holes included */
static bool gen_reclaim(struct gen *g)
{
	int r = pick_region(g);
	unsigned first, count, n;

	if (r < 0)
		return false;
	n = current(g)->reg[r].npages;
	pick_range(g, n, &first, &count);
	fprintf(g->out, "reclaim ");
	put_range(g, (unsigned)r, n, first, count);
	fputc('\n', g->out);
	return true;
}

static bool gen_fork(struct gen *g)
{
	unsigned child = g->nprocs;

	if (child == MAX_PROCS || live_count(g) >= MAX_LIVE)
		return false;
	g->nprocs++;
	g->procs[child] = *current(g);
	fprintf(g->out, "fork p%u\n", child);
	return true;
}

static bool gen_as(struct gen *g)
{
	int other = pick_other(g);

	if (other < 0)
		return false;
	g->cur = (unsigned)other;
	fprintf(g->out, "as p%d\n", other);
	return true;
}

/* never the current process, so the last one never exits */
static bool gen_exit(struct gen *g)
{
	int other = pick_other(g);

	if (other < 0)
		return false;
	g->procs[other].alive = false;
	fprintf(g->out, "exit p%d\n", other);
	return true;
}

static void gen_pagemap(struct gen *g)
{
	int r = pick_region(g);
	unsigned first, count, n;

	if (r < 0)
		return;
	n = current(g)->reg[r].npages;
	if (below(g, 2)) {
		first = 0;
		count = n;
	} else {
		pick_range(g, n, &first, &count);
	}
	fprintf(g->out, "pagemap ");
	put_range(g, (unsigned)r, n, first, count);
	fputc('\n', g->out);
}

/* One operation, drawn by weight among those the features allow; one that
 * cannot be done now (no region yet, no room for a process) draws again,
 * and a step that finds nothing to do maps a region. */
static void step(struct gen *g)
{
	static const struct {
		unsigned weight;
		unsigned needs; /* 0: always allowed */
		int op;
	} ops[] = {
		{ 3, 0, 0 },            /* mmap */
		{ 6, 0, 1 },            /* write */
		{ 4, 0, 2 },            /* read */
		{ 1, GEN_MUNMAP, 3 },   { 2, GEN_MPROTECT, 4 }, { 2, GEN_DONTNEED, 5 },
		{ 1, GEN_FORK, 6 },     { 1, GEN_FORK, 7 },     /* fork, as */
		{ 1, GEN_FORK, 8 },     /* exit */
		{ 1, GEN_CLEAR_REFS, 9 }, { 2, GEN_FREE, 10 }, { 1, GEN_PAGEOUT, 11 },
		{ 1, GEN_COLD, 12 },    { 2, GEN_RECLAIM, 13 },
	};
	unsigned total = 0;

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!ops[i].needs || (g->features & ops[i].needs))
			total += ops[i].weight;
	for (int attempt = 0; attempt < 16; attempt++) {
		unsigned k = below(g, total);
		bool done = false;

		for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
			if (ops[i].needs && !(g->features & ops[i].needs))
				continue;
			if (k >= ops[i].weight) {
				k -= ops[i].weight;
				continue;
			}
			switch (ops[i].op) {
			case 0: done = gen_mmap(g); break;
			case 1: done = gen_access(g, true); break;
			case 2: done = gen_access(g, false); break;
			case 3: done = gen_munmap(g); break;
			case 4: done = gen_mprotect(g); break;
			case 5: done = gen_madvise(g, "dontneed"); break;
			case 6: done = gen_fork(g); break;
			case 7: done = gen_as(g); break;
			case 8: done = gen_exit(g); break;
			case 9: gen_clear_refs(g); done = true; break;
			case 10: done = gen_madvise(g, "free"); break;
			case 11: done = gen_madvise(g, "pageout"); break;
			case 12: done = gen_madvise(g, "cold"); break;
			default: done = gen_reclaim(g); break;
			}
			break;
		}
		if (done)
			return;
	}
	if (!gen_mmap(g) && !gen_access(g, false))
		fprintf(g->out, "# nothing to do\n");
}

/* Every region of every live process, the last word of a scenario. */
static void final_pagemaps(struct gen *g)
{
	for (unsigned i = 0; i < g->nprocs; i++) {
		if (!g->procs[i].alive)
			continue;
		if (i != g->cur) {
			g->cur = i;
			fprintf(g->out, "as p%u\n", i);
		}
		for (unsigned r = 0; r < g->nregions; r++)
			if (g->procs[i].reg[r].defined)
				fprintf(g->out, "pagemap r%u\n", r);
	}
}

char *gen_scenario(uint64_t seed, unsigned steps, unsigned features)
{
	struct gen g = { .rng = seed, .features = features, .nprocs = 1 };
	char *text = NULL;
	size_t len = 0;
	unsigned until_pagemap = 3;

	g.procs = calloc(MAX_PROCS, sizeof(*g.procs));
	g.out = open_memstream(&text, &len);
	if (!g.procs || !g.out) {
		free(g.procs);
		if (g.out)
			fclose(g.out);
		free(text);
		return NULL;
	}
	g.procs[0].alive = true;
	fprintf(g.out, "# ptesim gen --seed %llu --steps %u", (unsigned long long)seed, steps);
	/* the command line that makes this text again */
	for (size_t i = 0; features != GEN_DEFAULT && i < sizeof(feature_table) / sizeof(feature_table[0]); i++)
		if (features & feature_table[i].bit)
			fprintf(g.out, "%s%s", i && (features & (feature_table[i].bit - 1)) ? "," : " --features ",
				feature_table[i].name);
	fprintf(g.out, "\nlayout x86_64\n");
	for (unsigned s = 0; s < steps; s++) {
		step(&g);
		if (--until_pagemap == 0) {
			gen_pagemap(&g);
			until_pagemap = 2 + below(&g, 4);
		}
	}
	final_pagemaps(&g);
	free(g.procs);
	if (fclose(g.out)) {
		free(text);
		return NULL;
	}
	return text;
}
