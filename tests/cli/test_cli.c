/* SPDX-License-Identifier: MIT */
/*
 * The ptesim command as a user drives it. Expected values are written from
 * the kernel's encodings (arch/arm64/include/asm/pgtable.h, x86
 * pgtable_64.h), not from ptesim's output.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_cli.h"

static struct cli_result R;

#define RUN(...) run_cli(&R, (const char *const[]){ __VA_ARGS__, NULL })

/* A usage error: exit 2, nothing on stdout, one line on stderr naming it. */
static void assert_usage_error(const char *needle)
{
	ck_assert_int_eq(R.status, 2);
	ck_assert_str_eq(R.out, "");
	ck_assert_msg(strstr(R.err, needle) != NULL, "stderr '%s' lacks '%s'", R.err, needle);
	ck_assert_msg(strchr(R.err, '\n') == R.err + strlen(R.err) - 1, "stderr is not one line: '%s'", R.err);
}

START_TEST(bad_input_is_one_line_and_exit_2)
{
	RUN("decode", "--layout", "arm64-v9.99", "0x1");
	assert_usage_error("unknown layout 'arm64-v9.99'");
	RUN("decode", "--layout", "arm64-v6.10", "0xzz");
	assert_usage_error("not a 64-bit number");
	RUN("decode", "--layout", "arm64-v6.10", "0x10000000000000000");
	assert_usage_error("not a 64-bit number");
	RUN("decode", "--layout", "arm64-v6.10", "18446744073709551616");
	assert_usage_error("not a 64-bit number");
	RUN("encode", "--layout", "arm64-v6.10", "af=2");
	assert_usage_error("does not fit");
	RUN("encode", "--layout", "arm64-v6.10", "bogus=1");
	assert_usage_error("no field 'bogus'");
	RUN("encode", "--layout", "arm64-v6.9", "swap", "3", "5", "uffd-wp");
	assert_usage_error("has no uffd-wp");
	RUN("encode", "--layout", "arm64-v6.10", "swap", "3", "0x4000000000000");
	assert_usage_error("does not fit");
	RUN("encode", "--layout", "arm64-v4.15", "marker", "uffd-wp");
	assert_usage_error("no PTE markers");
	RUN("frobnicate");
	assert_usage_error("unknown command");
	RUN("layout", "nope");
	assert_usage_error("neither a layout");
	RUN("layout", "arm64-v6.10", "--format", "pdf");
	assert_usage_error("unknown format");
	RUN("encode", "--layout", "arm64-v6.10", "ng=1", "present-invalid=0");
	assert_usage_error("both set bit 11");
}
END_TEST

START_TEST(no_arguments_prints_usage)
{
	RUN("help");
	ck_assert_int_eq(R.status, 0);
	ck_assert_ptr_nonnull(strstr(R.out, "decode"));
	run_cli(&R, (const char *const[]){ NULL });
	ck_assert_int_eq(R.status, 2);
	RUN("kernel-diff", "--help");
	ck_assert_int_eq(R.status, 0);
	ck_assert_ptr_nonnull(strstr(R.out, "kernel-diff --random"));
}
END_TEST

START_TEST(layouts_lists_the_seven)
{
	static const char *const names[] = { "arm64-v4.15 ", "arm64-v4.15-binlu ", "arm64-v6.9 ",
					     "arm64-v6.9-rfcv1 ", "arm64-v6.10 ", "arm64-v6.19 ", "x86_64 " };

	RUN("layouts");
	ck_assert_int_eq(R.status, 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_msg(strstr(R.out, names[i]), "missing %s", names[i]);
}
END_TEST

/* PAGE_SHARED on 6.10 with pfn 0x1234: USER|RDONLY|NG|PXN|UXN|WRITE over
 * PTE_TYPE_PAGE|AF|SHARED: writable-clean */
START_TEST(decode_writable_clean_arm64)
{
	RUN("decode", "--layout", "arm64-v6.10", "0x0068000001234fc3");
	ck_assert_int_eq(R.status, 0);
	ck_assert_msg(strstr(R.out, "present user young writable-clean (DBM=1 RDONLY=1) uffd-wp=0 pfn=0x1234"),
		      "got: %s", R.out);
}
END_TEST

/* 6.10 swap: type << 6 | offset << 12, exclusive bit 2, uffd-wp bit 3 */
START_TEST(encode_swap_arm64_v6_10)
{
	RUN("encode", "--layout", "arm64-v6.10", "swap", "3", "0x1234", "exclusive");
	ck_assert_int_eq(R.status, 0);
	ck_assert_str_eq(R.out, "0x00000000012340c4\n");
	RUN("decode", "--layout", "arm64-v6.10", "0x00000000012340cc");
	ck_assert_msg(strstr(R.out, "swap type=3 offset=0x1234 exclusive=1 uffd-wp=1"), "got: %s", R.out);
}
END_TEST

/* x86-64: type in 59-63, ~offset from bit 9, soft-dirty 1, uffd-wp 2, exclusive 3 */
START_TEST(encode_swap_x86_64)
{
	char want[32];
	unsigned long long off = 0x1234, type = 3;
	unsigned long long v = ((~off << 14) >> 5) | (type << 59) | 0x2 | 0x4 | 0x8;

	snprintf(want, sizeof(want), "0x%016llx\n", v);
	RUN("encode", "--layout", "x86_64", "swap", "3", "0x1234", "exclusive", "uffd-wp", "soft-dirty");
	ck_assert_int_eq(R.status, 0);
	ck_assert_str_eq(R.out, want);
}
END_TEST

/* SWP_PTE_MARKER = 31, PTE_MARKER_UFFD_WP = 1 */
START_TEST(encode_markers)
{
	RUN("encode", "--layout", "arm64-v6.10", "marker", "uffd-wp");
	ck_assert_str_eq(R.out, "0x00000000000017c0\n");
	RUN("encode", "--layout", "arm64-v6.9-rfcv1", "marker", "uffd-wp");
	ck_assert_str_eq(R.out, "0x0f80000000000010\n");
	RUN("encode", "--layout", "x86_64", "marker", "uffd-wp");
	ck_assert_str_eq(R.out, "0xfffffffffffffc00\n");
	RUN("decode", "--layout", "x86_64", "0xfffffffffffffc00");
	ck_assert_msg(strstr(R.out, "pte-marker uffd-wp"), "got: %s", R.out);
}
END_TEST

START_TEST(encode_fields_by_name)
{
	/* VALID 0, TABLE 1, AF 10, DBM 51 */
	RUN("encode", "--layout", "arm64-v6.10", "valid=1", "table=1", "af=1", "dbm=1", "rdonly=1", "user=1",
	    "oa=0x1234");
	ck_assert_int_eq(R.status, 0);
	ck_assert_str_eq(R.out, "0x00080000012344c3\n");
	/* Linux names work too */
	RUN("encode", "--layout", "arm64-v6.10", "PTE_VALID=1", "PTE_UFFD_WP=1");
	ck_assert_str_eq(R.out, "0x0400000000000001\n");
	/* and the meanings both architectures share: x86 _PAGE_PRESENT 0,
	 * _PAGE_RW 1, _PAGE_USER 2, _PAGE_ACCESSED 5, _PAGE_DIRTY 6,
	 * _PAGE_SOFT_DIRTY 11, pfn from bit 12 */
	RUN("encode", "--layout", "x86_64", "valid=1", "write=1", "user=1", "young=1", "pfn=0x1234",
	    "hw-dirty=1", "soft-dirty=1");
	ck_assert_str_eq(R.out, "0x0000000001234867\n");
	/* Bin Lu's soft-dirty is PTE_DIRTY, bit 55 */
	RUN("encode", "--layout", "arm64-v4.15-binlu", "soft-dirty=1");
	ck_assert_str_eq(R.out, "0x0080000000000000\n");
}
END_TEST

START_TEST(decode_json_has_kind_predicates_and_fields)
{
	RUN("decode", "--layout", "arm64-v6.10", "--format", "json", "0x00000000012340c4");
	ck_assert_int_eq(R.status, 0);
	ck_assert_ptr_nonnull(strstr(R.out, "\"layout\": \"arm64-v6.10\""));
	ck_assert_ptr_nonnull(strstr(R.out, "\"kind\": \"swap\""));
	ck_assert_ptr_nonnull(strstr(R.out, "\"exclusive\": 1"));
	ck_assert_ptr_nonnull(strstr(R.out, "\"swap-type\": 3"));
	ck_assert_ptr_nonnull(strstr(R.out, "\"swap-offset\": 4660"));
	ck_assert_ptr_nonnull(strstr(R.out, "\"swp-exclusive\": 1"));
	ck_assert_ptr_nonnull(strstr(R.out, "\"af\": null"));
	ck_assert_ptr_null(strstr(R.out, "\"pfn\""));
}
END_TEST

START_TEST(decode_without_layout_shows_every_layout)
{
	RUN("decode", "0x17c0");
	ck_assert_int_eq(R.status, 0);
	ck_assert_ptr_nonnull(strstr(R.out, "arm64-v4.15 "));
	ck_assert_ptr_nonnull(strstr(R.out, "x86_64 "));
	/* 6.9 swap type in bits 3-7: 0x17c0 >> 3 & 31 = 24 = SWP_MIGRATION_READ */
	ck_assert_ptr_nonnull(strstr(R.out, "migration-read type=24"));
}
END_TEST

START_TEST(layout_file_good)
{
	const char *f = temp_file("# soft-dirty for 6.10 on bit 63, swap bit 4\n"
				  "base arm64-v6.10\nname v610-sd\nsoft-dirty 63\nswp-soft-dirty 4\n");

	RUN("layouts", "--layout-file", f);
	ck_assert_int_eq(R.status, 0);
	ck_assert_ptr_nonnull(strstr(R.out, "v610-sd "));
	RUN("encode", "--layout-file", f, "swap", "3", "1", "soft-dirty");
	/* (3 << 6) | (1 << 12) | (1 << 4) */
	ck_assert_str_eq(R.out, "0x00000000000010d0\n");
	RUN("diff", "arm64-v6.10", f);
	ck_assert_int_eq(R.status, 0);
	ck_assert_ptr_nonnull(strstr(R.out, "appeared  pte-soft-dirty       63"));
	ck_assert_ptr_nonnull(strstr(R.out, "gained soft-dirty"));
	unlink(f);
}
END_TEST

START_TEST(layout_file_errors_name_the_line)
{
	const char *f = temp_file("base arm64-v6.10\nname bad\nsoft-dirty 60\nswp-soft-dirty 4\n");
	char want[128];

	RUN("decode", "--layout-file", f, "0x1");
	snprintf(want, sizeof(want), "%s:3: error: ", f);
	assert_usage_error(want);
	assert_usage_error("hardware defines bit 60");
	unlink(f);

	f = temp_file("base arm64-v6.10\nname bad2\nsoft-dirty 63\nswp-soft-dirty 11\n");
	RUN("layout", "--layout-file", f);
	snprintf(want, sizeof(want), "%s:4: error: ", f);
	assert_usage_error(want);
	assert_usage_error("PTE_PRESENT_INVALID");
	unlink(f);

	f = temp_file("base arm64-v6.9\nname bad3\nuffd-wp 58\nswp-uffd-wp 3\n");
	RUN("layout", "--layout-file", f);
	snprintf(want, sizeof(want), "%s:3: error: ", f);
	assert_usage_error(want);
	assert_usage_error("pte-prot-none");
	unlink(f);
}
END_TEST

START_TEST(diff_v6_9_to_v6_10)
{
	RUN("diff", "arm64-v6.9", "arm64-v6.10");
	ck_assert_int_eq(R.status, 0);
	ck_assert_ptr_nonnull(strstr(R.out, "vanished  pte-prot-none        58"));
	ck_assert_ptr_nonnull(strstr(R.out, "appeared  present-invalid      11"));
	ck_assert_ptr_nonnull(strstr(R.out, "moved     swp-type             7-3     -> 10-6"));
	ck_assert_ptr_nonnull(strstr(R.out, "gained uffd-wp"));
	ck_assert_ptr_nonnull(strstr(R.out, "pte_mkinvalid"));
}
END_TEST

START_TEST(helper_applies_kernel_helper)
{
	/* 4.15 pte_wrprotect of a HW-dirty entry (DBM=1, RDONLY=0) keeps no dirt:
	 * PTE_WRITE cleared, PTE_RDONLY set, PTE_DIRTY still clear */
	RUN("helper", "--layout", "arm64-v4.15", "pte_wrprotect", "0x0008000000000443");
	ck_assert_int_eq(R.status, 0);
	ck_assert_ptr_nonnull(strstr(R.out, "= 0x00000000000004c3"));
	RUN("helper", "--layout", "arm64-v6.10", "pte_wrprotect", "0x0008000000000443");
	ck_assert_ptr_nonnull(strstr(R.out, "= 0x00800000000004c3"));
	RUN("helper", "--layout", "arm64-v6.9", "pte_mkinvalid", "0x1");
	assert_usage_error("not defined");
}
END_TEST

static Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *t = tcase_create("cli");

	tcase_add_test(t, bad_input_is_one_line_and_exit_2);
	tcase_add_test(t, no_arguments_prints_usage);
	tcase_add_test(t, layouts_lists_the_seven);
	tcase_add_test(t, decode_writable_clean_arm64);
	tcase_add_test(t, encode_swap_arm64_v6_10);
	tcase_add_test(t, encode_swap_x86_64);
	tcase_add_test(t, encode_markers);
	tcase_add_test(t, encode_fields_by_name);
	tcase_add_test(t, decode_json_has_kind_predicates_and_fields);
	tcase_add_test(t, decode_without_layout_shows_every_layout);
	tcase_add_test(t, layout_file_good);
	tcase_add_test(t, layout_file_errors_name_the_line);
	tcase_add_test(t, diff_v6_9_to_v6_10);
	tcase_add_test(t, helper_applies_kernel_helper);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cli_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
