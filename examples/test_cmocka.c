/* SPDX-License-Identifier: MIT */
/*
 * A CMocka test suite that links ptesim: the simulation driven from C,
 * scenario text, and the referee's verdict as assertions (ptesim/cmocka.h).
 *
 *   example-test-cmocka                  the suite: every case passes
 *   example-test-cmocka --show-failure   one case that asserts ok where the
 *                                        referee finds soft-dirty-lost, to
 *                                        show how the adapter fails a test
 */
#include <string.h>

#include <ptesim/cmocka.h>

#define PAGE PTESIM_PAGE_SIZE

static ptesim_sim *new_sim(const char *layout)
{
	ptesim_sim *sim = NULL;

	assert_int_equal(ptesim_sim_new(ptesim_layout_find(layout), &sim), 0);
	return sim;
}

/* one private anonymous read-write page */
static uint64_t map_page(ptesim_sim *sim)
{
	uint64_t a = 0;

	assert_int_equal(ptesim_sim_mmap(sim, PAGE, PTESIM_PROT_READ | PTESIM_PROT_WRITE,
					 PTESIM_MAP_PRIVATE | PTESIM_MAP_ANONYMOUS, -1, &a),
			 0);
	return a;
}

/* After fork both processes map the written page read-only and neither
 * reports it exclusive; the child's write copies it. */
static void cow_after_fork(void **state)
{
	ptesim_sim *sim = new_sim(*state);
	uint64_t a = map_page(sim), value = 0;
	int child;

	assert_int_equal(ptesim_sim_write(sim, a, 1), 0);
	assert_int_equal(ptesim_sim_fork(sim, &child), 0);
	assert_false(ptesim_sim_pagemap(sim, a) & PTESIM_PM_MMAP_EXCLUSIVE);
	assert_int_equal(ptesim_sim_as(sim, child), 0);
	assert_int_equal(ptesim_sim_write(sim, a, 2), 0);
	assert_true(ptesim_sim_pagemap(sim, a) & PTESIM_PM_MMAP_EXCLUSIVE);
	assert_int_equal(ptesim_sim_as(sim, 0), 0);
	assert_int_equal(ptesim_sim_read(sim, a, &value), 0);
	assert_int_equal(value, 1);
	assert_ptesim_ok(sim);
	ptesim_sim_free(sim);
}

/* Steve Capper's race: write, clear soft-dirty, write, MADV_FREE. */
static ptesim_sim *capper(const char *layout, uint64_t *a)
{
	ptesim_sim *sim = new_sim(layout);

	*a = map_page(sim);
	assert_int_equal(ptesim_sim_write(sim, *a, 1), 0);
	assert_int_equal(ptesim_sim_clear_refs(sim, PTESIM_CLEAR_REFS_SOFT_DIRTY), 0);
	assert_int_equal(ptesim_sim_write(sim, *a, 2), 0);
	assert_int_equal(ptesim_sim_madvise(sim, *a, PAGE, PTESIM_MADV_FREE), 0);
	return sim;
}

/* Bin Lu's 2017 patch aliases soft-dirty to the SW dirty bit, which
 * MADV_FREE's pte_mkclean() clears: the referee catches the lost bit. */
static void capper_binlu_loses_soft_dirty(void **state)
{
	uint64_t a;
	ptesim_sim *sim = capper("arm64-v4.15-binlu", &a);

	(void)state;
	assert_false(ptesim_sim_pagemap(sim, a) & PTESIM_PM_SOFT_DIRTY);
	assert_ptesim_violation(sim, "soft-dirty-lost");
	ptesim_sim_free(sim);
}

/* x86's soft-dirty bit of its own survives pte_mkclean(). */
static void capper_x86_keeps_soft_dirty(void **state)
{
	uint64_t a;
	ptesim_sim *sim = capper("x86_64", &a);

	(void)state;
	assert_true(ptesim_sim_pagemap(sim, a) & PTESIM_PM_SOFT_DIRTY);
	assert_ptesim_ok(sim);
	ptesim_sim_free(sim);
}

/* The same stories as scenario text, every command refereed. */
static const char cow_scenario[] = "mmap A 1 rw private anon\n"
				   "write A[0] 1\n"
				   "fork c\n"
				   "expect pagemap A[0] present=1 exclusive=0\n"
				   "as c\n"
				   "write A[0] 2\n"
				   "expect pagemap A[0] present=1 exclusive=1\n"
				   "as p0\n"
				   "read A[0] 1\n";

static const char capper_scenario[] = "mmap A 1 rw private anon\n"
				      "write A[0] 1\n"
				      "clear_refs soft-dirty\n"
				      "write A[0] 2\n"
				      "madvise A[0] free\n"
				      "read A[0] 2\n";

static void scenarios(void **state)
{
	(void)state;
	assert_ptesim_scenario_ok(cow_scenario, ptesim_layout_find("arm64-v6.10"));
	assert_ptesim_scenario_ok(capper_scenario, ptesim_layout_find("x86_64"));
	assert_ptesim_scenario_violation(capper_scenario, ptesim_layout_find("arm64-v4.15-binlu"), "soft-dirty-lost");
}

/* Run only with --show-failure: asserting ok where the referee found a
 * violation fails the test with the report as the message. The failed
 * assertion leaves the test at once: the teardown frees the simulation. */
static void capper_binlu_asserted_ok(void **state)
{
	uint64_t a;
	ptesim_sim *sim = capper("arm64-v4.15-binlu", &a);

	*state = sim;
	assert_ptesim_ok(sim); /* fails here: violation soft-dirty-lost after madvise(...) */
}

static int free_sim(void **state)
{
	ptesim_sim_free(*state);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest suite[] = {
		cmocka_unit_test_prestate(cow_after_fork, (void *)"arm64-v6.10"),
		cmocka_unit_test_prestate(cow_after_fork, (void *)"x86_64"),
		cmocka_unit_test(capper_binlu_loses_soft_dirty),
		cmocka_unit_test(capper_x86_keeps_soft_dirty),
		cmocka_unit_test(scenarios),
	};
	const struct CMUnitTest show_failure[] = {
		cmocka_unit_test_teardown(capper_binlu_asserted_ok, free_sim),
	};

	if (argc == 2 && !strcmp(argv[1], "--show-failure"))
		return cmocka_run_group_tests(show_failure, NULL, NULL);
	return cmocka_run_group_tests(suite, NULL, NULL);
}
