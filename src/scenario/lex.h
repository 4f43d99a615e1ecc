/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_SCENARIO_LEX_H
#define PTESIM_SCENARIO_LEX_H

/*
 * The lexical form of the scenario language: UTF-8 lines, `#` comments,
 * tokens separated by spaces or tabs, numbers and names.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lex_token {
	const char *s; /* NUL-terminated copy, valid until the next line */
	size_t len;
	unsigned col;  /* 1-based column in characters */
};

struct lex_line {
	unsigned number;          /* 1-based */
	const struct lex_token *tokens;
	size_t ntokens;           /* 0 for a blank or comment line */
	unsigned end_col;         /* the column just past the last token */
};

struct lexer {
	const char *data;
	size_t len;
	size_t pos;
	unsigned line;
	char *buf;                /* the current line's tokens */
	size_t buf_cap;
	struct lex_token *tokens;
	size_t tokens_cap;
};

void lex_init(struct lexer *lx, const char *data, size_t len);
void lex_destroy(struct lexer *lx);

/*
 * The next line into *out: 1, or 0 at the end of the text. -EINVAL for a
 * NUL byte or invalid UTF-8, with the line in out->number, the column in
 * *bad_col and the reason in *why; -ENOMEM.
 */
int lex_next_line(struct lexer *lx, struct lex_line *out, unsigned *bad_col, const char **why);

/* Decimal or 0x hex, exactly the len bytes at s: 0, -EINVAL for a
 * malformed number, -ERANGE for one that needs more than 64 bits. */
int lex_number(const char *s, size_t len, uint64_t *out);

/* The length of the name [A-Za-z_][A-Za-z0-9_-]* that starts s (0: none). */
size_t lex_name_prefix(const char *s);
bool lex_is_name(const char *s);

/* s for a message: at most LEX_QUOTE_CHARS characters, then "...", with
 * control bytes as \xNN (4 bytes each, as many as a UTF-8 character). */
#define LEX_QUOTE_CHARS 40
#define LEX_QUOTE_SIZE (LEX_QUOTE_CHARS * 4 + 4)
const char *lex_quote(const char *s, char buf[LEX_QUOTE_SIZE]);

#endif
