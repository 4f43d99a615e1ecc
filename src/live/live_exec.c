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
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "live/live_ctl.h"

/* pagemap bits (Documentation/admin-guide/mm/pagemap.rst) */
#define PM_SOFT_DIRTY (UINT64_C(1) << 55)
#define PM_MMAP_EXCLUSIVE (UINT64_C(1) << 56)
#define PM_UFFD_WP (UINT64_C(1) << 57)
#define PM_FILE (UINT64_C(1) << 61)
#define PM_SWAP (UINT64_C(1) << 62)
#define PM_PRESENT (UINT64_C(1) << 63)

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
	if (rp.signal == SIGBUS) {
		ctl_fail(ctl, "the access took SIGBUS");
		return;
	}
	got = rp.signal ? SCN_OUTCOME_SEGV : SCN_OUTCOME_OK;
	if (got != ac->outcome) {
		ctl_fail(ctl, "the %s %s, expected %s", write ? "write" : "read",
			 got == SCN_OUTCOME_OK ? "completed" : "took SIGSEGV", outcome_name(ac->outcome));
		return;
	}
	if (!write && got == SCN_OUTCOME_OK && ac->has_value && rp.value != ac->value)
		ctl_fail(ctl, "read 0x%" PRIx64 ", expected 0x%" PRIx64, rp.value, ac->value);
}

static unsigned pagemap_keys(uint64_t pm)
{
	return ((pm & PM_PRESENT) ? SCN_PM_PRESENT : 0) | ((pm & PM_SWAP) ? SCN_PM_SWAP : 0) |
	       ((pm & PM_FILE) ? SCN_PM_FILE : 0) | ((pm & PM_MMAP_EXCLUSIVE) ? SCN_PM_EXCLUSIVE : 0) |
	       ((pm & PM_UFFD_WP) ? SCN_PM_UFFD_WP : 0) | ((pm & PM_SOFT_DIRTY) ? SCN_PM_SOFT_DIRTY : 0);
}

static const char *const pm_key_names[] = { "present", "swap", "file", "exclusive", "uffd-wp", "soft-dirty" };

/* one page's pagemap line, or its check against `expect pagemap`; false
 * once the check failed */
static bool pagemap_page(struct controller *ctl, uint64_t index, uint64_t entry)
{
	const struct scn_command *c = ctl->cmd;
	unsigned k = pagemap_keys(entry);
	char page[160];

	snprintf(page, sizeof(page), "%s %s[%" PRIu64 "]", ctl->p->processes[c->process],
		 ctl->p->regions[c->range.region], index);
	if (c->op == SCN_OP_PAGEMAP) {
		if (ctl->opt->observe)
			fprintf(ctl->opt->observe, "%s present=%d swap=%d file=%d exclusive=%d uffd-wp=%d soft-dirty=%d\n",
				page, !!(k & SCN_PM_PRESENT), !!(k & SCN_PM_SWAP), !!(k & SCN_PM_FILE),
				!!(k & SCN_PM_EXCLUSIVE), !!(k & SCN_PM_UFFD_WP), !!(k & SCN_PM_SOFT_DIRTY));
		return true;
	}
	for (unsigned b = 0; b < 6; b++) {
		unsigned bit = 1u << b;

		if (!(c->pagemap.keys & bit) || (k & bit) == (c->pagemap.values & bit))
			continue;
		ctl_fail(ctl, "%s pagemap %s=%d, expected %d", page, pm_key_names[b], !!(k & bit),
			 !!(c->pagemap.values & bit));
		return false;
	}
	return true;
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

/* The parent forks with the child's end of a new socket pair; the child
 * greets the controller on it once it holds nothing else of its parent's. */
static void do_fork(struct controller *ctl, struct live_request *rq)
{
	uint32_t child = ctl->cmd->named_process;
	struct live_reply rp;
	bool answered;
	int sv[2], rc;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		ctl_fail(ctl, "socketpair failed: %s", strerror(errno));
		return;
	}
	rq->op = LIVE_FORK;
	answered = ctl_call(ctl, ctl->cmd->process, rq, sv[1], &rp);
	close(sv[1]);
	if (!answered || rp.err) {
		close(sv[0]);
		if (answered)
			syscall_as_expected(ctl, "fork", rp.err);
		return;
	}
	rc = live_recv(sv[0], &rp, sizeof(rp), NULL, &ctl->deadline);
	if (rc || rp.op != LIVE_HELLO) {
		close(sv[0]);
		ctl_fail_wait(ctl, child, rc ? rc : -EPROTO);
		return;
	}
	ctl->sock[child] = sv[0];
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
	default:
		/* live_unsupported() turned the run n/a before it started */
		ctl_fail(ctl, "%s is not supported on the kernel", scn_op_name(c->op));
		break;
	}
}
