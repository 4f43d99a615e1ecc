/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_TESTS_SIM_UTIL_H
#define PTESIM_TESTS_SIM_UTIL_H

/*
 * What the tests of the public simulation API share: the kernel's own
 * constants, written out from the kernel (never ptesim's PTESIM_*), and
 * short steps that fail the test when the call does. Include after
 * <cmocka.h>.
 */

#include <stdint.h>
#include <string.h>

#include "ptesim/ptesim.h"

#define K_PAGE 4096u

/* fs/proc/task_mmu.c: PM_* bits of a pagemap entry */
#define K_PM_SOFT_DIRTY (UINT64_C(1) << 55)
#define K_PM_MMAP_EXCLUSIVE (UINT64_C(1) << 56)
#define K_PM_UFFD_WP (UINT64_C(1) << 57)
#define K_PM_FILE (UINT64_C(1) << 61)
#define K_PM_SWAP (UINT64_C(1) << 62)
#define K_PM_PRESENT (UINT64_C(1) << 63)
#define K_PM_PFRAME_MASK ((UINT64_C(1) << 55) - 1)

/* include/uapi/asm-generic/mman-common.h */
#define K_PROT_READ 0x1u
#define K_PROT_WRITE 0x2u
#define K_PROT_EXEC 0x4u
#define K_MAP_SHARED 0x01u
#define K_MAP_PRIVATE 0x02u
#define K_MAP_FIXED 0x10u
#define K_MAP_ANONYMOUS 0x20u
#define K_MADV_DONTNEED 4
#define K_MADV_FREE 8
#define K_MADV_COLD 20
#define K_MADV_PAGEOUT 21
#define K_MADV_WILLNEED 3

/* include/uapi/linux/userfaultfd.h */
#define K_UFFD_FEATURE_EVENT_FORK (1u << 1)
#define K_UFFD_FEATURE_WP_ASYNC (1u << 15)
#define K_UFFDIO_REGISTER_MODE_MISSING (1u << 0)
#define K_UFFDIO_REGISTER_MODE_WP (1u << 1)

/* include/uapi/linux/fs.h: PAGEMAP_SCAN */
#define K_PAGE_IS_WPALLOWED (1u << 0)
#define K_PAGE_IS_WRITTEN (1u << 1)
#define K_PAGE_IS_FILE (1u << 2)
#define K_PAGE_IS_PRESENT (1u << 3)
#define K_PAGE_IS_SWAPPED (1u << 4)
#define K_PM_SCAN_WP_MATCHING (1u << 0)
#define K_PM_SCAN_CHECK_WPASYNC (1u << 1)

static inline ptesim_sim *sim_on(const char *layout)
{
	ptesim_sim *sim = NULL;

	assert_int_equal(ptesim_sim_new(ptesim_layout_find(layout), &sim), 0);
	return sim;
}

/* mmap of npages pages */
static inline uint64_t sim_map(ptesim_sim *sim, uint64_t npages, unsigned prot, unsigned flags, int object)
{
	uint64_t a = 0;

	assert_int_equal(ptesim_sim_mmap(sim, npages * K_PAGE, prot, flags, object, &a), 0);
	assert_int_equal(a % K_PAGE, 0);
	return a;
}

static inline uint64_t sim_map_anon(ptesim_sim *sim, uint64_t npages)
{
	return sim_map(sim, npages, K_PROT_READ | K_PROT_WRITE, K_MAP_PRIVATE | K_MAP_ANONYMOUS, -1);
}

static inline uint64_t sim_read(ptesim_sim *sim, uint64_t a)
{
	uint64_t v = UINT64_C(0xdeadbeef);

	assert_int_equal(ptesim_sim_read(sim, a, &v), 0);
	return v;
}

/* the entry at a, decoded under the simulation's layout */
static inline struct ptesim_decoded sim_entry(ptesim_sim *sim, uint64_t a)
{
	struct ptesim_decoded d;
	uint64_t e = 0;

	assert_int_equal(ptesim_sim_pte(sim, a, &e), 0);
	ptesim_decode(ptesim_sim_layout(sim), e, &d);
	return d;
}

/* the referee finds nothing wrong */
static inline void sim_referee_ok(ptesim_sim *sim)
{
	ptesim_report r;

	assert_int_equal(ptesim_check(sim, &r), 0);
	if (!r.ok)
		fail_msg("%s", r.message);
}

/* the last error message names the call and the errno */
static inline void sim_error_says(ptesim_sim *sim, const char *call, const char *errname)
{
	const char *e = ptesim_sim_error(sim);

	if (!strstr(e, call) || !strstr(e, errname))
		fail_msg("error message \"%s\" does not name %s and %s", e, call, errname);
}

#endif
