/* SPDX-License-Identifier: MIT */
/*
 * Swap for live runs. Runs that may swap hold one lock between them for
 * their whole length, so that one run never enables or removes swap under
 * another: a run that found swap enabled would see its swapped pages come
 * back into memory when the run that enabled it ended, and a run of `swap
 * off` would see swap appear.
 *
 * A swap file for a run that may swap, on a kernel with no swap
 * enabled, is made, enabled and finally disabled and removed by a
 * process of its own, the janitor, which does the last part as soon as
 * the controller's end of their socket closes: when the run ends, and
 * equally when the controller dies, of a signal or of SIGKILL, whatever
 * state the run was in. The janitor is in a process group of its own and
 * ignores the signals a terminal sends, so that it outlives a Ctrl-C
 * long enough to clean up.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* mkostemp, close_range */
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/swap.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "live/live_internal.h"

/* what the janitor says once the file is enabled, or why it is not */
struct swap_hello {
	int32_t err;
	char path[sizeof(((struct live_swap *)0)->path)];
};

/* the janitor's exit status after the run */
#define JANITOR_CLEAN 0
#define JANITOR_SETUP_FAILED 1
#define JANITOR_STILL_ON 2 /* swapoff failed: the file stays, named, to swapoff by hand */

/*
 * mkswap's format, version 1 (include/linux/swap.h, union swap_header):
 * one page, "SWAPSPACE2" in its last ten bytes; from byte 1024 the
 * version, the last page's index, the number of bad pages and a UUID, in
 * the machine's byte order. The rest of the file is allocated, without
 * holes, which swapon refuses.
 */
static int write_swap_file(int fd, uint64_t bytes)
{
	unsigned char page[LIVE_PAGE];
	uint32_t version = 1, last_page = (uint32_t)(bytes / LIVE_PAGE - 1), bad = 0;
	int rc = posix_fallocate(fd, 0, (off_t)bytes);

	if (rc)
		return rc;
	memset(page, 0, sizeof(page));
	memcpy(page + 1024, &version, sizeof(version));
	memcpy(page + 1028, &last_page, sizeof(last_page));
	memcpy(page + 1032, &bad, sizeof(bad));
	/* a random (version 4) UUID, as mkswap writes; only blkid reads it */
	if (getrandom(page + 1036, 16, GRND_NONBLOCK) == 16) {
		page[1036 + 6] = (unsigned char)((page[1036 + 6] & 0x0f) | 0x40);
		page[1036 + 8] = (unsigned char)((page[1036 + 8] & 0x3f) | 0x80);
	}
	memcpy(page + LIVE_PAGE - 10, "SWAPSPACE2", 10);
	if (pwrite(fd, page, sizeof(page), 0) != (ssize_t)sizeof(page))
		return errno ? errno : EIO;
	return fsync(fd) ? errno : 0;
}

/*
 * The lock is an abstract AF_UNIX socket name, which one socket at a
 * time can have: no file to leave behind, and gone with the last
 * descriptor of its socket, however its holders end.
 */
#define LOCK_NAME "ptesim-live-swap"

int live_swap_lock(const struct timespec *deadline)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(LOCK_NAME));
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	memcpy(addr.sun_path + 1, LOCK_NAME, strlen(LOCK_NAME)); /* sun_path[0] = 0: abstract */
	while (bind(fd, (struct sockaddr *)&addr, len)) {
		struct timespec now;
		int err = errno;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (err != EADDRINUSE || now.tv_sec > deadline->tv_sec ||
		    (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec)) {
			close(fd);
			return err == EADDRINUSE ? -ETIMEDOUT : -err;
		}
		usleep(10000);
	}
	return fd;
}

static void janitor_alone(int sock, int lock)
{
	static const int ignored[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU };
	int null = open("/dev/null", O_RDWR);

	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		signal(ignored[i], SIG_IGN);
	setpgid(0, 0);
	/* nothing of the caller's: its output pipes must see end-of-file
	 * when it exits, not when the janitor does */
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	/* keep sock and lock, close every other descriptor from 3 on */
	for (int from = 3;;) {
		int next = sock >= from && (lock < from || sock < lock) ? sock : lock >= from ? lock : -1;

		if (next < 0) {
			close_range((unsigned)from, ~0u, 0);
			break;
		}
		if (next > from)
			close_range((unsigned)from, (unsigned)next - 1, 0);
		from = next + 1;
	}
}

static _Noreturn void janitor(int sock, int lock, uint64_t bytes)
{
	struct swap_hello hello = { 0 };
	char byte;
	int fd;

	/* it holds the lock too, until the file is gone */
	janitor_alone(sock, lock);
	snprintf(hello.path, sizeof(hello.path), "%s", LIVE_FILE_DIR "/ptesim-swap-XXXXXX");
	fd = mkostemp(hello.path, O_CLOEXEC); /* mode 0600 */
	if (fd < 0) {
		hello.err = errno;
	} else {
		hello.err = write_swap_file(fd, bytes);
		close(fd);
		if (!hello.err && swapon(hello.path, 0))
			hello.err = errno;
		if (hello.err)
			unlink(hello.path);
	}
	live_send(sock, &hello, sizeof(hello), -1);
	if (hello.err)
		_exit(JANITOR_SETUP_FAILED);
	/* until the controller's end closes, however that happens */
	while (recv(sock, &byte, 1, 0) > 0 || errno == EINTR)
		;
	for (int tries = 0; swapoff(hello.path); tries++) {
		/* EINVAL: not swap any more (someone did swapoff by hand) */
		if (errno == EINVAL)
			break;
		/* the pages of processes still exiting come back to memory
		 * first; give up after a few seconds, leaving the file named */
		if (tries == 50 || (errno != EINTR && errno != ENOMEM && errno != EBUSY))
			_exit(JANITOR_STILL_ON);
		usleep(100000);
	}
	unlink(hello.path);
	_exit(JANITOR_CLEAN);
}

void live_swap_init(struct live_swap *s)
{
	memset(s, 0, sizeof(*s));
	s->sock = -1;
}

int live_swap_enable(struct live_swap *s, int lock, uint64_t bytes, const struct timespec *deadline, char *err,
		     size_t size)
{
	struct swap_hello hello;
	int sv[2], rc;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		rc = -errno;
		snprintf(err, size, "cannot enable a swap file: %s", strerror(-rc));
		return rc;
	}
	pid = fork();
	if (pid == 0)
		janitor(sv[1], lock, bytes);
	rc = pid < 0 ? -errno : 0;
	close(sv[1]);
	if (rc) {
		close(sv[0]);
		snprintf(err, size, "cannot enable a swap file: %s", strerror(-rc));
		return rc;
	}
	s->janitor = pid;
	s->sock = sv[0];
	rc = live_recv(s->sock, &hello, sizeof(hello), NULL, deadline);
	if (!rc && hello.err)
		rc = -hello.err;
	if (rc) {
		snprintf(err, size, "cannot enable a swap file in %s: %s", LIVE_FILE_DIR,
			 rc == -ETIMEDOUT ? "no answer in time" : strerror(-rc));
		live_swap_disable(s);
		return rc;
	}
	hello.path[sizeof(hello.path) - 1] = 0;
	memcpy(s->path, hello.path, sizeof(s->path));
	s->enabled = true;
	return 0;
}

int live_swap_disable(struct live_swap *s)
{
	bool was_enabled = s->enabled;
	int status = 0;
	pid_t pid = s->janitor, got;

	if (s->sock >= 0)
		close(s->sock);
	s->sock = -1;
	s->janitor = 0;
	s->enabled = false;
	if (pid <= 0)
		return 0;
	do
		got = waitpid(pid, &status, 0);
	while (got < 0 && errno == EINTR);
	if (!was_enabled)
		return 0;
	return got == pid && WIFEXITED(status) && WEXITSTATUS(status) == JANITOR_CLEAN ? 0 : -EBUSY;
}
