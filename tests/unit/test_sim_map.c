/* SPDX-License-Identifier: MIT */
/*
 * Mappings and the kernel's actions on them through the public API: mmap
 * of anonymous, shared and object-backed memory, munmap, mprotect,
 * madvise, clear_refs, reclaim and migrate, with the errors the system
 * calls give and the results the kernel's rules give.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim_util.h"

#define RW (K_PROT_READ | K_PROT_WRITE)
#define PRIV_ANON (K_MAP_PRIVATE | K_MAP_ANONYMOUS)

/* do_mmap(): EINVAL for a zero length, unknown PROT bits and a missing or
 * double mapping type; EBADF for a file descriptor that is not open. */
static void test_mmap_errors(void **state)
{
	ptesim_sim *sim = sim_on("x86_64");
	uint64_t a = 0;

	(void)state;
	assert_int_equal(ptesim_sim_mmap(sim, 0, RW, PRIV_ANON, -1, &a), -EINVAL);
	sim_error_says(sim, "mmap(", "EINVAL");
	assert_int_equal(ptesim_sim_mmap(sim, K_PAGE, 0x8, PRIV_ANON, -1, &a), -EINVAL);
	assert_int_equal(ptesim_sim_mmap(sim, K_PAGE, RW, K_MAP_ANONYMOUS, -1, &a), -EINVAL);
	assert_int_equal(ptesim_sim_mmap(sim, K_PAGE, RW, K_MAP_SHARED | K_MAP_PRIVATE | K_MAP_ANONYMOUS, -1, &a),
			 -EINVAL);
	assert_int_equal(ptesim_sim_mmap(sim, K_PAGE, RW, K_MAP_PRIVATE, -1, &a), -EBADF);
	assert_int_equal(ptesim_sim_mmap(sim, K_PAGE, RW, K_MAP_SHARED, 3, &a), -EBADF);
	sim_error_says(sim, "mmap(", "EBADF");
	/* a flag the simulator does not model is refused, not ignored */
	assert_int_equal(ptesim_sim_mmap(sim, K_PAGE, RW, PRIV_ANON | K_MAP_FIXED, -1, &a), -EOPNOTSUPP);
	assert_int_equal(ptesim_sim_object(sim, (enum ptesim_object_kind)7, 1, &(int){ 0 }), -EINVAL);
	sim_referee_ok(sim);
	ptesim_sim_free(sim);
}

/* A length is rounded up to whole pages; mappings do not overlap; a page
 * not yet touched has no entry (pte_none) and pagemap reports nothing. */
static void test_mmap_anon(void **state)
{
	ptesim_sim *sim = sim_on("arm64-v6.10");
	uint64_t a = 0, b = 0, e = 1;

	(void)state;
	assert_int_equal(ptesim_sim_mmap(sim, K_PAGE + 1, RW, PRIV_ANON, -1, &a), 0);
	assert_int_equal(ptesim_sim_mmap(sim, K_PAGE, RW, PRIV_ANON, -1, &b), 0);
	assert_true(b + K_PAGE <= a || b >= a + 2 * K_PAGE);
	assert_int_equal(ptesim_sim_pte(sim, a + K_PAGE, &e), 0); /* the rounded-up page is mapped */
	assert_int_equal(e, 0);
	assert_int_equal(ptesim_sim_pagemap(sim, a), 0);
	assert_int_equal(ptesim_sim_write(sim, a + K_PAGE + 8, 3), 0); /* the page of that address */
	assert_int_equal(sim_read(sim, a + K_PAGE), 3);
	sim_referee_ok(sim);
	ptesim_sim_free(sim);
}

/* MAP_SHARED|MAP_ANONYMOUS is shmem: fork does not copy its entries
 * (vma_needs_copy() is false without an anon_vma), the child faults the
 * same page in, and each side sees the other's writes. */
static void test_shared_anon_after_fork(void **state)
{
	ptesim_sim *sim = sim_on("arm64-v6.19");
	uint64_t a = sim_map(sim, 1, RW, K_MAP_SHARED | K_MAP_ANONYMOUS, -1);
	int child;

	(void)state;
	assert_int_equal(ptesim_sim_write(sim, a, 1), 0);
	assert_int_equal(ptesim_sim_fork(sim, &child), 0);
	assert_int_equal(ptesim_sim_as(sim, child), 0);
	assert_false(ptesim_sim_pagemap(sim, a) & K_PM_PRESENT);
	assert_int_equal(sim_read(sim, a), 1);
	assert_true(ptesim_sim_pagemap(sim, a) & K_PM_FILE); /* a page-cache page */
	assert_int_equal(ptesim_sim_write(sim, a, 2), 0);
	assert_int_equal(ptesim_sim_as(sim, 0), 0);
	assert_int_equal(sim_read(sim, a), 2);
	sim_referee_ok(sim);
	ptesim_sim_free(sim);
}

/* Two mappings of one shmem object share its pages; a private mapping of
 * a file sees the file until it writes, and its write copies the page
 * (anonymous from then on: PM_FILE clear), leaving the file unchanged. */
static void test_objects(void **state)
{
	ptesim_sim *sim = sim_on("x86_64");
	int shm, file;
	uint64_t s1, s2, shared, priv;

	(void)state;
	assert_int_equal(ptesim_sim_object(sim, PTESIM_OBJECT_SHMEM, 2, &shm), 0);
	assert_int_equal(ptesim_sim_object(sim, PTESIM_OBJECT_FILE, 1, &file), 0);
	assert_int_not_equal(shm, file);
	s1 = sim_map(sim, 2, RW, K_MAP_SHARED, shm);
	s2 = sim_map(sim, 2, RW, K_MAP_SHARED, shm);
	assert_int_equal(ptesim_sim_write(sim, s1 + K_PAGE, 7), 0);
	assert_int_equal(sim_read(sim, s2 + K_PAGE), 7);
	shared = sim_map(sim, 1, RW, K_MAP_SHARED, file);
	priv = sim_map(sim, 1, RW, K_MAP_PRIVATE, file);
	assert_int_equal(ptesim_sim_write(sim, shared, 4), 0);
	assert_int_equal(sim_read(sim, priv), 4);
	assert_true(ptesim_sim_pagemap(sim, priv) & K_PM_FILE);
	assert_int_equal(ptesim_sim_write(sim, priv, 5), 0);
	assert_false(ptesim_sim_pagemap(sim, priv) & K_PM_FILE);
	assert_int_equal(sim_read(sim, shared), 4);
	sim_referee_ok(sim);
	ptesim_sim_free(sim);
}

/* munmap(): EINVAL for a misaligned address or a zero length; a hole is
 * not an error; afterwards the pages are gone (SIGSEGV, no entry). */
static void test_munmap(void **state)
{
	ptesim_sim *sim = sim_on("arm64-v6.10");
	uint64_t a = sim_map_anon(sim, 3), e;

	(void)state;
	assert_int_equal(ptesim_sim_write(sim, a + K_PAGE, 1), 0);
	assert_int_equal(ptesim_sim_munmap(sim, a + 1, K_PAGE), -EINVAL);
	assert_int_equal(ptesim_sim_munmap(sim, a, 0), -EINVAL);
	assert_int_equal(ptesim_sim_munmap(sim, a + K_PAGE, K_PAGE), 0);
	assert_int_equal(ptesim_sim_munmap(sim, a + K_PAGE, K_PAGE), 0);
	assert_int_equal(ptesim_sim_write(sim, a + K_PAGE, 2), -EFAULT);
	sim_error_says(sim, "write(", "EFAULT");
	assert_int_equal(ptesim_sim_pte(sim, a + K_PAGE, &e), -EFAULT);
	assert_int_equal(ptesim_sim_pagemap(sim, a + K_PAGE), 0);
	/* the pages either side stay */
	assert_int_equal(ptesim_sim_write(sim, a, 3), 0);
	assert_int_equal(ptesim_sim_write(sim, a + 2 * K_PAGE, 4), 0);
	sim_referee_ok(sim);
	ptesim_sim_free(sim);
}

/* mprotect(): EINVAL for a misaligned start or unknown bits, ENOMEM over
 * a hole; read-only makes a store SIGSEGV and keeps loads; PROT_NONE
 * turns a present entry into a PROT_NONE one (pte_protnone()) that no
 * access gets through. */
static void test_mprotect(void **state)
{
	ptesim_sim *sim = sim_on("arm64-v6.10");
	uint64_t a = sim_map_anon(sim, 2), v;
	struct ptesim_decoded d;

	(void)state;
	assert_int_equal(ptesim_sim_write(sim, a, 9), 0);
	assert_int_equal(ptesim_sim_mprotect(sim, a + 1, K_PAGE, K_PROT_READ), -EINVAL);
	assert_int_equal(ptesim_sim_mprotect(sim, a, K_PAGE, 0x10), -EINVAL);
	assert_int_equal(ptesim_sim_mprotect(sim, a, 4 * K_PAGE, K_PROT_READ), -ENOMEM);
	assert_int_equal(ptesim_sim_mprotect(sim, a, K_PAGE, K_PROT_READ), 0);
	assert_int_equal(ptesim_sim_write(sim, a, 10), -EFAULT);
	assert_int_equal(sim_read(sim, a), 9);
	d = sim_entry(sim, a);
	assert_true(d.pred[PTESIM_P_PRESENT]);
	assert_false(d.pred[PTESIM_P_WRITE]);
	assert_int_equal(ptesim_sim_mprotect(sim, a, K_PAGE, 0), 0);
	d = sim_entry(sim, a);
	assert_int_equal(d.kind, PTESIM_KIND_PROT_NONE);
	assert_int_equal(ptesim_sim_read(sim, a, &v), -EFAULT);
	assert_true(ptesim_sim_pagemap(sim, a) & K_PM_PRESENT); /* still mapped */
	assert_int_equal(ptesim_sim_mprotect(sim, a, K_PAGE, RW), 0);
	assert_int_equal(ptesim_sim_write(sim, a, 10), 0);
	sim_referee_ok(sim);
	ptesim_sim_free(sim);
}

/* madvise(): EINVAL for an advice the kernel has but the simulator does
 * not take and for a misaligned start; ENOMEM over a hole. MADV_DONTNEED
 * zaps: pagemap present=0, and a private anonymous page reads zero. */
static void test_madvise_dontneed(void **state)
{
	ptesim_sim *sim = sim_on("x86_64");
	uint64_t a = sim_map_anon(sim, 2), e = 1;

	(void)state;
	assert_int_equal(ptesim_sim_write(sim, a, 5), 0);
	assert_int_equal(ptesim_sim_madvise(sim, a, K_PAGE, K_MADV_WILLNEED), -EINVAL);
	assert_int_equal(ptesim_sim_madvise(sim, a + 1, K_PAGE, K_MADV_DONTNEED), -EINVAL);
	assert_int_equal(ptesim_sim_madvise(sim, a, 8 * K_PAGE, K_MADV_DONTNEED), -ENOMEM);
	sim_error_says(sim, "madvise(", "ENOMEM");
	assert_false(ptesim_sim_pagemap(sim, a) & K_PM_PRESENT);
	assert_int_equal(ptesim_sim_pte(sim, a, &e), 0);
	assert_int_equal(e, 0);
	assert_int_equal(sim_read(sim, a), 0);
	sim_referee_ok(sim);
	ptesim_sim_free(sim);
}

/* MADV_FREE: only anonymous memory (EINVAL for a file mapping). A clean
 * lazy-free page is discarded by reclaim and reads zero; one written
 * again after MADV_FREE is dirty and stays (try_to_unmap_one() finds it
 * redirtied, marks it swap-backed again and keeps it mapped). */
static void test_madvise_free(void **state)
{
	ptesim_sim *sim = sim_on("arm64-v6.10");
	uint64_t a = sim_map_anon(sim, 2);
	int file;

	(void)state;
	assert_int_equal(ptesim_sim_object(sim, PTESIM_OBJECT_FILE, 1, &file), 0);
	assert_int_equal(ptesim_sim_madvise(sim, sim_map(sim, 1, RW, K_MAP_PRIVATE, file), K_PAGE, K_MADV_FREE),
			 -EINVAL);
	assert_int_equal(ptesim_sim_write(sim, a, 1), 0);
	assert_int_equal(ptesim_sim_write(sim, a + K_PAGE, 2), 0);
	assert_int_equal(ptesim_sim_madvise(sim, a, 2 * K_PAGE, K_MADV_FREE), 0);
	assert_int_equal(ptesim_sim_write(sim, a + K_PAGE, 3), 0);
	assert_int_equal(ptesim_sim_reclaim(sim, a, 2 * K_PAGE), 0);
	assert_int_equal(ptesim_sim_pagemap(sim, a) & (K_PM_PRESENT | K_PM_SWAP), 0);
	assert_int_equal(sim_read(sim, a), 0);
	assert_true(ptesim_sim_pagemap(sim, a + K_PAGE) & K_PM_PRESENT);
	assert_int_equal(sim_read(sim, a + K_PAGE), 3);
	sim_referee_ok(sim);
	ptesim_sim_free(sim);
}

/* MADV_COLD deactivates and ages: the entry is old afterwards
 * (madvise_cold_or_pageout_pte_range() clears the young bit).
 * MADV_PAGEOUT reclaims a page this process maps alone (swap=1) and
 * leaves one mapped by two processes (after fork) present. */
static void test_madvise_cold_pageout(void **state)
{
	ptesim_sim *sim = sim_on("x86_64");
	uint64_t a = sim_map_anon(sim, 1), b = sim_map_anon(sim, 1);
	int child;

	(void)state;
	assert_int_equal(ptesim_sim_write(sim, a, 1), 0);
	assert_true(sim_entry(sim, a).pred[PTESIM_P_YOUNG]);
	assert_int_equal(ptesim_sim_madvise(sim, a, K_PAGE, K_MADV_COLD), 0);
	assert_false(sim_entry(sim, a).pred[PTESIM_P_YOUNG]);
	assert_int_equal(ptesim_sim_madvise(sim, a, K_PAGE, K_MADV_PAGEOUT), 0);
	assert_true(ptesim_sim_pagemap(sim, a) & K_PM_SWAP);
	assert_int_equal(sim_read(sim, a), 1);
	assert_int_equal(ptesim_sim_write(sim, b, 2), 0);
	assert_int_equal(ptesim_sim_fork(sim, &child), 0);
	assert_int_equal(ptesim_sim_madvise(sim, b, K_PAGE, K_MADV_PAGEOUT), 0);
	assert_true(ptesim_sim_pagemap(sim, b) & K_PM_PRESENT);
	sim_referee_ok(sim);
	ptesim_sim_free(sim);
}

/* /proc/PID/clear_refs: 1-5, EINVAL otherwise. 4 clears soft-dirty (a
 * write sets it again); 1 clears the young bits. A layout without
 * soft-dirty never reports it (pte_soft_dirty() is the generic stub). */
static void test_clear_refs(void **state)
{
	ptesim_sim *sim = sim_on("x86_64"), *nosd = sim_on("arm64-v6.10");
	uint64_t a = sim_map_anon(sim, 1), b = sim_map_anon(nosd, 1);

	(void)state;
	assert_int_equal(ptesim_sim_clear_refs(sim, 0), -EINVAL);
	assert_int_equal(ptesim_sim_clear_refs(sim, 6), -EINVAL);
	sim_error_says(sim, "clear_refs(6)", "EINVAL");
	assert_int_equal(ptesim_sim_write(sim, a, 1), 0);
	assert_true(ptesim_sim_pagemap(sim, a) & K_PM_SOFT_DIRTY);
	assert_int_equal(ptesim_sim_clear_refs(sim, 4), 0);
	assert_false(ptesim_sim_pagemap(sim, a) & K_PM_SOFT_DIRTY);
	assert_int_equal(ptesim_sim_write(sim, a, 2), 0);
	assert_true(ptesim_sim_pagemap(sim, a) & K_PM_SOFT_DIRTY);
	assert_int_equal(ptesim_sim_clear_refs(sim, 1), 0);
	assert_false(sim_entry(sim, a).pred[PTESIM_P_YOUNG]);
	assert_int_equal(ptesim_sim_clear_refs(sim, 5), 0);
	sim_referee_ok(sim);
	assert_int_equal(ptesim_sim_write(nosd, b, 1), 0);
	assert_false(ptesim_sim_pagemap(nosd, b) & K_PM_SOFT_DIRTY);
	assert_int_equal(ptesim_sim_clear_refs(nosd, 4), 0);
	assert_int_equal(ptesim_sim_write(nosd, b, 2), 0);
	assert_false(ptesim_sim_pagemap(nosd, b) & K_PM_SOFT_DIRTY);
	sim_referee_ok(nosd);
	ptesim_sim_free(sim);
	ptesim_sim_free(nosd);
}

/* reclaim: a private anonymous page goes to swap (pagemap swap=1, the
 * swap type in bits 0-4: type 0, the only device) and comes back on the
 * next access; EINVAL for a misaligned start. A page mapped by two
 * processes is unmapped from both. */
static void test_reclaim(void **state)
{
	ptesim_sim *sim = sim_on("arm64-v6.19");
	uint64_t a = sim_map_anon(sim, 1), pm;
	int child;

	(void)state;
	assert_int_equal(ptesim_sim_reclaim(sim, a + 1, K_PAGE), -EINVAL);
	assert_int_equal(ptesim_sim_write(sim, a, 6), 0);
	assert_int_equal(ptesim_sim_fork(sim, &child), 0);
	assert_int_equal(ptesim_sim_reclaim(sim, a, K_PAGE), 0);
	pm = ptesim_sim_pagemap(sim, a);
	assert_true(pm & K_PM_SWAP);
	assert_false(pm & K_PM_PRESENT);
	assert_int_equal(pm & 0x1f, 0);
	assert_int_equal(ptesim_sim_as(sim, child), 0);
	assert_true(ptesim_sim_pagemap(sim, a) & K_PM_SWAP);
	assert_int_equal(sim_read(sim, a), 6);
	assert_true(ptesim_sim_pagemap(sim, a) & K_PM_PRESENT);
	sim_referee_ok(sim);
	ptesim_sim_free(sim);
}

/* migrate: the page moves to another frame (pagemap's pfn changes), keeps
 * its data and stays mapped; EINVAL for a misaligned start. */
static void test_migrate(void **state)
{
	ptesim_sim *sim = sim_on("arm64-v6.10");
	uint64_t a = sim_map_anon(sim, 1), before, after;

	(void)state;
	assert_int_equal(ptesim_sim_migrate(sim, a + 1, K_PAGE), -EINVAL);
	assert_int_equal(ptesim_sim_write(sim, a, 8), 0);
	before = ptesim_sim_pagemap(sim, a);
	assert_int_equal(ptesim_sim_migrate(sim, a, K_PAGE), 0);
	after = ptesim_sim_pagemap(sim, a);
	assert_true(after & K_PM_PRESENT);
	assert_int_not_equal(before & K_PM_PFRAME_MASK, after & K_PM_PFRAME_MASK);
	assert_int_equal(sim_read(sim, a), 8);
	sim_referee_ok(sim);
	ptesim_sim_free(sim);
}

/* After fork of a written private anonymous page both entries are
 * write-protected (copy_present_pte(): ptep_set_wrprotect() and
 * pte_wrprotect()) and pagemap says exclusive=0 on both sides; on x86 the
 * child's entry is old (pte_mkold() for the child). */
static void test_fork_write_protects(void **state)
{
	ptesim_sim *sim = sim_on("x86_64");
	uint64_t a = sim_map_anon(sim, 1), pfn;
	struct ptesim_decoded d;
	int child;

	(void)state;
	assert_int_equal(ptesim_sim_write(sim, a, 1), 0);
	assert_true(sim_entry(sim, a).pred[PTESIM_P_WRITE]);
	assert_int_equal(ptesim_sim_fork(sim, &child), 0);
	d = sim_entry(sim, a);
	assert_false(d.pred[PTESIM_P_WRITE]);
	assert_true(d.pred[PTESIM_P_DIRTY]);
	assert_false(ptesim_sim_pagemap(sim, a) & K_PM_MMAP_EXCLUSIVE);
	assert_int_equal(ptesim_sim_as(sim, child), 0);
	d = sim_entry(sim, a);
	assert_false(d.pred[PTESIM_P_WRITE]);
	assert_false(d.pred[PTESIM_P_YOUNG]);
	assert_false(ptesim_sim_pagemap(sim, a) & K_PM_MMAP_EXCLUSIVE);
	/* one page, mapped by both */
	pfn = ptesim_sim_pagemap(sim, a) & K_PM_PFRAME_MASK;
	assert_int_equal(ptesim_sim_as(sim, 0), 0);
	assert_int_equal(ptesim_sim_pagemap(sim, a) & K_PM_PFRAME_MASK, pfn);
	sim_referee_ok(sim);
	ptesim_sim_free(sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mmap_errors),
		cmocka_unit_test(test_mmap_anon),
		cmocka_unit_test(test_shared_anon_after_fork),
		cmocka_unit_test(test_objects),
		cmocka_unit_test(test_munmap),
		cmocka_unit_test(test_mprotect),
		cmocka_unit_test(test_madvise_dontneed),
		cmocka_unit_test(test_madvise_free),
		cmocka_unit_test(test_madvise_cold_pageout),
		cmocka_unit_test(test_clear_refs),
		cmocka_unit_test(test_reclaim),
		cmocka_unit_test(test_migrate),
		cmocka_unit_test(test_fork_write_protects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
