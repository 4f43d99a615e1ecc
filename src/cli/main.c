/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void print_usage(FILE *out)
{
	fputs("usage: ptesim COMMAND [ARGS]\n"
	      "\n"
	      "  matrix [FILE|DIR...] [--layout NAME[,NAME]|all] [--layout-file F]... [--format text|markdown|json]\n"
	      "                                            every scenario (the library by default) on every\n"
	      "                                            layout: a table of pass/FAIL/n/a, the failures, and\n"
	      "                                            exit 1 when a result is not the declared one\n"
	      "  run FILE... [--layout NAME[,NAME]|all] [--layout-file F] [--trace]\n"
	      "                                            run scenarios; one result line per layout\n"
	      "  explain FILE [--layout NAME|--layout-file F] [--format text|html] [--color auto|always|never]\n"
	      "                                            one layout, command by command: the kernel path run,\n"
	      "                                            each entry changed as bit maps, pagemap, the result\n"
	      "  layouts [--layout-file F] [--format text|markdown]\n"
	      "                                            the layouts, one line each; markdown: field by field\n"
	      "  layout NAME|--layout-file F [--format text|markdown|json|svg]\n"
	      "                                            the 64-bit map of each form\n"
	      "  decode [--layout NAME|--layout-file F]... [--format text|json] HEX...\n"
	      "                                            what an entry is (every layout by default)\n"
	      "  encode --layout NAME|--layout-file F FIELD=VALUE...\n"
	      "  encode --layout NAME swap TYPE OFFSET [exclusive] [uffd-wp] [soft-dirty]\n"
	      "  encode --layout NAME marker uffd-wp|poisoned|guard...\n"
	      "  encode --layout NAME migration read|read-exclusive|write PFN [young] [dirty]\n"
	      "  diff A B                                  fields that moved, appeared or vanished\n"
	      "                                            (A and B: layout names or layout files)\n"
	      "  helper --layout NAME|--layout-file F HELPER HEX...\n"
	      "                                            apply a kernel helper (pte_mkclean, ...)\n"
	      "  kernel-run FILE... [--timeout S]          scenarios on this machine's kernel, in run's format\n"
	      "  kernel-diff FILE... [--layout NAME] [--without-pte] [--timeout S]\n"
	      "  kernel-diff --random N [--seed S] [--steps K] [--features LIST] [--save-dir DIR]\n"
	      "                                            every pagemap line or result the kernel and a layout disagree on\n"
	      "  gen --seed S --steps N [--features LIST]  a random scenario on stdout\n"
	      "  explore --layout NAME|--layout-file F [--depth D] [--pages N] [--procs P] [--ops LIST]\n"
	      "          [--invariants LIST] [--jobs J] [--max-states N] [--timeout S] [--out DIR]\n"
	      "                                            the shortest sequence that breaks an invariant\n"
	      "  bench [--layout NAME] [--pages N] [--explore-full] [--explore-only]\n"
	      "                                            simulator and live kernel, ns per page; explorer rates\n"
	      "  help, --help, --version\n",
	      out);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "layouts", cmd_layouts }, { "layout", cmd_layout }, { "decode", cmd_decode },
		{ "encode", cmd_encode },   { "diff", cmd_diff },     { "helper", cmd_helper },
		{ "bench", cmd_bench },    { "run", cmd_run },       { "kernel-run", cmd_kernel_run },
		{ "matrix", cmd_matrix },
		{ "kernel-diff", cmd_kernel_diff }, { "gen", cmd_gen },
		{ "explore", cmd_explore },
		{ "explain", cmd_explain },
	};

	if (argc < 2) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("ptesim %s\n", PTESIM_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		/* `ptesim COMMAND --help`: the same list, to stdout */
		for (int a = 2; a < argc; a++)
			if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) {
				print_usage(stdout);
				return EXIT_OK;
			}
		return cmds[i].fn(argc - 1, argv + 1);
	}
	return usage_error("unknown command '%s' (ptesim help lists them)", argv[1]);
}
