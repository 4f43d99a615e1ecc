/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_EXPLORE_MENU_H
#define PTESIM_EXPLORE_MENU_H

/*
 * The explorer's setup and every operation it may apply, written as one
 * scenario program: the setup commands first, run once in order, then a
 * menu of commands the search runs one operation at a time, in any order.
 * Parsing the menu as scenario text lets the runner carry out each
 * operation exactly as `ptesim run` would.
 */

#include "explore/explore.h"
#include "scenario/program.h"

struct runner;

struct xop {
	enum explore_op_kind kind;
	uint32_t proc;   /* the scenario process that runs it */
	uint32_t child;  /* XOP_FORK: the process it creates */
	uint32_t cmd;    /* its first command in the program */
	uint32_t ncmds;  /* commands it runs (uffd register: open, then register) */
	const char *text[3]; /* each command's text, for counterexamples */
};

struct menu {
	struct scn_program *p;
	char *text;         /* the program's text */
	uint32_t nsetup;    /* setup commands: p->commands[0, nsetup) */
	struct xop *ops;
	uint32_t nops;
	char setup_header[256]; /* header lines for a counterexample file */
	char *setup_text;       /* the setup's command lines */
};

int menu_build(struct menu *m, const struct explore_options *opt, char *err, size_t errlen);
void menu_free(struct menu *m);
/* Whether op can run in rn's state (its process lives, its uffd is open
 * for protect, unprotect and scan, not yet for register, its child not yet
 * forked); one that cannot is no transition. */
bool menu_op_enabled(const struct menu *m, const struct xop *op, const struct runner *rn);

#endif
