/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_CLI_RENDER_COMMON_H
#define PTESIM_CLI_RENDER_COMMON_H

/*
 * What every `ptesim layout` renderer shares: cutting a form into boxes, and
 * the words used for forms, bit classes and notes, so that the text,
 * Markdown, JSON and SVG outputs agree with each other.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ptesim/ptesim.h"

/* A run of bits drawn as one box: one field, or same-class same-reason bits. */
struct render_box {
	unsigned hi, lo;
	enum ptesim_bit_class cls;
	const char *label;                /* field name, or the reason of the bits */
	const struct ptesim_field *field; /* NULL unless cls is PTESIM_BIT_FIELD */
	/*
	 * Marker and migration drawings only (render_special.h): what these
	 * bits of `field` hold there ("pfn", "uffd-wp", "swp-type=31"), its
	 * Linux name and a note. NULL in a form's own boxes.
	 */
	const char *part, *part_name, *part_note;
};

/* A form never has more boxes than bits. */
#define RENDER_MAX_BOXES 64

/* The forms in the order they are drawn. */
extern const enum ptesim_form render_forms[PTESIM_FORM_COUNT];

/* Every feature, in the order of their flag bits, so all outputs list them alike. */
#define RENDER_NFEATURES 4
extern const enum ptesim_feature render_features[RENDER_NFEATURES];

/*
 * The boxes of `form`, high bit first, into out[RENDER_MAX_BOXES]; returns
 * how many. With split32 a box crossing bit 32 becomes two, one per row of
 * a drawing.
 */
size_t render_boxes(const ptesim_layout *L, enum ptesim_form form, bool split32,
		    struct render_box *out);
/* What each bit of `form` is: bits[b] is a one-bit box for bit b. */
void render_form_bits(const ptesim_layout *L, enum ptesim_form form, struct render_box bits[64]);
/* Boxes from one-bit boxes (bits[b] for bit b), as render_boxes() makes them. */
size_t render_group_bits(const struct render_box bits[64], bool split32, struct render_box *out);

/* "arm64" or "x86_64". */
const char *render_arch_name(const ptesim_layout *L);
/* Text from the layout for a markdown table, escaped so that no character
 * of it can end a cell or start emphasis, a link, an entity or HTML. */
void render_put_md(FILE *out, const char *s);

/* "present", "invalid", "swap": keys for JSON and anchors. */
const char *render_form_key(enum ptesim_form form);
/* "present (PTE_VALID=1)", "PROT_NONE / present-invalid (valid bit clear)", ... */
void render_form_title(const ptesim_layout *L, enum ptesim_form form, char *buf, size_t len);
/* The Linux name of the hardware valid bit ("PTE_VALID", "_PAGE_PRESENT"). */
const char *render_valid_name(const ptesim_layout *L);

/* "field", "zero", "free", "reserved". */
const char *render_class_key(enum ptesim_bit_class cls);
/* What a box shows: the field name, or "0", "sw", "res". */
const char *render_box_tag(const struct render_box *b);
/* "HW", "SW", or "" for a box that is not a field (or a zero part of one). */
const char *render_box_origin(const struct render_box *b);
/* "63" or "62-60". */
void render_box_bits(const struct render_box *b, char *buf, size_t len);
/*
 * The legend's notes: when a field applies (overlay, pmd only, stored
 * inverted), else its description; the reason of zero, free and reserved
 * bits.
 */
void render_box_notes(const ptesim_layout *L, enum ptesim_form form, const struct render_box *b,
		      char *buf, size_t len);

/* "soft-dirty, uffd-wp" or "none". */
void render_feature_list(const ptesim_layout *L, char *buf, size_t len);
/* The Linux name of the bit soft-dirty aliases ("PTE_DIRTY"). */
const char *render_soft_dirty_alias_name(const ptesim_layout *L);

/*
 * The uffd-wp PTE marker (make_pte_marker(PTE_MARKER_UFFD_WP)). False when
 * the layout has none; then `why` (may be NULL) says why.
 */
bool render_uffd_wp_marker(const ptesim_layout *L, uint64_t *entry, char *why, size_t whylen);

/*
 * Bytes of the line of text starting at s: at most max, ended before a
 * space when there is one. The caller skips the spaces after it.
 */
size_t render_wrap(const char *s, size_t max);

/* snprintf at the end of what buf already holds; truncates quietly. */
void render_append(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
