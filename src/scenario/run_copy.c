/* SPDX-License-Identifier: MIT */
/* A runner copied into another: the explorer's way to go on from a state
 * several times. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/run_internal.h"

static int copy_bytes(void **dst, const void *src, size_t n)
{
	void *v;

	if (!src) {
		free(*dst);
		*dst = NULL;
		return 0;
	}
	v = realloc(*dst, n ? n : 1);
	if (!v)
		return -ENOMEM;
	memcpy(v, src, n);
	*dst = v;
	return 0;
}

static int copy_regions(struct runner *dst, const struct runner *src)
{
	size_t n = src->p->nprocesses * src->p->nregions;

	for (size_t i = 0; i < n; i++) {
		struct region_map *d = &dst->rmap[i];
		const struct region_map *s = &src->rmap[i];
		uint8_t *track = d->track;
		uint64_t *image = d->image;
		size_t pages = s->npages ? s->npages : 1;

		*d = *s;
		d->track = track;
		d->image = image;
		if (copy_bytes((void **)&d->track, s->track, pages * sizeof(*s->track)) ||
		    copy_bytes((void **)&d->image, s->image, pages * sizeof(*s->image)))
			return -ENOMEM;
	}
	return 0;
}

int runner_copy(struct runner *dst, const struct runner *src, const struct table_copy_hint *hint)
{
	const struct scn_program *p = src->p;
	size_t nproc = p->nprocesses ? p->nprocesses : 1;

	if (dst->p != p || dst->L != src->L)
		return -EINVAL;
	if (machine_copy(&dst->m, &src->m, hint) || model_copy(dst->mo, src->mo) || copy_regions(dst, src) ||
	    copy_bytes((void **)&dst->objects, src->objects, src->nobjects * sizeof(*src->objects)))
		return -ENOMEM;
	dst->nobjects = src->nobjects;
	memcpy(dst->pid, src->pid, nproc * sizeof(*dst->pid));
	memcpy(dst->machine_object, src->machine_object, (p->nobjects ? p->nobjects : 1) * sizeof(*dst->machine_object));
	memcpy(dst->slot, src->slot, (p->nregions + 1) * sizeof(*dst->slot));
	memcpy(dst->dumped, src->dumped, nproc * sizeof(*dst->dumped));
	memcpy(dst->uffd_async, src->uffd_async, nproc * sizeof(*dst->uffd_async));
	dst->next_model_object = src->next_model_object;
	dst->fresh = src->fresh;
	dst->cmd = src->cmd;
	dst->stopped = src->stopped;
	dst->any_outcome = src->any_outcome;
	*dst->r = *src->r;
	return 0;
}
