/* SPDX-License-Identifier: MIT */
/*
 * The explorer against what the kernel's rules say it must find, and must
 * not. Capper's race: on Bin Lu's 2017 layout soft-dirty is the SW dirty
 * bit, so madvise_free_pte_range()'s pte_mkclean() clears it; the shortest
 * sequence is a soft-dirty clear, a write, MADV_FREE (three operations:
 * the write must follow the clear, and something must clean the entry
 * after it). x86 keeps _PAGE_SOFT_DIRTY in pte_mkclean() and the 2024 RFC
 * has a bit of its own, so neither loses soft-dirty at any depth.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "explore/menu.h"
#include "explore/search.h"
#include "scenario/run.h"
#include "scenario/run_canon.h"

static struct explore_options options(const char *layout, unsigned depth)
{
	struct explore_options o = {
		.layout = ptesim_layout_find(layout), .depth = depth, .pages = 1, .procs = 2, .nmaps = 1,
		.map = { XMAP_PRIVATE_ANON }, .ops = (1u << XOP_COUNT) - 1, .invariants = (1u << SCN_V_COUNT) - 1,
		.hafdbs = true, .swap = true, .uffd_async = true, .jobs = 1,
	};

	ck_assert_ptr_nonnull(o.layout);
	return o;
}

static const struct explore_counterexample *found(const struct explore_result *r, enum scn_violation v)
{
	for (unsigned i = 0; i < r->nfound; i++)
		if (r->found[i].violation == v)
			return &r->found[i];
	return NULL;
}

/* The file must run on its own and break the invariant, as declared. */
static void runs_and_fails(const char *text, const ptesim_layout *L, enum scn_violation v)
{
	static const struct run_options quiet = { 0 };
	struct scn_program *p;
	struct run_result r;
	char err[256];

	ck_assert_msg(!scn_parse(text, "<counterexample>", &p, err, sizeof(err)), "%s", err);
	scn_run(p, L, &quiet, &r);
	ck_assert_int_eq(r.status, RUN_FAIL);
	ck_assert(r.violations & 1u << v);
	ck_assert(scn_result_as_declared(p, L, &r));
	scn_program_free(p);
}

START_TEST(capper_race_found_shortest)
{
	struct explore_options o = options("arm64-v4.15-binlu", 6);
	struct explore_result r;
	const struct explore_counterexample *c;
	char err[256];

	o.invariants = 1u << SCN_V_SOFT_DIRTY_LOST;
	ck_assert_int_eq(explore_run(&o, &r, err, sizeof(err)), 0);
	c = found(&r, SCN_V_SOFT_DIRTY_LOST);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->steps, 3);
	ck_assert_ptr_nonnull(strstr(c->scenario, "madvise A[0] free"));
	runs_and_fails(c->scenario, o.layout, SCN_V_SOFT_DIRTY_LOST);
	explore_result_free(&r);

	/* nothing shorter exists: two steps find nothing */
	o.depth = 2;
	ck_assert_int_eq(explore_run(&o, &r, err, sizeof(err)), 0);
	ck_assert_uint_eq(r.nfound, 0);
	ck_assert(r.complete);
}
END_TEST

static void clean_to_depth_6(const char *layout)
{
	struct explore_options o = options(layout, 6);
	struct explore_result r;
	char err[256];

	o.invariants = 1u << SCN_V_SOFT_DIRTY_LOST;
	ck_assert_int_eq(explore_run(&o, &r, err, sizeof(err)), 0);
	ck_assert_msg(r.nfound == 0, "%s: %s", layout, r.nfound ? r.found[0].scenario : "");
	ck_assert(r.complete);
	ck_assert_uint_eq(r.depth_done, 6);
	ck_assert_uint_gt(r.states, 1000);
	explore_result_free(&r);
}

START_TEST(x86_keeps_soft_dirty)
{
	clean_to_depth_6("x86_64");
}
END_TEST

START_TEST(rfc_keeps_soft_dirty)
{
	clean_to_depth_6("arm64-v6.9-rfcv1");
}
END_TEST

/* uffd-wp moved onto PTE_SPECIAL: pte_mkuffd_wp() then marks an anon page
 * special, vm_normal_page() stops seeing it, and its map count no longer
 * matches the tables. */
START_TEST(uffd_wp_on_a_used_bit)
{
	static const char file[] = "base arm64-v6.10\n"
				   "name arm64-v6.10-uffd56\n"
				   "share uffd-wp special\n"
				   "uffd-wp 56\n";
	struct explore_options o = options("arm64-v6.10", 4);
	struct explore_result r;
	ptesim_layout *L;
	char err[256];

	ck_assert_msg(!ptesim_layout_parse(file, "uffd56.layout", &L, err, sizeof(err)), "%s", err);
	o.layout = L;
	ck_assert_int_eq(explore_run(&o, &r, err, sizeof(err)), 0);
	ck_assert_uint_gt(r.nfound, 0);
	ck_assert_ptr_nonnull(found(&r, SCN_V_REFCOUNT));
	ck_assert_ptr_nonnull(strstr(found(&r, SCN_V_REFCOUNT)->scenario, "uffd wp A[0]"));
	explore_result_free(&r);

	/* the same search on the layout as merged finds nothing */
	o.layout = ptesim_layout_find("arm64-v6.10");
	ck_assert_int_eq(explore_run(&o, &r, err, sizeof(err)), 0);
	ck_assert_uint_eq(r.nfound, 0);
	ptesim_layout_free(L);
}
END_TEST

/* 4.15's ptep_set_wrprotect() turns a hardware-dirty entry read-only
 * without moving the dirtiness to PTE_DIRTY: fork after a re-dirtying
 * write to a lazy-free page lets reclaim discard it. 6.10 keeps it. */
START_TEST(wrprotect_dirtiness_on_4_15)
{
	struct explore_options o = options("arm64-v4.15", 5);
	struct explore_result r;
	const struct explore_counterexample *c;
	char err[256];

	o.invariants = 1u << SCN_V_LAZYFREE_DATA_LOSS;
	ck_assert_int_eq(explore_run(&o, &r, err, sizeof(err)), 0);
	c = found(&r, SCN_V_LAZYFREE_DATA_LOSS);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(strstr(c->scenario, "fork c1"));
	runs_and_fails(c->scenario, o.layout, SCN_V_LAZYFREE_DATA_LOSS);
	explore_result_free(&r);

	o.layout = ptesim_layout_find("arm64-v6.10");
	ck_assert_int_eq(explore_run(&o, &r, err, sizeof(err)), 0);
	ck_assert_uint_eq(r.nfound, 0);
}
END_TEST

/* Levels are merged in a fixed order: threads change nothing found. */
START_TEST(jobs_do_not_change_results)
{
	struct explore_options o = options("arm64-v4.15-binlu", 5);
	struct explore_result one, two;
	char err[256];

	o.pages = 2;
	ck_assert_int_eq(explore_run(&o, &one, err, sizeof(err)), 0);
	o.jobs = 2;
	ck_assert_int_eq(explore_run(&o, &two, err, sizeof(err)), 0);
	ck_assert_uint_eq(one.states, two.states);
	ck_assert_uint_eq(one.transitions, two.transitions);
	ck_assert_uint_eq(one.nfound, two.nfound);
	for (unsigned i = 0; i < one.nfound; i++)
		ck_assert_str_eq(one.found[i].scenario, two.found[i].scenario);
	explore_result_free(&one);
	explore_result_free(&two);
}
END_TEST

START_TEST(bounds_stop_cleanly)
{
	struct explore_options o = options("x86_64", 8);
	struct explore_result r;
	char err[256];

	o.max_states = 500;
	ck_assert_int_eq(explore_run(&o, &r, err, sizeof(err)), 0);
	ck_assert(!r.complete);
	ck_assert_str_eq(r.stopped_by, "--max-states");
	ck_assert_uint_le(r.states, 500);
	ck_assert_uint_lt(r.depth_done, 8);
	explore_result_free(&r);
}
END_TEST

/* A copy is the state: after every operation of the menu, applied one after
 * another, a copy (entry by entry at the setup's indices, or whole tables)
 * has the same canonical name and goes on the same way. */
START_TEST(copies_are_the_state)
{
	static const struct run_options quiet = { 0 };
	struct explore_options o = options("arm64-v6.10", 1);
	struct run_result ra, rb, rc;
	struct runner a, b, c;
	struct canon ca, cb, cc;
	struct menu menu;
	struct search *s = malloc(sizeof(*s));
	char err[256];
	unsigned applied = 0;

	o.pages = 2;
	o.procs = 2;
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(menu_build(&menu, &o, err, sizeof(err)), 0);
	ck_assert_int_eq(search_init(s, &o, &menu, err, sizeof(err)), 0);
	ck_assert_uint_gt(s->hint.n, 0);
	ck_assert_int_eq(runner_init(&a, menu.p, o.layout, &quiet, &ra), 0);
	ck_assert_int_eq(runner_init(&b, menu.p, o.layout, &quiet, &rb), 0);
	ck_assert_int_eq(runner_init(&c, menu.p, o.layout, &quiet, &rc), 0);
	ck_assert_int_eq(runner_copy(&a, &s->root, NULL), 0);
	for (uint32_t i = 0; i < menu.nops; i++) {
		const struct xop *op = &menu.ops[i];

		if (!menu_op_enabled(&menu, op, &a) || !search_step(s, &a, op, NULL, NULL) || a.stopped)
			continue;
		applied++;
		ck_assert_int_eq(runner_copy(&b, &a, &s->hint), 0);
		ck_assert_int_eq(runner_copy(&c, &a, NULL), 0);
		runner_canon(&a, &ca);
		runner_canon(&b, &cb);
		runner_canon(&c, &cc);
		ck_assert_msg(ca.h1 == cb.h1 && ca.h2 == cb.h2, "copy differs after %s", op->text[0]);
		ck_assert_msg(ca.h1 == cc.h1 && ca.h2 == cc.h2, "whole copy differs after %s", op->text[0]);
		/* and the copy goes on as the original does */
		if (i + 1 < menu.nops && menu_op_enabled(&menu, &menu.ops[i + 1], &b)) {
			search_step(s, &b, &menu.ops[i + 1], NULL, NULL);
			search_step(s, &c, &menu.ops[i + 1], NULL, NULL);
			runner_canon(&b, &cb);
			runner_canon(&c, &cc);
			ck_assert_msg(cb.h1 == cc.h1 && cb.h2 == cc.h2, "copies part after %s", menu.ops[i + 1].text[0]);
		}
	}
	ck_assert_uint_gt(applied, 40);
	runner_destroy(&a);
	runner_destroy(&b);
	runner_destroy(&c);
	search_destroy(s);
	free(s);
	menu_free(&menu);
}
END_TEST

START_TEST(bad_options)
{
	struct explore_options o = options("x86_64", 70);
	struct explore_result r;
	char err[256] = "";

	ck_assert_int_eq(explore_run(&o, &r, err, sizeof(err)), -22);
	ck_assert_ptr_nonnull(strstr(err, "--depth"));
	o = options("x86_64", 2);
	o.procs = 9;
	ck_assert_int_eq(explore_run(&o, &r, err, sizeof(err)), -22);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("explore");
	TCase *tc = tcase_create("explore");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, capper_race_found_shortest);
	tcase_add_test(tc, x86_keeps_soft_dirty);
	tcase_add_test(tc, rfc_keeps_soft_dirty);
	tcase_add_test(tc, uffd_wp_on_a_used_bit);
	tcase_add_test(tc, wrprotect_dirtiness_on_4_15);
	tcase_add_test(tc, jobs_do_not_change_results);
	tcase_add_test(tc, bounds_stop_cleanly);
	tcase_add_test(tc, bad_options);
	tcase_add_test(tc, copies_are_the_state);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
