/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_SCENARIO_VOCAB_H
#define PTESIM_SCENARIO_VOCAB_H

/*
 * The words of the scenario language and the values they stand for, shared
 * by the parser and the printer so that the two cannot disagree.
 */

#include "scenario/program.h"

struct vocab_word {
	const char *name;
	unsigned value;
};

/* Each table ends with a NULL name. Tables of bit masks list one bit per
 * word, in the order the printer writes them. */
extern const struct vocab_word vocab_prot[];
extern const struct vocab_word vocab_sharing[];
extern const struct vocab_word vocab_advice[];
extern const struct vocab_word vocab_outcome[];      /* of accesses */
extern const struct vocab_word vocab_clear_refs[];
extern const struct vocab_word vocab_uffd_feature[];
extern const struct vocab_word vocab_uffd_mode[];
extern const struct vocab_word vocab_category[];
extern const struct vocab_word vocab_pagemap_key[];
extern const struct vocab_word vocab_requires[];
extern const struct vocab_word vocab_violation[];
extern const struct vocab_word vocab_event[];

/* What may follow `->` on a command. */
enum vocab_outcome_kind {
	VOCAB_OUTCOME_NONE,   /* nothing: observations, expectations, kernel actions */
	VOCAB_OUTCOME_ERRNO,  /* a system call: ok or an errno name */
	VOCAB_OUTCOME_ACCESS, /* a memory access: ok, segv or blocked */
};
enum vocab_outcome_kind vocab_op_outcome(enum scn_op op);

const struct vocab_word *vocab_find(const struct vocab_word *table, const char *name);
/* NULL when no word has that value. */
const char *vocab_name(const struct vocab_word *table, unsigned value);
/* "a, b or c", for messages. */
const char *vocab_list(const struct vocab_word *table, char *buf, size_t size);

#endif
