/* SPDX-License-Identifier: MIT */
/* ptesim explore: the bounded search for the shortest sequence that breaks
 * an invariant. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "explore/explore.h"
#include "scenario/vocab.h"

static const char usage_text[] =
	"usage: ptesim explore --layout NAME|--layout-file F [--depth D] [--pages N] [--procs P]\n"
	"                      [--map KIND[,KIND]] [--ops LIST] [--invariants LIST] [--uffd async|sync]\n"
	"                      [--hafdbs on|off] [--swap on|off] [--jobs J] [--max-states N] [--timeout S]\n"
	"                      [--out DIR]\n"
	"\n"
	"Breadth-first search over the simulator's states from a setup of N pages (default 1) in\n"
	"each mapping (default one private anonymous mapping), with up to P processes (default 2)\n"
	"forked by p0, applying every enabled operation at each step for D steps (default 6) and\n"
	"checking every invariant after each. For each invariant broken, the shortest sequence is\n"
	"printed as a scenario that `ptesim run` runs (--out DIR saves each as VIOLATION.pts).\n"
	"Exit 1 when a violation is found, 0 when none is, 2 for bad input.\n"
	"\n"
	"  KIND        private-anon shared-anon shmem private-file shared-file\n"
	"  --ops       all, or a comma list of: write read fork mprotect madvise (= free dontneed\n"
	"              cold pageout) free dontneed cold pageout clear_refs reclaim migrate uffd\n"
	"              scan criu (an operation the layout lacks, uffd or soft-dirty ones, is left out)\n"
	"  --invariants all, or a comma list of the language's invariants to report\n"
	"  --jobs      worker threads (default: the machine's online CPUs)\n";

static int parse_list(const char *arg, const char *what, const char *const *names, unsigned count, unsigned *mask)
{
	char buf[512], *save, *tok;

	if (strlen(arg) >= sizeof(buf))
		return usage_error("explore: %s list too long", what);
	strcpy(buf, arg);
	*mask = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned i;

		if (!strcmp(tok, "all")) {
			*mask = (1u << count) - 1;
			continue;
		}
		if (names == explore_op_names && !strcmp(tok, "madvise")) {
			*mask |= 1u << XOP_FREE | 1u << XOP_DONTNEED | 1u << XOP_COLD | 1u << XOP_PAGEOUT;
			continue;
		}
		for (i = 0; i < count && strcmp(tok, names[i]); i++)
			;
		if (i == count)
			return usage_error("explore: unknown %s '%s'", what, tok);
		*mask |= 1u << i;
	}
	if (!*mask)
		return usage_error("explore: empty %s list", what);
	return 0;
}

static int parse_maps(const char *arg, struct explore_options *opt)
{
	static const char *const kinds[] = { "private-anon", "shared-anon", "shmem", "private-file", "shared-file" };
	char buf[128], *save, *tok;

	if (strlen(arg) >= sizeof(buf))
		return usage_error("explore: --map list too long");
	strcpy(buf, arg);
	opt->nmaps = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned k;

		for (k = 0; k < 5 && strcmp(tok, kinds[k]); k++)
			;
		if (k == 5)
			return usage_error("explore: unknown mapping '%s' (private-anon, shared-anon, shmem, private-file, shared-file)", tok);
		if (opt->nmaps == 2)
			return usage_error("explore: at most two mappings");
		opt->map[opt->nmaps++] = (enum explore_backing)k;
	}
	return opt->nmaps ? 0 : usage_error("explore: empty --map list");
}

static int parse_uint(const char *opt, const char *arg, uint64_t max, uint64_t *out)
{
	if (!parse_u64(arg, out) || *out > max)
		return usage_error("explore: %s takes a number up to %llu, not '%s'", opt, (unsigned long long)max, arg);
	return 0;
}

static int parse_on_off(const char *opt, const char *arg, bool *out)
{
	if (strcmp(arg, "on") && strcmp(arg, "off"))
		return usage_error("explore: %s takes on or off, not '%s'", opt, arg);
	*out = !strcmp(arg, "on");
	return 0;
}

static int parse_uffd_mode(const char *arg, bool *async)
{
	if (strcmp(arg, "async") && strcmp(arg, "sync"))
		return usage_error("explore: --uffd takes async or sync, not '%s'", arg);
	*async = !strcmp(arg, "async");
	return 0;
}

static int save(const char *dir, const struct explore_counterexample *c)
{
	char path[4096];
	FILE *f;

	if (mkdir(dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "ptesim: explore: cannot create %s: %s\n", dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s.pts", dir, scn_violation_name(c->violation));
	f = fopen(path, "w");
	if (!f || fputs(c->scenario, f) < 0 || fclose(f)) {
		fprintf(stderr, "ptesim: explore: cannot write %s\n", path);
		if (f)
			fclose(f);
		return -1;
	}
	printf("saved %s\n", path);
	return 0;
}

static void print_counts(const struct explore_options *opt, const struct explore_result *res)
{
	double rate = res->seconds > 0 ? (double)res->transitions / res->seconds : 0;

	printf("%s: %llu states, %llu transitions, depth %u of %u %s, %.2f s, %.0f transitions/s (%.0f states/s) on %u thread%s, peak memory %.1f MiB\n",
	       ptesim_layout_name(opt->layout), (unsigned long long)res->states, (unsigned long long)res->transitions,
	       res->depth_done, opt->depth,
	       res->complete ? "searched" : "complete", res->seconds, rate,
	       res->seconds > 0 ? (double)res->states / res->seconds : 0, opt->jobs, opt->jobs == 1 ? "" : "s",
	       (double)res->peak_rss_kib / 1024.0);
	if (res->stopped_by)
		printf("stopped by %s: every state up to depth %u was expanded, depth %u in part; states found to depth %u\n",
		       res->stopped_by, res->depth_done, res->depth_done + 1, res->depth_reached);
	else if (res->depth_reached < opt->depth)
		printf("no new state after depth %u: the whole space reachable from the setup was searched\n",
		       res->depth_reached);
}

int cmd_explore(int argc, char **argv)
{
	struct layout_list layouts = { 0 };
	struct explore_options opt = {
		.depth = 6, .pages = 1, .procs = 2, .nmaps = 1, .map = { XMAP_PRIVATE_ANON },
		.ops = (1u << XOP_COUNT) - 1, .invariants = (1u << SCN_V_COUNT) - 1,
		.hafdbs = true, .swap = true, .uffd_async = true,
	};
	const char *names[SCN_V_COUNT], *out_dir = NULL;
	struct explore_result res;
	char err[512];
	uint64_t n;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int rc = 0;

	opt.jobs = cpus > 0 && cpus < 256 ? (unsigned)cpus : 1;
	for (int v = 0; v < SCN_V_COUNT; v++)
		names[v] = scn_violation_name((enum scn_violation)v);
	for (int i = 1; i < argc && !rc; i++) {
		const char *a = argv[i], *arg = i + 1 < argc ? argv[i + 1] : "";

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage_text, stdout);
			layouts_free(&layouts);
			return EXIT_OK;
		}
		if (a[0] == '-' && i + 1 >= argc)
			return layouts_free(&layouts), usage_error("explore: %s needs a value", a);
		if (!strcmp(a, "--layout"))
			rc = layouts_add_name(&layouts, arg);
		else if (!strcmp(a, "--layout-file"))
			rc = layouts_add_file(&layouts, arg);
		else if (!strcmp(a, "--depth"))
			rc = parse_uint(a, arg, 64, &n), opt.depth = (unsigned)n;
		else if (!strcmp(a, "--pages"))
			rc = parse_uint(a, arg, 8, &n), opt.pages = (unsigned)n;
		else if (!strcmp(a, "--procs"))
			rc = parse_uint(a, arg, 4, &n), opt.procs = (unsigned)n;
		else if (!strcmp(a, "--jobs"))
			rc = parse_uint(a, arg, 256, &n), opt.jobs = (unsigned)n;
		else if (!strcmp(a, "--max-states"))
			rc = parse_uint(a, arg, UINT32_MAX - 1, &opt.max_states);
		else if (!strcmp(a, "--timeout"))
			rc = parse_uint(a, arg, 86400 * 365, &n), opt.timeout = (double)n;
		else if (!strcmp(a, "--ops"))
			rc = parse_list(arg, "operation", explore_op_names, XOP_COUNT, &opt.ops);
		else if (!strcmp(a, "--invariants"))
			rc = parse_list(arg, "invariant", names, SCN_V_COUNT, &opt.invariants);
		else if (!strcmp(a, "--map"))
			rc = parse_maps(arg, &opt);
		else if (!strcmp(a, "--hafdbs"))
			rc = parse_on_off(a, arg, &opt.hafdbs);
		else if (!strcmp(a, "--swap"))
			rc = parse_on_off(a, arg, &opt.swap);
		else if (!strcmp(a, "--uffd"))
			rc = parse_uffd_mode(arg, &opt.uffd_async);
		else if (!strcmp(a, "--out"))
			out_dir = arg;
		else
			rc = usage_error("explore: unknown argument '%s' (ptesim explore --help)", a);
		i++;
	}
	if (!rc && layouts.n != 1)
		rc = usage_error("explore: give one --layout NAME or --layout-file F");
	if (!rc && (!opt.pages || !opt.procs || !opt.jobs))
		rc = usage_error("explore: --pages, --procs and --jobs are at least 1");
	if (rc) {
		layouts_free(&layouts);
		return rc;
	}
	opt.layout = layouts.items[0];
	rc = explore_run(&opt, &res, err, sizeof(err));
	if (rc) {
		layouts_free(&layouts);
		return usage_error("%s", err);
	}
	for (unsigned i = 0; i < res.nfound; i++) {
		const struct explore_counterexample *c = &res.found[i];

		printf("violation %s in %u step%s\n%s", scn_violation_name(c->violation), c->steps,
		       c->steps == 1 ? "" : "s", c->scenario);
		printf("# ptesim run: %s\n\n", c->detail);
		if (out_dir && save(out_dir, c))
			rc = EXIT_USAGE;
	}
	if (!res.nfound)
		printf("no violation within depth %u%s\n", res.complete ? opt.depth : res.depth_done,
		       res.complete ? "" : " (the search stopped early)");
	print_counts(&opt, &res);
	if (!rc)
		rc = res.nfound ? EXIT_FINDING : EXIT_OK;
	explore_result_free(&res);
	layouts_free(&layouts);
	return rc;
}
