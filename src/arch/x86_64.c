/* SPDX-License-Identifier: MIT */
/*
 * x86-64 helpers as upstream has them today (arch/x86/include/asm/pgtable.h,
 * pgtable_64.h, pgtable-invert.h, arch/x86/mm/pgtable.c), for VMAs that are
 * not shadow stacks and a CPU without user shadow stacks: pte_write() is
 * _PAGE_RW alone. hw-dirty and sw-dirty, which x86 does not name, read
 * _PAGE_DIRTY and _PAGE_SAVED_DIRTY.
 */
#include <pthread.h>

#include "arch/arch_internal.h"

#define M(r) L_mask(L, r)

/* pmd meaning of bit 7 (_PAGE_PSE); in a 4K pte the same bit is _PAGE_PAT */
#define X86_PAGE_PSE (UINT64_C(1) << 7)
/* PHYSICAL_PMD_PAGE_MASK: the pfn of a 2M page starts at bit 21 */
#define X86_PMD_PAGE_LOW (UINT64_C(1) << 21)

static uint64_t pfn_mask(const struct ptesim_layout *L)
{
	return M(ROLE_PFN);
}

/* __pte_needs_invert(): a non-zero entry without _PAGE_PRESENT keeps its
 * pfn inverted (L1TF) */
static bool needs_invert(const struct ptesim_layout *L, uint64_t v)
{
	return v && !(v & M(ROLE_VALID));
}

static uint64_t protnone_mask(const struct ptesim_layout *L, uint64_t v)
{
	return needs_invert(L, v) ? ~UINT64_C(0) : 0;
}

/* _PAGE_KNL_ERRATUM_MASK: Knights Landing may set A and D in a non-present
 * entry, so pte_none() ignores them */
static bool x86_pte_none(const struct ptesim_layout *L, pte_t pte)
{
	return !(pte_val(pte) & ~(M(ROLE_HW_DIRTY) | M(ROLE_YOUNG)));
}

static bool x86_pte_present(const struct ptesim_layout *L, pte_t pte)
{
	return pte_val(pte) & (M(ROLE_VALID) | M(ROLE_PROT_NONE));
}

static bool x86_pte_valid(const struct ptesim_layout *L, pte_t pte)
{
	return pte_val(pte) & M(ROLE_VALID);
}

static bool x86_pte_protnone(const struct ptesim_layout *L, pte_t pte)
{
	return (pte_val(pte) & (M(ROLE_PROT_NONE) | M(ROLE_VALID))) == M(ROLE_PROT_NONE);
}

static bool x86_pte_present_invalid(const struct ptesim_layout *L, pte_t pte)
{
	(void)L;
	(void)pte;
	return false; /* arm64 only */
}

static bool x86_pte_write(const struct ptesim_layout *L, pte_t pte)
{
	return pte_val(pte) & M(ROLE_WRITE);
}

static bool x86_pte_dirty(const struct ptesim_layout *L, pte_t pte)
{
	return pte_val(pte) & (M(ROLE_HW_DIRTY) | M(ROLE_SAVED_DIRTY)); /* _PAGE_DIRTY_BITS */
}

static bool x86_pte_hw_dirty(const struct ptesim_layout *L, pte_t pte)
{
	return pte_val(pte) & M(ROLE_HW_DIRTY);
}

static bool x86_pte_sw_dirty(const struct ptesim_layout *L, pte_t pte)
{
	return pte_val(pte) & M(ROLE_SAVED_DIRTY);
}

static bool x86_pte_young(const struct ptesim_layout *L, pte_t pte)
{
	return pte_val(pte) & M(ROLE_YOUNG);
}

static bool x86_pte_special(const struct ptesim_layout *L, pte_t pte)
{
	return pte_val(pte) & M(ROLE_SPECIAL);
}

static bool x86_pte_user(const struct ptesim_layout *L, pte_t pte)
{
	return pte_val(pte) & M(ROLE_USER);
}

static bool x86_pte_same(const struct ptesim_layout *L, pte_t a, pte_t b)
{
	(void)L;
	return pte_val(a) == pte_val(b);
}

static pte_t x86_pte_mkspecial(const struct ptesim_layout *L, pte_t pte)
{
	return __pte(pte_val(pte) | M(ROLE_SPECIAL));
}

/* mksaveddirty_shift(): with Write=0, Dirty moves to SavedDirty, so no
 * Write=0,Dirty=1 (shadow-stack) entry is ever made */
static uint64_t mksaveddirty(const struct ptesim_layout *L, uint64_t v)
{
	if (!(v & M(ROLE_WRITE)) && (v & M(ROLE_HW_DIRTY)))
		v = (v | M(ROLE_SAVED_DIRTY)) & ~M(ROLE_HW_DIRTY);
	return v;
}

/* clear_saveddirty_shift(): with Write=1, SavedDirty moves back to Dirty */
static uint64_t clear_saveddirty(const struct ptesim_layout *L, uint64_t v)
{
	if ((v & M(ROLE_WRITE)) && (v & M(ROLE_SAVED_DIRTY)))
		v = (v | M(ROLE_HW_DIRTY)) & ~M(ROLE_SAVED_DIRTY);
	return v;
}

/* pte_mkdirty() sets _PAGE_DIRTY and _PAGE_SOFT_DIRTY */
static pte_t x86_pte_mkdirty(const struct ptesim_layout *L, pte_t pte)
{
	return __pte(mksaveddirty(L, pte_val(pte) | M(ROLE_HW_DIRTY) | M(ROLE_SOFT_DIRTY)));
}

/* pte_mkclean() clears _PAGE_DIRTY_BITS and never soft-dirty */
static pte_t x86_pte_mkclean(const struct ptesim_layout *L, pte_t pte)
{
	return __pte(pte_val(pte) & ~(M(ROLE_HW_DIRTY) | M(ROLE_SAVED_DIRTY)));
}

static pte_t x86_pte_mkyoung(const struct ptesim_layout *L, pte_t pte)
{
	return __pte(pte_val(pte) | M(ROLE_YOUNG));
}

static pte_t x86_pte_mkold(const struct ptesim_layout *L, pte_t pte)
{
	return __pte(pte_val(pte) & ~M(ROLE_YOUNG));
}

static pte_t x86_pte_wrprotect(const struct ptesim_layout *L, pte_t pte)
{
	return __pte(mksaveddirty(L, pte_val(pte) & ~M(ROLE_WRITE)));
}

static pte_t x86_pte_mkwrite_novma(const struct ptesim_layout *L, pte_t pte)
{
	return __pte(pte_val(pte) | M(ROLE_WRITE));
}

/* arch/x86/mm/pgtable.c pte_mkwrite() for a VMA without VM_SHADOW_STACK */
static pte_t x86_pte_mkwrite(const struct ptesim_layout *L, pte_t pte)
{
	return __pte(clear_saveddirty(L, pte_val(x86_pte_mkwrite_novma(L, pte))));
}

/* _PAGE_CHG_MASK: what pte_modify() keeps (there is no _PAGE_DEVMAP today) */
static uint64_t page_chg_mask(const struct ptesim_layout *L)
{
	return pfn_mask(L) | M(ROLE_PCD) | M(ROLE_PWT) | M(ROLE_SPECIAL) | M(ROLE_YOUNG) |
	       M(ROLE_HW_DIRTY) | M(ROLE_SAVED_DIRTY) | M(ROLE_SOFT_DIRTY) | M(ROLE_DEVMAP) |
	       M(ROLE_UFFD_WP) | M(ROLE_PAT);
}

/* flip_protnone_guard(): invert the pfn when crossing NONE <-> !NONE */
static uint64_t flip_protnone_guard(const struct ptesim_layout *L, uint64_t oldval, uint64_t val)
{
	if (needs_invert(L, oldval) != needs_invert(L, val))
		val = (val & ~pfn_mask(L)) | (~val & pfn_mask(L));
	return val;
}

static pte_t x86_pte_modify(const struct ptesim_layout *L, pte_t pte, pgprot_t newprot)
{
	uint64_t oldval = pte_val(pte), chg = page_chg_mask(L);
	uint64_t val = (oldval & chg) | (pgprot_val(newprot) & ~chg);

	val = flip_protnone_guard(L, oldval, val);
	/* never make a Write=0,Dirty=1 entry; only for an old Write=1 entry,
	 * to leave shadow-stack entries alone */
	if (oldval & M(ROLE_WRITE))
		val = mksaveddirty(L, val);
	else
		val = clear_saveddirty(L, val);
	return __pte(val);
}

static uint64_t x86_pte_pfn(const struct ptesim_layout *L, pte_t pte)
{
	uint64_t v = pte_val(pte) ^ protnone_mask(L, pte_val(pte));

	return L_get(L, ROLE_PFN, v);
}

static pte_t x86_pfn_pte(const struct ptesim_layout *L, uint64_t pfn, pgprot_t prot)
{
	uint64_t addr = L_put(L, ROLE_PFN, 0, pfn);

	addr ^= protnone_mask(L, pgprot_val(prot));
	addr &= pfn_mask(L);
	return __pte(addr | pgprot_val(prot));
}

/*
 * protection_map (arch/x86/mm/pgprot.c) from pgtable_types.h: PAGE_NONE is
 * _PAGE_ACCESSED | _PAGE_PROTNONE; private writable maps as PAGE_COPY, which
 * is PAGE_READONLY; NX unless VM_EXEC.
 */
static pgprot_t x86_vm_get_page_prot(const struct ptesim_layout *L, unsigned long vm_flags)
{
	uint64_t base = M(ROLE_VALID) | M(ROLE_USER) | M(ROLE_YOUNG);
	bool wr = (vm_flags & VM_WRITE) && (vm_flags & VM_SHARED);

	if (!(vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return __pgprot(M(ROLE_YOUNG) | M(ROLE_PROT_NONE));
	if (wr)
		base |= M(ROLE_WRITE);
	if (!(vm_flags & VM_EXEC))
		base |= M(ROLE_NX);
	return __pgprot(base);
}

/* __swp_entry() and friends, pgtable_64.h: the offset is stored inverted
 * (L1TF) from SWP_OFFSET_FIRST_BIT, the type in the top bits */
static swp_entry_t x86_swp_entry(const struct ptesim_layout *L, unsigned type, uint64_t offset)
{
	unsigned first = L->role_shift[ROLE_SWP_OFFSET];
	unsigned type_bits = L->role_field[ROLE_SWP_TYPE]->width;
	unsigned shift = first + type_bits; /* SWP_OFFSET_SHIFT */

	return (swp_entry_t){ ((~offset << shift) >> type_bits) |
			      ((uint64_t)type << L->role_shift[ROLE_SWP_TYPE]) };
}

static unsigned x86_swp_type(const struct ptesim_layout *L, swp_entry_t e)
{
	return (unsigned)(e.val >> L->role_shift[ROLE_SWP_TYPE]);
}

static uint64_t x86_swp_offset(const struct ptesim_layout *L, swp_entry_t e)
{
	unsigned first = L->role_shift[ROLE_SWP_OFFSET];
	unsigned type_bits = L->role_field[ROLE_SWP_TYPE]->width;

	return (~e.val << type_bits) >> (first + type_bits);
}

/* ptep_set_wrprotect(): a cmpxchg loop of pte_wrprotect() since shadow
 * stacks, so hardware Dirty set meanwhile moves to SavedDirty */
static void x86_ptep_set_wrprotect(const struct ptesim_layout *L, pte_t *ptep)
{
	*ptep = x86_pte_wrprotect(L, *ptep);
}

static pte_t x86_ptep_get_and_clear(const struct ptesim_layout *L, pte_t *ptep)
{
	pte_t old = *ptep;

	(void)L;
	*ptep = __pte(0);
	return old;
}

static int x86_ptep_test_and_clear_young(const struct ptesim_layout *L, pte_t *ptep)
{
	if (!x86_pte_young(L, *ptep))
		return 0;
	*ptep = x86_pte_mkold(L, *ptep);
	return 1;
}

/* arch/x86/mm/pgtable.c: the whole entry is written, and only when dirty */
static int x86_ptep_set_access_flags(const struct ptesim_layout *L, pte_t *ptep, pte_t entry,
				     int dirty)
{
	int changed = !x86_pte_same(L, *ptep, entry);

	if (changed && dirty)
		*ptep = entry;
	return changed;
}

static void x86_ptep_modify_prot_commit(const struct ptesim_layout *L, pte_t *ptep, pte_t old,
					pte_t pte)
{
	(void)L;
	(void)old;
	*ptep = pte;
}

static uint64_t pmd_pfn_mask(const struct ptesim_layout *L, uint64_t v)
{
	return (v & X86_PAGE_PSE) ? pfn_mask(L) & ~(X86_PMD_PAGE_LOW - 1) : pfn_mask(L);
}

static bool x86_pmd_present(const struct ptesim_layout *L, pmd_t pmd)
{
	uint64_t flags = pmd_val(pmd) & ~pmd_pfn_mask(L, pmd_val(pmd));

	return flags & (M(ROLE_VALID) | M(ROLE_PROT_NONE) | X86_PAGE_PSE);
}

/* pmd_mkinvalid(): pfn_pmd(pmd_pfn(pmd), flags & ~(PRESENT|PROTNONE)), so
 * the pfn ends up inverted like any non-present entry */
static pmd_t x86_pmd_mkinvalid(const struct ptesim_layout *L, pmd_t pmd)
{
	uint64_t v = pmd_val(pmd), pmask = pmd_pfn_mask(L, v);
	uint64_t addr = (v ^ protnone_mask(L, v)) & pmask;
	uint64_t flags = v & ~pmask & ~(M(ROLE_VALID) | M(ROLE_PROT_NONE));

	addr ^= protnone_mask(L, flags);
	return __pmd((addr & pfn_mask(L) & ~(X86_PMD_PAGE_LOW - 1)) | flags);
}

static pmd_t x86_pmd_mkhuge(const struct ptesim_layout *L, pmd_t pmd)
{
	(void)L;
	return __pmd(pmd_val(pmd) | X86_PAGE_PSE);
}

static bool x86_pmd_trans_huge(const struct ptesim_layout *L, pmd_t pmd)
{
	return (pmd_val(pmd) & (X86_PAGE_PSE | M(ROLE_DEVMAP))) == X86_PAGE_PSE;
}

static struct arch_ops x86_64;
static pthread_once_t ops_once = PTHREAD_ONCE_INIT;

static void x86_ops_init(void)
{
	x86_64 = (struct arch_ops){
		.pte_none = x86_pte_none,
		.pte_present = x86_pte_present,
		.pte_valid = x86_pte_valid,
		.pte_protnone = x86_pte_protnone,
		.pte_present_invalid = x86_pte_present_invalid,
		.pte_mkinvalid = NULL,
		.pte_write = x86_pte_write,
		.pte_dirty = x86_pte_dirty,
		.pte_hw_dirty = x86_pte_hw_dirty,
		.pte_sw_dirty = x86_pte_sw_dirty,
		.pte_young = x86_pte_young,
		.pte_special = x86_pte_special,
		.pte_user = x86_pte_user,
		.pte_same = x86_pte_same,
		.pte_mkspecial = x86_pte_mkspecial,
		.pte_mkdirty = x86_pte_mkdirty,
		.__pte_mkdirty = x86_pte_mkdirty,
		.pte_mkclean = x86_pte_mkclean,
		.pte_mkyoung = x86_pte_mkyoung,
		.pte_mkold = x86_pte_mkold,
		.pte_wrprotect = x86_pte_wrprotect,
		.pte_mkwrite_novma = x86_pte_mkwrite_novma,
		.pte_mkwrite = x86_pte_mkwrite,
		.pte_modify = x86_pte_modify,
		.pte_pfn = x86_pte_pfn,
		.pfn_pte = x86_pfn_pte,
		.vm_get_page_prot = x86_vm_get_page_prot,
		.__swp_entry = x86_swp_entry,
		.__swp_type = x86_swp_type,
		.__swp_offset = x86_swp_offset,
		.__pte_to_swp_entry = identity_pte_to_swp_entry,
		.__swp_entry_to_pte = identity_swp_entry_to_pte,
		.ptep_set_wrprotect = x86_ptep_set_wrprotect,
		.ptep_get_and_clear = x86_ptep_get_and_clear,
		.ptep_test_and_clear_young = x86_ptep_test_and_clear_young,
		.ptep_set_access_flags = x86_ptep_set_access_flags,
		.ptep_modify_prot_start = x86_ptep_get_and_clear,
		.ptep_modify_prot_commit = x86_ptep_modify_prot_commit,
		.pmd_present = x86_pmd_present,
		.pmd_mkinvalid = x86_pmd_mkinvalid,
		.pmd_mkhuge = x86_pmd_mkhuge,
		.pmd_trans_huge = x86_pmd_trans_huge,
	};
	bind_generic_feature_helpers(&x86_64);
}

const struct arch_ops *x86_64_ops(void)
{
	pthread_once(&ops_once, x86_ops_init);
	return &x86_64;
}
