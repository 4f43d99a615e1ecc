/* SPDX-License-Identifier: MIT */
/*
 * The simulator against this machine's kernel: every bundled scenario (the
 * library in scenarios/ and those of tests/scenarios/) and a fixed set of
 * generated ones must show the same pagemap lines and the same results on
 * both (soft-dirty only where the kernel has it; the bundled files without
 * their pte commands, which the kernel cannot run).
 * Also the generator's promises (same seed, same text; every scenario
 * parses and passes on the simulator) and the minimiser's.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen/gen.h"
#include "gen/kdiff.h"
#include "gen/minimise.h"

#define RANDOM_SEED 20261123u
#define RANDOM_COUNT 200u
#define RANDOM_STEPS 40u

struct counts {
	unsigned compared, skipped, differences;
};

static struct kdiff_options options(const char *name)
{
	struct kdiff_options opt = { .layout = ptesim_layout_find("x86_64"), .out = stderr, .name = name };

	ck_assert_ptr_nonnull(opt.layout);
	opt.soft_dirty = kdiff_kernel_soft_dirty() == 1;
	return opt;
}

static void diff_one(const struct scn_program *p, const char *name, struct counts *c)
{
	struct kdiff_options opt = options(name);
	struct kdiff_result r;

	ck_assert_int_eq(kdiff_program(p, &opt, &r), 0);
	if (r.status == KDIFF_SKIPPED) {
		c->skipped++;
		return;
	}
	c->compared++;
	c->differences += r.differences;
}

static int is_scenario(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && !strcmp(d->d_name + n - 4, ".pts");
}

START_TEST(bundled_scenarios_agree)
{
	const char *root = getenv("PTESIM_SOURCE_ROOT");
	const char *const dirs[] = { "tests/scenarios", "scenarios" };
	struct counts c = { 0 };

	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		struct dirent **names;
		char dir[4096];
		int n;

		snprintf(dir, sizeof(dir), "%s/%s", root ? root : ".", dirs[d]);
		n = scandir(dir, &names, is_scenario, alphasort);
		ck_assert_msg(n > 0, "no scenarios in %s", dir);
		for (int i = 0; i < n; i++) {
			struct scn_program *p, copy;
			struct scn_command *commands;
			char path[4400], err[512];

			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			ck_assert_msg(scn_parse_file(path, &p, err, sizeof(err)) == 0, "%s", err);
			/* the kernel cannot run pte commands; the rest of the file it can */
			ck_assert(kdiff_without_pte(p, &copy, &commands));
			diff_one(&copy, path, &c);
			free(commands);
			scn_program_free(p);
			free(names[i]);
		}
		free(names);
	}
	printf("bundled scenarios (pte commands left out): %u compared, %u skipped, %u differences\n", c.compared, c.skipped,
	       c.differences);
	fflush(stdout); /* a failed check ends this process without flushing */
	ck_assert_msg(c.differences == 0, "%u differences (listed on stderr)", c.differences);
}
END_TEST

START_TEST(random_scenarios_agree)
{
	struct counts c = { 0 };

	for (unsigned i = 0; i < RANDOM_COUNT; i++) {
		/* without exec: the pages 6.16+ reads ahead in an executable file
		 * mapping may still be under I/O when the retried fault maps around,
		 * and are then left out (rarely, by timing, which nothing models);
		 * tests/scenarios/exec-readahead.pts covers the readahead itself */
		char *text = gen_scenario(RANDOM_SEED + i, RANDOM_STEPS, GEN_DEFAULT & ~GEN_EXEC), name[64], err[512];
		struct scn_program *p;

		ck_assert_ptr_nonnull(text);
		snprintf(name, sizeof(name), "seed %u", RANDOM_SEED + i);
		ck_assert_msg(scn_parse(text, name, &p, err, sizeof(err)) == 0, "%s", err);
		diff_one(p, name, &c);
		scn_program_free(p);
		free(text);
	}
	printf("random scenarios: %u compared, %u skipped, %u differences\n", c.compared, c.skipped,
	       c.differences);
	fflush(stdout);
	ck_assert_msg(c.differences == 0,
		      "%u differences (listed on stderr; ptesim kernel-diff --random %u --seed %u "
		      "cuts each down to a regression file)",
		      c.differences, RANDOM_COUNT, RANDOM_SEED);
}
END_TEST

START_TEST(generator_is_deterministic_and_valid)
{
	const ptesim_layout *L = ptesim_layout_find("x86_64");
	unsigned features[] = { GEN_DEFAULT, GEN_ANON | GEN_FORK, GEN_SHMEM | GEN_MUNMAP, GEN_FILE | GEN_MPROTECT };

	for (unsigned i = 0; i < 400; i++) {
		unsigned f = features[i % 4];
		char *a = gen_scenario(i, 60, f), *b = gen_scenario(i, 60, f), err[512], line[1024];
		struct run_options opt = { 0 };
		struct scn_program *p;
		struct run_result r;

		ck_assert_ptr_nonnull(a);
		ck_assert_ptr_nonnull(b);
		ck_assert_str_eq(a, b);
		ck_assert_msg(scn_parse(a, "<gen>", &p, err, sizeof(err)) == 0, "seed %u: %s", i, err);
		scn_run(p, L, &opt, &r);
		scn_result_line(p, L, &r, line, sizeof(line));
		ck_assert_msg(r.status == RUN_PASS, "seed %u: %s", i, line);
		scn_program_free(p);
		free(a);
		free(b);
	}
}
END_TEST

START_TEST(features_parse)
{
	unsigned f;
	char bad[64];

	ck_assert_int_eq(gen_features_parse("anon,fork", &f, bad, sizeof(bad)), 0);
	ck_assert_uint_eq(f, GEN_ANON | GEN_FORK);
	ck_assert_int_eq(gen_features_parse("anon,swap", &f, bad, sizeof(bad)), -1);
	ck_assert_str_eq(bad, "swap");
	ck_assert_int_eq(gen_features_parse("fork,munmap", &f, bad, sizeof(bad)), -1);
}
END_TEST

/* The commands the simulator does not run yet come only when asked for,
 * each with its feature, and parse. */
START_TEST(features_drawn_only_when_on)
{
	static const struct {
		unsigned bit;
		const char *name, *text;
	} extras[] = {
		{ GEN_CLEAR_REFS, "clear_refs", "\nclear_refs " }, { GEN_FREE, "free", " free" },
		{ GEN_PAGEOUT, "pageout", " pageout" },           { GEN_COLD, "cold", " cold" },
		{ GEN_RECLAIM, "reclaim", "\nreclaim " },
	};
	unsigned f;
	char bad[64], *text, err[512];
	struct scn_program *p;

	for (size_t i = 0; i < sizeof(extras) / sizeof(extras[0]); i++)
		ck_assert_int_eq(gen_features_parse(extras[i].name, &f, bad, sizeof(bad)), -1); /* no backing */
	text = gen_scenario(7, 2000, GEN_DEFAULT & ~(GEN_CLEAR_REFS | GEN_FREE | GEN_PAGEOUT | GEN_COLD | GEN_RECLAIM));
	ck_assert_ptr_nonnull(text);
	for (size_t i = 0; i < sizeof(extras) / sizeof(extras[0]); i++)
		ck_assert_msg(!strstr(text, extras[i].text), "'%s' without its feature", extras[i].name);
	free(text);
	text = gen_scenario(7, 2000, GEN_DEFAULT);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(!strstr(text, "--features"), "%.200s", text);
	for (size_t i = 0; i < sizeof(extras) / sizeof(extras[0]); i++)
		ck_assert_msg(strstr(text, extras[i].text) != NULL, "no '%s' in 2000 steps", extras[i].name);
	ck_assert_msg(scn_parse(text, "<gen>", &p, err, sizeof(err)) == 0, "%s", err);
	scn_program_free(p);
	free(text);
	ck_assert_int_eq(gen_features_parse("anon,free,reclaim", &f, bad, sizeof(bad)), 0);
	ck_assert_uint_eq(f, GEN_ANON | GEN_FREE | GEN_RECLAIM);
}
END_TEST

/* uffd and scan come only with their features (on by default); asked
 * for, they come, and what they make parses. */
START_TEST(uffd_and_scan_only_when_asked)
{
	unsigned f;
	char bad[64], *text, err[512];
	struct scn_program *p;

	text = gen_scenario(11, 2000, GEN_DEFAULT & ~(GEN_UFFD | GEN_SCAN));
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(!strstr(text, "\nuffd ") && !strstr(text, "\nscan ") && !strstr(text, "\nexpect event") &&
			      !strstr(text, "-> blocked"),
		      "uffd or scan without their features");
	free(text);
	ck_assert_int_eq(gen_features_parse("anon,shmem,file,fork,uffd,scan", &f, bad, sizeof(bad)), 0);
	ck_assert_uint_eq(f, GEN_ANON | GEN_SHMEM | GEN_FILE | GEN_FORK | GEN_UFFD | GEN_SCAN);
	text = gen_scenario(11, 2000, f);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strstr(text, "--features anon,shmem,file,fork,uffd,scan\n") != NULL, "%.200s", text);
	for (const char *const *w = (const char *const[]){ "\nuffd open", "\nuffd register ", "\nuffd unregister ",
							   "\nuffd wp ", "\nuffd unwp ", "\nexpect no-event",
							   "-> blocked\n", "\nexpect event ", "\nscan ", NULL };
	     *w; w++)
		ck_assert_msg(strstr(text, *w) != NULL, "no '%s' in 2000 steps", *w);
	ck_assert_msg(scn_parse(text, "<gen>", &p, err, sizeof(err)) == 0, "%s", err);
	scn_program_free(p);
	free(text);
}
END_TEST

static bool has_keep(const char *text, void *ctx)
{
	(void)ctx;
	return strstr(text, "keep") != NULL;
}

START_TEST(minimiser_keeps_only_what_matters)
{
	char *small = minimise_lines("# comment\nlayout x86_64\na\nb\nkeep\nc\nd\ne\n", has_keep, NULL, 100);

	ck_assert_ptr_nonnull(small);
	ck_assert_str_eq(small, "# comment\nlayout x86_64\nkeep\n");
	free(small);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kernel-diff");
	TCase *kernel = tcase_create("kernel"), *parts = tcase_create("parts");
	SRunner *sr;
	int failed;

	tcase_add_test(kernel, bundled_scenarios_agree);
	tcase_add_test(kernel, random_scenarios_agree);
	tcase_set_timeout(kernel, 240);
	tcase_add_test(parts, generator_is_deterministic_and_valid);
	tcase_add_test(parts, features_parse);
	tcase_add_test(parts, features_drawn_only_when_on);
	tcase_add_test(parts, uffd_and_scan_only_when_asked);
	tcase_add_test(parts, minimiser_keeps_only_what_matters);
	tcase_set_timeout(parts, 120);
	suite_add_tcase(s, parts);
	suite_add_tcase(s, kernel);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
