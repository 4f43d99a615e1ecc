/* SPDX-License-Identifier: MIT */
/*
 * The live runner on the kernel of this machine: the bundled scenarios it
 * can run pass there (those with PTE expectations once without them), its
 * output and messages are the simulator's, what it cannot do is n/a before
 * anything runs, and whatever happens it leaves no process, descriptor or
 * subreaper setting behind.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "live/live.h"

/* Run entirely on the kernel: every command is one the runner does. */
static const char *const runnable[] = {
	"dontneed-private-anon.pts", "dontneed-private-file.pts",  "dontneed-shared-anon.pts",
	"dontneed-shared-file.pts",  "dontneed-shmem.pts",         "exit-then-access.pts",
	"fork-no-copy-shared.pts",   "fork-shared-anon.pts",       "fork-values-isolated.pts",
	"mprotect-errors.pts",       "munmap-then-access.pts",     "private-file-sees-file-until-copied.pts",
};

/* With `expect pte` lines, which the kernel cannot check: n/a as they are,
 * and passing with those lines left out. */
static const char *const with_pte[] = {
	"anon-write-exclusive.pts",   "cow-after-fork.pts",
	"cow-private-file.pts",       "dbm-write-no-fault.pts",
	"fork-parent-write-reuses.pts", "hardware-af.pts",
	"mprotect-none.pts",          "mprotect-read-only-segv.pts",
	"mprotect-rw-after-fork-stays-protected.pts", "mprotect-rw-writable-again.pts",
	"zero-page-read.pts",         "zero-page-then-write.pts",
};

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static struct scn_program *parse_scenario_file(const char *name)
{
	const char *root = getenv("PTESIM_SOURCE_ROOT");
	struct scn_program *p = NULL;
	char path[4096], err[512];

	snprintf(path, sizeof(path), "%s/tests/scenarios/%s", root ? root : ".", name);
	ck_assert_msg(scn_parse_file(path, &p, err, sizeof(err)) == 0, "%s", err);
	return p;
}

static struct scn_program *parse_text(const char *text)
{
	struct scn_program *p = NULL;
	char err[512];

	ck_assert_msg(scn_parse(text, "<test>", &p, err, sizeof(err)) == 0, "%s", err);
	return p;
}

/* The result line, and the observations in out (NULL: none wanted). */
static void run(const struct scn_program *p, unsigned timeout_s, char *line, size_t size, char **out)
{
	struct live_options opt = { .timeout_s = timeout_s };
	struct run_result r;
	size_t len = 0;

	if (out) {
		*out = NULL;
		opt.observe = open_memstream(out, &len);
		ck_assert_ptr_nonnull(opt.observe);
	}
	live_run(p, &opt, &r);
	if (out)
		fclose(opt.observe);
	live_result_line(&r, line, size);
}

START_TEST(runnable_file_passes)
{
	struct scn_program *p = parse_scenario_file(runnable[_i]);
	char line[1024];

	run(p, 0, line, sizeof(line), NULL);
	ck_assert_msg(!strcmp(line, "kernel: pass"), "%s: %s", runnable[_i], line);
	scn_program_free(p);
}
END_TEST

START_TEST(pte_file_is_na_and_passes_without_pte)
{
	struct scn_program *p = parse_scenario_file(with_pte[_i]), copy = *p;
	struct scn_command *kept = calloc(p->ncommands + 1, sizeof(*kept));
	char line[1024];

	ck_assert_ptr_nonnull(kept);
	run(p, 0, line, sizeof(line), NULL);
	ck_assert_msg(!strcmp(line, "kernel: n/a (the kernel does not show PTEs)"), "%s: %s", with_pte[_i], line);
	copy.ncommands = 0;
	for (size_t i = 0; i < p->ncommands; i++)
		if (p->commands[i].op != SCN_OP_PTE && p->commands[i].op != SCN_OP_EXPECT_PTE)
			kept[copy.ncommands++] = p->commands[i];
	copy.commands = kept;
	run(&copy, 0, line, sizeof(line), NULL);
	ck_assert_msg(!strcmp(line, "kernel: pass"), "%s without pte: %s", with_pte[_i], line);
	free(kept);
	scn_program_free(p);
}
END_TEST

/* soft-dirty depends on the kernel's configuration: left out here */
static void drop_soft_dirty(char *s)
{
	char *k;

	while ((k = strstr(s, " soft-dirty=")) != NULL)
		memmove(k, k + 13, strlen(k + 13) + 1);
}

START_TEST(observations_have_the_simulator_format)
{
	struct scn_program *p = parse_text("mmap A 2 rw private anon\n"
					   "mmap S 1 rw shared shmem:s\n"
					   "write A[0]\n"
					   "read A[0] 0x5eed0001\n"
					   "write S[0]\n"
					   "read S[0] 0x5eed0002\n"
					   "pagemap A\n"
					   "fork c\n"
					   "as c\n"
					   "pagemap A[0]\n"
					   "pagemap S\n");
	char line[1024], *out;

	run(p, 0, line, sizeof(line), &out);
	ck_assert_str_eq(line, "kernel: pass");
	drop_soft_dirty(out);
	ck_assert_str_eq(out, "p0 A[0] present=1 swap=0 file=0 exclusive=1 uffd-wp=0\n"
			      "p0 A[1] present=0 swap=0 file=0 exclusive=0 uffd-wp=0\n"
			      "c A[0] present=1 swap=0 file=0 exclusive=0 uffd-wp=0\n"
			      "c S[0] present=0 swap=0 file=0 exclusive=0 uffd-wp=0\n");
	free(out);
	scn_program_free(p);
}
END_TEST

static const struct {
	const char *text, *line;
} failures[] = {
	{ "mmap A 1 rw private anon\nwrite A[0] 4\nread A[0] 5\n",
	  "kernel: FAIL at line 3 (read A[0] 5): read 0x4, expected 0x5" },
	{ "mmap A 1 rw private anon\nwrite A[0] -> segv\n",
	  "kernel: FAIL at line 2 (write A[0] -> segv): the write completed, expected segv" },
	{ "mmap A 1 r private anon\nread A[0] -> segv\n",
	  "kernel: FAIL at line 2 (read A[0] -> segv): the read completed, expected segv" },
	{ "mmap A 1 none private anon\nread A[0]\n",
	  "kernel: FAIL at line 2 (read A[0]): the read took SIGSEGV, expected ok" },
	{ "mmap A 1 rw private anon\nmprotect A r -> EINVAL\n",
	  "kernel: FAIL at line 2 (mprotect A r -> EINVAL): mprotect returned ok, expected EINVAL" },
	{ "mmap A 2 rw private anon\nmunmap A[0]\nmadvise A dontneed\n",
	  "kernel: FAIL at line 3 (madvise A dontneed): madvise returned ENOMEM, expected ok" },
	{ "mmap A 1 rw private anon\nexpect pagemap A[0] present=1\n",
	  "kernel: FAIL at line 2 (expect pagemap A[0] present=1): p0 A[0] pagemap present=0, expected 1" },
	{ "mmap A 1 rw private anon\nfork c\nexit c\nas c\nread A[0]\n",
	  "kernel: FAIL at line 5 (read A[0]): c has exited" },
	{ "fork c\nexit c\nexit c\n", "kernel: FAIL at line 3 (exit c): c has already exited" },
};

START_TEST(failures_have_the_simulator_messages)
{
	struct scn_program *p = parse_text(failures[_i].text);
	char line[1024];

	run(p, 0, line, sizeof(line), NULL);
	ck_assert_str_eq(line, failures[_i].line);
	scn_program_free(p);
}
END_TEST

static const struct {
	const char *text, *line;
} unsupported[] = {
	{ "mmap A 1 rw private anon\npagemap A\npte A[0]\n", "kernel: n/a (the kernel does not show PTEs)" },
	{ "mmap A 1 rw private anon\npagemap A\nmigrate A\n",
	  "kernel: n/a (migrate: no system call migrates a page in place)" },
	{ "mmap A 1 rw private anon\npagemap A\nmadvise A free\n", "kernel: n/a (not implemented: madvise free)" },
	{ "mmap A 1 rw private anon\npagemap A\nreclaim A\n", "kernel: n/a (not implemented: reclaim)" },
	{ "mmap A 1 rw private anon\npagemap A\nclear_refs all\n", "kernel: n/a (not implemented: clear_refs)" },
	{ "mmap A 1 rw private anon\npagemap A\nuffd open\n", "kernel: n/a (not implemented: uffd)" },
	{ "mmap A 1 rw private anon\npagemap A\nscan A\n", "kernel: n/a (not implemented: scan)" },
#if defined(__x86_64__)
	{ "hafdbs off\nmmap A 1 rw private anon\npagemap A\n",
	  "kernel: n/a (hafdbs off: x86 always updates A and D in hardware)" },
	{ "layout arm64-v6.10\nmmap A 1 rw private anon\npagemap A\n",
	  "kernel: n/a (the layout line names no x86_64 layout)" },
#endif
};

/* n/a is decided before anything runs: no observation is printed */
START_TEST(unsupported_is_na_before_running)
{
	struct scn_program *p = parse_text(unsupported[_i].text);
	char line[1024], *out;

	run(p, 0, line, sizeof(line), &out);
	ck_assert_str_eq(line, unsupported[_i].line);
	ck_assert_str_eq(out, "");
	free(out);
	scn_program_free(p);
}
END_TEST

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* nothing of a run is left: no child (zombie or not), no descriptor, and
 * the subreaper setting as it was */
static void assert_clean(int fds_before)
{
	int subreaper = -1;

	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	ck_assert_int_eq(open_fds(), fds_before);
	ck_assert_int_eq(prctl(PR_GET_CHILD_SUBREAPER, &subreaper, 0, 0, 0), 0);
	ck_assert_int_eq(subreaper, 0);
}

START_TEST(time_limit_kills_everything)
{
	size_t cap = 8u << 20, len = 0;
	char *text = malloc(cap), line[1024];
	struct scn_program *p;
	int fds = open_fds();

	ck_assert_ptr_nonnull(text);
	len += (size_t)snprintf(text + len, cap - len, "mmap A 64 rw private anon\nmmap F 4 rw shared file:f\n"
						       "fork c\nas c\nfork d\nas p0\n");
	/* far more work than fits in one second (tens of microseconds each) */
	for (int i = 0; i < 300000 && len + 32 < cap; i++)
		len += (size_t)snprintf(text + len, cap - len, "write A[%d]\n", i % 64);
	p = parse_text(text);
	free(text);
	run(p, 1, line, sizeof(line), NULL);
	ck_assert_msg(strstr(line, "kernel: FAIL at line ") == line, "%s", line);
	ck_assert_msg(strstr(line, "the time limit of 1 s ran out waiting for p0") != NULL, "%s", line);
	scn_program_free(p);
	assert_clean(fds);
}
END_TEST

/* p0 exits first: its children live on as orphans, and are still reaped */
START_TEST(orphans_are_reaped)
{
	struct scn_program *p = parse_text("mmap A 1 rw private anon\nwrite A[0] 1\n"
					   "fork c\nas c\nfork d\nas p0\nfork e\n"
					   "exit p0\nas d\nread A[0] 1\nwrite A[0] 2\n"
					   "as c\nread A[0] 1\nexit c\nas e\nread A[0] 1\n");
	int fds = open_fds();
	char line[1024];

	run(p, 0, line, sizeof(line), NULL);
	ck_assert_str_eq(line, "kernel: pass");
	scn_program_free(p);
	assert_clean(fds);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kernel");
	TCase *files = tcase_create("files"), *output = tcase_create("output"), *cleanup = tcase_create("cleanup");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(files, runnable_file_passes, 0, N(runnable));
	tcase_add_loop_test(files, pte_file_is_na_and_passes_without_pte, 0, N(with_pte));
	tcase_add_test(output, observations_have_the_simulator_format);
	tcase_add_loop_test(output, failures_have_the_simulator_messages, 0, N(failures));
	tcase_add_loop_test(output, unsupported_is_na_before_running, 0, N(unsupported));
	tcase_add_test(cleanup, time_limit_kills_everything);
	tcase_add_test(cleanup, orphans_are_reaped);
	tcase_set_timeout(cleanup, 30);
	suite_add_tcase(s, files);
	suite_add_tcase(s, output);
	suite_add_tcase(s, cleanup);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
