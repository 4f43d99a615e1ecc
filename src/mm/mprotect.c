/* SPDX-License-Identifier: MIT */
/* mprotect: mprotect_fixup() and change_protection(), mm/mprotect.c */
#include <errno.h>

#include "mm/mm_internal.h"

/* can_change_pte_writable(): make a present entry writable without a fault
 * only when no fault is wanted: not soft-dirty tracked while clean, not
 * uffd-wp, and a private page must be exclusively ours (page_exclusive()),
 * a shared one already dirty (the filesystem has seen the write) */
static bool can_change_pte_writable_entry(const struct machine *m, const struct vma *vma, pte_t pte)
{
	const struct ptesim_layout *L = m->L;

	if (!(vma->vm_flags & VM_WRITE) || pte_protnone(L, pte))
		return false;
	if (vma_soft_dirty_enabled(m, vma) && !pte_soft_dirty(L, pte))
		return false; /* pte_needs_soft_dirty_wp() */
	if ((vma->vm_flags & VM_UFFD_WP) && pte_uffd_wp(L, pte))
		return false; /* userfaultfd_pte_wp() */
	return true;
}

/* the private half of can_change_pte_writable(): PageAnonExclusive */
static bool page_exclusive(const struct machine *m, uint64_t pfn)
{
	return pfn && (frame_of((struct frames *)&m->frames, pfn)->flags & (FRAME_ANON | FRAME_ANON_EXCLUSIVE)) ==
			      (FRAME_ANON | FRAME_ANON_EXCLUSIVE);
}

struct prot_ctx {
	struct machine *m;
	struct vma *vma;
	bool try_writable;
	unsigned cp_flags; /* MM_CP_UFFD_WP, MM_CP_UFFD_WP_RESOLVE */
	uint64_t start, end;
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

enum {
	CP_WRITE = 1,     /* pte_write() of the modified entry */
	CP_ELIGIBLE = 2,  /* can_change_pte_writable() short of the page's exclusivity */
	CP_DIRTY = 4,     /* pte_dirty() */
	CP_SPECIAL = 8,   /* pte_special() */
	CP_LEGACY = 16,   /* 4.15's upgrade applies */
};

/* What change_pte_range() computes from the entry alone: out[0] the entry
 * after pte_modify(), out[1] the same made writable. Pure, so that it can
 * be memoized per kind of entry. */
static uint32_t change_pte_entries(const void *arg, uint64_t v, uint64_t out[2])
{
	const struct prot_ctx *c = arg;
	const struct ptesim_layout *L = c->m->L;
	struct kpath_log *kp = kpath_of(c->m);
	pte_t slot = __pte(v), old, ptent;
	uint32_t meta;

	old = KPATH(kp, ptep_modify_prot_start, L, &slot);
	ptent = KPATH(kp, pte_modify, L, old, c->vma->vm_page_prot);
	if (c->cp_flags & MM_CP_UFFD_WP)
		ptent = KPATH(kp, pte_mkuffd_wp, L, ptent);
	else if (c->cp_flags & MM_CP_UFFD_WP_RESOLVE)
		ptent = KPATH(kp, pte_clear_uffd_wp, L, ptent);
	meta = (pte_write(L, ptent) ? CP_WRITE : 0) | (pte_dirty(L, ptent) ? CP_DIRTY : 0) |
	       (pte_special(L, ptent) ? CP_SPECIAL : 0) |
	       (can_change_pte_writable_entry(c->m, c->vma, ptent) ? CP_ELIGIBLE : 0) |
	       (c->m->L->era->mm_4_15 && legacy_upgrade(c, ptent) ? CP_LEGACY : 0);
	KPATH(kp, ptep_modify_prot_commit, L, &slot, old, ptent);
	out[0] = pte_val(slot);
	/* noted only where change_pte_table() takes it */
	out[1] = pte_val(pte_mkwrite(L, ptent));
	return meta;
}

/* change_pte_range() for a swap-type entry: only uffd-wp changes; an
 * unprotect drops a uffd-wp marker, so the next fault is not trapped */
static void change_swap_entry(const struct prot_ctx *c, pte_t *ptep)
{
	const struct ptesim_layout *L = c->m->L;
	struct kpath_log *kp = kpath_of(c->m);
	pte_t newpte = *ptep;

	if (!c->cp_flags || !is_swap_pte(L, newpte))
		return;
	if (is_pte_marker(L, newpte)) {
		if ((c->cp_flags & MM_CP_UFFD_WP_RESOLVE) && pte_marker_uffd_wp(L, newpte)) {
			kpath_note(kp, KPATH_CALL, "pte_clear");
			*ptep = __pte(0); /* pte_clear() */
		}
		return;
	}
	if (c->cp_flags & MM_CP_UFFD_WP)
		newpte = KPATH(kp, pte_swp_mkuffd_wp, L, newpte);
	else
		newpte = KPATH(kp, pte_swp_clear_uffd_wp, L, newpte);
	*ptep = newpte;
}

KPATH_INLINE void change_table_entries(struct kpath_log *kp, struct prot_ctx *c, uint64_t table_va, pte_t *table)
{
	const struct ptesim_layout *L = c->m->L;
	struct entry_memo *e = &c->m->memo_mprotect;
	/* everything change_pte_entries() reads besides the entry */
	uint64_t memo_ctx = pgprot_val(c->vma->vm_page_prot) ^ ((uint64_t)c->vma->vm_flags << 1) ^
			    ((uint64_t)c->vma->backing << 40) ^ ((uint64_t)c->cp_flags << 44) ^ c->try_writable;
	unsigned first, last;

	kpath_note(kp, KPATH_FUNCTION, "change_pte_range");
	table_span(table_va, c->start, c->end, &first, &last);
	for (unsigned i = first; i < last; i++) {
		uint64_t v = pte_val(table[i]), out[2], pfn;
		const struct entry_memo_slot *s;
		uint32_t meta;
		bool upgrade;

		if (!v)
			continue;
		/* an entry the memo knows is present; a command explained runs
		 * every entry's helpers, so each is noted */
		s = kp ? NULL : entry_memo_find(e, v, memo_ctx);
		if (!s && !pte_present(L, table[i])) {
			change_swap_entry(c, &table[i]);
			continue;
		}
		meta = entry_memo_apply(e, L, v, memo_ctx, s, change_pte_entries, c, out);
		pfn = (meta & CP_SPECIAL) ? 0 : s ? entry_memo_pfn(e, s, v) : vm_normal_page(c->m, __pte(out[0]));
		if (L->era->mm_4_15)
			upgrade = meta & CP_LEGACY;
		else
			upgrade = c->try_writable && !(meta & CP_WRITE) && (meta & CP_ELIGIBLE) &&
				  ((c->vma->vm_flags & VM_SHARED) ? (meta & CP_DIRTY) : page_exclusive(c->m, pfn));
		if (upgrade)
			kpath_note(kp, KPATH_CALL, "pte_mkwrite");
		table[i] = __pte(out[upgrade ? 1 : 0]);
	}
}

/* change_pte_range() */
static void change_pte_table(void *ctx, uint64_t table_va, pte_t *table)
{
	struct prot_ctx *c = ctx;

	KPATH_WALK(kpath_of(c->m), change_table_entries, c, table_va, table);
}

/* vma_wants_manual_pte_write_upgrade() */
bool vma_wants_manual_pte_write_upgrade(const struct machine *m, const struct vma *vma)
{
	return (vma->vm_flags & VM_SHARED) ? vma_wants_writenotify(m, vma) : (vma->vm_flags & VM_WRITE) != 0;
}

void change_protection(struct machine *m, struct mm *mm, struct vma *vma, uint64_t start, uint64_t end,
		       unsigned cp_flags)
{
	struct prot_ctx c = { m, vma, (cp_flags & MM_CP_TRY_CHANGE_WRITABLE) != 0,
			      cp_flags & (MM_CP_UFFD_WP | MM_CP_UFFD_WP_RESOLVE), start, end };

	kpath_fn(m, "change_protection");
	pgtable_walk_tables(&m->frames, m->L, mm->pgd, start, end, change_pte_table, &c);
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
		kpath_fn(m, "mprotect_fixup");
		v->vm_flags = (v->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC)) | prot;
		vma_set_page_prot(m, v);
		change_protection(m, mm, v, v->start, v->end,
				  vma_wants_manual_pte_write_upgrade(m, v) ? MM_CP_TRY_CHANGE_WRITABLE : 0);
		a = v->end;
		vma_merge_modified(m, mm, (size_t)(v - mm->vmas));
	}
	return 0;
}
