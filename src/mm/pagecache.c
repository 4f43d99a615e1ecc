/* SPDX-License-Identifier: MIT */
/* Page-cache objects (shmem, files) and the rmap counts of frames. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm/mm_internal.h"

int object_grow(struct machine *m, uint32_t object, uint64_t npages)
{
	struct object *o = &m->objects[object];
	uint64_t *pfn, *disk;

	if (npages <= o->npages)
		return 0;
	pfn = realloc(o->pfn, npages * sizeof(*pfn));
	if (!pfn)
		return -ENOMEM;
	o->pfn = pfn;
	disk = realloc(o->disk, npages * sizeof(*disk));
	if (!disk)
		return -ENOMEM;
	o->disk = disk;
	memset(o->pfn + o->npages, 0, (npages - o->npages) * sizeof(*pfn));
	memset(o->disk + o->npages, 0, (npages - o->npages) * sizeof(*disk));
	o->npages = npages;
	return 0;
}

/* filemap_fault() / shmem_fault(): a clean page holding the disk's data
 * (zeros for a new shmem page), referenced by the page cache */
uint64_t pagecache_get(struct machine *m, uint32_t object, uint64_t index)
{
	struct object *o = &m->objects[object];
	uint64_t pfn = o->pfn[index];
	struct frame *f;

	if (pfn)
		return pfn;
	pfn = frame_alloc(&m->frames, FRAME_PAGECACHE | (o->kind == BACKING_SHMEM ? FRAME_SWAPBACKED : 0));
	if (!pfn)
		return 0;
	f = frame_of(&m->frames, pfn);
	f->object = object + 1;
	f->index = (uint32_t)index;
	f->data = o->disk[index];
	o->pfn[index] = pfn;
	return pfn;
}

void rmap_add(struct machine *m, uint64_t pfn)
{
	struct frame *f = frame_of(&m->frames, pfn);

	f->mapcount++;
	f->refcount++;
}

void rmap_remove(struct machine *m, uint64_t pfn)
{
	struct frame *f = frame_of(&m->frames, pfn);

	f->mapcount--;
	frame_put(&m->frames, pfn);
}
