/* SPDX-License-Identifier: MIT */
/* Messages between the controller and a worker: one request or reply per
 * SOCK_SEQPACKET message, optionally with one descriptor attached. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "live/live_internal.h"

int live_send(int sock, const void *msg, size_t size, int fd)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&control, 0, sizeof(control));
		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof(control.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	/* MSG_NOSIGNAL: a worker that died must not take the caller with it */
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == ECONNRESET ? -EPIPE : -errno;
	return (size_t)n == size ? 0 : -EPROTO;
}

static int remaining_ms(const struct timespec *deadline)
{
	struct timespec now;
	int64_t ms;

	if (!deadline)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (int64_t)(deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
	if (ms < 0)
		return 0;
	return ms > 1000000 ? 1000000 : (int)ms;
}

/* Until sock is readable (or at end-of-file): 0 or -ETIMEDOUT. */
static int wait_readable(int sock, const struct timespec *deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = sock, .events = POLLIN };
		int ms = remaining_ms(deadline), rc = poll(&pfd, 1, ms);

		if (rc > 0)
			return 0;
		if (rc == 0 && ms == 0)
			return -ETIMEDOUT;
		if (rc < 0 && errno != EINTR)
			return -errno;
	}
}

/* The descriptor a message carried, -1 when none; extra ones are closed. */
static int take_fd(struct msghdr *mh)
{
	int fd = -1;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		size_t n;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int got;

			memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (fd < 0)
				fd = got;
			else
				close(got);
		}
	}
	return fd;
}

int live_recv(int sock, void *msg, size_t size, int *fd, const struct timespec *deadline)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * 4)];
	} control;
	struct iovec iov = { .iov_base = msg, .iov_len = size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int rc = wait_readable(sock, deadline), got;
	ssize_t n;

	if (fd)
		*fd = -1;
	if (rc)
		return rc;
	mh.msg_control = control.buf;
	mh.msg_controllen = sizeof(control.buf);
	do
		n = recvmsg(sock, &mh, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == ECONNRESET ? -EPIPE : -errno;
	got = take_fd(&mh);
	if (fd)
		*fd = got;
	else if (got >= 0)
		close(got);
	if (n == 0)
		return -EPIPE;
	return (size_t)n == size && !(mh.msg_flags & MSG_TRUNC) ? 0 : -EPROTO;
}

int live_wait_closed(int sock, const struct timespec *deadline)
{
	char byte;
	int rc = wait_readable(sock, deadline);
	ssize_t n;

	if (rc)
		return rc;
	do
		n = recv(sock, &byte, 1, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	return n == 0 || (n < 0 && errno == ECONNRESET) ? 0 : -EPROTO;
}
