/* SPDX-License-Identifier: MIT */
/* ptesim gen: a random scenario on stdout, the same one for the same seed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "gen/gen.h"

int cmd_gen(int argc, char **argv)
{
	uint64_t seed = 0, steps = 0;
	unsigned features = GEN_DEFAULT;
	bool have_seed = false, have_steps = false;
	char *text;

	for (int i = 1; i < argc; i++) {
		char bad[64];

		if (!strcmp(argv[i], "--seed")) {
			if (i + 1 == argc || !parse_u64(argv[++i], &seed))
				return usage_error("gen: --seed takes a number");
			have_seed = true;
		} else if (!strcmp(argv[i], "--steps")) {
			if (i + 1 == argc || !parse_u64(argv[++i], &steps) || steps == 0 || steps > GEN_MAX_STEPS)
				return usage_error("gen: --steps takes 1 to %u", GEN_MAX_STEPS);
			have_steps = true;
		} else if (!strcmp(argv[i], "--features")) {
			if (i + 1 == argc)
				return usage_error("gen: --features takes a list of %s", gen_feature_names());
			if (gen_features_parse(argv[++i], &features, bad, sizeof(bad)))
				return usage_error("gen: unknown feature '%s' (known: %s)", bad, gen_feature_names());
		} else {
			return usage_error("gen: unknown argument '%s'", argv[i]);
		}
	}
	if (!have_seed || !have_steps)
		return usage_error("gen: give --seed S and --steps N, e.g. ptesim gen --seed 1 --steps 40");
	text = gen_scenario(seed, (unsigned)steps, features);
	if (!text) {
		fprintf(stderr, "ptesim: gen: out of memory\n");
		return EXIT_FINDING;
	}
	fputs(text, stdout);
	free(text);
	return fflush(stdout) ? EXIT_FINDING : EXIT_OK;
}
