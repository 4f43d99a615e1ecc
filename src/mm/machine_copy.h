/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_MM_MACHINE_COPY_H
#define PTESIM_MM_MACHINE_COPY_H

#include <stddef.h>
#include <stdint.h>

#include "mm/mm.h"

/*
 * Which entries of a table can ever be non-zero, at any level: when the
 * caller knows every address its machines use (the explorer maps fixed
 * slots), copying those entries is copying the table. NULL: whole tables.
 */
struct table_copy_hint {
	const uint16_t *index;
	size_t n;
};

/* dst becomes a copy of src (same layout; dst initialised by machine_init).
 * 0 or -ENOMEM, after which dst may only be destroyed. */
int machine_copy(struct machine *dst, const struct machine *src, const struct table_copy_hint *hint);

#endif
