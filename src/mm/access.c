/* SPDX-License-Identifier: MIT */
/*
 * A user load or store: the MMU walks the tables; on a fault the kernel's
 * do_page_fault() checks the VMA (access_error()) and calls
 * handle_mm_fault(), and the access is retried as the CPU would.
 */
#include "mm/mm_internal.h"

/* access_error(): x86 reads need any of READ|WRITE|EXEC (vma_is_accessible);
 * arm64 without EPAN lets VM_EXEC imply read */
static bool access_allowed(const struct machine *m, const struct vma *vma, bool write)
{
	if (write)
		return vma->vm_flags & VM_WRITE;
	if (m->L->arch == PTESIM_ARCH_X86_64)
		return vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC);
	return vma->vm_flags & (VM_READ | VM_EXEC);
}

enum access_result mm_access(struct machine *m, int pid, uint64_t va, bool write, uint64_t *value)
{
	struct mm *mm = &m->procs[pid];

	/* a fault that makes no progress would retry forever: bound it */
	for (int tries = 0; tries < 8; tries++) {
		struct mmu_result r;
		struct vma *vma;
		enum fault_result fr;

		mmu_access(&m->frames, m->L, &m->hw, mm->pgd, va, write, &r);
		if (r.fault == MMU_OK) {
			struct frame *f = frame_of(&m->frames, r.pfn);

			if (write)
				f->data = *value;
			else
				*value = f->data;
			return ACCESS_OK;
		}
		vma = find_vma(mm, va);
		if (!vma || !access_allowed(m, vma, write))
			return ACCESS_SEGV;
		fr = handle_mm_fault(m, mm, vma, va, write);
		if (fr == FAULT_USERFAULT) {
			uffd_block_write(m, pid, va, *value);
			return ACCESS_BLOCKED;
		}
		if (fr == FAULT_SIGSEGV)
			return ACCESS_SEGV;
		if (fr == FAULT_SIGBUS || fr == FAULT_OOM)
			return ACCESS_BUS;
	}
	return ACCESS_BUS;
}

static uint64_t object_content(struct machine *m, const struct vma *vma, uint64_t va)
{
	const struct object *o = &m->objects[vma->object];
	uint64_t idx = vma->pgoff + ((va - vma->start) >> PAGE_SHIFT);

	if (idx >= o->npages)
		return 0;
	return o->pfn[idx] ? frame_of(&m->frames, o->pfn[idx])->data : o->disk[idx];
}

bool mm_peek(struct machine *m, int pid, uint64_t va, uint64_t *value)
{
	struct mm *mm = &m->procs[pid];
	struct vma *vma = find_vma(mm, va);
	pte_t *ptep;

	if (!mm->alive || !vma)
		return false;
	ptep = mm_pte(m, mm, va, false);
	*value = 0;
	if (ptep && pte_present(m->L, *ptep)) {
		uint64_t pfn = vm_normal_page(m, *ptep);

		*value = pfn ? frame_of(&m->frames, pfn)->data : 0;
	} else if (ptep && is_real_swap_pte(m, *ptep)) {
		struct swap_slot *slot = swap_slot(m, swp_offset(pte_to_swp_entry(m->L, *ptep)));

		if (slot)
			*value = slot->cache_pfn ? frame_of(&m->frames, slot->cache_pfn)->data : slot->data;
	} else if (vma->backing != BACKING_ANON) {
		*value = object_content(m, vma, va);
	}
	return true;
}
