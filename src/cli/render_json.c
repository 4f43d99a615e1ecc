/* SPDX-License-Identifier: MIT */
/* `ptesim layout --format json`: the layout as one JSON object, for tools. */
#include <inttypes.h>
#include <stdio.h>

#include "cli/render.h"
#include "cli/render_common.h"

/* A JSON string: quotes, backslashes and control characters escaped. */
static void put_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

/* "key": "value" with the separator that precedes it. */
static void put_member(FILE *out, const char *sep, const char *key, const char *value)
{
	fprintf(out, "%s\"%s\": ", sep, key);
	put_str(out, value);
}

static void put_features(FILE *out, const ptesim_layout *L)
{
	const char *sep = "";

	fputs(",\n  \"features\": [", out);
	for (size_t i = 0; i < RENDER_NFEATURES; i++) {
		if (!ptesim_layout_has(L, render_features[i]))
			continue;
		fputs(sep, out);
		put_str(out, ptesim_feature_name(render_features[i]));
		sep = ", ";
	}
	fputc(']', out);
}

static void put_field_forms(FILE *out, unsigned forms)
{
	const char *sep = "";

	fputs(", \"forms\": [", out);
	for (size_t i = 0; i < PTESIM_FORM_COUNT; i++) {
		if (!(forms & (1u << render_forms[i])))
			continue;
		fprintf(out, "%s\"%s\"", sep, render_form_key(render_forms[i]));
		sep = ", ";
	}
	fputc(']', out);
}

static void put_field_flags(FILE *out, unsigned flags)
{
	static const struct {
		unsigned flag;
		const char *name;
	} names[] = {
		{ PTESIM_FIELD_PMD_ONLY, "pmd-only" },
		{ PTESIM_FIELD_INVERTED, "inverted" },
		{ PTESIM_FIELD_OVERLAY, "overlay" },
	};
	const char *sep = "";

	fputs(", \"flags\": [", out);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].flag))
			continue;
		fprintf(out, "%s\"%s\"", sep, names[i].name);
		sep = ", ";
	}
	fputc(']', out);
}

static void put_field(FILE *out, const struct ptesim_field *f)
{
	put_member(out, "{", "name", f->name);
	put_member(out, ", ", "linux_name", f->linux_name);
	put_member(out, ", ", "desc", f->desc ? f->desc : "");
	fprintf(out, ", \"lo\": %u, \"hi\": %u, \"width\": %u", (unsigned)f->lo,
		(unsigned)f->lo + f->width - 1u, (unsigned)f->width);
	fprintf(out, ", \"origin\": \"%s\"", f->origin == PTESIM_SW ? "sw" : "hw");
	put_field_forms(out, f->forms);
	put_field_flags(out, f->flags);
	fputc('}', out);
}

static void put_fields(FILE *out, const ptesim_layout *L)
{
	size_t n = ptesim_layout_field_count(L);

	fputs(",\n  \"fields\": [", out);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n    " : "\n    ", out);
		put_field(out, ptesim_layout_field(L, i));
	}
	fputs(n ? "\n  ]" : "]", out);
}

static void put_box(FILE *out, const struct render_box *b)
{
	fprintf(out, "{\"lo\": %u, \"hi\": %u, \"class\": \"%s\"", b->lo, b->hi,
		render_class_key(b->cls));
	put_member(out, ", ", "label", b->field ? b->field->name : b->label);
	if (b->field)
		put_member(out, ", ", "field", b->field->name);
	else
		fputs(", \"field\": null", out);
	fputc('}', out);
}

/* Every form's boxes, high bit first: together they cover all 64 bits. */
static void put_forms(FILE *out, const ptesim_layout *L)
{
	struct render_box boxes[RENDER_MAX_BOXES];

	fputs(",\n  \"forms\": {", out);
	for (size_t i = 0; i < PTESIM_FORM_COUNT; i++) {
		size_t n = render_boxes(L, render_forms[i], false, boxes);

		fprintf(out, "%s\n    \"%s\": [", i ? "," : "", render_form_key(render_forms[i]));
		for (size_t j = 0; j < n; j++) {
			fputs(j ? ",\n      " : "\n      ", out);
			put_box(out, &boxes[j]);
		}
		fputs("\n    ]", out);
	}
	fputs("\n  }", out);
}

static void put_markers(FILE *out, const ptesim_layout *L)
{
	uint64_t entry;

	fputs(",\n  \"markers\": {", out);
	if (render_uffd_wp_marker(L, &entry, NULL, 0))
		fprintf(out, "\"uffd-wp\": \"0x%016" PRIx64 "\"", entry);
	fputc('}', out);
}

/* "semantics": what each era-dependent helper does with these bits */
static void put_semantics(FILE *out, const ptesim_layout *L)
{
	const char *h;
	bool first = true;

	fputs(",\n  \"semantics\": {", out);
	for (size_t i = 0; (h = ptesim_helper_semantics_name(i)); i++) {
		char text[320];

		if (ptesim_helper_semantics(L, h, text, sizeof(text)))
			continue;
		put_member(out, first ? "\n    " : ",\n    ", h, text);
		first = false;
	}
	fputs("\n  }", out);
}

void render_layout_json(FILE *out, const ptesim_layout *L)
{
	put_member(out, "{\n  ", "name", ptesim_layout_name(L));
	put_member(out, ",\n  ", "summary", ptesim_layout_summary(L));
	put_member(out, ",\n  ", "base", ptesim_layout_base(L));
	put_member(out, ",\n  ", "helpers", ptesim_layout_helpers(L));
	put_member(out, ",\n  ", "arch",
		   render_arch_name(L));
	put_features(out, L);
	fprintf(out, ",\n  \"soft_dirty_alias\": %s",
		ptesim_layout_soft_dirty_aliases_dirty(L) ? "true" : "false");
	put_fields(out, L);
	put_forms(out, L);
	put_markers(out, L);
	put_semantics(out, L);
	fputs("\n}\n", out);
}
