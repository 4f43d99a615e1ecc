/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_CLI_RENDER_SPECIAL_H
#define PTESIM_CLI_RENDER_SPECIAL_H

/*
 * The two kinds of swap-form entry that are not swap entries: PTE markers
 * and migration entries. Each is drawn as the swap form with the type
 * field fixed to the kind's type numbers and the offset cut into what the
 * kind keeps there (marker bits; the pfn and the young and dirty bits).
 * Everything comes from the library's encoders (make_pte_marker(),
 * make_*_migration_entry()) run on the layout, so the drawing follows the
 * layout and the era.
 */

#include <stdbool.h>
#include <stddef.h>

#include "cli/render_common.h"

enum render_special_kind {
	RENDER_MARKER,
	RENDER_MIGRATION,
};
#define RENDER_NSPECIAL 2

struct render_special {
	char title[160];     /* "PTE marker: swp-type 31 (SWP_PTE_MARKER)", or why there is none */
	char type_tag[32];   /* "swp-type=31" */
	char type_note[160]; /* the type numbers and their Linux names */
	size_t n;            /* boxes; 0 when the layout has no such entries */
	struct render_box boxes[RENDER_MAX_BOXES];
};

/*
 * Fills *out (whose boxes point into it: do not copy it); false, with
 * n = 0 and a title that says why, when the layout has no such entries.
 */
bool render_special(const ptesim_layout *L, enum render_special_kind kind, bool split32,
		    struct render_special *out);

#endif
