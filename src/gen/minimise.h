/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_GEN_MINIMISE_H
#define PTESIM_GEN_MINIMISE_H

/*
 * Delta debugging over the command lines of a scenario text: drop chunks
 * of lines, halving the chunk size when nothing can go, for as long as the
 * caller's test says the smaller text still shows what the original did.
 * Comment lines and the header's `layout` line stay.
 */

#include <stdbool.h>

/* Whether text still shows the behaviour being minimised. */
typedef bool (*minimise_test)(const char *text, void *ctx);

/* The smallest text found within max_tests calls of test, malloc'd; NULL
 * when out of memory. text itself is assumed to pass the test. */
char *minimise_lines(const char *text, minimise_test test, void *ctx, unsigned max_tests);

#endif
