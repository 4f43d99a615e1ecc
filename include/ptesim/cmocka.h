/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_CMOCKA_H
#define PTESIM_CMOCKA_H

/*
 * Assertions for CMocka tests: the referee's report (ptesim/report.h)
 * becomes a failed assertion whose message is the report's, e.g.
 *
 *   violation soft-dirty-lost after madvise(0x7dfffffff000, 0x1000,
 *   MADV_FREE) in p0: p0 0x7dfffffff000 written since clear, soft-dirty=0
 *
 * Header-only: it includes <cmocka.h>, after the standard headers CMocka
 * needs, and ptesim/ptesim.h. It cannot be used in the same file as
 * ptesim/check.h: CMocka and Check both define fail().
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ptesim/ptesim.h"

/* Fails the test unless every invariant has held in sim so far
 * (ptesim_check()). */
#define assert_ptesim_ok(sim) PTESIM_CMOCKA_EXPECT_(ptesim_check((sim), &ptesim_r_), NULL)

/* Fails the test unless the first violation the referee found in sim is
 * the one named, e.g. "soft-dirty-lost": a known-bad layout stays bad, as
 * a scenario's `expect-result LAYOUT fail VIOLATION` says. */
#define assert_ptesim_violation(sim, violation) \
	PTESIM_CMOCKA_EXPECT_(ptesim_check((sim), &ptesim_r_), (violation))

/* Fails the test unless scenario text passes on the layout
 * (ptesim_scenario_run()): every command ran, every expectation held and
 * no invariant broke. A scenario the layout cannot run (n/a) fails too. */
#define assert_ptesim_scenario_ok(text, layout) \
	PTESIM_CMOCKA_EXPECT_(ptesim_scenario_run((text), (layout), &ptesim_r_), NULL)

/* Fails the test unless scenario text fails on the layout with the named
 * violation first. */
#define assert_ptesim_scenario_violation(text, layout, violation) \
	PTESIM_CMOCKA_EXPECT_(ptesim_scenario_run((text), (layout), &ptesim_r_), (violation))

/* The call fills ptesim_r_; an error leaves it failed with its message. */
#define PTESIM_CMOCKA_EXPECT_(call, violation)                                                            \
	do {                                                                                              \
		ptesim_report ptesim_r_;                                                                  \
		(void)(call);                                                                             \
		_assert_true(cast_to_largest_integral_type(ptesim_report_expect(&ptesim_r_, (violation))), \
			     ptesim_r_.message, __FILE__, __LINE__);                                      \
	} while (0)

#endif
