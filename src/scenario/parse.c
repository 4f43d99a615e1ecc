/* SPDX-License-Identifier: MIT */
/*
 * The scenario parser: lines to commands. A line is a header command (only
 * before the first operation), or an operation whose words select a parser
 * in parse_ops.c; a trailing `-> OUTCOME` is split off first and checked
 * here against what the command may carry.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptesim/layout.h"
#include "scenario/parse_internal.h"
#include "scenario/vocab.h"

int parse_error(struct parser *p, unsigned col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->err && p->errlen)
		snprintf(p->err, p->errlen, "%s:%u:%u: error: %s", p->file, p->lineno, col, msg);
	return -EINVAL;
}

int parse_nomem(struct parser *p)
{
	parse_error(p, 1, "out of memory");
	return -ENOMEM;
}

const struct lex_token *cursor_peek(const struct cursor *c)
{
	return c->i < c->n ? &c->tok[c->i] : NULL;
}

const struct lex_token *cursor_take(struct parser *p, struct cursor *c, const char *op,
				    const char *what)
{
	if (c->i >= c->n) {
		parse_error(p, c->end_col, "%s needs %s", op, what);
		return NULL;
	}
	return &c->tok[c->i++];
}

int cursor_end(struct parser *p, const struct cursor *c)
{
	char q[LEX_QUOTE_SIZE];

	if (c->i < c->n)
		return parse_error(p, c->tok[c->i].col, "unexpected '%s'", lex_quote(c->tok[c->i].s, q));
	return 0;
}

/* ---- header ---------------------------------------------------------- */

static int header_once(struct parser *p, const struct lex_token *kw, unsigned *seen)
{
	if (*seen)
		return parse_error(p, kw->col, "a second '%s' command (the first is at line %u)", kw->s,
				   *seen);
	*seen = p->lineno;
	return 0;
}

static int check_layout(struct parser *p, const struct lex_token *t, const char *name)
{
	char q[LEX_QUOTE_SIZE];

	if (!*name)
		return parse_error(p, t->col, "empty layout name in '%s'", lex_quote(t->s, q));
	if (!ptesim_layout_find(name))
		return parse_error(p, t->col, "unknown layout '%s' ('ptesim layouts' lists them)",
				   lex_quote(name, q));
	return 0;
}

/* layout NAME[,NAME...] | layout all */
static int hdr_layout(struct parser *p, const struct lex_token *kw, struct cursor *c)
{
	char q[LEX_QUOTE_SIZE], name[128];
	const struct lex_token *t;
	int rc = header_once(p, kw, &p->layout_line);

	if (rc)
		return rc;
	t = cursor_take(p, c, "layout", "NAME[,NAME...] or 'all'");
	if (!t)
		return -EINVAL;
	if (!strcmp(t->s, "all")) {
		p->prog->header.all_layouts = true;
		return cursor_end(p, c);
	}
	for (const char *s = t->s;;) {
		size_t n = strcspn(s, ",");

		if (n >= sizeof(name))
			return parse_error(p, t->col, "layout name too long in '%s'", lex_quote(t->s, q));
		memcpy(name, s, n);
		name[n] = 0;
		rc = check_layout(p, t, name);
		if (rc)
			return rc;
		for (size_t i = 0; i < p->prog->header.nlayouts; i++)
			if (!strcmp(p->prog->header.layouts[i], name))
				return parse_error(p, t->col, "layout '%s' is named twice", name);
		if (program_add_layout(p->prog, name))
			return parse_nomem(p);
		if (!s[n])
			break;
		s += n + 1;
	}
	return cursor_end(p, c);
}

/* requires FEATURE... (may be given on several lines) */
static int hdr_requires(struct parser *p, const struct lex_token *kw, struct cursor *c)
{
	char q[LEX_QUOTE_SIZE], list[128];
	const struct lex_token *t = NULL;

	vocab_list(vocab_requires, list, sizeof(list));
	if (!cursor_peek(c))
		return parse_error(p, c->end_col, "%s needs a feature (%s)", kw->s, list);
	for (; (t = cursor_peek(c)) != NULL; c->i++) {
		const struct vocab_word *w = vocab_find(vocab_requires, t->s);

		if (!w)
			return parse_error(p, t->col, "unknown feature '%s' (%s)", lex_quote(t->s, q), list);
		if (p->prog->header.requires & w->value)
			return parse_error(p, t->col, "'%s' is already required", w->name);
		p->prog->header.requires |= w->value;
	}
	return 0;
}

static int on_off(struct parser *p, const struct lex_token *kw, struct cursor *c, bool *value)
{
	char q[LEX_QUOTE_SIZE];
	const struct lex_token *t = cursor_take(p, c, kw->s, "'on' or 'off'");

	if (!t)
		return -EINVAL;
	if (strcmp(t->s, "on") && strcmp(t->s, "off"))
		return parse_error(p, t->col, "%s takes 'on' or 'off', not '%s'", kw->s,
				   lex_quote(t->s, q));
	*value = !strcmp(t->s, "on");
	return cursor_end(p, c);
}

static int hdr_hafdbs(struct parser *p, const struct lex_token *kw, struct cursor *c)
{
	int rc = header_once(p, kw, &p->hafdbs_line);

	return rc ? rc : on_off(p, kw, c, &p->prog->header.hafdbs);
}

static int hdr_swap(struct parser *p, const struct lex_token *kw, struct cursor *c)
{
	int rc = header_once(p, kw, &p->swap_line);

	return rc ? rc : on_off(p, kw, c, &p->prog->header.swap);
}

/* expect-result LAYOUT pass | expect-result LAYOUT fail VIOLATION */
static int hdr_expect_result(struct parser *p, const struct lex_token *kw, struct cursor *c)
{
	char q[LEX_QUOTE_SIZE], list[256];
	const struct lex_token *layout = cursor_take(p, c, kw->s, "a layout");
	const struct lex_token *verdict, *violation;
	struct scn_expect_result *r;
	const struct vocab_word *w;
	int rc;

	if (!layout)
		return -EINVAL;
	rc = check_layout(p, layout, layout->s);
	if (rc)
		return rc;
	verdict = cursor_take(p, c, kw->s, "'pass' or 'fail VIOLATION'");
	if (!verdict)
		return -EINVAL;
	for (size_t i = 0; i < p->prog->header.nresults; i++)
		if (!strcmp(p->prog->header.results[i].layout, layout->s))
			return parse_error(p, layout->col, "a second expect-result for '%s'", layout->s);
	if (strcmp(verdict->s, "pass") && strcmp(verdict->s, "fail"))
		return parse_error(p, verdict->col, "expected 'pass' or 'fail', not '%s'",
				   lex_quote(verdict->s, q));
	r = program_add_result(p->prog);
	if (!r || !(r->layout = program_strdup(p->prog, layout->s)))
		return parse_nomem(p);
	r->fail = !strcmp(verdict->s, "fail");
	if (r->fail) {
		violation = cursor_take(p, c, "expect-result ... fail", "the expected violation");
		if (!violation)
			return -EINVAL;
		w = vocab_find(vocab_violation, violation->s);
		if (!w)
			return parse_error(p, violation->col, "unknown violation '%s' (%s)",
					   lex_quote(violation->s, q),
					   vocab_list(vocab_violation, list, sizeof(list)));
		r->violation = (enum scn_violation)w->value;
	}
	return cursor_end(p, c);
}

struct header_rule {
	const char *name;
	int (*parse)(struct parser *p, const struct lex_token *kw, struct cursor *c);
};

static const struct header_rule header_rules[] = {
	{ "layout", hdr_layout },
	{ "requires", hdr_requires },
	{ "hafdbs", hdr_hafdbs },
	{ "swap", hdr_swap },
	{ "expect-result", hdr_expect_result },
};

static const struct header_rule *header_find(const char *name)
{
	for (size_t i = 0; i < sizeof(header_rules) / sizeof(header_rules[0]); i++)
		if (!strcmp(header_rules[i].name, name))
			return &header_rules[i];
	return NULL;
}

/* ---- operations ------------------------------------------------------ */

static op_parser *const op_parsers[SCN_OP_COUNT] = {
	[SCN_OP_FORK] = op_fork,
	[SCN_OP_AS] = op_as,
	[SCN_OP_EXIT] = op_exit,
	[SCN_OP_MMAP] = op_mmap,
	[SCN_OP_MUNMAP] = op_range_only,
	[SCN_OP_MPROTECT] = op_mprotect,
	[SCN_OP_MADVISE] = op_madvise,
	[SCN_OP_WRITE] = op_access,
	[SCN_OP_READ] = op_access,
	[SCN_OP_CLEAR_REFS] = op_clear_refs,
	[SCN_OP_RECLAIM] = op_range_only,
	[SCN_OP_MIGRATE] = op_range_only,
	[SCN_OP_UFFD_OPEN] = op_uffd_open,
	[SCN_OP_UFFD_REGISTER] = op_uffd_register,
	[SCN_OP_UFFD_UNREGISTER] = op_range_only,
	[SCN_OP_UFFD_WP] = op_range_only,
	[SCN_OP_UFFD_UNWP] = op_range_only,
	[SCN_OP_PAGEMAP] = op_range_only,
	[SCN_OP_SCAN] = op_scan,
	[SCN_OP_PTE] = op_range_only,
	[SCN_OP_CRIU_DUMP] = op_nothing,
	[SCN_OP_EXPECT_PAGEMAP] = op_expect_pagemap,
	[SCN_OP_EXPECT_PTE] = op_expect_pte,
	[SCN_OP_EXPECT_SCAN] = op_expect_scan,
	[SCN_OP_EXPECT_EVENT] = op_expect_event,
	[SCN_OP_EXPECT_NO_EVENT] = op_nothing,
};

/* Does the first word of an op name ("uffd open") equal s? */
static bool first_word_is(const char *op_name, const char *s)
{
	size_t n = strcspn(op_name, " ");

	return strlen(s) == n && !strncmp(op_name, s, n);
}

/* "open, register, unregister, wp or unwp" for the group word. */
static void list_subcommands(const char *group, char *buf, size_t size)
{
	size_t used = 0, count = 0, total = 0;

	for (int op = 0; op < SCN_OP_COUNT; op++)
		total += first_word_is(scn_op_name((enum scn_op)op), group);
	buf[0] = 0;
	for (int op = 0; op < SCN_OP_COUNT && used < size; op++) {
		const char *name = scn_op_name((enum scn_op)op);

		if (!first_word_is(name, group))
			continue;
		count++;
		int n = snprintf(buf + used, size - used, "%s%s", count == 1 ? "" : count == total ? " or " : ", ",
				 name + strlen(group) + 1);
		if (n < 0)
			return;
		used += (size_t)n;
	}
}

/* The op a line starts with, and how many of its tokens name it. */
static int find_op(struct parser *p, const struct lex_line *line, enum scn_op *op, size_t *words)
{
	const struct lex_token *t = line->tokens;
	char q[LEX_QUOTE_SIZE], list[128];
	bool group = false;

	for (int i = 0; i < SCN_OP_COUNT; i++) {
		const char *name = scn_op_name((enum scn_op)i);
		const char *space = strchr(name, ' ');

		if (!first_word_is(name, t[0].s))
			continue;
		if (!space) {
			*op = (enum scn_op)i;
			*words = 1;
			return 0;
		}
		group = true;
		if (line->ntokens > 1 && !strcmp(space + 1, t[1].s)) {
			*op = (enum scn_op)i;
			*words = 2;
			return 0;
		}
	}
	if (!group)
		return parse_error(p, t[0].col, "unknown command '%s'", lex_quote(t[0].s, q));
	list_subcommands(t[0].s, list, sizeof(list));
	if (line->ntokens < 2)
		return parse_error(p, line->end_col, "%s needs a subcommand: %s", t[0].s, list);
	return parse_error(p, t[1].col, "unknown command '%s %s' (%s takes %s)", t[0].s,
			   lex_quote(t[1].s, q), t[0].s, list);
}

/* Split a trailing `-> OUTCOME` off the operands. */
static int split_outcome(struct parser *p, struct cursor *c, const struct lex_token **arrow,
			 const struct lex_token **outcome)
{
	char q[LEX_QUOTE_SIZE];

	*arrow = *outcome = NULL;
	for (size_t i = 0; i < c->n; i++) {
		if (strcmp(c->tok[i].s, "->"))
			continue;
		if (i + 1 == c->n)
			return parse_error(p, c->end_col, "'->' needs an outcome");
		if (i + 2 < c->n)
			return parse_error(p, c->tok[i + 2].col, "unexpected '%s' after the outcome",
					   lex_quote(c->tok[i + 2].s, q));
		*arrow = &c->tok[i];
		*outcome = &c->tok[i + 1];
		c->n = i;
		c->end_col = c->tok[i].col;
		break;
	}
	return 0;
}

/* E[A-Z0-9]+ */
static bool looks_like_errno(const char *s)
{
	if (s[0] != 'E' || !s[1])
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

static int errno_outcome(struct parser *p, const char *op, const struct lex_token *t, int *errnum)
{
	char q[LEX_QUOTE_SIZE];
	int value;

	if (!strcmp(t->s, "ok")) {
		*errnum = 0;
		return 0;
	}
	if (!looks_like_errno(t->s))
		return parse_error(p, t->col,
				   "%s, a system call, ends with '-> ok' or '-> ERRNO' (EINVAL, ENOMEM ...), not '%s'",
				   op, lex_quote(t->s, q));
	value = scn_errno_find(t->s);
	if (value < 0)
		return parse_error(p, t->col, "unknown errno name '%s'", lex_quote(t->s, q));
	*errnum = value;
	return 0;
}

static int access_outcome(struct parser *p, const char *op, const struct lex_token *t,
			  enum scn_outcome *outcome)
{
	char q[LEX_QUOTE_SIZE];
	const struct vocab_word *w = vocab_find(vocab_outcome, t->s);

	if (w) {
		*outcome = (enum scn_outcome)w->value;
		return 0;
	}
	if (looks_like_errno(t->s))
		return parse_error(p, t->col,
				   "%s is a memory access, not a system call: its outcome is ok, segv or blocked, not '%s'",
				   op, lex_quote(t->s, q));
	return parse_error(p, t->col, "bad outcome '%s' for %s (ok, segv or blocked)",
			   lex_quote(t->s, q), op);
}

static int apply_outcome(struct parser *p, struct scn_command *cmd, const struct lex_token *arrow,
			 const struct lex_token *outcome)
{
	const char *op = scn_op_name(cmd->op);

	if (!arrow)
		return 0;
	switch (vocab_op_outcome(cmd->op)) {
	case VOCAB_OUTCOME_ERRNO:
		return errno_outcome(p, op, outcome, &cmd->expect_errno);
	case VOCAB_OUTCOME_ACCESS:
		return access_outcome(p, op, outcome, &cmd->access.outcome);
	case VOCAB_OUTCOME_NONE:
		break;
	}
	return parse_error(p, arrow->col,
			   "%s takes no '-> OUTCOME': only system calls (mmap munmap mprotect madvise fork clear_refs uffd scan) and accesses (write read) do",
			   op);
}

/* The tokens joined by single spaces: the line as result lines quote it. */
static const char *command_text(struct parser *p, const struct lex_line *line)
{
	size_t size = 0;
	char *text, *d;

	for (size_t i = 0; i < line->ntokens; i++)
		size += line->tokens[i].len + 1;
	text = program_alloc(p->prog, size);
	if (!text)
		return NULL;
	d = text;
	for (size_t i = 0; i < line->ntokens; i++) {
		if (i)
			*d++ = ' ';
		memcpy(d, line->tokens[i].s, line->tokens[i].len);
		d += line->tokens[i].len;
	}
	*d = 0;
	return text;
}

static int parse_operation(struct parser *p, const struct lex_line *line)
{
	const struct lex_token *arrow = NULL, *outcome = NULL;
	struct scn_command *cmd;
	struct cursor c;
	enum scn_op op = SCN_OP_COUNT;
	size_t words = 0;
	int rc = find_op(p, line, &op, &words);

	if (rc)
		return rc;
	if (!p->first_op_line)
		p->first_op_line = p->lineno;
	c = (struct cursor){ .tok = line->tokens + words, .n = line->ntokens - words,
			     .end_col = line->end_col };
	rc = split_outcome(p, &c, &arrow, &outcome);
	if (rc)
		return rc;
	if (p->prog->ncommands >= SCN_MAX_COMMANDS)
		return parse_error(p, line->tokens[0].col, "more than %u commands", SCN_MAX_COMMANDS);
	cmd = program_add_command(p->prog);
	if (!cmd)
		return parse_nomem(p);
	cmd->op = op;
	cmd->line = p->lineno;
	cmd->process = p->current;
	cmd->text = command_text(p, line);
	if (!cmd->text)
		return parse_nomem(p);
	rc = op_parsers[op](p, &c, cmd);
	if (!rc)
		rc = cursor_end(p, &c);
	if (!rc)
		rc = apply_outcome(p, cmd, arrow, outcome);
	return rc;
}

static int parse_line(struct parser *p, const struct lex_line *line)
{
	const struct lex_token *kw = &line->tokens[0];
	const struct header_rule *h = header_find(kw->s);
	struct cursor c;

	if (!h)
		return parse_operation(p, line);
	if (p->first_op_line)
		return parse_error(p, kw->col,
				   "'%s' is a header command: it must come before the first operation (line %u)",
				   kw->s, p->first_op_line);
	c = (struct cursor){ .tok = line->tokens + 1, .n = line->ntokens - 1, .end_col = line->end_col };
	return h->parse(p, kw, &c);
}

static int parse_lines(struct parser *p, const char *data, size_t len)
{
	struct lexer lx;
	struct lex_line line = { 0 };
	unsigned bad_col = 1;
	const char *why = "";
	bool lexer_failed = false;
	int rc;

	lex_init(&lx, data, len);
	for (;;) {
		rc = lex_next_line(&lx, &line, &bad_col, &why);
		if (rc <= 0) {
			lexer_failed = rc < 0;
			break;
		}
		p->lineno = line.number;
		rc = line.ntokens ? parse_line(p, &line) : 0;
		if (rc)
			break;
	}
	lex_destroy(&lx);
	if (!lexer_failed)
		return rc; /* 0 at the end, or parse_line's error, already written */
	p->lineno = line.number;
	return rc == -ENOMEM ? parse_nomem(p) : parse_error(p, bad_col, "%s", why);
}

int scn_parse_buffer(const char *data, size_t len, const char *filename,
		     struct scn_program **out, char *err, size_t errlen)
{
	struct parser p = { .file = filename ? filename : "<input>", .err = err, .errlen = errlen,
			    .lineno = 1 };
	int rc;

	*out = NULL;
	if (err && errlen)
		err[0] = 0;
	if (len > SCN_MAX_TEXT)
		return parse_error(&p, 1, "the scenario is larger than %u bytes", SCN_MAX_TEXT);
	p.prog = program_new(p.file);
	if (!p.prog)
		return parse_nomem(&p);
	rc = state_init(&p);
	if (rc)
		rc = parse_nomem(&p);
	else
		rc = parse_lines(&p, data, len);
	state_destroy(&p);
	if (rc) {
		scn_program_free(p.prog);
		return rc;
	}
	*out = p.prog;
	return 0;
}

int scn_parse(const char *text, const char *filename, struct scn_program **out, char *err,
	      size_t errlen)
{
	return scn_parse_buffer(text, strlen(text), filename, out, err, errlen);
}

/* The whole stream, up to one byte more than SCN_MAX_TEXT so that
 * scn_parse_buffer sees a file that is too large. */
static int read_all(FILE *f, char **data, size_t *len)
{
	size_t cap = 64 * 1024, used = 0;
	char *buf = malloc(cap);

	while (buf) {
		used += fread(buf + used, 1, cap - used, f);
		if (ferror(f)) {
			free(buf);
			return -EIO;
		}
		if (used < cap || cap > SCN_MAX_TEXT) {
			*data = buf;
			*len = used;
			return 0;
		}
		size_t ncap = cap * 2 > SCN_MAX_TEXT ? (size_t)SCN_MAX_TEXT + 1 : cap * 2;
		char *grown = realloc(buf, ncap);

		if (!grown)
			free(buf);
		buf = grown;
		cap = ncap;
	}
	return -ENOMEM;
}

int scn_parse_file(const char *path, struct scn_program **out, char *err, size_t errlen)
{
	FILE *f;
	char *data;
	size_t len;
	int rc;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f) {
		rc = -errno;
		if (err && errlen)
			snprintf(err, errlen, "%s: error: %s", path, strerror(-rc));
		return rc;
	}
	rc = read_all(f, &data, &len);
	fclose(f);
	if (rc) {
		if (err && errlen)
			snprintf(err, errlen, "%s: error: %s", path, strerror(-rc));
		return rc;
	}
	rc = scn_parse_buffer(data, len, path, out, err, errlen);
	free(data);
	return rc;
}
