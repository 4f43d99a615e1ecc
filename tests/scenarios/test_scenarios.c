/* SPDX-License-Identifier: MIT */
/*
 * Every scenario in this folder on every layout its header selects (all by
 * default): the result must be the one the file declares for the layout
 * (expect-result), and pass or n/a where it declares nothing. The
 * expectations inside each file come from the kernel's rules.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/run.h"

#define MAX_FILES 512

static char *files[MAX_FILES];
static int nfiles;

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void find_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) && nfiles < MAX_FILES) {
		size_t n = strlen(e->d_name);
		char *path;

		if (n < 5 || strcmp(e->d_name + n - 4, ".pts"))
			continue;
		path = malloc(strlen(dir) + n + 2);
		if (!path)
			break;
		sprintf(path, "%s/%s", dir, e->d_name);
		files[nfiles++] = path;
	}
	closedir(d);
	qsort(files, (size_t)nfiles, sizeof(files[0]), by_name);
}

static bool selected(const struct scn_program *p, const ptesim_layout *L)
{
	if (p->header.all_layouts || !p->header.nlayouts)
		return true;
	for (size_t i = 0; i < p->header.nlayouts; i++)
		if (!strcmp(p->header.layouts[i], ptesim_layout_name(L)))
			return true;
	return false;
}

START_TEST(scenario_file)
{
	struct scn_program *p;
	char err[512];
	int ran = 0, applied = 0;

	ck_assert_msg(scn_parse_file(files[_i], &p, err, sizeof(err)) == 0, "%s", err);
	for (size_t l = 0; l < ptesim_layout_count(); l++) {
		const ptesim_layout *L = ptesim_layout_builtin(l);
		struct run_options opt = { 0 };
		struct run_result r;
		char line[1024];

		if (!selected(p, L))
			continue;
		scn_run(p, L, &opt, &r);
		scn_result_line(p, L, &r, line, sizeof(line));
		ck_assert_msg(scn_result_as_declared(p, L, &r), "%s: %s", files[_i], line);
		/* n/a only for what the file requires, never for what the
		 * simulator lacks */
		ck_assert_msg(r.status != RUN_NA || !strstr(r.detail, "not implemented"), "%s: %s", files[_i], line);
		ran++;
		applied += r.status != RUN_NA;
	}
	ck_assert_msg(ran > 0, "%s selects no built-in layout", files[_i]);
	ck_assert_msg(applied > 0, "%s is n/a on every layout it selects", files[_i]);
	scn_program_free(p);
}
END_TEST

int main(void)
{
	const char *root = getenv("PTESIM_SOURCE_ROOT");
	char dir[4096];
	Suite *s = suite_create("scenarios");
	TCase *t = tcase_create("files");
	SRunner *sr;
	int failed;

	snprintf(dir, sizeof(dir), "%s/tests/scenarios", root ? root : ".");
	find_files(dir);
	if (nfiles == 0) {
		fprintf(stderr, "no scenario files in %s\n", dir);
		return EXIT_FAILURE;
	}
	tcase_add_loop_test(t, scenario_file, 0, nfiles);
	suite_add_tcase(s, t);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	for (int i = 0; i < nfiles; i++)
		free(files[i]);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
