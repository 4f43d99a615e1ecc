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
 *
 * userfaultfd: a process opens its uffd synchronous (always with
 * WP_UNPOPULATED, so that a page is protected whether it is there or
 * not) or asynchronous. Each page knows whether it is registered and
 * whether it is write-protected; after a call that may drop the
 * protection (madvise, reclaim) that is unknown until the next wp or
 * unwp, and no write to such a page is drawn in a synchronous process.
 * A write that blocks is followed at once by its event and the unwp that
 * completes it, so that no write waits across other commands.
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

enum wp_state { WP_NO, WP_YES, WP_UNKNOWN };

struct page {
	bool mapped;
	unsigned prot;
	bool uffd;          /* registered with the process's uffd (mode wp) */
	enum wp_state wp;   /* uffd write-protected */
};

struct region {
	bool defined;
	bool private_anon; /* what MADV_FREE works on (vma_is_anonymous()) */
	bool file;         /* file:OBJ, which only an async uffd registers */
	unsigned npages;
	struct page pg[MAX_PAGES];
};

enum uffd_mode { UFFD_NONE, UFFD_SYNC, UFFD_ASYNC };

struct proc {
	bool alive;
	enum uffd_mode uffd;
	bool event_fork;
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
	{ "reclaim", GEN_RECLAIM },   { "uffd", GEN_UFFD },         { "scan", GEN_SCAN },
};

const char *gen_feature_names(void)
{
	return "anon,shmem,file,fork,mprotect,dontneed,munmap,exec,clear_refs,free,pageout,cold,reclaim,uffd,scan";
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
	rg->file = kind == GEN_FILE;
	rg->npages = n;
	for (unsigned i = 0; i < n; i++)
		rg->pg[i] = (struct page){ .mapped = true, .prot = prot };
	return true;
}

/* A random page of the current process that pred accepts (*r, *i); false
 * if none. */
static bool pick_page(struct gen *g, bool (*pred)(const struct page *), unsigned *r, unsigned *i)
{
	const struct proc *pr = current(g);
	unsigned n = 0, k;

	for (unsigned x = 0; x < g->nregions; x++)
		for (unsigned y = 0; pr->reg[x].defined && y < pr->reg[x].npages; y++)
			n += pred(&pr->reg[x].pg[y]);
	if (!n)
		return false;
	k = below(g, n);
	for (unsigned x = 0; x < g->nregions; x++)
		for (unsigned y = 0; pr->reg[x].defined && y < pr->reg[x].npages; y++)
			if (pred(&pr->reg[x].pg[y]) && k-- == 0) {
				*r = x;
				*i = y;
				return true;
			}
	return false;
}

static bool is_registered(const struct page *pg)
{
	return pg->uffd;
}

static bool blocks_a_write(const struct page *pg)
{
	return pg->uffd && pg->wp == WP_YES && (pg->prot & P_WRITE);
}

/* A write that blocks, its event, and the unwp that completes it. */
static void complete_blocked(struct gen *g, unsigned r, unsigned i)
{
	if (below(g, 2))
		fprintf(g->out, "pagemap r%u[%u]\n", r, i);
	fprintf(g->out, "expect event r%u[%u] uffd-wp\nuffd unwp r%u[%u]\n", r, i, r, i);
}

/* read or write of one page, with the outcome the page's state decides */
static bool gen_access(struct gen *g, bool write)
{
	int r = pick_region(g);
	struct proc *pr = current(g);
	struct page *pg;
	unsigned i;
	bool ok, blocks = false;

	if (r < 0)
		return false;
	i = below(g, pr->reg[r].npages);
	/* in a synchronous process, often a write that blocks */
	if (write && pr->uffd == UFFD_SYNC && below(g, 2)) {
		unsigned br, bi;

		if (pick_page(g, blocks_a_write, &br, &bi)) {
			r = (int)br;
			i = bi;
		}
	}
	pg = &pr->reg[r].pg[i];
	ok = pg->mapped && (pg->prot & (write ? P_WRITE : P_READ));
	/* a synchronous uffd-wp fault blocks the writer; whether the page is
	 * still protected must be known */
	if (write && ok && pr->uffd == UFFD_SYNC && pg->uffd) {
		if (pg->wp == WP_UNKNOWN)
			return false;
		blocks = pg->wp == WP_YES;
	}
	fprintf(g->out, "%s r%d[%u]", write ? "write" : "read", r, i);
	/* explicit values now and then, fresh ones otherwise */
	if (write && below(g, 2))
		fprintf(g->out, " 0x%x", (unsigned)(next(g) & 0xffffffu) + 1u);
	fprintf(g->out, "%s\n", blocks ? " -> blocked" : ok ? "" : " -> segv");
	if (blocks)
		complete_blocked(g, (unsigned)r, i);
	/* a completed write (async: resolved by the kernel) leaves it unprotected */
	if (write && ok)
		pg->wp = WP_NO;
	return true;
}

/* A call that may drop uffd-wp protection (a zap drops an anonymous
 * page's marker, reclaim may discard the page): unknown from now on. */
static void protection_unknown(struct region *rg, unsigned first, unsigned count)
{
	for (unsigned i = first; i < first + count; i++)
		if (rg->pg[i].wp == WP_YES)
			rg->pg[i].wp = WP_UNKNOWN;
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
		rg->pg[i] = (struct page){ .mapped = false };
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
	struct region *rg;
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
	protection_unknown(rg, first, count);
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
	protection_unknown(&current(g)->reg[r], first, count);
	fprintf(g->out, "reclaim ");
	put_range(g, (unsigned)r, n, first, count);
	fputc('\n', g->out);
	return true;
}

/* ---- userfaultfd ---------------------------------------------------------- */

/* One uffd a process: a second open is UFFDIO_API again on it, EINVAL. */
static bool gen_uffd_open(struct gen *g)
{
	struct proc *pr = current(g);
	bool async = below(g, 2), again = pr->uffd != UFFD_NONE, event_fork;

	if (again && below(g, 4))
		return false;
	event_fork = (g->features & GEN_FORK) && below(g, 2);
	fprintf(g->out, "uffd open%s%s%s%s%s\n", async ? " async" : "", !async || below(g, 3) == 0 ? " unpopulated" : "",
		event_fork ? " event-fork" : "", below(g, 3) == 0 ? " shmem-hugetlbfs" : "", again ? " -> EINVAL" : "");
	if (!again) {
		pr->uffd = async ? UFFD_ASYNC : UFFD_SYNC;
		pr->event_fork = event_fork;
	}
	return true;
}

/*
 * uffd register and unregister (vma_can_userfault()): every VMA of the
 * range must be anonymous or shmem, or with WP_ASYNC anything (for
 * unregister: a file VMA must be registered, as the check is made with
 * its own flags); EINVAL when one is not, or when the range has no VMA
 * at all. Holes do not matter. Nothing changes on an error.
 */
static bool gen_uffd_register(struct gen *g, bool reg)
{
	int r = pick_region(g);
	struct proc *pr = current(g);
	struct region *rg;
	unsigned first, count;
	bool mapped = false, fits = true;
	const char *err = NULL;

	if (r < 0)
		return false;
	/* mostly with a uffd to do it with */
	if (pr->uffd == UFFD_NONE && below(g, 4))
		return gen_uffd_open(g);
	rg = &pr->reg[r];
	pick_range(g, rg->npages, &first, &count);
	for (unsigned i = first; i < first + count; i++) {
		const struct page *pg = &rg->pg[i];

		if (!pg->mapped)
			continue;
		mapped = true;
		if (rg->file && (pr->uffd != UFFD_ASYNC || (!reg && !pg->uffd)))
			fits = false;
	}
	if (pr->uffd == UFFD_NONE)
		err = "EBADF"; /* no descriptor */
	else if (!mapped || !fits)
		err = "EINVAL";
	fprintf(g->out, "uffd %s ", reg ? "register" : "unregister");
	put_range(g, (unsigned)r, rg->npages, first, count);
	fprintf(g->out, "%s%s%s\n", reg ? " wp" : "", err ? " -> " : "", err ? err : "");
	if (err)
		return true;
	for (unsigned i = first; i < first + count; i++)
		if (rg->pg[i].mapped) {
			rg->pg[i].uffd = reg;
			/* unregistering resets the entries */
			if (!reg)
				rg->pg[i].wp = WP_NO;
		}
	return true;
}

/* Mostly, when rg has a registered page, a range that starts at one and
 * has no unregistered page mapped, so that protection happens. */
static bool registered_range(struct gen *g, const struct region *rg, unsigned *first, unsigned *count)
{
	unsigned n = 0, k, end;

	for (unsigned i = 0; i < rg->npages; i++)
		n += rg->pg[i].uffd;
	if (!n || below(g, 4) == 0)
		return false;
	k = below(g, n);
	for (*first = 0; *first < rg->npages; (*first)++)
		if (rg->pg[*first].uffd && k-- == 0)
			break;
	for (end = *first + 1; end < rg->npages && (rg->pg[end].uffd || !rg->pg[end].mapped); end++)
		;
	*count = 1 + below(g, end - *first);
	return true;
}

/* uffd wp / unwp (mwriteprotect_range()): VMA after VMA, until one that is
 * not registered stops it with ENOENT; ENOENT too with no VMA at all. */
static bool gen_uffd_wp(struct gen *g, bool protect)
{
	int r = pick_region(g);
	struct proc *pr = current(g);
	struct region *rg;
	unsigned first, count;
	const char *err = pr->uffd == UFFD_NONE ? "EBADF" : "ENOENT";

	if (r < 0)
		return false;
	if (pr->uffd == UFFD_NONE && below(g, 4))
		return gen_uffd_open(g);
	/* mostly a region with registered pages */
	if (below(g, 4)) {
		unsigned rr, ri;

		if (pick_page(g, is_registered, &rr, &ri))
			r = (int)rr;
	}
	rg = &pr->reg[r];
	if (!registered_range(g, rg, &first, &count))
		pick_range(g, rg->npages, &first, &count);
	fprintf(g->out, "uffd %s ", protect ? "wp" : "unwp");
	put_range(g, (unsigned)r, rg->npages, first, count);
	if (pr->uffd != UFFD_NONE)
		for (unsigned i = first; i < first + count; i++) {
			struct page *pg = &rg->pg[i];

			if (!pg->mapped)
				continue;
			if (!pg->uffd) {
				err = "ENOENT";
				break;
			}
			err = NULL;
			pg->wp = protect ? WP_YES : WP_NO;
		}
	fprintf(g->out, "%s%s\n", err ? " -> " : "", err ? err : "");
	return true;
}

/* ---- PAGEMAP_SCAN ------------------------------------------------------ */

/* The categories that do not depend on soft-dirty tracking, which not
 * every kernel has: wpallowed written file present swapped pfnzero huge. */
static const char *const scan_categories[] = { "wpallowed", "written", "file", "present", "swapped", "pfnzero", "huge" };

/* ` NAME=cat,cat`: a random non-empty set */
static void put_categories(struct gen *g, const char *name)
{
	unsigned mask = 1u + below(g, (1u << 7) - 1u);
	bool first = true;

	fprintf(g->out, " %s=", name);
	for (unsigned b = 0; b < 7; b++)
		if (mask & (1u << b)) {
			fprintf(g->out, "%s%s", first ? "" : ",", scan_categories[b]);
			first = false;
		}
}

/*
 * A scan observation with random options. check-wpasync fails with EPERM
 * at the first VMA the walk reaches that is not async-registered: it is
 * drawn only where that is sure (every page of the range async-registered:
 * ok; the first mapped one not: EPERM), not where max-pages might stop the
 * walk before it.
 */
static bool gen_scan(struct gen *g)
{
	int r = pick_region(g);
	const struct proc *pr = current(g);
	const struct region *rg;
	unsigned first, count, allowed = 0, mapped = 0;
	bool first_allowed = false, eperm = false;

	if (r < 0)
		return false;
	rg = &pr->reg[r];
	if (below(g, 2)) {
		first = 0;
		count = rg->npages;
	} else {
		pick_range(g, rg->npages, &first, &count);
	}
	for (unsigned i = first; i < first + count; i++) {
		if (!rg->pg[i].mapped)
			continue;
		if (!mapped)
			first_allowed = pr->uffd == UFFD_ASYNC && rg->pg[i].uffd;
		mapped++;
		allowed += pr->uffd == UFFD_ASYNC && rg->pg[i].uffd;
	}
	fprintf(g->out, "scan ");
	put_range(g, (unsigned)r, rg->npages, first, count);
	if (below(g, 4) == 0)
		fprintf(g->out, " wp-matching");
	if (below(g, 5) == 0 && (allowed == mapped || !first_allowed)) {
		fprintf(g->out, " check-wpasync");
		eperm = allowed != mapped;
	}
	if (below(g, 3) == 0)
		put_categories(g, "want");
	if (below(g, 5) == 0)
		put_categories(g, "inverted");
	if (below(g, 4) == 0)
		put_categories(g, "anyof");
	if (below(g, 3) == 0)
		put_categories(g, "return");
	if (below(g, 4) == 0)
		fprintf(g->out, " max-pages=%u", 1 + below(g, count));
	fprintf(g->out, "%s\n", eperm ? " -> EPERM" : "");
	return true;
}

static bool any_registered(const struct gen *g, const struct proc *pr)
{
	for (unsigned r = 0; r < g->nregions; r++)
		for (unsigned i = 0; i < MAX_PAGES; i++)
			if (pr->reg[r].pg[i].uffd)
				return true;
	return false;
}

static bool gen_fork(struct gen *g)
{
	unsigned child = g->nprocs;

	if (child == MAX_PROCS || live_count(g) >= MAX_LIVE)
		return false;
	g->nprocs++;
	g->procs[child] = *current(g);
	/* without UFFD_EVENT_FORK the child has no uffd, and nothing of its
	 * parent's registrations and protection; with it, the event makes the
	 * child's uffd for the first registered VMA: none when there is none */
	if (!g->procs[child].event_fork || !any_registered(g, current(g))) {
		g->procs[child].uffd = UFFD_NONE;
		for (unsigned r = 0; r < g->nregions; r++)
			for (unsigned i = 0; i < MAX_PAGES; i++) {
				g->procs[child].reg[r].pg[i].uffd = false;
				g->procs[child].reg[r].pg[i].wp = WP_NO;
			}
	}
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
		{ 1, GEN_UFFD, 14 },    { 2, GEN_UFFD, 15 },    /* uffd open, register */
		{ 1, GEN_UFFD, 16 },    { 2, GEN_UFFD, 17 },    /* unregister, wp */
		{ 1, GEN_UFFD, 18 },    { 1, GEN_UFFD, 19 },    /* unwp, expect no-event */
		{ 2, GEN_SCAN, 20 },
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
			case 13: done = gen_reclaim(g); break;
			case 14: done = gen_uffd_open(g); break;
			case 15: done = gen_uffd_register(g, true); break;
			case 16: done = gen_uffd_register(g, false); break;
			case 17: done = gen_uffd_wp(g, true); break;
			case 18: done = gen_uffd_wp(g, false); break;
			/* events are taken as they come: none is ever left */
			case 19: fprintf(g->out, "expect no-event\n"); done = true; break;
			default: done = gen_scan(g); break;
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
