/* SPDX-License-Identifier: MIT */
/* Finding the scenario library for `ptesim matrix` without arguments. */
#define _DEFAULT_SOURCE /* realpath */
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/library_dir.h"

/* Set by the build (src/meson.build): where this command was built from
 * and where it installs the library. */
#ifndef PTESIM_BUILD_ROOT
#error "PTESIM_BUILD_ROOT must be defined by the build"
#endif
#ifndef PTESIM_SOURCE_ROOT
#error "PTESIM_SOURCE_ROOT must be defined by the build"
#endif
#ifndef PTESIM_SCENARIO_INSTALL_DIR
#error "PTESIM_SCENARIO_INSTALL_DIR must be defined by the build"
#endif

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Whether the running executable lies under the build tree: then the
 * source tree it was built from is the freshest library there is. The
 * build root is resolved too, so a symlinked checkout still matches. */
static bool running_from_build_tree(void)
{
	char exe[PATH_MAX], root[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t len;

	if (n <= 0)
		return false;
	exe[n] = 0;
	if (!realpath(PTESIM_BUILD_ROOT, root))
		return false;
	len = strlen(root);
	return !strncmp(exe, root, len) && exe[len] == '/';
}

static int found(char *buf, size_t size, const char *dir, const char *why)
{
	if ((size_t)snprintf(buf, size, "%s", dir) >= size)
		return usage_error("matrix: scenario library path too long: %s", dir);
	if (!is_dir(buf))
		return usage_error("matrix: no scenario library: %s (%s) is not a directory; give files or set "
				   "PTESIM_SCENARIO_DIR",
				   buf, why);
	return 0;
}

int scenario_library_dir(char *buf, size_t size)
{
	const char *env = getenv("PTESIM_SCENARIO_DIR");

	if (env && *env)
		return found(buf, size, env, "PTESIM_SCENARIO_DIR");
	if (running_from_build_tree())
		return found(buf, size, PTESIM_SOURCE_ROOT "/scenarios", "the source tree of this build");
	return found(buf, size, PTESIM_SCENARIO_INSTALL_DIR, "the installed library");
}
