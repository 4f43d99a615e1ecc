/* SPDX-License-Identifier: MIT */
/*
 * ptesim_scenario_run() and ptesim_scenario_run_file(): scenario text
 * through the parser and runner, the result as a report. What a result is
 * comes from the scenario language (docs/scenarios.md): pass, n/a for a
 * layout without a required feature, a violation by name, a failed
 * expectation, and `expect-result` declaring a known failure.
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

#include "sim_util.h"

static const char cow[] = "mmap A 1 rw private anon\n"
			  "write A[0] 1\n"
			  "fork c\n"
			  "expect pagemap A[0] present=1 exclusive=0\n"
			  "expect pte A[0] write=0\n"
			  "as c\n"
			  "write A[0] 2\n"
			  "expect pagemap A[0] present=1 exclusive=1\n"
			  "as p0\n"
			  "read A[0] 1\n";

/* the Capper race, declared bad on Bin Lu's layout */
static const char capper[] = "requires soft-dirty\n"
			     "expect-result arm64-v4.15-binlu fail soft-dirty-lost\n"
			     "mmap A 1 rw private anon\n"
			     "write A[0] 1\n"
			     "clear_refs soft-dirty\n"
			     "write A[0] 2\n"
			     "madvise A[0] free\n"
			     "read A[0] 2\n";

static ptesim_report run(const char *text, const char *layout, int want_rc)
{
	ptesim_report r;

	assert_int_equal(ptesim_scenario_run(text, ptesim_layout_find(layout), &r), want_rc);
	return r;
}

static void test_pass(void **state)
{
	ptesim_report r = run(cow, "arm64-v6.10", 0);

	(void)state;
	assert_true(r.ok);
	assert_false(r.not_applicable);
	assert_true(r.as_declared);
	assert_string_equal(r.violation, "");
	assert_string_equal(r.message, "arm64-v6.10: pass");
}

static void test_declared_violation(void **state)
{
	ptesim_report r = run(capper, "arm64-v4.15-binlu", 0);

	(void)state;
	assert_false(r.ok);
	assert_true(r.as_declared);
	assert_string_equal(r.violation, "soft-dirty-lost");
	assert_string_equal(r.page, "p0 A[0]");
	assert_string_equal(r.reason, "written since clear, soft-dirty=0");
	assert_int_equal(r.line, 7);
	assert_string_equal(r.where, "madvise A[0] free");
	assert_non_null(strstr(r.message, "(expected)"));
	r = run(capper, "x86_64", 0);
	assert_true(r.ok);
	assert_true(r.as_declared);
}

/* requires soft-dirty on a layout without it: n/a, not ok, and as
 * declared (a layout with no declaration may pass or be n/a). */
static void test_not_applicable(void **state)
{
	ptesim_report r = run(capper, "arm64-v6.10", 0);

	(void)state;
	assert_false(r.ok);
	assert_true(r.not_applicable);
	assert_true(r.as_declared);
	assert_string_equal(r.reason, "requires soft-dirty");
}

/* An expectation that does not hold fails the run without a violation
 * name: fork shares the page, so it is not exclusive. */
static void test_failed_expectation(void **state)
{
	ptesim_report r = run("mmap A 1 rw private anon\nwrite A[0] 1\nfork c\n"
			      "expect pagemap A[0] exclusive=1\n",
			      "x86_64", 0);

	(void)state;
	assert_false(r.ok);
	assert_false(r.as_declared);
	assert_string_equal(r.violation, "");
	assert_int_equal(r.line, 4);
	assert_non_null(strstr(r.reason, "exclusive"));
}

/* Text that does not parse: EINVAL and the parser's one line. */
static void test_parse_error(void **state)
{
	ptesim_report r = run("mmap A 1 rw private anon\nwrite B[0] 1\n", "x86_64", -EINVAL);

	(void)state;
	assert_false(r.ok);
	assert_non_null(strstr(r.message, ":2:"));
	assert_non_null(strstr(r.message, "error:"));
	assert_int_equal(ptesim_scenario_run(NULL, ptesim_layout_find("x86_64"), &r), -EINVAL);
	assert_false(r.ok);
	assert_int_equal(ptesim_scenario_run(cow, NULL, &r), -EINVAL);
	assert_int_equal(ptesim_scenario_run(cow, ptesim_layout_find("x86_64"), NULL), -EINVAL);
}

static void test_run_file(void **state)
{
	char path[] = "/tmp/ptesim-scenario-XXXXXX";
	int fd = mkstemp(path);
	ptesim_report r;
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(cow, f);
	fclose(f);
	assert_int_equal(ptesim_scenario_run_file(path, ptesim_layout_find("arm64-v6.19"), &r), 0);
	assert_true(r.ok);
	unlink(path);
	assert_int_equal(ptesim_scenario_run_file(path, ptesim_layout_find("arm64-v6.19"), &r), -ENOENT);
	assert_false(r.ok);
	assert_non_null(strstr(r.message, path));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pass),
		cmocka_unit_test(test_declared_violation),
		cmocka_unit_test(test_not_applicable),
		cmocka_unit_test(test_failed_expectation),
		cmocka_unit_test(test_parse_error),
		cmocka_unit_test(test_run_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
