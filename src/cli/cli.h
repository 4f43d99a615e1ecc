/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_CLI_H
#define PTESIM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ptesim/ptesim.h"

/* Exit statuses of every command. */
#define EXIT_OK 0
#define EXIT_FINDING 1 /* a difference, a failed expectation */
#define EXIT_USAGE 2   /* bad input: one line on stderr names it */

/* One line "ptesim: MESSAGE" on stderr; returns EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse decimal or 0x-hex into 64 bits; false for junk or more than 64 bits. */
bool parse_u64(const char *s, uint64_t *out);

/*
 * Layout selection shared by the commands: "--layout NAME" (built-in) and
 * "--layout-file F" (loaded, owned by the caller's list). Both may repeat.
 */
struct layout_list {
	const ptesim_layout *items[64];
	ptesim_layout *owned[64];
	int n, nowned;
};
/* Adds the built-in NAME ("all" adds every built-in); EXIT_USAGE if unknown. */
int layouts_add_name(struct layout_list *list, const char *name);
/* Loads F; prints F:LINE: error: ... and returns EXIT_USAGE on failure. */
int layouts_add_file(struct layout_list *list, const char *path);
/* Text as XML/HTML character data or attribute value: & < > " ' escaped
 * (at most n bytes, or up to the NUL). */
void markup_put_n(FILE *out, const char *s, size_t n);
void markup_put(FILE *out, const char *s);

/* A comma list of built-in names, each as layouts_add_name. */
int layouts_add_names(struct layout_list *list, const char *names);
void layouts_free(struct layout_list *list);
/* Resolve an argument that may be a layout name or a layout file path. */
int layouts_add_name_or_file(struct layout_list *list, const char *arg);

int cmd_layouts(int argc, char **argv);
int cmd_layout(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_encode(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_helper(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_matrix(int argc, char **argv);
int cmd_kernel_run(int argc, char **argv);
int cmd_kernel_diff(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_explore(int argc, char **argv);
int cmd_explain(int argc, char **argv);

#endif
