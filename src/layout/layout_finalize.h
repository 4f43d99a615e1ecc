/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_LAYOUT_FINALIZE_H
#define PTESIM_LAYOUT_FINALIZE_H

#include "layout/arch_roles.h"

/*
 * Check a parsed layout and derive what the helpers and decoders read: role
 * masks, the class of every bit in every form, the features, the helper
 * table. field_line[i] is the line that placed field i (0: inherited), and
 * removed_line[role] the line that removed a role's field, for messages. Returns 0 or -EINVAL with "FILE:LINE: error: ..." in err.
 */
int layout_finalize(struct ptesim_layout *L, const struct arch_def *arch, const int *field_line,
		    const int *removed_line, const char *filename, char *err, size_t errlen);

const char *layout_pool_strdup(struct ptesim_layout *L, const char *s);

#endif
