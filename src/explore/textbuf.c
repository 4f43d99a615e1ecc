/* SPDX-License-Identifier: MIT */
/* Growing text for the explorer's menu and counterexamples. */
#include <stdio.h>
#include <stdlib.h>

#include "explore/textbuf.h"

void textbuf_vprintf(struct textbuf *t, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	if (t->nomem || n < 0) {
		va_end(again);
		return;
	}
	if (t->len + (size_t)n + 1 > t->cap) {
		size_t cap = (t->len + (size_t)n + 1) * 2;
		char *b = realloc(t->buf, cap);

		if (!b) {
			t->nomem = true;
			va_end(again);
			return;
		}
		t->buf = b;
		t->cap = cap;
	}
	vsnprintf(t->buf + t->len, (size_t)n + 1, fmt, again);
	va_end(again);
	t->len += (size_t)n;
}

void textbuf_printf(struct textbuf *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	textbuf_vprintf(t, fmt, ap);
	va_end(ap);
}
