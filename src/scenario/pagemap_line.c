/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "mm/pagemap_bits.h"
#include "scenario/pagemap_line.h"
#include "scenario/vocab.h"

unsigned scn_pagemap_keys(uint64_t pm)
{
	return ((pm & PM_PRESENT) ? SCN_PM_PRESENT : 0) | ((pm & PM_SWAP) ? SCN_PM_SWAP : 0) |
	       ((pm & PM_FILE) ? SCN_PM_FILE : 0) | ((pm & PM_MMAP_EXCLUSIVE) ? SCN_PM_EXCLUSIVE : 0) |
	       ((pm & PM_UFFD_WP) ? SCN_PM_UFFD_WP : 0) | ((pm & PM_SOFT_DIRTY) ? SCN_PM_SOFT_DIRTY : 0);
}

void scn_pagemap_line(char *buf, size_t size, const char *page, unsigned k)
{
	snprintf(buf, size, "%s present=%d swap=%d file=%d exclusive=%d uffd-wp=%d soft-dirty=%d", page,
		 !!(k & SCN_PM_PRESENT), !!(k & SCN_PM_SWAP), !!(k & SCN_PM_FILE), !!(k & SCN_PM_EXCLUSIVE),
		 !!(k & SCN_PM_UFFD_WP), !!(k & SCN_PM_SOFT_DIRTY));
}

int scn_pagemap_check(const struct scn_pagemap_expect *want, const char *page, unsigned k, char *buf, size_t size)
{
	for (const struct vocab_word *w = vocab_pagemap_key; w->name; w++) {
		if (!(want->keys & w->value) || (k & w->value) == (want->values & w->value))
			continue;
		snprintf(buf, size, "%s pagemap %s=%d, expected %d", page, w->name, !!(k & w->value),
			 !!(want->values & w->value));
		return -1;
	}
	return 0;
}
