/* SPDX-License-Identifier: MIT */
/* Where the regions of a live run live: one slot per region name. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "live/live_internal.h"

#define SLOT_ALIGN (UINT64_C(2) << 20)
/* Far below the 128 TiB of an x86-64 process, far above any scenario that
 * runs on a real machine in its time limit. */
#define SPACE_MAX (UINT64_C(1) << 44)

int live_space_plan(struct live_space *s, const struct scn_program *p)
{
	uint64_t total = 0;

	memset(s, 0, sizeof(*s));
	s->nregions = p->nregions;
	s->slot = calloc(p->nregions + 1, sizeof(*s->slot));
	s->slot_len = calloc(p->nregions + 1, sizeof(*s->slot_len));
	if (!s->slot || !s->slot_len)
		return -ENOMEM;
	/* slot_len holds the largest mapping of each region, in pages, first */
	for (size_t i = 0; i < p->ncommands; i++) {
		const struct scn_command *c = &p->commands[i];

		if (c->op == SCN_OP_MMAP && c->mmap.npages > s->slot_len[c->mmap.region])
			s->slot_len[c->mmap.region] = c->mmap.npages;
	}
	for (size_t r = 0; r < p->nregions; r++) {
		uint64_t pages = s->slot_len[r], len;

		if (pages > SPACE_MAX / LIVE_PAGE)
			return -E2BIG;
		/* a page of gap before and at least one after */
		len = (pages + 2) * LIVE_PAGE;
		len = (len + SLOT_ALIGN - 1) / SLOT_ALIGN * SLOT_ALIGN;
		s->slot[r] = total;
		s->slot_len[r] = len;
		total += len;
		if (total > SPACE_MAX)
			return -E2BIG;
	}
	s->size = total;
	return 0;
}

int live_space_reserve(struct live_space *s)
{
	uint64_t len = s->size + SLOT_ALIGN, start, head, tail;
	void *p;

	if (!s->size)
		return 0;
	p = mmap(NULL, (size_t)len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	/* trim to SLOT_ALIGN, so that every slot is aligned */
	start = (uint64_t)(uintptr_t)p;
	s->base = (start + SLOT_ALIGN - 1) / SLOT_ALIGN * SLOT_ALIGN;
	head = s->base - start;
	tail = len - head - s->size;
	if (head)
		munmap(p, (size_t)head);
	if (tail)
		munmap((void *)(uintptr_t)(s->base + s->size), (size_t)tail);
	s->reserved = true;
	return 0;
}

void live_space_unreserve(struct live_space *s)
{
	if (s->reserved)
		munmap((void *)(uintptr_t)s->base, (size_t)s->size);
	s->reserved = false;
}

void live_space_free(struct live_space *s)
{
	free(s->slot);
	free(s->slot_len);
	s->slot = s->slot_len = NULL;
}
