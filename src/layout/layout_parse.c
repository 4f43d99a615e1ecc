/* SPDX-License-Identifier: MIT */
/*
 * The layout-file language (docs/layout-files.md). Built-in layouts are
 * written in it too, so a patch author's file and the kernel's own eras go
 * through the same checks.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/arch_roles.h"
#include "layout/layout_finalize.h"

struct parser {
	struct ptesim_layout *L;
	const struct arch_def *arch;
	const char *file;
	int lineno;
	char *err;
	size_t errlen;
	bool builtin;
	bool started;
	int field_line[LAYOUT_MAX_FIELDS];
	int removed_line[ROLE_COUNT];
};

static int perr(struct parser *p, int line, const char *fmt, ...)
{
	char msg[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->err && p->errlen)
		snprintf(p->err, p->errlen, "%s:%d: error: %s", p->file, line, msg);
	return -EINVAL;
}

const char *layout_pool_strdup(struct ptesim_layout *L, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d;

	if (L->pool_used + n > sizeof(L->pool))
		return NULL;
	d = L->pool + L->pool_used;
	memcpy(d, s, n);
	L->pool_used += n;
	return d;
}

/* "N" or "LO-HI" with 0 <= LO <= HI <= 63 */
static int parse_bits(struct parser *p, const char *tok, unsigned *lo, unsigned *width)
{
	char *end;
	unsigned long a, b;

	if (!isdigit((unsigned char)tok[0]))
		return perr(p, p->lineno, "'%s' is not a bit or a bit range (N or LO-HI)", tok);
	a = strtoul(tok, &end, 10);
	b = a;
	if (*end == '-') {
		if (!isdigit((unsigned char)end[1]))
			return perr(p, p->lineno, "'%s' is not a bit range (LO-HI)", tok);
		b = strtoul(end + 1, &end, 10);
	}
	if (*end)
		return perr(p, p->lineno, "'%s' is not a bit or a bit range (N or LO-HI)", tok);
	if (a > 63 || b > 63)
		return perr(p, p->lineno, "bit %lu is beyond bit 63", a > 63 ? a : b);
	if (b < a)
		return perr(p, p->lineno, "bit range %s runs backwards", tok);
	*lo = (unsigned)a;
	*width = (unsigned)(b - a + 1);
	return 0;
}

static int find_field(const struct ptesim_layout *L, enum role r)
{
	for (size_t i = 0; i < L->nfields; i++)
		if (L->fields[i].role == r)
			return (int)i;
	return -1;
}

static void remove_field(struct parser *p, int idx)
{
	struct ptesim_layout *L = p->L;

	for (size_t i = (size_t)idx; i + 1 < L->nfields; i++) {
		L->fields[i] = L->fields[i + 1];
		p->field_line[i] = p->field_line[i + 1];
	}
	L->nfields--;
}

static int place_field(struct parser *p, const struct role_def *rd, const char *bits,
		       const char *linux_name)
{
	struct ptesim_layout *L = p->L;
	unsigned lo, width;
	int idx, rc;

	rc = parse_bits(p, bits, &lo, &width);
	if (rc)
		return rc;
	if (width < rd->min_width || width > rd->max_width) {
		if (rd->min_width == rd->max_width)
			return perr(p, p->lineno, "%s takes %u bit%s, not %u", rd->name,
				    rd->min_width, rd->min_width == 1 ? "" : "s", width);
		return perr(p, p->lineno, "%s takes %u to %u bits, not %u", rd->name, rd->min_width,
			    rd->max_width, width);
	}
	if (rd->fixed_lo >= 0 && lo != (unsigned)rd->fixed_lo)
		return perr(p, p->lineno,
			    "%s (%s) is defined by the hardware at bit %d; it cannot move to bit %u",
			    rd->name, rd->linux_name, rd->fixed_lo, lo);
	if (rd->role == ROLE_SOFT_DIRTY)
		L->soft_dirty_alias = false;
	idx = find_field(L, rd->role);
	if (idx < 0) {
		if (L->nfields >= LAYOUT_MAX_FIELDS)
			return perr(p, p->lineno, "too many fields (at most %d)", LAYOUT_MAX_FIELDS);
		idx = (int)L->nfields++;
		L->fields[idx] = (struct ptesim_field){
			.name = rd->name,
			.linux_name = rd->linux_name,
			.desc = rd->desc,
			.forms = rd->forms,
			.origin = rd->origin,
			.flags = rd->flags,
			.role = (uint16_t)rd->role,
		};
	}
	L->fields[idx].lo = (uint8_t)lo;
	L->fields[idx].width = (uint8_t)width;
	if (linux_name) {
		const char *s = layout_pool_strdup(L, linux_name);

		if (!s)
			return perr(p, p->lineno, "the file's names and labels exceed %zu bytes",
				    sizeof(L->pool));
		L->fields[idx].linux_name = s;
	}
	p->field_line[idx] = p->lineno;
	return 0;
}

static int start_from(struct parser *p, const char *kw, const char *arg)
{
	struct ptesim_layout *L = p->L;

	if (!strcmp(kw, "arch")) {
		p->arch = arch_def_by_name(arg);
		if (!p->arch)
			return perr(p, p->lineno, "unknown architecture '%s' (arm64 or x86_64)", arg);
		L->arch = p->arch->arch;
		return 0; /* a root: its base is itself */
	}
	const struct ptesim_layout *b = p->builtin ? builtin_find_unlocked(arg) : ptesim_layout_find(arg);

	if (!b)
		return perr(p, p->lineno, "unknown base layout '%s' (ptesim layouts lists them)", arg);
	memcpy(L, b, sizeof(*L));
	L->builtin = false;
	snprintf(L->base, sizeof(L->base), "%s", b->name);
	L->name[0] = 0;
	/* re-home the base's pool strings */
	for (size_t i = 0; i < L->nfields; i++) {
		struct ptesim_field *f = &L->fields[i];

		if (f->linux_name >= b->pool && f->linux_name < b->pool + sizeof(b->pool))
			f->linux_name = L->pool + (f->linux_name - b->pool);
	}
	for (int i = 0; i < 64; i++)
		if (L->swap_zero_label[i] >= b->pool && L->swap_zero_label[i] < b->pool + sizeof(b->pool))
			L->swap_zero_label[i] = L->pool + (L->swap_zero_label[i] - b->pool);
	if (L->summary >= b->pool && L->summary < b->pool + sizeof(b->pool))
		L->summary = L->pool + (L->summary - b->pool);
	p->arch = arch_def_find(L->arch);
	memset(p->field_line, 0, sizeof(p->field_line));
	return 0;
}

static bool valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._+-", *s))
			return false;
	return true;
}

/* the rest of the line after the first n tokens, for labels and descriptions */
static const char *rest_after(const char *line, int n)
{
	const char *s = line;

	for (int i = 0; i < n; i++) {
		while (*s == ' ' || *s == '\t')
			s++;
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static int statement(struct parser *p, char *line, char **tok, int ntok)
{
	struct ptesim_layout *L = p->L;
	const char *kw = tok[0];

	if (!strcmp(kw, "base") || !strcmp(kw, "arch")) {
		if (p->started)
			return perr(p, p->lineno, "'%s' must be the first statement", kw);
		if (ntok != 2)
			return perr(p, p->lineno, "'%s' takes one name", kw);
		p->started = true;
		return start_from(p, kw, tok[1]);
	}
	if (!p->started)
		return perr(p, p->lineno, "a layout file starts with 'base LAYOUT' (or 'arch ARCH')");

	if (!strcmp(kw, "name")) {
		if (ntok != 2 || !valid_name(tok[1]) || strlen(tok[1]) >= sizeof(L->name))
			return perr(p, p->lineno, "'name' takes one name of letters, digits and . _ + -");
		if (!p->builtin && ptesim_layout_find(tok[1]))
			return perr(p, p->lineno, "'%s' is a built-in layout; choose another name", tok[1]);
		snprintf(L->name, sizeof(L->name), "%s", tok[1]);
		return 0;
	}
	if (!strcmp(kw, "describe")) {
		const char *s = layout_pool_strdup(L, rest_after(line, 1));

		if (!s)
			return perr(p, p->lineno, "the description is too long");
		L->summary = s;
		return 0;
	}
	if (!strcmp(kw, "helpers")) {
		const struct era *e;

		if (ntok != 2)
			return perr(p, p->lineno, "'helpers' takes one helper set");
		e = era_find(tok[1]);
		if (!e)
			return perr(p, p->lineno,
				    "unknown helper set '%s' (arm64-v4.15, arm64-v6.9, arm64-v6.10, arm64-v6.19, x86_64)",
				    tok[1]);
		if (e->arch != L->arch)
			return perr(p, p->lineno, "helper set '%s' is for another architecture", tok[1]);
		L->era = e;
		return 0;
	}
	if (!strcmp(kw, "share")) {
		const struct role_def *a, *b;

		if (ntok != 3)
			return perr(p, p->lineno, "'share' takes two fields that never apply to the same entry");
		a = arch_role_lookup(p->arch, tok[1]);
		b = arch_role_lookup(p->arch, tok[2]);
		if (!a || !b)
			return perr(p, p->lineno, "unknown field '%s' for %s", !a ? tok[1] : tok[2], p->arch->name);
		if (L->nshared == sizeof(L->shared) / sizeof(L->shared[0]))
			return perr(p, p->lineno, "at most %zu 'share' lines", sizeof(L->shared) / sizeof(L->shared[0]));
		L->shared[L->nshared][0] = (uint16_t)a->role;
		L->shared[L->nshared][1] = (uint16_t)b->role;
		L->nshared++;
		return 0;
	}
	if (!strcmp(kw, "swp-zero")) {
		unsigned lo, width;
		const char *label;
		int rc;

		if (ntok < 3)
			return perr(p, p->lineno, "'swp-zero' takes bits and a reason");
		rc = parse_bits(p, tok[1], &lo, &width);
		if (rc)
			return rc;
		label = layout_pool_strdup(L, rest_after(line, 2));
		if (!label)
			return perr(p, p->lineno, "the file's labels are too long");
		for (unsigned b = lo; b < lo + width; b++)
			L->swap_zero_label[b] = label;
		return 0;
	}

	const struct role_def *rd = arch_role_lookup(p->arch, kw);

	if (!rd)
		return perr(p, p->lineno, "unknown field '%s' for %s", kw, p->arch->name);
	if (ntok == 2 && !strcmp(tok[1], "none")) {
		int idx = find_field(L, rd->role);

		if (rd->role == ROLE_SOFT_DIRTY && L->soft_dirty_alias) {
			L->soft_dirty_alias = false;
			return 0;
		}
		if (idx < 0)
			return perr(p, p->lineno, "there is no %s to remove", rd->name);
		remove_field(p, idx);
		p->removed_line[rd->role] = p->lineno;
		return 0;
	}
	if (ntok == 2 && !strcmp(tok[1], "alias-dirty")) {
		int idx;

		if (rd->role != ROLE_SOFT_DIRTY || L->arch != PTESIM_ARCH_ARM64)
			return perr(p, p->lineno, "only arm64 soft-dirty can alias the dirty bit");
		if (find_field(L, ROLE_SW_DIRTY) < 0)
			return perr(p, p->lineno, "alias-dirty needs a pte-dirty field");
		idx = find_field(L, ROLE_SOFT_DIRTY);
		if (idx >= 0)
			remove_field(p, idx);
		L->soft_dirty_alias = true;
		return 0;
	}
	if (ntok != 2 && ntok != 3)
		return perr(p, p->lineno, "'%s' takes bits (N or LO-HI) and an optional kernel name", kw);
	return place_field(p, rd, tok[1], ntok == 3 ? tok[2] : NULL);
}

int layout_parse_into(struct ptesim_layout *L, const char *text, const char *filename, bool builtin,
		      char *err, size_t errlen)
{
	struct parser p = { .L = L, .file = filename, .err = err, .errlen = errlen, .builtin = builtin };
	const char *s = text;
	int rc;

	memset(L, 0, sizeof(*L));
	while (*s) {
		char line[512], *tok[8], *save, *t, *hash;
		size_t n = strcspn(s, "\n");
		int ntok = 0;

		p.lineno++;
		if (n >= sizeof(line))
			return perr(&p, p.lineno, "line longer than %zu characters", sizeof(line) - 1);
		memcpy(line, s, n);
		line[n] = 0;
		s += n + (s[n] == '\n');
		hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char copy[512];

		memcpy(copy, line, n + 1);
		for (t = strtok_r(copy, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
			if (ntok == 8)
				break;
			tok[ntok++] = t;
		}
		if (!ntok)
			continue;
		rc = statement(&p, line, tok, ntok);
		if (rc)
			return rc;
	}
	if (!p.started)
		return perr(&p, p.lineno ? p.lineno : 1, "empty layout: start with 'base LAYOUT'");
	if (!L->name[0]) {
		/* default: the file name without directories and extension */
		const char *base = strrchr(filename, '/');
		size_t len;

		const char *dot;

		base = base ? base + 1 : filename;
		dot = strrchr(base, '.');
		len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
		if (len >= sizeof(L->name))
			len = sizeof(L->name) - 1;
		memcpy(L->name, base, len);
		L->name[len] = 0;
		if (!builtin && (ptesim_layout_find(L->name) || !valid_name(L->name)))
			return perr(&p, 1, "the file name does not make a layout name of its own ('%s'): add 'name NAME'",
				    L->name);
	}
	if (!L->era)
		return perr(&p, p.lineno, "no helper set: add 'helpers SET'");
	return layout_finalize(L, p.arch, p.field_line, p.removed_line, filename, err, errlen);
}
