/* SPDX-License-Identifier: MIT */
/*
 * One scenario command on the kernel: the request to the process it runs
 * in, and the checks of what the command expects, with the simulator's
 * messages (src/scenario/run.c) so that the two runs read alike.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "live/live_ctl.h"
#include "mm/pagemap_bits.h"
#include "scenario/pagemap_line.h"


static const char *errno_text(int err, char *buf, size_t size)
{
	const char *name = err ? scn_errno_name(err) : "ok";

	if (name)
		return name;
	snprintf(buf, size, "errno %d", err);
	return buf;
}

/* A system call's result against the scenario's `-> ERRNO`. */
static bool syscall_as_expected(struct controller *ctl, const char *what, int err)
{
	int want = ctl->cmd->expect_errno;
	char a[32], b[32];

	if (err == want)
		return err == 0;
	ctl_fail(ctl, "%s returned %s, expected %s", what, errno_text(err, a, sizeof(a)),
		 errno_text(want, b, sizeof(b)));
	return false;
}

static uint64_t page_addr(struct controller *ctl, uint32_t region, uint64_t page)
{
	return live_region_addr(&ctl->space, region) + page * LIVE_PAGE;
}

static int prot_bits(unsigned prot)
{
	return ((prot & SCN_PROT_READ) ? PROT_READ : 0) | ((prot & SCN_PROT_WRITE) ? PROT_WRITE : 0) |
	       ((prot & SCN_PROT_EXEC) ? PROT_EXEC : 0);
}

static void do_mmap(struct controller *ctl, struct live_request *rq)
{
	const struct scn_mmap *mp = &ctl->cmd->mmap;
	struct live_reply rp;

	rq->op = LIVE_MMAP;
	rq->addr = live_region_addr(&ctl->space, mp->region);
	rq->len = mp->npages * LIVE_PAGE;
	rq->hole = ctl->space.base + ctl->space.slot[mp->region];
	rq->hole_len = ctl->space.slot_len[mp->region];
	rq->prot = prot_bits(mp->prot);
	rq->flags = mp->sharing == SCN_SHARED ? MAP_SHARED : MAP_PRIVATE;
	if (mp->backing == SCN_ANON) {
		rq->flags |= MAP_ANONYMOUS;
		rq->fd = -1;
	} else {
		rq->fd = ctl->object_fd[mp->object];
		rq->no_readahead = mp->backing == SCN_FILE;
	}
	if (ctl_call(ctl, ctl->cmd->process, rq, -1, &rp))
		syscall_as_expected(ctl, "mmap", rp.err);
}

static int advice_bits(enum scn_advice advice)
{
	switch (advice) {
	case SCN_MADV_FREE:
		return MADV_FREE;
	case SCN_MADV_PAGEOUT:
		return MADV_PAGEOUT;
	case SCN_MADV_COLD:
		return MADV_COLD;
	default:
		return MADV_DONTNEED;
	}
}

/* munmap, mprotect and madvise: a call on the command's pages */
static void do_range_call(struct controller *ctl, struct live_request *rq, enum live_op op, const char *what)
{
	const struct scn_range *rg = &ctl->cmd->range;
	struct live_reply rp;

	rq->op = op;
	rq->addr = page_addr(ctl, rg->region, rg->first);
	rq->len = rg->count * LIVE_PAGE;
	if (op == LIVE_MPROTECT)
		rq->prot = prot_bits(ctl->cmd->prot);
	if (op == LIVE_MADVISE)
		rq->advice = advice_bits(ctl->cmd->advice);
	if (ctl_call(ctl, ctl->cmd->process, rq, -1, &rp))
		syscall_as_expected(ctl, what, rp.err);
}

static const char *outcome_name(enum scn_outcome o)
{
	return o == SCN_OUTCOME_OK ? "ok" : o == SCN_OUTCOME_SEGV ? "segv" : "blocked";
}

static struct ctl_writer *writer_of(struct controller *ctl, uint32_t proc, unsigned slot)
{
	return &ctl->writers[(size_t)proc * LIVE_WRITERS + slot];
}

/* Writers of proc (bits by slot) that completed, when nothing but an
 * unprotect of their page should have woken them; false after a FAIL. */
static bool writers_woken(struct controller *ctl, uint32_t proc, const struct live_reply *rp, bool by_unwp)
{
	for (unsigned s = 0; s < LIVE_WRITERS; s++) {
		struct ctl_writer *w = writer_of(ctl, proc, s);
		uint32_t bit = 1u << s;
		unsigned line = w->line;

		if (!line)
			continue;
		if (rp->woken_done & bit)
			w->line = 0;
		if (by_unwp && (rp->woken_signal & bit)) {
			ctl_fail(ctl, "the write blocked at line %u took SIGSEGV when woken", line);
			return false;
		}
		if (by_unwp && (rp->woken_stuck & bit)) {
			ctl_fail(ctl, "the write blocked at line %u did not complete when woken", line);
			return false;
		}
		if (!by_unwp && (rp->woken_done & bit)) {
			ctl_fail(ctl, "the write blocked at line %u completed before its page was unprotected", line);
			return false;
		}
	}
	return true;
}

static void do_access(struct controller *ctl, struct live_request *rq)
{
	const struct scn_command *c = ctl->cmd;
	const struct scn_access *ac = &c->access;
	bool write = c->op == SCN_OP_WRITE;
	enum scn_outcome got;
	struct live_reply rp;

	rq->op = write ? LIVE_WRITE : LIVE_READ;
	rq->addr = page_addr(ctl, c->range.region, c->range.first);
	/* fresh values in the simulator's order: one per write without a
	 * value, whatever the write's outcome */
	if (write)
		rq->value = ac->has_value ? ac->value : ++ctl->fresh;
	if (!ctl_call(ctl, c->process, rq, -1, &rp))
		return;
	if (!writers_woken(ctl, c->process, &rp, false))
		return;
	if (write && rp.n == LIVE_WRITE_STUCK) {
		ctl_fail(ctl, "the write neither completed nor raised a uffd-wp event in %d ms", LIVE_BLOCK_WAIT_MS);
		return;
	}
	if (rp.signal == SIGBUS) {
		ctl_fail(ctl, "the access took SIGBUS");
		return;
	}
	if (write && rp.n == LIVE_WRITE_BLOCKED) {
		got = SCN_OUTCOME_BLOCKED;
		writer_of(ctl, c->process, (unsigned)rp.value)->line = c->line;
	} else {
		got = rp.signal ? SCN_OUTCOME_SEGV : SCN_OUTCOME_OK;
	}
	if (got != ac->outcome) {
		ctl_fail(ctl, "the %s %s, expected %s", write ? "write" : "read",
			 got == SCN_OUTCOME_OK     ? "completed"
			 : got == SCN_OUTCOME_SEGV ? "took SIGSEGV"
						   : "blocked",
			 outcome_name(ac->outcome));
		return;
	}
	if (!write && got == SCN_OUTCOME_OK && ac->has_value && rp.value != ac->value)
		ctl_fail(ctl, "read 0x%" PRIx64 ", expected 0x%" PRIx64, rp.value, ac->value);
}

/* one page's pagemap line, or its check against `expect pagemap`; false
 * once the check failed */
static bool pagemap_page(struct controller *ctl, uint64_t index, uint64_t entry)
{
	const struct scn_command *c = ctl->cmd;
	unsigned k = scn_pagemap_keys(entry);
	char page[160], line[400];

	snprintf(page, sizeof(page), "%s %s[%" PRIu64 "]", ctl->p->processes[c->process],
		 ctl->p->regions[c->range.region], index);
	if (c->op == SCN_OP_PAGEMAP) {
		scn_pagemap_line(line, sizeof(line), page, k);
		if (ctl->opt->observe)
			fprintf(ctl->opt->observe, "%s\n", line);
		return true;
	}
	if (!scn_pagemap_check(&c->pagemap, page, k, line, sizeof(line)))
		return true;
	ctl_fail(ctl, "%s", line);
	return false;
}

static void do_pagemap(struct controller *ctl, struct live_request *rq)
{
	const struct scn_range *rg = &ctl->cmd->range;

	for (uint64_t i = rg->first; i < rg->first + rg->count;) {
		uint64_t n = rg->first + rg->count - i;
		struct live_reply rp;

		if (n > LIVE_PAGEMAP_MAX)
			n = LIVE_PAGEMAP_MAX;
		rq->op = LIVE_PAGEMAP;
		rq->addr = page_addr(ctl, rg->region, i);
		rq->len = n * LIVE_PAGE;
		if (!ctl_call(ctl, ctl->cmd->process, rq, -1, &rp))
			return;
		if (rp.n != n) {
			ctl_fail(ctl, "pagemap gave %" PRIu32 " entries for %" PRIu64 " pages", rp.n, n);
			return;
		}
		for (uint32_t j = 0; j < rp.n; j++)
			if (!pagemap_page(ctl, i + j, rp.pagemap[j]))
				return;
		i += n;
	}
}

/* the value written to /proc/PID/clear_refs is the language's own number */
static void do_clear_refs(struct controller *ctl, struct live_request *rq)
{
	struct live_reply rp;

	rq->op = LIVE_CLEAR_REFS;
	rq->value = (uint64_t)ctl->cmd->clear_refs;
	if (ctl_call(ctl, ctl->cmd->process, rq, -1, &rp))
		syscall_as_expected(ctl, "clear_refs", rp.err);
}

/*
 * reclaim is no system call: it has no result to compare, and a hole in
 * its range (MADV_PAGEOUT's ENOMEM) is only pages it has nothing to do
 * with. What it cannot do the way the language means it (a page mapped
 * more than once) makes the rest of the run n/a, after what was observed
 * so far.
 */
static void do_reclaim(struct controller *ctl, struct live_request *rq)
{
	const struct scn_command *c = ctl->cmd;
	const struct scn_range *rg = &c->range;
	struct live_reply rp;
	char a[32];

	rq->op = LIVE_RECLAIM;
	rq->addr = page_addr(ctl, rg->region, rg->first);
	rq->len = rg->count * LIVE_PAGE;
	rq->value = ctl->zero_pfn;
	if (!ctl_call(ctl, c->process, rq, -1, &rp))
		return;
	if (rp.n != LIVE_RECLAIM_DONE) {
		const char *page_of = rp.n == LIVE_RECLAIM_SHARED
					      ? "is mapped more than once, and MADV_PAGEOUT would leave it"
					      : "is mapped more than once or is the zero page, which only root can "
						"tell apart in pagemap";

		ctl_na(ctl, "reclaim at line %u: %s %s[%" PRIu64 "] %s", c->line, ctl->p->processes[c->process],
		       ctl->p->regions[rg->region], rg->first + rp.value, page_of);
		return;
	}
	if (rp.err && rp.err != ENOMEM)
		ctl_fail(ctl, "MADV_PAGEOUT returned %s", errno_text(rp.err, a, sizeof(a)));
}

/* ---- userfaultfd ------------------------------------------------------ */

static void do_uffd_open(struct controller *ctl, struct live_request *rq)
{
	struct live_reply rp;

	rq->op = LIVE_UFFD_OPEN;
	rq->value = ctl->cmd->uffd_features;
	if (ctl_call(ctl, ctl->cmd->process, rq, -1, &rp))
		syscall_as_expected(ctl, "uffd open", rp.err);
}

/* register, unregister, wp and unwp of the command's pages; an unwp
 * waits for the writes it wakes to complete */
static void do_uffd_range(struct controller *ctl, struct live_request *rq)
{
	const struct scn_command *c = ctl->cmd;
	struct live_reply rp;

	rq->addr = page_addr(ctl, c->range.region, c->range.first);
	rq->len = c->range.count * LIVE_PAGE;
	switch (c->op) {
	case SCN_OP_UFFD_REGISTER:
		rq->op = LIVE_UFFD_REGISTER;
		rq->value = c->uffd_mode;
		break;
	case SCN_OP_UFFD_UNREGISTER:
		rq->op = LIVE_UFFD_UNREGISTER;
		break;
	default:
		rq->op = LIVE_UFFD_WP;
		rq->value = c->op == SCN_OP_UFFD_WP;
		break;
	}
	if (ctl_call(ctl, c->process, rq, -1, &rp) && syscall_as_expected(ctl, scn_op_name(c->op), rp.err))
		writers_woken(ctl, c->process, &rp, c->op == SCN_OP_UFFD_UNWP);
}

/* A page address of the current process as `A[i]`, by the slot it is in. */
static void page_name(struct controller *ctl, uint64_t addr, char *buf, size_t size)
{
	for (uint32_t r = 0; r < ctl->space.nregions; r++) {
		uint64_t slot = ctl->space.base + ctl->space.slot[r];

		if (addr >= slot && addr - slot < ctl->space.slot_len[r] && addr >= live_region_addr(&ctl->space, r)) {
			snprintf(buf, size, "%s %s[%" PRIu64 "]", ctl->p->processes[ctl->cmd->process],
				 ctl->p->regions[r], (addr - live_region_addr(&ctl->space, r)) / LIVE_PAGE);
			return;
		}
	}
	snprintf(buf, size, "%s 0x%" PRIx64, ctl->p->processes[ctl->cmd->process], addr);
}

/* expect event A[i] uffd-wp takes the event; expect no-event wants none */
static void do_event(struct controller *ctl, struct live_request *rq)
{
	const struct scn_command *c = ctl->cmd;
	struct live_reply rp;
	char page[200];

	rq->op = LIVE_EVENT;
	rq->addr = c->op == SCN_OP_EXPECT_EVENT ? page_addr(ctl, c->range.region, c->range.first) : 0;
	if (!ctl_call(ctl, c->process, rq, -1, &rp) || !writers_woken(ctl, c->process, &rp, false))
		return;
	if (c->op == SCN_OP_EXPECT_EVENT) {
		if (!rp.n) {
			page_name(ctl, rq->addr, page, sizeof(page));
			ctl_fail(ctl, "no uffd-wp event is queued for %s", page);
		}
		return;
	}
	if (rp.n) {
		page_name(ctl, rp.value, page, sizeof(page));
		ctl_fail(ctl, "%" PRIu32 " event%s queued, the first a uffd-wp event for %s", rp.n,
			 rp.n == 1 ? " is" : "s are", page);
	}
}

/* ---- PAGEMAP_SCAN ------------------------------------------------------ */

static const char *const category_names[] = { "wpallowed", "written", "file",    "present",
					      "swapped",   "pfnzero", "huge",    "soft-dirty" };

/* "written,present", or `-` (empty) for none */
static void categories_text(uint64_t cats, const char *empty, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned b = 0; b < 8 && used < size; b++)
		if (cats & (UINT64_C(1) << b))
			used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? "," : "", category_names[b]);
	if (!used)
		snprintf(buf, size, "%s", empty);
}

/* regions as `expect scan` writes them: A[i:j]{cat,cat} ..., or none */
static void regions_text(const char *name, uint64_t base, const struct live_region *r, size_t n, char *buf,
			 size_t size)
{
	size_t used = 0;

	snprintf(buf, size, "none");
	for (size_t i = 0; i < n && used < size; i++) {
		char cats[128];

		categories_text(r[i].categories, "", cats, sizeof(cats));
		used += (size_t)snprintf(buf + used, size - used, "%s%s[%" PRIu64 ":%" PRIu64 "]{%s}", i ? " " : "",
					 name, (r[i].start - base) / LIVE_PAGE, (r[i].end - base) / LIVE_PAGE, cats);
	}
}

/* the regions of `expect scan` as written */
static void expected_text(struct controller *ctl, const struct scn_scan *sc, char *buf, size_t size)
{
	size_t used = 0;

	snprintf(buf, size, "none");
	for (size_t i = 0; i < sc->nexpected && used < size; i++) {
		const struct scn_range *rg = &sc->expected[i].range;
		char cats[128];

		categories_text(sc->expected[i].categories, "", cats, sizeof(cats));
		used += (size_t)snprintf(buf + used, size - used, "%s%s[%" PRIu64 ":%" PRIu64 "]{%s}", i ? " " : "",
					 ctl->p->regions[rg->region], rg->first, rg->first + rg->count, cats);
	}
}

static void scan_expected(struct controller *ctl, const struct scn_scan *sc, struct live_region *want)
{
	for (size_t i = 0; i < sc->nexpected; i++) {
		const struct scn_range *rg = &sc->expected[i].range;

		want[i].start = page_addr(ctl, rg->region, rg->first);
		want[i].end = want[i].start + rg->count * LIVE_PAGE;
		want[i].categories = sc->expected[i].categories;
	}
}

static void do_scan(struct controller *ctl, struct live_request *rq)
{
	const struct scn_command *c = ctl->cmd;
	const struct scn_scan *sc = &c->scan;
	const char *name = ctl->p->regions[c->range.region];
	uint64_t base = live_region_addr(&ctl->space, c->range.region);
	struct live_region *got = NULL, *want = NULL;
	struct live_reply rp;
	uint64_t walk_end;
	uint32_t n;

	rq->op = LIVE_SCAN;
	rq->addr = page_addr(ctl, c->range.region, c->range.first);
	rq->len = c->range.count * LIVE_PAGE;
	rq->scan.flags = sc->flags;
	rq->scan.max_pages = sc->max_pages;
	rq->scan.inverted = sc->inverted;
	rq->scan.mask = sc->want;
	rq->scan.anyof = sc->anyof;
	rq->scan.ret = sc->ret;
	if (!ctl_call(ctl, c->process, rq, -1, &rp) || !syscall_as_expected(ctl, "scan", rp.err))
		return;
	n = rp.n;
	walk_end = rp.value;
	if (n > c->range.count) {
		ctl_fail(ctl, "PAGEMAP_SCAN returned %" PRIu32 " regions for %" PRIu64 " pages", n, c->range.count);
		return;
	}
	got = calloc((size_t)n + 1, sizeof(*got));
	want = calloc(sc->nexpected + 1, sizeof(*want));
	if (!got || !want) {
		ctl_fail(ctl, "out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t k = i % (uint32_t)LIVE_REGIONS_PER_REPLY;

		if (i && !k) {
			struct live_request more = { .op = LIVE_SCAN_MORE, .fd = -1, .value = i };

			if (!ctl_call(ctl, c->process, &more, -1, &rp))
				goto out;
		}
		got[i] = rp.regions[k];
	}
	if (c->op == SCN_OP_SCAN) {
		for (uint32_t i = 0; i < n && ctl->opt->observe; i++) {
			char cats[128];

			categories_text(got[i].categories, "-", cats, sizeof(cats));
			fprintf(ctl->opt->observe, "scan %s[%" PRIu64 ":%" PRIu64 "] %s\n", name,
				(got[i].start - base) / LIVE_PAGE, (got[i].end - base) / LIVE_PAGE, cats);
		}
		if (ctl->opt->observe)
			fprintf(ctl->opt->observe, "scan walk-end %s[%" PRIu64 "]\n", name,
				(walk_end - base) / LIVE_PAGE);
		goto out;
	}
	scan_expected(ctl, sc, want);
	if (n != sc->nexpected || (n && memcmp(got, want, n * sizeof(*got)))) {
		char a[300], b[300];

		regions_text(name, base, got, n, a, sizeof(a));
		expected_text(ctl, sc, b, sizeof(b));
		ctl_fail(ctl, "scan returned %s, expected %s", a, b);
	}
out:
	free(got);
	free(want);
}

/* The parent forks with the child's end of a new socket pair; the child
 * greets the controller on it once it holds nothing else of its parent's. */
static void do_fork(struct controller *ctl, struct live_request *rq)
{
	uint32_t child = ctl->cmd->named_process;
	struct live_reply rp;
	bool answered;
	uint64_t features;
	int sv[2], rc, child_uffd;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		ctl_fail(ctl, "socketpair failed: %s", strerror(errno));
		return;
	}
	rq->op = LIVE_FORK;
	answered = ctl_call_fd(ctl, ctl->cmd->process, rq, sv[1], &rp, &child_uffd);
	close(sv[1]);
	if (!answered || rp.err) {
		close(sv[0]);
		if (child_uffd >= 0)
			close(child_uffd);
		if (answered)
			syscall_as_expected(ctl, "fork", rp.err);
		return;
	}
	features = rp.value;
	rc = live_recv(sv[0], &rp, sizeof(rp), NULL, &ctl->deadline);
	if (rc || rp.op != LIVE_HELLO) {
		close(sv[0]);
		if (child_uffd >= 0)
			close(child_uffd);
		ctl_fail_wait(ctl, child, rc ? rc : -EPROTO);
		return;
	}
	ctl->sock[child] = sv[0];
	for (unsigned s = 0; s < LIVE_WRITERS; s++)
		writer_of(ctl, child, s)->line = 0;
	/* UFFD_EVENT_FORK's uffd, which the parent read, goes to the child */
	if (child_uffd >= 0) {
		struct live_request adopt = { .op = LIVE_UFFD_ADOPT, .fd = -1, .value = features };
		bool adopted;

		adopted = ctl_call(ctl, child, &adopt, child_uffd, &rp);
		close(child_uffd);
		if (!adopted)
			return;
	}
	syscall_as_expected(ctl, "fork", 0);
}

/* Done when the process's socket closes: do_exit() releases the address
 * space (exit_mm) before the descriptors (exit_files), so by then the
 * pages it mapped are unmapped. */
static void do_exit(struct controller *ctl, struct live_request *rq)
{
	uint32_t proc = ctl->cmd->named_process;
	int rc;

	rq->op = LIVE_EXIT;
	rc = live_send(ctl->sock[proc], rq, sizeof(*rq), -1);
	if (!rc)
		rc = live_wait_closed(ctl->sock[proc], &ctl->deadline);
	close(ctl->sock[proc]);
	ctl->sock[proc] = -1;
	for (unsigned s = 0; s < LIVE_WRITERS; s++)
		writer_of(ctl, proc, s)->line = 0;
	if (rc && rc != -EPIPE)
		ctl_fail_wait(ctl, proc, rc);
}

void live_exec(struct controller *ctl)
{
	const struct scn_command *c = ctl->cmd;
	struct live_request rq;

	memset(&rq, 0, sizeof(rq));
	rq.fd = -1;
	/* the simulator's rules: a process that has exited (or whose fork
	 * failed) runs nothing more, and exits only once */
	if (c->op != SCN_OP_AS && ctl->sock[c->process] < 0) {
		ctl_fail(ctl, "%s has exited", ctl->p->processes[c->process]);
		return;
	}
	if (c->op == SCN_OP_EXIT && ctl->sock[c->named_process] < 0) {
		ctl_fail(ctl, "%s has already exited", ctl->p->processes[c->named_process]);
		return;
	}
	switch (c->op) {
	case SCN_OP_FORK:
		do_fork(ctl, &rq);
		break;
	case SCN_OP_AS:
		break;
	case SCN_OP_EXIT:
		do_exit(ctl, &rq);
		break;
	case SCN_OP_MMAP:
		do_mmap(ctl, &rq);
		break;
	case SCN_OP_MUNMAP:
		do_range_call(ctl, &rq, LIVE_MUNMAP, "munmap");
		break;
	case SCN_OP_MPROTECT:
		do_range_call(ctl, &rq, LIVE_MPROTECT, "mprotect");
		break;
	case SCN_OP_MADVISE:
		do_range_call(ctl, &rq, LIVE_MADVISE, "madvise");
		break;
	case SCN_OP_CLEAR_REFS:
		do_clear_refs(ctl, &rq);
		break;
	case SCN_OP_RECLAIM:
		do_reclaim(ctl, &rq);
		break;
	case SCN_OP_WRITE:
	case SCN_OP_READ:
		do_access(ctl, &rq);
		break;
	case SCN_OP_PAGEMAP:
	case SCN_OP_EXPECT_PAGEMAP:
		do_pagemap(ctl, &rq);
		break;
	case SCN_OP_UFFD_OPEN:
		do_uffd_open(ctl, &rq);
		break;
	case SCN_OP_UFFD_REGISTER:
	case SCN_OP_UFFD_UNREGISTER:
	case SCN_OP_UFFD_WP:
	case SCN_OP_UFFD_UNWP:
		do_uffd_range(ctl, &rq);
		break;
	case SCN_OP_EXPECT_EVENT:
	case SCN_OP_EXPECT_NO_EVENT:
		do_event(ctl, &rq);
		break;
	case SCN_OP_SCAN:
	case SCN_OP_EXPECT_SCAN:
		do_scan(ctl, &rq);
		break;
	default:
		/* live_unsupported() turned the run n/a before it started */
		ctl_fail(ctl, "%s is not supported on the kernel", scn_op_name(c->op));
		break;
	}
}
