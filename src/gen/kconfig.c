/* SPDX-License-Identifier: MIT */
/*
 * Whether this kernel has soft-dirty, from its build configuration: a
 * kernel without CONFIG_MEM_SOFT_DIRTY prints soft-dirty=0 everywhere,
 * which says nothing about the simulator's soft-dirty bit.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "gen/kdiff.h"

/* 1 when the configuration read from f sets the option, 0 when it does
 * not, -1 when f held no configuration at all. */
static int scan_config(FILE *f)
{
	char line[512];
	int found = -1;

	while (fgets(line, sizeof(line), f)) {
		if (found < 0 && !strncmp(line, "CONFIG_", 7))
			found = 0;
		if (!strcmp(line, "CONFIG_MEM_SOFT_DIRTY=y\n"))
			found = 1;
	}
	return found;
}

int kdiff_kernel_soft_dirty(void)
{
	struct utsname u;
	char path[400];
	FILE *f;
	int found = -1;

	/* /proc/config.gz is compressed; gzip reads it without a library */
	f = popen("gzip -dc /proc/config.gz 2>/dev/null", "r");
	if (f) {
		found = scan_config(f);
		pclose(f);
	}
	if (found >= 0 || uname(&u))
		return found;
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	f = fopen(path, "r");
	if (!f)
		return -1;
	found = scan_config(f);
	fclose(f);
	return found;
}
