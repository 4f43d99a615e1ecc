/* SPDX-License-Identifier: MIT */
/* --trace and explain: the entries of every page of every region, before
 * and after a command (a region a command maps has no entries before it),
 * with their pagemap view for explain, and the pages that changed. */
#include <inttypes.h>
#include <stdlib.h>

#include "ptesim/pte.h"
#include "scenario/pagemap_line.h"
#include "scenario/run_internal.h"

void snapshot_free(struct snapshot *s)
{
	free(s->v);
	free(s->pm);
	free(s->offset);
	free(s->npages);
}

bool snapshot_take(struct runner *rn, struct snapshot *s, bool with_pagemap)
{
	size_t slots = rn->p->nprocesses * rn->p->nregions, total = 0, k = 0;

	s->offset = calloc(slots + 1, sizeof(*s->offset));
	s->npages = calloc(slots + 1, sizeof(*s->npages));
	for (size_t i = 0; i < slots && s->npages; i++)
		total += rn->rmap[i].npages;
	s->v = calloc(total + 1, sizeof(*s->v));
	s->pm = with_pagemap ? calloc(total + 1, sizeof(*s->pm)) : NULL;
	if (!s->offset || !s->npages || !s->v || (with_pagemap && !s->pm))
		return false;
	for (size_t proc = 0; proc < rn->p->nprocesses; proc++) {
		int pid = rn->pid[proc];
		bool alive = pid >= 0 && rn->m.procs[pid].alive;

		for (size_t reg = 0; reg < rn->p->nregions; reg++) {
			size_t slot = proc * rn->p->nregions + reg;
			struct region_map *rm = &rn->rmap[slot];

			s->offset[slot] = k;
			s->npages[slot] = rm->npages;
			for (uint64_t i = 0; i < rm->npages; i++, k++) {
				uint64_t va = rm->va + i * PAGE_SIZE;

				s->v[k] = alive ? entry_at(rn, pid, va) : 0;
				if (s->pm && alive)
					s->pm[k] = (uint8_t)scn_pagemap_keys(mm_pagemap(&rn->m, pid, va));
			}
		}
	}
	return true;
}

long snapshot_changes(struct runner *rn, const struct snapshot *before, const struct snapshot *after,
		      struct run_change **out)
{
	size_t n = 0, cap = 0;
	struct run_change *v = NULL;

	for (size_t proc = 0; proc < rn->p->nprocesses; proc++)
		for (size_t reg = 0; reg < rn->p->nregions; reg++) {
			size_t slot = proc * rn->p->nregions + reg;

			for (uint64_t i = 0; i < after->npages[slot]; i++) {
				bool was = i < before->npages[slot];
				size_t kb = before->offset[slot] + i, ka = after->offset[slot] + i;
				struct run_change c = {
					(uint32_t)proc, (uint32_t)reg, i, was ? before->v[kb] : 0, after->v[ka],
					was && before->pm ? before->pm[kb] : 0, after->pm ? after->pm[ka] : 0,
				};

				if (c.before == c.after && c.pagemap_before == c.pagemap_after)
					continue;
				if (n == cap) {
					struct run_change *nv = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof(*nv));

					if (!nv) {
						free(v);
						return -1;
					}
					v = nv;
				}
				v[n++] = c;
			}
		}
	*out = v;
	return (long)n;
}

/* the fields that differ, among those of the two entries' forms */
static void changed_fields(const struct ptesim_layout *L, const struct ptesim_decoded *da,
			   const struct ptesim_decoded *db, char *buf, size_t size)
{
	unsigned forms = (da->form >= 0 ? 1u << da->form : 0) | (db->form >= 0 ? 1u << db->form : 0);
	size_t len = 0;

	buf[0] = 0;
	for (size_t i = 0; i < ptesim_layout_field_count(L) && len < size; i++) {
		const struct ptesim_field *f = ptesim_layout_field(L, i);

		if ((f->forms & forms) && ptesim_field_get(f, da->value) != ptesim_field_get(f, db->value))
			len += (size_t)snprintf(buf + len, size - len, " %s", f->name);
	}
}

void trace_diff(struct runner *rn, const struct run_change *changes, size_t n)
{
	FILE *out = rn->opt->trace;
	char text[200];

	if (scn_format_command(rn->p, rn->cmd, text, sizeof(text)) < 0)
		snprintf(text, sizeof(text), "?");
	fprintf(out, "%s%sline %u: %s\n", rn->opt->prefix ? rn->opt->prefix : "", rn->opt->prefix ? ": " : "",
		rn->cmd->line, text);
	for (size_t k = 0; k < n; k++) {
		const struct run_change *c = &changes[k];
		struct ptesim_decoded db, da;
		char fields[256];

		if (c->before == c->after)
			continue; /* the pagemap view alone: not a trace line */
		ptesim_decode(rn->L, c->before, &db);
		ptesim_decode(rn->L, c->after, &da);
		changed_fields(rn->L, &db, &da, fields, sizeof(fields));
		fprintf(out, "  %s %s[%" PRIu64 "] 0x%016" PRIx64 " -> 0x%016" PRIx64 "  changed:%s\n"
			     "    before: %s\n    after:  %s\n",
			rn->p->processes[c->process], rn->p->regions[c->region], c->page, c->before, c->after, fields,
			db.summary, da.summary);
	}
}
