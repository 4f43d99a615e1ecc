/* SPDX-License-Identifier: MIT */
/*
 * Exact-bit rules of the arm64 eras (and the x86 rules they are compared
 * with), each expected value written from the kernel's helper text:
 * arch/arm64/include/asm/pgtable.h, pgtable-prot.h, arch/arm64/mm/fault.c and
 * mmap.c of 4.15 / 6.9 / 6.10 / 6.19 as quoted in reference/layouts.md and
 * /tmp/facts.md, the Debian 6.12 and 6.1 trees, and arch/x86/include/asm.
 */
#include "unit_util.h"

#define PFN 0x1234u

static const struct ptesim_layout *lay(const char *name)
{
	return k_layout(kfacts_find(name));
}

/* _PAGE_DEFAULT = PTE_TYPE_PAGE | PTE_AF | PTE_SHARED | PTE_ATTRINDX(MT_NORMAL) */
#define DEF_415 (A_TYPE_PAGE | A_AF | A_SHARED | A_ATTRINDX(4))
#define DEF_6X (A_TYPE_PAGE | A_AF | A_SHARED | A_ATTRINDX(0))
/* PAGE_READONLY = _PAGE_DEFAULT | PTE_USER | PTE_RDONLY | PTE_NG | PTE_PXN | PTE_UXN */
#define RO_415 (DEF_415 | A_USER | A_RDONLY | A_NG | A_PXN | A_UXN)
#define RO_6X (DEF_6X | A_USER | A_RDONLY | A_NG | A_PXN | A_UXN)

static const char *const arm64_names[] = { "arm64-v4.15", "arm64-v4.15-binlu", "arm64-v6.9",
					   "arm64-v6.9-rfcv1", "arm64-v6.10", "arm64-v6.19" };
#define NARM64 (sizeof(arm64_names) / sizeof(arm64_names[0]))

static uint64_t ro_of(const struct kfacts *k)
{
	return k->era == K_415 ? RO_415 : RO_6X;
}

/* ------------------------------------------------------------------------
 * protection_map and pfn_pte
 */
static void test_protection_map(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);
	static struct soft s;

	(void)state;
	memset(&s, 0, sizeof(s));
	for (size_t i = 0; i < n; i++) {
		const struct ptesim_layout *L = k_layout(&t[i]);

		for (unsigned idx = 0; idx < 16; idx++) {
			uint64_t prot = k_prot(&t[i], idx);

			ctx("%s prot[%u]", t[i].name, idx);
			SOFT_U64(&s, pgprot_val(vm_get_page_prot(L, idx)), prot);
			ctx("%s pfn_pte[%u]", t[i].name, idx);
			SOFT_U64(&s, pte_val(pfn_pte(L, PFN, __pgprot(prot))), k_pfn_pte(&t[i], PFN, prot));
		}
	}
	soft_done(&s);
}

/* protection_map[VM_WRITE] and [VM_WRITE|VM_READ]: PAGE_READONLY (4.15
 * __P010/__P011, 6.x arch/arm64/mm/mmap.c, x86 PAGE_COPY): a private
 * writable mapping starts read-only for COW, never PROT_NONE */
static void test_private_write_is_readonly(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct ptesim_layout *L = k_layout(&t[i]);

		ctx("%s vm_get_page_prot(VM_WRITE)", t[i].name);
		CHECK_U64(pgprot_val(vm_get_page_prot(L, VM_WRITE)), pgprot_val(vm_get_page_prot(L, VM_READ)));
		CHECK_U64(pgprot_val(vm_get_page_prot(L, VM_WRITE | VM_READ)), pgprot_val(vm_get_page_prot(L, VM_READ)));
		CHECK_NOT(pte_protnone(L, pfn_pte(L, PFN, vm_get_page_prot(L, VM_WRITE))));
	}
}

/* 4.15 PAGE_SHARED = _PAGE_DEFAULT | PTE_USER | PTE_NG | PTE_PXN | PTE_UXN |
 * PTE_WRITE, without PTE_RDONLY: shared writable ptes were hardware-dirty
 * from the start from 73e86cb03cf2 (4.14) until aa57157be69f "arm64: Ensure
 * VM_WRITE|VM_SHARED ptes are clean by default" (5.4-rc6); 6.x has
 * "shared+writable pages are clean by default, hence PTE_RDONLY|PTE_WRITE" */
static void test_shared_writable_dirty_state(void **state)
{
	(void)state;
	for (size_t i = 0; i < NARM64; i++) {
		const struct kfacts *k = kfacts_find(arm64_names[i]);
		const struct ptesim_layout *L = k_layout(k);
		pte_t p = pfn_pte(L, PFN, vm_get_page_prot(L, VM_SHARED | VM_READ | VM_WRITE));

		ctx("%s PAGE_SHARED 0x%016" PRIx64, k->name, pte_val(p));
		CHECK(pte_write(L, p));
		if (k->era == K_415)
			CHECK(pte_hw_dirty(L, p));
		else
			CHECK_NOT(pte_dirty(L, p));
	}
}

/* The PAGE_NONE values, written out */
static void test_page_none_values(void **state)
{
	(void)state;
	ctx("4.15 PAGE_NONE: (_PAGE_DEFAULT & ~VALID) | PROT_NONE | RDONLY | PXN | UXN (no NG)");
	CHECK_U64(pgprot_val(vm_get_page_prot(lay("arm64-v4.15"), VM_NONE)), UINT64_C(0x0460000000000792));
	ctx("6.9 PAGE_NONE: ... | PTE_PROT_NONE(58) | RDONLY | NG | PXN | UXN");
	CHECK_U64(pgprot_val(vm_get_page_prot(lay("arm64-v6.9"), VM_NONE)), UINT64_C(0x0460000000000F82));
	ctx("RFC v1 PAGE_NONE: PTE_PROT_NONE = PTE_UXN");
	CHECK_U64(pgprot_val(vm_get_page_prot(lay("arm64-v6.9-rfcv1"), VM_NONE)), UINT64_C(0x0060000000000F82));
	ctx("6.10 PAGE_NONE: PTE_PRESENT_INVALID = PTE_NG");
	CHECK_U64(pgprot_val(vm_get_page_prot(lay("arm64-v6.10"), VM_NONE)), UINT64_C(0x0060000000000F82));
	CHECK_U64(pgprot_val(vm_get_page_prot(lay("arm64-v6.19"), VM_NONE)), UINT64_C(0x0060000000000F82));
	ctx("x86 PAGE_NONE: ___A | ___G");
	CHECK_U64(pgprot_val(vm_get_page_prot(lay("x86_64"), VM_NONE)), UINT64_C(0x120));
}

/* ------------------------------------------------------------------------
 * pte_wrprotect / ptep_set_wrprotect of a hardware-dirty entry
 */
static void test_wrprotect_hw_dirty(void **state)
{
	(void)state;
	for (size_t i = 0; i < NARM64; i++) {
		const struct kfacts *k = kfacts_find(arm64_names[i]);
		const struct ptesim_layout *L = k_layout(k);
		/* written through DBM: PTE_WRITE set, PTE_RDONLY cleared by hardware */
		uint64_t hw = A_PFN(PFN) | (ro_of(k) & ~A_RDONLY) | A_WRITE;
		uint64_t want;
		pte_t slot;

		ctx("%s pte_wrprotect(hw-dirty 0x%016" PRIx64 ")", k->name, hw);
		CHECK(pte_hw_dirty(L, __pte(hw)));
		if (k->era == K_415) {
			/* 4.15: clear PTE_WRITE, set PTE_RDONLY; the hardware dirt is lost */
			want = (hw & ~A_WRITE) | A_RDONLY;
			CHECK_PTE(pte_wrprotect(L, __pte(hw)), want);
			CHECK_NOT(pte_dirty(L, pte_wrprotect(L, __pte(hw))));
		} else {
			/* 6.9+: "If hardware-dirty ... set the PTE_DIRTY bit" first */
			want = ((hw | A_DIRTY) & ~A_WRITE) | A_RDONLY;
			CHECK_PTE(pte_wrprotect(L, __pte(hw)), want);
			CHECK(pte_dirty(L, pte_wrprotect(L, __pte(hw))));
		}
		/* ptep_set_wrprotect keeps the dirt in every era (4.15: its cmpxchg loop
		 * does "if (pte_hw_dirty(pte)) pte = pte_mkdirty(pte)" first) */
		ctx("%s ptep_set_wrprotect(hw-dirty)", k->name);
		slot = __pte(hw);
		ptep_set_wrprotect(L, &slot);
		CHECK_PTE(slot, ((hw | A_DIRTY) & ~A_WRITE) | A_RDONLY);
		CHECK(pte_dirty(L, slot));
		CHECK_NOT(pte_write(L, slot));
	}
}

/* ------------------------------------------------------------------------
 * pte_mkclean / pte_mkdirty / __pte_mkdirty
 */
static void test_mkclean_mkdirty(void **state)
{
	(void)state;
	for (size_t i = 0; i < NARM64; i++) {
		const struct kfacts *k = kfacts_find(arm64_names[i]);
		const struct ptesim_layout *L = k_layout(k);
		uint64_t ro = A_PFN(PFN) | ro_of(k);
		uint64_t wdirty = (ro & ~A_RDONLY) | A_WRITE | A_DIRTY;
		uint64_t sd = k->sd_bit == 63 ? A_SOFT_DIRTY_RFC : 0; /* RFC v1: pte_mkdirty sets it */

		ctx("%s pte_mkclean", k->name);
		/* clear PTE_DIRTY, set PTE_RDONLY */
		CHECK_PTE(pte_mkclean(L, __pte(wdirty)), (wdirty & ~A_DIRTY) | A_RDONLY);
		CHECK_NOT(pte_dirty(L, pte_mkclean(L, __pte(wdirty))));
		CHECK(pte_write(L, pte_mkclean(L, __pte(wdirty))));

		ctx("%s pte_mkdirty with PTE_WRITE", k->name);
		/* set PTE_DIRTY; with PTE_WRITE also clear PTE_RDONLY */
		CHECK_PTE(pte_mkdirty(L, __pte(ro | A_WRITE)), ((ro | A_WRITE | A_DIRTY) & ~A_RDONLY) | sd);
		CHECK(pte_hw_dirty(L, pte_mkdirty(L, __pte(ro | A_WRITE))));

		ctx("%s pte_mkdirty without PTE_WRITE", k->name);
		CHECK_PTE(pte_mkdirty(L, __pte(ro)), ro | A_DIRTY | sd);
		CHECK_NOT(pte_hw_dirty(L, pte_mkdirty(L, __pte(ro))));
		CHECK(pte_sw_dirty(L, pte_mkdirty(L, __pte(ro))));

		ctx("%s __pte_mkdirty (no soft-dirty)", k->name);
		CHECK_PTE(__pte_mkdirty(L, __pte(ro | A_WRITE)), (ro | A_WRITE | A_DIRTY) & ~A_RDONLY);
	}
}

/* ------------------------------------------------------------------------
 * pte_mkwrite_novma per era, and pte_dirty(pte_mkwrite(pte_mkclean(p)))
 */
static void test_mkwrite_per_era(void **state)
{
	(void)state;
	for (size_t i = 0; i < NARM64; i++) {
		const struct kfacts *k = kfacts_find(arm64_names[i]);
		const struct ptesim_layout *L = k_layout(k);
		uint64_t ro = A_PFN(PFN) | ro_of(k);

		ctx("%s pte_mkwrite_novma(clean read-only)", k->name);
		if (k->mkwrite_clears_rdonly) {
			/* up to 6.18: set PTE_WRITE, clear PTE_RDONLY unconditionally */
			CHECK_PTE(pte_mkwrite_novma(L, __pte(ro)), (ro | A_WRITE) & ~A_RDONLY);
			CHECK(pte_dirty(L, pte_mkwrite_novma(L, __pte(ro))));
		} else {
			/* 6.19 (143937ca51cc): clear PTE_RDONLY only if pte_sw_dirty() */
			CHECK_PTE(pte_mkwrite_novma(L, __pte(ro)), ro | A_WRITE);
			CHECK_NOT(pte_dirty(L, pte_mkwrite_novma(L, __pte(ro))));
		}
		ctx("%s pte_mkwrite_novma(sw-dirty read-only)", k->name);
		CHECK_PTE(pte_mkwrite_novma(L, __pte(ro | A_DIRTY)), (ro | A_DIRTY | A_WRITE) & ~A_RDONLY);
		/* arm64 has no shadow stacks: pte_mkwrite(pte, vma) is pte_mkwrite_novma */
		CHECK_PTE(pte_mkwrite(L, __pte(ro)), pte_val(pte_mkwrite_novma(L, __pte(ro))));
	}
}

/* kernel-checks.md: "Not asserted anywhere: the value of
 * pte_dirty(pte_mkwrite(pte_mkclean(p))). The answer differs between
 * architectures." */
static void test_mkwrite_mkclean_dirty(void **state)
{
	const struct ptesim_layout *a610 = lay("arm64-v6.10"), *a619 = lay("arm64-v6.19");
	const struct ptesim_layout *x86 = lay("x86_64");
	pte_t p;

	(void)state;
	ctx("arm64-v6.10: pte_mkwrite_novma clears RDONLY, so the entry reads dirty");
	p = pfn_pte(a610, PFN, vm_get_page_prot(a610, VM_SHARED | VM_READ | VM_WRITE));
	CHECK(pte_dirty(a610, pte_mkwrite(a610, pte_mkclean(a610, p))));
	ctx("arm64-v6.19: writable-clean survives pte_mkwrite");
	p = pfn_pte(a619, PFN, vm_get_page_prot(a619, VM_SHARED | VM_READ | VM_WRITE));
	CHECK_NOT(pte_dirty(a619, pte_mkwrite(a619, pte_mkclean(a619, p))));
	ctx("x86_64: pte_mkwrite_novma sets _PAGE_RW only");
	p = pfn_pte(x86, PFN, vm_get_page_prot(x86, VM_SHARED | VM_READ | VM_WRITE));
	CHECK_NOT(pte_dirty(x86, pte_mkwrite(x86, pte_mkclean(x86, p))));
}

/* ------------------------------------------------------------------------
 * pte_modify
 */
/* 4.15: mask = USER|PXN|UXN|RDONLY|PROT_NONE|VALID|WRITE; hw-dirty ->
 * pte_mkdirty first; no re-dirty afterwards; AttrIndx and GP are not in the mask */
static void test_pte_modify_415(void **state)
{
	(void)state;
	for (size_t i = 0; i < 2; i++) {
		const struct kfacts *k = kfacts_find(arm64_names[i]);
		const struct ptesim_layout *L = k_layout(k);
		/* a hardware-dirty shared page without AF, special */
		uint64_t old = A_PFN(PFN) | A_ATTRINDX(4) | A_TYPE_PAGE | A_SHARED | A_USER | A_NG | A_PXN |
			       A_UXN | A_WRITE | A_SPECIAL;
		/* writable-clean exec prot with AttrIndx 0 and GP */
		uint64_t prot = A_ATTRINDX(0) | A_TYPE_PAGE | A_AF | A_SHARED | A_USER | A_RDONLY | A_NG |
				A_PXN | A_WRITE | A_GP;
		uint64_t want = A_PFN(PFN) | A_ATTRINDX(4) | A_TYPE_PAGE | A_SHARED | A_NG | A_SPECIAL |
				A_DIRTY | A_USER | A_PXN | A_RDONLY | A_WRITE;
		pte_t r = pte_modify(L, __pte(old), __pgprot(prot));

		ctx("%s pte_modify", k->name);
		CHECK_PTE(r, want);
		CHECK_NOT(pte_hw_dirty(L, r));
		CHECK(pte_dirty(L, r));
	}
}

/* 6.9+: mask adds GP and ATTRINDX (6.10: PRESENT_INVALID for PROT_NONE; 6.12+:
 * PO_IDX); hw-dirty -> set PTE_DIRTY; merge; then sw-dirty -> pte_mkdirty
 * (RFC v1: __pte_mkdirty, which leaves PTE_SOFT_DIRTY alone) */
static void test_pte_modify_6x(void **state)
{
	(void)state;
	for (size_t i = 2; i < NARM64; i++) {
		const struct kfacts *k = kfacts_find(arm64_names[i]);
		const struct ptesim_layout *L = k_layout(k);
		uint64_t wp = k->uffd_wp ? A_UFFD_WP : 0;
		uint64_t old = A_PFN(PFN) | A_ATTRINDX(1) | A_TYPE_PAGE | A_SHARED | A_USER | A_NG | A_PXN |
			       A_UXN | A_WRITE | A_SPECIAL | wp;
		uint64_t prot = A_ATTRINDX(0) | A_TYPE_PAGE | A_AF | A_SHARED | A_USER | A_RDONLY | A_NG |
				A_PXN | A_WRITE | A_GP;
		/* AF, SPECIAL, uffd-wp and PTE_DIRTY come from the old entry; the masked
		 * bits from prot; then the re-dirty clears RDONLY again */
		uint64_t want = A_PFN(PFN) | A_ATTRINDX(0) | A_TYPE_PAGE | A_SHARED | A_NG | A_SPECIAL | wp |
				A_DIRTY | A_USER | A_PXN | A_WRITE | A_GP;
		pte_t r = pte_modify(L, __pte(old), __pgprot(prot));

		ctx("%s pte_modify(hw-dirty)", k->name);
		CHECK_PTE(r, want);
		CHECK(pte_hw_dirty(L, r));
		CHECK_NOT(pte_young(L, r));

		/* a clean entry stays clean; the dirty state is not invented */
		ctx("%s pte_modify(clean)", k->name);
		old = A_PFN(PFN) | RO_6X | A_WRITE | wp;
		CHECK_PTE(pte_modify(L, __pte(old), __pgprot(RO_6X)), A_PFN(PFN) | RO_6X | wp);

		/* to PAGE_NONE and back: only the masked bits change */
		ctx("%s pte_modify to PAGE_NONE and back", k->name);
		old = A_PFN(PFN) | RO_6X | A_SPECIAL | wp;
		r = pte_modify(L, __pte(old), vm_get_page_prot(L, VM_NONE));
		CHECK_PTE(r, A_PFN(PFN) | k_prot(k, 0) | A_SPECIAL | wp);
		CHECK(pte_protnone(L, r));
		CHECK_PTE(pte_modify(L, r, __pgprot(RO_6X)), old);
	}
	{
		/* RFC v1: soft-dirty (63) is outside the mask, and the re-dirty step is
		 * __pte_mkdirty, which does not set it */
		const struct ptesim_layout *L = lay("arm64-v6.9-rfcv1");
		uint64_t old = A_PFN(PFN) | (RO_6X & ~A_RDONLY) | A_WRITE;

		ctx("arm64-v6.9-rfcv1 pte_modify keeps soft-dirty as it was");
		CHECK_PTE(pte_modify(L, __pte(old), __pgprot(RO_6X | A_WRITE)),
			  A_PFN(PFN) | ((RO_6X | A_WRITE | A_DIRTY) & ~A_RDONLY));
		CHECK_PTE(pte_modify(L, __pte(old | A_SOFT_DIRTY_RFC), __pgprot(RO_6X | A_WRITE)),
			  A_PFN(PFN) | ((RO_6X | A_WRITE | A_DIRTY | A_SOFT_DIRTY_RFC) & ~A_RDONLY));
	}
}

/* POIndex 60-62: in the 6.19 mask (PTE_PO_IDX_MASK), kept from the old entry in 6.10 */
static void test_pte_modify_po_idx(void **state)
{
	uint64_t old = A_PFN(PFN) | RO_6X | A_PO_IDX(5), prot = RO_6X | A_PO_IDX(2);

	(void)state;
	ctx("arm64-v6.19 pte_modify replaces PTE_PO_IDX");
	CHECK_PTE(pte_modify(lay("arm64-v6.19"), __pte(old), __pgprot(prot)), A_PFN(PFN) | RO_6X | A_PO_IDX(2));
	ctx("arm64-v6.10 pte_modify keeps bits 60-62");
	CHECK_PTE(pte_modify(lay("arm64-v6.10"), __pte(old), __pgprot(prot)), A_PFN(PFN) | RO_6X | A_PO_IDX(5));
}

/* ------------------------------------------------------------------------
 * PROT_NONE schemes
 */
static void test_prot_none_schemes(void **state)
{
	(void)state;
	for (size_t i = 0; i < NARM64; i++) {
		const struct kfacts *k = kfacts_find(arm64_names[i]);
		const struct ptesim_layout *L = k_layout(k);
		uint64_t none = A_PFN(PFN) | k_prot(k, 0);

		ctx("%s PAGE_NONE 0x%016" PRIx64, k->name, none);
		CHECK(pte_present(L, __pte(none)));
		CHECK(pte_protnone(L, __pte(none)));
		CHECK_NOT(pte_valid(L, __pte(none)));
		/* without its PROT_NONE marker the invalid entry is not present */
		ctx("%s PAGE_NONE without its marker", k->name);
		CHECK_NOT(pte_present(L, __pte(none & ~k->prot_none_bit)));
		/* a valid entry is never protnone */
		ctx("%s valid entries", k->name);
		CHECK_NOT(pte_protnone(L, __pte(A_PFN(PFN) | ro_of(k))));
		CHECK_NOT(pte_protnone(L, __pte(A_PFN(PFN) | ro_of(k) | k->prot_none_bit)));
	}
	{
		/* RFC v1: PTE_UFFD_WP 58 survives in a PROT_NONE entry */
		const struct ptesim_layout *L = lay("arm64-v6.9-rfcv1");
		uint64_t none = A_PFN(PFN) | k_prot(kfacts_find("arm64-v6.9-rfcv1"), 0) | A_UFFD_WP;

		ctx("arm64-v6.9-rfcv1 uffd-wp PROT_NONE");
		CHECK(pte_protnone(L, __pte(none)));
		CHECK(pte_uffd_wp(L, __pte(none)));
	}
	{
		const struct ptesim_layout *L = lay("x86_64");
		uint64_t none = k_pfn_pte(kfacts_find("x86_64"), PFN, X_ACCESSED | X_PROTNONE);

		ctx("x86_64 PAGE_NONE");
		CHECK(pte_present(L, __pte(none)));
		CHECK(pte_protnone(L, __pte(none)));
		CHECK_NOT(pte_present(L, __pte(none & ~X_PROTNONE)));
		/* _PAGE_GLOBAL on a present entry is not PROT_NONE */
		CHECK_NOT(pte_protnone(L, __pte(X_PFN(PFN) | X_PRESENT | X_USER | X_ACCESSED | X_GLOBAL)));
	}
}

/* v6.10: pte_present_invalid = (pte & (VALID|PRESENT_INVALID)) == PRESENT_INVALID;
 * pte_protnone = pte_present_invalid && !pte_user && !pte_user_exec */
static void test_present_invalid(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct ptesim_layout *L = k_layout(&t[i]);
		uint64_t out = 0;

		ctx("%s pte_mkinvalid defined", t[i].name);
		CHECK_INT(pte_mkinvalid_defined(L), t[i].pte_mkinvalid);
		CHECK_INT(ptesim_helper_apply(L, "pte_mkinvalid", 1, &out),
			  t[i].pte_mkinvalid ? 0 : -EOPNOTSUPP);
	}
	for (size_t i = 4; i < NARM64; i++) {
		const struct ptesim_layout *L = lay(arm64_names[i]);
		uint64_t user = A_PFN(PFN) | RO_6X;                       /* PAGE_READONLY */
		uint64_t xonly = A_PFN(PFN) | DEF_6X | A_RDONLY | A_NG | A_PXN; /* PAGE_EXECONLY */
		uint64_t kern = A_PFN(PFN) | DEF_6X | A_RDONLY | A_PXN | A_UXN; /* kernel RO */
		pte_t p;

		ctx("%s pte_mkinvalid(user)", arm64_names[i]);
		p = pte_mkinvalid(L, __pte(user));
		CHECK_PTE(p, (user | A_PRESENT_INVALID) & ~A_VALID);
		CHECK(pte_present(L, p));
		CHECK_NOT(pte_valid(L, p));
		CHECK_NOT(pte_protnone(L, p));
		ctx("%s pte_mkinvalid(exec-only)", arm64_names[i]);
		p = pte_mkinvalid(L, __pte(xonly));
		CHECK(pte_present(L, p));
		CHECK_NOT(pte_protnone(L, p));
		ctx("%s pte_mkinvalid(!USER, UXN)", arm64_names[i]);
		p = pte_mkinvalid(L, __pte(kern));
		CHECK_PTE(p, (kern | A_PRESENT_INVALID) & ~A_VALID);
		CHECK(pte_present(L, p));
		CHECK(pte_protnone(L, p));
		/* bit 11 with bit 0 set is plain nG */
		ctx("%s valid nG entry", arm64_names[i]);
		CHECK_NOT(pte_present_invalid(L, __pte(user)));
	}
}

/* 6.9: pmd_present = pte_present(pmd) || PMD_PRESENT_INVALID (59);
 * pmd_mkinvalid sets 59 and clears PMD_SECT_VALID. RFC v1 moves it to 60. */
static void test_pmd_present_invalid(void **state)
{
	(void)state;
	for (size_t i = 2; i < 4; i++) {
		const struct kfacts *k = kfacts_find(arm64_names[i]);
		const struct ptesim_layout *L = k_layout(k);
		/* PAGE_READONLY_EXEC: UXN clear, since RFC v1's PTE_PROT_NONE is UXN */
		uint64_t huge = (A_PFN(0x200) | RO_6X) & ~A_TABLE & ~A_UXN;
		pmd_t inv = pmd_mkinvalid(L, __pmd(huge));

		ctx("%s pmd_mkinvalid", k->name);
		CHECK_U64(pmd_val(inv), (huge | k->pmd_pi_bit) & ~A_VALID);
		CHECK(pmd_present(L, inv));
		CHECK(pmd_trans_huge(L, inv));
		/* the same value is not a present pte: the bit is pmd-only */
		CHECK_NOT(pte_present(L, pmd_pte(inv)));
		CHECK_NOT(pmd_present(L, __pmd(pmd_val(inv) & ~k->pmd_pi_bit)));
	}
	{
		/* 6.10: pmd_mkinvalid = pte_pmd(pte_mkinvalid(pmd_pte(pmd))) */
		const struct ptesim_layout *L = lay("arm64-v6.10");
		uint64_t huge = (A_PFN(0x200) | RO_6X) & ~A_TABLE;

		ctx("arm64-v6.10 pmd_mkinvalid");
		CHECK_U64(pmd_val(pmd_mkinvalid(L, __pmd(huge))), (huge | A_PRESENT_INVALID) & ~A_VALID);
		CHECK(pmd_present(L, pmd_mkinvalid(L, __pmd(huge))));
	}
	{
		/* x86: pfn_pmd(pmd_pfn(pmd), flags & ~(PRESENT|PROTNONE)): the pfn is
		 * stored inverted, under PHYSICAL_PMD_PAGE_MASK */
		const struct ptesim_layout *L = lay("x86_64");
		uint64_t flags = X_PRESENT | X_USER | X_ACCESSED | X_NX | X_PSE;
		uint64_t huge = X_PFN(0x200) | flags;
		uint64_t want = (~X_PFN(0x200) & X_PMD_PFN_MASK) | (flags & ~X_PRESENT);

		ctx("x86_64 pmd_mkinvalid");
		CHECK_U64(pmd_val(pmd_mkinvalid(L, __pmd(huge))), want);
		CHECK(pmd_present(L, pmd_mkinvalid(L, __pmd(huge))));
		CHECK(pmd_trans_huge(L, pmd_mkinvalid(L, __pmd(huge))));
	}
}

/* RFC v1 keeps the 6.9 pte_protnone() text with PTE_PROT_NONE = PTE_UXN, so a
 * pmd_mkinvalid() of a non-executable block reads as protnone (layouts.md 4a,
 * derived from the patch's macros) */
static void test_rfcv1_pmd_mkinvalid_protnone(void **state)
{
	const struct ptesim_layout *L = lay("arm64-v6.9-rfcv1");
	uint64_t huge = (A_PFN(0x200) | RO_6X) & ~A_TABLE;
	pmd_t inv = pmd_mkinvalid(L, __pmd(huge));

	(void)state;
	ctx("arm64-v6.9-rfcv1 pte_protnone(pmd_mkinvalid(user block))");
	CHECK(pte_protnone(L, pmd_pte(inv)));
	CHECK(pmd_present(L, inv));
}

/* ------------------------------------------------------------------------
 * Soft-dirty: Bin Lu's alias and Ryan Roberts' RFC v1 bit 63
 */
static void test_binlu_alias(void **state)
{
	const struct ptesim_layout *L = lay("arm64-v4.15-binlu");
	const struct ptesim_layout *x86 = lay("x86_64");

	(void)state;
	ctx("binlu aliases");
	CHECK(ptesim_layout_soft_dirty_aliases_dirty(L));
	CHECK_NOT(ptesim_layout_soft_dirty_aliases_dirty(lay("arm64-v6.9-rfcv1")));
	for (unsigned idx = 0; idx < 16; idx++) {
		pte_t p = pfn_pte(L, PFN, vm_get_page_prot(L, idx));
		pte_t d = pte_mkdirty(L, p);

		ctx("binlu idx %u", idx);
		/* pte_soft_dirty = pte_sw_dirty, pte_mksoft_dirty = pte_mkdirty,
		 * pte_clear_soft_dirty = pte_mkclean */
		CHECK_PTE(pte_mksoft_dirty(L, p), pte_val(pte_mkdirty(L, p)));
		CHECK_PTE(pte_clear_soft_dirty(L, d), pte_val(pte_mkclean(L, d)));
		CHECK_PTE(pte_clear_soft_dirty(L, p), pte_val(pte_mkclean(L, p)));
		CHECK_INT(pte_soft_dirty(L, p), pte_sw_dirty(L, p));
		CHECK_INT(pte_soft_dirty(L, d), pte_sw_dirty(L, d));
		/* Catalin Marinas: "a pmd_mkclean() would result in a
		 * pte_soft_dirty() == false" - MADV_FREE loses the soft-dirty state */
		CHECK(pte_soft_dirty(L, d));
		CHECK_NOT(pte_soft_dirty(L, pte_mkclean(L, d)));
		/* Steve Capper: clearing soft-dirty also makes the pte read-only
		 * (PTE_RDONLY), so the next write faults */
		CHECK(pte_val(pte_clear_soft_dirty(L, d)) & A_RDONLY);
	}
	/* "The x86 code sets both _PAGE_DIRTY and _PAGE_SOFT_DIRTY in
	 * pmd_mkdirty() but only clears _PAGE_DIRTY in pmd_mkclean()" */
	ctx("x86 keeps soft-dirty over pte_mkclean");
	{
		pte_t d = pte_mkdirty(x86, pfn_pte(x86, PFN, vm_get_page_prot(x86, VM_SHARED | VM_READ | VM_WRITE)));

		CHECK(pte_soft_dirty(x86, pte_mkclean(x86, d)));
	}
}

static void test_rfcv1_soft_dirty(void **state)
{
	const struct ptesim_layout *L = lay("arm64-v6.9-rfcv1");
	uint64_t ro = A_PFN(PFN) | RO_6X;

	(void)state;
	ctx("rfcv1 pte_mkdirty sets PTE_SOFT_DIRTY");
	CHECK_PTE(pte_mkdirty(L, __pte(ro)), ro | A_DIRTY | A_SOFT_DIRTY_RFC);
	ctx("rfcv1 __pte_mkdirty does not");
	CHECK_PTE(__pte_mkdirty(L, __pte(ro)), ro | A_DIRTY);
	ctx("rfcv1 pte_mkclean keeps it");
	CHECK_PTE(pte_mkclean(L, __pte(ro | A_DIRTY | A_SOFT_DIRTY_RFC)), ro | A_SOFT_DIRTY_RFC);
	CHECK(pte_soft_dirty(L, pte_mkclean(L, pte_mkdirty(L, __pte(ro)))));
	ctx("rfcv1 pte_wrprotect keeps it");
	CHECK_PTE(pte_wrprotect(L, __pte(ro | A_SOFT_DIRTY_RFC)), ro | A_SOFT_DIRTY_RFC);
	ctx("rfcv1 pte_mksoft_dirty / pte_clear_soft_dirty: bit 63 only");
	CHECK_PTE(pte_mksoft_dirty(L, __pte(ro)), ro | A_SOFT_DIRTY_RFC);
	CHECK_PTE(pte_clear_soft_dirty(L, __pte(ro | A_DIRTY | A_SOFT_DIRTY_RFC)), ro | A_DIRTY);
}

/* ------------------------------------------------------------------------
 * __ptep_set_access_flags (arch/arm64/mm/fault.c): "only preserve the access
 * flags and write permission": RDONLY|AF|WRITE|DIRTY (RFC v1 3/5 adds
 * PTE_SOFT_DIRTY), ORed in with RDONLY inverted, so RDONLY ends up the AND
 */
static void test_ptep_set_access_flags(void **state)
{
	(void)state;
	for (size_t i = 0; i < NARM64; i++) {
		const struct kfacts *k = kfacts_find(arm64_names[i]);
		const struct ptesim_layout *L = k_layout(k);
		uint64_t sd = k->sd_bit == 63 ? A_SOFT_DIRTY_RFC : 0;
		uint64_t old = (A_PFN(PFN) | ro_of(k)) & ~A_AF;
		uint64_t extra = A_SPECIAL | A_CONT | A_ATTRINDX(1) | A_SOFT_DIRTY_RFC |
				 (k->uffd_wp ? A_UFFD_WP : 0);
		uint64_t entry = ((old | A_AF | A_WRITE | A_DIRTY) & ~A_RDONLY) | extra;
		pte_t slot = __pte(old);

		ctx("%s ptep_set_access_flags(write fault)", k->name);
		CHECK_INT(ptep_set_access_flags(L, &slot, __pte(entry), 1), 1);
		CHECK_PTE(slot, ((old | A_AF | A_WRITE | A_DIRTY) & ~A_RDONLY) | sd);

		/* RDONLY is the most permissive of the two: an entry with RDONLY set
		 * does not make a hardware-dirty pte read-only again */
		ctx("%s ptep_set_access_flags(keeps RDONLY clear)", k->name);
		old = (A_PFN(PFN) | ro_of(k) | A_WRITE) & ~A_RDONLY & ~A_AF;
		slot = __pte(old);
		CHECK_INT(ptep_set_access_flags(L, &slot, __pte(old | A_RDONLY | A_AF), 0), 1);
		CHECK_PTE(slot, old | A_AF);

		/* the same entry: nothing to do */
		ctx("%s ptep_set_access_flags(same)", k->name);
		slot = __pte(old);
		CHECK_INT(ptep_set_access_flags(L, &slot, __pte(old), 1), 0);
		CHECK_PTE(slot, old);
	}
	{
		/* x86 (arch/x86/mm/pgtable.c): changed = !pte_same(*ptep, entry);
		 * if (changed && dirty) set_pte(ptep, entry) */
		const struct ptesim_layout *L = lay("x86_64");
		uint64_t old = X_PFN(PFN) | X_PRESENT | X_USER | X_NX;
		uint64_t entry = old | X_RW | X_ACCESSED | X_DIRTY | X_SOFT_DIRTY;
		pte_t slot = __pte(old);

		ctx("x86_64 ptep_set_access_flags");
		CHECK_INT(ptep_set_access_flags(L, &slot, __pte(entry), 0), 1);
		CHECK_PTE(slot, old);
		CHECK_INT(ptep_set_access_flags(L, &slot, __pte(entry), 1), 1);
		CHECK_PTE(slot, entry);
		CHECK_INT(ptep_set_access_flags(L, &slot, __pte(entry), 1), 0);
	}
}

/*
 * pte_same(): 4.15 has the arm64 override that masks PTE_RDONLY on present
 * ptes (747a70e60b72 "arm64: Fix copy-on-write referencing in HugeTLB";
 * layouts.md 2c; still in 4.14.122's arch/arm64/include/asm/pgtable.h).
 * 6767df245f47 "arm64: Do not mask out PTE_RDONLY in pte_same()" (v5.4-rc7,
 * "Cc: stable # 4.14.x-") removed it; the 6.1 and 6.12 arm64 trees define no
 * __HAVE_ARCH_PTE_SAME, so 6.x uses the generic pte_val(a) == pte_val(b).
 * Will Deacon's pull request: "the faulting pte is marked as PTE_DIRTY |
 * PTE_WRITE | PTE_RDONLY and the fault handler decides that there's nothing
 * to do thanks to pte_same() masking out PTE_RDONLY". So on 6.x a write fault
 * on a writable sw-dirty pte must clear RDONLY in __ptep_set_access_flags.
 */
static void test_pte_same_rdonly(void **state)
{
	static struct soft s;

	(void)state;
	memset(&s, 0, sizeof(s));
	for (size_t i = 0; i < NARM64; i++) {
		const struct kfacts *k = kfacts_find(arm64_names[i]);
		const struct ptesim_layout *L = k_layout(k);
		uint64_t old = A_PFN(PFN) | ro_of(k) | A_WRITE | A_DIRTY; /* writable, sw-dirty, RDONLY */
		uint64_t entry = old & ~A_RDONLY;
		bool masks = k->era == K_415; /* 4.15: the RDONLY-masking override */
		pte_t slot = __pte(old);
		int rc;

		ctx("%s pte_same", k->name);
		SOFT_U64(&s, pte_same(L, __pte(old), __pte(entry)), masks);
		ctx("%s set_access_flags rc", k->name);
		rc = ptep_set_access_flags(L, &slot, __pte(entry), 1);
		SOFT_U64(&s, (uint64_t)rc, masks ? 0 : 1);
		ctx("%s set_access_flags pte", k->name);
		SOFT_U64(&s, pte_val(slot), masks ? old : entry);
	}
	soft_done(&s);
}

/* ------------------------------------------------------------------------
 * x86
 */
static void test_x86_dirty_bits(void **state)
{
	const struct ptesim_layout *L = lay("x86_64");
	uint64_t w = X_PFN(PFN) | X_PRESENT | X_RW | X_USER | X_ACCESSED | X_NX; /* PAGE_SHARED */
	uint64_t r = w & ~X_RW;                                                 /* PAGE_READONLY */

	(void)state;
	ctx("x86 pte_mkdirty: _PAGE_DIRTY | _PAGE_SOFT_DIRTY, then mksaveddirty");
	CHECK_PTE(pte_mkdirty(L, __pte(w)), w | X_DIRTY | X_SOFT_DIRTY);
	CHECK_PTE(pte_mkdirty(L, __pte(r)), r | X_SAVED_DIRTY | X_SOFT_DIRTY);
	ctx("x86 pte_mkclean: clear _PAGE_DIRTY_BITS only");
	CHECK_PTE(pte_mkclean(L, __pte(w | X_DIRTY | X_SOFT_DIRTY)), w | X_SOFT_DIRTY);
	CHECK_PTE(pte_mkclean(L, __pte(r | X_SAVED_DIRTY | X_SOFT_DIRTY)), r | X_SOFT_DIRTY);
	ctx("x86 pte_wrprotect: clear RW, move Dirty to SavedDirty");
	CHECK_PTE(pte_wrprotect(L, __pte(w | X_DIRTY)), r | X_SAVED_DIRTY);
	CHECK_PTE(pte_wrprotect(L, __pte(w)), r);
	CHECK(pte_dirty(L, pte_wrprotect(L, __pte(w | X_DIRTY))));
	ctx("x86 pte_mkwrite: set RW, move SavedDirty back");
	CHECK_PTE(pte_mkwrite(L, __pte(r | X_SAVED_DIRTY)), w | X_DIRTY);
	CHECK_PTE(pte_mkwrite_novma(L, __pte(r | X_SAVED_DIRTY)), w | X_SAVED_DIRTY);
	ctx("x86 ptep_set_wrprotect");
	{
		pte_t slot = __pte(w | X_DIRTY);

		ptep_set_wrprotect(L, &slot);
		CHECK_PTE(slot, r | X_SAVED_DIRTY);
	}
	ctx("x86 pte_modify: RW 1 -> 0 moves Dirty to SavedDirty, 0 -> 1 back");
	{
		uint64_t ro_prot = X_PRESENT | X_USER | X_ACCESSED | X_NX;
		uint64_t sh_prot = ro_prot | X_RW;
		pte_t p = pte_modify(L, __pte(w | X_DIRTY | X_SOFT_DIRTY), __pgprot(ro_prot));

		CHECK_PTE(p, r | X_SAVED_DIRTY | X_SOFT_DIRTY);
		CHECK_PTE(pte_modify(L, p, __pgprot(sh_prot)), w | X_DIRTY | X_SOFT_DIRTY);
		/* _PAGE_CHG_MASK keeps SPECIAL, UFFD_WP, PCD, PWT, PAT; Dirty is never
		 * taken from newprot */
		CHECK_PTE(pte_modify(L, __pte(r | X_SPECIAL | X_UFFD_WP | X_PCD), __pgprot(ro_prot | X_DIRTY)),
			  r | X_SPECIAL | X_UFFD_WP | X_PCD);
	}
}

/* pte_none(): !(pte & ~_PAGE_KNL_ERRATUM_MASK), the mask being DIRTY|ACCESSED */
static void test_x86_pte_none(void **state)
{
	const struct ptesim_layout *L = lay("x86_64");

	(void)state;
	ctx("x86 pte_none");
	CHECK(pte_none(L, __pte(0)));
	CHECK(pte_none(L, __pte(X_ACCESSED)));
	CHECK(pte_none(L, __pte(X_DIRTY)));
	CHECK(pte_none(L, __pte(X_ACCESSED | X_DIRTY)));
	CHECK_NOT(pte_none(L, __pte(X_PRESENT)));
	CHECK_NOT(pte_none(L, __pte(X_RW)));
	ctx("arm64 pte_none is !pte_val(pte)");
	CHECK_NOT(pte_none(lay("arm64-v6.10"), __pte(A_AF)));
}

/* L1TF: pfn_pte/pte_pfn/pte_modify invert the pfn of a non-present entry */
static void test_x86_protnone_inversion(void **state)
{
	const struct ptesim_layout *L = lay("x86_64");
	pgprot_t none = vm_get_page_prot(L, VM_NONE), ro = vm_get_page_prot(L, VM_READ);
	uint64_t inv = UINT64_C(0x000FFFFFFEDCB120); /* (~(0x1234 << 12) & PTE_PFN_MASK) | A | G */
	uint64_t ro_pte = UINT64_C(0x8000000001234025); /* NX | pfn | A | USER | PRESENT */

	(void)state;
	ctx("x86 pfn_pte(0x1234, PAGE_NONE)");
	CHECK_PTE(pfn_pte(L, PFN, none), inv);
	CHECK_U64(pte_pfn(L, __pte(inv)), PFN);
	ctx("x86 pte_modify(present, PAGE_NONE) inverts");
	CHECK_PTE(pte_modify(L, __pte(ro_pte), none), inv);
	ctx("x86 pte_modify(PROT_NONE, PAGE_READONLY) restores");
	CHECK_PTE(pte_modify(L, __pte(inv), ro), ro_pte);
	CHECK_U64(pte_pfn(L, __pte(ro_pte)), PFN);
	ctx("x86 largest pfn under PAGE_NONE");
	CHECK_PTE(pfn_pte(L, k_max_pfn(kfacts_find("x86_64")), none), X_ACCESSED | X_PROTNONE);
	CHECK_U64(pte_pfn(L, pfn_pte(L, k_max_pfn(kfacts_find("x86_64")), none)), k_max_pfn(kfacts_find("x86_64")));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_protection_map),
		cmocka_unit_test(test_private_write_is_readonly),
		cmocka_unit_test(test_shared_writable_dirty_state),
		cmocka_unit_test(test_page_none_values),
		cmocka_unit_test(test_wrprotect_hw_dirty),
		cmocka_unit_test(test_mkclean_mkdirty),
		cmocka_unit_test(test_mkwrite_per_era),
		cmocka_unit_test(test_mkwrite_mkclean_dirty),
		cmocka_unit_test(test_pte_modify_415),
		cmocka_unit_test(test_pte_modify_6x),
		cmocka_unit_test(test_pte_modify_po_idx),
		cmocka_unit_test(test_prot_none_schemes),
		cmocka_unit_test(test_present_invalid),
		cmocka_unit_test(test_pmd_present_invalid),
		cmocka_unit_test(test_rfcv1_pmd_mkinvalid_protnone),
		cmocka_unit_test(test_binlu_alias),
		cmocka_unit_test(test_rfcv1_soft_dirty),
		cmocka_unit_test(test_ptep_set_access_flags),
		cmocka_unit_test(test_pte_same_rdonly),
		cmocka_unit_test(test_x86_dirty_bits),
		cmocka_unit_test(test_x86_pte_none),
		cmocka_unit_test(test_x86_protnone_inversion),
	};

	return cmocka_run_group_tests_name("arm64_rules", tests, NULL, NULL);
}
