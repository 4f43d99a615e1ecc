/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_TESTS_MACHINE_UTIL_H
#define PTESIM_TESTS_MACHINE_UTIL_H

/* What the machine tests share: a page namer for the referee, the
 * machine's own consistency, the raw entry at an address. Include after
 * <cmocka.h>. */

#include <stdio.h>

#include "check/check.h"
#include "mm/mm.h"

static inline void namer(void *ctx, int pid, uint64_t va, char *buf, size_t size)
{
	(void)ctx;
	snprintf(buf, size, "pid %d va 0x%llx", pid, (unsigned long long)va);
}

/* refcount and pte-encoding hold */
static inline void assert_consistent(struct machine *m)
{
	struct violation v = { 0 };

	if (!check_refcount(m, namer, NULL, &v) || !check_pte_encoding(m, namer, NULL, &v))
		fail_msg("%s at %s: %s", v.name, v.page, v.reason);
}

static inline uint64_t entry_of(struct machine *m, int pid, uint64_t va)
{
	pte_t *ptep = mm_pte(m, &m->procs[pid], va, false);

	return ptep ? pte_val(*ptep) : 0;
}

#endif
