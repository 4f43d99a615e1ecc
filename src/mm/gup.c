/* SPDX-License-Identifier: MIT */
/* pin_user_pages() and unpin_user_page() for one small page (mm/gup.c). */
#include <errno.h>

#include "mm/mm_internal.h"

int mm_pin_page(struct machine *m, int pid, uint64_t va, uint64_t *pfn)
{
	struct mm *mm = &m->procs[pid];
	struct vma *vma = find_vma(mm, va);
	struct frame *f;

	if (!vma || !(vma->vm_flags & VM_WRITE))
		return -EFAULT;
	/* FOLL_WRITE: faultin_page() with FAULT_FLAG_WRITE until the entry is
	 * writable, so COW is broken first and the page pinned is this
	 * process's own */
	for (int tries = 0;; tries++) {
		pte_t *ptep = mm_pte(m, mm, va, false);

		if (ptep && pte_present(m->L, *ptep) && pte_write(m->L, *ptep))
			break;
		if (tries == 4 || handle_mm_fault(m, mm, vma, va, true) != FAULT_OK)
			return -EFAULT;
	}
	*pfn = mm_page_frame(m, pid, va);
	if (!*pfn)
		return -EFAULT;
	f = frame_of(&m->frames, *pfn);
	f->pins++;
	f->refcount += GUP_PIN_COUNTING_BIAS;
	mm->has_pinned = true;
	return 0;
}

void mm_unpin_page(struct machine *m, uint64_t pfn)
{
	struct frame *f;

	if (!pfn_valid(&m->frames, pfn) || !frame_of(&m->frames, pfn)->pins)
		return;
	f = frame_of(&m->frames, pfn);
	f->pins--;
	f->refcount -= GUP_PIN_COUNTING_BIAS - 1;
	frame_put(&m->frames, pfn);
}
