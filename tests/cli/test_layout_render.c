/* SPDX-License-Identifier: MIT */
/*
 * What `ptesim layout` draws for PTE markers and migration entries, and
 * `ptesim layouts --format markdown`. Expected bit positions are worked
 * out from the kernel's definitions, written next to each check:
 * include/linux/swap.h (the special swap types), swapops.h (PTE_MARKER_*,
 * SWP_MIG_*_BIT = SWP_PFN_BITS + 0/1), arm64 pgtable.h (__SWP_TYPE_SHIFT,
 * __SWP_OFFSET_SHIFT, PTE_UFFD_WP) and x86 pgtable_64.h / pgtable_types.h.
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

static void assert_has(const char *needle)
{
	ck_assert_msg(strstr(R.out, needle) != NULL, "output lacks '%s'", needle);
}

/*
 * 6.10: __SWP_TYPE_SHIFT 6 (5 bits), __SWP_OFFSET_SHIFT 12. MAX_SWAPFILES
 * = 32 - 4 device - 3 migration - 1 hwpoison - 1 marker = 23, so
 * SWP_MIGRATION_READ 24, _READ_EXCLUSIVE 25, _WRITE 26, SWP_PTE_MARKER 31.
 * PTE_MARKER_UFFD_WP is offset bit 0 (entry bit 12), POISONED bit 1 (13);
 * GUARD came in 6.15. SWP_PFN_BITS = 48 - 12 = 36: pfn 12-47, young 48,
 * dirty 49.
 */
START_TEST(markdown_marker_and_migration_arm64_v6_10)
{
	RUN("layout", "arm64-v6.10", "--format", "markdown");
	ck_assert_int_eq(R.status, 0);
	assert_has("## PTE marker (swp-type 31, SWP\\_PTE\\_MARKER)");
	assert_has("| 10-6 | `swp-type=31` | `SWP_PTE_MARKER` |");
	assert_has("| 12 | `uffd-wp` | `PTE_MARKER_UFFD_WP` |");
	assert_has("| 13 | `poisoned` | `PTE_MARKER_POISONED` |");
	ck_assert_ptr_null(strstr(R.out, "PTE_MARKER_GUARD"));
	assert_has("## migration entries (swp-type 24 read, 25 read-exclusive, 26 write)");
	assert_has("| 47-12 | `pfn` |");
	assert_has("| 48 | `young` | `SWP_MIG_YOUNG_BIT` |");
	assert_has("| 49 | `dirty` | `SWP_MIG_DIRTY_BIT` |");
	assert_has("| 61-50 | `0` |");
}
END_TEST

/*
 * x86-64: type in 59-63, offset from bit 9, stored inverted. MAX_SWAPFILES
 * = 32 - 3 - 3 - 1 - 1 = 24: migration 25-27. Markers: uffd-wp 9,
 * poisoned 10, guard 11. SWP_PFN_BITS = 46 - 12 = 34 (4-level paging):
 * pfn 9-42, young 43, dirty 44.
 */
START_TEST(text_marker_and_migration_x86_64)
{
	RUN("layout", "x86_64");
	ck_assert_int_eq(R.status, 0);
	assert_has("PTE marker (swp-type 31, SWP_PTE_MARKER)");
	assert_has("  11     guard ");
	assert_has("  9      uffd-wp ");
	assert_has("migration entries (swp-type 25 read, 26 read-exclusive, 27 write)");
	assert_has("  44     dirty ");
	assert_has("  43     young ");
	assert_has("  42-9   pfn ");
	/* the offset, and so every part of it, is stored inverted */
	assert_has("page frame number of the page under migration; stored inverted (L1TF)");
}
END_TEST

/* 4.15 has no SWP_PTE_MARKER (5.19) and migration read 28, write 29:
 * MAX_SWAPFILES = 32 - 2 - 2 - 1 = 27; no A/D bits (6.1): the pfn is the
 * whole offset, 8-57. */
START_TEST(svg_without_markers_arm64_v4_15)
{
	RUN("layout", "arm64-v4.15", "--format", "svg");
	ck_assert_int_eq(R.status, 0);
	assert_has(">PTE marker: none (arm64-v4.15 has no PTE markers)</text>");
	assert_has(">migration entries (swp-type 28 read, 29 write)</text>");
	assert_has("<title>bits 57-32: __SWP_OFFSET_SHIFT - page frame number");
	assert_has("<title>bits 31-8: __SWP_OFFSET_SHIFT - page frame number");
	ck_assert_ptr_null(strstr(R.out, "SWP_MIG_YOUNG_BIT"));
}
END_TEST

/*
 * uffd-wp: arm64 PTE_UFFD_WP bit 58 (RFC v1, 6.10, 6.19), x86
 * _PAGE_BIT_UFFD_WP = _PAGE_BIT_SOFTW2 = 10; none before. Soft-dirty:
 * RFC v1 bit 63, x86 _PAGE_BIT_SOFTW3 = 11, Bin Lu's patch aliases
 * PTE_DIRTY 55.
 */
START_TEST(layouts_markdown_compares_fields)
{
	RUN("layouts", "--format", "markdown");
	ck_assert_int_eq(R.status, 0);
	assert_has("| arm64-v4.15 | arm64-v4.15-binlu | arm64-v6.9 | arm64-v6.9-rfcv1 | arm64-v6.10 | "
		   "arm64-v6.19 | x86\\_64 |\n");
	assert_has("| `pte-uffd-wp` / `page-uffd-wp` | `PTE_UFFD_WP` / `_PAGE_UFFD_WP` | present, invalid "
		   "| - | - | - | 58 | 58 | 58 | 10 |\n");
	assert_has("| `pte-soft-dirty` / `page-soft-dirty` | `PTE_SOFT_DIRTY` / `_PAGE_SOFT_DIRTY` | "
		   "present, invalid | - | 55 (aliases `PTE_DIRTY`) | - | 63 | - | - | 11 |\n");
	/* 6.10 keeps nG for valid entries only: PTE_PRESENT_INVALID overlays it */
	assert_has("| `ng` | `PTE_NG` | present, invalid | 11 | 11 | 11 | 11 | 11 (present) | 11 (present) | - |\n");
}
END_TEST

START_TEST(layouts_markdown_adds_a_layout_file)
{
	const char *f = temp_file("base arm64-v6.10\nname v610-sd\nsoft-dirty 63\nswp-soft-dirty 4\n");

	RUN("layouts", "--layout-file", f, "--format", "markdown");
	ck_assert_int_eq(R.status, 0);
	assert_has("| arm64-v6.19 | x86\\_64 | v610-sd |\n");
	assert_has("| 63 | - | - | 11 | 63 |\n");
	RUN("layouts", "--format", "pdf");
	ck_assert_int_eq(R.status, 2);
	ck_assert_ptr_nonnull(strstr(R.err, "unknown format 'pdf'"));
	unlink(f);
}
END_TEST

/* `share` lets two fields use one bit; the drawing names the other one. */
START_TEST(shared_bit_names_both_fields)
{
	const char *f = temp_file("base arm64-v6.10\nname v610-u56\nshare uffd-wp special\nuffd-wp 56\n");

	RUN("layout", "--layout-file", f);
	ck_assert_int_eq(R.status, 0);
	assert_has("  56     pte-uffd-wp  PTE_UFFD_WP    SW     shared with special (declared never to meet)\n");
	unlink(f);
}
END_TEST

static Suite *render_suite(void)
{
	Suite *s = suite_create("layout-render");
	TCase *t = tcase_create("layout-render");

	tcase_add_test(t, markdown_marker_and_migration_arm64_v6_10);
	tcase_add_test(t, text_marker_and_migration_x86_64);
	tcase_add_test(t, svg_without_markers_arm64_v4_15);
	tcase_add_test(t, layouts_markdown_compares_fields);
	tcase_add_test(t, layouts_markdown_adds_a_layout_file);
	tcase_add_test(t, shared_bit_names_both_fields);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(render_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
