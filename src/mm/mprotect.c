/* SPDX-License-Identifier: MIT */
/* mprotect: mprotect_fixup() and change_protection(), mm/mprotect.c */
#include <errno.h>

#include "mm/mm_internal.h"

/* can_change_pte_writable(): make a present entry writable without a fault
 * only when no fault is wanted: not soft-dirty tracked while clean, not
 * uffd-wp, and a private page must be exclusively ours */
static bool can_change_pte_writable(const struct machine *m, const struct vma *vma, pte_t pte)
{
	const struct ptesim_layout *L = m->L;
	uint64_t pfn;

	if (!(vma->vm_flags & VM_WRITE) || pte_protnone(L, pte))
		return false;
	if (vma_soft_dirty_enabled(m, vma) && !pte_soft_dirty(L, pte))
		return false; /* pte_needs_soft_dirty_wp() */
	if ((vma->vm_flags & VM_UFFD_WP) && pte_uffd_wp(L, pte))
		return false; /* userfaultfd_pte_wp() */
	if (!(vma->vm_flags & VM_SHARED)) {
		pfn = vm_normal_page(m, pte);
		return pfn && (frame_of((struct frames *)&m->frames, pfn)->flags &
			       (FRAME_ANON | FRAME_ANON_EXCLUSIVE)) == (FRAME_ANON | FRAME_ANON_EXCLUSIVE);
	}
	return pte_dirty(L, pte); /* the filesystem has seen the write already */
}

struct prot_ctx {
	struct machine *m;
	struct vma *vma;
	bool try_writable;
};

/* 4.15 change_pte_range(): "Avoid taking write faults for known dirty
 * pages": only a shared writenotify mapping's dirty entries, and only
 * where soft-dirty tracking would not lose a write */
static bool legacy_upgrade(const struct prot_ctx *c, pte_t pte)
{
	const struct ptesim_layout *L = c->m->L;

	return vma_wants_writenotify(c->m, c->vma) && pte_dirty(L, pte) &&
	       (pte_soft_dirty(L, pte) || !(c->vma->vm_flags & c->m->vm_softdirty));
}

static void change_pte_table(void *ctx, uint64_t table_va, pte_t *table)
{
	struct prot_ctx *c = ctx;
	const struct ptesim_layout *L = c->m->L;

	unsigned first, last;

	table_span(table_va, c->vma->start, c->vma->end, &first, &last);
	for (unsigned i = first; i < last; i++) {
		pte_t old, ptent;

		if (!pte_val(table[i]) || !pte_present(L, table[i]))
			continue;
		old = ptep_modify_prot_start(L, &table[i]);
		ptent = pte_modify(L, old, c->vma->vm_page_prot);
		if (L->era->mm_4_15) {
			if (legacy_upgrade(c, ptent))
				ptent = pte_mkwrite(L, ptent);
		} else if (c->try_writable && !pte_write(L, ptent) &&
			   can_change_pte_writable(c->m, c->vma, ptent)) {
			ptent = pte_mkwrite(L, ptent);
		}
		ptep_modify_prot_commit(L, &table[i], old, ptent);
	}
}

static void change_protection(struct machine *m, struct mm *mm, struct vma *vma)
{
	/* vma_wants_manual_pte_write_upgrade() */
	struct prot_ctx c = { m, vma,
			      (vma->vm_flags & VM_SHARED) ? vma_wants_writenotify(m, vma)
							  : (vma->vm_flags & VM_WRITE) != 0 };

	pgtable_walk_tables(&m->frames, m->L, mm->pgd, vma->start, vma->end, change_pte_table, &c);
}

/* do_mprotect_pkey(): VMA after VMA from start; a hole or a VMA that may
 * not become writable stops the walk with ENOMEM or EACCES, and the VMAs
 * already changed stay changed */
int mm_mprotect(struct machine *m, int pid, uint64_t va, uint64_t len, unsigned long prot)
{
	struct mm *mm = &m->procs[pid];
	uint64_t end;

	if ((prot & ~(VM_READ | VM_WRITE | VM_EXEC)) || (va & (PAGE_SIZE - 1)))
		return -EINVAL;
	len = (len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	if (!len)
		return 0;
	if (va >= TASK_SIZE || len > TASK_SIZE - va)
		return -ENOMEM;
	end = va + len;
	for (uint64_t a = va; a < end;) {
		struct vma *v = find_vma(mm, a);
		uint64_t stop;
		int rc;

		if (!v)
			return -ENOMEM;
		if ((prot & VM_WRITE) && !(v->vm_flags & VM_MAYWRITE))
			return -EACCES;
		stop = v->end < end ? v->end : end;
		if ((v->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)) == prot) {
			a = stop; /* mprotect_fixup(): nothing changes, nothing splits */
			continue;
		}
		rc = vma_split_range(mm, a, stop);
		if (rc)
			return rc;
		v = find_vma(mm, a);
		/* mprotect_fixup(): a private mapping made writable is charged
		 * (VM_ACCOUNT) and stays charged when made read-only again, so it
		 * no longer merges with pieces that never were writable; only
		 * anonymous memory that has no anon_vma yet gives the charge
		 * back (vma_is_anonymous() && !vma->anon_vma, 6.12 and 6.18) */
		if (prot & VM_WRITE) {
			if (!(v->vm_flags & (VM_ACCOUNT | VM_WRITE | VM_SHARED)))
				v->vm_flags |= VM_ACCOUNT;
		} else if ((v->vm_flags & VM_ACCOUNT) && v->backing == BACKING_ANON &&
			   !(v->vm_flags & VM_SHARED) && !v->anon_vma) {
			v->vm_flags &= ~VM_ACCOUNT;
		}
		v->vm_flags = (v->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC)) | prot;
		vma_set_page_prot(m, v);
		change_protection(m, mm, v);
		a = v->end;
		vma_merge_modified(m, mm, (size_t)(v - mm->vmas));
	}
	return 0;
}
