/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "scenario/pagemap_line.h"
#include "ptesim/pte.h"

#include "scenario/run_internal.h"

struct region_map *region_of(struct runner *rn, uint32_t proc, uint32_t region)
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
void name_page(void *ctx, int pid, uint64_t va, char *buf, size_t size)
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

static int violation_index(const char *name)
{
	for (int v = 0; v < SCN_V_COUNT; v++)
		if (!strcmp(scn_violation_name((enum scn_violation)v), name))
			return v;
	return -1;
}

/* A broken machine (an entry the layout cannot decode, counts that
 * disagree) makes whatever follows meaningless. */
static bool run_can_go_on(const char *violation)
{
	return violation && strcmp(violation, "pte-encoding") && strcmp(violation, "refcount");
}

/* a later failure, after the first */
static void note_also(struct runner *rn, const char *violation, const char *detail)
{
	struct run_result *r = rn->r;
	size_t len = strlen(r->also);
	char command[160];

	if (scn_format_command(rn->p, rn->cmd, command, sizeof(command)) < 0)
		snprintf(command, sizeof(command), "?");
	if (violation) {
		int v = violation_index(violation);

		if (v >= 0 && (r->violations & (1u << v)))
			return; /* each violation is named once */
		if (v >= 0)
			r->violations |= 1u << v;
		snprintf(r->also + len, sizeof(r->also) - len, "; also %s at line %u (%s)", violation, rn->cmd->line,
			 command);
	} else {
		snprintf(r->also + len, sizeof(r->also) - len, "; then at line %u (%s): %s", rn->cmd->line, command,
			 detail);
	}
	if (!run_can_go_on(violation))
		rn->stopped = true;
}

void set_fail(struct runner *rn, const char *violation, const char *fmt, ...)
{
	struct run_result *r = rn->r;
	char detail[sizeof(r->detail)];
	va_list ap;
	int v;

	if (r->status == RUN_NA || rn->stopped)
		return;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (r->status == RUN_FAIL) {
		note_also(rn, violation, detail);
		return;
	}
	r->status = RUN_FAIL;
	r->violation = violation;
	r->line = rn->cmd->line;
	if (scn_format_command(rn->p, rn->cmd, r->command, sizeof(r->command)) < 0)
		snprintf(r->command, sizeof(r->command), "?");
	memcpy(r->detail, detail, sizeof(detail));
	if (violation && (v = violation_index(violation)) >= 0)
		r->violations |= 1u << v;
	if (!run_can_go_on(violation))
		rn->stopped = true;
}

void set_na(struct runner *rn, const char *fmt, ...)
{
	va_list ap;

	if (rn->r->status != RUN_PASS)
		return;
	rn->r->status = RUN_NA;
	va_start(ap, fmt);
	vsnprintf(rn->r->detail, sizeof(rn->r->detail), fmt, ap);
	va_end(ap);
}

void observe(struct runner *rn, const char *fmt, ...)
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
bool syscall_as_expected(struct runner *rn, const char *what, int rc)
{
	int want = rn->cmd->expect_errno;

	if (rn->any_outcome) {
		rn->last_errno = -rc;
		return rc == 0;
	}
	if (-rc == want)
		return rc == 0;
	set_fail(rn, NULL, "%s returned %s, expected %s", what, rc ? scn_errno_name(-rc) : "ok",
		 want ? scn_errno_name(want) : "ok");
	return false;
}

uint64_t page_va(struct runner *rn, uint32_t proc, uint32_t region, uint64_t page)
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
	free(rm->track);
	free(rm->image);
	*rm = (struct region_map){ va, mp->npages, true, shared, anon, model_object, NULL, NULL };
	if (model_map(rn->mo, (int)proc, (int)mp->region, mp->npages, shared, anon, model_object) ||
	    track_map(rn, proc, mp->region, mp->npages) ||
	    ((shared || !anon) && track_object(rn, model_object, find_vma(&rn->m.procs[pid], va)->object)))
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
	for (size_t reg = 0; reg < rn->p->nregions; reg++) {
		struct region_map *to = region_of(rn, child, (uint32_t)reg);

		free(to->track);
		free(to->image);
		*to = *region_of(rn, proc, (uint32_t)reg);
	}
	if (model_fork(rn->mo, (int)proc, (int)child) || track_fork(rn, proc, child))
		set_fail(rn, NULL, "out of memory");
}

static void do_exit(struct runner *rn)
{
	uint32_t proc = rn->cmd->named_process;

	if (rn->pid[proc] < 0)
		return;
	mm_exit(&rn->m, rn->pid[proc]);
	model_exit(rn->mo, (int)proc);
	for (size_t reg = 0; reg < rn->p->nregions; reg++) {
		region_of(rn, proc, (uint32_t)reg)->mapped = false;
		track_forget(rn, proc, (uint32_t)reg, 0, region_of(rn, proc, (uint32_t)reg)->npages);
	}
}

static void do_access(struct runner *rn, uint32_t proc, int pid)
{
	const struct scn_access *ac = &rn->cmd->access;
	const struct scn_range *rg = &rn->cmd->range;
	bool write = rn->cmd->op == SCN_OP_WRITE;
	uint64_t va = page_va(rn, proc, rg->region, rg->first), value = 0, allowed[2];
	int nallowed;
	enum access_result res;
	enum scn_outcome got;
	enum model_read mr;

	if (write)
		value = ac->has_value ? ac->value : ++rn->fresh;
	res = mm_access(&rn->m, pid, va, write, &value);
	got = res == ACCESS_OK ? SCN_OUTCOME_OK : res == ACCESS_BLOCKED ? SCN_OUTCOME_BLOCKED : SCN_OUTCOME_SEGV;
	if (res == ACCESS_BUS) {
		set_fail(rn, NULL, "the access took SIGBUS");
		return;
	}
	rn->last_outcome = got;
	if (got != ac->outcome && !rn->any_outcome) {
		set_fail(rn, NULL, "the %s %s, expected %s", write ? "write" : "read",
			 got == SCN_OUTCOME_OK ? "completed" : got == SCN_OUTCOME_SEGV ? "took SIGSEGV" : "blocked on a uffd-wp fault",
			 ac->outcome == SCN_OUTCOME_OK ? "ok" : ac->outcome == SCN_OUTCOME_SEGV ? "segv" : "blocked");
		return;
	}
	if (got != SCN_OUTCOME_OK)
		return;
	if (write) {
		track_uffd_write(rn, proc, pid, rg->region, rg->first);
		model_write(rn->mo, (int)proc, (int)rg->region, rg->first, value);
		track_write(rn, proc, rg->region, rg->first);
		return;
	}
	mr = model_read(rn->mo, (int)proc, (int)rg->region, rg->first, value, allowed, &nallowed);
	if (mr != MODEL_VALUE) {
		char page[64];

		name_page(rn, pid, va, page, sizeof(page));
		if (mr == MODEL_UNMAPPED)
			set_fail(rn, "memory-model", "%s read 0x%" PRIx64 " from a page that is not mapped", page,
				 value);
		else if (nallowed == 1)
			set_fail(rn, "memory-model", "%s read 0x%" PRIx64 ", the memory model allows 0x%" PRIx64 " only",
				 page, value, allowed[0]);
		else
			set_fail(rn, "memory-model", "%s read 0x%" PRIx64 ", the memory model allows 0x%" PRIx64 " or 0x%" PRIx64 " only",
				 page, value, allowed[0], allowed[1]);
		return;
	}
	if (ac->has_value && value != ac->value)
		set_fail(rn, NULL, "read 0x%" PRIx64 ", expected 0x%" PRIx64, value, ac->value);
}

static void do_pagemap(struct runner *rn, uint32_t proc, int pid, bool expect)
{
	const struct scn_range *rg = &rn->cmd->range;

	for (uint64_t i = rg->first; i < rg->first + rg->count; i++) {
		uint64_t va = page_va(rn, proc, rg->region, i);
		unsigned k = scn_pagemap_keys(mm_pagemap(&rn->m, pid, va));
		char page[64], line[256];

		name_page(rn, pid, va, page, sizeof(page));
		if (!expect) {
			scn_pagemap_line(line, sizeof(line), page, k);
			observe(rn, "%s", line);
		} else if (scn_pagemap_check(&rn->cmd->pagemap, page, k, line, sizeof(line))) {
			set_fail(rn, NULL, "%s", line);
			return;
		}
	}
}

uint64_t entry_at(struct runner *rn, int pid, uint64_t va)
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

void range_span(struct runner *rn, uint32_t proc, uint64_t *va, uint64_t *len)
{
	const struct scn_range *rg = &rn->cmd->range;

	*va = page_va(rn, proc, rg->region, rg->first);
	*len = rg->count * PAGE_SIZE;
}

void do_command(struct runner *rn)
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
		if (syscall_as_expected(rn, "munmap", rc)) {
			for (uint64_t i = 0; i < c->range.count; i++)
				model_unmap(rn->mo, (int)proc, (int)c->range.region, c->range.first + i);
			track_forget(rn, proc, c->range.region, c->range.first, c->range.count);
		}
		break;
	case SCN_OP_MPROTECT:
		range_span(rn, proc, &va, &len);
		syscall_as_expected(rn, "mprotect", mm_mprotect(&rn->m, pid, va, len, c->prot));
		break;
	case SCN_OP_MADVISE:
		if (c->advice != SCN_MADV_DONTNEED) {
			do_madvise_lru(rn, proc, pid);
			break;
		}
		range_span(rn, proc, &va, &len);
		rc = mm_madvise_dontneed(&rn->m, pid, va, len);
		if (rc == 0 || rc == -ENOMEM) {
			for (uint64_t i = 0; i < c->range.count; i++)
				model_dontneed(rn->mo, (int)proc, (int)c->range.region, c->range.first + i);
			track_forget(rn, proc, c->range.region, c->range.first, c->range.count);
		}
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
		do_clear_refs(rn, proc, pid);
		break;
	case SCN_OP_RECLAIM:
		do_reclaim(rn, proc, pid);
		break;
	case SCN_OP_MIGRATE:
		do_migrate(rn, proc, pid);
		break;
	case SCN_OP_CRIU_DUMP:
		do_criu_dump(rn, proc, pid);
		break;
	case SCN_OP_SCAN:
	case SCN_OP_EXPECT_SCAN:
		do_scan(rn, proc, pid, c->op == SCN_OP_EXPECT_SCAN);
		break;
	case SCN_OP_EXPECT_EVENT:
	case SCN_OP_EXPECT_NO_EVENT:
		do_expect_event(rn, proc, pid);
		break;
	default:
		do_uffd(rn, proc, pid);
		break;
	}
}

/* The machine's own consistency first (nothing else means anything
 * without it), then what user space is promised, then the hardware. */
void check_invariants(struct runner *rn)
{
	struct violation v = { 0 }, untracked = { 0 };
	bool untracked_found;

	if (!check_machine(&rn->m, name_page, rn, &v, &untracked, &untracked_found)) {
		set_fail(rn, v.name, "%s %s", v.page, v.reason);
		return;
	}
	check_tracking(rn);
	if (untracked_found)
		set_fail(rn, untracked.name, "%s %s", untracked.page, untracked.reason);
}

const char *requirement_missing(const struct scn_program *p, const ptesim_layout *L)
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

int runner_init(struct runner *rn, const struct scn_program *p, const ptesim_layout *L,
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
	rn->dumped = calloc(p->nprocesses ? p->nprocesses : 1, sizeof(*rn->dumped));
	rn->uffd_async = calloc(p->nprocesses ? p->nprocesses : 1, sizeof(*rn->uffd_async));
	if (!rn->mo || !rn->pid || !rn->rmap || !rn->machine_object || !rn->dumped || !rn->uffd_async)
		return -ENOMEM;
	for (size_t i = 0; i < p->nprocesses; i++)
		rn->pid[i] = -1;
	for (size_t i = 0; i < p->nobjects; i++)
		rn->machine_object[i] = UINT32_MAX;
	if (plan_slots(rn))
		return -ENOMEM;
	return mm_new(&rn->m, &rn->pid[0]);
}

void runner_destroy(struct runner *rn)
{
	track_free(rn);
	free(rn->slot);
	machine_destroy(&rn->m);
	model_destroy(rn->mo);
	free(rn->pid);
	free(rn->rmap);
	free(rn->machine_object);
}

/* --trace prints what a command changed; explain is handed it, with the
 * path the command took */
static void report_step(struct runner *rn, const struct snapshot *before, const struct snapshot *after,
			bool snapshots, const struct kpath_log *kpath)
{
	struct run_change *changes = NULL;
	long n = snapshots ? snapshot_changes(rn, before, after, &changes) : -1;

	if (n < 0) {
		set_fail(rn, NULL, "out of memory");
		n = 0;
	}
	if (rn->opt->trace)
		trace_diff(rn, changes, (size_t)n);
	if (rn->opt->step) {
		struct run_step step = { rn->cmd, kpath, changes, (size_t)n, rn->r };

		rn->opt->step(rn->opt->step_ctx, &step);
	}
	free(changes);
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
	for (size_t i = 0; i < p->ncommands && !rn.stopped && r->status != RUN_NA; i++) {
		struct snapshot before = { 0 }, after = { 0 };
		bool reporting = opt->trace || opt->step;
		bool snapshots = reporting && snapshot_take(&rn, &before, opt->step != NULL);
		struct kpath_log kpath;

		rn.cmd = &p->commands[i];
		/* only the command's own path: not the referee's reads after it */
		kpath_init(&kpath);
		if (opt->step)
			mm_set_kpath(&rn.m, &kpath);
		do_command(&rn);
		mm_set_kpath(&rn.m, NULL);
		r->commands++;
		if (!rn.stopped && r->status != RUN_NA)
			check_invariants(&rn);
		if (reporting)
			report_step(&rn, &before, &after,
				    snapshots && snapshot_take(&rn, &after, opt->step != NULL), &kpath);
		snapshot_free(&before);
		snapshot_free(&after);
	}
	runner_destroy(&rn);
}

const struct scn_expect_result *scn_declared_result(const struct scn_program *p, const ptesim_layout *L)
{
	for (size_t i = 0; i < p->header.nresults; i++)
		if (!strcmp(p->header.results[i].layout, ptesim_layout_name(L)))
			return &p->header.results[i];
	return NULL;
}

bool scn_result_as_declared(const struct scn_program *p, const ptesim_layout *L, const struct run_result *r)
{
	const struct scn_expect_result *d = scn_declared_result(p, L);

	if (!d || !d->fail)
		return r->status != RUN_FAIL;
	return r->status == RUN_FAIL && (r->violations & (1u << d->violation));
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
			snprintf(buf, size, "%s: FAIL at line %u (%s): violation %s: %s%s%s", name, r->line, r->command,
				 r->violation, r->detail, r->also, scn_result_as_declared(p, L, r) ? " (expected)" : "");
		else
			snprintf(buf, size, "%s: FAIL at line %u (%s): %s%s", name, r->line, r->command, r->detail,
				 r->also);
		break;
	}
}
