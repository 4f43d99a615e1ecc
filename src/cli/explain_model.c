/* SPDX-License-Identifier: MIT */
/* explain: what a command did, from the runner's report, ready to show. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/explain.h"
#include "scenario/pagemap_line.h"

void explain_value(unsigned width, uint64_t v, char *buf, size_t size)
{
	if (width == 1)
		snprintf(buf, size, "%" PRIu64, v);
	else
		snprintf(buf, size, "0x%" PRIx64, v);
}

static uint64_t bits_of(const struct render_box *b, uint64_t v)
{
	unsigned width = b->hi - b->lo + 1;

	return (v >> b->lo) & (width == 64 ? UINT64_MAX : (UINT64_C(1) << width) - 1);
}

static void map_form(const ptesim_layout *L, enum ptesim_form form, uint64_t before, uint64_t after,
		     bool has_before, bool has_after, struct explain_map *m)
{
	struct render_box boxes[RENDER_MAX_BOXES];

	m->form = form;
	m->has_before = has_before;
	m->has_after = has_after;
	m->n = render_boxes(L, form, true, boxes);
	for (size_t i = 0; i < m->n; i++) {
		struct explain_box *x = &m->box[i];

		x->box = boxes[i];
		x->before = bits_of(&boxes[i], before);
		x->after = bits_of(&boxes[i], after);
		x->changed = x->before != x->after;
	}
}

/*
 * One map when both entries read in one form, or one of them is none (its
 * row shows its bits in the other's form); a map each, one row each, when
 * the command changed the form (present to swap, to PROT_NONE, ...).
 */
static void build_maps(const ptesim_layout *L, struct explain_entry *e)
{
	int fb = e->db.form, fa = e->da.form;

	e->nmaps = 0;
	if (fb < 0 && fa < 0)
		return;
	if (fb == fa || fb < 0 || fa < 0) {
		map_form(L, (enum ptesim_form)(fa >= 0 ? fa : fb), e->before, e->after, true, true, &e->map[0]);
		e->nmaps = 1;
		return;
	}
	map_form(L, (enum ptesim_form)fb, e->before, e->after, true, false, &e->map[0]);
	map_form(L, (enum ptesim_form)fa, e->before, e->after, false, true, &e->map[1]);
	e->nmaps = 2;
}

static bool in_form(const struct ptesim_field *f, int form)
{
	return form >= 0 && (f->forms & (1u << form));
}

/* The fields that changed, high bit first, as the maps read. A none entry
 * reads as zero in the other's form. */
static void build_fields(const ptesim_layout *L, struct explain_entry *e)
{
	int fb = e->db.form, fa = e->da.form;
	const struct ptesim_field *alias =
		ptesim_layout_soft_dirty_aliases_dirty(L) ? ptesim_layout_field_for(L, "dirty") : NULL;

	e->nfields = 0;
	for (size_t i = ptesim_layout_field_count(L); i-- > 0 && e->nfields < 64;) {
		const struct ptesim_field *f = ptesim_layout_field(L, i);
		struct explain_field x = { f, fb < 0 ? in_form(f, fa) : in_form(f, fb),
					   fa < 0 ? in_form(f, fb) : in_form(f, fa), 0, 0, f == alias };

		if (!x.in_before && !x.in_after)
			continue;
		x.before = x.in_before ? ptesim_field_get(f, e->before) : 0;
		x.after = x.in_after ? ptesim_field_get(f, e->after) : 0;
		if (x.in_before == x.in_after && x.before == x.after)
			continue;
		if (x.in_before != x.in_after && !(x.in_before ? x.before : x.after))
			continue; /* a zero field of one form only says nothing */
		e->field[e->nfields++] = x;
	}
}

static void build_meaning(struct explain_entry *e)
{
	e->meaning[0] = 0;
	if (e->db.kind != e->da.kind)
		render_append(e->meaning, sizeof(e->meaning), "%s -> %s", ptesim_kind_name(e->db.kind),
			      ptesim_kind_name(e->da.kind));
	for (int p = 0; p < PTESIM_P_COUNT; p++) {
		if (e->db.pred[p] == e->da.pred[p])
			continue;
		render_append(e->meaning, sizeof(e->meaning), "%s%s %d -> %d", e->meaning[0] ? ", " : "",
			      ptesim_pred_name((enum ptesim_pred)p), e->db.pred[p], e->da.pred[p]);
	}
}

static void build_entry(const struct scn_program *p, const ptesim_layout *L, const struct run_change *c,
			struct explain_entry *e)
{
	snprintf(e->page, sizeof(e->page), "%s %s[%" PRIu64 "]", p->processes[c->process], p->regions[c->region],
		 c->page);
	e->before = c->before;
	e->after = c->after;
	ptesim_decode(L, c->before, &e->db);
	ptesim_decode(L, c->after, &e->da);
	build_maps(L, e);
	build_fields(L, e);
	build_meaning(e);
	scn_pagemap_line(e->pagemap_before, sizeof(e->pagemap_before), e->page, c->pagemap_before);
	scn_pagemap_line(e->pagemap_after, sizeof(e->pagemap_after), e->page, c->pagemap_after);
}

/* Top-level steps in the order met, each function with its calls. */
static void build_path(const struct kpath_log *log, struct explain_step *s)
{
	s->npath = 0;
	s->path_dropped = log ? log->dropped : 0;
	for (size_t i = 0; log && i < log->n; i++) {
		const struct kpath_step *k = &log->step[i];
		struct explain_path *x;

		if (k->kind == KPATH_CALL && k->parent >= 0)
			continue; /* shown with its function */
		x = &s->path[s->npath++];
		*x = (struct explain_path){ k->kind, k->name, k->count, { 0 }, 0, false };
		for (size_t j = i + 1; j < log->n; j++) {
			if (log->step[j].kind != KPATH_CALL || log->step[j].parent != (int)i)
				continue;
			if (x->ncalls == sizeof(x->calls) / sizeof(x->calls[0]))
				x->more_calls = true;
			else
				x->calls[x->ncalls++] = log->step[j].name;
		}
	}
}

/* What the referee found at this command: the first failure, a later one
 * ("also ..."), or the reason the layout is n/a. */
static void build_found(const struct run_result *r, struct explain_seen *seen, struct explain_step *s)
{
	size_t also = strlen(r->also);

	s->found[0] = 0;
	s->failed = false;
	if (r->status == RUN_FAIL && seen->status != RUN_FAIL) {
		if (r->violation)
			render_append(s->found, sizeof(s->found), "violation %s: %s", r->violation, r->detail);
		else
			render_append(s->found, sizeof(s->found), "FAIL: %s", r->detail);
	}
	/* what failed after the first failure: "; also X at line N (...)" or
	 * "; then at line N (...): ..." */
	if (r->status == RUN_FAIL && also > seen->also_len)
		render_append(s->found, sizeof(s->found), "%s%s", s->found[0] ? "; " : "", r->also + seen->also_len + 2);
	s->failed = s->found[0] != 0;
	if (r->status == RUN_NA && seen->status != RUN_NA)
		render_append(s->found, sizeof(s->found), "n/a (%s)", r->detail);
	seen->status = r->status;
	seen->also_len = also;
}

int explain_step_build(const struct scn_program *p, const ptesim_layout *L, const struct run_step *rs,
		       const char *observations, struct explain_seen *seen, struct explain_step *step)
{
	step->line = rs->cmd->line;
	if (scn_format_command(p, rs->cmd, step->command, sizeof(step->command)) < 0)
		snprintf(step->command, sizeof(step->command), "?");
	build_path(rs->kpath, step);
	step->observations = observations;
	step->nentries = rs->nchanges;
	step->entries = calloc(rs->nchanges ? rs->nchanges : 1, sizeof(*step->entries));
	if (!step->entries)
		return -1;
	for (size_t i = 0; i < rs->nchanges; i++)
		build_entry(p, L, &rs->changes[i], &step->entries[i]);
	build_found(rs->result, seen, step);
	return 0;
}

void explain_step_free(struct explain_step *step)
{
	free(step->entries);
	step->entries = NULL;
}
