/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_SCENARIO_PARSE_INTERNAL_H
#define PTESIM_SCENARIO_PARSE_INTERNAL_H

/*
 * The parser's state, shared by its files: parse.c reads lines and
 * dispatches, parse_state.c tracks processes, regions and objects the way
 * the run will see them, parse_ops.c reads each command's operands.
 */

#include "scenario/build.h"
#include "scenario/lex.h"
#include "scenario/program.h"

#if defined(__GNUC__)
#define SCN_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define SCN_PRINTF(fmt, args)
#endif

/* A region name as one process sees it. */
struct region_slot {
	unsigned line;   /* where the process (or an ancestor) mapped it; 0: unknown */
	uint64_t npages;
};

/* The regions of one process, indexed by region index. */
struct process_state {
	struct region_slot *regions;
	size_t nregions; /* slots allocated: indexes past it are unknown */
};

struct parser {
	struct scn_program *prog;
	const char *file;
	char *err;
	size_t errlen;
	unsigned lineno;
	struct name_index process_names;
	struct name_index region_names;
	struct name_index object_names;
	struct process_state *processes; /* SCN_MAX_PROCESSES of them */
	unsigned *object_line;           /* SCN_MAX_OBJECTS: where each was named */
	uint32_t current;
	unsigned first_op_line;          /* 0 until the first operation */
	unsigned layout_line, hafdbs_line, swap_line;
};

/* The operands of one command, consumed left to right. */
struct cursor {
	const struct lex_token *tok;
	size_t n;
	size_t i;
	unsigned end_col; /* for "missing" errors: just past the last token */
};

/* Writes "FILE:LINE:COL: error: MESSAGE" and returns -EINVAL. */
int parse_error(struct parser *p, unsigned col, const char *fmt, ...) SCN_PRINTF(3, 4);
/* The same for an allocation failure: returns -ENOMEM. */
int parse_nomem(struct parser *p);

/* The next operand, or NULL after an error naming what is missing (the
 * parse then fails with -EINVAL). */
const struct lex_token *cursor_take(struct parser *p, struct cursor *c, const char *op,
				    const char *what);
const struct lex_token *cursor_peek(const struct cursor *c);
/* An error when operands are left. */
int cursor_end(struct parser *p, const struct cursor *c);

/* parse_state.c */
int state_init(struct parser *p);
void state_destroy(struct parser *p);
int process_lookup(struct parser *p, const struct lex_token *t, uint32_t *index);
int process_fork(struct parser *p, const struct lex_token *t, uint32_t *child);
int region_define(struct parser *p, const struct lex_token *t, uint64_t npages, uint32_t *index);
/* The region named by the len bytes at name in the current process. */
int region_resolve(struct parser *p, const struct lex_token *t, const char *name, size_t len,
		   uint32_t *index, uint64_t *npages);
int object_use(struct parser *p, const struct lex_token *t, const char *name,
	       enum scn_backing kind, uint32_t *index);

/* parse_ops.c: each reads the operands after the command's words (the
 * outcome already split off) and fills in the command. */
typedef int op_parser(struct parser *p, struct cursor *c, struct scn_command *cmd);
op_parser op_fork, op_as, op_exit, op_mmap, op_range_only, op_mprotect, op_madvise, op_access,
	op_clear_refs, op_uffd_open, op_uffd_register, op_scan, op_nothing,
	op_expect_pagemap, op_expect_pte, op_expect_scan, op_expect_event;

#endif
