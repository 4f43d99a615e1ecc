/* SPDX-License-Identifier: MIT */
/*
 * PTE markers (include/linux/swapops.h, 5.19+): make_pte_marker(m) =
 * swp_entry_to_pte(swp_entry(SWP_PTE_MARKER = 31, m)). Worked values from
 * reference/layouts.md 9b; PTE_MARKER_UFFD_WP BIT(0), PTE_MARKER_POISONED
 * BIT(1) (6.5+), PTE_MARKER_GUARD BIT(2) (6.15+). 4.15 has no markers: type
 * 31 is SWP_DEVICE_READ there.
 */
#include "unit_util.h"

static const struct ptesim_layout *lay(const char *name)
{
	return k_layout(kfacts_find(name));
}

/* the raw encoding of swp_entry(31, 1), whatever the layout's uffd-wp support */
static void test_marker_worked_values(void **state)
{
	(void)state;
	ctx("arm64 6.10+: (31 << 6) | (1 << 12)");
	CHECK_PTE(make_pte_marker(lay("arm64-v6.10"), PTE_MARKER_UFFD_WP), UINT64_C(0x17C0));
	CHECK_PTE(make_pte_marker(lay("arm64-v6.19"), PTE_MARKER_UFFD_WP), UINT64_C(0x17C0));
	ctx("arm64 6.9: (31 << 3) | (1 << 8)");
	CHECK_PTE(make_pte_marker(lay("arm64-v6.9"), PTE_MARKER_UFFD_WP), UINT64_C(0x1F8));
	CHECK_U64(__swp_entry(lay("arm64-v6.9"), 31, 1).val, UINT64_C(0x1F8));
	ctx("arm64 RFC v1: (31 << 55) | (1 << 4)");
	CHECK_PTE(make_pte_marker(lay("arm64-v6.9-rfcv1"), PTE_MARKER_UFFD_WP), UINT64_C(0x0F80000000000010));
	ctx("x86-64: (~1 << 14 >> 5) | (31 << 59)");
	CHECK_PTE(make_pte_marker(lay("x86_64"), PTE_MARKER_UFFD_WP), UINT64_C(0xFFFFFFFFFFFFFC00));
	ctx("make_pte_marker_entry is the generic swp_entry(31, marker)");
	CHECK_U64(make_pte_marker_entry(lay("arm64-v6.10"), PTE_MARKER_POISONED).val,
		  (UINT64_C(31) << 58) | PTE_MARKER_POISONED);
}

static uint64_t marker(const char *name, unsigned m, int want_rc)
{
	char err[256] = "";
	uint64_t v = 0;
	int rc = ptesim_encode_marker(lay(name), m, &v, err, sizeof(err));

	if (rc != want_rc)
		fail_msg("%s: ptesim_encode_marker(%s, %u) = %d (%s), expected %d", unit_ctx(), name, m, rc, err,
			 want_rc);
	if (rc && !err[0])
		fail_msg("%s: ptesim_encode_marker(%s, %u) failed without a message", unit_ctx(), name, m);
	return v;
}

static void test_encode_marker(void **state)
{
	(void)state;
	ctx("uffd-wp markers where the layout has uffd-wp");
	CHECK_U64(marker("arm64-v6.10", PTE_MARKER_UFFD_WP, 0), UINT64_C(0x17C0));
	CHECK_U64(marker("arm64-v6.19", PTE_MARKER_UFFD_WP, 0), UINT64_C(0x17C0));
	CHECK_U64(marker("arm64-v6.9-rfcv1", PTE_MARKER_UFFD_WP, 0), UINT64_C(0x0F80000000000010));
	CHECK_U64(marker("x86_64", PTE_MARKER_UFFD_WP, 0), UINT64_C(0xFFFFFFFFFFFFFC00));
	ctx("6.9 has markers but no uffd-wp (CONFIG_PTE_MARKER_UFFD_WP needs HAVE_ARCH_USERFAULTFD_WP)");
	marker("arm64-v6.9", PTE_MARKER_UFFD_WP, -EINVAL);
	ctx("6.9 poisoned marker: (31 << 3) | (2 << 8)");
	CHECK_U64(marker("arm64-v6.9", PTE_MARKER_POISONED, 0), UINT64_C(0x2F8));
	ctx("6.10 poisoned marker: (31 << 6) | (2 << 12)");
	CHECK_U64(marker("arm64-v6.10", PTE_MARKER_POISONED, 0), UINT64_C(0x27C0));
	ctx("guard markers (6.15+): 6.19 and x86 only");
	CHECK_U64(marker("arm64-v6.19", PTE_MARKER_GUARD, 0), UINT64_C(0x47C0));
	CHECK_U64(marker("x86_64", PTE_MARKER_GUARD, 0), k_swp_pte(kfacts_find("x86_64"), 31, PTE_MARKER_GUARD));
	marker("arm64-v6.10", PTE_MARKER_GUARD, -EINVAL);
	marker("arm64-v6.9", PTE_MARKER_GUARD, -EINVAL);
	ctx("no marker bits, or bits beyond PTE_MARKER_MASK");
	marker("arm64-v6.19", 0, -EINVAL);
	marker("arm64-v6.19", 8, -EINVAL);
	ctx("4.15 has no PTE markers");
	marker("arm64-v4.15", PTE_MARKER_UFFD_WP, -EINVAL);
	marker("arm64-v4.15", PTE_MARKER_POISONED, -EINVAL);
	marker("arm64-v4.15-binlu", PTE_MARKER_UFFD_WP, -EINVAL);
}

static void test_marker_predicates(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct kfacts *k = &t[i];
		const struct ptesim_layout *L = k_layout(k);
		pte_t wp = __pte(k_swp_pte(k, 31, PTE_MARKER_UFFD_WP));
		pte_t poison = __pte(k_swp_pte(k, 31, PTE_MARKER_POISONED));
		pte_t swap = __pte(k_swp_pte(k, 1, PTE_MARKER_UFFD_WP));

		ctx("%s is_pte_marker", k->name);
		CHECK_INT(is_pte_marker(L, wp), k->markers);
		CHECK_INT(is_pte_marker(L, poison), k->markers);
		CHECK_NOT(is_pte_marker(L, swap));
		CHECK(is_swap_pte(L, wp));
		ctx("%s pte_marker_uffd_wp", k->name);
		/* without uffd-wp the kernel builds it false (!CONFIG_PTE_MARKER_UFFD_WP) */
		CHECK_INT(pte_marker_uffd_wp(L, wp), k->markers && k->uffd_wp);
		CHECK_NOT(pte_marker_uffd_wp(L, poison));
		CHECK_NOT(pte_marker_uffd_wp(L, swap));
		if (k->markers) {
			ctx("%s pte_marker_get", k->name);
			CHECK_INT(pte_marker_get(L, pte_to_swp_entry(L, wp)), PTE_MARKER_UFFD_WP);
			CHECK_INT(pte_marker_get(L, pte_to_swp_entry(L, poison)), PTE_MARKER_POISONED);
		}
	}
}

static void test_marker_decode(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct kfacts *k = &t[i];
		const struct ptesim_layout *L = k_layout(k);
		struct ptesim_decoded d;

		if (!k->markers)
			continue;
		ctx("%s decode poisoned marker", k->name);
		ptesim_decode(L, k_swp_pte(k, 31, PTE_MARKER_POISONED), &d);
		CHECK_INT(d.kind, PTESIM_KIND_MARKER);
		CHECK_INT(d.form, PTESIM_FORM_SWAP);
		CHECK_INT(d.marker, PTE_MARKER_POISONED);
		CHECK_INT(d.swap_type, 31);
		CHECK_U64(d.swap_offset, PTE_MARKER_POISONED);
		CHECK(d.pred[PTESIM_P_MARKER]);
		CHECK(d.pred[PTESIM_P_SWAP]);
		CHECK_NOT(d.pred[PTESIM_P_PRESENT]);
		CHECK_NOT(d.pred[PTESIM_P_UFFD_WP]);
		if (!k->uffd_wp)
			continue;
		ctx("%s decode uffd-wp marker", k->name);
		ptesim_decode(L, k_swp_pte(k, 31, PTE_MARKER_UFFD_WP), &d);
		CHECK_INT(d.kind, PTESIM_KIND_MARKER);
		CHECK_INT(d.marker, PTE_MARKER_UFFD_WP);
		CHECK(d.pred[PTESIM_P_MARKER]);
		CHECK(d.pred[PTESIM_P_UFFD_WP]);
	}
}

/* 4.15: SWP_PTE_MARKER does not exist; type 31 is SWP_DEVICE_READ
 * (MAX_SWAPFILES 27 + HWPOISON 1 + MIGRATION 2 + 1) */
static void test_no_markers_415(void **state)
{
	const char *const names[] = { "arm64-v4.15", "arm64-v4.15-binlu" };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		const struct ptesim_layout *L = lay(names[i]);
		struct ptesim_decoded d;

		ctx("%s", names[i]);
		CHECK_NOT(ptesim_layout_has(L, PTESIM_FEAT_PTE_MARKERS));
		CHECK_INT(SWP_PTE_MARKER(L), -1);
		ptesim_decode(L, (UINT64_C(31) << 2) | (UINT64_C(1) << 8), &d);
		CHECK_INT(d.kind, PTESIM_KIND_SWAP);
		CHECK_INT(d.swap_type, 31);
		CHECK(d.swap_what && !strcmp(d.swap_what, "device-private-read"));
		CHECK_NOT(d.pred[PTESIM_P_MARKER]);
		CHECK_NOT(is_pte_marker(L, __pte((UINT64_C(31) << 2) | (UINT64_C(1) << 8))));
	}
	{
		size_t n;
		const struct kfacts *t = kfacts_table(&n);

		for (size_t i = 0; i < n; i++) {
			ctx("%s PTE markers feature", t[i].name);
			CHECK_INT(ptesim_layout_has(k_layout(&t[i]), PTESIM_FEAT_PTE_MARKERS), t[i].markers);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_marker_worked_values),
		cmocka_unit_test(test_encode_marker),
		cmocka_unit_test(test_marker_predicates),
		cmocka_unit_test(test_marker_decode),
		cmocka_unit_test(test_no_markers_415),
	};

	return cmocka_run_group_tests_name("markers", tests, NULL, NULL);
}
