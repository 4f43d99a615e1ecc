/* SPDX-License-Identifier: MIT */
/*
 * ptesim kernel-run: scenarios on the kernel of this machine, with the
 * simulator's output format, so that `ptesim run FILE --layout x86_64` and
 * `ptesim kernel-run FILE` can be compared line by line.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "live/live.h"

#define MAX_FILES 256
#define MAX_TIMEOUT 86400u

static int run_file(const char *path, unsigned timeout_s, bool *failed)
{
	struct live_options opt = { .observe = stdout, .notes = stderr, .timeout_s = timeout_s };
	struct scn_program *p;
	struct run_result r;
	char err[512], line[1024];

	if (scn_parse_file(path, &p, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	live_run(p, &opt, &r);
	live_result_line(&r, line, sizeof(line));
	printf("%s\n", line);
	fflush(stdout);
	if (r.status == RUN_FAIL)
		*failed = true;
	scn_program_free(p);
	return 0;
}

int cmd_kernel_run(int argc, char **argv)
{
	const char *files[MAX_FILES];
	unsigned timeout_s = LIVE_DEFAULT_TIMEOUT;
	int nfiles = 0, rc = EXIT_OK;
	bool failed = false;

	for (int i = 1; i < argc && !rc; i++) {
		uint64_t v;

		if (!strcmp(argv[i], "--timeout")) {
			if (i + 1 == argc || !parse_u64(argv[++i], &v) || v == 0 || v > MAX_TIMEOUT)
				rc = usage_error("kernel-run: --timeout takes seconds, 1 to %u", MAX_TIMEOUT);
			else
				timeout_s = (unsigned)v;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			rc = usage_error("kernel-run: unknown option '%s'", argv[i]);
		} else if (nfiles == MAX_FILES) {
			rc = usage_error("kernel-run: at most %d files", MAX_FILES);
		} else {
			files[nfiles++] = argv[i];
		}
	}
	if (!rc && !nfiles)
		rc = usage_error("kernel-run: give a scenario file, e.g. ptesim kernel-run "
				 "tests/scenarios/cow-after-fork.pts");
	/* every file parses before any runs, as with ptesim run */
	for (int i = 0; i < nfiles && !rc; i++) {
		struct scn_program *p;
		char err[512];

		if (scn_parse_file(files[i], &p, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			rc = EXIT_USAGE;
		} else {
			scn_program_free(p);
		}
	}
	for (int i = 0; i < nfiles && !rc; i++) {
		if (nfiles > 1)
			printf("%s\n", files[i]);
		rc = run_file(files[i], timeout_s, &failed);
	}
	if (rc)
		return rc;
	return failed ? EXIT_FINDING : EXIT_OK;
}
