/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_TESTS_UNIT_UTIL_H
#define PTESIM_TESTS_UNIT_UTIL_H

/*
 * Shared helpers of the unit suite: the kernel's bit constants, written out
 * from the kernel headers, and one table of per-layout kernel facts.
 *
 * THE RULE of this suite: every expected value below comes from a kernel
 * header, a kernel source file or the reference notes, never from running
 * ptesim. Where a fact is quoted, the file and the rule are named next to it.
 */

#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ptesim/ptesim.h"
#include "arch/pgtable.h"

#define BIT(n) (UINT64_C(1) << (n))
/* GENMASK_ULL(h, l) of include/linux/bits.h */
#define GENMASK(h, l) ((~UINT64_C(0) >> (63 - (h))) & (~UINT64_C(0) << (l)))

/* ---------------------------------------------------------------------------
 * arm64: arch/arm64/include/asm/pgtable-hwdef.h and pgtable-prot.h
 */
#define A_VALID BIT(0)             /* PTE_VALID */
#define A_TABLE BIT(1)             /* PTE_TABLE_BIT / PMD_TABLE_BIT */
#define A_TYPE_PAGE (BIT(0) | BIT(1)) /* PTE_TYPE_PAGE (3 << 0) */
#define A_ATTRINDX(t) ((uint64_t)(t) << 2) /* PTE_ATTRINDX(t) */
#define A_USER BIT(6)              /* PTE_USER, AP[1] */
#define A_RDONLY BIT(7)            /* PTE_RDONLY, AP[2] */
#define A_SHARED (BIT(8) | BIT(9)) /* PTE_SHARED (3 << 8) */
#define A_AF BIT(10)               /* PTE_AF */
#define A_NG BIT(11)               /* PTE_NG */
#define A_GP BIT(50)               /* PTE_GP (5.8+) */
#define A_WRITE BIT(51)            /* PTE_WRITE = PTE_DBM ("same as DBM (51)") */
#define A_CONT BIT(52)             /* PTE_CONT */
#define A_PXN BIT(53)              /* PTE_PXN */
#define A_UXN BIT(54)              /* PTE_UXN */
#define A_DIRTY BIT(55)            /* PTE_DIRTY (software) */
#define A_SPECIAL BIT(56)          /* PTE_SPECIAL */
#define A_DEVMAP BIT(57)           /* PTE_DEVMAP (6.9 - 6.1x) */
#define A_PROT_NONE_58 BIT(58)     /* PTE_PROT_NONE of 4.15 and 6.9 ("only when !PTE_VALID") */
#define A_UFFD_WP BIT(58)          /* PTE_UFFD_WP: RFC v1 2/5 and v6.10+ */
#define A_PMD_PI_69 BIT(59)        /* PMD_PRESENT_INVALID of 6.9 */
#define A_PMD_PI_RFC BIT(60)       /* PMD_PRESENT_INVALID of RFC v1 1/5 */
#define A_PRESENT_INVALID A_NG     /* v6.10+: #define PTE_PRESENT_INVALID (PTE_NG) */
#define A_SOFT_DIRTY_RFC BIT(63)   /* PTE_SOFT_DIRTY of RFC v1 3/5 */
#define A_PO_IDX(n) ((uint64_t)(n) << 60) /* PTE_PO_IDX_0..2 = bits 60-62 (6.12+) */
#define A_PFN(pfn) ((uint64_t)(pfn) << 12) /* __phys_to_pte_val(pfn << PAGE_SHIFT), 4K */

/* ---------------------------------------------------------------------------
 * x86-64: arch/x86/include/asm/pgtable_types.h, pgtable_64.h
 */
#define X_PRESENT BIT(0)     /* _PAGE_BIT_PRESENT 0 */
#define X_RW BIT(1)          /* _PAGE_BIT_RW 1 */
#define X_USER BIT(2)        /* _PAGE_BIT_USER 2 */
#define X_PWT BIT(3)         /* _PAGE_BIT_PWT 3 */
#define X_PCD BIT(4)         /* _PAGE_BIT_PCD 4 */
#define X_ACCESSED BIT(5)    /* _PAGE_BIT_ACCESSED 5 */
#define X_DIRTY BIT(6)       /* _PAGE_BIT_DIRTY 6 */
#define X_PSE BIT(7)         /* _PAGE_BIT_PSE 7 */
#define X_GLOBAL BIT(8)      /* _PAGE_BIT_GLOBAL 8 */
#define X_PROTNONE BIT(8)    /* _PAGE_BIT_PROTNONE = _PAGE_BIT_GLOBAL */
#define X_SPECIAL BIT(9)     /* _PAGE_BIT_SPECIAL = SOFTW1 */
#define X_UFFD_WP BIT(10)    /* _PAGE_BIT_UFFD_WP = SOFTW2 */
#define X_SOFT_DIRTY BIT(11) /* _PAGE_BIT_SOFT_DIRTY = SOFTW3 */
#define X_SAVED_DIRTY BIT(58) /* _PAGE_BIT_SAVED_DIRTY = SOFTW5 (x86-64) */
#define X_NX BIT(63)         /* _PAGE_BIT_NX */
#define X_PFN_MASK GENMASK(51, 12) /* PTE_PFN_MASK, __PHYSICAL_MASK_SHIFT 52 */
#define X_PMD_PFN_MASK GENMASK(51, 21) /* PHYSICAL_PMD_PAGE_MASK */
#define X_PFN(pfn) ((uint64_t)(pfn) << 12)

/* include/linux/swap.h, swapops.h */
#define K_MAX_SWAPFILES_SHIFT 5
#define K_SWP_OFFSET_BITS 50 /* __SWP_OFFSET_BITS on arm64; 64 - 14 on x86-64 */
#define K_MAX_OFFSET (BIT(K_SWP_OFFSET_BITS) - 1)
#define K_SWP_PTE_MARKER 31  /* always the last of the 32 types */

/* ---------------------------------------------------------------------------
 * Failure messages. Loops set a context ("arm64-v6.10 idx 3 pfn 0x1234") so
 * that a failure names the case; 64-bit values are printed with PRIx64.
 */
static inline char *unit_ctx(void)
{
	static char buf[256];
	return buf;
}

__attribute__((format(printf, 1, 2))) static inline void ctx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(unit_ctx(), 256, fmt, ap);
	va_end(ap);
}

#define CHECK(cond)                                                                       \
	do {                                                                              \
		if (!(cond))                                                              \
			fail_msg("%s: expected true: %s", unit_ctx(), #cond);            \
	} while (0)

#define CHECK_NOT(cond)                                                                   \
	do {                                                                              \
		if (cond)                                                                 \
			fail_msg("%s: expected false: %s", unit_ctx(), #cond);           \
	} while (0)

#define CHECK_U64(actual, expected)                                                       \
	do {                                                                              \
		uint64_t a_ = (actual), e_ = (expected);                                  \
		if (a_ != e_)                                                             \
			fail_msg("%s: %s = 0x%016" PRIx64 ", expected %s = 0x%016" PRIx64,   \
				 unit_ctx(), #actual, a_, #expected, e_);                 \
	} while (0)

#define CHECK_INT(actual, expected)                                                       \
	do {                                                                              \
		long long a_ = (long long)(actual), e_ = (long long)(expected);           \
		if (a_ != e_)                                                             \
			fail_msg("%s: %s = %lld, expected %s = %lld", unit_ctx(), #actual,   \
				 a_, #expected, e_);                                      \
	} while (0)

#define CHECK_PTE(actual, expected) CHECK_U64(pte_val(actual), (expected))

/*
 * Table-driven tests collect every mismatch and fail once at the end, so one
 * run reports all of them (e.g. every wrong protection_map entry).
 */
struct soft {
	char buf[8192];
	size_t len;
	int n;
};

__attribute__((format(printf, 2, 3))) static inline void soft_fail(struct soft *s, const char *fmt, ...)
{
	va_list ap;
	int w;

	s->n++;
	if (s->len + 2 >= sizeof(s->buf))
		return;
	s->buf[s->len++] = '\n';
	s->buf[s->len] = 0;
	va_start(ap, fmt);
	w = vsnprintf(s->buf + s->len, sizeof(s->buf) - s->len, fmt, ap);
	va_end(ap);
	if (w > 0)
		s->len += (size_t)w < sizeof(s->buf) - s->len ? (size_t)w : sizeof(s->buf) - s->len - 1;
}

#define SOFT_U64(s, actual, expected)                                                     \
	do {                                                                              \
		uint64_t a_ = (actual), e_ = (expected);                                  \
		if (a_ != e_)                                                             \
			soft_fail((s), "%s: 0x%" PRIx64 " want 0x%" PRIx64, unit_ctx(),     \
				  a_, e_);                                                \
	} while (0)

static inline void soft_done(const struct soft *s)
{
	if (s->n)
		fail_msg("%d mismatch(es):%s", s->n, s->buf);
}

/* ---------------------------------------------------------------------------
 * Per-layout kernel facts (reference/layouts.md, the kernel trees, /tmp/facts.md).
 */
enum k_era {
	K_415,  /* arm64 4.15 helpers (Bin Lu's patch sits on them too) */
	K_69,   /* arm64 6.9 helpers (Ryan Roberts' RFC v1 sits on them too) */
	K_610,
	K_619,
	K_X86,
};

struct kfacts {
	const char *name;
	enum k_era era;
	bool x86;
	unsigned pfn_bits;   /* OA 12-47 (4.15), PTE_ADDR_LOW 12-49 (6.9+), PTE_PFN_MASK 12-51 (x86) */
	bool soft_dirty;     /* HAVE_ARCH_SOFT_DIRTY */
	bool sd_alias;       /* Bin Lu: soft-dirty is PTE_DIRTY */
	bool uffd_wp;        /* HAVE_ARCH_USERFAULTFD_WP */
	bool swp_excl;       /* PTE_SWP_EXCLUSIVE / _PAGE_SWP_EXCLUSIVE */
	bool markers;        /* SWP_PTE_MARKER exists (5.19+) */
	int uffd_bit;        /* PTE_UFFD_WP / _PAGE_UFFD_WP, -1 */
	int sd_bit;          /* PTE_SOFT_DIRTY / _PAGE_SOFT_DIRTY, -1 (none, or the alias) */
	/* arm64 swap pte: (type << type_shift) | (offset << off_shift) */
	unsigned type_shift, type_bits, off_shift;
	int swp_excl_bit, swp_uffd_bit, swp_sd_bit;
	unsigned max_swapfiles;   /* MAX_SWAPFILES with the distribution options */
	unsigned mig_read;        /* SWP_MIGRATION_READ */
	int mig_read_excl;        /* SWP_MIGRATION_READ_EXCLUSIVE, -1 before 5.19 */
	unsigned mig_write;       /* SWP_MIGRATION_WRITE */
	int mig_ad_bit;           /* SWP_MIG_YOUNG_BIT = SWP_PFN_BITS, -1 before 6.1 */
	uint64_t prot_none_bit;   /* what marks PROT_NONE in PAGE_NONE */
	uint64_t pmd_pi_bit;      /* PMD_PRESENT_INVALID, 0 where absent */
	bool pmd_mkinvalid;       /* the era defines pmd_mkinvalid() */
	bool pte_mkinvalid;       /* the era defines pte_mkinvalid() (arm64 v6.10+) */
	bool mkwrite_clears_rdonly; /* arm64 pte_mkwrite_novma always clears PTE_RDONLY */
};

static inline const struct kfacts *kfacts_table(size_t *n)
{
	static const struct kfacts t[] = {
		/* 4.15: swap "bits 2-7 type, 8-57 offset, 58 PTE_PROT_NONE (must be
		 * zero)"; swap.h 4.14-4.17: HWPOISON 1, MIGRATION 2, DEVICE 2, so
		 * MAX_SWAPFILES 27, MIG_READ 28, MIG_WRITE 29 */
		{ "arm64-v4.15", K_415, false, 36, false, false, false, false, false, -1, -1,
		  2, 6, 8, -1, -1, -1, 27, 28, -1, 29, -1, A_PROT_NONE_58, 0, false, false, true },
		/* Bin Lu 2017: soft-dirty = PTE_DIRTY, _PAGE_SWP_SOFT_DIRTY = 1 << (8 + 50 + 1) */
		{ "arm64-v4.15-binlu", K_415, false, 36, true, true, false, false, false, -1, -1,
		  2, 6, 8, -1, -1, 59, 27, 28, -1, 29, -1, A_PROT_NONE_58, 0, false, false, true },
		/* 6.9: excl 2, type 3-7, offset 8-57; swap.h: DEVICE 4, MIGRATION 3,
		 * HWPOISON 1, PTE_MARKER 1: MAX_SWAPFILES 23; SWP_PFN_BITS 48 - 12 */
		{ "arm64-v6.9", K_69, false, 38, false, false, false, true, true, -1, -1,
		  3, 5, 8, 2, -1, -1, 23, 24, 25, 26, 36, A_PROT_NONE_58, A_PMD_PI_69, true, false,
		  true },
		/* RFC v1: offset 4-53, PROT_NONE = UXN 54, type 55-59, PMD_PRESENT_INVALID 60,
		 * swap uffd-wp 3, swap soft-dirty 61; PTE_UFFD_WP 58, PTE_SOFT_DIRTY 63 */
		{ "arm64-v6.9-rfcv1", K_69, false, 38, true, false, true, true, true, 58, 63,
		  55, 5, 4, 2, 3, 61, 23, 24, 25, 26, 36, A_UXN, A_PMD_PI_RFC, true, false, true },
		/* v6.10: excl 2, uffd-wp 3, type 6-10, bit 11 zero, offset 12-61 */
		{ "arm64-v6.10", K_610, false, 38, false, false, true, true, true, 58, -1,
		  6, 5, 12, 2, 3, -1, 23, 24, 25, 26, 36, A_PRESENT_INVALID, 0, true, true, true },
		/* 6.19: swap.h DEVICE 3: MAX_SWAPFILES 24, MIG 25/26/27; 143937ca51cc */
		{ "arm64-v6.19", K_619, false, 38, false, false, true, true, true, 58, -1,
		  6, 5, 12, 2, 3, -1, 24, 25, 26, 27, 36, A_PRESENT_INVALID, 0, true, true, false },
		/* x86-64: type 59-63, ~offset 9-58, E 3, F(uffd-wp) 2, SD 1;
		 * MAX_PHYSMEM_BITS 46 (4-level): SWP_PFN_BITS 34 */
		{ "x86_64", K_X86, true, 40, true, false, true, true, true, 10, 11,
		  59, 5, 9, 3, 2, 1, 24, 25, 26, 27, 34, X_PROTNONE, 0, true, false, false },
	};
	*n = sizeof(t) / sizeof(t[0]);
	return t;
}

/* The kernel facts of one layout by name; fails the test when there are none. */
static inline const struct kfacts *kfacts_find(const char *name)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return &t[i];
	fail_msg("no kernel facts for %s", name);
	return NULL;
}

static inline const struct ptesim_layout *k_layout(const struct kfacts *k)
{
	const struct ptesim_layout *L = ptesim_layout_find(k->name);

	if (!L)
		fail_msg("built-in layout %s is missing", k->name);
	return L;
}

static inline uint64_t k_max_pfn(const struct kfacts *k)
{
	return BIT(k->pfn_bits) - 1;
}

/*
 * vm_get_page_prot(idx) from the era's protection_map:
 *  - arm64 4.15 pgtable-prot.h __P000..__S111 (PAGE_EXECONLY for VM_EXEC;
 *    PAGE_SHARED{,_EXEC} without PTE_RDONLY until aa57157be69f in 5.4;
 *    PAGE_NONE without PTE_NG; MT_NORMAL 4)
 *  - arm64 6.x arch/arm64/mm/mmap.c protection_map (VM_EXEC maps
 *    PAGE_READONLY_EXEC without Enhanced PAN; MT_NORMAL 0)
 *  - x86 arch/x86/mm/pgprot.c protection_map, pgtable_types.h PAGE_*
 */
static inline uint64_t k_prot(const struct kfacts *k, unsigned idx)
{
	uint64_t none, ro, ro_x, sh, sh_x, xo;

	if (k->x86) {
		none = X_ACCESSED | X_PROTNONE;                  /* PAGE_NONE ___A|___G */
		ro = X_PRESENT | X_USER | X_ACCESSED | X_NX;     /* PAGE_READONLY = PAGE_COPY */
		ro_x = X_PRESENT | X_USER | X_ACCESSED;          /* PAGE_READONLY_EXEC = PAGE_COPY_EXEC */
		sh = ro | X_RW;                                  /* PAGE_SHARED */
		sh_x = ro_x | X_RW;                              /* PAGE_SHARED_EXEC */
		xo = ro_x;
	} else {
		uint64_t def = A_TYPE_PAGE | A_AF | A_SHARED | A_ATTRINDX(k->era == K_415 ? 4 : 0);

		none = (def & ~A_VALID) | k->prot_none_bit | A_RDONLY | (k->era == K_415 ? 0 : A_NG) |
		       A_PXN | A_UXN;
		ro = def | A_USER | A_RDONLY | A_NG | A_PXN | A_UXN;
		ro_x = ro & ~A_UXN;
		if (k->era == K_415) {
			sh = def | A_USER | A_NG | A_PXN | A_UXN | A_WRITE;
			xo = def | A_RDONLY | A_NG | A_PXN; /* PAGE_EXECONLY */
		} else {
			sh = ro | A_WRITE;
			xo = ro_x;
		}
		sh_x = sh & ~A_UXN;
	}
	{
		const uint64_t map[16] = { none, ro, ro, ro, xo, ro_x, ro_x, ro_x,
					   none, ro, sh, sh, xo, ro_x, sh_x, sh_x };
		return map[idx & 15];
	}
}

/* pfn_pte(pfn, prot) by the kernel's formula (x86: pfn inverted when not present) */
static inline uint64_t k_pfn_pte(const struct kfacts *k, uint64_t pfn, uint64_t prot)
{
	if (k->x86 && prot && !(prot & X_PRESENT))
		return ((~X_PFN(pfn)) & X_PFN_MASK) | prot;
	return (pfn << 12) | prot;
}

/* __swp_entry(type, offset) as the arch stores it in the pte */
static inline uint64_t k_swp_pte(const struct kfacts *k, unsigned type, uint64_t offset)
{
	if (k->x86) /* (~offset << SWP_OFFSET_SHIFT >> SWP_TYPE_BITS) | (type << 59); shift 9 + 5 */
		return ((~offset << 14) >> 5) | ((uint64_t)type << 59);
	return ((uint64_t)type << k->type_shift) | (offset << k->off_shift);
}

/* the bits pte_swp_mk*() add for PTESIM_SWP_* flags */
static inline uint64_t k_swp_flag_bits(const struct kfacts *k, unsigned flags)
{
	uint64_t v = 0;

	if ((flags & PTESIM_SWP_EXCLUSIVE) && k->swp_excl_bit >= 0)
		v |= BIT(k->swp_excl_bit);
	if ((flags & PTESIM_SWP_UFFD_WP) && k->swp_uffd_bit >= 0)
		v |= BIT(k->swp_uffd_bit);
	if ((flags & PTESIM_SWP_SOFT_DIRTY) && k->swp_sd_bit >= 0)
		v |= BIT(k->swp_sd_bit);
	return v;
}

static inline unsigned k_swp_flags_available(const struct kfacts *k)
{
	return (k->swp_excl ? PTESIM_SWP_EXCLUSIVE : 0u) | (k->uffd_wp ? PTESIM_SWP_UFFD_WP : 0u) |
	       (k->soft_dirty ? PTESIM_SWP_SOFT_DIRTY : 0u);
}

/* pfn_pmd(): arm64 uses pfn_pte()'s formula; x86 masks with PHYSICAL_PMD_PAGE_MASK */
static inline pmd_t k_pfn_pmd(const struct kfacts *k, const struct ptesim_layout *L, uint64_t pfn,
			      pgprot_t prot)
{
	pte_t p = pfn_pte(L, pfn, prot);

	if (k->x86)
		return __pmd(pte_val(p) & ~GENMASK(20, 12));
	return pte_pmd(p);
}

/* The error prefix of the layout-file language: "FILE:LINE: error: " */
static inline void check_err_prefix(const char *err, const char *file, int line)
{
	char want[64];

	snprintf(want, sizeof(want), "%s:%d: error: ", file, line);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("%s: error message \"%s\" does not start with \"%s\"", unit_ctx(), err, want);
}

#endif
