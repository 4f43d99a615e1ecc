/* SPDX-License-Identifier: MIT */
/*
 * The simulation object and its processes through the public API: bad
 * arguments, layouts by name and from layout-file text, fork, acting as
 * another process, exit, and the last error's message.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim_util.h"

static void test_new_refuses_bad_arguments(void **state)
{
	ptesim_sim *sim = (ptesim_sim *)1;

	(void)state;
	assert_int_equal(ptesim_sim_new(NULL, &sim), -EINVAL);
	assert_null(sim);
	assert_int_equal(ptesim_sim_new(ptesim_layout_find("x86_64"), NULL), -EINVAL);
	/* an option bit ptesim does not define */
	assert_int_equal(ptesim_sim_new_flags(ptesim_layout_find("x86_64"), 0x100, &sim), -EINVAL);
	assert_null(sim);
	ptesim_sim_free(NULL);
}

/* A layout from a layout file: a 6.10 with soft-dirty on bit 63, whose
 * soft-dirty the simulation then shows (a new page is soft-dirty:
 * do_anonymous_page() maps it with pte_mksoft_dirty()). */
static void test_layout_from_file(void **state)
{
	static const char text[] = "base arm64-v6.10\nname sd63\nsoft-dirty 63\nswp-soft-dirty 4\n";
	ptesim_layout *L = NULL;
	ptesim_sim *sim = NULL;
	char err[256];
	uint64_t a, e = 0;

	(void)state;
	assert_int_equal(ptesim_layout_parse(text, "sd63.layout", &L, err, sizeof(err)), 0);
	assert_int_equal(ptesim_sim_new(L, &sim), 0);
	assert_ptr_equal(ptesim_sim_layout(sim), L);
	a = sim_map_anon(sim, 1);
	assert_int_equal(ptesim_sim_write(sim, a, 1), 0);
	assert_true(ptesim_sim_pagemap(sim, a) & K_PM_SOFT_DIRTY);
	assert_int_equal(ptesim_sim_pte(sim, a, &e), 0);
	assert_true(e & (UINT64_C(1) << 63));
	sim_referee_ok(sim);
	ptesim_sim_free(sim);
	ptesim_layout_free(L);
}

/* A read fault on shared shmem maps PAGE_SHARED, writable and clean
 * (DBM=1, PTE_RDONLY=1). A store: with FEAT_HAFDBS the MMU clears
 * PTE_RDONLY and the software PTE_DIRTY (bit 55) stays clear; without it
 * the store faults and handle_pte_fault()'s pte_mkdirty() sets PTE_DIRTY
 * and clears PTE_RDONLY. */
static uint64_t shmem_store_entry(unsigned flags)
{
	ptesim_sim *sim = NULL;
	uint64_t a, e = 0;
	int obj;

	assert_int_equal(ptesim_sim_new_flags(ptesim_layout_find("arm64-v6.10"), flags, &sim), 0);
	assert_int_equal(ptesim_sim_object(sim, PTESIM_OBJECT_SHMEM, 1, &obj), 0);
	a = sim_map(sim, 1, K_PROT_READ | K_PROT_WRITE, K_MAP_SHARED, obj);
	assert_int_equal(sim_read(sim, a), 0);
	assert_int_equal(ptesim_sim_pte(sim, a, &e), 0);
	assert_true(e & (UINT64_C(1) << 7));  /* PTE_RDONLY */
	assert_true(e & (UINT64_C(1) << 51)); /* PTE_DBM */
	assert_int_equal(ptesim_sim_write(sim, a, 5), 0);
	assert_int_equal(ptesim_sim_pte(sim, a, &e), 0);
	assert_false(e & (UINT64_C(1) << 7));
	sim_referee_ok(sim);
	ptesim_sim_free(sim);
	return e;
}

static void test_no_hafdbs_option(void **state)
{
	(void)state;
	assert_false(shmem_store_entry(0) & (UINT64_C(1) << 55));
	assert_true(shmem_store_entry(PTESIM_SIM_NO_HAFDBS) & (UINT64_C(1) << 55));
}

/* Without swap, reclaim cannot write an anonymous page out: it stays. */
static void test_no_swap_option(void **state)
{
	ptesim_sim *sim = NULL;
	uint64_t a;

	(void)state;
	assert_int_equal(ptesim_sim_new_flags(ptesim_layout_find("x86_64"), PTESIM_SIM_NO_SWAP, &sim), 0);
	a = sim_map_anon(sim, 1);
	assert_int_equal(ptesim_sim_write(sim, a, 5), 0);
	assert_int_equal(ptesim_sim_reclaim(sim, a, K_PAGE), 0);
	assert_true(ptesim_sim_pagemap(sim, a) & K_PM_PRESENT);
	assert_int_equal(sim_read(sim, a), 5);
	sim_referee_ok(sim);
	ptesim_sim_free(sim);
}

/* fork gives the child the next pid and leaves the parent current; the
 * child sees the parent's private data, and its own writes stay its own. */
static void test_fork_and_act_as(void **state)
{
	ptesim_sim *sim = sim_on("arm64-v6.19");
	uint64_t a = sim_map_anon(sim, 1);
	int child = -1, grandchild = -1;

	(void)state;
	assert_int_equal(ptesim_sim_current(sim), 0);
	assert_int_equal(ptesim_sim_write(sim, a, 10), 0);
	assert_int_equal(ptesim_sim_fork(sim, &child), 0);
	assert_int_equal(child, 1);
	assert_int_equal(ptesim_sim_current(sim), 0);
	assert_int_equal(ptesim_sim_as(sim, child), 0);
	assert_int_equal(ptesim_sim_current(sim), child);
	assert_int_equal(sim_read(sim, a), 10);
	assert_int_equal(ptesim_sim_write(sim, a, 11), 0);
	assert_int_equal(ptesim_sim_fork(sim, &grandchild), 0);
	assert_int_equal(grandchild, 2);
	assert_int_equal(ptesim_sim_as(sim, grandchild), 0);
	assert_int_equal(sim_read(sim, a), 11);
	assert_int_equal(ptesim_sim_as(sim, 0), 0);
	assert_int_equal(sim_read(sim, a), 10);
	sim_referee_ok(sim);
	ptesim_sim_free(sim);
}

static void test_as_unknown_process(void **state)
{
	ptesim_sim *sim = sim_on("x86_64");

	(void)state;
	assert_int_equal(ptesim_sim_as(sim, 1), -ESRCH);
	sim_error_says(sim, "as(1)", "ESRCH");
	assert_int_equal(ptesim_sim_as(sim, -1), -ESRCH);
	assert_int_equal(ptesim_sim_exit(sim, 7), -ESRCH);
	assert_int_equal(ptesim_sim_current(sim), 0);
	ptesim_sim_free(sim);
}

/* exit zaps the child's mappings: the parent's COW-shared page is mapped
 * once again, which pagemap reports as exclusive (PM_MMAP_EXCLUSIVE when
 * the page's mapcount is 1). An exited process cannot be named again, and
 * calls acting as an exited current process give ESRCH. */
static void test_exit(void **state)
{
	ptesim_sim *sim = sim_on("arm64-v6.10");
	uint64_t a = sim_map_anon(sim, 1), b;
	int child;

	(void)state;
	assert_int_equal(ptesim_sim_write(sim, a, 1), 0);
	assert_int_equal(ptesim_sim_fork(sim, &child), 0);
	assert_false(ptesim_sim_pagemap(sim, a) & K_PM_MMAP_EXCLUSIVE);
	assert_int_equal(ptesim_sim_exit(sim, child), 0);
	assert_true(ptesim_sim_pagemap(sim, a) & K_PM_MMAP_EXCLUSIVE);
	assert_int_equal(ptesim_sim_as(sim, child), -ESRCH);
	assert_int_equal(ptesim_sim_exit(sim, child), -ESRCH);
	sim_referee_ok(sim);
	assert_int_equal(ptesim_sim_exit(sim, 0), 0);
	assert_int_equal(ptesim_sim_write(sim, a, 2), -ESRCH);
	sim_error_says(sim, "write", "ESRCH");
	assert_int_equal(ptesim_sim_fork(sim, &child), -ESRCH);
	assert_int_equal(ptesim_sim_mmap_anon(sim, 1, &b), -ESRCH);
	assert_int_equal(ptesim_sim_pagemap(sim, a), 0);
	ptesim_sim_free(sim);
}

/* The last error: empty before any, then one line naming the call, its
 * arguments and the errno; a later failure replaces it. */
static void test_error_message(void **state)
{
	ptesim_sim *sim = sim_on("x86_64");
	uint64_t a = sim_map_anon(sim, 2);

	(void)state;
	assert_string_equal(ptesim_sim_error(sim), "");
	assert_int_equal(ptesim_sim_munmap(sim, a + 1, K_PAGE), -EINVAL);
	sim_error_says(sim, "munmap(", "EINVAL");
	assert_int_equal(ptesim_sim_mprotect(sim, a + 8 * K_PAGE, K_PAGE, K_PROT_READ), -ENOMEM);
	sim_error_says(sim, "mprotect(", "ENOMEM");
	assert_null(strchr(ptesim_sim_error(sim), '\n'));
	ptesim_sim_free(sim);
}

/* Two simulations side by side share nothing. */
static void test_two_simulations(void **state)
{
	ptesim_sim *x = sim_on("x86_64"), *y = sim_on("x86_64");
	uint64_t ax = sim_map_anon(x, 1), ay = sim_map_anon(y, 1);

	(void)state;
	assert_int_equal(ptesim_sim_write(x, ax, 1), 0);
	assert_int_equal(ptesim_sim_write(y, ay, 2), 0);
	assert_int_equal(sim_read(x, ax), 1);
	assert_int_equal(sim_read(y, ay), 2);
	ptesim_sim_free(x);
	assert_int_equal(sim_read(y, ay), 2);
	ptesim_sim_free(y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_refuses_bad_arguments),
		cmocka_unit_test(test_layout_from_file),
		cmocka_unit_test(test_no_hafdbs_option),
		cmocka_unit_test(test_no_swap_option),
		cmocka_unit_test(test_fork_and_act_as),
		cmocka_unit_test(test_as_unknown_process),
		cmocka_unit_test(test_exit),
		cmocka_unit_test(test_error_message),
		cmocka_unit_test(test_two_simulations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
