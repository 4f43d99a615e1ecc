/* SPDX-License-Identifier: MIT */
/*
 * The referee of a simulation driven from C (ptesim_check()): the report
 * of a sound machine, of the Capper race on Bin Lu's layout, the first
 * violation staying reported, checks on demand, and each invariant caught
 * on a machine broken on purpose through the internals, the way a bug in
 * the simulator would break it. The violation names are the scenario
 * language's (docs/scenarios.md).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "api/sim_internal.h"
#include "sim_util.h"

#define RW (K_PROT_READ | K_PROT_WRITE)

static ptesim_report report_of(ptesim_sim *sim)
{
	ptesim_report r;

	assert_int_equal(ptesim_check(sim, &r), 0);
	return r;
}

static void assert_violation(ptesim_sim *sim, const char *name)
{
	ptesim_report r = report_of(sim);

	if (r.ok || strcmp(r.violation, name))
		fail_msg("expected %s, the report says: %s", name, r.message);
	assert_non_null(strstr(r.message, name));
}

static void test_arguments(void **state)
{
	ptesim_sim *sim = sim_on("x86_64");
	ptesim_report r;

	(void)state;
	assert_int_equal(ptesim_check(sim, NULL), -EINVAL);
	memset(&r, 0xff, sizeof(r));
	assert_int_equal(ptesim_check(NULL, &r), -EINVAL);
	assert_false(r.ok);
	assert_true(r.message[0] != 0);
	assert_false(ptesim_report_expect(&r, NULL));
	ptesim_sim_free(sim);
}

static void test_sound_machine(void **state)
{
	ptesim_sim *sim = sim_on("arm64-v6.10");
	uint64_t a = sim_map_anon(sim, 1);
	ptesim_report r;
	int child;

	(void)state;
	assert_int_equal(ptesim_sim_write(sim, a, 1), 0);
	assert_int_equal(ptesim_sim_fork(sim, &child), 0);
	r = report_of(sim);
	assert_true(r.ok);
	assert_true(r.as_declared);
	assert_string_equal(r.violation, "");
	assert_string_equal(r.message, "ok");
	assert_true(ptesim_report_expect(&r, NULL));
	assert_false(ptesim_report_expect(&r, "soft-dirty-lost"));
	assert_non_null(strstr(r.message, "expected violation soft-dirty-lost"));
	ptesim_sim_free(sim);
}

/* write, clear soft-dirty, write, MADV_FREE */
static ptesim_sim *capper(const char *layout, unsigned flags, uint64_t *a)
{
	ptesim_sim *sim = NULL;

	assert_int_equal(ptesim_sim_new_flags(ptesim_layout_find(layout), flags, &sim), 0);
	*a = sim_map_anon(sim, 1);
	assert_int_equal(ptesim_sim_write(sim, *a, 1), 0);
	assert_int_equal(ptesim_sim_clear_refs(sim, 4), 0);
	assert_int_equal(ptesim_sim_write(sim, *a, 2), 0);
	assert_int_equal(ptesim_sim_madvise(sim, *a, K_PAGE, K_MADV_FREE), 0);
	return sim;
}

/* Bin Lu's soft-dirty is the SW dirty bit, which madvise_free_pte_range()'s
 * pte_mkclean() clears: soft-dirty-lost, found after the madvise, with
 * the page named by process and address; the clean entry is then writable
 * by DBM without a fault although tracking is armed (hw-write-untracked,
 * found by the same check, follows in the message). x86 and the 2024 RFC
 * keep their own bit. */
static void test_capper(void **state)
{
	uint64_t a;
	ptesim_sim *sim = capper("arm64-v4.15-binlu", 0, &a);
	ptesim_report r = report_of(sim);
	char page[64];

	(void)state;
	snprintf(page, sizeof(page), "p0 0x%llx", (unsigned long long)a);
	assert_false(r.ok);
	assert_string_equal(r.violation, "soft-dirty-lost");
	assert_string_equal(r.page, page);
	assert_non_null(strstr(r.where, "madvise("));
	assert_non_null(strstr(r.where, "MADV_FREE"));
	assert_non_null(strstr(r.reason, "soft-dirty=0"));
	assert_non_null(strstr(r.message, "; also hw-write-untracked"));
	assert_true(ptesim_report_expect(&r, "soft-dirty-lost"));
	ptesim_sim_free(sim);
	for (const char *const *l = (const char *const[]){ "x86_64", "arm64-v6.9-rfcv1", NULL }; *l; l++) {
		sim = capper(*l, 0, &a);
		sim_referee_ok(sim);
		ptesim_sim_free(sim);
	}
}

/* The first violation stays the report's, and each name is listed once,
 * whatever happens after. */
static void test_verdict_stays(void **state)
{
	uint64_t a;
	ptesim_sim *sim = capper("arm64-v4.15-binlu", 0, &a);
	ptesim_report r;
	const char *first;

	(void)state;
	assert_int_equal(ptesim_sim_clear_refs(sim, 4), 0);
	assert_int_equal(ptesim_sim_write(sim, a, 3), 0);
	assert_int_equal(ptesim_sim_madvise(sim, a, K_PAGE, K_MADV_FREE), 0);
	assert_int_equal(ptesim_sim_madvise(sim, a, K_PAGE, K_MADV_DONTNEED), 0);
	r = report_of(sim);
	assert_string_equal(r.violation, "soft-dirty-lost");
	first = strstr(r.message, "soft-dirty-lost");
	assert_non_null(first);
	assert_null(strstr(first + 1, "soft-dirty-lost"));
	ptesim_sim_free(sim);
}

/* Without FEAT_HAFDBS a store to the clean entry faults, and
 * pte_mkdirty() sets the aliased bit again: the loss lasts only until
 * then. Checked after every call it is caught; checked on demand after
 * the store it is not. */
static void test_check_on_demand(void **state)
{
	uint64_t a;
	ptesim_sim *each = capper("arm64-v4.15-binlu", PTESIM_SIM_NO_HAFDBS, &a);
	ptesim_sim *demand = capper("arm64-v4.15-binlu", PTESIM_SIM_NO_HAFDBS | PTESIM_SIM_CHECK_ON_DEMAND, &a);

	(void)state;
	assert_int_equal(ptesim_sim_write(each, a, 4), 0);
	assert_int_equal(ptesim_sim_write(demand, a, 4), 0);
	assert_true(ptesim_sim_pagemap(demand, a) & K_PM_SOFT_DIRTY);
	assert_violation(each, "soft-dirty-lost");
	sim_referee_ok(demand);
	ptesim_sim_free(each);
	ptesim_sim_free(demand);
	/* on demand, a check while the loss lasts finds it */
	demand = capper("arm64-v4.15-binlu", PTESIM_SIM_NO_HAFDBS | PTESIM_SIM_CHECK_ON_DEMAND, &a);
	assert_violation(demand, "soft-dirty-lost");
	ptesim_sim_free(demand);
}

/* ---------------------------------------------------------------------------
 * A machine broken on purpose: each invariant names what broke.
 */

static pte_t *entry_at(ptesim_sim *sim, int pid, uint64_t a)
{
	pte_t *ptep = mm_pte(&sim->m, &sim->m.procs[pid], a, false);

	assert_non_null(ptep);
	return ptep;
}

static struct frame *frame_at(ptesim_sim *sim, int pid, uint64_t a)
{
	return frame_of(&sim->m.frames, pte_pfn(sim->m.L, *entry_at(sim, pid, a)));
}

static ptesim_sim *on_demand(const char *layout)
{
	ptesim_sim *sim = NULL;

	assert_int_equal(ptesim_sim_new_flags(ptesim_layout_find(layout), PTESIM_SIM_CHECK_ON_DEMAND, &sim), 0);
	return sim;
}

/* arm64 6.10 leaves bits 59-62 of a valid descriptor to the hardware
 * (PBHA, AttrIndx[3], POIndex), none of them Linux's: an entry with
 * bit 59 set does not decode. */
static void test_pte_encoding(void **state)
{
	ptesim_sim *sim = on_demand("arm64-v6.10");
	uint64_t a = sim_map_anon(sim, 1);
	pte_t *ptep;
	struct ptesim_decoded d;

	(void)state;
	assert_int_equal(ptesim_sim_write(sim, a, 1), 0);
	ptep = entry_at(sim, 0, a);
	*ptep = __pte(pte_val(*ptep) | (UINT64_C(1) << 59));
	ptesim_decode(ptesim_sim_layout(sim), pte_val(*ptep), &d);
	assert_int_equal(d.kind, PTESIM_KIND_INVALID);
	assert_violation(sim, "pte-encoding");
	ptesim_sim_free(sim);
}

static void test_refcount(void **state)
{
	ptesim_sim *sim = on_demand("x86_64");
	uint64_t a = sim_map_anon(sim, 1);

	(void)state;
	assert_int_equal(ptesim_sim_write(sim, a, 1), 0);
	frame_at(sim, 0, a)->mapcount++;
	assert_violation(sim, "refcount");
	ptesim_sim_free(sim);
}

/* The parent's entry of a COW-shared page made writable again: the MMU
 * could write the child's page too. */
static void test_hw_write_untracked(void **state)
{
	ptesim_sim *sim = on_demand("arm64-v6.19");
	uint64_t a = sim_map_anon(sim, 1), e;
	pte_t *ptep;
	int child;

	(void)state;
	assert_int_equal(ptesim_sim_write(sim, a, 1), 0);
	assert_int_equal(ptesim_sim_fork(sim, &child), 0);
	ptep = entry_at(sim, 0, a);
	assert_int_equal(ptesim_helper_apply(sim->m.L, "pte_mkwrite_novma", pte_val(*ptep), &e), 0);
	*ptep = __pte(e);
	assert_violation(sim, "hw-write-untracked");
	ptesim_sim_free(sim);
}

/* A page whose data changed behind the process's back: the next read
 * returns what the memory model does not allow. */
static void test_memory_model(void **state)
{
	ptesim_sim *sim = sim_on("x86_64");
	uint64_t a = sim_map_anon(sim, 1);

	(void)state;
	assert_int_equal(ptesim_sim_write(sim, a, 1), 0);
	frame_at(sim, 0, a)->data = 99;
	assert_int_equal(sim_read(sim, a), 99);
	assert_violation(sim, "memory-model");
	assert_non_null(strstr(report_of(sim).reason, "read 0x63"));
	ptesim_sim_free(sim);
}

/* A page written after MADV_FREE must survive; one whose data is gone is
 * lazyfree-data-loss. */
static void test_lazyfree_data_loss(void **state)
{
	ptesim_sim *sim = on_demand("arm64-v6.10");
	uint64_t a = sim_map_anon(sim, 1);

	(void)state;
	assert_int_equal(ptesim_sim_write(sim, a, 1), 0);
	assert_int_equal(ptesim_sim_madvise(sim, a, K_PAGE, K_MADV_FREE), 0);
	assert_int_equal(ptesim_sim_write(sim, a, 2), 0);
	sim_referee_ok(sim);
	frame_at(sim, 0, a)->data = 0;
	assert_violation(sim, "lazyfree-data-loss");
	ptesim_sim_free(sim);
}

/* What a shared file mapping wrote is what the file's page holds. */
static void test_dirty_data_loss(void **state)
{
	ptesim_sim *sim = on_demand("x86_64");
	uint64_t a;
	int file;

	(void)state;
	assert_int_equal(ptesim_sim_object(sim, PTESIM_OBJECT_FILE, 1, &file), 0);
	a = sim_map(sim, 1, RW, K_MAP_SHARED, file);
	assert_int_equal(ptesim_sim_write(sim, a, 5), 0);
	sim_referee_ok(sim);
	frame_at(sim, 0, a)->data = 4;
	assert_violation(sim, "dirty-data-loss");
	ptesim_sim_free(sim);
}

/* A protected page whose entry lost its uffd-wp bit and became writable:
 * a synchronous store completes without an event. */
static void test_uffd_wp_missed(void **state)
{
	ptesim_sim *sim = sim_on("x86_64");
	uint64_t a = sim_map_anon(sim, 1), e;
	pte_t *ptep;

	(void)state;
	assert_int_equal(ptesim_sim_write(sim, a, 1), 0);
	assert_int_equal(ptesim_sim_uffd_open(sim, 0), 0);
	assert_int_equal(ptesim_sim_uffd_register(sim, a, K_PAGE, K_UFFDIO_REGISTER_MODE_WP), 0);
	assert_int_equal(ptesim_sim_uffd_wp(sim, a, K_PAGE), 0);
	sim_referee_ok(sim);
	ptep = entry_at(sim, 0, a);
	assert_int_equal(ptesim_helper_apply(sim->m.L, "pte_clear_uffd_wp", pte_val(*ptep), &e), 0);
	assert_int_equal(ptesim_helper_apply(sim->m.L, "pte_mkwrite_novma", e, &e), 0);
	*ptep = __pte(e);
	assert_int_equal(ptesim_sim_write(sim, a, 2), 0);
	assert_violation(sim, "uffd-wp-missed");
	ptesim_sim_free(sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arguments),
		cmocka_unit_test(test_sound_machine),
		cmocka_unit_test(test_capper),
		cmocka_unit_test(test_verdict_stays),
		cmocka_unit_test(test_check_on_demand),
		cmocka_unit_test(test_pte_encoding),
		cmocka_unit_test(test_refcount),
		cmocka_unit_test(test_hw_write_untracked),
		cmocka_unit_test(test_memory_model),
		cmocka_unit_test(test_lazyfree_data_loss),
		cmocka_unit_test(test_dirty_data_loss),
		cmocka_unit_test(test_uffd_wp_missed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
