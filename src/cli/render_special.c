/* SPDX-License-Identifier: MIT */
/* PTE markers and migration entries, cut out of the swap form for the drawings. */
#include <stdio.h>
#include <string.h>

#include "cli/render_special.h"

/* The PTE_MARKER_* bits of include/linux/swapops.h, lowest first. */
static const struct {
	unsigned mask;
	const char *tag, *linux_name, *note;
} marker_bits[] = {
	{ 1, "uffd-wp", "PTE_MARKER_UFFD_WP", "a none entry kept write-protected for userfaultfd" },
	{ 2, "poisoned", "PTE_MARKER_POISONED", "the page is lost: a swap-in error or hardware poison" },
	{ 4, "guard", "PTE_MARKER_GUARD", "a guard region: every access faults (MADV_GUARD_INSTALL)" },
};

/* The migration types in the kernel's order. */
static const struct {
	enum ptesim_migration type;
	const char *name, *linux_name;
} migration_types[] = {
	{ PTESIM_MIGRATION_READ, "read", "SWP_MIGRATION_READ" },
	{ PTESIM_MIGRATION_READ_EXCLUSIVE, "read-exclusive", "SWP_MIGRATION_READ_EXCLUSIVE" },
	{ PTESIM_MIGRATION_WRITE, "write", "SWP_MIGRATION_WRITE" },
};

static void set_part(struct render_box *bit, enum ptesim_bit_class cls, const char *part,
		     const char *part_name, const char *note)
{
	bit->cls = cls;
	bit->part = part;
	bit->part_name = part_name;
	bit->part_note = note;
}

/* The type field's bits show the type numbers; the offset's bits start as zero. */
static void mark_type_and_offset(struct render_box bits[64], const struct ptesim_field *type,
				 const struct ptesim_field *offset, struct render_special *out,
				 const char *type_name, const char *zero_note)
{
	for (unsigned b = type->lo; b < (unsigned)type->lo + type->width; b++)
		set_part(&bits[b], PTESIM_BIT_FIELD, out->type_tag, type_name, out->type_note);
	for (unsigned b = offset->lo; b < (unsigned)offset->lo + offset->width; b++)
		set_part(&bits[b], PTESIM_BIT_ZERO, "0", offset->linux_name, zero_note);
}

static bool no_entries(struct render_special *out, const char *what, const char *why)
{
	snprintf(out->title, sizeof(out->title), "%s: none (%s)", what, why);
	out->n = 0;
	return false;
}

static bool marker(const ptesim_layout *L, const struct ptesim_field *type,
		   const struct ptesim_field *offset, struct render_box bits[64],
		   struct render_special *out)
{
	struct ptesim_decoded d = { 0 };
	char err[160] = "";
	bool any = false;

	for (size_t i = 0; i < sizeof(marker_bits) / sizeof(marker_bits[0]); i++) {
		uint64_t entry;

		/* A marker the era lacks, or uffd-wp on a layout without it */
		if (ptesim_encode_marker(L, marker_bits[i].mask, &entry, err, sizeof(err)))
			continue;
		ptesim_decode(L, entry, &d);
		if (!any) {
			snprintf(out->type_tag, sizeof(out->type_tag), "swp-type=%u", d.swap_type);
			snprintf(out->type_note, sizeof(out->type_note), "SWP_PTE_MARKER (%u)", d.swap_type);
			snprintf(out->title, sizeof(out->title), "PTE marker (swp-type %u, SWP_PTE_MARKER)",
				 d.swap_type);
			mark_type_and_offset(bits, type, offset, out, "SWP_PTE_MARKER",
					     "offset bits a marker leaves zero");
			any = true;
		}
		/* make_pte_marker_entry() puts the marker in the offset as is */
		for (unsigned j = 0; j < offset->width && j < 64; j++)
			if (d.swap_offset >> j & 1)
				set_part(&bits[offset->lo + j], PTESIM_BIT_FIELD, marker_bits[i].tag,
					 marker_bits[i].linux_name, marker_bits[i].note);
	}
	return any ? true : no_entries(out, "PTE marker", err);
}

/* The bit young (or dirty) adds to a read migration entry; 0 where the era keeps no A/D. */
static uint64_t migration_flag_bit(const ptesim_layout *L, bool young, bool dirty)
{
	uint64_t plain, flagged;

	if (ptesim_encode_migration(L, PTESIM_MIGRATION_READ, 0, false, false, &plain, NULL, 0) ||
	    ptesim_encode_migration(L, PTESIM_MIGRATION_READ, 0, young, dirty, &flagged, NULL, 0))
		return 0;
	return plain ^ flagged;
}

static unsigned lowest_bit(uint64_t v)
{
	unsigned b = 0;

	while (b < 63 && !(v >> b & 1))
		b++;
	return b;
}

static bool migration(const ptesim_layout *L, const struct ptesim_field *type,
		      const struct ptesim_field *offset, struct render_box bits[64],
		      struct render_special *out)
{
	uint64_t young = migration_flag_bit(L, true, false), dirty = migration_flag_bit(L, false, true);
	unsigned pfn_top = young ? lowest_bit(young) : (unsigned)offset->lo + offset->width;
	char err[160] = "", tag[32] = "swp-type=", title[sizeof(((struct render_special *)0)->title) - 1] = "migration entries (swp-type";
	bool any = false;

	out->type_note[0] = 0;
	for (size_t i = 0; i < sizeof(migration_types) / sizeof(migration_types[0]); i++) {
		struct ptesim_decoded d = { 0 };
		uint64_t entry;

		if (ptesim_encode_migration(L, migration_types[i].type, 0, false, false, &entry, err,
					    sizeof(err)))
			continue;
		ptesim_decode(L, entry, &d);
		render_append(tag, sizeof(tag), "%s%u", any ? "," : "", d.swap_type);
		render_append(title, sizeof(title), "%s %u %s", any ? "," : "", d.swap_type,
			      migration_types[i].name);
		render_append(out->type_note, sizeof(out->type_note), "%s%s (%u)", any ? ", " : "",
			      migration_types[i].linux_name, d.swap_type);
		any = true;
	}
	if (!any)
		return no_entries(out, "migration entries", err);
	snprintf(out->type_tag, sizeof(out->type_tag), "%s", tag);
	snprintf(out->title, sizeof(out->title), "%s)", title);
	mark_type_and_offset(bits, type, offset, out, "SWP_MIGRATION_*",
			     "offset bits a migration entry leaves zero");
	for (unsigned b = offset->lo; b < pfn_top; b++)
		set_part(&bits[b], PTESIM_BIT_FIELD, "pfn", young ? "SWP_PFN_MASK" : offset->linux_name,
			 "page frame number of the page under migration");
	if (young)
		set_part(&bits[lowest_bit(young)], PTESIM_BIT_FIELD, "young", "SWP_MIG_YOUNG_BIT",
			 "the entry was young when unmapped for migration");
	if (dirty)
		set_part(&bits[lowest_bit(dirty)], PTESIM_BIT_FIELD, "dirty", "SWP_MIG_DIRTY_BIT",
			 "the entry was dirty when unmapped for migration");
	return true;
}

bool render_special(const ptesim_layout *L, enum render_special_kind kind, bool split32,
		    struct render_special *out)
{
	const struct ptesim_field *type = ptesim_layout_field_for(L, "swp-type");
	const struct ptesim_field *offset = ptesim_layout_field_for(L, "swp-offset");
	struct render_box bits[64];
	bool ok;

	memset(out, 0, sizeof(*out));
	if (!type || !offset)
		return no_entries(out, kind == RENDER_MARKER ? "PTE marker" : "migration entries",
				  "no swap type or offset field");
	render_form_bits(L, PTESIM_FORM_SWAP, bits);
	ok = kind == RENDER_MARKER ? marker(L, type, offset, bits, out)
				   : migration(L, type, offset, bits, out);
	if (ok)
		out->n = render_group_bits(bits, split32, out->boxes);
	return ok;
}
