/* SPDX-License-Identifier: MIT */
/*
 * A scenario on the live kernel: the controller (this process) starts p0,
 * runs each command in the process it names, and tears everything down.
 * Every scenario process is in p0's process group, so one kill ends them
 * all, and this process is their subreaper while it runs, so that it can
 * reap every one of them, orphans included, before returning. Time runs
 * out for the whole scenario at once: every wait for a worker has the same
 * deadline.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "live/live_ctl.h"

void ctl_fail(struct controller *ctl, const char *fmt, ...)
{
	struct run_result *r = ctl->r;
	va_list ap;

	if (r->status != RUN_PASS)
		return;
	r->status = RUN_FAIL;
	r->violation = NULL;
	r->line = ctl->cmd ? ctl->cmd->line : 0;
	if (!ctl->cmd || scn_format_command(ctl->p, ctl->cmd, r->command, sizeof(r->command)) < 0)
		snprintf(r->command, sizeof(r->command), "?");
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
}

void ctl_fail_wait(struct controller *ctl, uint32_t proc, int rc)
{
	const char *name = ctl->p->processes[proc];

	if (rc == -ETIMEDOUT)
		ctl_fail(ctl, "the time limit of %u s ran out waiting for %s", ctl->timeout_s, name);
	else if (rc == -EPIPE)
		ctl_fail(ctl, "%s died", name);
	else
		ctl_fail(ctl, "talking to %s failed: %s", name, strerror(-rc));
}

bool ctl_call_fd(struct controller *ctl, uint32_t proc, const struct live_request *rq, int fd,
		 struct live_reply *rp, int *got)
{
	int rc = live_send(ctl->sock[proc], rq, sizeof(*rq), fd);

	*got = -1;
	if (!rc)
		rc = live_recv(ctl->sock[proc], rp, sizeof(*rp), got, &ctl->deadline);
	if (!rc && rp->op != rq->op)
		rc = -EPROTO;
	if (rc || rp->harness_err) {
		if (*got >= 0)
			close(*got);
		*got = -1;
	}
	if (rc) {
		ctl_fail_wait(ctl, proc, rc);
		return false;
	}
	if (rp->harness_err) {
		ctl_fail(ctl, "%s could not do its part of the command: %s", ctl->p->processes[proc],
			 strerror(rp->harness_err));
		return false;
	}
	return true;
}

bool ctl_call(struct controller *ctl, uint32_t proc, const struct live_request *rq, int fd,
	      struct live_reply *rp)
{
	int got;
	bool ok = ctl_call_fd(ctl, proc, rq, fd, rp, &got);

	if (got >= 0)
		close(got);
	return ok;
}

static void set_na(struct run_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_na(struct run_result *r, const char *fmt, ...)
{
	va_list ap;

	r->status = RUN_NA;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
}

void ctl_na(struct controller *ctl, const char *fmt, ...)
{
	struct run_result *r = ctl->r;
	va_list ap;

	if (r->status != RUN_PASS)
		return;
	r->status = RUN_NA;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
}

/* p0: a child in a process group of its own, holding the slots'
 * reservation and the backing objects, greeting on its socket. */
static int start_p0(struct controller *ctl)
{
	int sv[2], rc;
	struct live_reply hello;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	rc = live_space_reserve(&ctl->space);
	if (rc) {
		close(sv[0]);
		close(sv[1]);
		return rc;
	}
	/* nothing buffered may be written twice by a copy of this process */
	if (ctl->opt->observe)
		fflush(ctl->opt->observe);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		live_worker(sv[1], ctl->object_fd, ctl->p->nobjects);
	}
	rc = pid < 0 ? -errno : 0;
	close(sv[1]);
	live_space_unreserve(&ctl->space);
	live_objects_close(ctl->object_fd, ctl->p->nobjects);
	ctl->objects_held = false;
	if (rc) {
		close(sv[0]);
		return rc;
	}
	/* both sides set the group, so that it exists whichever runs first */
	setpgid(pid, pid);
	ctl->pgid = pid;
	ctl->sock[0] = sv[0];
	rc = live_recv(sv[0], &hello, sizeof(hello), NULL, &ctl->deadline);
	return rc ? rc : hello.op == LIVE_HELLO ? 0 : -EPROTO;
}

/* Kill every scenario process and reap p0 and every orphan (they are all
 * in p0's group). The kill comes before any of them is reaped: until p0 is
 * reaped its pid, the group's id, cannot name another group. */
static void stop_all(struct controller *ctl)
{
	for (size_t i = 0; i < ctl->p->nprocesses; i++)
		if (ctl->sock[i] >= 0) {
			close(ctl->sock[i]);
			ctl->sock[i] = -1;
		}
	if (ctl->pgid <= 0)
		return;
	/* the group exists from the fork on (both sides set it); the
	 * fallback only covers a setpgid that failed anyway */
	if (kill(-ctl->pgid, SIGKILL)) {
		kill(ctl->pgid, SIGKILL);
		while (waitpid(ctl->pgid, NULL, 0) < 0 && errno == EINTR)
			;
	} else {
		while (waitpid(-ctl->pgid, NULL, 0) >= 0 || errno == EINTR)
			;
	}
	ctl->pgid = 0;
}

static int controller_init(struct controller *ctl, const struct scn_program *p, const struct live_options *opt,
			   struct run_result *r, const struct timespec *deadline, int swap_lock)
{
	memset(ctl, 0, sizeof(*ctl));
	ctl->p = p;
	ctl->opt = opt;
	ctl->r = r;
	ctl->timeout_s = opt->timeout_s ? opt->timeout_s : LIVE_DEFAULT_TIMEOUT;
	ctl->fresh = UINT64_C(0x5eed0000); /* the simulator's first fresh value is 0x5eed0001 */
	ctl->swap_lock = swap_lock;
	live_swap_init(&ctl->swap);
	ctl->deadline = *deadline;
	ctl->object_fd = malloc((p->nobjects + 1) * sizeof(*ctl->object_fd));
	ctl->sock = malloc((p->nprocesses + 1) * sizeof(*ctl->sock));
	ctl->writers = calloc((p->nprocesses + 1) * LIVE_WRITERS, sizeof(*ctl->writers));
	for (size_t i = 0; ctl->object_fd && i < p->nobjects; i++)
		ctl->object_fd[i] = -1;
	for (size_t i = 0; ctl->sock && i < p->nprocesses; i++)
		ctl->sock[i] = -1;
	return ctl->object_fd && ctl->sock && ctl->writers ? 0 : -ENOMEM;
}

/* Last, once no scenario process holds a page in it. */
static void swap_off(struct controller *ctl)
{
	char path[sizeof(ctl->swap.path)];

	if (!ctl->swap.enabled)
		return;
	memcpy(path, ctl->swap.path, sizeof(path));
	if (live_swap_disable(&ctl->swap) && ctl->opt->notes)
		fprintf(ctl->opt->notes, "kernel: swap file %s is still enabled (swapoff failed): %s\n", path,
			"swapoff and remove it by hand");
}

static void controller_destroy(struct controller *ctl)
{
	if (ctl->sock)
		stop_all(ctl);
	swap_off(ctl);
	if (ctl->swap_lock >= 0)
		close(ctl->swap_lock);
	ctl->swap_lock = -1;
	if (ctl->objects_held)
		live_objects_close(ctl->object_fd, ctl->p->nobjects);
	live_space_free(&ctl->space);
	free(ctl->object_fd);
	free(ctl->sock);
	free(ctl->writers);
}

static bool has_reclaim(const struct scn_program *p)
{
	for (size_t i = 0; i < p->ncommands; i++)
		if (p->commands[i].op == SCN_OP_RECLAIM)
			return true;
	return false;
}

#define SWAP_MIN (UINT64_C(64) << 20)
#define SWAP_MAX (UINT64_C(1) << 30)

/* Room for every page the program maps, in every process it names, and
 * the header page, within [SWAP_MIN, SWAP_MAX]. */
static uint64_t swap_bytes(const struct scn_program *p)
{
	uint64_t pages = 0;

	for (size_t i = 0; i < p->ncommands && pages < SWAP_MAX / LIVE_PAGE; i++)
		if (p->commands[i].op == SCN_OP_MMAP)
			pages += p->commands[i].mmap.npages;
	if (pages > SWAP_MAX / LIVE_PAGE / p->nprocesses)
		return SWAP_MAX;
	pages *= p->nprocesses;
	return pages * LIVE_PAGE < SWAP_MIN ? SWAP_MIN : pages * LIVE_PAGE + LIVE_PAGE;
}

/* A swap file when the run needs one and the kernel has none (the caller
 * is root: live_unsupported() made the run n/a otherwise). */
static bool swap_on(struct controller *ctl)
{
	char err[256];

	if (!live_needs_swap(ctl->p) || live_kernel_has_swap())
		return true;
	if (live_swap_enable(&ctl->swap, ctl->swap_lock, swap_bytes(ctl->p), &ctl->deadline, err, sizeof(err))) {
		set_na(ctl->r, "%s", err);
		return false;
	}
	if (ctl->opt->notes) {
		fprintf(ctl->opt->notes, "kernel: swap file %s enabled for this run\n", ctl->swap.path);
		fflush(ctl->opt->notes);
	}
	return true;
}

/* Everything before the first command; false with the run n/a. */
static bool set_up(struct controller *ctl)
{
	char err[256];
	int rc = live_space_plan(&ctl->space, ctl->p);

	if (rc) {
		set_na(ctl->r, "cannot place the regions: %s",
		       rc == -E2BIG ? "they need more address space than the runner reserves" : strerror(-rc));
		return false;
	}
	if (!swap_on(ctl))
		return false;
	if (has_reclaim(ctl->p))
		ctl->zero_pfn = live_zero_pfn();
	if (live_objects_create(ctl->p, ctl->object_fd, err, sizeof(err))) {
		set_na(ctl->r, "%s", err);
		return false;
	}
	ctl->objects_held = true;
	rc = start_p0(ctl);
	if (rc) {
		set_na(ctl->r, "cannot start p0: %s", rc == -ETIMEDOUT ? "no answer in time" : strerror(-rc));
		return false;
	}
	return true;
}

void live_run(const struct scn_program *p, const struct live_options *opt, struct run_result *r)
{
	struct controller ctl;
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old_chld;
	struct timespec deadline;
	int was_subreaper = 0, swap_lock = -1;
	char why[256];
	const char *na;

	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += (time_t)(opt->timeout_s ? opt->timeout_s : LIVE_DEFAULT_TIMEOUT);
	na = live_unsupported(p, why, sizeof(why));
	/* a run that may swap looks at the kernel's swap again once it holds
	 * the lock: another run may have enabled or removed some meanwhile */
	if (!na && (live_may_swap(p) || live_needs_swap(p))) {
		swap_lock = live_swap_lock(&deadline);
		if (swap_lock < 0) {
			set_na(r, "cannot take the swap lock: %s",
			       swap_lock == -ETIMEDOUT ? "another run that may swap held it until the time limit"
						       : strerror(-swap_lock));
			return;
		}
		na = live_unsupported(p, why, sizeof(why));
	}
	if (na) {
		if (swap_lock >= 0)
			close(swap_lock);
		set_na(r, "%s", na);
		return;
	}
	if (controller_init(&ctl, p, opt, r, &deadline, swap_lock)) {
		controller_destroy(&ctl);
		set_na(r, "out of memory");
		return;
	}
	prctl(PR_GET_CHILD_SUBREAPER, &was_subreaper, 0, 0, 0);
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	/* with SIGCHLD ignored the kernel would reap p0 at once, and its pid,
	 * the group's id, could name another group by the time it is killed */
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGCHLD, &dfl, &old_chld);
	if (set_up(&ctl))
		for (size_t i = 0; i < p->ncommands && r->status == RUN_PASS; i++) {
			ctl.cmd = &p->commands[i];
			live_exec(&ctl);
			r->commands++;
		}
	if (opt->observe)
		fflush(opt->observe);
	controller_destroy(&ctl);
	sigaction(SIGCHLD, &old_chld, NULL);
	prctl(PR_SET_CHILD_SUBREAPER, was_subreaper, 0, 0, 0);
}

void live_result_line(const struct run_result *r, char *buf, size_t size)
{
	switch (r->status) {
	case RUN_PASS:
		snprintf(buf, size, "kernel: pass");
		break;
	case RUN_NA:
		snprintf(buf, size, "kernel: n/a (%s)", r->detail);
		break;
	case RUN_FAIL:
		snprintf(buf, size, "kernel: FAIL at line %u (%s): %s", r->line, r->command, r->detail);
		break;
	}
}
