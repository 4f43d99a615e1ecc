/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_EXPLORE_TEXTBUF_H
#define PTESIM_EXPLORE_TEXTBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Text that grows as it is printed; once an allocation fails, nomem stays
 * set and nothing more is added. buf is NUL-terminated (or NULL). */
struct textbuf {
	char *buf;
	size_t len, cap;
	bool nomem;
};

void textbuf_printf(struct textbuf *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void textbuf_vprintf(struct textbuf *t, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
