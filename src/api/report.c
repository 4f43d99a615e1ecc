/* SPDX-License-Identifier: MIT */
/* The referee's verdict on a simulation, and what a test wants of a
 * report (include/ptesim/report.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api/sim_internal.h"

int ptesim_check(ptesim_sim *sim, ptesim_report *report)
{
	if (!report)
		return -EINVAL;
	if (!sim) {
		memset(report, 0, sizeof(*report));
		snprintf(report->message, sizeof(report->message), "ptesim_check: no simulation");
		return -EINVAL;
	}
	if (sim->flags & PTESIM_SIM_CHECK_ON_DEMAND) {
		snprintf(sim->op, sizeof(sim->op), "ptesim_check()");
		ref_check(sim);
	}
	*report = sim->verdict;
	return 0;
}

bool ptesim_report_expect(ptesim_report *report, const char *violation)
{
	char found[sizeof(report->message)];

	if (!violation)
		return report->ok;
	if (!report->ok && !strcmp(report->violation, violation))
		return true;
	memcpy(found, report->message, sizeof(found));
	snprintf(report->message, sizeof(report->message), "expected violation %s, the referee found: %.*s", violation,
		 (int)(sizeof(report->message) - 64), found);
	return false;
}
