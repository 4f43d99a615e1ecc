/* SPDX-License-Identifier: MIT */
/*
 * Swap-out and swap-in through the machine: try_to_unmap_one(),
 * do_swap_page() with the swap cache, fork's swap_duplicate(), zap's
 * free_swap_and_cache(). Expected bits follow the kernel's rules: a swap
 * entry keeps exclusive, soft-dirty and uffd-wp of the entry it replaces;
 * pagemap reports SWAP with frame = type | offset << 5.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "mm/mm.h"
#include "ptesim/ptesim.h"
#include "machine_util.h"

static void setup(const char *layout, struct machine *m, int *pid, uint64_t *va, uint64_t value)
{
	assert_int_equal(machine_init(m, ptesim_layout_find(layout), true), 0);
	assert_int_equal(mm_new(m, pid), 0);
	assert_int_equal(mm_mmap(m, *pid, 2, VM_READ | VM_WRITE, false, BACKING_ANON, 0, va), 0);
	assert_int_equal(mm_access(m, *pid, *va, true, &value), ACCESS_OK);
}

static void swap_out_and_in(const char *layout, bool expect_soft_dirty, bool expect_dirty_after_read)
{
	struct machine m;
	int pid;
	uint64_t va, value = 0, pm;
	struct ptesim_decoded d;

	setup(layout, &m, &pid, &va, 0x11);
	assert_int_equal(mm_swap_out(&m, mm_page_frame(&m, pid, va)), 0);
	assert_consistent(&m);
	pm = mm_pagemap(&m, pid, va);
	assert_true(pm & PM_SWAP);
	assert_false(pm & PM_PRESENT);
	/* type 0, offset 1 (offset 0 is the swap header) */
	assert_int_equal(pm & PM_PFRAME_MASK, UINT64_C(1) << 5);
	ptesim_decode(m.L, entry_of(&m, pid, va), &d);
	assert_int_equal(d.kind, PTESIM_KIND_SWAP);
	assert_int_equal(d.swap_type, 0);
	assert_int_equal(d.swap_offset, 1);
	assert_true(d.pred[PTESIM_P_EXCLUSIVE]); /* the page was PageAnonExclusive */
	assert_int_equal(d.pred[PTESIM_P_SOFT_DIRTY], expect_soft_dirty);

	assert_int_equal(mm_access(&m, pid, va, false, &value), ACCESS_OK);
	assert_int_equal(value, 0x11);
	assert_consistent(&m);
	ptesim_decode(m.L, entry_of(&m, pid, va), &d);
	assert_int_equal(d.kind, PTESIM_KIND_PRESENT);
	/* exclusive and VM_WRITE: pte_mkwrite() at once */
	assert_true(d.pred[PTESIM_P_WRITE]);
	assert_int_equal(d.pred[PTESIM_P_DIRTY], expect_dirty_after_read);
	assert_true(mm_pagemap(&m, pid, va) & PM_MMAP_EXCLUSIVE);
	machine_destroy(&m);
}

static void test_swap_x86(void **state)
{
	(void)state;
	/* x86 pte_mkdirty() set _PAGE_SOFT_DIRTY on the write fault; pte_mkwrite()
	 * sets RW only, so the swapped-in page is clean */
	swap_out_and_in("x86_64", true, false);
}

static void test_swap_arm64_v6_10(void **state)
{
	(void)state;
	/* 6.10's pte_mkwrite_novma() clears PTE_RDONLY: the page reads hw-dirty */
	swap_out_and_in("arm64-v6.10", false, true);
}

static void test_swap_arm64_v6_19(void **state)
{
	(void)state;
	/* 6.19 keeps a clean swapped-in page writable-clean */
	swap_out_and_in("arm64-v6.19", false, false);
}

static void test_fork_shares_swap(void **state)
{
	struct machine m;
	int p0, c;
	uint64_t va, value = 0;
	struct ptesim_decoded d;

	(void)state;
	setup("x86_64", &m, &p0, &va, 0x22);
	assert_int_equal(mm_swap_out(&m, mm_page_frame(&m, p0, va)), 0);
	assert_int_equal(mm_fork(&m, p0, &c), 0);
	assert_int_equal(m.swap.slots[1].count, 2);
	/* copy_nonpresent_pte(): the parent's entry is no longer exclusive */
	ptesim_decode(m.L, entry_of(&m, p0, va), &d);
	assert_false(d.pred[PTESIM_P_EXCLUSIVE]);
	assert_consistent(&m);
	assert_int_equal(mm_access(&m, c, va, false, &value), ACCESS_OK);
	assert_int_equal(value, 0x22);
	assert_int_equal(mm_access(&m, p0, va, false, &value), ACCESS_OK);
	assert_consistent(&m);
	/* both map the page from the swap cache, read-only and not exclusive */
	assert_int_equal(mm_page_frame(&m, p0, va), mm_page_frame(&m, c, va));
	assert_false(mm_pagemap(&m, p0, va) & PM_MMAP_EXCLUSIVE);
	ptesim_decode(m.L, entry_of(&m, c, va), &d);
	assert_false(d.pred[PTESIM_P_WRITE]);
	/* the child's write copies */
	value = 0x33;
	assert_int_equal(mm_access(&m, c, va, true, &value), ACCESS_OK);
	assert_true(mm_page_frame(&m, p0, va) != mm_page_frame(&m, c, va));
	assert_int_equal(mm_access(&m, p0, va, false, &value), ACCESS_OK);
	assert_int_equal(value, 0x22);
	assert_consistent(&m);
	machine_destroy(&m);
}

static void test_zap_frees_slot(void **state)
{
	struct machine m;
	int pid;
	uint64_t va;

	(void)state;
	setup("arm64-v6.10", &m, &pid, &va, 0x44);
	assert_int_equal(mm_swap_out(&m, mm_page_frame(&m, pid, va)), 0);
	assert_int_equal(m.swap.used, 1);
	assert_int_equal(mm_madvise_dontneed(&m, pid, va, PAGE_SIZE), 0);
	assert_int_equal(m.swap.used, 0);
	assert_int_equal(entry_of(&m, pid, va), 0);
	assert_consistent(&m);
	machine_destroy(&m);
}

static void test_swap_off(void **state)
{
	struct machine m;
	int pid;
	uint64_t va;

	(void)state;
	setup("x86_64", &m, &pid, &va, 1);
	m.swap.on = false;
	assert_int_equal(mm_swap_out(&m, mm_page_frame(&m, pid, va)), -ENOSPC);
	assert_true(mm_pagemap(&m, pid, va) & PM_PRESENT);
	machine_destroy(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_swap_x86),
		cmocka_unit_test(test_swap_arm64_v6_10),
		cmocka_unit_test(test_swap_arm64_v6_19),
		cmocka_unit_test(test_fork_shares_swap),
		cmocka_unit_test(test_zap_frees_slot),
		cmocka_unit_test(test_swap_off),
	};

	return cmocka_run_group_tests_name("machine_swap", tests, NULL, NULL);
}
