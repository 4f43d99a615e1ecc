/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_PTESIM_H
#define PTESIM_PTESIM_H

/* ptesim: Linux page-table-entry semantics, bit for bit. */
#include "ptesim/layout.h"
#include "ptesim/pte.h"
#include "ptesim/sim.h"
#include "ptesim/report.h"

#define PTESIM_VERSION "0.1.0"

#endif
