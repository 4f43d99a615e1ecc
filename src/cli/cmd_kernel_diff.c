/* SPDX-License-Identifier: MIT */
/*
 * ptesim kernel-diff: scenarios on this machine's kernel and on a layout,
 * and every pagemap line or result where the two differ. With --random,
 * generated scenarios; a difference found that way is cut down to the
 * fewest commands that still show it and saved as a regression file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "cli/cli.h"
#include "gen/gen.h"
#include "gen/kdiff.h"
#include "gen/minimise.h"
#include "live/live.h"

#define MAX_FILES 256
#define MAX_TIMEOUT 86400u
#define MAX_RANDOM 1000000u
#define DEFAULT_STEPS 40u
#define MINIMISE_TESTS 600u /* runs one minimisation may cost */
#define DEFAULT_MAX_SAVED 10u /* each costs up to MINIMISE_TESTS kernel runs */

struct totals {
	unsigned files, compared, skipped, commands, observations, differences;
};

struct diff_args {
	const char *files[MAX_FILES];
	int nfiles;
	struct kdiff_options opt;
	uint64_t random, seed, steps;
	unsigned features;
	const char *save_dir;
	uint64_t max_saved; /* regression files one run may write */
	uint64_t saved;
	bool without_pte; /* leave out pte and expect pte, which the kernel cannot run */
};

static void add_totals(struct totals *t, const struct kdiff_result *r)
{
	t->files++;
	if (r->status == KDIFF_SKIPPED) {
		t->skipped++;
		return;
	}
	t->compared++;
	t->commands += r->commands;
	t->observations += r->observations;
	t->differences += r->differences;
}

static void print_header(const ptesim_layout *L, bool soft_dirty, int config)
{
	struct utsname u;

	printf("kernel-diff: kernel %s against %s; soft-dirty %s\n", uname(&u) ? "?" : u.release,
	       ptesim_layout_name(L),
	       soft_dirty     ? "compared"
	       : config == 0 ? "not compared (the kernel has no CONFIG_MEM_SOFT_DIRTY)"
			     : "not compared (the kernel's configuration is unknown)");
}

static void print_skip(const char *name, const struct scn_program *p, const ptesim_layout *L,
		       const struct kdiff_result *r)
{
	char line[700];

	if (r->sim.status == RUN_NA)
		scn_result_line(p, L, &r->sim, line, sizeof(line));
	else
		live_result_line(&r->kernel, line, sizeof(line));
	printf("%s: skipped: %s\n", name, line);
}

static int diff_file(const char *path, struct diff_args *a, struct totals *t)
{
	struct kdiff_options opt = a->opt;
	struct scn_program *p, copy;
	struct scn_command *commands = NULL;
	struct kdiff_result r;
	char err[512];

	if (scn_parse_file(path, &p, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	opt.out = stdout;
	opt.name = path;
	if (a->without_pte && !kdiff_without_pte(p, &copy, &commands)) {
		scn_program_free(p);
		fprintf(stderr, "ptesim: kernel-diff: out of memory\n");
		return EXIT_FINDING;
	}
	if (kdiff_program(a->without_pte ? &copy : p, &opt, &r)) {
		free(commands);
		scn_program_free(p);
		fprintf(stderr, "ptesim: kernel-diff: out of memory\n");
		return EXIT_FINDING;
	}
	if (r.status == KDIFF_SKIPPED)
		print_skip(path, p, opt.layout, &r);
	else if (!r.differences)
		printf("%s: same (%u observations)\n", path, r.observations);
	add_totals(t, &r);
	fflush(stdout);
	free(commands);
	scn_program_free(p);
	return 0;
}

/* --- random scenarios --- */

/* What a smaller program must still show: the same kind of difference,
 * with the same results on both sides. */
struct keep {
	const struct kdiff_options *opt;
	enum kdiff_kind kind;
	enum run_status kernel, sim;
};

static bool still_differs(const char *text, void *ctx)
{
	const struct keep *k = ctx;
	struct kdiff_options opt = *k->opt;
	struct scn_program *p;
	struct kdiff_result r;
	char err[512];
	bool same;

	if (scn_parse(text, "<candidate>", &p, err, sizeof(err)))
		return false;
	opt.out = NULL;
	same = !kdiff_program(p, &opt, &r) && r.status == KDIFF_COMPARED && r.kind == k->kind &&
	       r.kernel.status == k->kernel && r.sim.status == k->sim;
	scn_program_free(p);
	return same;
}

/* The differences of text, each line commented, for the regression file. */
static char *described(const char *text, const struct kdiff_options *base, const char *name)
{
	struct kdiff_options opt = *base;
	struct scn_program *p;
	struct kdiff_result r;
	char err[512], *buf = NULL, *out;
	size_t len = 0, n = 0;

	if (scn_parse(text, name, &p, err, sizeof(err)))
		return NULL;
	opt.name = name;
	opt.out = open_memstream(&buf, &len);
	if (!opt.out) {
		scn_program_free(p);
		return NULL;
	}
	kdiff_program(p, &opt, &r);
	fclose(opt.out);
	scn_program_free(p);
	out = malloc(2 * len + 2);
	for (size_t i = 0; out && i < len; i++) {
		if (i == 0 || buf[i - 1] == '\n') {
			out[n++] = '#';
			out[n++] = ' ';
		}
		out[n++] = buf[i];
	}
	if (out)
		out[n] = 0;
	free(buf);
	return out;
}

static void save_regression(const struct diff_args *a, uint64_t seed, const char *text)
{
	char path[4096], name[64];
	char *notes;
	FILE *f;

	snprintf(name, sizeof(name), "regress-%llu", (unsigned long long)seed);
	snprintf(path, sizeof(path), "%s/%s.pts", a->save_dir, name);
	notes = described(text, &a->opt, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "ptesim: kernel-diff: cannot write %s\n", path);
		free(notes);
		return;
	}
	fprintf(f, "# ptesim kernel-diff found the kernel and %s to differ on this scenario\n"
		   "# (generated with seed %llu, then cut down to the commands that still show it):\n%s",
		ptesim_layout_name(a->opt.layout), (unsigned long long)seed, notes ? notes : "");
	fputs(text, f);
	if (fclose(f))
		fprintf(stderr, "ptesim: kernel-diff: cannot write %s\n", path);
	else
		printf("saved %s\n", path);
	free(notes);
}

static void minimise_and_save(const struct diff_args *a, uint64_t seed, const char *text,
			      const struct kdiff_result *r)
{
	struct kdiff_options quiet = a->opt;
	struct keep k = { &quiet, r->kind, r->kernel.status, r->sim.status };
	char *small;

	quiet.out = NULL;
	small = minimise_lines(text, still_differs, &k, MINIMISE_TESTS);
	if (!small) {
		fprintf(stderr, "ptesim: kernel-diff: out of memory\n");
		return;
	}
	save_regression(a, seed, small);
	free(small);
}

static int diff_random(struct diff_args *a, struct totals *t)
{
	for (uint64_t i = 0; i < a->random; i++) {
		uint64_t seed = a->seed + i;
		char *text = gen_scenario(seed, (unsigned)a->steps, a->features);
		struct kdiff_options opt = a->opt;
		struct scn_program *p;
		struct kdiff_result r;
		char err[512], name[64];

		if (!text) {
			fprintf(stderr, "ptesim: kernel-diff: out of memory\n");
			return EXIT_FINDING;
		}
		snprintf(name, sizeof(name), "seed %llu", (unsigned long long)seed);
		if (scn_parse(text, name, &p, err, sizeof(err))) {
			/* the generator's fault: say so, and count it */
			printf("%s: the generated scenario does not parse: %s\n", name, err);
			t->files++;
			t->differences++;
			free(text);
			continue;
		}
		opt.out = stdout;
		opt.name = name;
		if (kdiff_program(p, &opt, &r)) {
			fprintf(stderr, "ptesim: kernel-diff: out of memory\n");
			scn_program_free(p);
			free(text);
			return EXIT_FINDING;
		}
		if (r.status == KDIFF_SKIPPED) {
			print_skip(name, p, opt.layout, &r);
		} else if (!r.differences && (r.kernel.status == RUN_FAIL || r.sim.status == RUN_FAIL)) {
			/* both failed alike: the generator predicted an outcome wrongly */
			char line[700];

			live_result_line(&r.kernel, line, sizeof(line));
			printf("%s: both sides fail, the generator is wrong: %s\n", name, line);
			r.differences++;
		}
		add_totals(t, &r);
		if (r.kind != KDIFF_NONE && a->saved < a->max_saved) {
			minimise_and_save(a, seed, text, &r);
			a->saved++;
		} else if (r.kind != KDIFF_NONE) {
			printf("%s: not cut down (--max-saved %llu reached)\n", name,
			       (unsigned long long)a->max_saved);
		}
		fflush(stdout);
		scn_program_free(p);
		free(text);
	}
	return 0;
}

/* --- arguments --- */

static int parse_args(int argc, char **argv, struct diff_args *a, const char **layout)
{
	bool have_random = false;

	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		uint64_t v;
		char bad[64];

		if (!strcmp(o, "--layout") || !strcmp(o, "--save-dir") || !strcmp(o, "--features")) {
			if (i + 1 == argc)
				return usage_error("kernel-diff: %s needs a value", o);
			if (!strcmp(o, "--layout"))
				*layout = argv[++i];
			else if (!strcmp(o, "--save-dir"))
				a->save_dir = argv[++i];
			else if (gen_features_parse(argv[++i], &a->features, bad, sizeof(bad)))
				return usage_error("kernel-diff: unknown feature '%s' (known: %s)", bad,
						   gen_feature_names());
		} else if (!strcmp(o, "--random") || !strcmp(o, "--seed") || !strcmp(o, "--steps") ||
			   !strcmp(o, "--timeout") || !strcmp(o, "--max-saved")) {
			if (i + 1 == argc || !parse_u64(argv[++i], &v))
				return usage_error("kernel-diff: %s takes a number", o);
			if (!strcmp(o, "--random")) {
				if (v == 0 || v > MAX_RANDOM)
					return usage_error("kernel-diff: --random takes 1 to %u", MAX_RANDOM);
				a->random = v;
				have_random = true;
			} else if (!strcmp(o, "--seed")) {
				a->seed = v;
			} else if (!strcmp(o, "--max-saved")) {
				a->max_saved = v;
			} else if (!strcmp(o, "--steps")) {
				if (v == 0 || v > GEN_MAX_STEPS)
					return usage_error("kernel-diff: --steps takes 1 to %u", GEN_MAX_STEPS);
				a->steps = v;
			} else {
				if (v == 0 || v > MAX_TIMEOUT)
					return usage_error("kernel-diff: --timeout takes seconds, 1 to %u", MAX_TIMEOUT);
				a->opt.timeout_s = (unsigned)v;
			}
		} else if (!strcmp(o, "--without-pte")) {
			a->without_pte = true;
		} else if (o[0] == '-' && o[1]) {
			return usage_error("kernel-diff: unknown option '%s'", o);
		} else if (a->nfiles == MAX_FILES) {
			return usage_error("kernel-diff: at most %d files", MAX_FILES);
		} else {
			a->files[a->nfiles++] = o;
		}
	}
	if (!have_random && !a->nfiles)
		return usage_error("kernel-diff: give scenario files or --random N, e.g. ptesim kernel-diff "
				   "tests/scenarios/cow-after-fork.pts");
	return 0;
}

int cmd_kernel_diff(int argc, char **argv)
{
	struct diff_args a = { .steps = DEFAULT_STEPS, .features = GEN_DEFAULT, .max_saved = DEFAULT_MAX_SAVED };
	struct totals t = { 0 };
	const char *layout = "x86_64", *root = getenv("PTESIM_SOURCE_ROOT");
	char save_dir[4096];
	int rc = parse_args(argc, argv, &a, &layout), config;

	if (rc)
		return rc;
	a.opt.notes = stderr;
	a.opt.layout = ptesim_layout_find(layout);
	if (!a.opt.layout)
		return usage_error("kernel-diff: unknown layout '%s' (ptesim layouts lists them)", layout);
	if (!a.save_dir) {
		snprintf(save_dir, sizeof(save_dir), "%s%stests/scenarios", root ? root : "", root ? "/" : "");
		a.save_dir = save_dir;
	}
	/* every file parses before any runs, as with ptesim run */
	for (int i = 0; i < a.nfiles; i++) {
		struct scn_program *p;
		char err[512];

		if (scn_parse_file(a.files[i], &p, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			return EXIT_USAGE;
		}
		scn_program_free(p);
	}
	config = kdiff_kernel_soft_dirty();
	a.opt.soft_dirty = config == 1;
	print_header(a.opt.layout, a.opt.soft_dirty, config);
	if (a.without_pte)
		printf("kernel-diff: pte and expect pte commands left out of the files\n");
	for (int i = 0; i < a.nfiles && !rc; i++)
		rc = diff_file(a.files[i], &a, &t);
	if (!rc && a.random)
		rc = diff_random(&a, &t);
	if (rc)
		return rc;
	printf("kernel-diff: %u files, %u compared, %u skipped, %u commands, %u observations compared, "
	       "%u differences\n",
	       t.files, t.compared, t.skipped, t.commands, t.observations, t.differences);
	return t.differences ? EXIT_FINDING : EXIT_OK;
}
