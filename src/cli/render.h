/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_CLI_RENDER_H
#define PTESIM_CLI_RENDER_H

#include <stdio.h>

#include "ptesim/ptesim.h"

/*
 * `ptesim layout NAME`: the 64-bit map of each form (present, PROT_NONE /
 * invalid, swap) drawn as labelled boxes, one per field, with the Linux
 * names, plus the non-present encodings (markers, migration). They read
 * only the layout's data (ptesim/layout.h), never the helpers, so a drawing
 * cannot drift from the layout. Output is deterministic.
 */
void render_layout_text(FILE *out, const ptesim_layout *L);
void render_layout_markdown(FILE *out, const ptesim_layout *L);
void render_layout_json(FILE *out, const ptesim_layout *L);
void render_layout_svg(FILE *out, const ptesim_layout *L);

/*
 * `ptesim layouts --format markdown`: the layouts in a table, then every
 * field in a table with a column per layout giving its bits or "-".
 */
void render_layouts_markdown(FILE *out, const ptesim_layout *const *layouts, size_t n);

#endif
