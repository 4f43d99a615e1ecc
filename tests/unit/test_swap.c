/* SPDX-License-Identifier: MIT */
/*
 * Swap and migration entries: the exact bit positions of every layout
 * (reference/layouts.md 2b, 2d, 3b, 4a, 5b, 6b; arch/arm64/include/asm/pgtable.h
 * and arch/x86/include/asm/pgtable_64.h of the kernel trees), round trips at
 * the largest type and offset with every combination of the flags a layout
 * has, and the migration types of each era (include/linux/swap.h, swapops.h).
 */
#include "unit_util.h"

static uint64_t encode(const char *name, unsigned type, uint64_t off, unsigned flags)
{
	char err[256] = "";
	uint64_t v = 0;
	int rc = ptesim_encode_swap(ptesim_layout_find(name), type, off, flags, &v, err, sizeof(err));

	if (rc)
		fail_msg("%s: ptesim_encode_swap(%u, 0x%" PRIx64 ", %u) = %d: %s", unit_ctx(), type, off, flags,
			 rc, err);
	return v;
}

/* type 1, offset 1 and each flag, as literals from the layouts.md formulas */
static void test_swap_bit_positions(void **state)
{
	(void)state;
	ctx("4.15: (type << 2) | (offset << 8)");
	CHECK_U64(encode("arm64-v4.15", 1, 1, 0), UINT64_C(0x104));
	ctx("binlu: _PAGE_SWP_SOFT_DIRTY bit 59");
	CHECK_U64(encode("arm64-v4.15-binlu", 1, 1, 0), UINT64_C(0x104));
	CHECK_U64(encode("arm64-v4.15-binlu", 1, 1, PTESIM_SWP_SOFT_DIRTY), UINT64_C(0x0800000000000104));
	ctx("6.9: excl 2, (type << 3) | (offset << 8)");
	CHECK_U64(encode("arm64-v6.9", 1, 1, 0), UINT64_C(0x108));
	CHECK_U64(encode("arm64-v6.9", 1, 1, PTESIM_SWP_EXCLUSIVE), UINT64_C(0x10C));
	ctx("RFC v1: excl 2, uffd-wp 3, offset 4-53, type 55-59, soft-dirty 61");
	CHECK_U64(encode("arm64-v6.9-rfcv1", 1, 1, 0), UINT64_C(0x0080000000000010));
	CHECK_U64(encode("arm64-v6.9-rfcv1", 1, 1, PTESIM_SWP_EXCLUSIVE), UINT64_C(0x0080000000000014));
	CHECK_U64(encode("arm64-v6.9-rfcv1", 1, 1, PTESIM_SWP_UFFD_WP), UINT64_C(0x0080000000000018));
	CHECK_U64(encode("arm64-v6.9-rfcv1", 1, 1, PTESIM_SWP_SOFT_DIRTY), UINT64_C(0x2080000000000010));
	ctx("6.10: excl 2, uffd-wp 3, (type << 6) | (offset << 12)");
	CHECK_U64(encode("arm64-v6.10", 1, 1, 0), UINT64_C(0x1040));
	CHECK_U64(encode("arm64-v6.10", 1, 1, PTESIM_SWP_EXCLUSIVE), UINT64_C(0x1044));
	CHECK_U64(encode("arm64-v6.10", 1, 1, PTESIM_SWP_UFFD_WP), UINT64_C(0x1048));
	CHECK_U64(encode("arm64-v6.10", 1, 1, PTESIM_SWP_EXCLUSIVE | PTESIM_SWP_UFFD_WP), UINT64_C(0x104C));
	ctx("6.19: as 6.10");
	CHECK_U64(encode("arm64-v6.19", 1, 1, PTESIM_SWP_UFFD_WP), UINT64_C(0x1048));
	ctx("x86: type << 59, ~offset from bit 9; SD 1, F 2, E 3");
	CHECK_U64(encode("x86_64", 1, 1, 0), UINT64_C(0x0FFFFFFFFFFFFC00));
	CHECK_U64(encode("x86_64", 1, 1, PTESIM_SWP_SOFT_DIRTY), UINT64_C(0x0FFFFFFFFFFFFC02));
	CHECK_U64(encode("x86_64", 1, 1, PTESIM_SWP_UFFD_WP), UINT64_C(0x0FFFFFFFFFFFFC04));
	CHECK_U64(encode("x86_64", 1, 1, PTESIM_SWP_EXCLUSIVE), UINT64_C(0x0FFFFFFFFFFFFC08));
	CHECK_U64(encode("x86_64", 23, 0, 0), UINT64_C(0xBFFFFFFFFFFFFE00));
}

static void check_decoded_swap(const struct ptesim_layout *L, const struct kfacts *k, uint64_t v,
			       unsigned type, uint64_t off, unsigned flags)
{
	struct ptesim_decoded d;

	ptesim_decode(L, v, &d);
	CHECK_INT(d.kind, PTESIM_KIND_SWAP);
	CHECK_INT(d.form, PTESIM_FORM_SWAP);
	CHECK(d.has_swap);
	CHECK_INT(d.swap_type, type);
	CHECK_U64(d.swap_offset, off);
	CHECK(d.swap_what && !strcmp(d.swap_what, "swap"));
	CHECK(d.pred[PTESIM_P_SWAP]);
	CHECK_NOT(d.pred[PTESIM_P_PRESENT]);
	CHECK_NOT(d.pred[PTESIM_P_NONE]);
	CHECK_NOT(d.pred[PTESIM_P_MARKER]);
	CHECK_INT(d.pred[PTESIM_P_EXCLUSIVE], (flags & PTESIM_SWP_EXCLUSIVE) != 0);
	CHECK_INT(d.pred[PTESIM_P_UFFD_WP], (flags & PTESIM_SWP_UFFD_WP) != 0);
	CHECK_INT(d.pred[PTESIM_P_SOFT_DIRTY], (flags & PTESIM_SWP_SOFT_DIRTY) != 0);
	/* and the helpers agree */
	CHECK_INT(pte_swp_exclusive(L, __pte(v)), (flags & PTESIM_SWP_EXCLUSIVE) != 0);
	CHECK_INT(pte_swp_uffd_wp(L, __pte(v)), (flags & PTESIM_SWP_UFFD_WP) != 0);
	CHECK_INT(pte_swp_soft_dirty(L, __pte(v)), (flags & PTESIM_SWP_SOFT_DIRTY) != 0);
	CHECK(is_swap_pte(L, __pte(v)));
	(void)k;
}

/* every flag combination the layout has, at the largest type and offset */
static void test_swap_round_trip_max(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct kfacts *k = &t[i];
		const struct ptesim_layout *L = k_layout(k);
		unsigned avail = k_swp_flags_available(k);
		/* not type 0 with the largest offset: on x86 that is the value 0 */
		const unsigned types[] = { 1, 7, k->max_swapfiles - 1 };
		const uint64_t offs[] = { 1, 0x123456789, K_MAX_OFFSET };

		for (unsigned flags = 0; flags < 8; flags++) {
			if (flags & ~avail)
				continue;
			for (size_t a = 0; a < 3; a++) {
				for (size_t b = 0; b < 3; b++) {
					uint64_t want = k_swp_pte(k, types[a], offs[b]) | k_swp_flag_bits(k, flags);
					uint64_t v;

					ctx("%s type %u offset 0x%" PRIx64 " flags %u", k->name, types[a], offs[b],
					    flags);
					v = encode(k->name, types[a], offs[b], flags);
					CHECK_U64(v, want);
					check_decoded_swap(L, k, v, types[a], offs[b], flags);
					/* the generic entry comes back without the flags */
					CHECK_U64(pte_to_swp_entry(L, __pte(v)).val,
						  swp_entry(types[a], offs[b]).val);
				}
			}
		}
	}
}

/* ptesim_encode_swap refuses what the kernel cannot build */
static void test_swap_refusals(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct kfacts *k = &t[i];
		const struct ptesim_layout *L = k_layout(k);
		char err[256];
		uint64_t v = 0;

		ctx("%s type MAX_SWAPFILES", k->name);
		err[0] = 0;
		CHECK_INT(ptesim_encode_swap(L, k->max_swapfiles, 1, 0, &v, err, sizeof(err)), -EINVAL);
		CHECK(err[0] != 0);
		ctx("%s offset 1 << 50", k->name);
		CHECK_INT(ptesim_encode_swap(L, 0, K_MAX_OFFSET + 1, 0, &v, err, sizeof(err)), -EINVAL);
		ctx("%s flags it lacks", k->name);
		CHECK_INT(ptesim_encode_swap(L, 1, 1, PTESIM_SWP_EXCLUSIVE, &v, err, sizeof(err)),
			  k->swp_excl ? 0 : -EINVAL);
		CHECK_INT(ptesim_encode_swap(L, 1, 1, PTESIM_SWP_UFFD_WP, &v, err, sizeof(err)),
			  k->uffd_wp ? 0 : -EINVAL);
		CHECK_INT(ptesim_encode_swap(L, 1, 1, PTESIM_SWP_SOFT_DIRTY, &v, err, sizeof(err)),
			  k->soft_dirty ? 0 : -EINVAL);
	}
}

/* the arch macros: __swp_entry, __swp_type, __swp_offset, and
 * pte_to_swp_entry() dropping the flags (pte_swp_clear_flags) */
static void test_swp_arch_macros(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct kfacts *k = &t[i];
		const struct ptesim_layout *L = k_layout(k);
		unsigned type = k->max_swapfiles - 1;
		swp_entry_t arch = __swp_entry(L, type, 0x2468ace);
		pte_t pte, flagged;

		ctx("%s __swp_entry", k->name);
		CHECK_U64(arch.val, k_swp_pte(k, type, 0x2468ace));
		CHECK_INT(__swp_type(L, arch), type);
		CHECK_U64(__swp_offset(L, arch), 0x2468ace);
		pte = __swp_entry_to_pte(L, arch);
		CHECK_PTE(pte, arch.val);
		CHECK_U64(__pte_to_swp_entry(L, pte).val, arch.val);

		ctx("%s pte_to_swp_entry drops the flags", k->name);
		flagged = pte_swp_mkexclusive(L, pte_swp_mkuffd_wp(L, pte_swp_mksoft_dirty(L, pte)));
		CHECK_PTE(flagged, pte_val(pte) | k_swp_flag_bits(k, 7));
		CHECK_U64(pte_to_swp_entry(L, flagged).val, swp_entry(type, 0x2468ace).val);
		CHECK_PTE(swp_entry_to_pte(L, swp_entry(type, 0x2468ace)), pte_val(pte));
		/* each flag clears alone */
		CHECK_PTE(pte_swp_clear_exclusive(L, pte_swp_clear_uffd_wp(L, pte_swp_clear_soft_dirty(L, flagged))),
			  pte_val(pte));
	}
}

/* SWP_HWPOISON, SWP_MIGRATION_*, SWP_DEVICE_*, SWP_PTE_MARKER per era */
static void test_special_types(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct kfacts *k = &t[i];
		const struct ptesim_layout *L = k_layout(k);

		ctx("%s special swap types", k->name);
		CHECK_INT(era_max_swapfiles(L), k->max_swapfiles);
		CHECK_INT(SWP_HWPOISON(L), k->max_swapfiles); /* SWP_HWPOISON MAX_SWAPFILES */
		CHECK_INT(SWP_MIGRATION_READ(L), k->mig_read);
		CHECK_INT(SWP_MIGRATION_READ_EXCLUSIVE(L), k->mig_read_excl);
		CHECK_INT(SWP_MIGRATION_WRITE(L), k->mig_write);
		CHECK_INT(SWP_DEVICE_FIRST(L), k->mig_write + 1);
		CHECK_INT(SWP_PTE_MARKER(L), k->markers ? K_SWP_PTE_MARKER : -1);
		CHECK_INT(migration_entry_supports_ad(L), k->mig_ad_bit >= 0);
	}
}

static uint64_t encode_mig(const struct ptesim_layout *L, enum ptesim_migration type, uint64_t pfn, bool young,
			   bool dirty, int *rc)
{
	char err[256] = "";
	uint64_t v = 0;

	*rc = ptesim_encode_migration(L, type, pfn, young, dirty, &v, err, sizeof(err));
	return v;
}

/* make_{readable,readable_exclusive,writable}_migration_entry(pfn), and the
 * A/D bits at SWP_MIG_YOUNG_BIT / SWP_MIG_DIRTY_BIT of the offset (6.1+) */
static void test_migration_entries(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct kfacts *k = &t[i];
		const struct ptesim_layout *L = k_layout(k);
		const uint64_t pfn = 0x1234;
		int rc;
		uint64_t v;

		ctx("%s migration read", k->name);
		v = encode_mig(L, PTESIM_MIGRATION_READ, pfn, false, false, &rc);
		CHECK_INT(rc, 0);
		CHECK_U64(v, k_swp_pte(k, k->mig_read, pfn));
		ctx("%s migration write", k->name);
		v = encode_mig(L, PTESIM_MIGRATION_WRITE, pfn, false, false, &rc);
		CHECK_INT(rc, 0);
		CHECK_U64(v, k_swp_pte(k, k->mig_write, pfn));
		ctx("%s migration read-exclusive", k->name);
		v = encode_mig(L, PTESIM_MIGRATION_READ_EXCLUSIVE, pfn, false, false, &rc);
		if (k->mig_read_excl < 0) {
			CHECK_INT(rc, -EINVAL); /* SWP_MIGRATION_READ_EXCLUSIVE is 5.19+ */
		} else {
			CHECK_INT(rc, 0);
			CHECK_U64(v, k_swp_pte(k, (unsigned)k->mig_read_excl, pfn));
		}
		ctx("%s migration write young dirty", k->name);
		v = encode_mig(L, PTESIM_MIGRATION_WRITE, pfn, true, true, &rc);
		if (k->mig_ad_bit < 0) {
			CHECK_INT(rc, -EINVAL); /* no A/D in migration entries before 6.1 */
		} else {
			CHECK_INT(rc, 0);
			CHECK_U64(v, k_swp_pte(k, k->mig_write,
					       pfn | BIT(k->mig_ad_bit) | BIT(k->mig_ad_bit + 1)));
			v = encode_mig(L, PTESIM_MIGRATION_READ, pfn, true, false, &rc);
			CHECK_INT(rc, 0);
			CHECK_U64(v, k_swp_pte(k, k->mig_read, pfn | BIT(k->mig_ad_bit)));
			v = encode_mig(L, PTESIM_MIGRATION_READ, pfn, false, true, &rc);
			CHECK_INT(rc, 0);
			CHECK_U64(v, k_swp_pte(k, k->mig_read, pfn | BIT(k->mig_ad_bit + 1)));
			/* a pfn reaching SWP_MIG_YOUNG_BIT does not fit (SWP_PFN_MASK) */
			ctx("%s migration pfn 1 << SWP_PFN_BITS", k->name);
			encode_mig(L, PTESIM_MIGRATION_READ, BIT(k->mig_ad_bit), false, false, &rc);
			CHECK_INT(rc, -EINVAL);
		}
	}
}

static void test_migration_decode(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct kfacts *k = &t[i];
		const struct ptesim_layout *L = k_layout(k);
		const uint64_t pfn = k->mig_ad_bit >= 0 ? BIT(k->mig_ad_bit) - 1 : 0x1234;
		bool ad = k->mig_ad_bit >= 0;
		struct ptesim_decoded d;
		int rc;

		ctx("%s decode migration write", k->name);
		ptesim_decode(L, encode_mig(L, PTESIM_MIGRATION_WRITE, pfn, ad, ad, &rc), &d);
		CHECK_INT(rc, 0);
		CHECK_INT(d.kind, PTESIM_KIND_MIGRATION);
		CHECK_INT(d.swap_type, k->mig_write);
		CHECK(d.has_pfn);
		CHECK_U64(d.pfn, pfn);
		CHECK(d.pred[PTESIM_P_WRITE]);
		CHECK_INT(d.pred[PTESIM_P_YOUNG], ad);
		CHECK_INT(d.pred[PTESIM_P_DIRTY], ad);
		CHECK_NOT(d.pred[PTESIM_P_PRESENT]);
		CHECK(d.swap_what && !strcmp(d.swap_what, "migration-write"));

		ctx("%s decode migration read", k->name);
		ptesim_decode(L, encode_mig(L, PTESIM_MIGRATION_READ, pfn, false, false, &rc), &d);
		CHECK_INT(d.kind, PTESIM_KIND_MIGRATION);
		CHECK_INT(d.swap_type, k->mig_read);
		CHECK_U64(d.pfn, pfn);
		CHECK_NOT(d.pred[PTESIM_P_WRITE]);
		CHECK_NOT(d.pred[PTESIM_P_YOUNG]);
		CHECK_NOT(d.pred[PTESIM_P_DIRTY]);
		CHECK(d.swap_what && !strcmp(d.swap_what, "migration-read"));

		if (k->mig_read_excl >= 0) {
			ctx("%s decode migration read-exclusive", k->name);
			ptesim_decode(L, encode_mig(L, PTESIM_MIGRATION_READ_EXCLUSIVE, pfn, false, false, &rc), &d);
			CHECK_INT(d.kind, PTESIM_KIND_MIGRATION);
			CHECK_INT(d.swap_type, k->mig_read_excl);
			CHECK_NOT(d.pred[PTESIM_P_WRITE]);
			CHECK(d.swap_what && !strcmp(d.swap_what, "migration-read-exclusive"));
		}

		/* hwpoison and device entries are swap-kind pfn entries */
		ctx("%s decode hwpoison", k->name);
		ptesim_decode(L, k_swp_pte(k, k->max_swapfiles, 0x1234), &d);
		CHECK_INT(d.kind, PTESIM_KIND_SWAP);
		CHECK(d.swap_what && !strcmp(d.swap_what, "hwpoison"));
		ctx("%s decode device-private-write", k->name);
		ptesim_decode(L, k_swp_pte(k, k->mig_write + 1, 0x1234), &d);
		CHECK_INT(d.kind, PTESIM_KIND_SWAP);
		CHECK(d.swap_what && !strcmp(d.swap_what, "device-private-write"));
	}
	{
		/* literal values: 6.10 write migration of pfn 0x1234, young and dirty:
		 * type 26 at bit 6, offset 0x1234 | 1 << 36 | 1 << 37 at bit 12 */
		const struct ptesim_layout *L = ptesim_layout_find("arm64-v6.10");
		int rc;

		ctx("arm64-v6.10 migration literal");
		CHECK_U64(encode_mig(L, PTESIM_MIGRATION_WRITE, 0x1234, true, true, &rc),
			  (UINT64_C(26) << 6) | ((UINT64_C(0x1234) | BIT(36) | BIT(37)) << 12));
		ctx("arm64-v4.15 migration literal: type 29 at bit 2");
		CHECK_U64(encode_mig(ptesim_layout_find("arm64-v4.15"), PTESIM_MIGRATION_WRITE, 0x1234, false, false, &rc),
			  (UINT64_C(29) << 2) | (UINT64_C(0x1234) << 8));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_swap_bit_positions),
		cmocka_unit_test(test_swap_round_trip_max),
		cmocka_unit_test(test_swap_refusals),
		cmocka_unit_test(test_swp_arch_macros),
		cmocka_unit_test(test_special_types),
		cmocka_unit_test(test_migration_entries),
		cmocka_unit_test(test_migration_decode),
	};

	return cmocka_run_group_tests_name("swap", tests, NULL, NULL);
}
