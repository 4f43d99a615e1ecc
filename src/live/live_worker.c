/* SPDX-License-Identifier: MIT */
/*
 * A scenario process: it waits for a request, makes the one system call or
 * memory access it names, and answers. Between requests it makes only
 * system calls and allocates nothing, so that its address space holds what
 * the scenario mapped and nothing the runner needs; and it never returns
 * into the caller's code, whose state it inherited.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* MAP_FIXED_NOREPLACE, MADV_NOHUGEPAGE, close_range, sched_setaffinity */
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "live/live_internal.h"

static sigjmp_buf access_jump;
static volatile sig_atomic_t access_armed, access_signal;

static void on_fault(int sig)
{
	if (access_armed) {
		access_armed = 0;
		access_signal = sig;
		siglongjmp(access_jump, 1);
	}
	/* a fault outside a scenario access is a bug of the runner: the
	 * faulting instruction runs again and the process dies of it */
	signal(sig, SIG_DFL);
}

/* The scenario's load or store; 0, or the signal it took. */
static int access_page(const struct live_request *rq, uint64_t *value)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)rq->addr;

	if (sigsetjmp(access_jump, 1) != 0)
		return access_signal;
	access_armed = 1;
	if (rq->op == LIVE_WRITE)
		*p = rq->value;
	else
		*value = *p;
	access_armed = 0;
	return 0;
}

static void map_region(const struct live_request *rq, struct live_reply *rp)
{
	void *want = (void *)(uintptr_t)rq->addr, *got;

	if (munmap((void *)(uintptr_t)rq->hole, rq->hole_len)) {
		rp->harness_err = errno;
		return;
	}
	/* NOREPLACE: the slot was just emptied, so a clash means something
	 * else took the address, which must not pass for the call's result */
	got = mmap(want, rq->len, rq->prot, rq->flags | MAP_FIXED_NOREPLACE, rq->fd, 0);
	if (got == MAP_FAILED) {
		if (errno == EEXIST)
			rp->harness_err = EEXIST;
		else
			rp->err = errno;
		return;
	}
	if (got != want) {
		munmap(got, rq->len);
		rp->harness_err = EEXIST;
		return;
	}
	/* 4 KiB pages only, as the simulator has: no THP, no mTHP */
	if (madvise(got, rq->len, MADV_NOHUGEPAGE) ||
	    (rq->no_readahead && madvise(got, rq->len, MADV_RANDOM)))
		rp->harness_err = errno;
}

/* Opened for each request: a descriptor inherited over fork would go on
 * reading the parent's address space, which is bound at open. */
static void read_pagemap(const struct live_request *rq, struct live_reply *rp)
{
	size_t n = (size_t)(rq->len / LIVE_PAGE), size = n * sizeof(uint64_t);
	int fd;
	ssize_t got;

	if (n > LIVE_PAGEMAP_MAX) {
		rp->harness_err = EINVAL;
		return;
	}
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rp->harness_err = errno;
		return;
	}
	got = pread(fd, rp->pagemap, size, (off_t)(rq->addr / LIVE_PAGE * sizeof(uint64_t)));
	if (got < 0)
		rp->harness_err = errno;
	else if ((size_t)got != size)
		rp->harness_err = EIO;
	else
		rp->n = (uint32_t)n;
	close(fd);
}

/* clear_refs: the value written as text, as `echo 4 > clear_refs` does */
static void clear_refs(const struct live_request *rq, struct live_reply *rp)
{
	char text[2] = { (char)('0' + rq->value), '\n' };
	int fd;

	if (rq->value < 1 || rq->value > 9) {
		rp->harness_err = EINVAL;
		return;
	}
	fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		rp->harness_err = errno;
		return;
	}
	if (write(fd, text, sizeof(text)) < 0)
		rp->err = errno;
	close(fd);
}

#define PM_PFN_MASK ((UINT64_C(1) << 55) - 1)
#define PM_MMAP_EXCLUSIVE (UINT64_C(1) << 56)
#define PM_PRESENT (UINT64_C(1) << 63)

/*
 * reclaim: MADV_PAGEOUT, the closest the kernel offers to pressure on
 * chosen pages, leaves a page mapped more than once where reclaim would
 * unmap it everywhere. So first pagemap: a present page that is not
 * exclusively mapped stops it, unless it is the shared zero page, which
 * reclaim leaves alone too. The zero page is told by its PFN, which only
 * CAP_SYS_ADMIN reads (0 otherwise).
 */
static void reclaim(const struct live_request *rq, struct live_reply *rp)
{
	uint64_t pages = rq->len / LIVE_PAGE;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		rp->harness_err = errno;
		return;
	}
	for (uint64_t i = 0; i < pages;) {
		size_t n = pages - i < LIVE_PAGEMAP_MAX ? (size_t)(pages - i) : LIVE_PAGEMAP_MAX;
		ssize_t got = pread(fd, rp->pagemap, n * sizeof(uint64_t),
				    (off_t)((rq->addr / LIVE_PAGE + i) * sizeof(uint64_t)));

		if (got != (ssize_t)(n * sizeof(uint64_t))) {
			rp->harness_err = got < 0 ? errno : EIO;
			close(fd);
			return;
		}
		for (size_t j = 0; j < n; j++) {
			uint64_t e = rp->pagemap[j], pfn = e & PM_PFN_MASK;

			if (!(e & PM_PRESENT) || (e & PM_MMAP_EXCLUSIVE) || (pfn && pfn == rq->value))
				continue;
			rp->n = pfn ? LIVE_RECLAIM_SHARED : LIVE_RECLAIM_UNSURE;
			rp->value = i + j;
			close(fd);
			return;
		}
		i += n;
	}
	close(fd);
	rp->err = madvise((void *)(uintptr_t)rq->addr, rq->len, MADV_PAGEOUT) ? errno : 0;
}

/* fork: the child carries on with the socket it was given and greets the
 * controller on it; the parent answers the request. False in the child. */
static bool fork_process(int *sock, int child_sock, struct live_reply *rp)
{
	pid_t pid;

	if (child_sock < 0) {
		rp->harness_err = EBADF;
		return true;
	}
	pid = fork();
	if (pid == 0) {
		struct live_reply hello = { .op = LIVE_HELLO };

		close(*sock);
		*sock = child_sock;
		if (live_send(*sock, &hello, sizeof(hello), -1))
			_exit(1);
		return false;
	}
	close(child_sock);
	if (pid < 0)
		rp->err = errno;
	return true;
}

/* One request; false when no reply is due (a fork's child). */
static bool handle(int *sock, const struct live_request *rq, int fd, struct live_reply *rp)
{
	void *addr = (void *)(uintptr_t)rq->addr;

	memset(rp, 0, sizeof(*rp));
	rp->op = rq->op;
	if (fd >= 0 && rq->op != LIVE_FORK)
		close(fd);
	switch (rq->op) {
	case LIVE_MMAP:
		map_region(rq, rp);
		break;
	case LIVE_MUNMAP:
		rp->err = munmap(addr, rq->len) ? errno : 0;
		break;
	case LIVE_MPROTECT:
		rp->err = mprotect(addr, rq->len, rq->prot) ? errno : 0;
		break;
	case LIVE_MADVISE:
		rp->err = madvise(addr, rq->len, rq->advice) ? errno : 0;
		break;
	case LIVE_CLEAR_REFS:
		clear_refs(rq, rp);
		break;
	case LIVE_RECLAIM:
		reclaim(rq, rp);
		break;
	case LIVE_READ:
	case LIVE_WRITE:
		rp->signal = access_page(rq, &rp->value);
		break;
	case LIVE_PAGEMAP:
		read_pagemap(rq, rp);
		break;
	case LIVE_FORK:
		return fork_process(sock, fd, rp);
	case LIVE_EXIT:
		_exit(0);
	default:
		rp->harness_err = EPROTO;
		break;
	}
	return true;
}

/* Keep 0-2 (stdin and stdout on /dev/null, so that a scenario process can
 * never write into the output that is compared), sock and keep[]. */
static void close_others(int sock, const int *keep, size_t nkeep)
{
	int sorted[SCN_MAX_OBJECTS + 1], n = 0, from = 3, null = open("/dev/null", O_RDWR);

	if (nkeep > SCN_MAX_OBJECTS)
		nkeep = SCN_MAX_OBJECTS; /* the parser's bound */
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		if (null > 2)
			close(null);
	}
	for (size_t i = 0; i <= nkeep; i++) {
		int fd = i < nkeep ? keep[i] : sock, j = n++;

		/* insertion sort: no allocation in a worker */
		while (j > 0 && sorted[j - 1] > fd) {
			sorted[j] = sorted[j - 1];
			j--;
		}
		sorted[j] = fd;
	}
	for (int i = 0; i < n; i++) {
		if (sorted[i] > from)
			close_range((unsigned)from, (unsigned)sorted[i] - 1, 0);
		if (sorted[i] >= from)
			from = sorted[i] + 1;
	}
	close_range((unsigned)from, ~0u, 0);
}

static void set_signals(void)
{
	struct sigaction sa;
	sigset_t faults;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigemptyset(&faults);
	sigaddset(&faults, SIGSEGV);
	sigaddset(&faults, SIGBUS);
	sigprocmask(SIG_UNBLOCK, &faults, NULL);
	/* scenario processes reap their children without waiting for them */
	signal(SIGCHLD, SIG_IGN);
}

/*
 * On the CPU it is on, for good, and so are the processes it forks: a page
 * just faulted in, or just marked lazy-free, waits in a per-CPU batch
 * before it reaches its LRU list, and MADV_PAGEOUT drains only the
 * batches of the CPU it runs on; a page still in another CPU's batch is
 * not on an LRU list, and it would skip it. Best effort: where the
 * affinity cannot be set, the process runs as it is.
 */
static void stay_on_this_cpu(void)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	if (cpu < 0 || cpu >= CPU_SETSIZE)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

_Noreturn void live_worker(int sock, const int *keep, size_t nkeep)
{
	static struct live_request rq;
	static struct live_reply rp;
	struct live_reply hello = { .op = LIVE_HELLO };

	close_others(sock, keep, nkeep);
	set_signals();
	stay_on_this_cpu();
	if (live_send(sock, &hello, sizeof(hello), -1))
		_exit(1);
	for (;;) {
		int fd;

		/* end-of-file: the controller is gone, and so is the scenario */
		if (live_recv(sock, &rq, sizeof(rq), &fd, NULL))
			_exit(0);
		if (handle(&sock, &rq, fd, &rp) && live_send(sock, &rp, sizeof(rp), -1))
			_exit(0);
	}
}
