/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_TEST_RUN_CLI_H
#define PTESIM_TEST_RUN_CLI_H

struct cli_result {
	int status;      /* exit status, or 128 + signal */
	char out[65536]; /* stdout */
	char err[8192];  /* stderr */
};

/* Runs $PTESIM_BIN with the NULL-terminated arguments. */
void run_cli(struct cli_result *r, const char *const *argv);
/* Writes text to a fresh temporary file and returns its path (static buffer). */
const char *temp_file(const char *text);

#endif
