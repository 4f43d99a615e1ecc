/* SPDX-License-Identifier: MIT */
/*
 * A Check test suite that links ptesim: the simulation driven from C,
 * scenario text, and the referee's verdict as assertions (ptesim/check.h).
 *
 *   example-test-check                  the suite: every case passes
 *   example-test-check --show-failure   one case that asserts ok where the
 *                                       referee finds soft-dirty-lost, to
 *                                       show how the adapter fails a test
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ptesim/check.h>

#define PAGE PTESIM_PAGE_SIZE

static ptesim_sim *new_sim(const char *layout)
{
	ptesim_sim *sim = NULL;

	ck_assert_int_eq(ptesim_sim_new(ptesim_layout_find(layout), &sim), 0);
	return sim;
}

/* one private anonymous read-write page */
static uint64_t map_page(ptesim_sim *sim)
{
	uint64_t a = 0;

	ck_assert_int_eq(ptesim_sim_mmap(sim, PAGE, PTESIM_PROT_READ | PTESIM_PROT_WRITE,
					 PTESIM_MAP_PRIVATE | PTESIM_MAP_ANONYMOUS, -1, &a),
			 0);
	return a;
}

/* MADV_DONTNEED zaps the private page: pagemap says not present, the
 * next read faults in the zero page, and the referee agrees. */
START_TEST(dontneed_zaps)
{
	ptesim_sim *sim = new_sim("arm64-v6.19");
	uint64_t a = map_page(sim), value = 1;

	ck_assert_int_eq(ptesim_sim_write(sim, a, 7), 0);
	ck_assert_int_eq(ptesim_sim_madvise(sim, a, PAGE, PTESIM_MADV_DONTNEED), 0);
	ck_assert(!(ptesim_sim_pagemap(sim, a) & PTESIM_PM_PRESENT));
	ck_assert_int_eq(ptesim_sim_read(sim, a, &value), 0);
	ck_assert_uint_eq(value, 0);
	ck_assert_ptesim_ok(sim);
	ptesim_sim_free(sim);
}
END_TEST

/* userfaultfd write-protection: a write to a protected page waits, its
 * event is read, the unprotect wakes it and it completes. */
START_TEST(uffd_wp_blocks_write)
{
	ptesim_sim *sim = new_sim("x86_64");
	uint64_t a = map_page(sim), fault = 0, value = 0;

	ck_assert_int_eq(ptesim_sim_write(sim, a, 1), 0);
	ck_assert_int_eq(ptesim_sim_uffd_open(sim, 0), 0);
	ck_assert_int_eq(ptesim_sim_uffd_register(sim, a, PAGE, PTESIM_UFFDIO_REGISTER_MODE_WP), 0);
	ck_assert_int_eq(ptesim_sim_uffd_wp(sim, a, PAGE), 0);
	ck_assert_int_eq(ptesim_sim_write(sim, a, 2), -EAGAIN);
	ck_assert_int_eq(ptesim_sim_uffd_read_event(sim, &fault), 0);
	ck_assert_uint_eq(fault, a);
	ck_assert_int_eq(ptesim_sim_uffd_unwp(sim, a, PAGE), 0);
	ck_assert_int_eq(ptesim_sim_read(sim, a, &value), 0);
	ck_assert_uint_eq(value, 2);
	ck_assert_ptesim_ok(sim);
	ptesim_sim_free(sim);
}
END_TEST

/* Steve Capper's race: write, clear soft-dirty, write, MADV_FREE. */
static ptesim_sim *capper(const char *layout)
{
	ptesim_sim *sim = new_sim(layout);
	uint64_t a = map_page(sim);

	ck_assert_int_eq(ptesim_sim_write(sim, a, 1), 0);
	ck_assert_int_eq(ptesim_sim_clear_refs(sim, PTESIM_CLEAR_REFS_SOFT_DIRTY), 0);
	ck_assert_int_eq(ptesim_sim_write(sim, a, 2), 0);
	ck_assert_int_eq(ptesim_sim_madvise(sim, a, PAGE, PTESIM_MADV_FREE), 0);
	return sim;
}

/* Bin Lu's 2017 patch: MADV_FREE's pte_mkclean() clears soft-dirty too. */
START_TEST(capper_binlu_loses_soft_dirty)
{
	ptesim_sim *sim = capper("arm64-v4.15-binlu");

	ck_assert_ptesim_violation(sim, "soft-dirty-lost");
	ptesim_sim_free(sim);
}
END_TEST

/* Ryan Roberts' 2024 RFC gives soft-dirty a bit of its own: it survives. */
START_TEST(capper_rfc_keeps_soft_dirty)
{
	ptesim_sim *sim = capper("arm64-v6.9-rfcv1");

	ck_assert_ptesim_ok(sim);
	ptesim_sim_free(sim);
}
END_TEST

static const char capper_scenario[] = "mmap A 1 rw private anon\n"
				      "write A[0] 1\n"
				      "clear_refs soft-dirty\n"
				      "write A[0] 2\n"
				      "madvise A[0] free\n"
				      "read A[0] 2\n";

START_TEST(capper_scenario_text)
{
	ck_assert_ptesim_scenario_ok(capper_scenario, ptesim_layout_find("arm64-v6.9-rfcv1"));
	ck_assert_ptesim_scenario_violation(capper_scenario, ptesim_layout_find("arm64-v4.15-binlu"),
					    "soft-dirty-lost");
}
END_TEST

/* Run only with --show-failure: asserting ok where the referee found a
 * violation fails the test with the report as the message. */
START_TEST(capper_binlu_asserted_ok)
{
	ptesim_sim *sim = capper("arm64-v4.15-binlu");

	ck_assert_ptesim_ok(sim); /* fails here: violation soft-dirty-lost after madvise(...) */
	ptesim_sim_free(sim);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("ptesim-example");
	TCase *tc = tcase_create("sim");
	SRunner *sr;
	int failed;

	if (argc == 2 && !strcmp(argv[1], "--show-failure")) {
		tcase_add_test(tc, capper_binlu_asserted_ok);
	} else {
		tcase_add_test(tc, dontneed_zaps);
		tcase_add_test(tc, uffd_wp_blocks_write);
		tcase_add_test(tc, capper_binlu_loses_soft_dirty);
		tcase_add_test(tc, capper_rfc_keeps_soft_dirty);
		tcase_add_test(tc, capper_scenario_text);
	}
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
