/* SPDX-License-Identifier: MIT */
/* --trace: the entries of every page of every region, before and after a
 * command (a region a command maps has no entries before it), and the
 * fields that changed. */
#include <inttypes.h>
#include <stdlib.h>

#include "ptesim/pte.h"
#include "scenario/run_internal.h"

void snapshot_free(struct snapshot *s)
{
	free(s->v);
	free(s->offset);
	free(s->npages);
}

bool snapshot_take(struct runner *rn, struct snapshot *s)
{
	size_t slots = rn->p->nprocesses * rn->p->nregions, total = 0, k = 0;

	s->offset = calloc(slots + 1, sizeof(*s->offset));
	s->npages = calloc(slots + 1, sizeof(*s->npages));
	for (size_t i = 0; i < slots && s->npages; i++)
		total += rn->rmap[i].npages;
	s->v = calloc(total + 1, sizeof(*s->v));
	if (!s->offset || !s->npages || !s->v)
		return false;
	for (size_t proc = 0; proc < rn->p->nprocesses; proc++) {
		int pid = rn->pid[proc];
		bool alive = pid >= 0 && rn->m.procs[pid].alive;

		for (size_t reg = 0; reg < rn->p->nregions; reg++) {
			size_t slot = proc * rn->p->nregions + reg;
			struct region_map *rm = &rn->rmap[slot];

			s->offset[slot] = k;
			s->npages[slot] = rm->npages;
			for (uint64_t i = 0; i < rm->npages; i++)
				s->v[k++] = alive ? entry_at(rn, pid, rm->va + i * PAGE_SIZE) : 0;
		}
	}
	return true;
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

void trace_diff(struct runner *rn, const struct snapshot *before, const struct snapshot *after)
{
	FILE *out = rn->opt->trace;
	char text[200];

	if (scn_format_command(rn->p, rn->cmd, text, sizeof(text)) < 0)
		snprintf(text, sizeof(text), "?");
	fprintf(out, "%s%sline %u: %s\n", rn->opt->prefix ? rn->opt->prefix : "", rn->opt->prefix ? ": " : "",
		rn->cmd->line, text);
	for (size_t proc = 0; proc < rn->p->nprocesses; proc++)
		for (size_t reg = 0; reg < rn->p->nregions; reg++) {
			size_t slot = proc * rn->p->nregions + reg;

			for (uint64_t i = 0; i < after->npages[slot]; i++) {
				uint64_t b = i < before->npages[slot] ? before->v[before->offset[slot] + i] : 0;
				uint64_t a = after->v[after->offset[slot] + i];
				struct ptesim_decoded db, da;
				char fields[256];

				if (a == b)
					continue;
				ptesim_decode(rn->L, b, &db);
				ptesim_decode(rn->L, a, &da);
				changed_fields(rn->L, &db, &da, fields, sizeof(fields));
				fprintf(out, "  %s %s[%" PRIu64 "] 0x%016" PRIx64 " -> 0x%016" PRIx64 "  changed:%s\n"
					     "    before: %s\n    after:  %s\n",
					rn->p->processes[proc], rn->p->regions[reg], i, b, a, fields, db.summary,
					da.summary);
			}
		}
}
