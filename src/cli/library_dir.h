/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_CLI_LIBRARY_DIR_H
#define PTESIM_CLI_LIBRARY_DIR_H

#include <stddef.h>

/*
 * Where the scenario library is: $PTESIM_SCENARIO_DIR when set; else, for
 * a command run from the build tree it was built in, the source tree's
 * scenarios/; else the installed <prefix>/<datadir>/ptesim/scenarios.
 * Writes the directory into buf and returns 0, or prints one line naming
 * what is missing and returns EXIT_USAGE.
 */
int scenario_library_dir(char *buf, size_t size);

#endif
