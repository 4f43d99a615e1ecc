/* SPDX-License-Identifier: MIT */
/*
 * The laws of mm/debug_vm_pgtable.c (reference/kernel-checks.md section 1,
 * and the 6.12 file in the kernel tree) on every built-in layout, for all 16
 * protections vm_get_page_prot(idx) and a few pfns, up to the largest pfn the
 * layout's output-address field holds. Soft-dirty and uffd-wp laws run where
 * the layout has the feature; elsewhere the helpers must behave as the
 * kernel's generic stubs (include/linux/pgtable.h !CONFIG_HAVE_ARCH_SOFT_DIRTY,
 * include/asm-generic/pgtable_uffd.h): tests say 0, modifiers return the entry.
 */
#include "unit_util.h"

#define NPFNS 4

static void law_pfns(const struct kfacts *k, uint64_t pfns[NPFNS])
{
	pfns[0] = 1;
	pfns[1] = 0x1234;
	pfns[2] = 0x3ffe00; /* PMD-aligned */
	pfns[3] = k_max_pfn(k);
}

/* pte_basic_tests(idx): the 10 assertions */
static void pte_basic(const struct ptesim_layout *L, pte_t p)
{
	CHECK_NOT(pte_dirty(L, pte_wrprotect(L, p)));
	CHECK(pte_same(L, p, p));
	CHECK(pte_young(L, pte_mkyoung(L, pte_mkold(L, p))));
	CHECK(pte_dirty(L, pte_mkdirty(L, pte_mkclean(L, p))));
	CHECK(pte_write(L, pte_mkwrite(L, pte_wrprotect(L, p))));
	CHECK_NOT(pte_young(L, pte_mkold(L, pte_mkyoung(L, p))));
	CHECK_NOT(pte_dirty(L, pte_mkclean(L, pte_mkdirty(L, p))));
	CHECK_NOT(pte_write(L, pte_wrprotect(L, pte_mkwrite(L, p))));
	CHECK_NOT(pte_dirty(L, pte_wrprotect(L, pte_mkclean(L, p))));
	CHECK(pte_dirty(L, pte_wrprotect(L, pte_mkdirty(L, p))));
}

static void test_builtins_are_the_seven(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	ctx("built-in layouts");
	CHECK_INT(ptesim_layout_count(), n);
	for (size_t i = 0; i < n; i++) {
		ctx("built-in %zu", i);
		assert_string_equal(ptesim_layout_name(ptesim_layout_builtin(i)), t[i].name);
	}
}

static void test_pte_basic(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct ptesim_layout *L = k_layout(&t[i]);
		uint64_t pfns[NPFNS];

		law_pfns(&t[i], pfns);
		for (unsigned idx = 0; idx < 16; idx++) {
			for (int j = 0; j < NPFNS; j++) {
				pte_t p = pfn_pte(L, pfns[j], vm_get_page_prot(L, idx));

				ctx("%s idx %u pfn 0x%" PRIx64 " pte 0x%016" PRIx64, t[i].name, idx,
				    pfns[j], pte_val(p));
				pte_basic(L, p);
				/* the pfn survives pfn_pte()/pte_pfn() */
				CHECK_U64(pte_pfn(L, p), pfns[j]);
			}
		}
	}
}

/* pte_special_tests: CONFIG_ARCH_HAS_PTE_SPECIAL on arm64 and x86 */
static void test_pte_special(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct ptesim_layout *L = k_layout(&t[i]);

		for (unsigned idx = 0; idx < 16; idx++) {
			pte_t p = pfn_pte(L, 0x1234, vm_get_page_prot(L, idx));

			ctx("%s idx %u", t[i].name, idx);
			CHECK(pte_special(L, pte_mkspecial(L, p)));
		}
	}
}

/* pte_protnone_tests: pfn_pte(pfn, vm_get_page_prot(VM_NONE)) is protnone
 * and present; no other protection is protnone (idx 8, VM_SHARED alone, maps
 * PAGE_NONE too) */
static void test_pte_protnone(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct ptesim_layout *L = k_layout(&t[i]);
		uint64_t pfns[NPFNS];

		law_pfns(&t[i], pfns);
		for (unsigned idx = 0; idx < 16; idx++) {
			for (int j = 0; j < NPFNS; j++) {
				pte_t p = pfn_pte(L, pfns[j], vm_get_page_prot(L, idx));

				ctx("%s idx %u pfn 0x%" PRIx64, t[i].name, idx, pfns[j]);
				CHECK(pte_present(L, p));
				CHECK_NOT(pte_none(L, p));
				if (idx == 0 || idx == 8)
					CHECK(pte_protnone(L, p));
				else
					CHECK_NOT(pte_protnone(L, p));
			}
		}
	}
}

static pte_t max_swap_pte(const struct ptesim_layout *L, const struct kfacts *k)
{
	return swp_entry_to_pte(L, swp_entry(k->max_swapfiles - 1, K_MAX_OFFSET));
}

/* pte_soft_dirty_tests and pte_swap_soft_dirty_tests (V_A on a present pte,
 * V_B/V_C on a real swap pte), where the layout has soft-dirty */
static void test_soft_dirty(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct ptesim_layout *L = k_layout(&t[i]);
		pte_t s;

		ctx("%s", t[i].name);
		CHECK_INT(ptesim_layout_has(L, PTESIM_FEAT_SOFT_DIRTY), t[i].soft_dirty);
		if (!t[i].soft_dirty)
			continue;
		for (unsigned idx = 0; idx < 16; idx++) {
			pte_t p = pfn_pte(L, 0x1234, vm_get_page_prot(L, idx));

			ctx("%s idx %u", t[i].name, idx);
			CHECK(pte_soft_dirty(L, pte_mksoft_dirty(L, p)));
			CHECK_NOT(pte_soft_dirty(L, pte_clear_soft_dirty(L, p)));
			CHECK(pte_swp_soft_dirty(L, pte_swp_mksoft_dirty(L, p)));
			CHECK_NOT(pte_swp_soft_dirty(L, pte_swp_clear_soft_dirty(L, p)));
		}
		ctx("%s swap", t[i].name);
		s = max_swap_pte(L, &t[i]);
		CHECK(is_swap_pte(L, s));
		CHECK(pte_swp_soft_dirty(L, pte_swp_mksoft_dirty(L, s)));
		CHECK_NOT(pte_swp_soft_dirty(L, pte_swp_clear_soft_dirty(L, s)));
	}
}

/* Without soft-dirty: the !CONFIG_HAVE_ARCH_SOFT_DIRTY stubs */
static void test_soft_dirty_stubs(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct ptesim_layout *L = k_layout(&t[i]);
		pte_t s;

		if (t[i].soft_dirty)
			continue;
		for (unsigned idx = 0; idx < 16; idx++) {
			pte_t p = pte_mkdirty(L, pfn_pte(L, 0x1234, vm_get_page_prot(L, idx)));

			ctx("%s idx %u", t[i].name, idx);
			CHECK_NOT(pte_soft_dirty(L, p));
			CHECK_PTE(pte_mksoft_dirty(L, p), pte_val(p));
			CHECK_PTE(pte_clear_soft_dirty(L, p), pte_val(p));
		}
		ctx("%s swap", t[i].name);
		s = max_swap_pte(L, &t[i]);
		CHECK_NOT(pte_swp_soft_dirty(L, s));
		CHECK_PTE(pte_swp_mksoft_dirty(L, s), pte_val(s));
		CHECK_PTE(pte_swp_clear_soft_dirty(L, s), pte_val(s));
	}
}

/*
 * uffd-wp: no debug_vm_pgtable version has uffd-wp assertions
 * (kernel-checks.md 1.2); these are the soft-dirty laws' analogues, plus the
 * rule that pte_mkuffd_wp() write-protects (arm64 v6.10 and x86:
 * "return pte_wrprotect(pte_set_flags(pte, _PAGE_UFFD_WP))").
 */
static void test_uffd_wp(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct ptesim_layout *L = k_layout(&t[i]);
		pte_t s;

		ctx("%s", t[i].name);
		CHECK_INT(ptesim_layout_has(L, PTESIM_FEAT_UFFD_WP), t[i].uffd_wp);
		if (!t[i].uffd_wp)
			continue;
		for (unsigned idx = 0; idx < 16; idx++) {
			pte_t p = pfn_pte(L, 0x1234, vm_get_page_prot(L, idx));

			ctx("%s idx %u", t[i].name, idx);
			CHECK(pte_uffd_wp(L, pte_mkuffd_wp(L, p)));
			CHECK_NOT(pte_uffd_wp(L, pte_clear_uffd_wp(L, p)));
			CHECK_NOT(pte_uffd_wp(L, pte_clear_uffd_wp(L, pte_mkuffd_wp(L, p))));
			CHECK_NOT(pte_write(L, pte_mkuffd_wp(L, p)));
			CHECK_NOT(pte_write(L, pte_mkuffd_wp(L, pte_mkwrite(L, p))));
		}
		ctx("%s swap", t[i].name);
		s = max_swap_pte(L, &t[i]);
		CHECK(pte_swp_uffd_wp(L, pte_swp_mkuffd_wp(L, s)));
		CHECK_NOT(pte_swp_uffd_wp(L, pte_swp_clear_uffd_wp(L, s)));
		CHECK_NOT(pte_swp_uffd_wp(L, pte_swp_clear_uffd_wp(L, pte_swp_mkuffd_wp(L, s))));
		/* the flag leaves the swap entry alone */
		CHECK_U64(pte_to_swp_entry(L, pte_swp_mkuffd_wp(L, s)).val, pte_to_swp_entry(L, s).val);
	}
}

/* Without uffd-wp: the include/asm-generic/pgtable_uffd.h stubs */
static void test_uffd_wp_stubs(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct ptesim_layout *L = k_layout(&t[i]);
		pte_t s;

		if (t[i].uffd_wp)
			continue;
		for (unsigned idx = 0; idx < 16; idx++) {
			pte_t p = pte_mkwrite(L, pfn_pte(L, 0x1234, vm_get_page_prot(L, idx)));

			ctx("%s idx %u", t[i].name, idx);
			CHECK_NOT(pte_uffd_wp(L, p));
			CHECK_PTE(pte_mkuffd_wp(L, p), pte_val(p));
			CHECK_PTE(pte_clear_uffd_wp(L, p), pte_val(p));
		}
		ctx("%s swap", t[i].name);
		s = max_swap_pte(L, &t[i]);
		CHECK_NOT(pte_swp_uffd_wp(L, s));
		CHECK_PTE(pte_swp_mkuffd_wp(L, s), pte_val(s));
		CHECK_PTE(pte_swp_clear_uffd_wp(L, s), pte_val(s));
	}
}

/* pte_swap_exclusive_tests() for one swap type */
static void swap_exclusive(const struct ptesim_layout *L, const struct kfacts *k, unsigned type)
{
	/* "See generic_max_swapfile_size(): probe the maximum offset" */
	uint64_t max_off = swp_offset(pte_to_swp_entry(L, swp_entry_to_pte(L, swp_entry(0, ~UINT64_C(0)))));
	swp_entry_t entry, entry2;
	pte_t pte;

	ctx("%s type %u", k->name, type);
	CHECK_U64(max_off, K_MAX_OFFSET);
	entry = swp_entry(type, max_off);
	pte = swp_entry_to_pte(L, entry);
	CHECK_NOT(pte_swp_exclusive(L, pte));
	CHECK(is_swap_pte(L, pte));
	entry2 = pte_to_swp_entry(L, pte);
	assert_memory_equal(&entry, &entry2, sizeof(entry));

	if (!k->swp_excl) {
		/* no __HAVE_ARCH_PTE_SWP_EXCLUSIVE in 4.15: nothing to set */
		CHECK_PTE(pte_swp_mkexclusive(L, pte), pte_val(pte));
		CHECK_NOT(pte_swp_exclusive(L, pte_swp_mkexclusive(L, pte)));
		return;
	}
	pte = pte_swp_mkexclusive(L, pte);
	CHECK(pte_swp_exclusive(L, pte));
	CHECK(is_swap_pte(L, pte));
	CHECK_NOT(pte_swp_soft_dirty(L, pte));
	entry2 = pte_to_swp_entry(L, pte);
	assert_memory_equal(&entry, &entry2, sizeof(entry));

	pte = pte_swp_clear_exclusive(L, pte);
	CHECK_NOT(pte_swp_exclusive(L, pte));
	CHECK(is_swap_pte(L, pte));
	entry2 = pte_to_swp_entry(L, pte);
	assert_memory_equal(&entry, &entry2, sizeof(entry));
}

/* V_B/V_C use MAX_SWAPFILES - 1, V_A (1 << MAX_SWAPFILES_SHIFT) - 1 */
static void test_pte_swap_exclusive(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct ptesim_layout *L = k_layout(&t[i]);

		ctx("%s", t[i].name);
		CHECK_INT(era_max_swapfiles(L), t[i].max_swapfiles);
		swap_exclusive(L, &t[i], t[i].max_swapfiles - 1);
		swap_exclusive(L, &t[i], (1u << K_MAX_SWAPFILES_SHIFT) - 1);
	}
}

/* pte_swap_tests: V_A (present pte through __pte_to_swp_entry and back keeps
 * its pfn) and V_B/V_C (a swap pte round-trips bit for bit) */
static void test_pte_swap(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct ptesim_layout *L = k_layout(&t[i]);
		uint64_t pfns[NPFNS];
		pte_t s;

		law_pfns(&t[i], pfns);
		for (unsigned idx = 0; idx < 16; idx++) {
			for (int j = 0; j < NPFNS; j++) {
				pte_t p = pfn_pte(L, pfns[j], vm_get_page_prot(L, idx));
				pte_t q = __swp_entry_to_pte(L, __pte_to_swp_entry(L, p));

				ctx("%s idx %u pfn 0x%" PRIx64, t[i].name, idx, pfns[j]);
				CHECK_U64(pte_pfn(L, q), pfns[j]);
			}
		}
		ctx("%s swap", t[i].name);
		s = max_swap_pte(L, &t[i]);
		CHECK_PTE(__swp_entry_to_pte(L, __pte_to_swp_entry(L, s)), pte_val(s));
		s = swp_entry_to_pte(L, swp_entry(1, 0x1234));
		CHECK_PTE(__swp_entry_to_pte(L, __pte_to_swp_entry(L, s)), pte_val(s));
	}
}

/* swap_migration_tests */
static void test_swap_migration(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct ptesim_layout *L = k_layout(&t[i]);
		uint64_t pfns[NPFNS];

		law_pfns(&t[i], pfns);
		for (int j = 0; j < NPFNS; j++) {
			swp_entry_t swp = make_writable_migration_entry(L, pfns[j]);

			ctx("%s pfn 0x%" PRIx64, t[i].name, pfns[j]);
			CHECK(is_migration_entry(L, swp));
			CHECK(is_writable_migration_entry(L, swp));

			swp = make_readable_migration_entry(L, swp_offset(swp));
			CHECK(is_migration_entry(L, swp));
			CHECK_NOT(is_writable_migration_entry(L, swp));

			swp = make_readable_migration_entry(L, pfns[j]);
			CHECK(is_migration_entry(L, swp));
			CHECK_NOT(is_writable_migration_entry(L, swp));
		}
	}
}

/*
 * pmd_thp_tests: pmd_trans_huge(pmd_mkhuge(m)); and, where pmd_mkinvalid()
 * exists (no arch defines __HAVE_ARCH_PMDP_INVALIDATE here), the invalidated
 * huge pmd is still trans_huge and present. 4.15 has only pmd_mknotpresent.
 */
static void test_pmd_thp(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct ptesim_layout *L = k_layout(&t[i]);
		const uint64_t pfns[] = { 0x200, 0x3ffe00, k_max_pfn(&t[i]) & ~UINT64_C(0x1ff) };

		ctx("%s", t[i].name);
		CHECK_INT(pmd_mkinvalid_defined(L), t[i].pmd_mkinvalid);
		for (unsigned idx = 0; idx < 16; idx++) {
			for (size_t j = 0; j < sizeof(pfns) / sizeof(pfns[0]); j++) {
				pmd_t m = k_pfn_pmd(&t[i], L, pfns[j], vm_get_page_prot(L, idx));
				pmd_t inv;

				ctx("%s idx %u pfn 0x%" PRIx64 " pmd 0x%016" PRIx64, t[i].name, idx,
				    pfns[j], pmd_val(m));
				CHECK(pmd_trans_huge(L, pmd_mkhuge(L, m)));
				CHECK(pmd_present(L, pmd_mkhuge(L, m)));
				if (!pmd_mkinvalid_defined(L))
					continue;
				inv = pmd_mkinvalid(L, pmd_mkhuge(L, m));
				CHECK(pmd_trans_huge(L, inv));
				CHECK(pmd_present(L, inv));
			}
		}
	}
}

/* pte_clear_tests: a pte, also with every bit set, cleared is pte_none */
static void test_pte_clear(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct ptesim_layout *L = k_layout(&t[i]);

		for (unsigned idx = 0; idx < 16; idx++) {
			pte_t slot = pfn_pte(L, 0x1234, vm_get_page_prot(L, idx));

			ctx("%s idx %u", t[i].name, idx);
			CHECK_NOT(pte_none(L, slot));
			ptep_get_and_clear(L, &slot);
			CHECK(pte_none(L, slot));
			slot = __pte(~UINT64_C(0));
			ptep_get_and_clear(L, &slot);
			CHECK(pte_none(L, slot));
		}
	}
}

/* pte_advanced_tests, for every protection (the kernel uses page_prot) */
static void test_pte_advanced(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct ptesim_layout *L = k_layout(&t[i]);
		uint64_t pfns[NPFNS];

		law_pfns(&t[i], pfns);
		for (unsigned idx = 0; idx < 16; idx++) {
			for (int j = 0; j < NPFNS; j++) {
				pgprot_t prot = vm_get_page_prot(L, idx);
				pte_t slot, pte;

				ctx("%s idx %u pfn 0x%" PRIx64, t[i].name, idx, pfns[j]);
				/* (1) */
				slot = pfn_pte(L, pfns[j], prot);
				ptep_set_wrprotect(L, &slot);
				CHECK_NOT(pte_write(L, slot));
				ptep_get_and_clear(L, &slot);
				CHECK(pte_none(L, slot));
				/* (2) */
				pte = pte_mkclean(L, pte_wrprotect(L, pfn_pte(L, pfns[j], prot)));
				slot = pte;
				pte = pte_mkdirty(L, pte_mkwrite(L, pte));
				ptep_set_access_flags(L, &slot, pte, 1);
				CHECK(pte_write(L, slot) && pte_dirty(L, slot));
				ptep_get_and_clear(L, &slot);
				CHECK(pte_none(L, slot));
				/* (3) */
				slot = pte_mkyoung(L, pfn_pte(L, pfns[j], prot));
				ptep_test_and_clear_young(L, &slot);
				CHECK_NOT(pte_young(L, slot));
				/* ptep_modify_prot_start/commit leave what was committed */
				slot = pfn_pte(L, pfns[j], prot);
				pte = ptep_modify_prot_start(L, &slot);
				CHECK_U64(pte_val(pte), pte_val(pfn_pte(L, pfns[j], prot)));
				CHECK(pte_none(L, slot));
				ptep_modify_prot_commit(L, &slot, pte, pte_wrprotect(L, pte));
				CHECK_PTE(slot, pte_val(pte_wrprotect(L, pte)));
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtins_are_the_seven),
		cmocka_unit_test(test_pte_basic),
		cmocka_unit_test(test_pte_special),
		cmocka_unit_test(test_pte_protnone),
		cmocka_unit_test(test_soft_dirty),
		cmocka_unit_test(test_soft_dirty_stubs),
		cmocka_unit_test(test_uffd_wp),
		cmocka_unit_test(test_uffd_wp_stubs),
		cmocka_unit_test(test_pte_swap_exclusive),
		cmocka_unit_test(test_pte_swap),
		cmocka_unit_test(test_swap_migration),
		cmocka_unit_test(test_pmd_thp),
		cmocka_unit_test(test_pte_clear),
		cmocka_unit_test(test_pte_advanced),
	};

	return cmocka_run_group_tests_name("pgtable_laws", tests, NULL, NULL);
}
