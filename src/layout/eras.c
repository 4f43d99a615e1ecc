/* SPDX-License-Identifier: MIT */
/*
 * Helper sets and the era facts that are not bit positions.
 *
 * Special swap types (include/linux/swap.h, with CONFIG_MIGRATION,
 * CONFIG_DEVICE_PRIVATE and CONFIG_MEMORY_FAILURE, as distributions build):
 *   4.15:  HWPOISON 1, MIGRATION 2 (read, write), DEVICE 2; no PTE markers;
 *          MAX_SWAPFILES = 32 - 5 = 27
 *   6.9/6.10: HWPOISON 1, MIGRATION 3 (+ read-exclusive), DEVICE 4,
 *          SWP_PTE_MARKER 1: MAX_SWAPFILES = 23
 *   6.19:  DEVICE 3 (one device-exclusive type): MAX_SWAPFILES = 24
 * Migration A/D bits (6.1+): SWP_MIG_YOUNG_BIT = SWP_PFN_BITS =
 *   MAX_PHYSMEM_BITS - PAGE_SHIFT: 48 - 12 = 36 on arm64 with 48-bit PA;
 *   46 - 12 = 34 on x86-64 with 4-level paging.
 * PTE markers: UFFD_WP (5.19), POISONED (6.5), GUARD (6.15).
 * arm64 4.15 protections (pgtable-prot.h): MT_NORMAL 4, no PTE_NG in
 * PAGE_NONE, PAGE_EXECONLY for VM_EXEC alone (reverted in v5.5), and no
 * PTE_RDONLY in PAGE_SHARED (added by aa57157be69f in v5.4).
 * User table descriptors: arm64 PMD_TYPE_TABLE, with PMD_TABLE_PXN in the
 * 6.x eras (pgalloc.h of 6.12; 4.15 sets the type only); x86 _PAGE_TABLE.
 */
#include <pthread.h>
#include <string.h>

#include "arch/pgtable.h"

static struct era eras[5];
static pthread_once_t eras_once = PTHREAD_ONCE_INIT;

static void eras_init(void)
{
	eras[0] = (struct era){ .name = "arm64-v4.15", .arch = PTESIM_ARCH_ARM64, .max_swapfiles = 27,
				.hwpoison_num = 1, .migration_num = 2, .device_num = 2, .marker_mask = 0,
				.mig_ad_bit = -1, .mt_normal = 4, .user_ng = true, .none_ng = false,
				.exec_only = true, .user_table_bits = 3, .mm_4_15 = true,
				.ops = arm64_ops("arm64-v4.15") };
	eras[1] = (struct era){ .name = "arm64-v6.9", .arch = PTESIM_ARCH_ARM64, .max_swapfiles = 23,
				.hwpoison_num = 1, .migration_num = 3, .device_num = 4,
				.marker_mask = PTE_MARKER_UFFD_WP | PTE_MARKER_POISONED, .mig_ad_bit = 36,
				.mt_normal = 0, .user_ng = true, .none_ng = true, .exec_only = false, .shared_clean = true,
				/* PMD_TYPE_TABLE | PMD_TABLE_PXN */
				.user_table_bits = 3 | (UINT64_C(1) << 59), .ops = arm64_ops("arm64-v6.9") };
	eras[2] = eras[1];
	eras[2].name = "arm64-v6.10";
	eras[2].ops = arm64_ops("arm64-v6.10");
	eras[3] = eras[2];
	eras[3].name = "arm64-v6.19";
	eras[3].max_swapfiles = 24;
	eras[3].device_num = 3;
	eras[3].marker_mask = PTE_MARKER_UFFD_WP | PTE_MARKER_POISONED | PTE_MARKER_GUARD;
	eras[3].ops = arm64_ops("arm64-v6.19");
	eras[4] = (struct era){ .name = "x86_64", .arch = PTESIM_ARCH_X86_64, .max_swapfiles = 24,
				.hwpoison_num = 1, .migration_num = 3, .device_num = 3,
				.marker_mask = PTE_MARKER_UFFD_WP | PTE_MARKER_POISONED | PTE_MARKER_GUARD,
				.mig_ad_bit = 34,
				/* _PAGE_TABLE: PRESENT|RW|USER|ACCESSED|DIRTY */
				.user_table_bits = 0x67, .ops = x86_64_ops() };
}

const struct era *era_find(const char *name)
{
	pthread_once(&eras_once, eras_init);
	for (size_t i = 0; i < sizeof(eras) / sizeof(eras[0]); i++)
		if (!strcmp(eras[i].name, name))
			return &eras[i];
	return NULL;
}
