/* SPDX-License-Identifier: MIT */
/* The machine: frames, processes and page-cache objects. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm/mm_internal.h"

int machine_init(struct machine *m, const struct ptesim_layout *L, bool hafdbs)
{
	memset(m, 0, sizeof(*m));
	m->L = L;
	entry_memo_init(&m->memo_pagemap, L);
	entry_memo_init(&m->memo_fork, L);
	entry_memo_init(&m->memo_mprotect, L);
	/* x86 always manages A and D in hardware */
	m->hw.hafdbs = L->arch == PTESIM_ARCH_X86_64 ? true : hafdbs;
	m->vm_softdirty = (L->features & PTESIM_FEAT_SOFT_DIRTY) ? VM_SOFTDIRTY_BIT : 0;
	m->swap.on = true;
	return frames_init(&m->frames);
}

void machine_destroy(struct machine *m)
{
	for (size_t i = 0; i < m->nprocs; i++) {
		free(m->procs[i].vmas);
		uffd_release(&m->procs[i].uffd);
	}
	free(m->procs);
	for (size_t i = 0; i < m->nobjects; i++) {
		free(m->objects[i].pfn);
		free(m->objects[i].disk);
	}
	free(m->objects);
	free(m->swap.slots);
	for (size_t i = 0; i < m->spare_tables.n; i++)
		free(m->spare_tables.v[i]);
	free(m->spare_tables.v);
	free(m->check_counts);
	frames_destroy(&m->frames);
	memset(m, 0, sizeof(*m));
}

int mm_new(struct machine *m, int *pid)
{
	struct mm *procs = realloc(m->procs, (m->nprocs + 1) * sizeof(*procs));

	if (!procs)
		return -ENOMEM;
	m->procs = procs;
	memset(&procs[m->nprocs], 0, sizeof(procs[0]));
	procs[m->nprocs].pgd = pgtable_alloc_root(&m->frames, m->L);
	if (!procs[m->nprocs].pgd)
		return -ENOMEM;
	procs[m->nprocs].alive = true;
	/* where mmap starts placing mappings; a page of gap keeps VMAs apart */
	procs[m->nprocs].next_va = UINT64_C(0x7f0000000000) - UINT64_C(0x10000000000);
	*pid = (int)m->nprocs++;
	return 0;
}

int object_new(struct machine *m, enum backing kind, size_t npages, uint32_t *id)
{
	struct object *objs = realloc(m->objects, (m->nobjects + 1) * sizeof(*objs));
	struct object *o;

	if (!objs)
		return -ENOMEM;
	m->objects = objs;
	o = &objs[m->nobjects];
	o->kind = kind;
	o->npages = npages;
	o->pfn = calloc(npages ? npages : 1, sizeof(*o->pfn));
	o->disk = calloc(npages ? npages : 1, sizeof(*o->disk));
	if (!o->pfn || !o->disk) {
		free(o->pfn);
		free(o->disk);
		return -ENOMEM;
	}
	*id = (uint32_t)m->nobjects++;
	return 0;
}

struct vma *find_vma(struct mm *mm, uint64_t va)
{
	size_t lo = 0, hi = mm->nvmas;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (va < mm->vmas[mid].start)
			hi = mid;
		else if (va >= mm->vmas[mid].end)
			lo = mid + 1;
		else
			return &mm->vmas[mid];
	}
	return NULL;
}

pte_t *mm_pte(struct machine *m, struct mm *mm, uint64_t va, bool alloc)
{
	return pgtable_pte(&m->frames, m->L, mm->pgd, va, alloc);
}
