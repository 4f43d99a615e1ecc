/* SPDX-License-Identifier: MIT */
/*
 * Allocation failures in the scenario parser and printer: the n-th
 * allocation fails, for every n, and the call returns -ENOMEM with one
 * "out of memory" line, stores no program, and leaks nothing (run it with
 * the sanitizers). The test links with -Wl,--wrap=malloc,calloc,realloc so
 * that the library's allocations come here first.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ptesim/layout.h"
#include "scenario/program.h"

/* Allocations left before one fails; negative: none fails. A test-only
 * switch, read by the wrappers below. */
static long allocations_left = -1;

void *__real_malloc(size_t size);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *ptr, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t count, size_t size);
void *__wrap_realloc(void *ptr, size_t size);

static int should_fail(void)
{
	if (allocations_left == 0)
		return 1;
	if (allocations_left > 0)
		allocations_left--;
	return 0;
}

void *__wrap_malloc(size_t size)
{
	return should_fail() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t count, size_t size)
{
	return should_fail() ? NULL : __real_calloc(count, size);
}

void *__wrap_realloc(void *ptr, size_t size)
{
	return should_fail() ? NULL : __real_realloc(ptr, size);
}

static const char *const corpus[] = {
	"layout arm64-v4.15-binlu,x86_64\nrequires soft-dirty\n"
	"expect-result arm64-v4.15-binlu fail criu-image-stale\n"
	"mmap A 1 rw private anon\nwrite A[0]\ncriu dump\nwrite A[0]\nmadvise A[0] free\ncriu dump\n",
	"mmap A 4 rw private anon\nmmap S 2 rw shared shmem:seg\nmmap F 2 r private file:lib\n"
	"fork c\nas c\nuffd open async\nuffd register A wp\nwrite A[0] 0x11 -> ok\n"
	"expect scan A want=written == A[0:2]{written,present} A[2:4]{}\n"
	"expect pte A[0] dirty=1 af=1\nexpect pagemap A[0] present=1\n",
};

static void test_parse_fails_cleanly(void **state)
{
	(void)state;
	/* the built-in layouts are set up once, on first use: not the parser's */
	assert_true(ptesim_layout_find("x86_64") != NULL);
	for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		long n;

		for (n = 0;; n++) {
			struct scn_program *prog = (struct scn_program *)&n;
			char err[256] = "";
			int rc;

			allocations_left = n;
			rc = scn_parse(corpus[i], "t.pts", &prog, err, sizeof(err));
			allocations_left = -1;
			if (rc == 0) {
				scn_program_free(prog);
				break;
			}
			assert_int_equal(rc, -ENOMEM);
			assert_true(prog == NULL);
			assert_true(strstr(err, ": error: out of memory") != NULL);
			assert_true(strncmp(err, "t.pts:", 6) == 0);
		}
		/* some allocations were made, and each one's failure was handled */
		assert_true(n > 3);
	}
}

static void test_write_fails_cleanly(void **state)
{
	char text[4096] = "mmap A 1 rw private anon\nexpect pte A[0]";
	struct scn_program *prog = NULL;
	char err[256];
	FILE *out;
	int rc;

	(void)state;
	/* a command longer than the printer's buffer on the stack */
	for (int i = 0; i < 30; i++) {
		size_t len = strlen(text);

		snprintf(text + len, sizeof(text) - len, " field_with_a_long_name_%02d=0x123456789", i);
	}
	assert_int_equal(scn_parse(text, "t.pts", &prog, err, sizeof(err)), 0);
	out = fopen("/dev/null", "w");
	assert_true(out != NULL);
	allocations_left = 0;
	rc = scn_program_write(out, prog);
	allocations_left = -1;
	assert_int_equal(rc, -ENOMEM);
	assert_int_equal(scn_program_write(out, prog), 0);
	assert_int_equal(fclose(out), 0);
	scn_program_free(prog);
}

static void test_parse_file_fails_cleanly(void **state)
{
	char path[] = "/tmp/ptesim-nomem-XXXXXX";
	struct scn_program *prog = NULL;
	char err[512];
	int fd = mkstemp(path);
	FILE *f;
	int rc;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_true(f != NULL);
	fputs(corpus[0], f);
	assert_int_equal(fclose(f), 0);
	allocations_left = 0;
	rc = scn_parse_file(path, &prog, err, sizeof(err));
	allocations_left = -1;
	assert_int_equal(rc, -ENOMEM);
	assert_true(prog == NULL);
	assert_true(strncmp(err, path, strlen(path)) == 0);
	assert_int_equal(scn_parse_file(path, &prog, err, sizeof(err)), 0);
	scn_program_free(prog);
	assert_int_equal(unlink(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_fails_cleanly),
		cmocka_unit_test(test_write_fails_cleanly),
		cmocka_unit_test(test_parse_file_fails_cleanly),
	};

	return cmocka_run_group_tests_name("scenario-nomem", tests, NULL, NULL);
}
