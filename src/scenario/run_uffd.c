/* SPDX-License-Identifier: MIT */
/*
 * userfaultfd commands, waiting writes and their events, and the
 * uffd-wp-missed invariant: which pages this process protected is kept
 * here, apart from the machine's uffd-wp bits that it checks.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "scenario/run_internal.h"

/* the region and page of a process's address, false when none */
static bool page_of_va(struct runner *rn, uint32_t proc, uint64_t va, uint32_t *region, uint64_t *page)
{
	for (size_t reg = 0; reg < rn->p->nregions; reg++) {
		struct region_map *rm = region_of(rn, proc, (uint32_t)reg);

		if (rm->mapped && va >= rm->va && va < rm->va + rm->npages * PAGE_SIZE) {
			*region = (uint32_t)reg;
			*page = (va - rm->va) / PAGE_SIZE;
			return true;
		}
	}
	return false;
}

static void set_track(struct runner *rn, uint32_t proc, uint32_t region, uint64_t first, uint64_t count,
		      uint8_t set, uint8_t clear)
{
	struct region_map *rm = region_of(rn, proc, region);

	for (uint64_t i = first; rm->track && i < first + count && i < rm->npages; i++)
		rm->track[i] = (uint8_t)((rm->track[i] & ~clear) | set);
}

/* the pages of the range whose VMA is registered: the ones UFFDIO_WRITEPROTECT changed */
static void track_protect(struct runner *rn, uint32_t proc, int pid, bool wp)
{
	const struct scn_range *rg = &rn->cmd->range;

	for (uint64_t i = rg->first; i < rg->first + rg->count; i++) {
		struct vma *vma = find_vma(&rn->m.procs[pid], page_va(rn, proc, rg->region, i));

		if (vma && (vma->vm_flags & VM_UFFD_WP))
			set_track(rn, proc, rg->region, i, 1, wp ? TRACK_PROTECTED : 0,
				  (uint8_t)(TRACK_ASYNC_WRITTEN | (wp ? 0 : TRACK_PROTECTED)));
	}
}

/* writes woken by an unprotect that completed: now they are writes */
static void take_completed(struct runner *rn, uint32_t proc, int pid)
{
	struct uffd_blocked done[16];
	size_t n;

	while ((n = mm_uffd_take_completed(&rn->m, pid, done, 16)) > 0)
		for (size_t k = 0; k < n; k++) {
			uint32_t region;
			uint64_t page;

			if (!page_of_va(rn, proc, done[k].va, &region, &page))
				continue;
			model_write(rn->mo, (int)proc, (int)region, page, done[k].value);
			track_write(rn, proc, region, page);
		}
}

void do_uffd(struct runner *rn, uint32_t proc, int pid)
{
	const struct scn_command *c = rn->cmd;
	uint64_t va, len;
	int rc;

	switch (c->op) {
	case SCN_OP_UFFD_OPEN:
		rc = mm_uffd_open(&rn->m, pid, c->uffd_features);
		if (syscall_as_expected(rn, "uffd open", rc))
			rn->uffd_async[proc] = c->uffd_features & SCN_UFFD_FEATURE_WP_ASYNC;
		break;
	case SCN_OP_UFFD_REGISTER:
		range_span(rn, proc, &va, &len);
		syscall_as_expected(rn, "uffd register", mm_uffd_register(&rn->m, pid, va, len));
		break;
	case SCN_OP_UFFD_UNREGISTER:
		range_span(rn, proc, &va, &len);
		rc = mm_uffd_unregister(&rn->m, pid, va, len);
		if (syscall_as_expected(rn, "uffd unregister", rc))
			set_track(rn, proc, c->range.region, c->range.first, c->range.count, 0,
				  TRACK_PROTECTED | TRACK_ASYNC_WRITTEN);
		break;
	default: /* SCN_OP_UFFD_WP, SCN_OP_UFFD_UNWP */
		range_span(rn, proc, &va, &len);
		rc = mm_uffd_writeprotect(&rn->m, pid, va, len, c->op == SCN_OP_UFFD_WP);
		if (syscall_as_expected(rn, c->op == SCN_OP_UFFD_WP ? "uffd wp" : "uffd unwp", rc))
			track_protect(rn, proc, pid, c->op == SCN_OP_UFFD_WP);
		take_completed(rn, proc, pid);
		break;
	}
}

void do_expect_event(struct runner *rn, uint32_t proc, int pid)
{
	char page[64];

	if (rn->cmd->op == SCN_OP_EXPECT_NO_EVENT) {
		if (rn->m.procs[pid].uffd.nevents)
			set_fail(rn, NULL, "%zu uffd-wp event(s) queued, the first for %s", rn->m.procs[pid].uffd.nevents,
				 (name_page(rn, pid, rn->m.procs[pid].uffd.events[0], page, sizeof(page)), page));
		return;
	}
	uint64_t va = page_va(rn, proc, rn->cmd->range.region, rn->cmd->range.first);

	if (!mm_uffd_take_event(&rn->m, pid, va)) {
		name_page(rn, pid, va, page, sizeof(page));
		set_fail(rn, NULL, "no uffd-wp event queued for %s", page);
	}
}

/* uffd-wp-missed, at a write that completed: a page this process
 * protected must have made a synchronous write wait; an asynchronous one
 * resolves the protection, and the page must then read as written */
void track_uffd_write(struct runner *rn, uint32_t proc, int pid, uint32_t region, uint64_t page)
{
	struct region_map *rm = region_of(rn, proc, region);
	char name[64];

	if (!rm->track || page >= rm->npages || !(rm->track[page] & TRACK_PROTECTED))
		return;
	rm->track[page] &= (uint8_t)~TRACK_PROTECTED;
	if (rn->uffd_async[proc]) {
		rm->track[page] |= TRACK_ASYNC_WRITTEN;
		return;
	}
	name_page(rn, pid, rm->va + page * PAGE_SIZE, name, sizeof(name));
	set_fail(rn, "uffd-wp-missed", "%s written without a uffd-wp event", name);
}

/* after a command: an asynchronously written page still reported
 * protected would be missed by the next scan */
void check_uffd_page(struct runner *rn, uint32_t proc, int pid, uint32_t region, uint64_t page, uint64_t pm)
{
	struct region_map *rm = region_of(rn, proc, region);
	char name[64];

	if (!(rm->track[page] & TRACK_ASYNC_WRITTEN) || !(pm & PM_UFFD_WP))
		return;
	rm->track[page] &= (uint8_t)~TRACK_ASYNC_WRITTEN;
	name_page(rn, pid, rm->va + page * PAGE_SIZE, name, sizeof(name));
	set_fail(rn, "uffd-wp-missed", "%s written under WP_ASYNC, still uffd-wp", name);
}

/* WP_MATCHING protected the matching written pages up to walk_end: which
 * ones is read back from pagemap, since the masks decide */
void track_scan_protect(struct runner *rn, uint32_t proc, int pid, uint32_t region, uint64_t first, uint64_t end)
{
	struct region_map *rm = region_of(rn, proc, region);
	/* the referee's reads are not the command's path */
	struct kpath_log *kpath = mm_set_kpath(&rn->m, NULL);

	for (uint64_t i = first; rm->track && i < end && i < rm->npages; i++)
		if (mm_pagemap(&rn->m, pid, rm->va + i * PAGE_SIZE) & PM_UFFD_WP)
			rm->track[i] = (uint8_t)((rm->track[i] & ~TRACK_ASYNC_WRITTEN) | TRACK_PROTECTED);
	mm_set_kpath(&rn->m, kpath);
}
