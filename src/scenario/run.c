/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "check/model.h"
#include "mm/mm.h"
#include "ptesim/pte.h"
#include "scenario/run.h"

/* where a region of a process lives */
struct region_map {
	uint64_t va, npages;
	bool mapped;
	bool shared, anon;
	uint32_t model_object;
};

struct runner {
	const struct scn_program *p;
	const struct ptesim_layout *L;
	const struct run_options *opt;
	struct machine m;
	struct model *mo;
	int *pid;                 /* scenario process -> machine pid, -1: none */
	struct region_map *rmap;  /* [process * nregions + region] */
	uint32_t *machine_object; /* scenario object -> machine object, UINT32_MAX: none yet */
	uint32_t next_model_object;
	uint64_t *slot;           /* region -> where it is mapped */
	uint64_t fresh;
	struct run_result *r;
	const struct scn_command *cmd;
};

static struct region_map *region_of(struct runner *rn, uint32_t proc, uint32_t region)
{
	return &rn->rmap[(size_t)proc * rn->p->nregions + region];
}

static int scn_process_of(struct runner *rn, int pid)
{
	for (size_t i = 0; i < rn->p->nprocesses; i++)
		if (rn->pid[i] == pid)
			return (int)i;
	return -1;
}

/* page_namer: "p1 A[2]" */
static void name_page(void *ctx, int pid, uint64_t va, char *buf, size_t size)
{
	struct runner *rn = ctx;
	int proc = scn_process_of(rn, pid);

	for (size_t reg = 0; proc >= 0 && reg < rn->p->nregions; reg++) {
		struct region_map *rm = region_of(rn, (uint32_t)proc, (uint32_t)reg);

		if (rm->npages && va >= rm->va && va < rm->va + rm->npages * PAGE_SIZE) {
			snprintf(buf, size, "%s %s[%" PRIu64 "]", rn->p->processes[proc], rn->p->regions[reg],
				 (va - rm->va) / PAGE_SIZE);
			return;
		}
	}
	snprintf(buf, size, "pid %d va 0x%" PRIx64, pid, va);
}

static void set_fail(struct runner *rn, const char *violation, const char *fmt, ...)
{
	va_list ap;

	if (rn->r->status != RUN_PASS)
		return;
	rn->r->status = RUN_FAIL;
	rn->r->violation = violation;
	rn->r->line = rn->cmd->line;
	if (scn_format_command(rn->p, rn->cmd, rn->r->command, sizeof(rn->r->command)) < 0)
		snprintf(rn->r->command, sizeof(rn->r->command), "?");
	va_start(ap, fmt);
	vsnprintf(rn->r->detail, sizeof(rn->r->detail), fmt, ap);
	va_end(ap);
}

static void set_na(struct runner *rn, const char *fmt, ...)
{
	va_list ap;

	if (rn->r->status != RUN_PASS)
		return;
	rn->r->status = RUN_NA;
	va_start(ap, fmt);
	vsnprintf(rn->r->detail, sizeof(rn->r->detail), fmt, ap);
	va_end(ap);
}

static void observe(struct runner *rn, const char *fmt, ...)
{
	FILE *out = rn->opt->observe;
	va_list ap;

	if (!out)
		return;
	if (rn->opt->prefix)
		fprintf(out, "%s: ", rn->opt->prefix);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

/* A system call's result against the scenario's `-> ERRNO`. */
static bool syscall_as_expected(struct runner *rn, const char *what, int rc)
{
	int want = rn->cmd->expect_errno;

	if (-rc == want)
		return rc == 0;
	set_fail(rn, NULL, "%s returned %s, expected %s", what, rc ? scn_errno_name(-rc) : "ok",
		 want ? scn_errno_name(want) : "ok");
	return false;
}

static uint64_t page_va(struct runner *rn, uint32_t proc, uint32_t region, uint64_t page)
{
	return region_of(rn, proc, region)->va + page * PAGE_SIZE;
}

static int machine_object(struct runner *rn, uint32_t obj, uint64_t npages, uint32_t *id)
{
	enum backing kind = rn->p->objects[obj].kind == SCN_SHMEM ? BACKING_SHMEM : BACKING_FILE;

	if (rn->machine_object[obj] == UINT32_MAX) {
		int rc = object_new(&rn->m, kind, npages, &rn->machine_object[obj]);

		if (rc)
			return rc;
	}
	*id = rn->machine_object[obj];
	return 0;
}

static void do_mmap(struct runner *rn, uint32_t proc, int pid)
{
	const struct scn_mmap *mp = &rn->cmd->mmap;
	struct region_map *rm = region_of(rn, proc, mp->region);
	bool shared = mp->sharing == SCN_SHARED, anon = mp->backing == SCN_ANON;
	enum backing b = anon ? BACKING_ANON : mp->backing == SCN_SHMEM ? BACKING_SHMEM : BACKING_FILE;
	uint32_t object = 0, model_object;
	uint64_t va;
	int rc = 0;

	if (!anon)
		rc = machine_object(rn, mp->object, mp->npages, &object);
	if (!rc)
		rc = mm_mmap_at(&rn->m, pid, rn->slot[mp->region], mp->npages, mp->prot, shared, b, object, &va);
	if (!syscall_as_expected(rn, "mmap", rc))
		return;
	/* model objects: the scenario's objects by index, shared anon after them */
	model_object = anon ? (uint32_t)rn->p->nobjects + rn->next_model_object++ : mp->object;
	*rm = (struct region_map){ va, mp->npages, true, shared, anon, model_object };
	if (model_map(rn->mo, (int)proc, (int)mp->region, mp->npages, shared, anon, model_object))
		set_fail(rn, NULL, "out of memory");
}

static void do_fork(struct runner *rn, uint32_t proc, int pid)
{
	uint32_t child = rn->cmd->named_process;
	int cpid;
	int rc = mm_fork(&rn->m, pid, &cpid);

	if (!syscall_as_expected(rn, "fork", rc))
		return;
	rn->pid[child] = cpid;
	for (size_t reg = 0; reg < rn->p->nregions; reg++)
		*region_of(rn, child, (uint32_t)reg) = *region_of(rn, proc, (uint32_t)reg);
	if (model_fork(rn->mo, (int)proc, (int)child))
		set_fail(rn, NULL, "out of memory");
}

static void do_exit(struct runner *rn)
{
	uint32_t proc = rn->cmd->named_process;

	if (rn->pid[proc] < 0)
		return;
	mm_exit(&rn->m, rn->pid[proc]);
	model_exit(rn->mo, (int)proc);
	for (size_t reg = 0; reg < rn->p->nregions; reg++)
		region_of(rn, proc, (uint32_t)reg)->mapped = false;
}

static void do_access(struct runner *rn, uint32_t proc, int pid)
{
	const struct scn_access *ac = &rn->cmd->access;
	const struct scn_range *rg = &rn->cmd->range;
	bool write = rn->cmd->op == SCN_OP_WRITE;
	uint64_t va = page_va(rn, proc, rg->region, rg->first), value = 0, allowed;
	enum access_result res;
	enum scn_outcome got;
	enum model_read mr;

	if (write)
		value = ac->has_value ? ac->value : ++rn->fresh;
	res = mm_access(&rn->m, pid, va, write, &value);
	got = res == ACCESS_OK ? SCN_OUTCOME_OK : SCN_OUTCOME_SEGV;
	if (res == ACCESS_BUS) {
		set_fail(rn, NULL, "the access took SIGBUS");
		return;
	}
	if (got != ac->outcome) {
		set_fail(rn, NULL, "the %s %s, expected %s", write ? "write" : "read",
			 got == SCN_OUTCOME_OK ? "completed" : "took SIGSEGV",
			 ac->outcome == SCN_OUTCOME_OK ? "ok" : ac->outcome == SCN_OUTCOME_SEGV ? "segv" : "blocked");
		return;
	}
	if (got != SCN_OUTCOME_OK)
		return;
	if (write) {
		model_write(rn->mo, (int)proc, (int)rg->region, rg->first, value);
		return;
	}
	mr = model_read(rn->mo, (int)proc, (int)rg->region, rg->first, &allowed);
	if (mr == MODEL_UNMAPPED || allowed != value) {
		char page[64];

		name_page(rn, pid, va, page, sizeof(page));
		if (mr == MODEL_UNMAPPED)
			set_fail(rn, "memory-model", "%s read 0x%" PRIx64 " from a page that is not mapped", page,
				 value);
		else
			set_fail(rn, "memory-model", "%s read 0x%" PRIx64 ", the memory model allows 0x%" PRIx64 " only",
				 page, value, allowed);
		return;
	}
	if (ac->has_value && value != ac->value)
		set_fail(rn, NULL, "read 0x%" PRIx64 ", expected 0x%" PRIx64, value, ac->value);
}

static unsigned pagemap_keys(uint64_t pm)
{
	return ((pm & PM_PRESENT) ? SCN_PM_PRESENT : 0) | ((pm & PM_SWAP) ? SCN_PM_SWAP : 0) |
	       ((pm & PM_FILE) ? SCN_PM_FILE : 0) | ((pm & PM_MMAP_EXCLUSIVE) ? SCN_PM_EXCLUSIVE : 0) |
	       ((pm & PM_UFFD_WP) ? SCN_PM_UFFD_WP : 0) | ((pm & PM_SOFT_DIRTY) ? SCN_PM_SOFT_DIRTY : 0);
}

static const char *const pm_key_names[] = { "present", "swap", "file", "exclusive", "uffd-wp", "soft-dirty" };

static void do_pagemap(struct runner *rn, uint32_t proc, int pid, bool expect)
{
	const struct scn_range *rg = &rn->cmd->range;

	for (uint64_t i = rg->first; i < rg->first + rg->count; i++) {
		uint64_t va = page_va(rn, proc, rg->region, i);
		unsigned k = pagemap_keys(mm_pagemap(&rn->m, pid, va));
		char page[64];

		name_page(rn, pid, va, page, sizeof(page));
		if (!expect) {
			observe(rn, "%s present=%d swap=%d file=%d exclusive=%d uffd-wp=%d soft-dirty=%d", page,
				!!(k & SCN_PM_PRESENT), !!(k & SCN_PM_SWAP), !!(k & SCN_PM_FILE),
				!!(k & SCN_PM_EXCLUSIVE), !!(k & SCN_PM_UFFD_WP), !!(k & SCN_PM_SOFT_DIRTY));
			continue;
		}
		for (unsigned b = 0; b < 6; b++) {
			unsigned bit = 1u << b;

			if (!(rn->cmd->pagemap.keys & bit) || (k & bit) == (rn->cmd->pagemap.values & bit))
				continue;
			set_fail(rn, NULL, "%s pagemap %s=%d, expected %d", page, pm_key_names[b], !!(k & bit),
				 !!(rn->cmd->pagemap.values & bit));
			return;
		}
	}
}

static uint64_t entry_at(struct runner *rn, int pid, uint64_t va)
{
	pte_t *ptep = mm_pte(&rn->m, &rn->m.procs[pid], va, false);

	return ptep ? pte_val(*ptep) : 0;
}

static void do_pte(struct runner *rn, uint32_t proc, int pid, bool expect)
{
	const struct scn_range *rg = &rn->cmd->range;

	for (uint64_t i = rg->first; i < rg->first + rg->count; i++) {
		uint64_t va = page_va(rn, proc, rg->region, i), v = entry_at(rn, pid, va);
		struct ptesim_decoded d;
		char page[64];

		ptesim_decode(rn->L, v, &d);
		name_page(rn, pid, va, page, sizeof(page));
		if (!expect) {
			observe(rn, "%s pte=0x%016" PRIx64 " %s", page, v, d.summary);
			continue;
		}
		for (size_t c = 0; c < rn->cmd->pte.nchecks; c++) {
			const struct scn_pte_check *chk = &rn->cmd->pte.checks[c];
			uint64_t got;

			if (chk->pred >= 0) {
				got = d.pred[chk->pred];
			} else {
				const struct ptesim_field *f = ptesim_layout_field_find(rn->L, chk->field);

				if (!f) {
					set_na(rn, "no field %s in %s", chk->field, rn->L->name);
					return;
				}
				got = ptesim_field_get(f, v);
			}
			if (got != chk->value) {
				set_fail(rn, NULL, "%s pte %s=0x%" PRIx64 ", expected 0x%" PRIx64 " (0x%016" PRIx64 ": %s)",
					 page, chk->field, got, chk->value, v, d.summary);
				return;
			}
		}
	}
}

static void range_span(struct runner *rn, uint32_t proc, uint64_t *va, uint64_t *len)
{
	const struct scn_range *rg = &rn->cmd->range;

	*va = page_va(rn, proc, rg->region, rg->first);
	*len = rg->count * PAGE_SIZE;
}

static void do_command(struct runner *rn)
{
	const struct scn_command *c = rn->cmd;
	uint32_t proc = c->process;
	int pid = rn->pid[proc];
	uint64_t va, len;
	int rc;

	/* a process that has exited runs nothing more (the parser lets `as`
	 * name it; only the run knows it is gone) */
	if (c->op != SCN_OP_AS && (pid < 0 || !rn->m.procs[pid].alive)) {
		set_fail(rn, NULL, "%s has exited", rn->p->processes[proc]);
		return;
	}
	if (c->op == SCN_OP_EXIT && (rn->pid[c->named_process] < 0 || !rn->m.procs[rn->pid[c->named_process]].alive)) {
		set_fail(rn, NULL, "%s has already exited", rn->p->processes[c->named_process]);
		return;
	}
	switch (c->op) {
	case SCN_OP_FORK:
		do_fork(rn, proc, pid);
		break;
	case SCN_OP_AS:
		break;
	case SCN_OP_EXIT:
		do_exit(rn);
		break;
	case SCN_OP_MMAP:
		do_mmap(rn, proc, pid);
		break;
	case SCN_OP_MUNMAP:
		range_span(rn, proc, &va, &len);
		rc = mm_munmap(&rn->m, pid, va, len);
		if (syscall_as_expected(rn, "munmap", rc))
			for (uint64_t i = 0; i < c->range.count; i++)
				model_unmap(rn->mo, (int)proc, (int)c->range.region, c->range.first + i);
		break;
	case SCN_OP_MPROTECT:
		range_span(rn, proc, &va, &len);
		syscall_as_expected(rn, "mprotect", mm_mprotect(&rn->m, pid, va, len, c->prot));
		break;
	case SCN_OP_MADVISE:
		if (c->advice != SCN_MADV_DONTNEED) {
			set_na(rn, "not implemented: madvise %s", c->advice == SCN_MADV_FREE ? "free"
								  : c->advice == SCN_MADV_PAGEOUT ? "pageout" : "cold");
			break;
		}
		range_span(rn, proc, &va, &len);
		rc = mm_madvise_dontneed(&rn->m, pid, va, len);
		if (rc == 0 || rc == -ENOMEM)
			for (uint64_t i = 0; i < c->range.count; i++)
				model_dontneed(rn->mo, (int)proc, (int)c->range.region, c->range.first + i);
		syscall_as_expected(rn, "madvise", rc);
		break;
	case SCN_OP_WRITE:
	case SCN_OP_READ:
		do_access(rn, proc, pid);
		break;
	case SCN_OP_PAGEMAP:
	case SCN_OP_EXPECT_PAGEMAP:
		do_pagemap(rn, proc, pid, c->op == SCN_OP_EXPECT_PAGEMAP);
		break;
	case SCN_OP_PTE:
	case SCN_OP_EXPECT_PTE:
		do_pte(rn, proc, pid, c->op == SCN_OP_EXPECT_PTE);
		break;
	case SCN_OP_CLEAR_REFS:
		set_na(rn, "not implemented: clear_refs");
		break;
	case SCN_OP_RECLAIM:
	case SCN_OP_MIGRATE:
		set_na(rn, "not implemented: %s", scn_op_name(c->op));
		break;
	case SCN_OP_CRIU_DUMP:
		set_na(rn, "not implemented: criu");
		break;
	case SCN_OP_SCAN:
	case SCN_OP_EXPECT_SCAN:
		set_na(rn, "not implemented: scan");
		break;
	default:
		set_na(rn, "not implemented: uffd");
		break;
	}
}

static void check_invariants(struct runner *rn)
{
	struct violation v = { 0 };

	if (!check_pte_encoding(&rn->m, name_page, rn, &v) || !check_hw_write_untracked(&rn->m, name_page, rn, &v) ||
	    !check_refcount(&rn->m, name_page, rn, &v))
		set_fail(rn, v.name, "%s %s", v.page, v.reason);
}

/* --trace: the entries of every page of every region, before and after a
 * command; a region a command maps has no entries before it */
struct snapshot {
	uint64_t *v;      /* the entries, region after region */
	size_t *offset;   /* [process * nregions + region]: where its pages start */
	uint64_t *npages; /* the region's pages when taken */
};

static void snapshot_free(struct snapshot *s)
{
	free(s->v);
	free(s->offset);
	free(s->npages);
}

static bool snapshot_take(struct runner *rn, struct snapshot *s)
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

static void trace_diff(struct runner *rn, const struct snapshot *before, const struct snapshot *after)
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

static const char *requirement_missing(const struct scn_program *p, const ptesim_layout *L)
{
	if ((p->header.requires & SCN_REQ_SOFT_DIRTY) && !ptesim_layout_has(L, PTESIM_FEAT_SOFT_DIRTY))
		return "requires soft-dirty";
	if ((p->header.requires & SCN_REQ_UFFD_WP) && !ptesim_layout_has(L, PTESIM_FEAT_UFFD_WP))
		return "requires uffd-wp";
	if ((p->header.requires & SCN_REQ_SWAP) && !p->header.swap)
		return "requires swap";
	if (!p->header.hafdbs && ptesim_layout_arch(L) == PTESIM_ARCH_X86_64)
		return "hafdbs off: x86 always updates A and D in hardware";
	return NULL;
}

/*
 * Where each region is mapped: a 2 MiB-aligned slot per region name, one
 * page in, as ptesim kernel-run places real mappings, so fault-around's
 * address-aligned window sees the same neighbours on both.
 */
#define SLOT_BASE UINT64_C(0x100000000000)
#define SLOT_ALIGN (UINT64_C(2) << 20)

static int plan_slots(struct runner *rn)
{
	const struct scn_program *p = rn->p;
	uint64_t *pages = calloc(p->nregions + 1, sizeof(*pages)), at = SLOT_BASE;

	rn->slot = calloc(p->nregions + 1, sizeof(*rn->slot));
	if (!pages || !rn->slot) {
		free(pages);
		return -ENOMEM;
	}
	for (size_t i = 0; i < p->ncommands; i++)
		if (p->commands[i].op == SCN_OP_MMAP && p->commands[i].mmap.npages > pages[p->commands[i].mmap.region])
			pages[p->commands[i].mmap.region] = p->commands[i].mmap.npages;
	for (size_t r = 0; r < p->nregions; r++) {
		uint64_t len = (pages[r] + 2) * PAGE_SIZE;

		if (pages[r] > (UINT64_C(1) << 32))
			len = SLOT_ALIGN; /* too large to place: mm_mmap picks */
		len = (len + SLOT_ALIGN - 1) / SLOT_ALIGN * SLOT_ALIGN;
		rn->slot[r] = pages[r] > (UINT64_C(1) << 32) || at + len > TASK_SIZE ? 0 : at + PAGE_SIZE;
		at += len;
	}
	free(pages);
	return 0;
}

static int runner_init(struct runner *rn, const struct scn_program *p, const ptesim_layout *L,
		       const struct run_options *opt, struct run_result *r)
{
	memset(rn, 0, sizeof(*rn));
	rn->p = p;
	rn->L = L;
	rn->opt = opt;
	rn->r = r;
	rn->fresh = UINT64_C(0x5eed0000);
	if (machine_init(&rn->m, L, p->header.hafdbs))
		return -ENOMEM;
	rn->m.swap.on = p->header.swap;
	rn->mo = model_create();
	rn->pid = malloc((p->nprocesses ? p->nprocesses : 1) * sizeof(*rn->pid));
	rn->rmap = calloc(p->nprocesses * (p->nregions ? p->nregions : 1) + 1, sizeof(*rn->rmap));
	rn->machine_object = malloc((p->nobjects ? p->nobjects : 1) * sizeof(*rn->machine_object));
	if (!rn->mo || !rn->pid || !rn->rmap || !rn->machine_object)
		return -ENOMEM;
	for (size_t i = 0; i < p->nprocesses; i++)
		rn->pid[i] = -1;
	for (size_t i = 0; i < p->nobjects; i++)
		rn->machine_object[i] = UINT32_MAX;
	if (plan_slots(rn))
		return -ENOMEM;
	return mm_new(&rn->m, &rn->pid[0]);
}

static void runner_destroy(struct runner *rn)
{
	free(rn->slot);
	machine_destroy(&rn->m);
	model_destroy(rn->mo);
	free(rn->pid);
	free(rn->rmap);
	free(rn->machine_object);
}

void scn_run(const struct scn_program *p, const ptesim_layout *L, const struct run_options *opt,
	     struct run_result *r)
{
	struct runner rn;
	const char *missing = requirement_missing(p, L);

	memset(r, 0, sizeof(*r));
	if (missing) {
		r->status = RUN_NA;
		snprintf(r->detail, sizeof(r->detail), "%s", missing);
		return;
	}
	if (runner_init(&rn, p, L, opt, r)) {
		runner_destroy(&rn);
		r->status = RUN_NA;
		snprintf(r->detail, sizeof(r->detail), "out of memory");
		return;
	}
	for (size_t i = 0; i < p->ncommands && r->status == RUN_PASS; i++) {
		struct snapshot before = { 0 }, after = { 0 };
		bool tracing = opt->trace && snapshot_take(&rn, &before);

		rn.cmd = &p->commands[i];
		do_command(&rn);
		r->commands++;
		if (r->status == RUN_PASS)
			check_invariants(&rn);
		if (tracing && snapshot_take(&rn, &after))
			trace_diff(&rn, &before, &after);
		snapshot_free(&before);
		snapshot_free(&after);
	}
	runner_destroy(&rn);
}

static const struct scn_expect_result *declared(const struct scn_program *p, const ptesim_layout *L)
{
	for (size_t i = 0; i < p->header.nresults; i++)
		if (!strcmp(p->header.results[i].layout, ptesim_layout_name(L)))
			return &p->header.results[i];
	return NULL;
}

bool scn_result_as_declared(const struct scn_program *p, const ptesim_layout *L, const struct run_result *r)
{
	const struct scn_expect_result *d = declared(p, L);

	if (!d || !d->fail)
		return r->status != RUN_FAIL;
	return r->status == RUN_FAIL && r->violation &&
	       !strcmp(r->violation, scn_violation_name(d->violation));
}

void scn_result_line(const struct scn_program *p, const ptesim_layout *L, const struct run_result *r,
		     char *buf, size_t size)
{
	const char *name = ptesim_layout_name(L);

	switch (r->status) {
	case RUN_PASS:
		snprintf(buf, size, "%s: pass", name);
		break;
	case RUN_NA:
		snprintf(buf, size, "%s: n/a (%s)", name, r->detail);
		break;
	case RUN_FAIL:
		if (r->violation)
			snprintf(buf, size, "%s: FAIL at line %u (%s): violation %s: %s%s", name, r->line, r->command,
				 r->violation, r->detail, scn_result_as_declared(p, L, r) ? " (expected)" : "");
		else
			snprintf(buf, size, "%s: FAIL at line %u (%s): %s", name, r->line, r->command, r->detail);
		break;
	}
}
