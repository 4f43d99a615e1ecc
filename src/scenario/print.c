/* SPDX-License-Identifier: MIT */
/*
 * A program as canonical scenario text: one space between tokens, defaults
 * left out (`-> ok`, scan's return=all), bit lists in their table order,
 * page references in the form they were written. Parsing the text gives the
 * same program again, so a program built in code can be saved, shown and
 * run exactly as a file would be.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/program.h"
#include "scenario/vocab.h"

/* Text into a caller's buffer, counting what does not fit, as snprintf. */
struct out {
	char *buf;
	size_t size;
	size_t len;
	bool bad; /* something cannot be written as scenario text */
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void put(struct out *o, const char *fmt, ...)
{
	char *dst = o->len < o->size ? o->buf + o->len : NULL;
	size_t room = o->len < o->size ? o->size - o->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(dst, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		o->bad = true;
	else
		o->len += (size_t)n;
}

static void put_word(struct out *o, const struct vocab_word *table, unsigned value)
{
	const char *name = vocab_name(table, value);

	if (name)
		put(o, " %s", name);
	else
		o->bad = true;
}

/* The words of the bits of mask, in table order, after lead and joined by
 * sep; a bit no word stands for cannot be written. */
static void put_mask(struct out *o, const struct vocab_word *table, unsigned mask,
		     const char *lead, const char *sep)
{
	unsigned written = 0;

	put(o, "%s", lead);
	for (; table->name; table++) {
		if (!(mask & table->value))
			continue;
		put(o, "%s%s", written ? sep : "", table->name);
		written |= table->value;
	}
	if (written != mask)
		o->bad = true;
}

/* Small numbers in decimal, others in hex, where either reads well. */
static void put_value(struct out *o, uint64_t v)
{
	if (v < 10)
		put(o, "%" PRIu64, v);
	else
		put(o, "0x%" PRIx64, v);
}

static const char *table_name(const char *const *names, size_t count, uint32_t index)
{
	return index < count ? names[index] : NULL;
}

static void put_name(struct out *o, const char *const *names, size_t count, uint32_t index)
{
	const char *name = table_name(names, count, index);

	if (name)
		put(o, " %s", name);
	else
		o->bad = true;
}

/* A, A[i] or A[i:j], with no leading space */
static void put_ref(struct out *o, const struct scn_program *prog, const struct scn_range *r)
{
	const char *name = table_name(prog->regions, prog->nregions, r->region);

	if (!name) {
		o->bad = true;
		return;
	}
	if (r->form == SCN_REF_WHOLE)
		put(o, "%s", name);
	else if (r->form == SCN_REF_PAGE && r->count == 1)
		put(o, "%s[%" PRIu64 "]", name, r->first);
	else if (r->count && r->first <= UINT64_MAX - r->count)
		put(o, "%s[%" PRIu64 ":%" PRIu64 "]", name, r->first, r->first + r->count);
	else
		o->bad = true;
}

static void put_range(struct out *o, const struct scn_program *prog, const struct scn_range *r)
{
	put(o, " ");
	put_ref(o, prog, r);
}

static void put_mmap(struct out *o, const struct scn_program *prog, const struct scn_mmap *m)
{
	put_name(o, prog->regions, prog->nregions, m->region);
	put(o, " %" PRIu64, m->npages);
	put_word(o, vocab_prot, m->prot);
	put_word(o, vocab_sharing, m->sharing);
	if (m->backing == SCN_ANON) {
		put(o, " anon");
		return;
	}
	if (m->object >= prog->nobjects || prog->objects[m->object].kind != m->backing ||
	    (m->backing != SCN_SHMEM && m->backing != SCN_FILE)) {
		o->bad = true;
		return;
	}
	put(o, " %s:%s", m->backing == SCN_SHMEM ? "shmem" : "file", prog->objects[m->object].name);
}

static void put_access(struct out *o, const struct scn_program *prog, const struct scn_command *c)
{
	put_range(o, prog, &c->range);
	if (c->access.has_value) {
		put(o, " ");
		put_value(o, c->access.value);
	}
	if (c->access.outcome != SCN_OUTCOME_OK) {
		put(o, " ->");
		put_word(o, vocab_outcome, c->access.outcome);
	}
}

/* A category mask option, left out at its default. */
static void put_categories(struct out *o, const char *option, unsigned mask, unsigned fallback)
{
	if (mask == fallback)
		return;
	put(o, " %s=", option);
	put_mask(o, vocab_category, mask, "", ",");
}

static void put_scan_options(struct out *o, const struct scn_scan *s)
{
	if (s->flags & SCN_SCAN_WP_MATCHING)
		put(o, " wp-matching");
	if (s->flags & SCN_SCAN_CHECK_WPASYNC)
		put(o, " check-wpasync");
	if (s->flags & ~(SCN_SCAN_WP_MATCHING | SCN_SCAN_CHECK_WPASYNC))
		o->bad = true;
	put_categories(o, "want", s->want, 0);
	put_categories(o, "inverted", s->inverted, 0);
	put_categories(o, "anyof", s->anyof, 0);
	put_categories(o, "return", s->ret, SCN_CAT_ALL);
	if (s->max_pages)
		put(o, " max-pages=%" PRIu64, s->max_pages);
}

static void put_expect_scan(struct out *o, const struct scn_program *prog, const struct scn_command *c)
{
	put_range(o, prog, &c->range);
	put_scan_options(o, &c->scan);
	put(o, " ==");
	if (!c->scan.nexpected)
		put(o, " none");
	for (size_t i = 0; i < c->scan.nexpected; i++) {
		const struct scn_scan_region *r = &c->scan.expected[i];

		put(o, " ");
		put_ref(o, prog, &r->range);
		put_mask(o, vocab_category, r->categories, "{", ",");
		put(o, "}");
	}
}

static void put_expect_pagemap(struct out *o, const struct scn_program *prog,
			       const struct scn_command *c)
{
	const struct scn_pagemap_expect *e = &c->pagemap;

	unsigned written = 0;

	put_range(o, prog, &c->range);
	for (const struct vocab_word *w = vocab_pagemap_key; w->name; w++) {
		if (!(e->keys & w->value))
			continue;
		put(o, " %s=%d", w->name, (e->values & w->value) ? 1 : 0);
		written |= w->value;
	}
	if (!e->keys || written != e->keys || (e->values & ~e->keys))
		o->bad = true;
}

static void put_expect_pte(struct out *o, const struct scn_program *prog, const struct scn_command *c)
{
	put_range(o, prog, &c->range);
	if (!c->pte.nchecks)
		o->bad = true;
	for (size_t i = 0; i < c->pte.nchecks; i++) {
		put(o, " %s=", c->pte.checks[i].field);
		put_value(o, c->pte.checks[i].value);
	}
}

static void put_operands(struct out *o, const struct scn_program *prog, const struct scn_command *c)
{
	switch (c->op) {
	case SCN_OP_FORK:
	case SCN_OP_AS:
	case SCN_OP_EXIT:
		put_name(o, prog->processes, prog->nprocesses, c->named_process);
		break;
	case SCN_OP_MMAP:
		put_mmap(o, prog, &c->mmap);
		break;
	case SCN_OP_MUNMAP:
	case SCN_OP_RECLAIM:
	case SCN_OP_MIGRATE:
	case SCN_OP_UFFD_UNREGISTER:
	case SCN_OP_UFFD_WP:
	case SCN_OP_UFFD_UNWP:
	case SCN_OP_PAGEMAP:
	case SCN_OP_PTE:
		put_range(o, prog, &c->range);
		break;
	case SCN_OP_MPROTECT:
		put_range(o, prog, &c->range);
		put_word(o, vocab_prot, c->prot);
		break;
	case SCN_OP_MADVISE:
		put_range(o, prog, &c->range);
		put_word(o, vocab_advice, c->advice);
		break;
	case SCN_OP_WRITE:
	case SCN_OP_READ:
		put_access(o, prog, c);
		break;
	case SCN_OP_CLEAR_REFS:
		put_word(o, vocab_clear_refs, c->clear_refs);
		break;
	case SCN_OP_UFFD_OPEN:
		put_mask(o, vocab_uffd_feature, c->uffd_features, c->uffd_features ? " " : "", " ");
		break;
	case SCN_OP_UFFD_REGISTER:
		put_range(o, prog, &c->range);
		put_word(o, vocab_uffd_mode, c->uffd_mode);
		break;
	case SCN_OP_SCAN:
		put_range(o, prog, &c->range);
		put_scan_options(o, &c->scan);
		break;
	case SCN_OP_EXPECT_PAGEMAP:
		put_expect_pagemap(o, prog, c);
		break;
	case SCN_OP_EXPECT_PTE:
		put_expect_pte(o, prog, c);
		break;
	case SCN_OP_EXPECT_SCAN:
		put_expect_scan(o, prog, c);
		break;
	case SCN_OP_EXPECT_EVENT:
		put_range(o, prog, &c->range);
		put_word(o, vocab_event, c->event);
		break;
	case SCN_OP_CRIU_DUMP:
	case SCN_OP_EXPECT_NO_EVENT:
	case SCN_OP_COUNT:
		break;
	}
}

static void put_errno(struct out *o, const struct scn_command *c)
{
	const char *name;

	if (!c->expect_errno)
		return;
	name = scn_errno_name(c->expect_errno);
	if (!name || vocab_op_outcome(c->op) != VOCAB_OUTCOME_ERRNO)
		o->bad = true;
	else
		put(o, " -> %s", name);
}

int scn_format_command(const struct scn_program *prog, const struct scn_command *c, char *buf,
		       size_t size)
{
	struct out o = { .buf = buf, .size = size };
	const char *name = scn_op_name(c->op);

	if (size)
		buf[0] = 0;
	if (!name)
		return -EINVAL;
	put(&o, "%s", name);
	put_operands(&o, prog, c);
	put_errno(&o, c);
	if (o.bad || o.len > INT_MAX)
		return -EINVAL;
	return (int)o.len;
}

static int write_header(FILE *f, const struct scn_header *h)
{
	char line[256] = "";
	struct out o = { .buf = line, .size = sizeof(line) };

	if (h->all_layouts) {
		fputs("layout all\n", f);
	} else if (h->nlayouts) {
		fputs("layout ", f);
		for (size_t i = 0; i < h->nlayouts; i++)
			fprintf(f, "%s%s", i ? "," : "", h->layouts[i]);
		fputs("\n", f);
	}
	if (h->requires) {
		put_mask(&o, vocab_requires, h->requires, "requires ", " ");
		if (o.bad || o.len >= sizeof(line))
			return -EINVAL;
		fprintf(f, "%s\n", line);
	}
	if (!h->hafdbs)
		fputs("hafdbs off\n", f);
	if (!h->swap)
		fputs("swap off\n", f);
	for (size_t i = 0; i < h->nresults; i++) {
		const struct scn_expect_result *r = &h->results[i];
		const char *violation = scn_violation_name(r->violation);

		if (!r->fail)
			fprintf(f, "expect-result %s pass\n", r->layout);
		else if (violation)
			fprintf(f, "expect-result %s fail %s\n", r->layout, violation);
		else
			return -EINVAL;
	}
	return 0;
}

static int write_command(FILE *f, const struct scn_program *prog, const struct scn_command *c)
{
	char small[512];
	char *text = small;
	int n = scn_format_command(prog, c, small, sizeof(small));

	if (n < 0)
		return n;
	if ((size_t)n >= sizeof(small)) {
		text = malloc((size_t)n + 1);
		if (!text)
			return -ENOMEM;
		scn_format_command(prog, c, text, (size_t)n + 1);
	}
	fprintf(f, "%s\n", text);
	if (text != small)
		free(text);
	return 0;
}

int scn_program_write(FILE *f, const struct scn_program *prog)
{
	int rc = write_header(f, &prog->header);

	for (size_t i = 0; !rc && i < prog->ncommands; i++)
		rc = write_command(f, prog, &prog->commands[i]);
	if (!rc && ferror(f))
		rc = -EIO;
	return rc;
}
