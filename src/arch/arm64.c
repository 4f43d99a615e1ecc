/* SPDX-License-Identifier: MIT */
/*
 * arm64 helpers, arch/arm64/include/asm/pgtable.h and arch/arm64/mm/fault.c,
 * one table per era. Bits come from the layout's roles, so a layout file
 * that moves PTE_UFFD_WP moves it here too.
 *
 * Eras: v4.15 is the root; v6.9 overrides pte_wrprotect, pte_modify and
 * adds pmd_mkinvalid; v6.10 adds pte_mkinvalid and the PTE_PRESENT_INVALID
 * pmd_mkinvalid; v6.19 overrides pte_mkwrite_novma. Which PROT_NONE scheme
 * applies (PTE_PROT_NONE bit, or PTE_PRESENT_INVALID with !USER && UXN)
 * follows from which role the layout places.
 */
#include <pthread.h>
#include <string.h>

#include "arch/pgtable.h"
#include "arch/arch_internal.h"

#define M(r) L_mask(L, r)

static bool arm64_pte_none(const struct ptesim_layout *L, pte_t pte)
{
	(void)L;
	return pte_val(pte) == 0;
}

static bool arm64_pte_valid(const struct ptesim_layout *L, pte_t pte)
{
	return pte_val(pte) & M(ROLE_VALID);
}

/* v6.10 pte_present_invalid(); always false on a layout with PTE_PROT_NONE */
static bool arm64_pte_present_invalid(const struct ptesim_layout *L, pte_t pte)
{
	uint64_t pi = M(ROLE_PRESENT_INVALID);

	return pi && (pte_val(pte) & (M(ROLE_VALID) | pi)) == pi;
}

static bool arm64_pte_present(const struct ptesim_layout *L, pte_t pte)
{
	if (M(ROLE_PRESENT_INVALID))
		return arm64_pte_valid(L, pte) || arm64_pte_present_invalid(L, pte);
	/* up to v6.9: pte_val(pte) & (PTE_VALID | PTE_PROT_NONE) */
	return pte_val(pte) & (M(ROLE_VALID) | M(ROLE_PROT_NONE));
}

static bool arm64_pte_user(const struct ptesim_layout *L, pte_t pte)
{
	return pte_val(pte) & M(ROLE_USER);
}

static bool arm64_pte_user_exec(const struct ptesim_layout *L, pte_t pte)
{
	return !(pte_val(pte) & M(ROLE_UXN));
}

static bool arm64_pte_protnone(const struct ptesim_layout *L, pte_t pte)
{
	if (M(ROLE_PRESENT_INVALID))
		return arm64_pte_present_invalid(L, pte) && !arm64_pte_user(L, pte) &&
		       !arm64_pte_user_exec(L, pte);
	if (!M(ROLE_PROT_NONE))
		return false;
	return (pte_val(pte) & (M(ROLE_VALID) | M(ROLE_PROT_NONE))) == M(ROLE_PROT_NONE);
}

static bool arm64_pte_write(const struct ptesim_layout *L, pte_t pte)
{
	return pte_val(pte) & M(ROLE_WRITE);
}

static bool arm64_pte_hw_dirty(const struct ptesim_layout *L, pte_t pte)
{
	return arm64_pte_write(L, pte) && !(pte_val(pte) & M(ROLE_RDONLY));
}

static bool arm64_pte_sw_dirty(const struct ptesim_layout *L, pte_t pte)
{
	return pte_val(pte) & M(ROLE_SW_DIRTY);
}

static bool arm64_pte_dirty(const struct ptesim_layout *L, pte_t pte)
{
	return arm64_pte_sw_dirty(L, pte) || arm64_pte_hw_dirty(L, pte);
}

static bool arm64_pte_young(const struct ptesim_layout *L, pte_t pte)
{
	return pte_val(pte) & M(ROLE_YOUNG);
}

static bool arm64_pte_special(const struct ptesim_layout *L, pte_t pte)
{
	return pte_val(pte) & M(ROLE_SPECIAL);
}

/* 4.15 pte_same() ignores PTE_RDONLY on present entries, which hardware DBM
 * may clear; 6767df245f47 ("arm64: Do not mask out PTE_RDONLY in
 * pte_same()", v5.4) removed the override, because ptep_set_access_flags()
 * then saw nothing to do for a PTE_DIRTY|PTE_WRITE|PTE_RDONLY entry. */
static bool arm64_v4_15_pte_same(const struct ptesim_layout *L, pte_t a, pte_t b)
{
	uint64_t lhs = pte_val(a), rhs = pte_val(b);

	if (arm64_pte_present(L, a))
		lhs &= ~M(ROLE_RDONLY);
	if (arm64_pte_present(L, b))
		rhs &= ~M(ROLE_RDONLY);
	return lhs == rhs;
}

/* since v5.4: the generic pte_same(), the whole value */
static bool arm64_pte_same(const struct ptesim_layout *L, pte_t a, pte_t b)
{
	(void)L;
	return pte_val(a) == pte_val(b);
}

static pte_t arm64_pte_mkspecial(const struct ptesim_layout *L, pte_t pte)
{
	return __pte(pte_val(pte) | M(ROLE_SPECIAL));
}

/* __pte_mkdirty(): the body of pte_mkdirty() that does not touch soft-dirty
 * (Ryan Roberts' RFC split; identical to pte_mkdirty() in other eras) */
static pte_t arm64___pte_mkdirty(const struct ptesim_layout *L, pte_t pte)
{
	pte = __pte(pte_val(pte) | M(ROLE_SW_DIRTY));
	if (arm64_pte_write(L, pte))
		pte = __pte(pte_val(pte) & ~M(ROLE_RDONLY));
	return pte;
}

/* With a PTE_SOFT_DIRTY bit (RFC v1 3/5) pte_mkdirty() also sets it. */
static pte_t arm64_pte_mkdirty(const struct ptesim_layout *L, pte_t pte)
{
	return arm64___pte_mkdirty(L, __pte(pte_val(pte) | M(ROLE_SOFT_DIRTY)));
}

static pte_t arm64_pte_mkclean(const struct ptesim_layout *L, pte_t pte)
{
	return __pte((pte_val(pte) & ~M(ROLE_SW_DIRTY)) | M(ROLE_RDONLY));
}

static pte_t arm64_pte_mkyoung(const struct ptesim_layout *L, pte_t pte)
{
	return __pte(pte_val(pte) | M(ROLE_YOUNG));
}

static pte_t arm64_pte_mkold(const struct ptesim_layout *L, pte_t pte)
{
	return __pte(pte_val(pte) & ~M(ROLE_YOUNG));
}

/* 4.15: clears PTE_WRITE and sets PTE_RDONLY; hardware dirt is lost unless
 * the caller (ptep_set_wrprotect) moved it into PTE_DIRTY first. */
static pte_t arm64_v4_15_pte_wrprotect(const struct ptesim_layout *L, pte_t pte)
{
	return __pte((pte_val(pte) & ~M(ROLE_WRITE)) | M(ROLE_RDONLY));
}

/* 6.9+: a hardware-dirty entry keeps its dirt in PTE_DIRTY. */
static pte_t arm64_pte_wrprotect(const struct ptesim_layout *L, pte_t pte)
{
	if (arm64_pte_hw_dirty(L, pte))
		pte = __pte(pte_val(pte) | M(ROLE_SW_DIRTY));
	return arm64_v4_15_pte_wrprotect(L, pte);
}

/* up to v6.18: PTE_WRITE and clear PTE_RDONLY, so the entry reads as dirty */
static pte_t arm64_pte_mkwrite_novma(const struct ptesim_layout *L, pte_t pte)
{
	return __pte((pte_val(pte) | M(ROLE_WRITE)) & ~M(ROLE_RDONLY));
}

/* v6.19 (143937ca51cc, "avoid always making PTE dirty in pte_mkwrite()"):
 * clear PTE_RDONLY only for a sw-dirty entry, so writable-clean survives. */
static pte_t arm64_v6_19_pte_mkwrite_novma(const struct ptesim_layout *L, pte_t pte)
{
	pte = __pte(pte_val(pte) | M(ROLE_WRITE));
	if (arm64_pte_sw_dirty(L, pte))
		pte = __pte(pte_val(pte) & ~M(ROLE_RDONLY));
	return pte;
}

/* arm64 has no shadow-stack pte_mkwrite(): the generic one calls _novma */
static pte_t arm64_pte_mkwrite(const struct ptesim_layout *L, pte_t pte)
{
	return L->ops.pte_mkwrite_novma(L, pte);
}

/* 4.15 pte_modify(): mask USER|PXN|UXN|RDONLY|PROT_NONE|VALID|WRITE, no re-dirty */
static pte_t arm64_v4_15_pte_modify(const struct ptesim_layout *L, pte_t pte, pgprot_t newprot)
{
	const uint64_t mask = M(ROLE_USER) | M(ROLE_PXN) | M(ROLE_UXN) | M(ROLE_RDONLY) |
			      M(ROLE_PROT_NONE) | M(ROLE_VALID) | M(ROLE_WRITE);

	if (arm64_pte_hw_dirty(L, pte))
		pte = L->ops.pte_mkdirty(L, pte);
	return __pte((pte_val(pte) & ~mask) | (pgprot_val(newprot) & mask));
}

/* 6.9+ pte_modify(): the mask adds GP and AttrIndx (PRESENT_INVALID for
 * PROT_NONE from 6.10, POIndex in 6.19); a sw-dirty entry is made hw-dirty
 * again ("Always make sw-dirty PTEs hw-dirty in pte_modify"). */
static pte_t arm64_pte_modify(const struct ptesim_layout *L, pte_t pte, pgprot_t newprot)
{
	const uint64_t mask = M(ROLE_USER) | M(ROLE_PXN) | M(ROLE_UXN) | M(ROLE_RDONLY) |
			      M(ROLE_PROT_NONE) | M(ROLE_PRESENT_INVALID) | M(ROLE_VALID) |
			      M(ROLE_WRITE) | M(ROLE_GP) | M(ROLE_ATTRINDX) | M(ROLE_PO_IDX);

	if (arm64_pte_hw_dirty(L, pte))
		pte = __pte(pte_val(pte) | M(ROLE_SW_DIRTY));
	pte = __pte((pte_val(pte) & ~mask) | (pgprot_val(newprot) & mask));
	if (arm64_pte_sw_dirty(L, pte))
		pte = L->ops.__pte_mkdirty(L, pte);
	return pte;
}

/* v6.10: set PTE_PRESENT_INVALID, clear PTE_VALID */
static pte_t arm64_pte_mkinvalid(const struct ptesim_layout *L, pte_t pte)
{
	return __pte((pte_val(pte) | M(ROLE_PRESENT_INVALID)) & ~M(ROLE_VALID));
}

static uint64_t arm64_pte_pfn(const struct ptesim_layout *L, pte_t pte)
{
	return L_get(L, ROLE_PFN, pte_val(pte));
}

static pte_t arm64_pfn_pte(const struct ptesim_layout *L, uint64_t pfn, pgprot_t prot)
{
	return __pte(L_put(L, ROLE_PFN, 0, pfn) | pgprot_val(prot));
}

/*
 * protection_map (arch/arm64/mm/mmap.c; __P000..__S111 in 4.15) built from
 * pgtable-prot.h: _PAGE_DEFAULT = PTE_TYPE_PAGE | PTE_AF | PTE_SHARED |
 * PTE_ATTRINDX(MT_NORMAL). Private writable mappings start read-only (COW).
 */
static uint64_t arm64_page_default(const struct ptesim_layout *L)
{
	return M(ROLE_VALID) | M(ROLE_TABLE) | M(ROLE_YOUNG) | M(ROLE_SH) |
	       L_put(L, ROLE_ATTRINDX, 0, L->era->mt_normal);
}

static pgprot_t arm64_vm_get_page_prot(const struct ptesim_layout *L, unsigned long vm_flags)
{
	const struct era *f = L->era;
	uint64_t def = arm64_page_default(L);
	uint64_t ng = f->user_ng ? M(ROLE_NG) : 0;
	uint64_t none_marker = M(ROLE_PRESENT_INVALID) ? M(ROLE_PRESENT_INVALID) : M(ROLE_PROT_NONE);
	uint64_t page_none = (def & ~M(ROLE_VALID)) | none_marker | M(ROLE_RDONLY) |
			     (f->none_ng ? M(ROLE_NG) : 0) | M(ROLE_PXN) | M(ROLE_UXN);
	uint64_t ro = def | M(ROLE_USER) | M(ROLE_RDONLY) | ng | M(ROLE_PXN) | M(ROLE_UXN);
	uint64_t ro_exec = ro & ~M(ROLE_UXN);
	/* PTE_RDONLY in PAGE_SHARED since aa57157be69f (v5.4): before it a shared
	 * writable entry started hw-dirty */
	uint64_t rdonly_shared = f->shared_clean ? 0 : M(ROLE_RDONLY);
	uint64_t shared = (ro | M(ROLE_WRITE)) & ~rdonly_shared;
	uint64_t shared_exec = (ro_exec | M(ROLE_WRITE)) & ~rdonly_shared;
	uint64_t exec_only = def | M(ROLE_RDONLY) | ng | M(ROLE_PXN);
	bool exec = vm_flags & VM_EXEC;
	bool wr = vm_flags & VM_WRITE;
	bool rd = vm_flags & VM_READ;

	if (exec && !rd && !wr && f->exec_only)
		return __pgprot(exec_only);
	if (!rd && !wr && !exec)
		return __pgprot(page_none);
	if (!(vm_flags & VM_SHARED))
		wr = false; /* COW: a private writable mapping maps read-only */
	if (wr)
		return __pgprot(exec ? shared_exec : shared);
	return __pgprot(exec ? ro_exec : ro);
}

static void arm64_v4_15_ptep_set_wrprotect(const struct ptesim_layout *L, pte_t *ptep)
{
	pte_t pte = *ptep;

	/* the cmpxchg loop of 4.15 moves hardware dirt by itself */
	if (arm64_pte_hw_dirty(L, pte))
		pte = L->ops.pte_mkdirty(L, pte);
	*ptep = L->ops.pte_wrprotect(L, pte);
}

static void arm64_ptep_set_wrprotect(const struct ptesim_layout *L, pte_t *ptep)
{
	*ptep = L->ops.pte_wrprotect(L, *ptep);
}

static int arm64_ptep_test_and_clear_young(const struct ptesim_layout *L, pte_t *ptep)
{
	pte_t old = *ptep;

	*ptep = arm64_pte_mkold(L, old);
	return arm64_pte_young(L, old);
}

/*
 * arch/arm64/mm/fault.c __ptep_set_access_flags(): only RDONLY, AF, WRITE
 * and DIRTY (and the RFC's PTE_SOFT_DIRTY) of the new entry are merged, with
 * RDONLY the most permissive of the two. Returns 0 when pte_same().
 */
static int arm64_ptep_set_access_flags(const struct ptesim_layout *L, pte_t *ptep, pte_t entry,
				       int dirty)
{
	const uint64_t rdonly = M(ROLE_RDONLY);
	uint64_t val;

	(void)dirty; /* only decides a TLB flush */
	if (L->ops.pte_same(L, *ptep, entry))
		return 0;
	val = pte_val(entry) &
	      (rdonly | M(ROLE_YOUNG) | M(ROLE_WRITE) | M(ROLE_SW_DIRTY) | M(ROLE_SOFT_DIRTY));
	val ^= rdonly;
	*ptep = __pte((((pte_val(*ptep) ^ rdonly) | val) ^ rdonly));
	return 1;
}

static pte_t arm64_ptep_get_and_clear(const struct ptesim_layout *L, pte_t *ptep)
{
	pte_t old = *ptep;

	(void)L;
	*ptep = __pte(0);
	return old;
}

static void arm64_ptep_modify_prot_commit(const struct ptesim_layout *L, pte_t *ptep, pte_t old,
					  pte_t pte)
{
	(void)L;
	(void)old;
	*ptep = pte;
}

/* 6.9 also counts PMD_PRESENT_INVALID; 4.15 and 6.10+ only pte_present() */
static bool arm64_pmd_present(const struct ptesim_layout *L, pmd_t pmd)
{
	return arm64_pte_present(L, pmd_pte(pmd)) || (pmd_val(pmd) & M(ROLE_PMD_PRESENT_INVALID));
}

/* 6.9: set PMD_PRESENT_INVALID, clear PMD_SECT_VALID */
static pmd_t arm64_v6_9_pmd_mkinvalid(const struct ptesim_layout *L, pmd_t pmd)
{
	return __pmd((pmd_val(pmd) | M(ROLE_PMD_PRESENT_INVALID)) & ~M(ROLE_VALID));
}

static pmd_t arm64_pmd_mkinvalid(const struct ptesim_layout *L, pmd_t pmd)
{
	return pte_pmd(arm64_pte_mkinvalid(L, pmd_pte(pmd)));
}

/* pmd_mkhuge(): clear PMD_TABLE_BIT, keeping VALID as it was */
static pmd_t arm64_pmd_mkhuge(const struct ptesim_layout *L, pmd_t pmd)
{
	return __pmd(pmd_val(pmd) & ~M(ROLE_TABLE));
}

static bool arm64_pmd_trans_huge(const struct ptesim_layout *L, pmd_t pmd)
{
	return pmd_val(pmd) && arm64_pmd_present(L, pmd) && !(pmd_val(pmd) & M(ROLE_TABLE));
}

/* 4.15: pmd_val(pmd) && !(pmd_val(pmd) & PMD_TABLE_BIT), no present test */
static bool arm64_v4_15_pmd_trans_huge(const struct ptesim_layout *L, pmd_t pmd)
{
	return pmd_val(pmd) && !(pmd_val(pmd) & M(ROLE_TABLE));
}

static struct arch_ops v4_15, v6_9, v6_10, v6_19;
static pthread_once_t ops_once = PTHREAD_ONCE_INIT;

static void arm64_ops_init(void)
{
	v4_15 = (struct arch_ops){
		.pte_none = arm64_pte_none,
		.pte_present = arm64_pte_present,
		.pte_valid = arm64_pte_valid,
		.pte_protnone = arm64_pte_protnone,
		.pte_present_invalid = arm64_pte_present_invalid,
		.pte_mkinvalid = NULL,
		.pte_write = arm64_pte_write,
		.pte_dirty = arm64_pte_dirty,
		.pte_hw_dirty = arm64_pte_hw_dirty,
		.pte_sw_dirty = arm64_pte_sw_dirty,
		.pte_young = arm64_pte_young,
		.pte_special = arm64_pte_special,
		.pte_user = arm64_pte_user,
		.pte_same = arm64_v4_15_pte_same,
		.pte_mkspecial = arm64_pte_mkspecial,
		.pte_mkdirty = arm64_pte_mkdirty,
		.__pte_mkdirty = arm64___pte_mkdirty,
		.pte_mkclean = arm64_pte_mkclean,
		.pte_mkyoung = arm64_pte_mkyoung,
		.pte_mkold = arm64_pte_mkold,
		.pte_wrprotect = arm64_v4_15_pte_wrprotect,
		.pte_mkwrite_novma = arm64_pte_mkwrite_novma,
		.pte_mkwrite = arm64_pte_mkwrite,
		.pte_modify = arm64_v4_15_pte_modify,
		.pte_pfn = arm64_pte_pfn,
		.pfn_pte = arm64_pfn_pte,
		.vm_get_page_prot = arm64_vm_get_page_prot,
		.__swp_entry = field_swp_entry,
		.__swp_type = field_swp_type,
		.__swp_offset = field_swp_offset,
		.__pte_to_swp_entry = identity_pte_to_swp_entry,
		.__swp_entry_to_pte = identity_swp_entry_to_pte,
		.ptep_set_wrprotect = arm64_v4_15_ptep_set_wrprotect,
		.ptep_get_and_clear = arm64_ptep_get_and_clear,
		.ptep_test_and_clear_young = arm64_ptep_test_and_clear_young,
		.ptep_set_access_flags = arm64_ptep_set_access_flags,
		.ptep_modify_prot_start = arm64_ptep_get_and_clear,
		.ptep_modify_prot_commit = arm64_ptep_modify_prot_commit,
		.pmd_present = arm64_pmd_present,
		.pmd_mkinvalid = NULL,
		.pmd_mkhuge = arm64_pmd_mkhuge,
		.pmd_trans_huge = arm64_v4_15_pmd_trans_huge,
	};
	bind_generic_feature_helpers(&v4_15);

	v6_9 = v4_15;
	v6_9.pte_same = arm64_pte_same;
	v6_9.pte_wrprotect = arm64_pte_wrprotect;
	v6_9.pte_modify = arm64_pte_modify;
	v6_9.ptep_set_wrprotect = arm64_ptep_set_wrprotect;
	v6_9.pmd_mkinvalid = arm64_v6_9_pmd_mkinvalid;
	v6_9.pmd_trans_huge = arm64_pmd_trans_huge;

	v6_10 = v6_9;
	v6_10.pte_mkinvalid = arm64_pte_mkinvalid;
	v6_10.pmd_mkinvalid = arm64_pmd_mkinvalid;

	v6_19 = v6_10;
	v6_19.pte_mkwrite_novma = arm64_v6_19_pte_mkwrite_novma;
}

const struct arch_ops *arm64_ops(const char *era)
{
	pthread_once(&ops_once, arm64_ops_init);
	if (!strcmp(era, "arm64-v4.15"))
		return &v4_15;
	if (!strcmp(era, "arm64-v6.9"))
		return &v6_9;
	if (!strcmp(era, "arm64-v6.10"))
		return &v6_10;
	if (!strcmp(era, "arm64-v6.19"))
		return &v6_19;
	return NULL;
}
