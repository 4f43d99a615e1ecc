/* SPDX-License-Identifier: MIT */
/* zap_pte_range() for munmap, exit and MADV_DONTNEED; free_pgtables(). */
#include "mm/mm_internal.h"

struct zap_ctx {
	struct machine *m;
	struct vma *vma;
	uint64_t start, end;
	bool drop_markers;
};

/* zap_install_uffd_wp_if_needed(), pte_install_uffd_wp_if_needed(): a
 * file or shmem entry that was write-protected leaves a marker, so the
 * protection outlives the page's mapping; anonymous memory and zaps that
 * drop markers (munmap, exit) leave nothing */
void install_uffd_wp_if_needed(struct machine *m, const struct vma *vma, pte_t *ptep, pte_t pteval,
			       bool drop_markers)
{
	const struct ptesim_layout *L = m->L;
	bool arm;

	if (vma->backing == BACKING_ANON || drop_markers || !userfaultfd_wp(vma))
		return;
	arm = pte_present(L, pteval) ? pte_uffd_wp(L, pteval)
				      : is_swap_pte(L, pteval) && (pte_swp_uffd_wp(L, pteval) || pte_marker_uffd_wp(L, pteval));
	if (arm)
		*ptep = KPATH(kpath_of(m), make_pte_marker, L, PTE_MARKER_UFFD_WP);
}

/* zap_present_ptes(): file and shmem pages keep what the entry knew
 * (folio_mark_dirty, folio_mark_accessed); anon data is simply dropped */
KPATH_INLINE void zap_present(struct kpath_log *kp, struct zap_ctx *z, pte_t *ptep)
{
	const struct ptesim_layout *L = z->m->L;
	pte_t old;
	uint64_t pfn;

	kpath_note(kp, KPATH_FUNCTION, "zap_present_ptes");
	old = KPATH(kp, ptep_get_and_clear, L, ptep);
	pfn = vm_normal_page(z->m, old);

	install_uffd_wp_if_needed(z->m, z->vma, ptep, old, z->drop_markers);
	if (!pfn)
		return; /* the zero page */
	if (!(frame_of(&z->m->frames, pfn)->flags & FRAME_ANON)) {
		if (pte_dirty(L, old))
			folio_mark_dirty(z->m, pfn);
		if (pte_young(L, old))
			frame_of(&z->m->frames, pfn)->flags |= FRAME_REFERENCED;
	}
	rmap_remove(z->m, pfn);
}

/* zap_nonpresent_ptes(): a swap entry gives its slot back
 * (free_swap_and_cache_nr()); anon drops its markers, a file or shmem VMA
 * keeps them unless the zap drops them; migration entries do not outlive
 * a command */
KPATH_INLINE void zap_nonpresent(struct kpath_log *kp, struct zap_ctx *z, pte_t *ptep)
{
	const struct ptesim_layout *L = z->m->L;

	if (is_pte_marker(L, *ptep) && z->vma->backing != BACKING_ANON && !z->drop_markers)
		return;
	kpath_note(kp, KPATH_FUNCTION, "zap_nonpresent_ptes");
	if (is_real_swap_pte(z->m, *ptep)) {
		kpath_note(kp, KPATH_CALL, "free_swap_and_cache_nr");
		swap_entry_free(z->m, swp_offset(pte_to_swp_entry(L, *ptep)));
	}
	kpath_note(kp, KPATH_CALL, "clear_not_present_full_ptes");
	*ptep = __pte(0);
}

KPATH_INLINE void zap_entries(struct kpath_log *kp, struct zap_ctx *z, uint64_t table_va, pte_t *table)
{
	const struct ptesim_layout *L = z->m->L;
	unsigned first, last;

	kpath_note(kp, KPATH_FUNCTION, "zap_pte_range");
	table_span(table_va, z->start, z->end, &first, &last);
	for (unsigned i = first; i < last; i++) {
		/* a zero entry is pte_none() on every architecture */
		if (!pte_val(table[i]) || pte_none(L, table[i]))
			continue;
		if (pte_present(L, table[i]))
			zap_present(kp, z, &table[i]);
		else
			zap_nonpresent(kp, z, &table[i]);
	}
}

static void zap_table(void *ctx, uint64_t table_va, pte_t *table)
{
	struct zap_ctx *z = ctx;

	KPATH_WALK(kpath_of(z->m), zap_entries, z, table_va, table);
}

void zap_range(struct machine *m, struct mm *mm, struct vma *vma, uint64_t start, uint64_t end,
	       bool drop_markers)
{
	struct zap_ctx z = { m, vma, start, end, drop_markers };

	pgtable_walk_tables(&m->frames, m->L, mm->pgd, start, end, zap_table, &z);
}

struct free_ctx {
	struct machine *m;
	struct mm *mm;
	uint64_t tables[64];
	int n;
};

static void note_table(void *ctx, uint64_t table_va, pte_t *table)
{
	struct free_ctx *f = ctx;
	uint64_t end = table_va + PTRS_PER_TABLE * PAGE_SIZE;

	(void)table;
	for (size_t i = 0; i < f->mm->nvmas; i++)
		if (f->mm->vmas[i].start < end && f->mm->vmas[i].end > table_va)
			return; /* still covers a mapping */
	if (f->n < 64)
		f->tables[f->n++] = table_va;
}

void free_unused_tables(struct machine *m, struct mm *mm, uint64_t start, uint64_t end)
{
	struct free_ctx f = { m, mm, { 0 }, 0 };

	/* in rounds: a round frees at most 64 tables */
	do {
		f.n = 0;
		pgtable_walk_tables(&m->frames, m->L, mm->pgd, start, end, note_table, &f);
		for (int i = 0; i < f.n; i++)
			pgtable_free_pte_table(&m->frames, m->L, mm->pgd, f.tables[i]);
	} while (f.n == 64);
}

void mm_exit(struct machine *m, int pid)
{
	struct mm *mm = &m->procs[pid];

	if (!mm->alive)
		return;
	kpath_fn(m, "exit_mmap");
	for (size_t i = 0; i < mm->nvmas; i++)
		zap_range(m, mm, &mm->vmas[i], mm->vmas[i].start, mm->vmas[i].end, true);
	pgtable_free(&m->frames, m->L, mm->pgd);
	mm->nvmas = 0;
	mm->alive = false;
	uffd_release(&mm->uffd); /* its waiting writes die with it */
}
