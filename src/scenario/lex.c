/* SPDX-License-Identifier: MIT */
/*
 * Lines and tokens of the scenario language. A file can hold bytes of any
 * kind, so every byte is checked once here: a NUL byte or invalid UTF-8 is
 * an error, with its column, before any token is looked at.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/lex.h"

void lex_init(struct lexer *lx, const char *data, size_t len)
{
	*lx = (struct lexer){ .data = data, .len = len };
}

void lex_destroy(struct lexer *lx)
{
	free(lx->buf);
	free(lx->tokens);
	*lx = (struct lexer){ 0 };
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), or 0. */
static size_t utf8_sequence(const unsigned char *p, size_t avail)
{
	unsigned char b = p[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */

	if (b < 0x80)
		return 1;
	if (b >= 0xC2 && b <= 0xDF) {
		n = 2;
	} else if (b >= 0xE0 && b <= 0xEF) {
		n = 3;
		if (b == 0xE0)
			lo = 0xA0;
		else if (b == 0xED)
			hi = 0x9F;
	} else if (b >= 0xF0 && b <= 0xF4) {
		n = 4;
		if (b == 0xF0)
			lo = 0x90;
		else if (b == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (avail < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return n;
}

/* Find the end of the line that starts at lx->pos, checking each byte. */
static int scan_line(const struct lexer *lx, size_t *end, unsigned *bad_col, const char **why)
{
	const unsigned char *p = (const unsigned char *)lx->data;
	size_t i = lx->pos;
	unsigned col = 1;

	while (i < lx->len && p[i] != '\n') {
		size_t n = utf8_sequence(p + i, lx->len - i);

		if (p[i] == 0 || n == 0) {
			*bad_col = col;
			*why = p[i] == 0 ? "NUL byte in the text" : "invalid UTF-8";
			return -EINVAL;
		}
		i += n;
		col++;
	}
	*end = i;
	return 0;
}

/* items with room for need elements, or NULL (items untouched). */
static void *reserve(void *items, size_t *cap, size_t need, size_t size)
{
	void *grown;

	if (need <= *cap)
		return items;
	if (need > SIZE_MAX / size)
		return NULL;
	grown = realloc(items, need * size);
	if (grown)
		*cap = need;
	return grown;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Split the code part of a line (comment removed) into NUL-terminated
 * tokens in lx->buf. */
static int tokenize(struct lexer *lx, const char *code, size_t len, struct lex_line *out)
{
	size_t ntokens = 0;
	unsigned col = 1, end_col = 1;
	char *buf = reserve(lx->buf, &lx->buf_cap, len + 1, 1);
	struct lex_token *tokens;

	if (!buf)
		return -ENOMEM;
	lx->buf = buf;
	tokens = reserve(lx->tokens, &lx->tokens_cap, len / 2 + 1, sizeof(*tokens));
	if (!tokens)
		return -ENOMEM;
	lx->tokens = tokens;
	memcpy(buf, code, len);
	buf[len] = 0;
	for (size_t i = 0; i < len;) {
		if (is_blank(buf[i])) {
			buf[i++] = 0;
			col++;
			continue;
		}
		struct lex_token *t = &tokens[ntokens++];

		t->s = buf + i;
		t->col = col;
		for (; i < len && !is_blank(buf[i]); i++)
			/* a continuation byte does not start a character */
			if (((unsigned char)buf[i] & 0xC0) != 0x80)
				col++;
		t->len = (size_t)(buf + i - t->s);
		end_col = col;
	}
	out->tokens = tokens;
	out->ntokens = ntokens;
	out->end_col = end_col;
	return 0;
}

int lex_next_line(struct lexer *lx, struct lex_line *out, unsigned *bad_col, const char **why)
{
	size_t end, code_end;
	const char *hash;
	int rc;

	if (lx->pos >= lx->len)
		return 0;
	out->number = ++lx->line;
	out->ntokens = 0;
	rc = scan_line(lx, &end, bad_col, why);
	if (rc)
		return rc;
	hash = memchr(lx->data + lx->pos, '#', end - lx->pos);
	code_end = hash ? (size_t)(hash - lx->data) : end;
	/* a CRLF line ending: the CR is not part of the last token */
	if (!hash && code_end > lx->pos && lx->data[code_end - 1] == '\r')
		code_end--;
	rc = tokenize(lx, lx->data + lx->pos, code_end - lx->pos, out);
	if (rc)
		return rc;
	lx->pos = end < lx->len ? end + 1 : end;
	return 1;
}

static int digit_value(char c, unsigned base)
{
	int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return v < (int)base ? v : -1;
}

int lex_number(const char *s, size_t len, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;
	bool too_big = false;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		len -= 2;
	}
	if (!len)
		return -EINVAL;
	/* the whole number must be well-formed before its size matters */
	for (size_t i = 0; i < len; i++)
		if (digit_value(s[i], base) < 0)
			return -EINVAL;
	for (size_t i = 0; i < len && !too_big; i++) {
		unsigned d = (unsigned)digit_value(s[i], base);

		if (v > (UINT64_MAX - d) / base)
			too_big = true;
		else
			v = v * base + d;
	}
	if (too_big)
		return -ERANGE;
	*out = v;
	return 0;
}

static bool name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-';
}

size_t lex_name_prefix(const char *s)
{
	size_t n = 0;

	if (!name_start(s[0]))
		return 0;
	while (name_char(s[n]))
		n++;
	return n;
}

bool lex_is_name(const char *s)
{
	size_t n = lex_name_prefix(s);

	return n > 0 && s[n] == 0;
}

const char *lex_quote(const char *s, char buf[LEX_QUOTE_SIZE])
{
	size_t used = 0, chars = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c & 0xC0) != 0x80 && chars++ == LEX_QUOTE_CHARS) {
			memcpy(buf + used, "...", 3);
			used += 3;
			break;
		}
		if (c < 0x20 || c == 0x7F)
			used += (size_t)snprintf(buf + used, 5, "\\x%02X", c);
		else
			buf[used++] = (char)c;
	}
	buf[used] = 0;
	return buf;
}
