/* SPDX-License-Identifier: MIT */
/* The explorer's setup and menu of operations as one scenario program. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/menu.h"
#include "explore/textbuf.h"
#include "scenario/run_internal.h"

const char *const explore_op_names[XOP_COUNT] = {
	[XOP_WRITE] = "write",       [XOP_READ] = "read",         [XOP_FORK] = "fork",
	[XOP_MPROTECT] = "mprotect", [XOP_FREE] = "free",         [XOP_DONTNEED] = "dontneed",
	[XOP_COLD] = "cold",         [XOP_PAGEOUT] = "pageout",   [XOP_CLEAR_REFS] = "clear_refs",
	[XOP_RECLAIM] = "reclaim",   [XOP_MIGRATE] = "migrate",   [XOP_UFFD] = "uffd",
	[XOP_SCAN] = "scan",         [XOP_CRIU] = "criu",
};

/* The lines of the program as they are made: the text and, per command
 * line, where it starts, so that operations can point at their lines. */
struct lines {
	struct textbuf text;
	size_t *start;       /* offset of each command line */
	size_t n, capn;
};

static void line_add(struct lines *l, bool command, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void line_add(struct lines *l, bool command, const char *fmt, ...)
{
	va_list ap;

	if (command && l->n == l->capn) {
		size_t cap = l->capn ? l->capn * 2 : 64;
		size_t *s = realloc(l->start, cap * sizeof(*s));

		if (!s) {
			l->text.nomem = true;
			return;
		}
		l->start = s;
		l->capn = cap;
	}
	if (command)
		l->start[l->n++] = l->text.len;
	va_start(ap, fmt);
	textbuf_vprintf(&l->text, fmt, ap);
	va_end(ap);
	textbuf_printf(&l->text, "\n");
}

static const char *const region_names[2] = { "A", "B" };

static void mmap_line(struct lines *l, unsigned r, enum explore_backing b, unsigned pages)
{
	static const char *const spec[] = {
		[XMAP_PRIVATE_ANON] = "private anon", [XMAP_SHARED_ANON] = "shared anon",
		[XMAP_SHMEM] = "shared shmem:S",       [XMAP_PRIVATE_FILE] = "private file:F",
		[XMAP_SHARED_FILE] = "shared file:F",
	};

	/* two mappings of one kind share no object: the second gets its own */
	line_add(l, true, "mmap %s %u rw %s%s", region_names[r], pages, spec[b],
		 r && b >= XMAP_SHMEM ? "2" : "");
}

struct op_draft {
	struct xop op;
	size_t line[3]; /* command line numbers (index into lines.start) */
};

struct drafts {
	struct op_draft *v;
	size_t n, cap;
	bool nomem;
};

static void op_add(struct drafts *d, struct lines *l, enum explore_op_kind kind, uint32_t proc, uint32_t child,
		   unsigned ncmds)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		struct op_draft *v = realloc(d->v, cap * sizeof(*v));

		if (!v) {
			d->nomem = true;
			return;
		}
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n] = (struct op_draft){ .op = { .kind = kind, .proc = proc, .child = child, .ncmds = ncmds } };
	for (unsigned i = 0; i < ncmds; i++)
		d->v[d->n].line[i] = l->n - ncmds + i;
	d->n++;
}

static void process_ops(struct drafts *d, struct lines *l, const struct explore_options *opt, uint32_t proc,
			bool soft_dirty, bool uffd_wp)
{
	static const char *const prots[] = { "r", "rw", "none" };
	static const struct {
		enum explore_op_kind kind;
		const char *advice;
	} advices[] = { { XOP_FREE, "free" }, { XOP_DONTNEED, "dontneed" }, { XOP_COLD, "cold" }, { XOP_PAGEOUT, "pageout" } };
	unsigned on = opt->ops;

	for (unsigned r = 0; r < opt->nmaps; r++) {
		const char *A = region_names[r];

		for (unsigned i = 0; i < opt->pages; i++) {
			if (on & 1u << XOP_WRITE) {
				line_add(l, true, "write %s[%u]", A, i);
				op_add(d, l, XOP_WRITE, proc, 0, 1);
			}
			if (on & 1u << XOP_READ) {
				line_add(l, true, "read %s[%u]", A, i);
				op_add(d, l, XOP_READ, proc, 0, 1);
			}
			for (unsigned k = 0; k < 3 && (on & 1u << XOP_MPROTECT); k++) {
				line_add(l, true, "mprotect %s[%u] %s", A, i, prots[k]);
				op_add(d, l, XOP_MPROTECT, proc, 0, 1);
			}
			for (unsigned k = 0; k < 4; k++) {
				if (!(on & 1u << advices[k].kind))
					continue;
				line_add(l, true, "madvise %s[%u] %s", A, i, advices[k].advice);
				op_add(d, l, advices[k].kind, proc, 0, 1);
			}
			if (on & 1u << XOP_RECLAIM) {
				line_add(l, true, "reclaim %s[%u]", A, i);
				op_add(d, l, XOP_RECLAIM, proc, 0, 1);
			}
			if (on & 1u << XOP_MIGRATE) {
				line_add(l, true, "migrate %s[%u]", A, i);
				op_add(d, l, XOP_MIGRATE, proc, 0, 1);
			}
			if ((on & 1u << XOP_UFFD) && uffd_wp) {
				line_add(l, true, "uffd wp %s[%u]", A, i);
				op_add(d, l, XOP_UFFD, proc, 0, 1);
				line_add(l, true, "uffd unwp %s[%u]", A, i);
				op_add(d, l, XOP_UFFD, proc, 0, 1);
			}
		}
		if ((on & 1u << XOP_SCAN) && uffd_wp) {
			/* CRIU's and Wine's re-arming query: the written pages,
			 * write-protected again in the same walk */
			line_add(l, true, "scan %s wp-matching want=written", A);
			op_add(d, l, XOP_SCAN, proc, 0, 1);
		}
	}
	if ((on & 1u << XOP_CLEAR_REFS) && soft_dirty) {
		line_add(l, true, "clear_refs soft-dirty");
		op_add(d, l, XOP_CLEAR_REFS, proc, 0, 1);
	}
	if ((on & 1u << XOP_CRIU) && soft_dirty) {
		line_add(l, true, "criu dump");
		op_add(d, l, XOP_CRIU, proc, 0, 1);
	}
	if ((on & 1u << XOP_UFFD) && uffd_wp) {
		/* registration is one operation: a process opens its uffd to
		 * register it, with EVENT_FORK so that a child inherits it */
		line_add(l, true, "uffd open%s event-fork", opt->uffd_async ? " async" : "");
		for (unsigned r = 0; r < opt->nmaps; r++)
			line_add(l, true, "uffd register %s wp", region_names[r]);
		op_add(d, l, XOP_UFFD, proc, 0, 1 + opt->nmaps);
	}
}

int menu_build(struct menu *m, const struct explore_options *opt, char *err, size_t errlen)
{
	const ptesim_layout *L = opt->layout;
	bool soft_dirty = ptesim_layout_has(L, PTESIM_FEAT_SOFT_DIRTY), uffd_wp = ptesim_layout_has(L, PTESIM_FEAT_UFFD_WP);
	struct lines l = { 0 };
	struct drafts d = { 0 };
	int rc;

	memset(m, 0, sizeof(*m));
	if (opt->procs < 1 || opt->procs > 4 || opt->nmaps < 1 || opt->nmaps > 2 || opt->pages < 1 || opt->pages > 8) {
		snprintf(err, errlen, "explore: 1-4 processes, 1-2 mappings and 1-8 pages a mapping");
		return -EINVAL;
	}
	snprintf(m->setup_header, sizeof(m->setup_header), "%s%s", opt->hafdbs ? "" : "hafdbs off\n",
		 opt->swap ? "" : "swap off\n");
	line_add(&l, false, "hafdbs %s", opt->hafdbs ? "on" : "off");
	line_add(&l, false, "swap %s", opt->swap ? "on" : "off");
	for (unsigned r = 0; r < opt->nmaps; r++)
		mmap_line(&l, r, opt->map[r], opt->pages);
	m->nsetup = (uint32_t)l.n;
	process_ops(&d, &l, opt, 0, soft_dirty, uffd_wp);
	/* p0 forks every child, c1 first */
	for (uint32_t c = 1; c < opt->procs && (opt->ops & 1u << XOP_FORK); c++) {
		line_add(&l, true, "fork c%u", c);
		op_add(&d, &l, XOP_FORK, 0, c, 1);
	}
	for (uint32_t c = 1; c < opt->procs && (opt->ops & 1u << XOP_FORK); c++) {
		line_add(&l, false, "as c%u", c);
		process_ops(&d, &l, opt, c, soft_dirty, uffd_wp);
	}
	if (l.text.nomem || d.nomem) {
		rc = -ENOMEM;
		goto out;
	}
	rc = scn_parse(l.text.buf, "<explore>", &m->p, err, errlen);
	if (rc)
		goto out;
	/* the parser numbers commands in line order; `as` and the header
	 * lines are commands too, so find each line's command by its line */
	m->ops = calloc(d.n ? d.n : 1, sizeof(*m->ops));
	if (!m->ops) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < d.n; i++) {
		struct xop *op = &m->ops[i];
		unsigned line = 1;

		*op = d.v[i].op;
		for (size_t k = 0; k < l.start[d.v[i].line[0]]; k++)
			line += l.text.buf[k] == '\n';
		op->cmd = UINT32_MAX;
		for (size_t k = 0; k < m->p->ncommands; k++)
			if (m->p->commands[k].line == line)
				op->cmd = (uint32_t)k;
		if (op->cmd == UINT32_MAX) {
			snprintf(err, errlen, "explore: menu line %u has no command", line);
			rc = -EINVAL;
			goto out;
		}
		for (unsigned k = 0; k < op->ncmds; k++)
			op->text[k] = l.text.buf + l.start[d.v[i].line[k]];
	}
	/* the setup: the mmap lines, the commands before the first operation's */
	m->setup_text = strndup(l.text.buf + l.start[0], (d.n ? l.start[d.v[0].line[0]] : l.text.len) - l.start[0]);
	if (!m->setup_text) {
		rc = -ENOMEM;
		goto out;
	}
	m->nsetup = d.n ? m->ops[0].cmd : (uint32_t)m->p->ncommands;
	m->nops = (uint32_t)d.n;
	m->text = l.text.buf;
	l.text.buf = NULL;
out:
	free(l.text.buf);
	free(l.start);
	free(d.v);
	if (rc)
		menu_free(m);
	return rc;
}

void menu_free(struct menu *m)
{
	scn_program_free(m->p);
	free(m->ops);
	free(m->text);
	free(m->setup_text);
	memset(m, 0, sizeof(*m));
}

bool menu_op_enabled(const struct menu *m, const struct xop *op, const struct runner *rn)
{
	int pid = rn->pid[op->proc];
	const struct mm *mm;

	if (pid < 0 || !rn->m.procs[pid].alive)
		return false;
	mm = &rn->m.procs[pid];
	switch (op->kind) {
	case XOP_FORK:
		return rn->pid[op->child] < 0 && (op->child == 1 || rn->pid[op->child - 1] >= 0);
	case XOP_UFFD:
		return op->ncmds > 1 ? !mm->uffd.open : mm->uffd.open;
	case XOP_SCAN:
		return mm->uffd.open;
	case XOP_CLEAR_REFS:
		/* CRIU owns soft-dirty once it has dumped a process: a clear by
		 * anyone else between its dumps defeats it on every kernel */
		return !rn->dumped[op->proc];
	default:
		return true;
	}
	(void)m;
}
