/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_LAYOUT_INTERNAL_H
#define PTESIM_LAYOUT_INTERNAL_H

#include <stdint.h>

#include "ptesim/layout.h"
#include "layout/roles.h"
#include "arch/ops.h"

#define LAYOUT_MAX_FIELDS 48
#define LAYOUT_NAME_MAX 64

/* One bit that is not a field: why it must be zero, or what hardware has there. */
struct bit_note {
	uint8_t cls;       /* enum ptesim_bit_class */
	const char *label; /* static string */
};

/*
 * Facts of a kernel era that are not bit positions: the swap types below
 * MAX_SWAPFILES_SHIFT that are not swap files (include/linux/swap.h), the
 * PTE marker bits that exist, and where migration entries keep A/D.
 */
struct era {
	const char *name;          /* helper set name, e.g. "arm64-v6.9" */
	enum ptesim_arch arch;
	unsigned max_swapfiles;    /* MAX_SWAPFILES */
	unsigned hwpoison_num;     /* SWP_HWPOISON_NUM */
	unsigned migration_num;    /* SWP_MIGRATION_NUM: 2 (read, write) or 3 (+read-exclusive) */
	unsigned device_num;       /* SWP_DEVICE_NUM */
	unsigned marker_mask;      /* PTE_MARKER_* bits the era defines; 0: no SWP_PTE_MARKER */
	int mig_ad_bit;            /* SWP_MIG_YOUNG_BIT in the offset; -1: migration keeps no A/D */
	/* arm64 pgtable-prot.h facts for vm_get_page_prot() */
	unsigned mt_normal;        /* MT_NORMAL, the AttrIndx of normal memory */
	bool user_ng;              /* user protections carry PTE_NG */
	bool none_ng;              /* PAGE_NONE carries PTE_NG */
	bool exec_only;            /* VM_EXEC alone maps PAGE_EXECONLY */
	bool shared_clean;         /* PAGE_SHARED carries PTE_RDONLY (writable-clean) */
	/* mm code of 4.15 where it differs from today's (mprotect's write upgrade) */
	bool mm_4_15;
	/* attribute bits of a user table descriptor (pmd_populate and friends) */
	uint64_t user_table_bits;
	const struct arch_ops *ops;
};

struct ptesim_layout {
	char name[LAYOUT_NAME_MAX];
	char base[LAYOUT_NAME_MAX];
	const char *summary;      /* points into pool */
	const struct era *era;
	enum ptesim_arch arch;
	unsigned features;
	bool soft_dirty_alias;     /* soft-dirty is the SW dirty bit (Bin Lu 2017) */
	bool builtin;
	/* pairs of roles a file says never meet in one entry (`share A B`):
	 * they may use one bit, and the explorer tests the claim */
	uint16_t shared[8][2];
	unsigned nshared;
	size_t nfields;
	struct ptesim_field fields[LAYOUT_MAX_FIELDS];
	/* extra must-be-zero bits of the swap form, with reasons (NULL: none) */
	const char *swap_zero_label[64];
	/* strings read from a layout file (names, labels, the description) */
	char pool[4096];
	size_t pool_used;
	/* derived by layout_finalize() */
	uint64_t role_mask[ROLE_COUNT];
	uint8_t role_shift[ROLE_COUNT];
	const struct ptesim_field *role_field[ROLE_COUNT];
	struct bit_note note[PTESIM_FORM_COUNT][64];
	const struct ptesim_field *bit_field[PTESIM_FORM_COUNT][64];
	uint64_t zero_mask[PTESIM_FORM_COUNT];  /* bits that must be zero per form */
	uint64_t field_mask[PTESIM_FORM_COUNT]; /* bits covered by fields per form */
	struct arch_ops ops;       /* era helpers with the layout's feature overrides */
};

/* Mask of a role's bits (0 when the layout lacks the role). */
static inline uint64_t L_mask(const struct ptesim_layout *L, enum role r)
{
	return L->role_mask[r];
}

static inline bool L_has(const struct ptesim_layout *L, enum role r)
{
	return L->role_mask[r] != 0;
}

static inline uint64_t L_get(const struct ptesim_layout *L, enum role r, uint64_t v)
{
	return (v & L->role_mask[r]) >> L->role_shift[r];
}

static inline uint64_t L_put(const struct ptesim_layout *L, enum role r, uint64_t v, uint64_t x)
{
	return (v & ~L->role_mask[r]) | ((x << L->role_shift[r]) & L->role_mask[r]);
}

static inline uint64_t bits_mask(unsigned lo, unsigned width)
{
	/* width 64 would shift by 64: undefined, so build it from the top */
	return width >= 64 ? ~UINT64_C(0) : ((UINT64_C(1) << width) - 1) << lo;
}

const struct era *era_find(const char *name);
/* Built-in layout by name while the built-ins are being made (no locking). */
const struct ptesim_layout *builtin_find_unlocked(const char *name);
/* The text of every built-in layout, roots first, in the layout-file language. */
extern const char *const builtin_layout_texts[];
extern const size_t builtin_layout_count;
int layout_parse_into(struct ptesim_layout *L, const char *text, const char *filename,
		      bool builtin, char *err, size_t errlen);

#endif
