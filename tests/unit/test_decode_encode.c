/* SPDX-License-Identifier: MIT */
/*
 * ptesim_decode() of the entries the kernel builds (values written from the
 * protection_map and helper rules, not produced by ptesim), field get/set
 * round trips for every field of every layout, illegal entries, and the
 * completeness of each layout's bit map in its three forms.
 */
#include "unit_util.h"

#define PFN 0x1234u

static const struct ptesim_layout *lay(const char *name)
{
	return k_layout(kfacts_find(name));
}

struct want {
	enum ptesim_kind kind;
	bool write, dirty, hw_dirty, sw_dirty, young, soft_dirty, prot_none;
};

static void check_page(const struct ptesim_layout *L, uint64_t v, const struct want *w)
{
	struct ptesim_decoded d;

	ptesim_decode(L, v, &d);
	CHECK_U64(d.value, v);
	CHECK_INT(d.kind, w->kind);
	if (d.kind != w->kind)
		return;
	CHECK(d.pred[PTESIM_P_PRESENT]);
	CHECK_NOT(d.pred[PTESIM_P_NONE]);
	CHECK_NOT(d.pred[PTESIM_P_SWAP]);
	CHECK_INT(d.pred[PTESIM_P_WRITE], w->write);
	CHECK_INT(d.pred[PTESIM_P_DIRTY], w->dirty);
	CHECK_INT(d.pred[PTESIM_P_HW_DIRTY], w->hw_dirty);
	CHECK_INT(d.pred[PTESIM_P_SW_DIRTY], w->sw_dirty);
	CHECK_INT(d.pred[PTESIM_P_YOUNG], w->young);
	CHECK_INT(d.pred[PTESIM_P_SOFT_DIRTY], w->soft_dirty);
	CHECK_INT(d.pred[PTESIM_P_PROT_NONE], w->prot_none);
	CHECK_NOT(d.pred[PTESIM_P_UFFD_WP]);
	CHECK(d.has_pfn);
	CHECK_U64(d.pfn, PFN);
}

/* pfn_pte(pfn, protection_map[idx]) for private/shared read and read-write */
static void test_decode_user_pages(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct kfacts *k = &t[i];
		const struct ptesim_layout *L = k_layout(k);
		const unsigned idxs[] = { VM_READ, VM_READ | VM_WRITE, VM_SHARED | VM_READ,
					  VM_SHARED | VM_READ | VM_WRITE, VM_READ | VM_EXEC };

		for (size_t j = 0; j < sizeof(idxs) / sizeof(idxs[0]); j++) {
			unsigned idx = idxs[j];
			bool shared_rw = idx == (VM_SHARED | VM_READ | VM_WRITE);
			/* 4.15 PAGE_SHARED has no PTE_RDONLY: hardware-dirty from the start */
			bool dirty = shared_rw && k->era == K_415;
			struct want w = { PTESIM_KIND_PRESENT, shared_rw, dirty, dirty, false, true, false,
					  false };

			ctx("%s decode pfn_pte(protection_map[%u])", k->name, idx);
			check_page(L, k_pfn_pte(k, PFN, k_prot(k, idx)), &w);
		}
	}
}

/* dirty states built by the helpers' rules */
static void test_decode_dirty_pages(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct kfacts *k = &t[i];
		const struct ptesim_layout *L = k_layout(k);
		uint64_t sh = k_pfn_pte(k, PFN, k_prot(k, VM_SHARED | VM_READ | VM_WRITE));
		uint64_t ro = k_pfn_pte(k, PFN, k_prot(k, VM_READ));
		/* soft-dirty follows pte_mkdirty: x86 sets _PAGE_SOFT_DIRTY, RFC v1 bit 63,
		 * Bin Lu's alias reads PTE_DIRTY */
		bool sd = k->soft_dirty;
		struct want wd = { PTESIM_KIND_PRESENT, true, true, true, !k->x86, true, sd, false };
		struct want rd = { PTESIM_KIND_PRESENT, false, true, false, true, true, sd, false };
		struct want wc = { PTESIM_KIND_PRESENT, true, false, false, false, true, false, false };
		uint64_t sdbit = k->sd_bit >= 0 ? BIT(k->sd_bit) : 0;

		if (k->x86) {
			ctx("%s writable dirty (D, SOFT_DIRTY)", k->name);
			check_page(L, sh | X_DIRTY | sdbit, &wd);
			ctx("%s read-only dirty (SAVED_DIRTY, SOFT_DIRTY)", k->name);
			check_page(L, ro | X_SAVED_DIRTY | sdbit, &rd);
			ctx("%s writable clean", k->name);
			check_page(L, sh, &wc);
			continue;
		}
		ctx("%s writable dirty (DBM=1 RDONLY=0 DIRTY=1)", k->name);
		check_page(L, ((sh | A_DIRTY) & ~A_RDONLY) | sdbit, &wd);
		ctx("%s read-only dirty (DBM=0 RDONLY=1 DIRTY=1)", k->name);
		check_page(L, ro | A_DIRTY | sdbit, &rd);
		ctx("%s writable clean (DBM=1 RDONLY=1)", k->name);
		check_page(L, (sh | A_RDONLY), &wc);
		ctx("%s old page (AF clear)", k->name);
		{
			struct want old = { PTESIM_KIND_PRESENT, false, false, false, false, false, false, false };

			check_page(L, ro & ~A_AF, &old);
		}
	}
}

static void test_decode_prot_none(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct kfacts *k = &t[i];
		struct want w = { PTESIM_KIND_PROT_NONE, false, false, false, false, true, false, true };
		struct ptesim_decoded d;

		ctx("%s decode PAGE_NONE", k->name);
		check_page(k_layout(k), k_pfn_pte(k, PFN, k_prot(k, VM_NONE)), &w);
		ptesim_decode(k_layout(k), k_pfn_pte(k, PFN, k_prot(k, VM_NONE)), &d);
		CHECK_INT(d.form, PTESIM_FORM_INVALID);
	}
	{
		/* v6.10 present-invalid user entry (pte_mkinvalid): present, not PROT_NONE */
		struct want w = { PTESIM_KIND_PRESENT, false, false, false, false, true, false, false };
		uint64_t v = (k_pfn_pte(kfacts_find("arm64-v6.10"), PFN, k_prot(kfacts_find("arm64-v6.10"), VM_READ)) | A_NG) & ~A_VALID;
		struct ptesim_decoded d;

		ctx("arm64-v6.10 decode pte_mkinvalid(PAGE_READONLY)");
		check_page(lay("arm64-v6.10"), v, &w);
		ptesim_decode(lay("arm64-v6.10"), v, &d);
		CHECK_INT(d.form, PTESIM_FORM_INVALID);
	}
}

static void test_decode_none(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);
	struct ptesim_decoded d;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		ctx("%s decode 0", t[i].name);
		ptesim_decode(k_layout(&t[i]), 0, &d);
		CHECK_INT(d.kind, PTESIM_KIND_NONE);
		CHECK(d.pred[PTESIM_P_NONE]);
		CHECK_NOT(d.pred[PTESIM_P_PRESENT]);
		CHECK_NOT(d.pred[PTESIM_P_SWAP]);
		CHECK_INT(d.form, -1);
	}
	/* x86 pte_none() ignores _PAGE_KNL_ERRATUM_MASK (A|D) */
	ctx("x86_64 decode A|D");
	ptesim_decode(lay("x86_64"), X_ACCESSED | X_DIRTY, &d);
	CHECK_INT(d.kind, PTESIM_KIND_NONE);
	CHECK(d.pred[PTESIM_P_NONE]);
}

static void test_decode_swap_flags(void **state)
{
	size_t n;
	const struct kfacts *t = kfacts_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct kfacts *k = &t[i];
		const unsigned one[] = { 0, PTESIM_SWP_EXCLUSIVE, PTESIM_SWP_UFFD_WP, PTESIM_SWP_SOFT_DIRTY };

		for (size_t j = 0; j < 4; j++) {
			struct ptesim_decoded d;
			uint64_t v;

			if (one[j] & ~k_swp_flags_available(k))
				continue;
			v = k_swp_pte(k, 3, 0x777) | k_swp_flag_bits(k, one[j]);
			ctx("%s decode swap flags %u (0x%016" PRIx64 ")", k->name, one[j], v);
			ptesim_decode(k_layout(k), v, &d);
			CHECK_INT(d.kind, PTESIM_KIND_SWAP);
			CHECK_INT(d.swap_type, 3);
			CHECK_U64(d.swap_offset, 0x777);
			CHECK_INT(d.pred[PTESIM_P_EXCLUSIVE], one[j] == PTESIM_SWP_EXCLUSIVE);
			CHECK_INT(d.pred[PTESIM_P_UFFD_WP], one[j] == PTESIM_SWP_UFFD_WP);
			CHECK_INT(d.pred[PTESIM_P_SOFT_DIRTY], one[j] == PTESIM_SWP_SOFT_DIRTY);
		}
		if (k->markers && k->uffd_wp) {
			struct ptesim_decoded d;

			ctx("%s decode uffd-wp marker", k->name);
			ptesim_decode(k_layout(k), k_swp_pte(k, 31, PTE_MARKER_UFFD_WP), &d);
			CHECK_INT(d.kind, PTESIM_KIND_MARKER);
			CHECK(d.pred[PTESIM_P_UFFD_WP]);
		}
	}
}

/* Every field: 1 and all-ones read back; the mask is GENMASK(lo + width - 1, lo) */
static void test_field_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < ptesim_layout_count(); i++) {
		const ptesim_layout *L = ptesim_layout_builtin(i);

		for (size_t f = 0; f < ptesim_layout_field_count(L); f++) {
			const struct ptesim_field *fl = ptesim_layout_field(L, f);
			uint64_t ones = fl->width >= 64 ? ~UINT64_C(0) : BIT(fl->width) - 1;
			uint64_t mask = GENMASK(fl->lo + fl->width - 1, fl->lo);
			uint64_t v = 0;

			ctx("%s field %s (%u-%u)", ptesim_layout_name(L), fl->name, fl->lo, fl->lo + fl->width - 1);
			CHECK(fl->width >= 1 && fl->lo + fl->width <= 64);
			CHECK_U64(ptesim_field_mask(fl), mask);
			CHECK_INT(ptesim_field_set(fl, &v, 1), 0);
			CHECK_U64(v, BIT(fl->lo));
			CHECK_U64(ptesim_field_get(fl, v), 1);
			CHECK_INT(ptesim_field_set(fl, &v, ones), 0);
			CHECK_U64(v, mask);
			CHECK_U64(ptesim_field_get(fl, v), ones);
			v = ~UINT64_C(0);
			CHECK_INT(ptesim_field_set(fl, &v, 0), 0);
			CHECK_U64(v, ~mask);
			CHECK_U64(ptesim_field_get(fl, v), 0);
			if (fl->width < 64) {
				v = 0;
				CHECK_INT(ptesim_field_set(fl, &v, BIT(fl->width)), -ERANGE);
				CHECK_U64(v, 0);
			}
			CHECK(ptesim_layout_field_find(L, fl->name) == fl);
		}
	}
}

/* Field positions the kernel fixes */
struct pos {
	const char *layout, *field;
	unsigned lo, width;
};

static void test_field_positions(void **state)
{
	static const struct pos p[] = {
		{ "arm64-v4.15", "oa", 12, 36 },          /* PHYS_MASK_SHIFT 48 */
		{ "arm64-v4.15", "pte-dirty", 55, 1 },
		{ "arm64-v4.15", "special", 56, 1 },
		{ "arm64-v4.15", "pte-prot-none", 58, 1 },
		{ "arm64-v4.15", "swp-type", 2, 6 },
		{ "arm64-v4.15", "swp-offset", 8, 50 },
		{ "arm64-v4.15-binlu", "swp-soft-dirty", 59, 1 },
		{ "arm64-v6.9", "oa", 12, 38 },           /* PTE_ADDR_LOW */
		{ "arm64-v6.9", "gp", 50, 1 },
		{ "arm64-v6.9", "devmap", 57, 1 },
		{ "arm64-v6.9", "pmd-present-invalid", 59, 1 },
		{ "arm64-v6.9", "swp-exclusive", 2, 1 },
		{ "arm64-v6.9", "swp-type", 3, 5 },
		{ "arm64-v6.9", "swp-offset", 8, 50 },
		{ "arm64-v6.9-rfcv1", "pte-prot-none", 54, 1 },
		{ "arm64-v6.9-rfcv1", "pmd-present-invalid", 60, 1 },
		{ "arm64-v6.9-rfcv1", "pte-uffd-wp", 58, 1 },
		{ "arm64-v6.9-rfcv1", "pte-soft-dirty", 63, 1 },
		{ "arm64-v6.9-rfcv1", "swp-offset", 4, 50 },
		{ "arm64-v6.9-rfcv1", "swp-type", 55, 5 },
		{ "arm64-v6.9-rfcv1", "swp-uffd-wp", 3, 1 },
		{ "arm64-v6.9-rfcv1", "swp-soft-dirty", 61, 1 },
		{ "arm64-v6.10", "present-invalid", 11, 1 },
		{ "arm64-v6.10", "pte-uffd-wp", 58, 1 },
		{ "arm64-v6.10", "swp-type", 6, 5 },
		{ "arm64-v6.10", "swp-offset", 12, 50 },
		{ "arm64-v6.10", "swp-uffd-wp", 3, 1 },
		{ "arm64-v6.19", "po-idx", 60, 3 },
		{ "x86_64", "addr", 12, 40 },
		{ "x86_64", "protnone", 8, 1 },
		{ "x86_64", "global", 8, 1 },
		{ "x86_64", "special", 9, 1 },
		{ "x86_64", "page-uffd-wp", 10, 1 },
		{ "x86_64", "page-soft-dirty", 11, 1 },
		{ "x86_64", "saved-dirty", 58, 1 },
		{ "x86_64", "pkey", 59, 4 },
		{ "x86_64", "nx", 63, 1 },
		{ "x86_64", "swp-soft-dirty", 1, 1 },
		{ "x86_64", "swp-uffd-wp", 2, 1 },
		{ "x86_64", "swp-exclusive", 3, 1 },
		{ "x86_64", "swp-offset", 9, 50 },
		{ "x86_64", "swp-type", 59, 5 },
	};
	/* fields the kernel era does not have */
	static const char *const absent[][2] = {
		{ "arm64-v4.15", "gp" },            { "arm64-v4.15", "devmap" },
		{ "arm64-v4.15", "swp-exclusive" }, { "arm64-v4.15", "pte-uffd-wp" },
		{ "arm64-v6.9", "pte-uffd-wp" },    { "arm64-v6.10", "pte-prot-none" },
		{ "arm64-v6.10", "pte-soft-dirty" }, { "arm64-v6.10", "po-idx" },
		{ "arm64-v6.19", "devmap" },        { "arm64-v6.19", "pmd-present-invalid" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		const struct ptesim_field *f = ptesim_layout_field_find(lay(p[i].layout), p[i].field);

		ctx("%s field %s", p[i].layout, p[i].field);
		CHECK(f != NULL);
		if (!f)
			continue;
		CHECK_INT(f->lo, p[i].lo);
		CHECK_INT(f->width, p[i].width);
	}
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		ctx("%s has no %s", absent[i][0], absent[i][1]);
		CHECK(ptesim_layout_field_find(lay(absent[i][0]), absent[i][1]) == NULL);
	}
	ctx("oa width is the largest pfn");
	for (size_t i = 0; i < ptesim_layout_count(); i++) {
		const ptesim_layout *L = ptesim_layout_builtin(i);
		const struct kfacts *k = kfacts_find(ptesim_layout_name(L));
		const struct ptesim_field *f = ptesim_layout_field_find(L, k->x86 ? "addr" : "oa");

		CHECK(f && f->width == k->pfn_bits);
	}
}

static void check_invalid(const char *name, uint64_t v)
{
	struct ptesim_decoded d;

	ptesim_decode(lay(name), v, &d);
	if (d.kind != PTESIM_KIND_INVALID)
		fail_msg("%s: %s 0x%016" PRIx64 " decodes as %s (%s), expected invalid", unit_ctx(), name, v,
			 ptesim_kind_name(d.kind), d.summary);
	CHECK(d.reason[0] != 0);
}

static void check_legal(const char *name, uint64_t v)
{
	struct ptesim_decoded d;

	ptesim_decode(lay(name), v, &d);
	if (d.kind == PTESIM_KIND_INVALID)
		fail_msg("%s: %s 0x%016" PRIx64 " decodes as invalid: %s", unit_ctx(), name, v, d.reason);
}

static void test_illegal_entries(void **state)
{
	const struct kfacts *k610 = kfacts_find("arm64-v6.10");
	uint64_t ro610 = k_pfn_pte(k610, PFN, k_prot(k610, VM_READ));

	(void)state;
	ctx("the base entries are legal");
	check_legal("arm64-v6.10", ro610);
	check_legal("arm64-v6.10", ro610 | A_DEVMAP | A_SPECIAL); /* pte_mkdevmap */
	ctx("a free SW bit: 63 on 6.10, 57 on 6.19 (DEVMAP gone)");
	check_invalid("arm64-v6.10", ro610 | BIT(63));
	check_invalid("arm64-v6.19", ro610 | A_DEVMAP);
	check_invalid("arm64-v6.9", k_pfn_pte(kfacts_find("arm64-v6.9"), PFN, k_prot(kfacts_find("arm64-v6.9"), VM_READ)) | BIT(63));
	ctx("a reserved hardware bit: 59 (PBHA/IGNORED) on 6.10, GP 50 on 4.15");
	check_invalid("arm64-v6.10", ro610 | BIT(59));
	check_invalid("arm64-v4.15", k_pfn_pte(kfacts_find("arm64-v4.15"), PFN, k_prot(kfacts_find("arm64-v4.15"), VM_READ)) | A_GP);
	ctx("PTE_PROT_NONE on a valid 6.9 entry (\"only when !PTE_VALID\")");
	check_invalid("arm64-v6.9", k_pfn_pte(kfacts_find("arm64-v6.9"), PFN, k_prot(kfacts_find("arm64-v6.9"), VM_READ)) | A_PROT_NONE_58);
	ctx("x86 free SW bits 52-57");
	check_invalid("x86_64", X_PFN(PFN) | X_PRESENT | X_USER | X_ACCESSED | BIT(52));
	ctx("arm64 RDONLY=0 with DBM=0");
	{
		size_t n;
		const struct kfacts *t = kfacts_table(&n);

		for (size_t i = 0; i < n; i++) {
			if (t[i].x86)
				continue;
			ctx("%s RDONLY=0 DBM=0", t[i].name);
			check_invalid(t[i].name, k_pfn_pte(&t[i], PFN, k_prot(&t[i], VM_READ)) & ~A_RDONLY);
		}
	}
	ctx("a swap entry with a must-be-zero bit");
	check_invalid("arm64-v6.10", k_swp_pte(k610, 3, 0x777) | BIT(4));      /* 4-5 unused */
	check_invalid("arm64-v6.10", k_swp_pte(k610, 3, 0x777) | BIT(63));     /* 62-63 */
	check_invalid("arm64-v6.9", k_swp_pte(kfacts_find("arm64-v6.9"), 3, 0x777) | A_PMD_PI_69);
	check_invalid("arm64-v6.9-rfcv1", k_swp_pte(kfacts_find("arm64-v6.9-rfcv1"), 3, 0x777) | A_PMD_PI_RFC);
	check_invalid("arm64-v4.15", k_swp_pte(kfacts_find("arm64-v4.15"), 3, 0x777) | BIT(59));
	check_invalid("arm64-v4.15-binlu", k_swp_pte(kfacts_find("arm64-v4.15-binlu"), 3, 0x777) | BIT(60));
	check_invalid("x86_64", k_swp_pte(kfacts_find("x86_64"), 3, 0x777) | X_PSE);   /* "Bit 7 ... should be 0" */
	ctx("Bin Lu's swap soft-dirty bit 59 is legal there");
	check_legal("arm64-v4.15-binlu", k_swp_pte(kfacts_find("arm64-v4.15-binlu"), 3, 0x777) | BIT(59));
}

/* every bit of every form is one of the four classes; a field bit names a
 * field of that form which covers it */
static void test_bit_classes_complete(void **state)
{
	(void)state;
	for (size_t i = 0; i < ptesim_layout_count(); i++) {
		const ptesim_layout *L = ptesim_layout_builtin(i);

		for (int form = 0; form < PTESIM_FORM_COUNT; form++) {
			for (unsigned b = 0; b < 64; b++) {
				const char *label = NULL;
				const struct ptesim_field *f = NULL;
				enum ptesim_bit_class c = ptesim_layout_bit(L, (enum ptesim_form)form, b, &label, &f);

				ctx("%s form %d bit %u", ptesim_layout_name(L), form, b);
				CHECK(c == PTESIM_BIT_FIELD || c == PTESIM_BIT_ZERO || c == PTESIM_BIT_FREE ||
				      c == PTESIM_BIT_RESERVED);
				CHECK(label != NULL && label[0] != 0);
				if (c == PTESIM_BIT_FIELD) {
					CHECK(f != NULL);
					if (!f)
						continue;
					CHECK(ptesim_field_mask(f) & BIT(b));
					CHECK(f->forms & (1u << form));
				} else {
					CHECK(f == NULL);
				}
			}
		}
	}
}

/* fields that apply in the same form never share a bit */
static void test_fields_disjoint(void **state)
{
	(void)state;
	for (size_t i = 0; i < ptesim_layout_count(); i++) {
		const ptesim_layout *L = ptesim_layout_builtin(i);
		size_t nf = ptesim_layout_field_count(L);

		for (int form = 0; form < PTESIM_FORM_COUNT; form++) {
			for (size_t a = 0; a < nf; a++) {
				for (size_t b = a + 1; b < nf; b++) {
					const struct ptesim_field *fa = ptesim_layout_field(L, a);
					const struct ptesim_field *fb = ptesim_layout_field(L, b);

					if (!(fa->forms & fb->forms & (1u << form)))
						continue;
					ctx("%s form %d: %s and %s", ptesim_layout_name(L), form, fa->name, fb->name);
					CHECK_U64(ptesim_field_mask(fa) & ptesim_field_mask(fb), 0);
				}
			}
		}
	}
}

struct cls {
	const char *layout;
	enum ptesim_form form;
	unsigned lo, hi;
	enum ptesim_bit_class cls;
};

/* classes that follow from the kernel's comments and macros */
static void test_known_bit_classes(void **state)
{
	static const struct cls c[] = {
		/* v6.10 swap: "bits 0-1 present (must be zero); 2 PG_anon_exclusive;
		 * 3 uffd-wp; 6-10 type; 11 PTE_PRESENT_INVALID (must be zero); 12-61 offset" */
		{ "arm64-v6.10", PTESIM_FORM_SWAP, 0, 1, PTESIM_BIT_ZERO },
		{ "arm64-v6.10", PTESIM_FORM_SWAP, 2, 3, PTESIM_BIT_FIELD },
		{ "arm64-v6.10", PTESIM_FORM_SWAP, 4, 5, PTESIM_BIT_ZERO },
		{ "arm64-v6.10", PTESIM_FORM_SWAP, 6, 10, PTESIM_BIT_FIELD },
		{ "arm64-v6.10", PTESIM_FORM_SWAP, 11, 11, PTESIM_BIT_ZERO },
		{ "arm64-v6.10", PTESIM_FORM_SWAP, 12, 61, PTESIM_BIT_FIELD },
		{ "arm64-v6.10", PTESIM_FORM_SWAP, 62, 63, PTESIM_BIT_ZERO },
		/* v6.10 valid: SW 55-58 used (DIRTY, SPECIAL, DEVMAP, UFFD_WP); 63 free */
		{ "arm64-v6.10", PTESIM_FORM_PRESENT, 55, 58, PTESIM_BIT_FIELD },
		{ "arm64-v6.10", PTESIM_FORM_PRESENT, 63, 63, PTESIM_BIT_FREE },
		{ "arm64-v6.10", PTESIM_FORM_PRESENT, 59, 62, PTESIM_BIT_RESERVED },
		{ "arm64-v6.10", PTESIM_FORM_PRESENT, 11, 11, PTESIM_BIT_FIELD }, /* nG */
		{ "arm64-v6.10", PTESIM_FORM_INVALID, 11, 11, PTESIM_BIT_FIELD }, /* PRESENT_INVALID */
		/* 6.19: DEVMAP gone, 57 free again; POIndex 60-62 */
		{ "arm64-v6.19", PTESIM_FORM_PRESENT, 57, 57, PTESIM_BIT_FREE },
		{ "arm64-v6.19", PTESIM_FORM_PRESENT, 60, 62, PTESIM_BIT_FIELD },
		/* 6.9: PTE_PROT_NONE and PMD_PRESENT_INVALID are zero in a valid pte */
		{ "arm64-v6.9", PTESIM_FORM_PRESENT, 58, 59, PTESIM_BIT_ZERO },
		{ "arm64-v6.9", PTESIM_FORM_INVALID, 58, 58, PTESIM_BIT_FIELD },
		{ "arm64-v6.9", PTESIM_FORM_SWAP, 2, 2, PTESIM_BIT_FIELD },
		{ "arm64-v6.9", PTESIM_FORM_SWAP, 3, 57, PTESIM_BIT_FIELD },
		{ "arm64-v6.9", PTESIM_FORM_SWAP, 58, 63, PTESIM_BIT_ZERO },
		/* 4.15 swap: 0-1 zero, 2-7 type, 8-57 offset, 58 zero, 59-63 zero */
		{ "arm64-v4.15", PTESIM_FORM_SWAP, 0, 1, PTESIM_BIT_ZERO },
		{ "arm64-v4.15", PTESIM_FORM_SWAP, 2, 57, PTESIM_BIT_FIELD },
		{ "arm64-v4.15", PTESIM_FORM_SWAP, 58, 63, PTESIM_BIT_ZERO },
		{ "arm64-v4.15", PTESIM_FORM_PRESENT, 57, 57, PTESIM_BIT_FREE },
		{ "arm64-v4.15", PTESIM_FORM_PRESENT, 50, 50, PTESIM_BIT_RESERVED },
		{ "arm64-v4.15-binlu", PTESIM_FORM_SWAP, 59, 59, PTESIM_BIT_FIELD },
		{ "arm64-v4.15-binlu", PTESIM_FORM_SWAP, 60, 63, PTESIM_BIT_ZERO },
		/* RFC v1 swap: 54 (PROT_NONE = UXN) and 60 (PMD_PRESENT_INVALID) zero */
		{ "arm64-v6.9-rfcv1", PTESIM_FORM_SWAP, 0, 1, PTESIM_BIT_ZERO },
		{ "arm64-v6.9-rfcv1", PTESIM_FORM_SWAP, 2, 53, PTESIM_BIT_FIELD },
		{ "arm64-v6.9-rfcv1", PTESIM_FORM_SWAP, 54, 54, PTESIM_BIT_ZERO },
		{ "arm64-v6.9-rfcv1", PTESIM_FORM_SWAP, 55, 59, PTESIM_BIT_FIELD },
		{ "arm64-v6.9-rfcv1", PTESIM_FORM_SWAP, 60, 60, PTESIM_BIT_ZERO },
		{ "arm64-v6.9-rfcv1", PTESIM_FORM_SWAP, 61, 61, PTESIM_BIT_FIELD },
		{ "arm64-v6.9-rfcv1", PTESIM_FORM_SWAP, 62, 63, PTESIM_BIT_ZERO },
		{ "arm64-v6.9-rfcv1", PTESIM_FORM_PRESENT, 63, 63, PTESIM_BIT_FIELD },
		{ "arm64-v6.9-rfcv1", PTESIM_FORM_INVALID, 54, 54, PTESIM_BIT_FIELD },
		/* x86 swap: "| TYPE (59-63) | ~OFFSET (9-58) |0|0|X|X| X| E|F|SD|0|" */
		{ "x86_64", PTESIM_FORM_SWAP, 0, 0, PTESIM_BIT_ZERO },
		{ "x86_64", PTESIM_FORM_SWAP, 1, 3, PTESIM_BIT_FIELD },
		{ "x86_64", PTESIM_FORM_SWAP, 7, 8, PTESIM_BIT_ZERO },
		{ "x86_64", PTESIM_FORM_SWAP, 9, 63, PTESIM_BIT_FIELD },
		{ "x86_64", PTESIM_FORM_PRESENT, 8, 11, PTESIM_BIT_FIELD },
		{ "x86_64", PTESIM_FORM_PRESENT, 52, 57, PTESIM_BIT_FREE },
		{ "x86_64", PTESIM_FORM_INVALID, 8, 8, PTESIM_BIT_FIELD },
	};

	static struct soft s;

	(void)state;
	memset(&s, 0, sizeof(s));
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		for (unsigned b = c[i].lo; b <= c[i].hi; b++) {
			ctx("%s form %d bit %u", c[i].layout, c[i].form, b);
			SOFT_U64(&s, ptesim_layout_bit(lay(c[i].layout), c[i].form, b, NULL, NULL), c[i].cls);
		}
	}
	soft_done(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_user_pages),
		cmocka_unit_test(test_decode_dirty_pages),
		cmocka_unit_test(test_decode_prot_none),
		cmocka_unit_test(test_decode_none),
		cmocka_unit_test(test_decode_swap_flags),
		cmocka_unit_test(test_field_round_trip),
		cmocka_unit_test(test_field_positions),
		cmocka_unit_test(test_illegal_entries),
		cmocka_unit_test(test_bit_classes_complete),
		cmocka_unit_test(test_fields_disjoint),
		cmocka_unit_test(test_known_bit_classes),
	};

	return cmocka_run_group_tests_name("decode_encode", tests, NULL, NULL);
}
