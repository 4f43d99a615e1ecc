/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_SCENARIO_BUILD_H
#define PTESIM_SCENARIO_BUILD_H

/*
 * Building a struct scn_program: the memory it owns, and the name tables
 * the parser looks names up in. Everything a program holds is released by
 * scn_program_free, so a parse that stops half-way leaks nothing.
 */

#include "scenario/program.h"

/* An empty program with no names; NULL when out of memory. */
struct scn_program *program_new(const char *filename);

/* Zeroed memory that lives as long as the program; NULL when out of memory. */
void *program_alloc(struct scn_program *prog, size_t size);
const char *program_strdup(struct scn_program *prog, const char *s);

/* Append to the program's tables; 0 or -ENOMEM. The caller enforces the
 * SCN_MAX_* limits. */
int program_add_process(struct scn_program *prog, const char *name);
int program_add_region(struct scn_program *prog, const char *name);
int program_add_object(struct scn_program *prog, const char *name, enum scn_backing kind);
int program_add_layout(struct scn_program *prog, const char *name);
struct scn_expect_result *program_add_result(struct scn_program *prog);
struct scn_command *program_add_command(struct scn_program *prog);

/*
 * Name -> index, in open addressing over a fixed number of slots: lookups
 * stay constant-time however many commands name a region, and the table
 * never grows past twice its limit of names.
 */
struct name_index {
	struct name_slot *slots;
	size_t nslots;
	size_t count;
	size_t limit;
};

int name_index_init(struct name_index *ix, size_t limit);
void name_index_destroy(struct name_index *ix);
/* The index stored for the len bytes at name, or -1. */
long name_index_find(const struct name_index *ix, const char *name, size_t len);
/* name must stay valid as long as the index (a program string) and must
 * not be present yet; -ENOSPC past the limit. */
int name_index_put(struct name_index *ix, const char *name, uint32_t value);

#endif
