/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_PTE_H
#define PTESIM_PTE_H

/*
 * Decoding and building entries under a layout, and the kernel's helpers by
 * name ("pte_mkdirty", "pte_swp_mkuffd_wp", ...) with each era's semantics.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ptesim/export.h"
#include "ptesim/layout.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ptesim_kind {
	PTESIM_KIND_NONE = 0,
	PTESIM_KIND_PRESENT,   /* pte_present(), and not PROT_NONE */
	PTESIM_KIND_PROT_NONE, /* pte_protnone() */
	PTESIM_KIND_SWAP,      /* swap, hwpoison and device entries */
	PTESIM_KIND_MARKER,    /* SWP_PTE_MARKER */
	PTESIM_KIND_MIGRATION, /* SWP_MIGRATION_* */
	PTESIM_KIND_INVALID,   /* the layout cannot decode it legally */
};

/* Predicates, each 0 or 1; see docs/decode.md for their meaning per kind. */
enum ptesim_pred {
	PTESIM_P_PRESENT,
	PTESIM_P_NONE,
	PTESIM_P_SWAP,
	PTESIM_P_MARKER,
	PTESIM_P_WRITE,
	PTESIM_P_DIRTY,
	PTESIM_P_HW_DIRTY,
	PTESIM_P_SW_DIRTY,
	PTESIM_P_YOUNG,
	PTESIM_P_SOFT_DIRTY,
	PTESIM_P_UFFD_WP,
	PTESIM_P_EXCLUSIVE,
	PTESIM_P_PROT_NONE,
	PTESIM_P_COUNT
};

struct ptesim_decoded {
	uint64_t value;
	enum ptesim_kind kind;
	int form;              /* enum ptesim_form, or -1 for none */
	bool pred[PTESIM_P_COUNT];
	bool has_pfn;
	uint64_t pfn;
	bool has_swap;         /* swap, migration and marker entries */
	unsigned swap_type;    /* the arch type field (__swp_type) */
	uint64_t swap_offset;  /* __swp_offset */
	const char *swap_what; /* "swap", "hwpoison", "device-private-write", "migration-read", ... */
	unsigned marker;       /* PTE_MARKER_* bits of a marker */
	char reason[160];      /* why the entry is INVALID */
	char summary[320];     /* e.g. "present user young writable-clean (DBM=1 RDONLY=1) pfn=0x1234" */
};

PTESIM_API const char *ptesim_kind_name(enum ptesim_kind kind);
/* "present", "none", "swap", "marker", "write", "dirty", "hw-dirty", "sw-dirty",
 * "young", "soft-dirty", "uffd-wp", "exclusive", "prot-none" */
PTESIM_API const char *ptesim_pred_name(enum ptesim_pred pred);
PTESIM_API int ptesim_pred_find(const char *name); /* -1 when unknown */

/* Always succeeds for a valid layout; an illegal entry decodes as INVALID. */
PTESIM_API void ptesim_decode(const ptesim_layout *layout, uint64_t entry, struct ptesim_decoded *out);

/* Swap-entry flags for ptesim_encode_swap. */
#define PTESIM_SWP_EXCLUSIVE 0x1u
#define PTESIM_SWP_UFFD_WP 0x2u
#define PTESIM_SWP_SOFT_DIRTY 0x4u

/*
 * __swp_entry_to_pte(__swp_entry(type, offset)) then pte_swp_mk*() for each
 * flag. -EINVAL with a message when the type or offset does not fit or the
 * layout lacks a flag's feature.
 */
PTESIM_API int ptesim_encode_swap(const ptesim_layout *layout, unsigned type, uint64_t offset,
				  unsigned flags, uint64_t *entry, char *err, size_t errlen);
/* make_pte_marker(): marker is a mask of 1 (uffd-wp), 2 (poisoned), 4 (guard). */
PTESIM_API int ptesim_encode_marker(const ptesim_layout *layout, unsigned marker, uint64_t *entry,
				    char *err, size_t errlen);

enum ptesim_migration {
	PTESIM_MIGRATION_READ,
	PTESIM_MIGRATION_READ_EXCLUSIVE,
	PTESIM_MIGRATION_WRITE,
};
/* make_*_migration_entry(pfn), with A/D where the era keeps them. */
PTESIM_API int ptesim_encode_migration(const ptesim_layout *layout, enum ptesim_migration type,
				       uint64_t pfn, bool young, bool dirty, uint64_t *entry,
				       char *err, size_t errlen);

/*
 * The kernel's helpers by name. ptesim_helper_apply() runs a pte_t -> pte_t
 * helper (pte_mkdirty, pte_wrprotect, pte_swp_mkuffd_wp, ...), and
 * ptesim_helper_test() a predicate (pte_dirty, pte_present, ...). -ENOENT for
 * an unknown name, -EOPNOTSUPP for a helper the layout's era does not define
 * (pte_mkinvalid before arm64 v6.10).
 */
PTESIM_API int ptesim_helper_apply(const ptesim_layout *layout, const char *helper, uint64_t entry,
				   uint64_t *out);
PTESIM_API int ptesim_helper_test(const ptesim_layout *layout, const char *helper, uint64_t entry,
				  bool *out);
/* The names, for listing: NULL past the end. */
PTESIM_API const char *ptesim_helper_name(size_t index);

/*
 * One line saying what a helper does under this layout, with the layout's
 * bit positions ("moves HW dirt into PTE_DIRTY (55), clears PTE_WRITE (51),
 * sets PTE_RDONLY (7)"). Covers the helpers whose meaning differs between
 * eras; -ENOENT for others. Writes at most size bytes into buf.
 */
PTESIM_API int ptesim_helper_semantics(const ptesim_layout *layout, const char *helper, char *buf,
				       size_t size);
/* The helpers ptesim_helper_semantics() describes: NULL past the end. */
PTESIM_API const char *ptesim_helper_semantics_name(size_t index);

#ifdef __cplusplus
}
#endif

#endif
