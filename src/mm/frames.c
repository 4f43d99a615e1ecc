/* SPDX-License-Identifier: MIT */
/* Physical frames and the shared zero page. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm/machine.h"

int frames_init(struct frames *f)
{
	memset(f, 0, sizeof(*f));
	/* empty_zero_page: never freed, never counted in mapcount */
	f->zero_pfn = frame_alloc(f, FRAME_ZERO);
	return f->zero_pfn ? 0 : -ENOMEM;
}

void frames_destroy(struct frames *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].flags & FRAME_TABLE)
			free((void *)(uintptr_t)f->v[i].data);
	free(f->v);
	memset(f, 0, sizeof(*f));
}

uint64_t frame_alloc(struct frames *f, uint16_t flags)
{
	uint32_t idx;

	if (f->free_head) {
		idx = f->free_head - 1;
		f->free_head = f->v[idx].next_free;
	} else {
		if (f->n == f->cap) {
			size_t cap = f->cap ? f->cap * 2 : 1024;
			struct frame *v = realloc(f->v, cap * sizeof(*v));

			if (!v || cap > UINT32_MAX)
				return 0;
			f->v = v;
			f->cap = cap;
		}
		idx = (uint32_t)f->n++;
	}
	f->v[idx] = (struct frame){ .refcount = 1, .flags = (uint16_t)(flags | FRAME_USED) };
	f->used++;
	return FRAME_PFN_BASE + idx;
}

void frame_free(struct frames *f, uint64_t pfn)
{
	uint32_t idx = (uint32_t)(pfn - FRAME_PFN_BASE);
	struct frame *fr = &f->v[idx];

	if (fr->flags & FRAME_TABLE)
		free((void *)(uintptr_t)fr->data);
	*fr = (struct frame){ .next_free = f->free_head };
	f->free_head = idx + 1;
	f->used--;
}

void frame_put(struct frames *f, uint64_t pfn)
{
	struct frame *fr = frame_of(f, pfn);

	if (fr->flags & FRAME_ZERO)
		return;
	if (--fr->refcount == 0)
		frame_free(f, pfn);
}
