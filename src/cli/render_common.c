/* SPDX-License-Identifier: MIT */
/* Boxes, names and notes shared by the `ptesim layout` renderers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/render_common.h"

const enum ptesim_form render_forms[PTESIM_FORM_COUNT] = {
	PTESIM_FORM_PRESENT,
	PTESIM_FORM_INVALID,
	PTESIM_FORM_SWAP,
};

const enum ptesim_feature render_features[RENDER_NFEATURES] = {
	PTESIM_FEAT_SOFT_DIRTY,
	PTESIM_FEAT_UFFD_WP,
	PTESIM_FEAT_PTE_MARKERS,
	PTESIM_FEAT_SWP_EXCLUSIVE,
};

void render_append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strnlen(buf, len);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

size_t render_wrap(const char *s, size_t max)
{
	size_t len = strlen(s), cut;

	if (len <= max)
		return len;
	for (cut = max; cut > 0 && s[cut] != ' '; cut--)
		;
	return cut ? cut : max;
}

static const char *nonnull(const char *s)
{
	return s ? s : "";
}

/* Whether bit `next` (just below b) belongs in box b. */
static bool box_continues(const struct render_box *b, const struct render_box *next)
{
	if (b->cls != next->cls || strcmp(nonnull(b->part), nonnull(next->part)))
		return false;
	if (b->cls == PTESIM_BIT_FIELD && (b->field || next->field))
		return b->field == next->field;
	return !strcmp(nonnull(b->label), nonnull(next->label));
}

void render_form_bits(const ptesim_layout *L, enum ptesim_form form, struct render_box bits[64])
{
	for (unsigned bit = 0; bit < 64; bit++) {
		struct render_box cur = { .hi = bit, .lo = bit };

		cur.cls = ptesim_layout_bit(L, form, bit, &cur.label, &cur.field);
		cur.label = nonnull(cur.label);
		if (cur.cls != PTESIM_BIT_FIELD)
			cur.field = NULL;
		bits[bit] = cur;
	}
}

size_t render_group_bits(const struct render_box bits[64], bool split32, struct render_box *out)
{
	size_t n = 0;

	for (unsigned bit = 64; bit-- > 0;) {
		if (n && box_continues(&out[n - 1], &bits[bit]) && !(split32 && bit == 31))
			out[n - 1].lo = bit;
		else
			out[n++] = bits[bit];
	}
	return n;
}

size_t render_boxes(const ptesim_layout *L, enum ptesim_form form, bool split32,
		    struct render_box *out)
{
	struct render_box bits[64];

	render_form_bits(L, form, bits);
	return render_group_bits(bits, split32, out);
}

const char *render_arch_name(const ptesim_layout *L)
{
	return ptesim_layout_arch(L) == PTESIM_ARCH_X86_64 ? "x86_64" : "arm64";
}

const char *render_form_key(enum ptesim_form form)
{
	switch (form) {
	case PTESIM_FORM_PRESENT:
		return "present";
	case PTESIM_FORM_INVALID:
		return "invalid";
	case PTESIM_FORM_SWAP:
		return "swap";
	case PTESIM_FORM_COUNT:
		break;
	}
	return "?";
}

const char *render_valid_name(const ptesim_layout *L)
{
	const struct ptesim_field *f = NULL;

	/* Both architectures keep the hardware valid bit at bit 0. */
	if (ptesim_layout_bit(L, PTESIM_FORM_PRESENT, 0, NULL, &f) == PTESIM_BIT_FIELD && f)
		return f->linux_name;
	return "valid";
}

void render_form_title(const ptesim_layout *L, enum ptesim_form form, char *buf, size_t len)
{
	switch (form) {
	case PTESIM_FORM_PRESENT:
		snprintf(buf, len, "present (%s=1)", render_valid_name(L));
		return;
	case PTESIM_FORM_INVALID:
		snprintf(buf, len, "PROT_NONE / present-invalid (valid bit clear)");
		return;
	case PTESIM_FORM_SWAP:
		snprintf(buf, len, "swap, migration and PTE marker entries");
		return;
	case PTESIM_FORM_COUNT:
		break;
	}
	snprintf(buf, len, "?");
}

const char *render_class_key(enum ptesim_bit_class cls)
{
	switch (cls) {
	case PTESIM_BIT_FIELD:
		return "field";
	case PTESIM_BIT_ZERO:
		return "zero";
	case PTESIM_BIT_FREE:
		return "free";
	case PTESIM_BIT_RESERVED:
		return "reserved";
	}
	return "?";
}

const char *render_box_tag(const struct render_box *b)
{
	if (b->part)
		return b->part;
	switch (b->cls) {
	case PTESIM_BIT_FIELD:
		return b->field ? b->field->name : b->label;
	case PTESIM_BIT_ZERO:
		return "0";
	case PTESIM_BIT_FREE:
		return "sw";
	case PTESIM_BIT_RESERVED:
		return "res";
	}
	return "?";
}

const char *render_box_origin(const struct render_box *b)
{
	if (!b->field || b->cls != PTESIM_BIT_FIELD)
		return "";
	return b->field->origin == PTESIM_SW ? "SW" : "HW";
}

void render_box_bits(const struct render_box *b, char *buf, size_t len)
{
	if (b->hi == b->lo)
		snprintf(buf, len, "%u", b->hi);
	else
		snprintf(buf, len, "%u-%u", b->hi, b->lo);
}

/* The name of what `form` holds at `bit`: a field name or the bits' reason. */
static const char *bit_name(const ptesim_layout *L, enum ptesim_form form, unsigned bit)
{
	const struct ptesim_field *f = NULL;
	const char *label = NULL;

	if (ptesim_layout_bit(L, form, bit, &label, &f) == PTESIM_BIT_FIELD && f)
		return f->name;
	return nonnull(label);
}

/* An overlay field is read only in its own forms; say which bit it shares. */
static void overlay_note(const ptesim_layout *L, enum ptesim_form form,
			 const struct ptesim_field *f, char *buf, size_t len)
{
	const char *valid = render_valid_name(L);

	if (form == PTESIM_FORM_PRESENT)
		render_append(buf, len, "only when %s=1; the bit is %s when %s=0", valid,
			      bit_name(L, PTESIM_FORM_INVALID, f->lo), valid);
	else
		render_append(buf, len, "only when %s=0, overlays %s", valid,
			      bit_name(L, PTESIM_FORM_PRESENT, f->lo));
}

/*
 * The other fields of this form on f's bits: a layout file's `share A B`
 * lets two fields claimed never to apply to one entry use the same bits,
 * and a drawing has room for one name only.
 */
static void shared_note(const ptesim_layout *L, enum ptesim_form form, const struct ptesim_field *f,
			char *buf, size_t len)
{
	for (size_t i = 0; i < ptesim_layout_field_count(L); i++) {
		const struct ptesim_field *g = ptesim_layout_field(L, i);

		if (g == f || !(g->forms & (1u << form)) || !(ptesim_field_mask(g) & ptesim_field_mask(f)))
			continue;
		render_append(buf, len, "%sshared with %s (declared never to meet)", buf[0] ? "; " : "",
			      g->name);
	}
}

/* When a field applies differently from a plain bit: "" for most fields. */
static void field_conditions(const ptesim_layout *L, enum ptesim_form form,
			     const struct ptesim_field *f, char *buf, size_t len)
{
	shared_note(L, form, f, buf, len);
	if (f->flags & PTESIM_FIELD_OVERLAY)
		overlay_note(L, form, f, buf, len);
	if (f->flags & PTESIM_FIELD_PMD_ONLY)
		render_append(buf, len, "%spmd only", buf[0] ? "; " : "");
	/* The present form holds the value as is; only non-present forms invert. */
	if ((f->flags & PTESIM_FIELD_INVERTED) && form != PTESIM_FORM_PRESENT)
		render_append(buf, len, "%sstored inverted (L1TF)", buf[0] ? "; " : "");
}

/*
 * A pmd-only field of this form lying on the box's bits: the layout counts
 * such bits as zero, since a PTE never sets them, but they are not unused.
 */
static const struct ptesim_field *pmd_only_field(const ptesim_layout *L, enum ptesim_form form,
						 const struct render_box *b)
{
	for (size_t i = 0; i < ptesim_layout_field_count(L); i++) {
		const struct ptesim_field *f = ptesim_layout_field(L, i);

		if ((f->flags & PTESIM_FIELD_PMD_ONLY) && (f->forms & (1u << form)) &&
		    f->lo <= b->lo && b->hi < (unsigned)f->lo + f->width)
			return f;
	}
	return NULL;
}

void render_box_notes(const ptesim_layout *L, enum ptesim_form form, const struct render_box *b,
		      char *buf, size_t len)
{
	if (!len)
		return;
	buf[0] = 0;
	if (b->part) {
		render_append(buf, len, "%s", nonnull(b->part_note));
		if (b->field && (b->field->flags & PTESIM_FIELD_INVERTED) && form != PTESIM_FORM_PRESENT)
			render_append(buf, len, "; stored inverted (L1TF)");
		return;
	}
	if (!b->field) {
		const struct ptesim_field *pmd = pmd_only_field(L, form, b);

		render_append(buf, len, "%s", b->label);
		if (pmd)
			render_append(buf, len, "; pmd only (%s): a PTE keeps it zero", pmd->name);
		return;
	}
	/*
	 * The conditions are what a reader of this form must know; the
	 * description is the fallback, and often repeats them in prose.
	 */
	field_conditions(L, form, b->field, buf, len);
	if (!buf[0])
		render_append(buf, len, "%s", nonnull(b->field->desc));
}

void render_feature_list(const ptesim_layout *L, char *buf, size_t len)
{
	bool any = false;

	if (!len)
		return;
	buf[0] = 0;
	for (size_t i = 0; i < RENDER_NFEATURES; i++) {
		if (!ptesim_layout_has(L, render_features[i]))
			continue;
		render_append(buf, len, "%s%s", any ? ", " : "", ptesim_feature_name(render_features[i]));
		any = true;
	}
	if (!any)
		render_append(buf, len, "none");
}

const char *render_soft_dirty_alias_name(const ptesim_layout *L)
{
	const struct ptesim_field *f = ptesim_layout_field_find(L, "pte-dirty");

	return f ? f->linux_name : "PTE_DIRTY";
}

bool render_uffd_wp_marker(const ptesim_layout *L, uint64_t *entry, char *why, size_t whylen)
{
	char err[160] = "";

	if (!ptesim_layout_has(L, PTESIM_FEAT_PTE_MARKERS) || !ptesim_layout_has(L, PTESIM_FEAT_UFFD_WP)) {
		if (why && whylen)
			snprintf(why, whylen, "%s", ptesim_layout_has(L, PTESIM_FEAT_PTE_MARKERS) ?
				 "no uffd-wp" : "no PTE markers");
		return false;
	}
	/* 1 is PTE_MARKER_UFFD_WP in every era that has it. */
	if (ptesim_encode_marker(L, 1, entry, err, sizeof(err))) {
		if (why && whylen)
			snprintf(why, whylen, "%s", err);
		return false;
	}
	return true;
}

void render_put_md(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_|<>[]#&", *s))
			fputc('\\', out);
		fputc(*s, out);
	}
}
