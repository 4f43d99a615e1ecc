/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_LAYOUT_H
#define PTESIM_LAYOUT_H

/*
 * Layouts: where every bit of a page-table entry lives in one kernel era
 * (or in a proposed patch, loaded from a layout file).
 *
 * An entry is read in one of three forms, chosen by the entry itself:
 *   PRESENT  the hardware-valid descriptor (arm64 PTE_VALID, x86 _PAGE_PRESENT)
 *   INVALID  present to Linux but invalid to the MMU: PROT_NONE, and on
 *            arm64 v6.10+ any present-invalid entry (pte_mkinvalid)
 *   SWAP     any other non-zero entry: swap, migration and device entries
 *            and PTE markers, all built by __swp_entry()
 * In every form each of the 64 bits is exactly one of: a field, a bit that
 * must be zero, a bit free for software, or a bit reserved by hardware.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ptesim/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ptesim_layout ptesim_layout;

enum ptesim_arch {
	PTESIM_ARCH_ARM64 = 1,
	PTESIM_ARCH_X86_64 = 2,
};

enum ptesim_form {
	PTESIM_FORM_PRESENT = 0,
	PTESIM_FORM_INVALID = 1,
	PTESIM_FORM_SWAP = 2,
	PTESIM_FORM_COUNT = 3,
};

#define PTESIM_FORMS_PRESENT (1u << PTESIM_FORM_PRESENT)
#define PTESIM_FORMS_INVALID (1u << PTESIM_FORM_INVALID)
#define PTESIM_FORMS_SWAP (1u << PTESIM_FORM_SWAP)

/* What a bit is in one form. */
enum ptesim_bit_class {
	PTESIM_BIT_FIELD = 0,    /* part of a field */
	PTESIM_BIT_ZERO = 1,     /* must be zero: Linux never sets it here */
	PTESIM_BIT_FREE = 2,     /* free for software, unused by this layout */
	PTESIM_BIT_RESERVED = 3, /* defined or reserved by the hardware, unused by Linux */
};

enum ptesim_feature {
	PTESIM_FEAT_SOFT_DIRTY = 1u << 0,
	PTESIM_FEAT_UFFD_WP = 1u << 1,
	PTESIM_FEAT_PTE_MARKERS = 1u << 2,
	PTESIM_FEAT_SWP_EXCLUSIVE = 1u << 3,
};

enum ptesim_origin {
	PTESIM_HW = 0, /* the MMU reads (and maybe writes) it */
	PTESIM_SW = 1, /* only software gives it meaning */
};

/* Field flags. */
#define PTESIM_FIELD_PMD_ONLY 0x1u  /* meaningful in PMD entries only (a PTE keeps it zero) */
#define PTESIM_FIELD_INVERTED 0x2u  /* stored inverted in the INVALID form (x86 L1TF guard) */
#define PTESIM_FIELD_OVERLAY 0x4u   /* shares its bit with a field of another form */

struct ptesim_field {
	const char *name;       /* key used by decode, encode and layout files, e.g. "af" */
	const char *linux_name; /* the kernel's name, e.g. "PTE_AF" */
	const char *desc;       /* one line for humans */
	uint8_t lo;             /* lowest bit */
	uint8_t width;          /* number of bits */
	uint8_t forms;          /* PTESIM_FORMS_* it applies to */
	uint8_t origin;         /* enum ptesim_origin */
	uint8_t flags;          /* PTESIM_FIELD_* */
	uint16_t role;          /* internal role number */
};

/* Built-in layouts, in a fixed order. */
PTESIM_API size_t ptesim_layout_count(void);
PTESIM_API const ptesim_layout *ptesim_layout_builtin(size_t index);
/* NULL when no built-in layout has that name. */
PTESIM_API const ptesim_layout *ptesim_layout_find(const char *name);

/*
 * Load a layout file (see docs/layout-files.md). On error returns a negative
 * errno (-EINVAL for a bad file, -ENOENT/-EACCES/-ENOMEM as the system says)
 * and writes "FILE:LINE: error: MESSAGE" into err.
 */
PTESIM_API int ptesim_layout_load_file(const char *path, ptesim_layout **out,
				       char *err, size_t errlen);
/* The same from text in memory; filename is used in messages only. */
PTESIM_API int ptesim_layout_parse(const char *text, const char *filename,
				   ptesim_layout **out, char *err, size_t errlen);
/* Frees a layout from ptesim_layout_load_file/parse; built-ins are ignored. */
PTESIM_API void ptesim_layout_free(ptesim_layout *layout);

PTESIM_API const char *ptesim_layout_name(const ptesim_layout *layout);
PTESIM_API const char *ptesim_layout_summary(const ptesim_layout *layout);
/* The built-in layout this one was derived from (itself for a root). */
PTESIM_API const char *ptesim_layout_base(const ptesim_layout *layout);
/* The helper set (kernel era) whose semantics the layout's helpers follow. */
PTESIM_API const char *ptesim_layout_helpers(const ptesim_layout *layout);
PTESIM_API enum ptesim_arch ptesim_layout_arch(const ptesim_layout *layout);
PTESIM_API unsigned ptesim_layout_features(const ptesim_layout *layout);
PTESIM_API bool ptesim_layout_has(const ptesim_layout *layout, enum ptesim_feature feature);
/* "soft-dirty", "uffd-wp", "pte-markers", "swp-exclusive". */
PTESIM_API const char *ptesim_feature_name(enum ptesim_feature feature);
/* True when soft-dirty has no bit of its own and aliases the SW dirty bit. */
PTESIM_API bool ptesim_layout_soft_dirty_aliases_dirty(const ptesim_layout *layout);

PTESIM_API size_t ptesim_layout_field_count(const ptesim_layout *layout);
PTESIM_API const struct ptesim_field *ptesim_layout_field(const ptesim_layout *layout, size_t index);
/* By field name or Linux name (case-insensitive for the latter). */
PTESIM_API const struct ptesim_field *ptesim_layout_field_find(const ptesim_layout *layout,
							       const char *name);

/*
 * The field that carries a meaning both architectures share, whatever the
 * layout calls it: "valid", "write", "user", "young", "pfn", "dirty" (the
 * software dirty bit: arm64 PTE_DIRTY, x86 _PAGE_SAVED_DIRTY), "hw-dirty"
 * (x86 _PAGE_DIRTY), "special", "soft-dirty", "uffd-wp", "prot-none"
 * (arm64 PTE_PROT_NONE or PTE_PRESENT_INVALID, x86 _PAGE_PROTNONE),
 * "swp-type", "swp-offset", "swp-exclusive", "swp-uffd-wp",
 * "swp-soft-dirty". NULL when the layout has no such field.
 */
PTESIM_API const struct ptesim_field *ptesim_layout_field_for(const ptesim_layout *layout,
							     const char *meaning);

/*
 * What bit `bit` is in `form`. *label (may be NULL) receives the field name,
 * or a short reason for a zero, free or reserved bit; *field (may be NULL)
 * the field when the class is PTESIM_BIT_FIELD.
 */
PTESIM_API enum ptesim_bit_class ptesim_layout_bit(const ptesim_layout *layout, enum ptesim_form form,
						   unsigned bit, const char **label,
						   const struct ptesim_field **field);

/* Value of a field in an entry (raw bits, shifted down). */
PTESIM_API uint64_t ptesim_field_get(const struct ptesim_field *field, uint64_t entry);
/* Entry with the field set to value; -ERANGE when value does not fit. */
PTESIM_API int ptesim_field_set(const struct ptesim_field *field, uint64_t *entry, uint64_t value);
PTESIM_API uint64_t ptesim_field_mask(const struct ptesim_field *field);

#ifdef __cplusplus
}
#endif

#endif
