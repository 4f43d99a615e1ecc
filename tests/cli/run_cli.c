/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run_cli.h"

static void drain(int fd, char *buf, size_t size, size_t *len)
{
	ssize_t n = read(fd, buf + *len, size - 1 - *len);

	if (n > 0)
		*len += (size_t)n;
	buf[*len] = 0;
}

void run_cli(struct cli_result *r, const char *const *argv)
{
	const char *bin = getenv("PTESIM_BIN");
	int out[2], err[2], st;
	size_t lo = 0, le = 0;
	const char *args[64];
	pid_t pid;
	int n = 0;

	ck_assert_msg(bin != NULL, "PTESIM_BIN is not set");
	args[n++] = bin;
	while (argv[n - 1] && n < 63) {
		args[n] = argv[n - 1];
		n++;
	}
	args[n] = NULL;
	ck_assert_int_eq(pipe(out), 0);
	ck_assert_int_eq(pipe(err), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		execv(bin, (char *const *)args);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	struct pollfd p[2] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 } };
	int open_fds = 2;

	while (open_fds) {
		if (poll(p, 2, -1) < 0)
			break;
		for (int i = 0; i < 2; i++) {
			if (!p[i].revents)
				continue;
			size_t before = i ? le : lo;

			if (i)
				drain(p[i].fd, r->err, sizeof(r->err), &le);
			else
				drain(p[i].fd, r->out, sizeof(r->out), &lo);
			if ((i ? le : lo) == before) {
				close(p[i].fd);
				p[i].fd = -1;
				open_fds--;
			}
		}
	}
	r->out[lo] = 0;
	r->err[le] = 0;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

const char *temp_file(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/ptesim-test-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}
