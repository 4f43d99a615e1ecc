/* SPDX-License-Identifier: MIT */
/*
 * ptesim matrix as a user drives it. The expected cells come from the
 * kernel's rules: Bin Lu's 2017 arm64 soft-dirty aliases PTE_DIRTY, so
 * madvise_free_pte_range()'s pte_mkclean() loses it (Steve Capper's race);
 * x86's pte_mkclean() and a soft-dirty bit of its own keep it.
 */
#define _DEFAULT_SOURCE /* setenv, unsetenv */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run_cli.h"

static struct cli_result R;

#define RUN(...) run_cli(&R, (const char *const[]){ __VA_ARGS__, NULL })

static const char *const builtin[] = { "arm64-v4.15", "arm64-v4.15-binlu", "arm64-v6.9", "arm64-v6.9-rfcv1",
				       "arm64-v6.10", "arm64-v6.19", "x86_64" };
#define NBUILTIN (sizeof(builtin) / sizeof(builtin[0]))

/* The layout file of docs/layout-files.md: soft-dirty on 6.10's bit 63. */
static const char sd63[] = "# soft-dirty for arm64 6.10 on the last free software bit\n"
			   "base arm64-v6.10\n"
			   "name arm64-v6.10-sd63\n"
			   "describe 6.10 with PTE_SOFT_DIRTY 63 and PTE_SWP_SOFT_DIRTY 4\n"
			   "soft-dirty 63\n"
			   "swp-soft-dirty 4\n";

static char *source_path(const char *rel)
{
	static char path[4][1024];
	static int next;
	const char *root = getenv("PTESIM_SOURCE_ROOT");
	char *p = path[next++ % 4];

	ck_assert_ptr_nonnull(root);
	snprintf(p, sizeof(path[0]), "%s/%s", root, rel);
	return p;
}

/* The .pts files of a directory, as the test reads it (not as ptesim does). */
static size_t pts_files(const char *dir, char names[][128], size_t max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) && n < max) {
		size_t len = strlen(e->d_name);

		if (len > 4 && !strcmp(e->d_name + len - 4, ".pts"))
			snprintf(names[n++], 128, "%.*s", (int)(len - 4), e->d_name);
	}
	closedir(d);
	return n;
}

/* The line of the text table whose row is NAME. */
static const char *row_of(const char *out, const char *name)
{
	size_t len = strlen(name);

	for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, name, len) && l[len] == ' ')
			return l;
	return NULL;
}

/* The cells of a text row, after the name. */
static int row_cells(const char *row, char cells[][64], int max)
{
	const char *p = strchr(row, ' ');
	int n = 0;

	while (p && *p && *p != '\n' && n < max) {
		size_t len;

		p += strspn(p, " ");
		/* cells are two spaces apart; a cell may hold one space */
		for (len = 0; p[len] && p[len] != '\n' && !(p[len] == ' ' && p[len + 1] == ' '); len++)
			;
		if (!len)
			break;
		snprintf(cells[n++], 64, "%.*s", (int)len, p);
		p += len;
	}
	return n;
}

static void assert_usage_error(const char *needle)
{
	ck_assert_int_eq(R.status, 2);
	ck_assert_str_eq(R.out, "");
	ck_assert_msg(strstr(R.err, needle) != NULL, "stderr '%s' lacks '%s'", R.err, needle);
	ck_assert_msg(strchr(R.err, '\n') == R.err + strlen(R.err) - 1, "stderr is not one line: '%s'", R.err);
}

START_TEST(table_lists_every_file_and_layout)
{
	static char names[512][128];
	const char *dir = source_path("tests/scenarios");
	size_t n = pts_files(dir, names, 512);
	char header[1024] = "| scenario |";

	ck_assert_uint_gt(n, 10);
	RUN("matrix", dir, "--format", "markdown");
	ck_assert_int_eq(R.status, 0);
	for (size_t j = 0; j < NBUILTIN; j++)
		snprintf(header + strlen(header), sizeof(header) - strlen(header), " %s |", builtin[j]);
	ck_assert_msg(!strncmp(R.out, header, strlen(header)), "header is not '%s': %.200s", header, R.out);
	for (size_t i = 0; i < n; i++) {
		char row[160];

		snprintf(row, sizeof(row), "\n| `%s` |", names[i]);
		ck_assert_msg(strstr(R.out, row), "no markdown row for %s", names[i]);
	}

	RUN("matrix", dir);
	ck_assert_int_eq(R.status, 0);
	for (size_t i = 0; i < n; i++) {
		const char *row = row_of(R.out, names[i]);
		char cells[16][64];

		ck_assert_msg(row, "no row for %s", names[i]);
		ck_assert_int_eq(row_cells(row, cells, 16), (int)NBUILTIN);
	}
	/* the wrapped headers, read column by column, give the names */
	const char *rule = strstr(R.out, "\n---");

	ck_assert_ptr_nonnull(rule);
	for (size_t j = 0; j < NBUILTIN; j++) {
		const char *piece = strstr(R.out, strrchr(builtin[j], '-') ? strrchr(builtin[j], '-') + 1 : builtin[j]);

		ck_assert_msg(piece && piece < rule, "header lacks the end of %s", builtin[j]);
	}
}
END_TEST

START_TEST(exit_0_when_every_cell_is_as_declared)
{
	const char *capper = source_path("scenarios/capper-madv-free-race.pts");
	char cells[16][64];
	const char *row;

	RUN("matrix", capper);
	ck_assert_int_eq(R.status, 0);
	row = row_of(R.out, "capper-madv-free-race");
	ck_assert_ptr_nonnull(row);
	ck_assert_int_eq(row_cells(row, cells, 16), (int)NBUILTIN);
	/* no soft-dirty: n/a; Bin Lu's alias loses it, as the file declares;
	 * the RFC's bit 63 and x86's bit 11 keep it */
	ck_assert_str_eq(cells[0], "n/a");
	ck_assert_str_eq(cells[1], "FAIL soft-dirty-lost*");
	ck_assert_str_eq(cells[2], "n/a");
	ck_assert_str_eq(cells[3], "pass");
	ck_assert_str_eq(cells[4], "n/a");
	ck_assert_str_eq(cells[5], "n/a");
	ck_assert_str_eq(cells[6], "pass");
	/* the failure list says what ptesim run says, after the file */
	RUN("run", capper, "--layout", "arm64-v4.15-binlu");
	{
		static char want[sizeof(R.out) + 1100];
		const char *result = strstr(R.out, "\narm64-v4.15-binlu: "); /* after the observations */

		ck_assert_ptr_nonnull(result);
		snprintf(want, sizeof(want), "* %s: %s", capper, result + 1);
		RUN("matrix", capper);
		ck_assert_msg(strstr(R.out, want), "no line '%s' in:\n%s", want, R.out);
	}
	ck_assert_ptr_nonnull(strstr(R.out, "1 scenario, 7 layouts, 7 cells: 7 as declared, 0 differing\n"));
}
END_TEST

START_TEST(exit_1_when_a_declaration_is_wrong)
{
	const char *fixture = source_path("tests/cli/matrix-wrong-declaration.pts");
	char cells[16][64], want[1200];
	const char *row;

	RUN("matrix", fixture);
	ck_assert_int_eq(R.status, 1);
	row = row_of(R.out, "matrix-wrong-declaration");
	ck_assert_ptr_nonnull(row);
	ck_assert_int_eq(row_cells(row, cells, 16), (int)NBUILTIN);
	ck_assert_str_eq(cells[1], "FAIL soft-dirty-lost*");
	ck_assert_str_eq(cells[6], "pass!");
	snprintf(want, sizeof(want), "! %s: x86_64: pass (declared: fail soft-dirty-lost)\n", fixture);
	ck_assert_msg(strstr(R.out, want), "no line '%s' in:\n%s", want, R.out);
	ck_assert_ptr_nonnull(strstr(R.out, "7 cells: 6 as declared, 1 differing\n"));

	RUN("matrix", fixture, "--format", "json");
	ck_assert_int_eq(R.status, 1);
	ck_assert_ptr_nonnull(strstr(R.out, "\"x86_64\": {\"result\": \"pass\", \"violations\": [], \"line\": null, "
					    "\"command\": null, \"detail\": null, \"declared\": \"fail soft-dirty-lost\", "
					    "\"as_declared\": false}"));
	ck_assert_ptr_nonnull(strstr(R.out, "\"differing\": 1"));
}
END_TEST

START_TEST(layout_file_adds_a_column)
{
	const char *capper = source_path("scenarios/capper-madv-free-race.pts");
	char cells[16][64], layout[64];
	const char *row;

	snprintf(layout, sizeof(layout), "%s", temp_file(sd63));
	RUN("matrix", capper, "--layout-file", layout);
	ck_assert_int_eq(R.status, 0);
	ck_assert_ptr_nonnull(strstr(R.out, "sd63"));
	row = row_of(R.out, "capper-madv-free-race");
	ck_assert_ptr_nonnull(row);
	ck_assert_int_eq(row_cells(row, cells, 16), (int)NBUILTIN + 1);
	/* 6.10 has no soft-dirty; with a bit of its own pte_mkclean() keeps it */
	ck_assert_str_eq(cells[4], "n/a");
	ck_assert_str_eq(cells[7], "pass");

	RUN("matrix", capper, "--layout", "arm64-v6.10", "--layout-file", layout, "--format", "json");
	ck_assert_int_eq(R.status, 0);
	ck_assert_ptr_nonnull(strstr(R.out, "{\"layouts\": [\"arm64-v6.10\", \"arm64-v6.10-sd63\"]"));
	ck_assert_ptr_nonnull(strstr(R.out, "\"arm64-v6.10-sd63\": {\"result\": \"pass\""));
	ck_assert_ptr_nonnull(strstr(R.out, "\"arm64-v6.10\": {\"result\": \"n/a\", \"violations\": [], \"line\": null, "
					    "\"command\": null, \"detail\": \"requires soft-dirty\""));
	unlink(layout);
}
END_TEST

/* A file for x86 only is n/a elsewhere, and says why; a layout file runs
 * what its base runs. */
START_TEST(layout_line_decides_where_a_file_runs)
{
	const char *x86_only = temp_file("# x86 only\nlayout x86_64\nmmap A 1 rw private anon\nwrite A[0] 1\n"
					 "read A[0] 1\n");
	char file[64], layout[64];

	snprintf(file, sizeof(file), "%s", x86_only);
	snprintf(layout, sizeof(layout), "%s", temp_file(sd63));
	RUN("matrix", file, "--layout", "arm64-v6.9,x86_64", "--format", "json");
	ck_assert_int_eq(R.status, 0);
	ck_assert_ptr_nonnull(strstr(R.out, "\"title\": \"x86 only\""));
	ck_assert_ptr_nonnull(strstr(R.out, "\"arm64-v6.9\": {\"result\": \"n/a\", \"violations\": [], \"line\": null, "
					    "\"command\": null, \"detail\": \"not in the file's layout line\""));
	ck_assert_ptr_nonnull(strstr(R.out, "\"x86_64\": {\"result\": \"pass\""));

	/* `layout arm64-v6.10` runs on a proposal based on it */
	x86_only = temp_file("layout arm64-v6.10\nmmap A 1 rw private anon\nwrite A[0] 1\nread A[0] 2\n");
	RUN("matrix", x86_only, "--layout", "arm64-v6.9", "--layout-file", layout, "--format", "json");
	ck_assert_int_eq(R.status, 1);
	ck_assert_ptr_nonnull(strstr(R.out, "\"arm64-v6.9\": {\"result\": \"n/a\""));
	/* a failed expectation: no violation; the file's name is the title */
	ck_assert_ptr_nonnull(strstr(R.out, "\"arm64-v6.10-sd63\": {\"result\": \"fail\", \"violations\": [], "
					    "\"line\": 4, \"command\": \"read A[0] 2\""));
	ck_assert_ptr_nonnull(strstr(R.out, "\"title\": \"ptesim-test-"));
	RUN("matrix", x86_only, "--layout", "arm64-v6.9", "--layout-file", layout);
	ck_assert_ptr_nonnull(strstr(R.out, "FAIL expect!"));
	unlink(x86_only);
	unlink(file);
	unlink(layout);
}
END_TEST

/* The whole of tests/scenarios is more than run_cli() keeps: the shell
 * writes it to a file. */
START_TEST(json_parses)
{
	static char names[512][128], text[1 << 20];
	const char *dir = source_path("tests/scenarios");
	const char *fixture = source_path("tests/cli/matrix-wrong-declaration.pts");
	size_t n = pts_files(dir, names, 512), len;
	char want[64], cmd[4096], path[64];
	FILE *f;
	int st;

	snprintf(path, sizeof(path), "%s", temp_file(""));
	snprintf(cmd, sizeof(cmd), "\"$PTESIM_BIN\" matrix '%s' '%s' --format json >%s", dir, fixture, path);
	st = system(cmd);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "%s: status %d", cmd, st);
	snprintf(cmd, sizeof(cmd), "python3 -m json.tool %s >/dev/null", path);
	ck_assert_int_eq(system(cmd), 0);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	len = fread(text, 1, sizeof(text) - 1, f);
	text[len] = 0;
	fclose(f);
	snprintf(want, sizeof(want), "\"cells\": %zu, \"differing\": 1}", (n + 1) * NBUILTIN);
	ck_assert_msg(strstr(text, want), "no '%s'", want);
	for (size_t i = 0; i < n; i++) {
		char file[300];

		snprintf(file, sizeof(file), "{\"file\": \"%s/%s.pts\", \"title\": ", dir, names[i]);
		ck_assert_msg(strstr(text, file), "no '%s'", file);
	}
	unlink(path);
}
END_TEST

START_TEST(usage_errors_exit_2)
{
	char want[128];
	const char *bad;

	RUN("matrix", "--bogus");
	assert_usage_error("unknown option '--bogus'");
	RUN("matrix", "--format", "pdf");
	assert_usage_error("unknown format 'pdf'");
	RUN("matrix", "--layout", "arm64-v9.99");
	assert_usage_error("unknown layout 'arm64-v9.99'");
	RUN("matrix", "--layout");
	assert_usage_error("--layout needs a value");
	RUN("matrix", "/nonexistent/x.pts");
	assert_usage_error("/nonexistent/x.pts: error: ");
	bad = temp_file("mmap A 1 rw private anon\nwrte A[0] 1\n");
	snprintf(want, sizeof(want), "%s:2:1: error: ", bad);
	RUN("matrix", bad);
	assert_usage_error(want);
	unlink(bad);
	bad = temp_file("layout arm64-v9.99\nmmap A 1 rw private anon\n");
	snprintf(want, sizeof(want), "%s:1:8: error: unknown layout 'arm64-v9.99'", bad);
	RUN("matrix", bad);
	assert_usage_error(want);
	unlink(bad);
	RUN("matrix", "/");
	assert_usage_error("/ has no .pts files");
	setenv("PTESIM_SCENARIO_DIR", "/nonexistent", 1);
	RUN("matrix");
	assert_usage_error("no scenario library: /nonexistent");
	bad = temp_file(sd63);
	RUN("matrix", "--layout-file", bad, "--layout-file", bad);
	assert_usage_error("two layouts named 'arm64-v6.10-sd63'");
	unlink(bad);
	RUN("matrix", "--help");
	ck_assert_int_eq(R.status, 0);
	ck_assert_ptr_nonnull(strstr(R.out, "matrix [FILE|DIR...]"));
}
END_TEST

/* No files: $PTESIM_SCENARIO_DIR, else, from the build tree, the source
 * tree's scenarios/. */
START_TEST(no_files_runs_the_library)
{
	static char names[512][128];
	const char *dir = source_path("tests/scenarios");
	size_t n = pts_files(dir, names, 512);
	char want[64];

	setenv("PTESIM_SCENARIO_DIR", dir, 1);
	RUN("matrix");
	ck_assert_int_eq(R.status, 0);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(row_of(R.out, names[i]), "no row for %s", names[i]);

	unsetenv("PTESIM_SCENARIO_DIR");
	dir = source_path("scenarios");
	n = pts_files(dir, names, 512);
	ck_assert_uint_gt(n, 0);
	RUN("matrix");
	snprintf(want, sizeof(want), "\n%zu scenario%s, 7 layouts, ", n, n == 1 ? "" : "s");
	ck_assert_msg(strstr(R.out, want), "not the %zu files of %s", n, dir);
	/* the text table shortens long names: look for each in the json */
	RUN("matrix", "--format", "json");
	for (size_t i = 0; i < n; i++) {
		char file[160];

		snprintf(file, sizeof(file), "/%s.pts\"", names[i]);
		ck_assert_msg(strstr(R.out, file), "no row for %s from %s", names[i], dir);
	}
}
END_TEST

static Suite *matrix_suite(void)
{
	Suite *s = suite_create("matrix");
	TCase *t = tcase_create("matrix");

	tcase_add_test(t, table_lists_every_file_and_layout);
	tcase_add_test(t, exit_0_when_every_cell_is_as_declared);
	tcase_add_test(t, exit_1_when_a_declaration_is_wrong);
	tcase_add_test(t, layout_file_adds_a_column);
	tcase_add_test(t, layout_line_decides_where_a_file_runs);
	tcase_add_test(t, json_parses);
	tcase_add_test(t, usage_errors_exit_2);
	tcase_add_test(t, no_files_runs_the_library);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(matrix_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
