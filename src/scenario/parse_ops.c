/* SPDX-License-Identifier: MIT */
/*
 * The operands of each operation: page references resolved against the
 * current process, protections, backings, scan options, and the pairs and
 * regions of the expectations.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "ptesim/pte.h"
#include "scenario/parse_internal.h"
#include "scenario/vocab.h"

/* ---- operand helpers ------------------------------------------------- */

/* The number in the len bytes at s, part of token t. */
static int number_at(struct parser *p, const struct lex_token *t, const char *s, size_t len,
		     uint64_t *value)
{
	char q[LEX_QUOTE_SIZE];
	int rc = lex_number(s, len, value);

	if (rc == -ERANGE)
		return parse_error(p, t->col, "the number in '%s' does not fit in 64 bits",
				   lex_quote(t->s, q));
	if (rc)
		return parse_error(p, t->col, "bad number in '%s' (decimal or 0x hex)", lex_quote(t->s, q));
	return 0;
}

static int take_number(struct parser *p, struct cursor *c, const char *op, const char *what,
		       uint64_t *value)
{
	const struct lex_token *t = cursor_take(p, c, op, what);

	return t ? number_at(p, t, t->s, t->len, value) : -EINVAL;
}

/* One word of a vocabulary table; the words are listed only in an error. */
static int take_word(struct parser *p, struct cursor *c, const char *op, const char *what,
		     const struct vocab_word *table, unsigned *value)
{
	char q[LEX_QUOTE_SIZE], list[160];
	const struct lex_token *t = cursor_peek(c);
	const struct vocab_word *w = t ? vocab_find(table, t->s) : NULL;

	if (w) {
		c->i++;
		*value = w->value;
		return 0;
	}
	vocab_list(table, list, sizeof(list));
	if (!t)
		return parse_error(p, c->end_col, "%s needs %s (%s)", op, what, list);
	return parse_error(p, t->col, "'%s' is not %s (%s)", lex_quote(t->s, q), what, list);
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

static int bad_ref(struct parser *p, const struct lex_token *t)
{
	char q[LEX_QUOTE_SIZE];

	return parse_error(p, t->col, "bad page reference '%s' (A, A[i] or A[i:j])", lex_quote(t->s, q));
}

/* A[i] or A[i:j], the bracket after the name at open */
static int ref_bounds(struct parser *p, const struct lex_token *t, const char *open,
		      uint64_t npages, struct scn_range *r, const char **rest)
{
	char q[LEX_QUOTE_SIZE];
	const char *name = p->prog->regions[r->region];
	const char *close = strchr(open, ']');
	const char *colon;
	uint64_t first = 0, end = 0;
	int rc;

	if (!close)
		return bad_ref(p, t);
	colon = memchr(open, ':', (size_t)(close - open));
	rc = number_at(p, t, open, (size_t)((colon ? colon : close) - open), &first);
	if (rc)
		return rc;
	*rest = close + 1;
	if (!colon) {
		if (first >= npages)
			return parse_error(p, t->col, "page %" PRIu64 " is out of range: %s has %" PRIu64
				   " page%s", first, lex_quote(name, q), npages, plural(npages));
		*r = (struct scn_range){ r->region, SCN_REF_PAGE, first, 1 };
		return 0;
	}
	rc = number_at(p, t, colon + 1, (size_t)(close - colon - 1), &end);
	if (rc)
		return rc;
	if (end <= first)
		return parse_error(p, t->col, "empty page range in '%s' (A[i:j] needs j > i)",
				   lex_quote(t->s, q));
	if (end > npages)
		return parse_error(p, t->col, "pages %" PRIu64 " to %" PRIu64 " are out of range: %s has %"
				   PRIu64 " page%s", first, end - 1, lex_quote(name, q), npages,
				   plural(npages));
	*r = (struct scn_range){ r->region, SCN_REF_SPAN, first, end - first };
	return 0;
}

/* A page reference at the start of the token; *rest is what follows it. */
static int ref_at(struct parser *p, const struct lex_token *t, struct scn_range *r,
		  const char **rest)
{
	size_t n = lex_name_prefix(t->s);
	uint64_t npages = 0;
	int rc;

	if (!n)
		return bad_ref(p, t);
	rc = region_resolve(p, t, t->s, n, &r->region, &npages);
	if (rc)
		return rc;
	if (t->s[n] == '[')
		return ref_bounds(p, t, t->s + n + 1, npages, r, rest);
	*r = (struct scn_range){ r->region, SCN_REF_WHOLE, 0, npages };
	*rest = t->s + n;
	return 0;
}

/* A page reference that is the whole token. */
static int whole_ref(struct parser *p, const struct lex_token *t, struct scn_range *r)
{
	const char *rest = t->s;
	int rc = ref_at(p, t, r, &rest);

	return !rc && *rest ? bad_ref(p, t) : rc;
}

static int take_range(struct parser *p, struct cursor *c, const char *op, struct scn_range *r)
{
	const struct lex_token *t = cursor_take(p, c, op, "pages (A, A[i] or A[i:j])");

	return t ? whole_ref(p, t, r) : -EINVAL;
}

/* Accesses and per-page expectations name exactly one page. */
static int take_page(struct parser *p, struct cursor *c, const char *op, struct scn_range *r)
{
	char q[LEX_QUOTE_SIZE];
	const struct lex_token *t = cursor_take(p, c, op, "a page (A[i])");
	int rc;

	if (!t)
		return -EINVAL;
	rc = whole_ref(p, t, r);
	if (!rc && r->form != SCN_REF_PAGE)
		rc = parse_error(p, t->col, "%s takes one page, A[i], not '%s'", op, lex_quote(t->s, q));
	return rc;
}

/* The text of "KEY=VALUE": the key into key[], *value the text after '='. */
static int split_pair(struct parser *p, const struct lex_token *t, const char *form, char *key,
		      size_t size, const char **value)
{
	char q[LEX_QUOTE_SIZE];
	const char *eq = strchr(t->s, '=');
	size_t n = eq ? (size_t)(eq - t->s) : 0;

	*value = t->s + t->len;
	if (!eq || n == 0)
		return parse_error(p, t->col, "expected %s, not '%s'", form, lex_quote(t->s, q));
	if (n >= size)
		return parse_error(p, t->col, "the name before '=' is too long in '%s'", lex_quote(t->s, q));
	memcpy(key, t->s, n);
	key[n] = 0;
	*value = eq + 1;
	return 0;
}

/* ---- processes and mappings ------------------------------------------ */

int op_fork(struct parser *p, struct cursor *c, struct scn_command *cmd)
{
	const struct lex_token *t = cursor_take(p, c, "fork", "the child's name");

	return t ? process_fork(p, t, &cmd->named_process) : -EINVAL;
}

int op_as(struct parser *p, struct cursor *c, struct scn_command *cmd)
{
	const struct lex_token *t = cursor_take(p, c, "as", "a process");
	int rc = t ? process_lookup(p, t, &cmd->named_process) : -EINVAL;

	if (!rc)
		p->current = cmd->named_process;
	return rc;
}

int op_exit(struct parser *p, struct cursor *c, struct scn_command *cmd)
{
	const struct lex_token *t = cursor_take(p, c, "exit", "a process");

	return t ? process_lookup(p, t, &cmd->named_process) : -EINVAL;
}

/* anon | shmem:OBJ | file:OBJ */
static int take_backing(struct parser *p, struct cursor *c, struct scn_mmap *m)
{
	char q[LEX_QUOTE_SIZE];
	const struct lex_token *t = cursor_take(p, c, "mmap", "BACKING (anon, shmem:OBJ or file:OBJ)");

	if (!t)
		return -EINVAL;
	if (!strcmp(t->s, "anon")) {
		m->backing = SCN_ANON;
		return 0;
	}
	if (!strncmp(t->s, "shmem:", 6)) {
		m->backing = SCN_SHMEM;
		return object_use(p, t, t->s + 6, SCN_SHMEM, &m->object);
	}
	if (!strncmp(t->s, "file:", 5)) {
		m->backing = SCN_FILE;
		return object_use(p, t, t->s + 5, SCN_FILE, &m->object);
	}
	return parse_error(p, t->col, "unknown BACKING '%s' (anon, shmem:OBJ or file:OBJ)",
			   lex_quote(t->s, q));
}

/* mmap A N PROT SHARING BACKING */
int op_mmap(struct parser *p, struct cursor *c, struct scn_command *cmd)
{
	struct scn_mmap *m = &cmd->mmap;
	const struct lex_token *name = cursor_take(p, c, "mmap", "a region name");
	unsigned sharing = 0;
	int rc = name ? 0 : -EINVAL;

	if (!rc)
		rc = take_number(p, c, "mmap", "the number of pages", &m->npages);
	if (!rc)
		rc = region_define(p, name, m->npages, &m->region);
	if (!rc)
		rc = take_word(p, c, "mmap", "a PROT", vocab_prot, &m->prot);
	if (!rc)
		rc = take_word(p, c, "mmap", "a SHARING", vocab_sharing, &sharing);
	if (!rc) {
		m->sharing = (enum scn_sharing)sharing;
		rc = take_backing(p, c, m);
	}
	return rc;
}

int op_range_only(struct parser *p, struct cursor *c, struct scn_command *cmd)
{
	return take_range(p, c, scn_op_name(cmd->op), &cmd->range);
}

int op_nothing(struct parser *p, struct cursor *c, struct scn_command *cmd)
{
	(void)p;
	(void)c;
	(void)cmd;
	return 0;
}

int op_mprotect(struct parser *p, struct cursor *c, struct scn_command *cmd)
{
	int rc = take_range(p, c, "mprotect", &cmd->range);

	return rc ? rc : take_word(p, c, "mprotect", "a PROT", vocab_prot, &cmd->prot);
}

int op_madvise(struct parser *p, struct cursor *c, struct scn_command *cmd)
{
	unsigned advice = 0;
	int rc = take_range(p, c, "madvise", &cmd->range);

	if (!rc)
		rc = take_word(p, c, "madvise", "an ADVICE", vocab_advice, &advice);
	if (!rc)
		cmd->advice = (enum scn_advice)advice;
	return rc;
}

/* write A[i] [VALUE] and read A[i] [VALUE]; the outcome comes later */
int op_access(struct parser *p, struct cursor *c, struct scn_command *cmd)
{
	const char *op = scn_op_name(cmd->op);
	int rc = take_page(p, c, op, &cmd->range);

	if (rc || !cursor_peek(c))
		return rc;
	cmd->access.has_value = true;
	return take_number(p, c, op, "a value", &cmd->access.value);
}

int op_clear_refs(struct parser *p, struct cursor *c, struct scn_command *cmd)
{
	unsigned value = 0;
	int rc = take_word(p, c, "clear_refs", "a clear_refs value", vocab_clear_refs, &value);

	if (!rc)
		cmd->clear_refs = (enum scn_clear_refs)value;
	return rc;
}

/* ---- userfaultfd ----------------------------------------------------- */

/* Flags from a table, each at most once, until the operands end. */
static int word_flags(struct parser *p, struct cursor *c, const char *what,
		      const struct vocab_word *table, unsigned *mask)
{
	char q[LEX_QUOTE_SIZE], list[160];
	const struct lex_token *t = NULL;

	for (; (t = cursor_peek(c)) != NULL; c->i++) {
		const struct vocab_word *w = vocab_find(table, t->s);

		if (!w)
			return parse_error(p, t->col, "unknown %s '%s' (%s)", what, lex_quote(t->s, q),
					   vocab_list(table, list, sizeof(list)));
		if (*mask & w->value)
			return parse_error(p, t->col, "'%s' is given twice", w->name);
		*mask |= w->value;
	}
	return 0;
}

int op_uffd_open(struct parser *p, struct cursor *c, struct scn_command *cmd)
{
	return word_flags(p, c, "uffd feature", vocab_uffd_feature, &cmd->uffd_features);
}

int op_uffd_register(struct parser *p, struct cursor *c, struct scn_command *cmd)
{
	int rc = take_range(p, c, "uffd register", &cmd->range);

	return rc ? rc : take_word(p, c, "uffd register", "a mode", vocab_uffd_mode, &cmd->uffd_mode);
}

/* ---- PAGEMAP_SCAN ---------------------------------------------------- */

/* CATS: a comma list of categories, each at most once; empty is 0. */
static int categories(struct parser *p, const struct lex_token *t, const char *list, size_t len,
		      unsigned *mask)
{
	char q[LEX_QUOTE_SIZE], qname[LEX_QUOTE_SIZE], name[32], known[160];

	*mask = 0;
	while (len) {
		const char *comma = memchr(list, ',', len);
		size_t n = comma ? (size_t)(comma - list) : len;
		const struct vocab_word *w;

		/* a longer name is no category; its first bytes say which */
		memcpy(name, list, n < sizeof(name) ? n : sizeof(name) - 1);
		name[n < sizeof(name) ? n : sizeof(name) - 1] = 0;
		w = n < sizeof(name) ? vocab_find(vocab_category, name) : NULL;
		if (!w)
			return parse_error(p, t->col, "unknown category '%s' in '%s' (%s)",
					   lex_quote(name, qname), lex_quote(t->s, q),
					   vocab_list(vocab_category, known, sizeof(known)));
		if (*mask & w->value)
			return parse_error(p, t->col, "category '%s' is given twice in '%s'", w->name,
					   lex_quote(t->s, q));
		*mask |= w->value;
		if (!comma)
			break;
		len -= n + 1;
		list = comma + 1;
		if (!len)
			return parse_error(p, t->col, "empty category at the end of '%s'",
					   lex_quote(t->s, q));
	}
	return 0;
}

enum scan_option_kind { OPT_FLAG, OPT_CATEGORIES, OPT_NUMBER };

static const struct scan_option {
	const char *name;
	enum scan_option_kind kind;
	unsigned flag; /* OPT_FLAG */
} scan_options[] = {
	{ "wp-matching", OPT_FLAG, SCN_SCAN_WP_MATCHING },
	{ "check-wpasync", OPT_FLAG, SCN_SCAN_CHECK_WPASYNC },
	{ "want", OPT_CATEGORIES, 0 },
	{ "inverted", OPT_CATEGORIES, 0 },
	{ "anyof", OPT_CATEGORIES, 0 },
	{ "return", OPT_CATEGORIES, 0 },
	{ "max-pages", OPT_NUMBER, 0 },
};
#define NSCAN_OPTIONS (sizeof(scan_options) / sizeof(scan_options[0]))

static unsigned *scan_mask(struct scn_scan *scan, const char *name)
{
	if (!strcmp(name, "want"))
		return &scan->want;
	if (!strcmp(name, "inverted"))
		return &scan->inverted;
	if (!strcmp(name, "anyof"))
		return &scan->anyof;
	return &scan->ret;
}

static const struct scan_option *scan_option_find(const char *s, size_t len)
{
	for (size_t i = 0; i < NSCAN_OPTIONS; i++)
		if (strlen(scan_options[i].name) == len && !strncmp(scan_options[i].name, s, len))
			return &scan_options[i];
	return NULL;
}

static int scan_option(struct parser *p, const struct lex_token *t, struct scn_scan *scan,
		       unsigned *seen)
{
	char q[LEX_QUOTE_SIZE];
	const char *eq = strchr(t->s, '=');
	size_t n = eq ? (size_t)(eq - t->s) : t->len;
	const struct scan_option *o = scan_option_find(t->s, n);
	unsigned bit;

	if (!o)
		return parse_error(p, t->col,
				   "unknown scan option '%s' (wp-matching, check-wpasync, want=, inverted=, anyof=, return=, max-pages=)",
				   lex_quote(t->s, q));
	bit = 1u << (o - scan_options);
	if (*seen & bit)
		return parse_error(p, t->col, "scan option '%s' is given twice", o->name);
	*seen |= bit;
	if ((o->kind == OPT_FLAG) != !eq)
		return parse_error(p, t->col, o->kind == OPT_FLAG ? "%s takes no value" : "%s needs =VALUE",
				   o->name);
	switch (o->kind) {
	case OPT_FLAG:
		scan->flags |= o->flag;
		return 0;
	case OPT_CATEGORIES:
		return categories(p, t, eq + 1, strlen(eq + 1), scan_mask(scan, o->name));
	case OPT_NUMBER:
		return number_at(p, t, eq + 1, strlen(eq + 1), &scan->max_pages);
	}
	return 0;
}

/* Options up to the end of the operands or to the token stop. */
static int scan_options_until(struct parser *p, struct cursor *c, const char *stop,
			      struct scn_scan *scan)
{
	const struct lex_token *t = NULL;
	unsigned seen = 0;

	scan->ret = SCN_CAT_ALL;
	for (; (t = cursor_peek(c)) != NULL && (!stop || strcmp(t->s, stop)); c->i++) {
		int rc = scan_option(p, t, scan, &seen);

		if (rc)
			return rc;
	}
	return 0;
}

int op_scan(struct parser *p, struct cursor *c, struct scn_command *cmd)
{
	int rc = take_range(p, c, "scan", &cmd->range);

	return rc ? rc : scan_options_until(p, c, NULL, &cmd->scan);
}

/* A[i:j]{cat,cat} */
static int scan_region(struct parser *p, const struct lex_token *t, struct scn_scan_region *r)
{
	char q[LEX_QUOTE_SIZE];
	const char *rest = t->s;
	int rc = ref_at(p, t, &r->range, &rest);

	if (rc)
		return rc;
	if (rest[0] != '{' || t->s + t->len - rest < 2 || t->s[t->len - 1] != '}')
		return parse_error(p, t->col, "expected a region A[i:j]{cat,...}, not '%s'",
				   lex_quote(t->s, q));
	return categories(p, t, rest + 1, (size_t)(t->s + t->len - 1 - (rest + 1)), &r->categories);
}

/* expect scan A[range] [OPTIONS] == REGION... | == none */
int op_expect_scan(struct parser *p, struct cursor *c, struct scn_command *cmd)
{
	struct scn_scan *scan = &cmd->scan;
	struct scn_scan_region *regions;
	size_t n;
	int rc = take_range(p, c, "expect scan", &cmd->range);

	if (!rc)
		rc = scan_options_until(p, c, "==", scan);
	if (rc)
		return rc;
	if (!cursor_take(p, c, "expect scan", "'== REGION...' or '== none'"))
		return -EINVAL;
	n = c->n - c->i;
	if (n == 0)
		return parse_error(p, c->end_col, "expect scan needs regions after '==' (or 'none')");
	if (!strcmp(c->tok[c->i].s, "none")) {
		c->i++;
		return 0;
	}
	if (n > SCN_MAX_SCAN_REGIONS)
		return parse_error(p, c->tok[c->i].col, "more than %u regions", SCN_MAX_SCAN_REGIONS);
	regions = program_alloc(p->prog, n * sizeof(*regions));
	if (!regions)
		return parse_nomem(p);
	for (size_t i = 0; i < n; i++) {
		rc = scan_region(p, &c->tok[c->i++], &regions[i]);
		if (rc)
			return rc;
	}
	scan->expected = regions;
	scan->nexpected = n;
	return 0;
}

/* ---- expectations ---------------------------------------------------- */

static int pagemap_pair(struct parser *p, const struct lex_token *t, struct scn_pagemap_expect *e)
{
	char q[LEX_QUOTE_SIZE], key[128], list[160];
	const struct vocab_word *w;
	const char *value = NULL;
	uint64_t v = 0;
	int rc = split_pair(p, t, "KEY=0|1", key, sizeof(key), &value);

	if (rc)
		return rc;
	w = vocab_find(vocab_pagemap_key, key);
	if (!w)
		return parse_error(p, t->col, "unknown pagemap key in '%s' (%s)", lex_quote(t->s, q),
				   vocab_list(vocab_pagemap_key, list, sizeof(list)));
	if (e->keys & w->value)
		return parse_error(p, t->col, "pagemap key '%s' is given twice", w->name);
	rc = number_at(p, t, value, strlen(value), &v);
	if (rc)
		return rc;
	if (v > 1)
		return parse_error(p, t->col, "'%s' takes 0 or 1, not %" PRIu64, w->name, v);
	e->keys |= w->value;
	e->values |= v ? w->value : 0;
	return 0;
}

/* expect pagemap A[i] KEY=0|1 ... */
int op_expect_pagemap(struct parser *p, struct cursor *c, struct scn_command *cmd)
{
	const struct lex_token *t = NULL;
	int rc = take_page(p, c, "expect pagemap", &cmd->range);

	if (!rc && !cursor_peek(c))
		rc = parse_error(p, c->end_col, "expect pagemap needs KEY=0|1 pairs");
	for (; !rc && (t = cursor_peek(c)) != NULL; c->i++)
		rc = pagemap_pair(p, t, &cmd->pagemap);
	return rc;
}

static int pte_check(struct parser *p, const struct lex_token *t, struct scn_pte_check *checks,
		     size_t done)
{
	char q[LEX_QUOTE_SIZE], field[128];
	struct scn_pte_check *ck = &checks[done];
	const char *value = NULL;
	int rc = split_pair(p, t, "FIELD=VALUE", field, sizeof(field), &value);

	if (rc)
		return rc;
	if (!lex_is_name(field))
		return parse_error(p, t->col, "bad field name in '%s'", lex_quote(t->s, q));
	for (size_t i = 0; i < done; i++)
		if (!strcmp(checks[i].field, field))
			return parse_error(p, t->col, "field '%s' is given twice", field);
	ck->field = program_strdup(p->prog, field);
	if (!ck->field)
		return parse_nomem(p);
	ck->pred = ptesim_pred_find(field);
	rc = number_at(p, t, value, strlen(value), &ck->value);
	if (!rc && ck->pred >= 0 && ck->value > 1)
		rc = parse_error(p, t->col, "'%s' is a predicate: it takes 0 or 1, not %" PRIu64, field,
				 ck->value);
	return rc;
}

/* expect pte A[i] FIELD=VALUE ... */
int op_expect_pte(struct parser *p, struct cursor *c, struct scn_command *cmd)
{
	struct scn_pte_check *checks;
	size_t n;
	int rc = take_page(p, c, "expect pte", &cmd->range);

	if (rc)
		return rc;
	n = c->n - c->i;
	if (n == 0)
		return parse_error(p, c->end_col, "expect pte needs FIELD=VALUE pairs");
	if (n > SCN_MAX_PTE_CHECKS)
		return parse_error(p, c->tok[c->i + SCN_MAX_PTE_CHECKS].col,
				   "more than %u FIELD=VALUE pairs", SCN_MAX_PTE_CHECKS);
	checks = program_alloc(p->prog, n * sizeof(*checks));
	if (!checks)
		return parse_nomem(p);
	for (size_t i = 0; i < n; i++) {
		rc = pte_check(p, &c->tok[c->i++], checks, i);
		if (rc)
			return rc;
	}
	cmd->pte.checks = checks;
	cmd->pte.nchecks = n;
	return 0;
}

/* expect event A[i] uffd-wp */
int op_expect_event(struct parser *p, struct cursor *c, struct scn_command *cmd)
{
	unsigned event = 0;
	int rc = take_page(p, c, "expect event", &cmd->range);

	if (!rc)
		rc = take_word(p, c, "expect event", "an event", vocab_event, &event);
	if (!rc)
		cmd->event = (enum scn_event)event;
	return rc;
}
