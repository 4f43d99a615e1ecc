/* SPDX-License-Identifier: MIT */
/*
 * The referee of a simulation driven from C: what each call did, recorded
 * apart from the machine (the regions mapped, the memory model of
 * src/check/model.h, per-page tracking), and the invariants of the
 * scenario language checked against it: src/check's pte-encoding,
 * refcount and hw-write-untracked, and the tracking rules of the scenario
 * runner (src/scenario/run_dirty.c, run_uffd.c) for pages named by
 * address: memory-model, soft-dirty-lost, uffd-wp-missed,
 * lazyfree-data-loss and dirty-data-loss.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/sim_internal.h"
#include "check/check.h"
#include "scenario/program.h"

int ref_proc_add(ptesim_sim *sim, int pid)
{
	struct ref_proc *v;

	if ((size_t)pid < sim->nprocs)
		return 0;
	v = realloc(sim->procs, ((size_t)pid + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	memset(v + sim->nprocs, 0, ((size_t)pid + 1 - sim->nprocs) * sizeof(*v));
	sim->procs = v;
	sim->nprocs = (size_t)pid + 1;
	return 0;
}

void ref_proc_free(struct ref_proc *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->regions[i].track);
	free(p->regions);
	*p = (struct ref_proc){ 0 };
}

struct ref_region *ref_region_of(ptesim_sim *sim, int pid, uint64_t va, uint64_t *page)
{
	struct ref_proc *p = &sim->procs[pid];

	for (size_t i = 0; i < p->n; i++) {
		struct ref_region *r = &p->regions[i];

		if (va >= r->va && (va - r->va) / PAGE_SIZE < r->npages) {
			if (page)
				*page = (va - r->va) / PAGE_SIZE;
			return r;
		}
	}
	return NULL;
}

static int region_push(struct ref_proc *p, const struct ref_region *r)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct ref_region *v = realloc(p->regions, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		p->regions = v;
		p->cap = cap;
	}
	p->regions[p->n] = *r;
	p->regions[p->n].track = calloc(r->npages ? r->npages : 1, 1);
	if (!p->regions[p->n].track)
		return -ENOMEM;
	if (r->track)
		memcpy(p->regions[p->n].track, r->track, r->npages);
	p->n++;
	return 0;
}

int ref_map(ptesim_sim *sim, int pid, uint64_t va, uint64_t npages, bool shared, bool anon, uint32_t object)
{
	struct ref_region r = { va, npages, sim->next_region++, shared, anon, object, NULL };
	int rc = model_map(sim->mo, pid, r.id, npages, shared, anon, object);

	return rc ? rc : region_push(&sim->procs[pid], &r);
}

/* The child's pages hold what the parent's held, tracking included;
 * without a userfaultfd of its own (no EVENT_FORK) nothing of the
 * parent's protection is left to check in it. */
int ref_fork(ptesim_sim *sim, int parent, int child)
{
	int rc = ref_proc_add(sim, child);
	bool registered;

	if (rc || (rc = model_fork(sim->mo, parent, child)))
		return rc;
	registered = sim->m.procs[child].uffd.open;
	for (size_t i = 0; i < sim->procs[parent].n; i++) {
		struct ref_region *r;

		rc = region_push(&sim->procs[child], &sim->procs[parent].regions[i]);
		if (rc)
			return rc;
		r = &sim->procs[child].regions[sim->procs[child].n - 1];
		for (uint64_t k = 0; !registered && k < r->npages; k++)
			r->track[k] &= (uint8_t)~(REF_PROTECTED | REF_ASYNC_WRITTEN);
	}
	sim->procs[child].uffd_async = sim->procs[parent].uffd_async;
	return 0;
}

void ref_exit(ptesim_sim *sim, int pid)
{
	model_exit(sim->mo, pid);
	ref_proc_free(&sim->procs[pid]);
}

void ref_range(ptesim_sim *sim, int pid, uint64_t va, uint64_t len, enum ref_event ev)
{
	struct ref_proc *p = &sim->procs[pid];
	uint64_t end = va + len < va ? UINT64_MAX : va + len;

	for (size_t i = 0; i < p->n; i++) {
		struct ref_region *r = &p->regions[i];

		for (uint64_t k = 0; k < r->npages; k++) {
			uint64_t at = r->va + k * PAGE_SIZE;

			if (at < va || at >= end)
				continue;
			switch (ev) {
			case REF_EV_UNMAP:
				model_unmap(sim->mo, pid, r->id, k);
				r->track[k] = 0;
				break;
			case REF_EV_DONTNEED:
				model_dontneed(sim->mo, pid, r->id, k);
				r->track[k] = 0;
				break;
			case REF_EV_FREE:
				model_free(sim->mo, pid, r->id, k);
				if (r->anon && !r->shared)
					r->track[k] = (uint8_t)((r->track[k] & ~REF_REWRITTEN) | REF_LAZYFREE);
				break;
			case REF_EV_UNREGISTER:
				r->track[k] &= (uint8_t)~(REF_PROTECTED | REF_ASYNC_WRITTEN);
				break;
			}
		}
	}
}

void ref_soft_dirty_cleared(ptesim_sim *sim, int pid)
{
	struct ref_proc *p = &sim->procs[pid];

	for (size_t i = 0; i < p->n; i++)
		for (uint64_t k = 0; k < p->regions[i].npages; k++)
			p->regions[i].track[k] &= (uint8_t)~REF_WRITTEN;
}

void ref_name_page(void *ctx, int pid, uint64_t va, char *buf, size_t size)
{
	(void)ctx;
	snprintf(buf, size, "p%d 0x%" PRIx64, pid, va);
}

/* A violation on a tracked page, named by its process and address. */
static void page_violation(ptesim_sim *sim, int pid, uint64_t va, const char *name, const char *reason)
{
	char page[64];

	ref_name_page(sim, pid, va, page, sizeof(page));
	ref_violation(sim, name, page, reason);
}

/* uffd-wp-missed at a write that completed: a page this process protected
 * must have made a synchronous write wait; an asynchronous one resolves
 * the protection, and the page must then read as written */
static void uffd_write(ptesim_sim *sim, int pid, struct ref_region *r, uint64_t k)
{
	if (!(r->track[k] & REF_PROTECTED))
		return;
	r->track[k] &= (uint8_t)~REF_PROTECTED;
	if (sim->procs[pid].uffd_async) {
		r->track[k] |= REF_ASYNC_WRITTEN;
		return;
	}
	page_violation(sim, pid, r->va + k * PAGE_SIZE, "uffd-wp-missed", "written without a uffd-wp event");
}

void ref_write(ptesim_sim *sim, int pid, uint64_t va, uint64_t value, bool keeps_data)
{
	uint64_t k;
	struct ref_region *r = ref_region_of(sim, pid, va, &k);

	if (!r)
		return;
	uffd_write(sim, pid, r, k);
	if (!keeps_data)
		model_write(sim->mo, pid, r->id, k, value);
	if (r->track[k] & REF_LAZYFREE)
		r->track[k] = (uint8_t)((r->track[k] & ~REF_LAZYFREE) | REF_REWRITTEN);
	r->track[k] |= REF_WRITTEN;
}

void ref_read(ptesim_sim *sim, int pid, uint64_t va, uint64_t value)
{
	uint64_t k, allowed[2];
	struct ref_region *r = ref_region_of(sim, pid, va, &k);
	enum model_read mr;
	int nallowed = 0;
	char reason[256];

	mr = r ? model_read(sim->mo, pid, r->id, k, value, allowed, &nallowed) : MODEL_UNMAPPED;
	if (mr == MODEL_VALUE)
		return;
	if (mr == MODEL_UNMAPPED)
		snprintf(reason, sizeof(reason), "read 0x%" PRIx64 " from a page that is not mapped", value);
	else if (nallowed == 1)
		snprintf(reason, sizeof(reason), "read 0x%" PRIx64 ", the memory model allows 0x%" PRIx64 " only", value,
			 allowed[0]);
	else
		snprintf(reason, sizeof(reason),
			 "read 0x%" PRIx64 ", the memory model allows 0x%" PRIx64 " or 0x%" PRIx64 " only", value,
			 allowed[0], allowed[1]);
	page_violation(sim, pid, va & ~(PAGE_SIZE - 1), "memory-model", reason);
}

void ref_uffd_opened(ptesim_sim *sim, int pid, unsigned features)
{
	sim->procs[pid].uffd_async = features & UFFD_FEATURE_WP_ASYNC;
}

/* the pages of the range whose VMA is registered: the ones
 * UFFDIO_WRITEPROTECT changed */
void ref_protect(ptesim_sim *sim, int pid, uint64_t va, uint64_t len, bool wp)
{
	struct ref_proc *p = &sim->procs[pid];

	for (size_t i = 0; i < p->n; i++) {
		struct ref_region *r = &p->regions[i];

		for (uint64_t k = 0; k < r->npages; k++) {
			uint64_t at = r->va + k * PAGE_SIZE;
			struct vma *vma;

			if (at < va || at - va >= len)
				continue;
			vma = find_vma(&sim->m.procs[pid], at);
			if (vma && (vma->vm_flags & VM_UFFD_WP))
				r->track[k] = (uint8_t)((r->track[k] & ~(REF_ASYNC_WRITTEN | (wp ? 0 : REF_PROTECTED))) |
							(wp ? REF_PROTECTED : 0));
		}
	}
}

/* WP_MATCHING protected the matching written pages up to walk_end: which
 * ones is read back from pagemap, since the masks decide */
void ref_scan_protected(ptesim_sim *sim, int pid, uint64_t va, uint64_t end)
{
	struct ref_proc *p = &sim->procs[pid];

	for (size_t i = 0; i < p->n; i++) {
		struct ref_region *r = &p->regions[i];

		for (uint64_t k = 0; k < r->npages; k++) {
			uint64_t at = r->va + k * PAGE_SIZE;

			if (at >= va && at < end && (mm_pagemap(&sim->m, pid, at) & PM_UFFD_WP))
				r->track[k] = (uint8_t)((r->track[k] & ~REF_ASYNC_WRITTEN) | REF_PROTECTED);
		}
	}
}

void ref_take_completed(ptesim_sim *sim, int pid)
{
	struct uffd_blocked done[16];
	size_t n;

	while ((n = mm_uffd_take_completed(&sim->m, pid, done, 16)) > 0)
		for (size_t k = 0; k < n; k++)
			ref_write(sim, pid, done[k].va, done[k].value, false);
}

static int violation_index(const char *name)
{
	for (int v = 0; v < SCN_V_COUNT; v++)
		if (!strcmp(scn_violation_name((enum scn_violation)v), name))
			return v;
	return SCN_V_COUNT;
}

void ref_violation(ptesim_sim *sim, const char *name, const char *page, const char *reason)
{
	ptesim_report *r = &sim->verdict;
	unsigned bit = 1u << violation_index(name);
	size_t len;

	if (sim->found & bit)
		return; /* each violation is named once */
	sim->found |= bit;
	if (r->ok) {
		r->ok = false;
		r->as_declared = false;
		snprintf(r->violation, sizeof(r->violation), "%s", name);
		snprintf(r->page, sizeof(r->page), "%s", page);
		snprintf(r->reason, sizeof(r->reason), "%s", reason);
		snprintf(r->where, sizeof(r->where), "%s", sim->op);
		snprintf(r->message, sizeof(r->message), "violation %s after %s: %s %s", name, sim->op, page, reason);
		return;
	}
	len = strlen(r->message);
	snprintf(r->message + len, sizeof(r->message) - len, "; also %s after %s: %s %s", name, sim->op, page,
		 reason);
}

static void record(ptesim_sim *sim, const struct violation *v)
{
	ref_violation(sim, v->name, v->page, v->reason);
}

/* lazyfree-data-loss, uffd-wp-missed (WP_ASYNC) and soft-dirty-lost on
 * one tracked page: run_dirty.c's check_page() */
static void check_page(ptesim_sim *sim, int pid, struct ref_region *r, uint64_t k)
{
	uint64_t va = r->va + k * PAGE_SIZE, pm = mm_pagemap(&sim->m, pid, va), want, got = 0;
	char reason[256];

	if ((r->track[k] & REF_REWRITTEN) && model_own_value(sim->mo, pid, r->id, k, &want)) {
		mm_peek(&sim->m, pid, va, &got);
		if (got != want) {
			snprintf(reason, sizeof(reason), "written 0x%" PRIx64 " after MADV_FREE, discarded: it reads 0x%" PRIx64,
				 want, got);
			page_violation(sim, pid, va, "lazyfree-data-loss", reason);
			r->track[k] &= (uint8_t)~REF_REWRITTEN;
		}
	}
	if (!(pm & (PM_PRESENT | PM_SWAP))) {
		/* gone from the tables: what was written is not this entry's
		 * to report any more, nor its protection */
		r->track[k] &= (uint8_t)~(REF_WRITTEN | REF_PROTECTED | REF_ASYNC_WRITTEN);
		return;
	}
	if (pm & PM_SWAP) {
		pte_t *ptep = mm_pte(&sim->m, &sim->m.procs[pid], va, false);

		/* a uffd-wp marker where a file or shmem page was: its
		 * soft-dirty went with the entry, the data is in the cache */
		if (ptep && is_pte_marker(sim->m.L, *ptep))
			r->track[k] &= (uint8_t)~REF_WRITTEN;
	}
	if ((r->track[k] & REF_ASYNC_WRITTEN) && (pm & PM_UFFD_WP)) {
		r->track[k] &= (uint8_t)~REF_ASYNC_WRITTEN;
		page_violation(sim, pid, va, "uffd-wp-missed", "written under WP_ASYNC, still uffd-wp");
	}
	if ((r->track[k] & REF_WRITTEN) && ptesim_layout_has(sim->m.L, PTESIM_FEAT_SOFT_DIRTY) &&
	    !(pm & PM_SOFT_DIRTY)) {
		page_violation(sim, pid, va, "soft-dirty-lost", "written since clear, soft-dirty=0");
		r->track[k] &= (uint8_t)~REF_WRITTEN; /* the next write or clear starts again */
	}
}

/* dirty-data-loss: what an object holds, in the page cache or on disk
 * (or shmem's swap), is what was last written through a shared mapping */
static void check_objects(ptesim_sim *sim)
{
	for (uint32_t id = 0; id < sim->m.nobjects; id++) {
		const struct object *o = &sim->m.objects[id];

		for (size_t idx = 0; idx < o->npages; idx++) {
			uint64_t want, got = o->pfn[idx] ? frame_of(&sim->m.frames, o->pfn[idx])->data : o->disk[idx];
			char page[64], reason[256];

			if (!model_object_value(sim->mo, id, idx, &want) || want == got)
				continue;
			snprintf(page, sizeof(page), "%s %" PRIu32 " page %zu", o->kind == BACKING_FILE ? "file" : "shmem",
				 id, idx);
			snprintf(reason, sizeof(reason), "holds 0x%" PRIx64 ", last written 0x%" PRIx64, got, want);
			ref_violation(sim, "dirty-data-loss", page, reason);
			return;
		}
	}
}

/* The machine's own consistency first (nothing else means anything
 * without it), then what user space is promised, then the hardware: the
 * order of the scenario runner's check_invariants() */
void ref_check(ptesim_sim *sim)
{
	struct violation v = { 0 }, untracked = { 0 };
	bool untracked_found;

	if (sim->broken)
		return;
	if (!check_machine(&sim->m, ref_name_page, sim, &v, &untracked, &untracked_found)) {
		record(sim, &v);
		sim->broken = true;
		return;
	}
	for (size_t pid = 0; pid < sim->nprocs; pid++) {
		struct ref_proc *p = &sim->procs[pid];

		if (!sim->m.procs[pid].alive)
			continue;
		for (size_t i = 0; i < p->n; i++)
			for (uint64_t k = 0; k < p->regions[i].npages; k++)
				if (p->regions[i].track[k])
					check_page(sim, (int)pid, &p->regions[i], k);
	}
	check_objects(sim);
	if (untracked_found)
		record(sim, &untracked);
}
