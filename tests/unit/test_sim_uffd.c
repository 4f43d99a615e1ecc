/* SPDX-License-Identifier: MIT */
/*
 * userfaultfd write-protection and PAGEMAP_SCAN through the public API:
 * the ioctls' errors (fs/userfaultfd.c, mm/userfaultfd.c,
 * fs/proc/task_mmu.c) and what protection does to writes, events and
 * pagemap.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim_util.h"

#define RW (K_PROT_READ | K_PROT_WRITE)
#define WP K_UFFDIO_REGISTER_MODE_WP

/* userfaultfd_api(): EINVAL for a feature the kernel does not offer (the
 * write-protect ones need CONFIG_HAVE_ARCH_USERFAULTFD_WP: arm64 before
 * 6.10 has none) and for a second UFFDIO_API on one context. */
static void test_open_errors(void **state)
{
	ptesim_sim *old = sim_on("arm64-v6.9"), *sim = sim_on("arm64-v6.10");

	(void)state;
	assert_int_equal(ptesim_sim_uffd_open(old, K_UFFD_FEATURE_WP_ASYNC), -EINVAL);
	sim_error_says(old, "uffd_open(", "EINVAL");
	assert_int_equal(ptesim_sim_uffd_open(old, 0), 0);
	assert_int_equal(ptesim_sim_uffd_open(sim, K_UFFD_FEATURE_WP_ASYNC), 0);
	assert_int_equal(ptesim_sim_uffd_open(sim, 0), -EINVAL);
	ptesim_sim_free(old);
	ptesim_sim_free(sim);
}

/* UFFDIO_REGISTER: EBADF without a userfaultfd; EINVAL for no mode, a
 * misaligned or empty range, a range with no mapping, and a private file
 * mapping without WP_ASYNC (vma_can_userfault()); MODE_MISSING is not
 * modelled (EOPNOTSUPP). UFFDIO_WRITEPROTECT: ENOENT on memory that is
 * not registered (mwriteprotect_range()). */
static void test_register_errors(void **state)
{
	ptesim_sim *sim = sim_on("x86_64");
	uint64_t a = sim_map_anon(sim, 2);
	int file;

	(void)state;
	assert_int_equal(ptesim_sim_uffd_register(sim, a, K_PAGE, WP), -EBADF);
	assert_int_equal(ptesim_sim_uffd_wp(sim, a, K_PAGE), -EBADF);
	assert_int_equal(ptesim_sim_uffd_unregister(sim, a, K_PAGE), -EBADF);
	assert_int_equal(ptesim_sim_uffd_open(sim, 0), 0);
	assert_int_equal(ptesim_sim_uffd_register(sim, a, K_PAGE, 0), -EINVAL);
	assert_int_equal(ptesim_sim_uffd_register(sim, a, K_PAGE, K_UFFDIO_REGISTER_MODE_MISSING), -EOPNOTSUPP);
	assert_int_equal(ptesim_sim_uffd_register(sim, a + 1, K_PAGE, WP), -EINVAL);
	assert_int_equal(ptesim_sim_uffd_register(sim, a, 0, WP), -EINVAL);
	assert_int_equal(ptesim_sim_uffd_register(sim, a + 64 * K_PAGE, K_PAGE, WP), -EINVAL);
	assert_int_equal(ptesim_sim_object(sim, PTESIM_OBJECT_FILE, 1, &file), 0);
	assert_int_equal(ptesim_sim_uffd_register(sim, sim_map(sim, 1, RW, K_MAP_PRIVATE, file), K_PAGE, WP), -EINVAL);
	assert_int_equal(ptesim_sim_uffd_wp(sim, a, K_PAGE), -ENOENT);
	sim_error_says(sim, "uffd_wp(", "ENOENT");
	sim_referee_ok(sim);
	ptesim_sim_free(sim);
}

/* Synchronous write-protection: pagemap reports uffd-wp; a store waits
 * (EAGAIN) with a write-protect event queued for its page; reading the
 * event takes it; the unprotect wakes the store, which completes. */
static void test_sync_write_waits(void **state)
{
	ptesim_sim *sim = sim_on("arm64-v6.10");
	uint64_t a = sim_map_anon(sim, 2), fault = 0;

	(void)state;
	assert_int_equal(ptesim_sim_write(sim, a + K_PAGE, 1), 0);
	assert_int_equal(ptesim_sim_uffd_read_event(sim, &fault), -EBADF);
	assert_int_equal(ptesim_sim_uffd_open(sim, 0), 0);
	assert_int_equal(ptesim_sim_uffd_register(sim, a, 2 * K_PAGE, WP), 0);
	assert_int_equal(ptesim_sim_uffd_wp(sim, a, 2 * K_PAGE), 0);
	assert_true(ptesim_sim_pagemap(sim, a + K_PAGE) & K_PM_UFFD_WP);
	assert_false(sim_entry(sim, a + K_PAGE).pred[PTESIM_P_WRITE]);
	assert_int_equal(ptesim_sim_uffd_read_event(sim, &fault), -EAGAIN);
	assert_int_equal(ptesim_sim_write(sim, a + K_PAGE, 2), -EAGAIN);
	sim_error_says(sim, "write(", "EAGAIN");
	assert_int_equal(ptesim_sim_uffd_read_event(sim, &fault), 0);
	assert_int_equal(fault, a + K_PAGE);
	assert_int_equal(ptesim_sim_uffd_read_event(sim, &fault), -EAGAIN);
	assert_int_equal(sim_read(sim, a + K_PAGE), 1);
	assert_int_equal(ptesim_sim_uffd_unwp(sim, a + K_PAGE, K_PAGE), 0);
	assert_false(ptesim_sim_pagemap(sim, a + K_PAGE) & K_PM_UFFD_WP);
	assert_int_equal(sim_read(sim, a + K_PAGE), 2);
	sim_referee_ok(sim);
	ptesim_sim_free(sim);
}

/* WP_ASYNC: a store to a protected page completes at once, queues no
 * event, and resolves the protection (pagemap uffd-wp=0); UFFDIO_UNREGISTER
 * drops the protection of the others. */
static void test_async_and_unregister(void **state)
{
	ptesim_sim *sim = sim_on("x86_64");
	uint64_t a = sim_map_anon(sim, 2), fault;

	(void)state;
	assert_int_equal(ptesim_sim_write(sim, a, 1), 0);
	assert_int_equal(ptesim_sim_write(sim, a + K_PAGE, 1), 0);
	assert_int_equal(ptesim_sim_uffd_open(sim, K_UFFD_FEATURE_WP_ASYNC), 0);
	assert_int_equal(ptesim_sim_uffd_register(sim, a, 2 * K_PAGE, WP), 0);
	assert_int_equal(ptesim_sim_uffd_wp(sim, a, 2 * K_PAGE), 0);
	assert_int_equal(ptesim_sim_write(sim, a, 2), 0);
	assert_int_equal(ptesim_sim_uffd_read_event(sim, &fault), -EAGAIN);
	assert_false(ptesim_sim_pagemap(sim, a) & K_PM_UFFD_WP);
	assert_true(ptesim_sim_pagemap(sim, a + K_PAGE) & K_PM_UFFD_WP);
	assert_int_equal(ptesim_sim_uffd_unregister(sim, a, 2 * K_PAGE), 0);
	assert_false(ptesim_sim_pagemap(sim, a + K_PAGE) & K_PM_UFFD_WP);
	assert_int_equal(ptesim_sim_uffd_wp(sim, a, K_PAGE), -ENOENT);
	sim_referee_ok(sim);
	ptesim_sim_free(sim);
}

/* pagemap_scan_get_args(): EINVAL for unknown flags or categories and a
 * misaligned start, EFAULT for a range beyond user space; EPERM for
 * CHECK_WPASYNC over memory not registered with WP_ASYNC. */
static void test_scan_errors(void **state)
{
	ptesim_sim *sim = sim_on("x86_64");
	uint64_t a = sim_map_anon(sim, 1);
	struct ptesim_page_region vec[2];
	struct ptesim_pm_scan_arg arg = { .start = a, .end = a + K_PAGE, .vec = vec, .vec_len = 2 };

	(void)state;
	arg.flags = 1u << 2;
	assert_int_equal(ptesim_sim_pagemap_scan(sim, &arg), -EINVAL);
	arg.flags = 0;
	arg.category_mask = 1u << 8;
	assert_int_equal(ptesim_sim_pagemap_scan(sim, &arg), -EINVAL);
	arg.category_mask = 0;
	arg.start = a + 1;
	assert_int_equal(ptesim_sim_pagemap_scan(sim, &arg), -EINVAL);
	arg.start = a;
	arg.end = UINT64_C(1) << 62;
	assert_int_equal(ptesim_sim_pagemap_scan(sim, &arg), -EFAULT);
	arg.end = a + K_PAGE;
	arg.flags = K_PM_SCAN_CHECK_WPASYNC;
	assert_int_equal(ptesim_sim_pagemap_scan(sim, &arg), -EPERM);
	sim_error_says(sim, "pagemap_scan(", "EPERM");
	ptesim_sim_free(sim);
}

/* Regions of present pages, and max_pages: with pages 0, 1, 4 and 5 of
 * six written, want=present max_pages=2 returns [0, 2) and the walk ends
 * at page 4, the next matching page (as the live kernel does:
 * tests/scenarios/scan-max-pages-walk-end.pts). */
static void test_scan_regions(void **state)
{
	ptesim_sim *sim = sim_on("arm64-v6.19");
	uint64_t a = sim_map_anon(sim, 6);
	struct ptesim_page_region vec[4];
	struct ptesim_pm_scan_arg arg = { .start = a, .end = a + 6 * K_PAGE, .category_mask = K_PAGE_IS_PRESENT,
					  .return_mask = K_PAGE_IS_PRESENT, .vec = vec, .vec_len = 4 };

	(void)state;
	for (unsigned p = 0; p < 6; p++)
		if (p != 2 && p != 3)
			assert_int_equal(ptesim_sim_write(sim, a + p * K_PAGE, p + 1), 0);
	assert_int_equal(ptesim_sim_pagemap_scan(sim, &arg), 2);
	assert_int_equal(vec[0].start, a);
	assert_int_equal(vec[0].end, a + 2 * K_PAGE);
	assert_int_equal(vec[0].categories, K_PAGE_IS_PRESENT);
	assert_int_equal(vec[1].start, a + 4 * K_PAGE);
	assert_int_equal(vec[1].end, a + 6 * K_PAGE);
	assert_int_equal(arg.walk_end, a + 6 * K_PAGE);
	arg.max_pages = 2;
	assert_int_equal(ptesim_sim_pagemap_scan(sim, &arg), 1);
	assert_int_equal(vec[0].end, a + 2 * K_PAGE);
	assert_int_equal(arg.walk_end, a + 4 * K_PAGE);
	sim_referee_ok(sim);
	ptesim_sim_free(sim);
}

/* WP_MATCHING with WP_ASYNC: the written pages are returned and protected
 * again in the same call; the next scan finds none written. */
static void test_scan_wp_matching(void **state)
{
	ptesim_sim *sim = sim_on("arm64-v6.10");
	uint64_t a = sim_map_anon(sim, 3);
	struct ptesim_page_region vec[3];
	struct ptesim_pm_scan_arg arg = { .start = a, .end = a + 3 * K_PAGE,
					  .flags = K_PM_SCAN_WP_MATCHING | K_PM_SCAN_CHECK_WPASYNC,
					  .category_mask = K_PAGE_IS_WRITTEN, .return_mask = K_PAGE_IS_WRITTEN,
					  .vec = vec, .vec_len = 3 };

	(void)state;
	assert_int_equal(ptesim_sim_uffd_open(sim, K_UFFD_FEATURE_WP_ASYNC), 0);
	assert_int_equal(ptesim_sim_uffd_register(sim, a, 3 * K_PAGE, WP), 0);
	assert_int_equal(ptesim_sim_uffd_wp(sim, a, 3 * K_PAGE), 0);
	assert_int_equal(ptesim_sim_write(sim, a + K_PAGE, 1), 0);
	assert_int_equal(ptesim_sim_pagemap_scan(sim, &arg), 1);
	assert_int_equal(vec[0].start, a + K_PAGE);
	assert_int_equal(vec[0].end, a + 2 * K_PAGE);
	assert_true(ptesim_sim_pagemap(sim, a + K_PAGE) & K_PM_UFFD_WP);
	assert_int_equal(ptesim_sim_pagemap_scan(sim, &arg), 0);
	sim_referee_ok(sim);
	ptesim_sim_free(sim);
}

/* The write watch builds on WP_ASYNC: a userfaultfd already open without
 * it cannot serve (EINVAL). */
static void test_write_watch_needs_async(void **state)
{
	ptesim_sim *sim = sim_on("x86_64");
	uint64_t a = sim_map_anon(sim, 1);

	(void)state;
	assert_int_equal(ptesim_sim_uffd_open(sim, 0), 0);
	assert_int_equal(ptesim_write_watch_enable(sim, a, K_PAGE), -EINVAL);
	sim_error_says(sim, "write_watch_enable(", "EINVAL");
	ptesim_sim_free(sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_register_errors),
		cmocka_unit_test(test_sync_write_waits),
		cmocka_unit_test(test_async_and_unregister),
		cmocka_unit_test(test_scan_errors),
		cmocka_unit_test(test_scan_regions),
		cmocka_unit_test(test_scan_wp_matching),
		cmocka_unit_test(test_write_watch_needs_async),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
