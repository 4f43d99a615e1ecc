/* SPDX-License-Identifier: MIT */
/*
 * The layout-file language through ptesim_layout_parse(): a good file, and
 * each kind of error with -EINVAL, the exact "F:LINE: error: " prefix and the
 * line of the statement at fault. The conflicts come from the kernel's bit
 * rules: e.g. in 6.9 bit 58 is PTE_PROT_NONE in an invalid pte, which is why
 * Ryan Roberts' RFC v1 1/5 had to move PROT_NONE off it before uffd-wp could
 * use it; in 6.10 bit 11 of a swap pte is PTE_PRESENT_INVALID "(must be zero)".
 */
#include "unit_util.h"

static ptesim_layout *parse_ok(const char *text)
{
	char err[512] = "";
	ptesim_layout *L = NULL;
	int rc = ptesim_layout_parse(text, "F", &L, err, sizeof(err));

	if (rc != 0 || !L)
		fail_msg("%s: parse failed (%d): %s", unit_ctx(), rc, err);
	return L;
}

/* the file must be refused with -EINVAL and "F:line: error: " */
static void parse_err(const char *text, int line)
{
	char err[512] = "";
	ptesim_layout *L = (ptesim_layout *)(uintptr_t)1;
	int rc = ptesim_layout_parse(text, "F", &L, err, sizeof(err));

	if (rc == 0) {
		ptesim_layout_free(L);
		fail_msg("%s: the file was accepted; expected an error on line %d", unit_ctx(), line);
	}
	CHECK_INT(rc, -EINVAL);
	CHECK(L == NULL);
	check_err_prefix(err, "F", line);
	CHECK(strlen(err) > strlen("F:1: error: "));
}

static void test_good_file(void **state)
{
	ptesim_layout *L;
	const struct ptesim_field *sd, *swsd;
	bool b = false;
	uint64_t v = 0;

	(void)state;
	ctx("soft-dirty on v6.10");
	L = parse_ok("base arm64-v6.10\n"
		     "name sd\n"
		     "soft-dirty 63\n"
		     "swp-soft-dirty 4\n");
	assert_string_equal(ptesim_layout_name(L), "sd");
	assert_string_equal(ptesim_layout_base(L), "arm64-v6.10");
	CHECK(ptesim_layout_has(L, PTESIM_FEAT_SOFT_DIRTY));
	CHECK(ptesim_layout_has(L, PTESIM_FEAT_UFFD_WP)); /* kept from the base */
	CHECK(ptesim_layout_has(L, PTESIM_FEAT_SWP_EXCLUSIVE));
	CHECK_NOT(ptesim_layout_soft_dirty_aliases_dirty(L));
	sd = ptesim_layout_field_find(L, "pte-soft-dirty");
	swsd = ptesim_layout_field_find(L, "swp-soft-dirty");
	CHECK(sd && sd->lo == 63 && sd->width == 1);
	CHECK(swsd && swsd->lo == 4 && swsd->width == 1);
	CHECK_INT(ptesim_layout_bit(L, PTESIM_FORM_PRESENT, 63, NULL, NULL), PTESIM_BIT_FIELD);
	CHECK_INT(ptesim_layout_bit(L, PTESIM_FORM_SWAP, 4, NULL, NULL), PTESIM_BIT_FIELD);
	/* the helpers follow the new bits */
	CHECK_INT(ptesim_helper_apply(L, "pte_mksoft_dirty", 0, &v), 0);
	CHECK_U64(v, BIT(63));
	CHECK_INT(ptesim_helper_test(L, "pte_soft_dirty", BIT(63), &b), 0);
	CHECK(b);
	CHECK_INT(ptesim_helper_apply(L, "pte_swp_mksoft_dirty", 0x1040, &v), 0);
	CHECK_U64(v, 0x1040 | BIT(4));
	CHECK_INT(ptesim_helper_apply(L, "pte_clear_soft_dirty", BIT(63) | 1, &v), 0);
	CHECK_U64(v, 1);
	/* the swap entry with the new flag decodes */
	{
		char err[128];

		CHECK_INT(ptesim_encode_swap(L, 1, 1, PTESIM_SWP_SOFT_DIRTY, &v, err, sizeof(err)), 0);
		CHECK_U64(v, UINT64_C(0x1040) | BIT(4));
	}
	ptesim_layout_free(L);

	ctx("comments and blank lines");
	L = parse_ok("# a comment\n"
		     "\n"
		     "base arm64-v6.9   # trailing comment\n"
		     "name with-comments\n");
	CHECK_NOT(ptesim_layout_has(L, PTESIM_FEAT_UFFD_WP));
	ptesim_layout_free(L);
}

/* two fields on one bit in the same form */
static void test_collision(void **state)
{
	(void)state;
	ctx("6.9 uffd-wp on 58: PTE_PROT_NONE uses it in the invalid form");
	parse_err("base arm64-v6.9\n"
		  "name wp58\n"
		  "uffd-wp 58\n"
		  "swp-uffd-wp 3\n",
		  3);
	ctx("two software fields on 56");
	parse_err("base arm64-v6.10\n"
		  "name twice\n"
		  "soft-dirty 56\n"
		  "swp-soft-dirty 4\n",
		  3);
	ctx("two swap flags on bit 3");
	parse_err("base arm64-v6.10\n"
		  "name swp3\n"
		  "soft-dirty 63\n"
		  "swp-soft-dirty 3\n",
		  4);
}

/* a software field on a bit the hardware defines in a valid descriptor */
static void test_sw_field_on_hw_bit(void **state)
{
	(void)state;
	ctx("soft-dirty 60 (POIndex / PBHA)");
	parse_err("base arm64-v6.10\n"
		  "name hw60\n"
		  "soft-dirty 60\n"
		  "swp-soft-dirty 4\n",
		  3);
	ctx("soft-dirty 59 (PBHA[0] / AttrIndx[3])");
	parse_err("base arm64-v6.10\n"
		  "name hw59\n"
		  "soft-dirty 59\n"
		  "swp-soft-dirty 4\n",
		  3);
	ctx("x86 soft-dirty 63 (NX)");
	parse_err("base x86_64\n"
		  "name nx\n"
		  "soft-dirty 63\n",
		  3);
}

/* a swap field on swp-type, swp-offset or a must-be-zero bit */
static void test_swap_field_overlaps(void **state)
{
	(void)state;
	ctx("swp-soft-dirty 11: PTE_PRESENT_INVALID must be zero in a swap pte");
	parse_err("base arm64-v6.10\n"
		  "name pi11\n"
		  "soft-dirty 63\n"
		  "swp-soft-dirty 11\n",
		  4);
	ctx("swp-soft-dirty 0: the valid bit");
	parse_err("base arm64-v6.10\n"
		  "name v0\n"
		  "soft-dirty 63\n"
		  "swp-soft-dirty 0\n",
		  4);
	ctx("swp-soft-dirty 7: swp-type 6-10");
	parse_err("base arm64-v6.10\n"
		  "name t7\n"
		  "soft-dirty 63\n"
		  "swp-soft-dirty 7\n",
		  4);
	ctx("swp-soft-dirty 30: swp-offset 12-61");
	parse_err("base arm64-v6.10\n"
		  "name o30\n"
		  "soft-dirty 63\n"
		  "swp-soft-dirty 30\n",
		  4);
	ctx("swp-soft-dirty 58 on 6.9: PTE_PROT_NONE must be zero in a swap pte");
	parse_err("base arm64-v6.9\n"
		  "name pn58\n"
		  "soft-dirty 63\n"
		  "swp-soft-dirty 58\n",
		  4);
	ctx("x86 swp-soft-dirty 8: _PAGE_PROTNONE must be zero");
	parse_err("base x86_64\n"
		  "name g8\n"
		  "swp-soft-dirty 8\n",
		  3);
}

/* MAX_SWAPFILES_SHIFT is 5 and SWP_PTE_MARKER is 31: the type needs 5 bits;
 * x86 __swp_type(x) = x >> (64 - SWP_TYPE_BITS) keeps it in the top bits */
static void test_swap_type_rules(void **state)
{
	(void)state;
	ctx("a 4-bit swap type");
	parse_err("base arm64-v6.10\nname t4\nswp-type 6-9\n", 3);
	ctx("x86 swap type below the top bits");
	parse_err("base x86_64\nname t58\nswp-type 58-62\nswp-offset 9-57\n", 3);
}

static void test_unknown_field(void **state)
{
	(void)state;
	ctx("unknown field");
	parse_err("base arm64-v6.10\n"
		  "name unk\n"
		  "frobnicate 3\n",
		  3);
	ctx("an x86 field name on arm64");
	parse_err("base arm64-v6.10\n"
		  "name x\n"
		  "saved-dirty 57\n",
		  3);
}

static void test_bad_bits(void **state)
{
	(void)state;
	ctx("not a number");
	parse_err("base arm64-v6.10\nname b1\nsoft-dirty x\nswp-soft-dirty 4\n", 3);
	ctx("range running backwards");
	parse_err("base arm64-v6.10\nname b2\nswp-type 10-6\n", 3);
	ctx("half a range");
	parse_err("base arm64-v6.10\nname b3\nswp-type 6-\n", 3);
	ctx("a one-bit field given two bits");
	parse_err("base arm64-v6.10\nname b4\nsoft-dirty 62-63\nswp-soft-dirty 4\n", 3);
	ctx("bit 64");
	parse_err("base arm64-v6.10\nname b5\nsoft-dirty 64\nswp-soft-dirty 4\n", 3);
	ctx("range past bit 63");
	parse_err("base arm64-v6.10\nname b6\nswp-offset 12-64\n", 3);
}

static void test_base_errors(void **state)
{
	(void)state;
	ctx("no base");
	parse_err("name nobase\nsoft-dirty 63\n", 1);
	ctx("no base after a comment");
	parse_err("# comment\nsoft-dirty 63\n", 2);
	ctx("unknown base");
	parse_err("base arm64-v9.99\nname nb\n", 1);
	ctx("base twice");
	parse_err("base arm64-v6.10\nname bb\nbase arm64-v6.9\n", 3);
	ctx("empty file");
	parse_err("", 1);
}

/* soft-dirty needs both a pte bit and a swap bit, uffd-wp too */
static void test_half_feature(void **state)
{
	(void)state;
	ctx("soft-dirty without swp-soft-dirty");
	parse_err("base arm64-v6.10\n"
		  "name half\n"
		  "soft-dirty 63\n",
		  3);
	ctx("swp-soft-dirty without soft-dirty");
	parse_err("base arm64-v6.10\n"
		  "name half2\n"
		  "swp-soft-dirty 4\n",
		  3);
	ctx("uffd-wp removed, swp-uffd-wp kept");
	parse_err("base arm64-v6.10\n"
		  "name half3\n"
		  "uffd-wp none\n",
		  3);
}

/* hardware fields sit where the hardware puts them */
static void test_move_hw_field(void **state)
{
	(void)state;
	ctx("af 12");
	parse_err("base arm64-v6.10\nname af12\naf 12\n", 3);
	ctx("dbm 50");
	parse_err("base arm64-v6.10\nname dbm\ndbm 50\n", 3);
	ctx("x86 rw 2");
	parse_err("base x86_64\nname rw\nrw 2\n", 3);
}

static void test_name_clash(void **state)
{
	(void)state;
	for (size_t i = 0; i < ptesim_layout_count(); i++) {
		char text[256];

		snprintf(text, sizeof(text), "base arm64-v6.10\nname %s\n", ptesim_layout_name(ptesim_layout_builtin(i)));
		ctx("name %s", ptesim_layout_name(ptesim_layout_builtin(i)));
		parse_err(text, 2);
	}
	ctx("a name that is not a name");
	parse_err("base arm64-v6.10\nname a/b\n", 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_collision),
		cmocka_unit_test(test_sw_field_on_hw_bit),
		cmocka_unit_test(test_swap_field_overlaps),
		cmocka_unit_test(test_swap_type_rules),
		cmocka_unit_test(test_unknown_field),
		cmocka_unit_test(test_bad_bits),
		cmocka_unit_test(test_base_errors),
		cmocka_unit_test(test_half_feature),
		cmocka_unit_test(test_move_hw_field),
		cmocka_unit_test(test_name_clash),
	};

	return cmocka_run_group_tests_name("layout_file", tests, NULL, NULL);
}
