/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_SCENARIO_PAGEMAP_LINE_H
#define PTESIM_SCENARIO_PAGEMAP_LINE_H

/* A pagemap entry as the scenario language shows and checks it, the same
 * for the simulator and for kernel-run. */

#include <stddef.h>
#include <stdint.h>

#include "scenario/program.h"

/* the SCN_PM_* keys an entry has */
unsigned scn_pagemap_keys(uint64_t entry);
/* "p0 A[3] present=1 swap=0 file=0 exclusive=1 uffd-wp=0 soft-dirty=1" */
void scn_pagemap_line(char *buf, size_t size, const char *page, unsigned keys);
/* Against `expect pagemap`: 0 when every key holds, else -1 and the
 * failure "p0 A[3] pagemap present=0, expected 1" in buf. */
int scn_pagemap_check(const struct scn_pagemap_expect *want, const char *page, unsigned keys, char *buf,
		      size_t size);

#endif
