/* SPDX-License-Identifier: MIT */
/*
 * A scenario process: it waits for a request, makes the one system call or
 * memory access it names, and answers. Between requests it makes only
 * system calls and allocates nothing, so that its address space holds what
 * the scenario mapped and nothing the runner needs; and it never returns
 * into the caller's code, whose state it inherited.
 *
 * A process with a synchronous userfaultfd makes each write in a thread of
 * its own (on a stack of this file's, so that no mapping is made for it),
 * because a uffd-wp fault leaves the writing thread waiting: the process
 * answers as soon as the write completed or its fault event came, and the
 * thread waits on until `uffd unwp` wakes it. The events the uffd gives
 * are read here, as they come, into a queue that `expect event` takes
 * from.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* MAP_FIXED_NOREPLACE, MADV_NOHUGEPAGE, close_range, sched_setaffinity, pipe2 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "live/live_internal.h"
#include "mm/pagemap_bits.h"
#include "live/live_uapi.h"

/* A scenario access of the main thread or of a writer: where a fault
 * during it goes. */
struct access {
	sigjmp_buf jump;
	volatile sig_atomic_t armed, signal;
};

#define THREAD_STACK (256u << 10)

static struct access main_access, writer_access[LIVE_WRITERS];
/* a stack per writer, and one for the thread that reads a fork's event */
static unsigned char thread_stack[LIVE_WRITERS + 1][THREAD_STACK] __attribute__((aligned(4096)));

/* Which access the faulting thread makes: a writer's stack holds its frames. */
static struct access *access_of_this_thread(void)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);

	for (unsigned i = 0; i < LIVE_WRITERS; i++) {
		uintptr_t low = (uintptr_t)thread_stack[i];

		if (sp >= low && sp < low + THREAD_STACK)
			return &writer_access[i];
	}
	return &main_access;
}

static void on_fault(int sig)
{
	struct access *a = access_of_this_thread();

	if (a->armed) {
		a->armed = 0;
		a->signal = sig;
		siglongjmp(a->jump, 1);
	}
	/* a fault outside a scenario access is a bug of the runner: the
	 * faulting instruction runs again and the process dies of it */
	signal(sig, SIG_DFL);
}

/* The scenario's load or store; 0, or the signal it took. */
static int access_page(const struct live_request *rq, uint64_t *value)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)rq->addr;
	struct access *a = &main_access;

	if (sigsetjmp(a->jump, 1) != 0)
		return a->signal;
	a->armed = 1;
	if (rq->op == LIVE_WRITE)
		*p = rq->value;
	else
		*value = *p;
	a->armed = 0;
	return 0;
}

/* ---- userfaultfd ---------------------------------------------------------- */

static int uffd = -1;           /* the process's userfaultfd, -1: none */
static uint64_t uffd_features;  /* the features asked for (UFFDIO_API answers
				 * with every one the kernel has) */
static uint64_t events[LIVE_EVENTS_MAX]; /* uffd-wp faults read, by page address */
static unsigned nevents;

struct writer {
	bool busy;
	pthread_t thread;
	uint64_t addr, value;
};

static struct writer writers[LIVE_WRITERS];
static int done_pipe[2] = { -1, -1 }; /* a writer that finished writes its slot */

static bool uffd_sync(void)
{
	return uffd >= 0 && !(uffd_features & UFFD_FEATURE_WP_ASYNC);
}

/*
 * Every message the uffd has now into the queue (a fork's new uffd to
 * *fork_fd, closed when fork_fd is NULL). The queue is full only when a
 * scenario leaves more than LIVE_EVENTS_MAX events untaken: the rest are
 * dropped, and `expect no-event` still sees some.
 */
static void read_events(int *fork_fd)
{
	struct uffd_msg msg;

	if (uffd < 0)
		return;
	for (;;) {
		ssize_t got = read(uffd, &msg, sizeof(msg));

		if (got < 0 && errno == EINTR)
			continue;
		if (got != (ssize_t)sizeof(msg))
			return;
		if (msg.event == UFFD_EVENT_FORK) {
			if (fork_fd && *fork_fd < 0)
				*fork_fd = (int)msg.arg.fork.ufd;
			else
				close((int)msg.arg.fork.ufd);
			continue;
		}
		if (msg.event != UFFD_EVENT_PAGEFAULT || !(msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WP))
			continue;
		if (nevents < LIVE_EVENTS_MAX)
			events[nevents++] = msg.arg.pagefault.address;
	}
}

static void *write_in_thread(void *arg)
{
	unsigned slot = (unsigned)(uintptr_t)arg;
	struct access *a = &writer_access[slot];
	unsigned char byte = (unsigned char)slot;

	a->signal = 0;
	if (sigsetjmp(a->jump, 1) == 0) {
		a->armed = 1;
		*(volatile uint64_t *)(uintptr_t)writers[slot].addr = writers[slot].value;
		a->armed = 0;
	}
	while (write(done_pipe[1], &byte, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

/* The writers that finished since the last call, joined: bits by slot. */
static uint32_t reap_writers(void)
{
	unsigned char slots[LIVE_WRITERS];
	uint32_t done = 0;
	ssize_t n;

	if (done_pipe[0] < 0)
		return 0;
	while ((n = read(done_pipe[0], slots, sizeof(slots))) > 0 || (n < 0 && errno == EINTR))
		for (ssize_t i = 0; i < n; i++) {
			unsigned s = slots[i];

			if (s < LIVE_WRITERS && writers[s].busy) {
				pthread_join(writers[s].thread, NULL);
				writers[s].busy = false;
				done |= 1u << s;
			}
		}
	return done;
}

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * Wait, for LIVE_BLOCK_WAIT_MS at most, until every writer of want has
 * finished (*done) or has raised a new uffd-wp event for its page and
 * waits (*again). *done also gets any other writer that finished.
 */
static void wait_writers(uint32_t want, uint32_t *done, uint32_t *again)
{
	int64_t until = now_ms() + LIVE_BLOCK_WAIT_MS;

	*done = *again = 0;
	for (;;) {
		struct pollfd pfd[2] = { { .fd = done_pipe[0], .events = POLLIN }, { .fd = uffd, .events = POLLIN } };
		unsigned before = nevents;
		int64_t left;

		*done |= reap_writers();
		read_events(NULL);
		for (unsigned e = before; e < nevents; e++)
			for (unsigned s = 0; s < LIVE_WRITERS; s++)
				if ((want & (1u << s)) && writers[s].busy && writers[s].addr == events[e])
					*again |= 1u << s;
		*again &= ~*done;
		left = until - now_ms();
		if (!(want & ~(*done | *again)) || left <= 0)
			return;
		if (poll(pfd, 2, (int)left) < 0 && errno != EINTR)
			return;
	}
}

/* A write in a process with a synchronous uffd: see LIVE_WRITE_*. */
static void write_in_writer(const struct live_request *rq, struct live_reply *rp)
{
	pthread_attr_t attr;
	unsigned slot = 0;
	uint32_t done, again, bit;
	int rc;

	while (slot < LIVE_WRITERS && writers[slot].busy)
		slot++;
	if (slot == LIVE_WRITERS) {
		rp->harness_err = EAGAIN; /* more writes waiting than the runner has threads for */
		return;
	}
	if (done_pipe[0] < 0 && pipe2(done_pipe, O_CLOEXEC | O_NONBLOCK)) {
		rp->harness_err = errno;
		return;
	}
	writers[slot] = (struct writer){ .busy = true, .addr = rq->addr, .value = rq->value };
	rc = pthread_attr_init(&attr);
	if (!rc)
		rc = pthread_attr_setstack(&attr, thread_stack[slot], THREAD_STACK);
	if (!rc)
		rc = pthread_create(&writers[slot].thread, &attr, write_in_thread, (void *)(uintptr_t)slot);
	pthread_attr_destroy(&attr);
	if (rc) {
		writers[slot].busy = false;
		rp->harness_err = rc;
		return;
	}
	bit = 1u << slot;
	wait_writers(bit, &done, &again);
	rp->woken_done = done & ~bit; /* none expected: nothing woke them */
	if (done & bit) {
		rp->n = LIVE_WRITE_DONE;
		rp->signal = writer_access[slot].signal;
	} else {
		rp->n = again & bit ? LIVE_WRITE_BLOCKED : LIVE_WRITE_STUCK;
		rp->value = slot;
	}
}

static void uffd_open(const struct live_request *rq, struct live_reply *rp)
{
	struct uffdio_api api = { .api = UFFD_API, .features = rq->value };
	int fd = uffd;

	/* one per process: a second open is UFFDIO_API again on it */
	if (fd < 0) {
		fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
		/* vm.unprivileged_userfaultfd = 0 leaves user faults to others */
		if (fd < 0 && errno == EPERM)
			fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
		if (fd < 0) {
			rp->err = errno;
			return;
		}
	}
	if (ioctl(fd, UFFDIO_API, &api)) {
		rp->err = errno;
		if (fd != uffd)
			close(fd);
		return;
	}
	uffd = fd;
	uffd_features = rq->value;
}

static void uffd_range_call(const struct live_request *rq, struct live_reply *rp)
{
	struct uffdio_range range = { .start = rq->addr, .len = rq->len };
	struct uffdio_register reg = { .range = range, .mode = rq->value };
	struct uffdio_writeprotect wp = { .range = range, .mode = rq->value ? UFFDIO_WRITEPROTECT_MODE_WP : 0 };
	uint32_t want = 0, done, again;
	int rc;

	/* without a uffd the descriptor is -1: EBADF, as the kernel says */
	if (rq->op == LIVE_UFFD_REGISTER)
		rc = ioctl(uffd, UFFDIO_REGISTER, &reg);
	else if (rq->op == LIVE_UFFD_UNREGISTER)
		rc = ioctl(uffd, UFFDIO_UNREGISTER, &range);
	else
		rc = ioctl(uffd, UFFDIO_WRITEPROTECT, &wp);
	if (rc) {
		rp->err = errno;
		return;
	}
	if (rq->op != LIVE_UFFD_WP || rq->value)
		return;
	/* an unprotect wakes the writes waiting in its range: they retry */
	for (unsigned s = 0; s < LIVE_WRITERS; s++)
		if (writers[s].busy && writers[s].addr >= rq->addr && writers[s].addr - rq->addr < rq->len)
			want |= 1u << s;
	if (!want)
		return;
	wait_writers(want, &done, &again);
	rp->woken_done = done;
	for (unsigned s = 0; s < LIVE_WRITERS; s++)
		if ((done & (1u << s)) && writer_access[s].signal)
			rp->woken_signal |= 1u << s;
	rp->woken_again = again;
	rp->woken_stuck = want & ~(done | again);
}

/* Take the first queued uffd-wp event at addr, or count them (addr 0). */
static void take_event(const struct live_request *rq, struct live_reply *rp)
{
	read_events(NULL);
	rp->woken_done = reap_writers(); /* none expected: nothing woke them */
	if (!rq->addr) {
		rp->n = nevents;
		rp->value = nevents ? events[0] : 0;
		return;
	}
	for (unsigned e = 0; e < nevents; e++)
		if (events[e] == rq->addr) {
			memmove(&events[e], &events[e + 1], (nevents - e - 1) * sizeof(events[0]));
			nevents--;
			rp->n = 1;
			return;
		}
}

/* A fork child has none of its parent's uffd, writers or events (the
 * controller hands it the uffd UFFD_EVENT_FORK made for it). */
static void forget_uffd(void)
{
	if (uffd >= 0)
		close(uffd);
	if (done_pipe[0] >= 0) {
		close(done_pipe[0]);
		close(done_pipe[1]);
	}
	uffd = done_pipe[0] = done_pipe[1] = -1;
	uffd_features = 0;
	memset(writers, 0, sizeof(writers));
	nevents = 0;
}

/* ---- PAGEMAP_SCAN --------------------------------------------------------- */

static struct live_region scan_vec[LIVE_SCAN_MAX];
static uint32_t scan_count;

static void scan_regions_from(uint64_t from, struct live_reply *rp)
{
	for (uint64_t i = from; i < scan_count && i - from < LIVE_REGIONS_PER_REPLY; i++)
		rp->regions[i - from] = scan_vec[i];
}

/* Opened for each scan, as pagemap is; a vector with room for a region a page. */
static void scan(const struct live_request *rq, struct live_reply *rp)
{
	uint64_t pages = rq->len / LIVE_PAGE;
	struct live_pm_scan_arg arg = {
		.size = sizeof(arg),
		.flags = rq->scan.flags,
		.start = rq->addr,
		.end = rq->addr + rq->len,
		.vec = (uint64_t)(uintptr_t)scan_vec,
		.vec_len = pages,
		.max_pages = rq->scan.max_pages,
		.category_inverted = rq->scan.inverted,
		.category_mask = rq->scan.mask,
		.category_anyof_mask = rq->scan.anyof,
		.return_mask = rq->scan.ret,
	};
	int fd;
	long n;

	scan_count = 0;
	if (pages > LIVE_SCAN_MAX) {
		rp->harness_err = E2BIG;
		return;
	}
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rp->harness_err = errno;
		return;
	}
	n = ioctl(fd, LIVE_PAGEMAP_SCAN, &arg);
	if (n < 0) {
		rp->err = errno;
	} else {
		scan_count = (uint32_t)n;
		rp->n = scan_count;
		rp->value = arg.walk_end;
		scan_regions_from(0, rp);
	}
	close(fd);
}

/* ---- the other requests --------------------------------------------------- */

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
			uint64_t e = rp->pagemap[j], pfn = e & PM_PFRAME_MASK;

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

/* The thread that reads a fork's UFFD_EVENT_FORK: fork() waits in the
 * kernel until the event has been read, so its caller cannot. */
static int fork_stop = -1;  /* an eventfd: fork() returned, stop waiting */
static int fork_uffd = -1;  /* the child's uffd, in this process */
static atomic_int fork_reader_running;

static void *read_fork_event(void *arg)
{
	(void)arg;
	atomic_store(&fork_reader_running, 1);
	while (fork_uffd < 0) {
		struct pollfd pfd[2] = { { .fd = uffd, .events = POLLIN }, { .fd = fork_stop, .events = POLLIN } };

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents)
			break;
		read_events(&fork_uffd);
	}
	return NULL;
}

static int start_fork_reader(pthread_t *reader)
{
	pthread_attr_t attr;
	int rc;

	fork_uffd = -1;
	fork_stop = eventfd(0, EFD_CLOEXEC);
	if (fork_stop < 0)
		return errno;
	rc = pthread_attr_init(&attr);
	if (!rc)
		rc = pthread_attr_setstack(&attr, thread_stack[LIVE_WRITERS], THREAD_STACK);
	atomic_store(&fork_reader_running, 0);
	if (!rc)
		rc = pthread_create(reader, &attr, read_fork_event, NULL);
	pthread_attr_destroy(&attr);
	if (rc) {
		close(fork_stop);
		fork_stop = -1;
		return rc;
	}
	/* fork only once the thread runs its own code: a lock its start takes
	 * (in the C library or a sanitizer's runtime) would stay taken for
	 * good in the child if fork came in the middle */
	while (!atomic_load(&fork_reader_running))
		sched_yield();
	return 0;
}

/* fork: the child carries on with the socket it was given and greets the
 * controller on it; the parent answers the request, with the child's
 * uffd when UFFD_EVENT_FORK made one (*send_fd). False in the child. */
static bool fork_process(int *sock, int child_sock, struct live_reply *rp, int *send_fd)
{
	bool event_fork = uffd >= 0 && (uffd_features & UFFD_FEATURE_EVENT_FORK);
	pthread_t reader;
	pid_t pid;
	int rc;

	if (child_sock < 0) {
		rp->harness_err = EBADF;
		return true;
	}
	if (event_fork) {
		rc = start_fork_reader(&reader);
		if (rc) {
			close(child_sock);
			rp->harness_err = rc;
			return true;
		}
	}
	pid = fork();
	if (pid == 0) {
		struct live_reply hello = { .op = LIVE_HELLO };

		close(*sock);
		*sock = child_sock;
		if (event_fork)
			close(fork_stop);
		forget_uffd();
		if (live_send(*sock, &hello, sizeof(hello), -1))
			_exit(1);
		return false;
	}
	close(child_sock);
	if (pid < 0)
		rp->err = errno;
	/* the event, when there is one, was read before fork() returned:
	 * there is none when no VMA was registered (dup_userfaultfd() makes
	 * the child's uffd for the first registered VMA it copies) */
	if (event_fork) {
		uint64_t one = 1;

		if (write(fork_stop, &one, sizeof(one)) < 0)
			rp->harness_err = errno;
		pthread_join(reader, NULL);
		close(fork_stop);
		fork_stop = -1;
		*send_fd = fork_uffd;
		rp->value = uffd_features;
	}
	return true;
}

/* One request; false when no reply is due (a fork's child). A descriptor
 * to send with the reply goes to *send_fd. */
static bool handle(int *sock, const struct live_request *rq, int fd, struct live_reply *rp, int *send_fd)
{
	void *addr = (void *)(uintptr_t)rq->addr;

	memset(rp, 0, sizeof(*rp));
	rp->op = rq->op;
	*send_fd = -1;
	if (fd >= 0 && rq->op != LIVE_FORK && rq->op != LIVE_UFFD_ADOPT)
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
	case LIVE_WRITE:
		if (uffd_sync()) {
			write_in_writer(rq, rp);
			break;
		}
		rp->signal = access_page(rq, &rp->value);
		break;
	case LIVE_READ:
		rp->signal = access_page(rq, &rp->value);
		break;
	case LIVE_PAGEMAP:
		read_pagemap(rq, rp);
		break;
	case LIVE_FORK:
		return fork_process(sock, fd, rp, send_fd);
	case LIVE_EXIT:
		_exit(0);
	case LIVE_UFFD_OPEN:
		uffd_open(rq, rp);
		break;
	case LIVE_UFFD_REGISTER:
	case LIVE_UFFD_UNREGISTER:
	case LIVE_UFFD_WP:
		uffd_range_call(rq, rp);
		break;
	case LIVE_UFFD_ADOPT:
		if (fd < 0 || uffd >= 0) {
			rp->harness_err = fd < 0 ? EBADF : EEXIST;
			if (fd >= 0)
				close(fd);
			break;
		}
		uffd = fd;
		uffd_features = rq->value;
		if (fcntl(uffd, F_SETFL, O_NONBLOCK))
			rp->harness_err = errno;
		break;
	case LIVE_EVENT:
		take_event(rq, rp);
		break;
	case LIVE_SCAN:
		scan(rq, rp);
		break;
	case LIVE_SCAN_MORE:
		scan_regions_from(rq->value, rp);
		break;
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
		int fd, send_fd;
		bool reply;

		/* end-of-file: the controller is gone, and so is the scenario */
		if (live_recv(sock, &rq, sizeof(rq), &fd, NULL))
			_exit(0);
		reply = handle(&sock, &rq, fd, &rp, &send_fd);
		if (reply && live_send(sock, &rp, sizeof(rp), send_fd))
			_exit(0);
		if (send_fd >= 0)
			close(send_fd);
	}
}
