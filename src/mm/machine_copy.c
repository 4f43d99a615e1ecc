/* SPDX-License-Identifier: MIT */
/*
 * Copying a whole machine into another, for a search that expands each
 * state many times: frames keep their numbers, so every pfn in an entry,
 * a swap slot or a page cache means the same frame in the copy. The
 * destination's allocations are reused where they are large enough, and
 * its entry memos stay its own (they are a pure function of the layout).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm/machine_copy.h"
#include "mm/mm_internal.h"

/* Grows *v to hold n elements of size bytes; keeps *cap in step. */
static int reserve(void **v, size_t *cap, size_t n, size_t size)
{
	void *nv;

	if (n <= *cap)
		return 0;
	nv = realloc(*v, n * size);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = n;
	return 0;
}

static int copy_array(void **dst, size_t *cap, const void *src, size_t n, size_t size)
{
	if (reserve(dst, cap, n ? n : 1, size))
		return -ENOMEM;
	if (n)
		memcpy(*dst, src, n * size);
	return 0;
}

static void table_clear(pte_t *t, const struct table_copy_hint *hint)
{
	if (!hint) {
		memset(t, 0, PTRS_PER_TABLE * sizeof(*t));
		return;
	}
	for (size_t i = 0; i < hint->n; i++)
		t[hint->index[i]] = __pte(0);
}

static void table_copy(pte_t *to, const pte_t *from, const struct table_copy_hint *hint)
{
	if (!hint) {
		memcpy(to, from, PTRS_PER_TABLE * sizeof(*to));
		return;
	}
	for (size_t i = 0; i < hint->n; i++)
		to[hint->index[i]] = from[hint->index[i]];
}

/* A cleared table buffer: one set aside by an earlier copy, or a new one. */
static pte_t *table_take(struct machine *m)
{
	if (m->spare_tables.n)
		return m->spare_tables.v[--m->spare_tables.n];
	return calloc(PTRS_PER_TABLE, sizeof(pte_t));
}

#define SPARE_TABLES_MAX 64u

static int table_set_aside(struct machine *m, pte_t *t, const struct table_copy_hint *hint)
{
	/* faults allocate tables of their own: keep only a few aside */
	if (m->spare_tables.n >= SPARE_TABLES_MAX) {
		free(t);
		return 0;
	}
	if (reserve((void **)&m->spare_tables.v, &m->spare_tables.cap, m->spare_tables.n + 1,
		    sizeof(*m->spare_tables.v))) {
		free(t);
		return -ENOMEM;
	}
	table_clear(t, hint);
	m->spare_tables.v[m->spare_tables.n++] = t;
	return 0;
}

static int copy_frames(struct machine *dst, const struct machine *src, const struct table_copy_hint *hint)
{
	struct frames *d = &dst->frames;
	const struct frames *s = &src->frames;
	int rc = 0;

	/* the destination's tables that the source has no table in go aside first */
	for (size_t i = 0; i < d->n; i++) {
		bool was = d->v[i].flags & FRAME_TABLE, is = i < s->n && (s->v[i].flags & FRAME_TABLE);

		if (was && !is && table_set_aside(dst, (pte_t *)(uintptr_t)d->v[i].data, hint))
			rc = -ENOMEM;
		if (was && !is)
			d->v[i].flags = 0;
	}
	if (reserve((void **)&d->v, &d->cap, s->n ? s->n : 1, sizeof(*d->v)))
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++) {
		const struct frame *from = &s->v[i];
		struct frame *to = &d->v[i];
		pte_t *mem = NULL;

		if (from->flags & FRAME_TABLE) {
			if (i < d->n && (to->flags & FRAME_TABLE))
				mem = (pte_t *)(uintptr_t)to->data;
			else if (!(mem = table_take(dst)))
				return -ENOMEM;
			table_copy(mem, (const pte_t *)(uintptr_t)from->data, hint);
		}
		*to = *from;
		if (mem)
			to->data = (uint64_t)(uintptr_t)mem;
	}
	/* frames past the source's end had no table left (set aside above) */
	d->n = s->n;
	d->free_head = s->free_head;
	d->used = s->used;
	d->zero_pfn = s->zero_pfn;
	return rc;
}

static int copy_uffd(struct uffd *d, const struct uffd *s)
{
	struct uffd keep = *d;

	*d = *s;
	d->events = keep.events;
	d->cap_events = keep.cap_events;
	d->blocked = keep.blocked;
	d->cap_blocked = keep.cap_blocked;
	d->completed = keep.completed;
	d->cap_completed = keep.cap_completed;
	if (copy_array((void **)&d->events, &d->cap_events, s->events, s->nevents, sizeof(*s->events)) ||
	    copy_array((void **)&d->blocked, &d->cap_blocked, s->blocked, s->nblocked, sizeof(*s->blocked)) ||
	    copy_array((void **)&d->completed, &d->cap_completed, s->completed, s->ncompleted,
		       sizeof(*s->completed)))
		return -ENOMEM;
	return 0;
}

static int copy_procs(struct machine *dst, const struct machine *src)
{
	struct mm *procs;

	for (size_t i = src->nprocs; i < dst->nprocs; i++) {
		free(dst->procs[i].vmas);
		uffd_release(&dst->procs[i].uffd);
	}
	if (src->nprocs > dst->nprocs) {
		procs = realloc(dst->procs, src->nprocs * sizeof(*procs));
		if (!procs)
			return -ENOMEM;
		memset(&procs[dst->nprocs], 0, (src->nprocs - dst->nprocs) * sizeof(*procs));
		dst->procs = procs;
	}
	dst->nprocs = src->nprocs;
	for (size_t i = 0; i < src->nprocs; i++) {
		struct mm *d = &dst->procs[i];
		const struct mm *s = &src->procs[i];
		struct vma *vmas = d->vmas;
		size_t cap = d->cap;
		struct uffd u = d->uffd;

		*d = *s;
		d->vmas = vmas;
		d->cap = cap;
		d->uffd = u;
		if (copy_array((void **)&d->vmas, &d->cap, s->vmas, s->nvmas, sizeof(*s->vmas)) ||
		    copy_uffd(&d->uffd, &s->uffd))
			return -ENOMEM;
	}
	return 0;
}

static int copy_objects(struct machine *dst, const struct machine *src)
{
	struct object *objs;

	for (size_t i = src->nobjects; i < dst->nobjects; i++) {
		free(dst->objects[i].pfn);
		free(dst->objects[i].disk);
	}
	if (src->nobjects > dst->nobjects) {
		objs = realloc(dst->objects, src->nobjects * sizeof(*objs));
		if (!objs)
			return -ENOMEM;
		memset(&objs[dst->nobjects], 0, (src->nobjects - dst->nobjects) * sizeof(*objs));
		dst->objects = objs;
	}
	dst->nobjects = src->nobjects;
	for (size_t i = 0; i < src->nobjects; i++) {
		struct object *d = &dst->objects[i];
		const struct object *s = &src->objects[i];
		size_t n = s->npages ? s->npages : 1;

		/* page-cache arrays are sized exactly (pagecache.c reallocs them) */
		if (d->npages != s->npages || !d->pfn) {
			free(d->pfn);
			free(d->disk);
			d->pfn = malloc(n * sizeof(*d->pfn));
			d->disk = malloc(n * sizeof(*d->disk));
			if (!d->pfn || !d->disk)
				return -ENOMEM;
		}
		memcpy(d->pfn, s->pfn, n * sizeof(*d->pfn));
		memcpy(d->disk, s->disk, n * sizeof(*d->disk));
		d->kind = s->kind;
		d->npages = s->npages;
	}
	return 0;
}

int machine_copy(struct machine *dst, const struct machine *src, const struct table_copy_hint *hint)
{
	struct swap_slot *slots = dst->swap.slots;
	size_t cap = dst->swap.cap;

	if (dst->L != src->L)
		return -EINVAL;
	dst->swap = src->swap;
	dst->swap.slots = slots;
	dst->swap.cap = cap;
	if (copy_array((void **)&dst->swap.slots, &dst->swap.cap, src->swap.slots, src->swap.n,
		       sizeof(*src->swap.slots)))
		return -ENOMEM;
	dst->hw = src->hw;
	dst->vm_softdirty = src->vm_softdirty;
	dst->anon_vmas = src->anon_vmas;
	dst->mapped_lo = src->mapped_lo;
	dst->mapped_hi = src->mapped_hi;
	if (copy_frames(dst, src, hint) || copy_procs(dst, src) || copy_objects(dst, src))
		return -ENOMEM;
	return 0;
}
