/* SPDX-License-Identifier: MIT */
/*
 * clear_refs, MADV_FREE/COLD/PAGEOUT, reclaim, migrate and the CRIU
 * observer, with the invariants that watch them: soft-dirty-lost,
 * criu-image-stale, lazyfree-data-loss and dirty-data-loss. What a page
 * went through is remembered here, apart from the machine, so that the
 * referee does not take the machine's word for what it is checking.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ptesim/layout.h"
#include "scenario/run_internal.h"

int track_map(struct runner *rn, uint32_t proc, uint32_t region, uint64_t npages)
{
	struct region_map *rm = region_of(rn, proc, region);

	free(rm->track);
	free(rm->image);
	rm->image = NULL;
	rm->track = calloc(npages ? npages : 1, sizeof(*rm->track));
	return rm->track ? 0 : -ENOMEM;
}

/* The child's pages hold what the parent's held, soft-dirty bits and
 * lazy-free state included; CRIU has not dumped the child yet. */
int track_fork(struct runner *rn, uint32_t parent, uint32_t child)
{
	for (size_t reg = 0; reg < rn->p->nregions; reg++) {
		struct region_map *from = region_of(rn, parent, (uint32_t)reg), *to = region_of(rn, child, (uint32_t)reg);
		uint64_t n = from->npages ? from->npages : 1;

		to->image = NULL;
		to->track = NULL;
		if (!from->track)
			continue;
		to->track = malloc(n * sizeof(*to->track));
		if (!to->track)
			return -ENOMEM;
		memcpy(to->track, from->track, n * sizeof(*to->track));
	}
	rn->dumped[child] = false;
	/* without EVENT_FORK the child is not registered: nothing of its
	 * protection is left to check */
	if (!(rn->m.procs[rn->pid[child]].uffd.open)) {
		for (size_t reg = 0; reg < rn->p->nregions; reg++) {
			struct region_map *to = region_of(rn, child, (uint32_t)reg);

			for (uint64_t i = 0; to->track && i < to->npages; i++)
				to->track[i] &= (uint8_t)~(TRACK_PROTECTED | TRACK_ASYNC_WRITTEN);
		}
	}
	rn->uffd_async[child] = rn->uffd_async[parent];
	return 0;
}

void track_write(struct runner *rn, uint32_t proc, uint32_t region, uint64_t page)
{
	struct region_map *rm = region_of(rn, proc, region);

	if (!rm->track || page >= rm->npages)
		return;
	if (rm->track[page] & TRACK_LAZYFREE)
		rm->track[page] = (uint8_t)((rm->track[page] & ~TRACK_LAZYFREE) | TRACK_REWRITTEN);
	rm->track[page] |= TRACK_WRITTEN;
}

void track_forget(struct runner *rn, uint32_t proc, uint32_t region, uint64_t first, uint64_t count)
{
	struct region_map *rm = region_of(rn, proc, region);

	for (uint64_t i = first; rm->track && i < first + count && i < rm->npages; i++)
		rm->track[i] = 0;
}

int track_object(struct runner *rn, uint32_t model, uint32_t machine)
{
	struct object_pair *v;

	for (size_t i = 0; i < rn->nobjects; i++)
		if (rn->objects[i].model == model)
			return 0;
	v = realloc(rn->objects, (rn->nobjects + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	rn->objects = v;
	v[rn->nobjects++] = (struct object_pair){ model, machine };
	return 0;
}

void track_free(struct runner *rn)
{
	for (size_t i = 0; rn->rmap && i < rn->p->nprocesses * rn->p->nregions; i++) {
		free(rn->rmap[i].track);
		free(rn->rmap[i].image);
	}
	free(rn->objects);
	free(rn->dumped);
	free(rn->uffd_async);
}

/* A soft-dirty clear of a process: its pages start again from clean. */
static void soft_dirty_cleared(struct runner *rn, uint32_t proc)
{
	for (size_t reg = 0; reg < rn->p->nregions; reg++) {
		struct region_map *rm = region_of(rn, proc, (uint32_t)reg);

		for (uint64_t i = 0; rm->track && i < rm->npages; i++)
			rm->track[i] &= (uint8_t)~TRACK_WRITTEN;
	}
}

void do_clear_refs(struct runner *rn, uint32_t proc, int pid)
{
	int value = (int)rn->cmd->clear_refs;
	int rc = mm_clear_refs(&rn->m, pid, value);

	if (syscall_as_expected(rn, "clear_refs", rc) && value == SCN_CLEAR_SOFT_DIRTY)
		soft_dirty_cleared(rn, proc);
}

void do_madvise_lru(struct runner *rn, uint32_t proc, int pid)
{
	const struct scn_range *rg = &rn->cmd->range;
	struct region_map *rm = region_of(rn, proc, rg->region);
	uint64_t va, len;
	int rc;

	range_span(rn, proc, &va, &len);
	switch (rn->cmd->advice) {
	case SCN_MADV_FREE:
		rc = mm_madvise_free(&rn->m, pid, va, len);
		if (rc == 0 || rc == -ENOMEM)
			for (uint64_t i = rg->first; i < rg->first + rg->count; i++) {
				model_free(rn->mo, (int)proc, (int)rg->region, i);
				if (rm->track && rm->anon && !rm->shared)
					rm->track[i] = (uint8_t)((rm->track[i] & ~TRACK_REWRITTEN) | TRACK_LAZYFREE);
			}
		break;
	case SCN_MADV_PAGEOUT:
		rc = mm_madvise_pageout(&rn->m, pid, va, len);
		break;
	default:
		rc = mm_madvise_cold(&rn->m, pid, va, len);
		break;
	}
	syscall_as_expected(rn, "madvise", rc);
}

void do_reclaim(struct runner *rn, uint32_t proc, int pid)
{
	uint64_t va, len;

	range_span(rn, proc, &va, &len);
	mm_reclaim(&rn->m, pid, va, len);
}

void do_migrate(struct runner *rn, uint32_t proc, int pid)
{
	uint64_t va, len;

	range_span(rn, proc, &va, &len);
	/* a page that cannot move (pinned) stays, as the kernel leaves it */
	mm_migrate(&rn->m, pid, va, len);
}

/* "A[0:2] B[3]": the pages marked in copied[], as ranges */
static void append_ranges(char *buf, size_t size, const char *region, const bool *copied, uint64_t n)
{
	size_t len = strlen(buf);

	for (uint64_t i = 0; i < n && len < size; i++) {
		uint64_t j = i;

		if (!copied[i])
			continue;
		while (j + 1 < n && copied[j + 1])
			j++;
		if (j == i)
			len += (size_t)snprintf(buf + len, size - len, " %s[%" PRIu64 "]", region, i);
		else
			len += (size_t)snprintf(buf + len, size - len, " %s[%" PRIu64 ":%" PRIu64 "]", region, i, j + 1);
		i = j;
	}
}

/* What CRIU's dump copies of one private anonymous region. A page that is
 * neither present nor swapped, or maps the zero page (should_dump_page()),
 * is a hole and restores as zero; a later dump copies only soft-dirty
 * pages and keeps the others from the image before. */
static int dump_region(struct runner *rn, int pid, struct region_map *rm, bool full, bool *copied)
{
	bool first = !rm->image;

	if (first && !(rm->image = calloc(rm->npages ? rm->npages : 1, sizeof(*rm->image))))
		return -ENOMEM;
	for (uint64_t i = 0; i < rm->npages; i++) {
		uint64_t va = rm->va + i * PAGE_SIZE, pm = mm_pagemap(&rn->m, pid, va), value = 0;
		bool zero_page = (pm & PM_PRESENT) && (pm & PM_PFRAME_MASK) == rn->m.frames.zero_pfn;

		copied[i] = false;
		if (!(pm & (PM_PRESENT | PM_SWAP)) || zero_page) {
			rm->image[i] = 0;
			continue;
		}
		if (full || first || (pm & PM_SOFT_DIRTY)) {
			mm_peek(&rn->m, pid, va, &value);
			rm->image[i] = value;
			copied[i] = true;
		}
	}
	return 0;
}

/* Right after the dump the image must be what memory holds. */
static void image_matches(struct runner *rn, int pid, const struct region_map *rm)
{
	for (uint64_t i = 0; i < rm->npages; i++) {
		uint64_t va = rm->va + i * PAGE_SIZE, value = 0;
		char page[64];

		mm_peek(&rn->m, pid, va, &value);
		if (rm->image[i] == value)
			continue;
		name_page(rn, pid, va, page, sizeof(page));
		set_fail(rn, "criu-image-stale", "%s image holds 0x%" PRIx64 ", memory 0x%" PRIx64, page, rm->image[i],
			 value);
		return;
	}
}

/*
 * `criu dump`: CRIU's memory dump of the process's private anonymous
 * mappings, then clear_refs soft-dirty. Without soft-dirty in the layout
 * CRIU's probe finds dirty tracking off, and every dump is a full one.
 */
void do_criu_dump(struct runner *rn, uint32_t proc, int pid)
{
	bool full = !ptesim_layout_has(rn->L, PTESIM_FEAT_SOFT_DIRTY) || !rn->dumped[proc];
	char copied_text[512] = "";

	for (size_t reg = 0; reg < rn->p->nregions; reg++) {
		struct region_map *rm = region_of(rn, proc, (uint32_t)reg);
		bool *copied;

		if (!rm->mapped || !rm->anon || rm->shared)
			continue;
		copied = calloc(rm->npages ? rm->npages : 1, sizeof(*copied));
		if (!copied || dump_region(rn, pid, rm, full, copied)) {
			free(copied);
			set_fail(rn, NULL, "out of memory");
			return;
		}
		append_ranges(copied_text, sizeof(copied_text), rn->p->regions[reg], copied, rm->npages);
		free(copied);
	}
	observe(rn, "criu dump %s copied%s%s", rn->p->processes[proc], copied_text[0] ? copied_text : " none",
		ptesim_layout_has(rn->L, PTESIM_FEAT_SOFT_DIRTY) ? "" : " (no soft-dirty: full dump)");
	for (size_t reg = 0; reg < rn->p->nregions; reg++) {
		const struct region_map *rm = region_of(rn, proc, (uint32_t)reg);

		if (rm->mapped && rm->anon && !rm->shared && rm->image)
			image_matches(rn, pid, rm);
	}
	rn->dumped[proc] = true;
	mm_clear_refs(&rn->m, pid, SCN_CLEAR_SOFT_DIRTY);
	soft_dirty_cleared(rn, proc);
}

/* soft-dirty-lost and lazyfree-data-loss on one page */
static void check_page(struct runner *rn, uint32_t proc, int pid, uint32_t reg, uint64_t i)
{
	struct region_map *rm = region_of(rn, proc, reg);
	uint64_t va = rm->va + i * PAGE_SIZE, pm = mm_pagemap(&rn->m, pid, va), want, got = 0;
	char page[64];

	if ((rm->track[i] & TRACK_REWRITTEN) && model_own_value(rn->mo, (int)proc, (int)reg, i, &want)) {
		mm_peek(&rn->m, pid, va, &got);
		if (got != want) {
			name_page(rn, pid, va, page, sizeof(page));
			set_fail(rn, "lazyfree-data-loss",
				 "%s written 0x%" PRIx64 " after MADV_FREE, discarded: it reads 0x%" PRIx64, page, want, got);
			rm->track[i] &= (uint8_t)~TRACK_REWRITTEN;
		}
	}
	if (!(pm & (PM_PRESENT | PM_SWAP))) {
		/* gone from the page tables: what was written is not this
		 * entry's to report any more, nor its protection (a zapped
		 * anon page is no longer protected: the uffd-wp documentation
		 * counts it as written) */
		rm->track[i] &= (uint8_t)~(TRACK_WRITTEN | TRACK_PROTECTED | TRACK_ASYNC_WRITTEN);
		return;
	}
	/* a uffd-wp marker where a file or shmem page was: reclaim or zap
	 * took the entry, and its soft-dirty with it (the data is in the
	 * page cache); the protection stays */
	if ((pm & PM_SWAP) && is_pte_marker(rn->L, __pte(entry_at(rn, pid, va))))
		rm->track[i] &= (uint8_t)~TRACK_WRITTEN;
	check_uffd_page(rn, proc, pid, reg, i, pm);
	if ((rm->track[i] & TRACK_WRITTEN) && ptesim_layout_has(rn->L, PTESIM_FEAT_SOFT_DIRTY) &&
	    !(pm & PM_SOFT_DIRTY)) {
		name_page(rn, pid, va, page, sizeof(page));
		set_fail(rn, "soft-dirty-lost", "%s written since clear, soft-dirty=0", page);
		/* reported once; the next write or clear starts again */
		rm->track[i] &= (uint8_t)~TRACK_WRITTEN;
	}
}

/* dirty-data-loss: what an object holds, in the page cache or on disk (or
 * shmem's swap), is what was last written through a shared mapping */
static void check_objects(struct runner *rn)
{
	for (size_t k = 0; k < rn->nobjects; k++) {
		const struct object *o = &rn->m.objects[rn->objects[k].machine];

		for (size_t idx = 0; idx < o->npages; idx++) {
			uint64_t want, got = o->pfn[idx] ? frame_of(&rn->m.frames, o->pfn[idx])->data : o->disk[idx];
			uint32_t id = rn->objects[k].model;

			if (!model_object_value(rn->mo, id, idx, &want) || want == got)
				continue;
			set_fail(rn, "dirty-data-loss", "%s%s page %zu holds 0x%" PRIx64 ", last written 0x%" PRIx64,
				 id < rn->p->nobjects ? (rn->p->objects[id].kind == SCN_SHMEM ? "shmem:" : "file:")
						      : "shared anonymous memory",
				 id < rn->p->nobjects ? rn->p->objects[id].name : "", idx, got, want);
			return;
		}
	}
}

void check_tracking(struct runner *rn)
{
	for (size_t proc = 0; proc < rn->p->nprocesses; proc++) {
		int pid = rn->pid[proc];

		if (pid < 0 || !rn->m.procs[pid].alive)
			continue;
		for (size_t reg = 0; reg < rn->p->nregions; reg++) {
			struct region_map *rm = region_of(rn, (uint32_t)proc, (uint32_t)reg);

			for (uint64_t i = 0; rm->mapped && rm->track && i < rm->npages; i++)
				if (rm->track[i])
					check_page(rn, (uint32_t)proc, pid, (uint32_t)reg, i);
		}
	}
	check_objects(rn);
}
