/* SPDX-License-Identifier: MIT */
/* Delta debugging on lines (a simplified ddmin: complements only). */
#include <stdlib.h>
#include <string.h>

#include "gen/minimise.h"

struct text_lines {
	char *buf;     /* the text, its newlines cut */
	char **line;
	bool *kept;
	bool *fixed;   /* never dropped */
	size_t n;
};

static int lines_split(struct text_lines *t, const char *text)
{
	size_t cap = 1;

	memset(t, 0, sizeof(*t));
	for (const char *s = text; *s; s++)
		cap += *s == '\n';
	t->buf = strdup(text);
	t->line = calloc(cap, sizeof(*t->line));
	t->kept = calloc(cap, sizeof(*t->kept));
	t->fixed = calloc(cap, sizeof(*t->fixed));
	if (!t->buf || !t->line || !t->kept || !t->fixed)
		return -1;
	for (char *s = t->buf; *s;) {
		char *nl = strchr(s, '\n');

		t->line[t->n] = s;
		t->kept[t->n] = true;
		t->fixed[t->n] = s[0] == '#' || !strncmp(s, "layout ", 7);
		t->n++;
		if (!nl)
			break;
		*nl = 0;
		s = nl + 1;
	}
	return 0;
}

static void lines_free(struct text_lines *t)
{
	free(t->buf);
	free(t->line);
	free(t->kept);
	free(t->fixed);
}

/* The kept lines, except those of skip[0..n) (NULL: none skipped). */
static char *lines_join(const struct text_lines *t, const bool *skip)
{
	size_t len = 1, k = 0;
	char *out;

	for (size_t i = 0; i < t->n; i++)
		if (t->kept[i] && !(skip && skip[i]))
			len += strlen(t->line[i]) + 1;
	out = malloc(len);
	if (!out)
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		if (t->kept[i] && !(skip && skip[i])) {
			size_t l = strlen(t->line[i]);

			memcpy(out + k, t->line[i], l);
			out[k + l] = '\n';
			k += l + 1;
		}
	out[k] = 0;
	return out;
}

/* Indexes of the lines that may still go, in order. */
static size_t candidates(const struct text_lines *t, size_t *idx)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++)
		if (t->kept[i] && !t->fixed[i])
			idx[n++] = i;
	return n;
}

char *minimise_lines(const char *text, minimise_test test, void *ctx, unsigned max_tests)
{
	struct text_lines t;
	size_t *idx = NULL, n, chunk;
	bool *skip = NULL;
	unsigned tests = 0;
	char *out = NULL;

	if (lines_split(&t, text))
		goto done;
	idx = calloc(t.n + 1, sizeof(*idx));
	skip = calloc(t.n + 1, sizeof(*skip));
	if (!idx || !skip)
		goto done;
	n = candidates(&t, idx);
	chunk = n / 2 ? n / 2 : 1;
	while (n && tests < max_tests) {
		bool removed = false;

		for (size_t start = 0; start < n && tests < max_tests;) {
			size_t end = start + chunk < n ? start + chunk : n;
			char *cand;
			bool still;

			for (size_t i = start; i < end; i++)
				skip[idx[i]] = true;
			cand = lines_join(&t, skip);
			if (!cand)
				goto done;
			still = test(cand, ctx);
			tests++;
			free(cand);
			for (size_t i = start; i < end; i++) {
				skip[idx[i]] = false;
				if (still)
					t.kept[idx[i]] = false;
			}
			if (still) {
				removed = true;
				n = candidates(&t, idx); /* the same start names the next chunk */
			} else {
				start = end;
			}
		}
		if (!removed) {
			if (chunk == 1)
				break;
			chunk /= 2;
		} else if (chunk > n) {
			chunk = n ? n : 1;
		}
	}
	out = lines_join(&t, NULL);
done:
	lines_free(&t);
	free(idx);
	free(skip);
	return out;
}
