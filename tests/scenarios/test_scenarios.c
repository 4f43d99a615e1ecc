/* SPDX-License-Identifier: MIT */
/*
 * Every scenario of this folder and of the scenario library (scenarios/) on
 * every layout its header selects (all by default): the result must be the
 * one the file declares for the layout (expect-result), and pass or n/a
 * where it declares nothing. The expectations inside each file come from
 * the kernel's rules.
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
/* the files of the scenario library (scenarios/), which must open with the
 * comment block that docs and `ptesim matrix` read */
static char *library[MAX_FILES];
static int nlibrary;

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .pts files of dir appended to files[]; -1 when there are too many */
static int find_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char *path;

		if (n < 5 || strcmp(e->d_name + n - 4, ".pts"))
			continue;
		if (nfiles == MAX_FILES) {
			closedir(d);
			return -1;
		}
		path = malloc(strlen(dir) + n + 2);
		if (!path)
			break;
		sprintf(path, "%s/%s", dir, e->d_name);
		files[nfiles++] = path;
	}
	closedir(d);
	return 0;
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

/* Line n (from 1) of text without its newline, in line[size]; false past the end */
static bool nth_line(const char *text, int n, char *line, size_t size)
{
	const char *end;
	size_t len;

	for (int i = 1; i < n; i++) {
		text = strchr(text, '\n');
		if (!text)
			return false;
		text++;
	}
	if (!*text)
		return false;
	end = strchr(text, '\n');
	len = end ? (size_t)(end - text) : strlen(text);
	if (len >= size)
		len = size - 1;
	memcpy(line, text, len);
	line[len] = '\0';
	return true;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;
	long n;

	ck_assert_msg(f != NULL, "%s: cannot open", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	text = calloc((size_t)n + 1, 1);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return text;
}

/*
 * The library's header block: `# TITLE` (no trailing period), `#`, one or
 * more `# ` prose lines, one `# Source: ...` line, a blank line, then the
 * header commands.
 */
START_TEST(library_header)
{
	const char *path = library[_i];
	char *text = read_text(path), line[1024];
	size_t len;
	int n = 3, prose = 0, sources = 0;

	ck_assert_msg(nth_line(text, 1, line, sizeof(line)), "%s: empty", path);
	len = strlen(line);
	ck_assert_msg(len > 2 && !strncmp(line, "# ", 2) && line[2] != ' ' && line[len - 1] != '.',
		      "%s:1: the first line must be '# TITLE' without a trailing period", path);
	ck_assert_msg(nth_line(text, 2, line, sizeof(line)) && !strcmp(line, "#"),
		      "%s:2: the second line must be '#' alone", path);
	for (;; n++) {
		ck_assert_msg(nth_line(text, n, line, sizeof(line)) && !strncmp(line, "# ", 2),
			      "%s:%d: the comment block ends before its '# Source: ' line", path, n);
		if (!strncmp(line, "# Source: ", 10))
			break;
		prose++;
	}
	ck_assert_msg(prose > 0, "%s: no prose between the title and the Source line", path);
	ck_assert_msg(strlen(line) > 10, "%s:%d: the Source line names nothing", path, n);
	ck_assert_msg(nth_line(text, n + 1, line, sizeof(line)) && line[0] == '\0',
		      "%s:%d: a blank line must follow the Source line", path, n + 1);
	ck_assert_msg(nth_line(text, n + 2, line, sizeof(line)) && line[0] != '#' && line[0] != '\0',
		      "%s:%d: the header commands must follow the blank line", path, n + 2);
	for (const char *at = strstr(text, "\n# Source: "); at; at = strstr(at + 1, "\n# Source: "))
		sources++;
	ck_assert_msg(sources == 1, "%s: %d Source lines, expected one", path, sources);
	free(text);
}
END_TEST

int main(void)
{
	const char *root = getenv("PTESIM_SOURCE_ROOT");
	const char *const dirs[] = { "tests/scenarios", "scenarios" };
	char dir[4096], libdir[4096];
	Suite *s = suite_create("scenarios");
	TCase *t = tcase_create("files"), *h = tcase_create("library headers");
	SRunner *sr;
	int failed;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		int before = nfiles;

		snprintf(dir, sizeof(dir), "%s/%s", root ? root : ".", dirs[i]);
		if (find_files(dir) < 0) {
			fprintf(stderr, "more than %d scenario files\n", MAX_FILES);
			return EXIT_FAILURE;
		}
		if (nfiles == before) {
			fprintf(stderr, "no scenario files in %s\n", dir);
			return EXIT_FAILURE;
		}
	}
	qsort(files, (size_t)nfiles, sizeof(files[0]), by_name);
	snprintf(libdir, sizeof(libdir), "%s/scenarios/", root ? root : ".");
	for (int i = 0; i < nfiles; i++)
		if (!strncmp(files[i], libdir, strlen(libdir)))
			library[nlibrary++] = files[i];
	tcase_add_loop_test(t, scenario_file, 0, nfiles);
	tcase_add_loop_test(h, library_header, 0, nlibrary);
	suite_add_tcase(s, t);
	suite_add_tcase(s, h);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	for (int i = 0; i < nfiles; i++)
		free(files[i]);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
