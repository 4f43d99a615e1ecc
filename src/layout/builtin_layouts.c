/* SPDX-License-Identifier: MIT */
/*
 * The built-in layouts, written in the layout-file language: each era is its
 * parent plus the kernel change that made it. Sources: layouts.md of the
 * project's reference notes; arch/arm64/include/asm/pgtable{,-prot}.h of
 * 4.15, 6.9, 6.10 and 6.19; the patches named in each description.
 */
#include "layout/layout_internal.h"

const char *const builtin_layout_texts[] = {
	/* arm64 4.15: PTE_DIRTY 55, PTE_SPECIAL 56, PTE_PROT_NONE 58 (when
	 * !PTE_VALID); swap "bits 0-1: 0, 2-7 type, 8-57 offset, 58 PTE_PROT_NONE" */
	"arch arm64\n"
	"name arm64-v4.15\n"
	"helpers arm64-v4.15\n"
	"describe arm64 at 4.15: SW dirty 55, special 56, PROT_NONE 58 (only when !VALID); swap type 2-7, offset 8-57; no swap-exclusive, uffd-wp or soft-dirty\n"
	"valid 0\n"
	"table 1\n"
	"attrindx 2-4\n"
	"user 6\n"
	"rdonly 7\n"
	"sh 8-9\n"
	"af 10\n"
	"ng 11\n"
	"oa 12-47 PHYS_MASK\n"
	"dbm 51\n"
	"cont 52\n"
	"pxn 53\n"
	"uxn 54\n"
	"pte-dirty 55\n"
	"special 56\n"
	"pte-prot-none 58\n"
	"swp-zero 0-1 present (must be zero)\n"
	"swp-type 2-7\n"
	"swp-offset 8-57\n",

	/* Bin Lu, "arm64: dirty memory check, enable soft dirty for arm64",
	 * 30 Nov 2017: _PAGE_SWP_SOFT_DIRTY = 1 << (8 + 50 + 1) */
	"base arm64-v4.15\n"
	"name arm64-v4.15-binlu\n"
	"describe Bin Lu's November 2017 soft-dirty patch on 4.15: soft-dirty aliases the SW dirty bit 55 (pte_mksoft_dirty = pte_mkdirty, pte_clear_soft_dirty = pte_mkclean); swap soft-dirty 59\n"
	"soft-dirty alias-dirty\n"
	"swp-soft-dirty 59 _PAGE_SWP_SOFT_DIRTY\n",

	"base arm64-v4.15\n"
	"name arm64-v6.9\n"
	"helpers arm64-v6.9\n"
	"describe arm64 at 6.9: DEVMAP 57, PROT_NONE 58, PMD_PRESENT_INVALID 59 (pmd only); swap exclusive 2, type 3-7, offset 8-57; no uffd-wp or soft-dirty\n"
	"oa 12-49 PTE_ADDR_LOW\n"
	"gp 50\n"
	"devmap 57\n"
	"pmd-present-invalid 59\n"
	"swp-type 3-7\n"
	"swp-exclusive 2\n",

	/* Ryan Roberts, "[PATCH v1 0/5] arm64/mm: uffd write-protect and
	 * soft-dirty tracking", 19 Apr 2024, patches 1-3 */
	"base arm64-v6.9\n"
	"name arm64-v6.9-rfcv1\n"
	"describe Ryan Roberts' RFC v1 of 19 April 2024 on 6.9: PROT_NONE overlays UXN 54, PMD_PRESENT_INVALID 60, uffd-wp 58 (swap 3), soft-dirty 63 (swap 61); swap offset 4-53, type 55-59\n"
	"pte-prot-none 54\n"
	"pmd-present-invalid 60\n"
	"pte-uffd-wp 58\n"
	"pte-soft-dirty 63\n"
	"swp-offset 4-53\n"
	"swp-type 55-59\n"
	"swp-uffd-wp 3\n"
	"swp-soft-dirty 61\n",

	/* "arm64/mm: Enable userfaultfd write-protect" v4, merged for 6.10 */
	"base arm64-v6.9\n"
	"name arm64-v6.10\n"
	"helpers arm64-v6.10\n"
	"describe arm64 as merged in 6.10: PTE_PRESENT_INVALID overlays nG 11 (PROT_NONE = present-invalid, !USER, UXN), uffd-wp 58 (swap 3); swap type 6-10, offset 12-61; pte_mkwrite always clears RDONLY\n"
	"pte-prot-none none\n"
	"pmd-present-invalid none\n"
	"present-invalid 11\n"
	"pte-uffd-wp 58\n"
	"swp-type 6-10\n"
	"swp-offset 12-61\n"
	"swp-uffd-wp 3\n",

	"base arm64-v6.10\n"
	"name arm64-v6.19\n"
	"helpers arm64-v6.19\n"
	"describe arm64 upstream (6.19): as 6.10 without DEVMAP, POIndex 60-62 (in the pte_modify mask); pte_mkwrite_novma clears RDONLY only when SW-dirty\n"
	"devmap none\n"
	"po-idx 60-62\n",

	/* arch/x86/include/asm/pgtable_types.h and pgtable_64.h, upstream */
	"arch x86_64\n"
	"name x86_64\n"
	"helpers x86_64\n"
	"describe x86-64, the reference (upstream): SOFT_DIRTY 11, UFFD_WP 10, PROTNONE over GLOBAL 8, SAVED_DIRTY 58; swap soft-dirty 1, uffd-wp 2, exclusive 3, inverted offset 9-58, type 59-63\n"
	"page-present 0\n"
	"rw 1\n"
	"user 2\n"
	"pwt 3\n"
	"pcd 4\n"
	"accessed 5\n"
	"page-dirty 6\n"
	"pat 7\n"
	"global 8\n"
	"protnone 8\n"
	"special 9\n"
	"page-uffd-wp 10\n"
	"page-soft-dirty 11\n"
	"addr 12-51\n"
	"saved-dirty 58\n"
	"pkey 59-62\n"
	"nx 63\n"
	"swp-soft-dirty 1\n"
	"swp-uffd-wp 2\n"
	"swp-exclusive 3\n"
	"swp-zero 5-6 _PAGE_ACCESSED and _PAGE_DIRTY: Linux keeps them zero (Knights Landing may set them; pte_none() ignores them)\n"
	"swp-zero 7 _PAGE_PSE (pmd_present() tests it)\n"
	"swp-offset 9-58\n"
	"swp-type 59-63\n",
};

const size_t builtin_layout_count = sizeof(builtin_layout_texts) / sizeof(builtin_layout_texts[0]);
