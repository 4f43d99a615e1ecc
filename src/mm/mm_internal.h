/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_MM_INTERNAL_H
#define PTESIM_MM_INTERNAL_H

#include "mm/mm.h"

/* The log a command's path is noted into, or NULL (hw/kpath.h). A walk
 * reads it once and notes through its copy: KPATH(kp, pte_mkold, L, pte). */
static inline struct kpath_log *kpath_of(const struct machine *m)
{
	return m->hw.kpath;
}
/* A kernel function mm mirrors, noted at its entry. */
static inline void kpath_fn(const struct machine *m, const char *name)
{
	kpath_note(m->hw.kpath, KPATH_FUNCTION, name);
}

/* set_pte_at(): the store of a new entry */
static inline void set_pte_at(pte_t *ptep, pte_t pte)
{
	*ptep = pte;
}

/* a page-aligned, non-empty range of user addresses */
bool user_range_ok(uint64_t va, uint64_t len);
bool vma_soft_dirty_enabled(const struct machine *m, const struct vma *vma);
bool vma_wants_writenotify(const struct machine *m, const struct vma *vma);
void vma_set_page_prot(const struct machine *m, struct vma *vma);
int vma_split_range(struct mm *mm, uint64_t start, uint64_t end);
void vma_merge_modified(const struct machine *m, struct mm *mm, size_t idx);
/* anon_vma_prepare(): give the VMA an anon_vma, a neighbour's if it may */
void anon_vma_prepare(struct machine *m, struct mm *mm, struct vma *vma);
int object_grow(struct machine *m, uint32_t object, uint64_t npages);
/* free_pgtables(): PTE tables no VMA covers any more */
void free_unused_tables(struct machine *m, struct mm *mm, uint64_t start, uint64_t end);

/* change_protection() over [start, end) of a VMA, with the VMA's
 * vm_page_prot and these MM_CP_* flags */
#define MM_CP_TRY_CHANGE_WRITABLE 1u
#define MM_CP_UFFD_WP 2u
#define MM_CP_UFFD_WP_RESOLVE 4u
void change_protection(struct machine *m, struct mm *mm, struct vma *vma, uint64_t start, uint64_t end,
		       unsigned cp_flags);
bool vma_wants_manual_pte_write_upgrade(const struct machine *m, const struct vma *vma);

/* A zapped or unmapped entry of a write-protected file or shmem VMA
 * leaves a uffd-wp marker at *ptep (zap.c) */
void install_uffd_wp_if_needed(struct machine *m, const struct vma *vma, pte_t *ptep, pte_t pteval,
			       bool drop_markers);

/* userfaultfd internals (userfaultfd.c) */
void uffd_release(struct uffd *u);
bool uffd_push(void *vec, size_t *n, size_t *cap, struct uffd_blocked item);
void uffd_block_write(struct machine *m, int pid, uint64_t va, uint64_t value);
/* uffd_wp_range(..., true) over part of a registered VMA */
void uffd_protect_range(struct machine *m, struct mm *mm, struct vma *vma, uint64_t start, uint64_t end);
/* userfaultfd_wp(): the VMA is registered for write-protect */
static inline bool userfaultfd_wp(const struct vma *vma)
{
	return vma->vm_flags & VM_UFFD_WP;
}

/* is_cow_mapping(): private and may be written */
static inline bool is_cow_mapping(unsigned long flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

/* vm_normal_page(): the frame behind a present entry, 0 for the zero page
 * and other special mappings */
static inline uint64_t vm_normal_page(const struct machine *m, pte_t pte)
{
	if (pte_special(m->L, pte))
		return 0;
	return pte_pfn(m->L, pte);
}

/* maybe_mkwrite() */
static inline pte_t maybe_mkwrite(const struct machine *m, pte_t pte, const struct vma *vma)
{
	return (vma->vm_flags & VM_WRITE) ? pte_mkwrite(m->L, pte) : pte;
}

/* folio_mark_dirty(): dirty, and no longer PG_reclaim (a page written
 * again is not one reclaim left for writeback) */
static inline void folio_mark_dirty(struct machine *m, uint64_t pfn)
{
	struct frame *f = frame_of(&m->frames, pfn);

	f->flags = (uint16_t)((f->flags | FRAME_DIRTY) & ~FRAME_RECLAIM);
}

/* The page-cache page of an object, read from disk when absent. */
uint64_t pagecache_get(struct machine *m, uint32_t object, uint64_t index);
/* Map a frame through a new entry: rmap and reference. */
void rmap_add(struct machine *m, uint64_t pfn);
/* Unmap one entry's frame: rmap and reference dropped. */
void rmap_remove(struct machine *m, uint64_t pfn);

/* Pages taken off the LRU (folio_isolate_lru()), each once however many
 * entries map it, with where each was found (madvise.c) */
struct page_list {
	uint64_t *pfn, *va;
	size_t n, cap;
	int err; /* -ENOMEM when the list could not grow */
};
/* The pages a process maps in [va, va + len): 0, -ENOMEM past a hole (the
 * mapped parts collected), -EINVAL for a bad range. The pages come back
 * off the LRU no more (FRAME_ISOLATED clear), for the caller to work on in
 * turn; free l->pfn and l->va after. */
int collect_mapped_pages(struct machine *m, int pid, uint64_t va, uint64_t len, struct page_list *l);

/* where a page was found mapped: the rmap walk starts there */
struct page_ref {
	int pid;
	uint64_t va;
};
/* shrink_folio_list() of one page, unmapped from every process; 0 when it
 * left memory, -EBUSY when it stayed, -ENOSPC for anon without swap */
int reclaim_page(struct machine *m, uint64_t pfn, const struct page_ref *at);

/* the swap device (swap_duplicate, swap_free, the slot allocator) */
uint64_t swap_alloc(struct machine *m, uint64_t data); /* offset, 0 when full or off */
void swap_duplicate(struct machine *m, uint64_t offset);
void swap_free(struct machine *m, uint64_t offset);
static inline struct swap_slot *swap_slot(struct machine *m, uint64_t offset)
{
	return offset && offset < m->swap.n ? &m->swap.slots[offset] : NULL;
}
/* folio_free_swap(): drop the page from the swap cache once no entry
 * points at its slot, leaving it dirty; false while one does */
bool swapcache_release(struct machine *m, uint64_t pfn);
/* add_to_swap_cache(): the page stands for its slot; one reference */
void swapcache_add(struct machine *m, uint64_t pfn, uint64_t offset);
/* __delete_from_swap_cache(): the slot keeps its entries, the page goes */
void swapcache_delete(struct machine *m, uint64_t pfn);
/* free_swap_and_cache(): one entry gone; the cache follows the last one */
void swap_entry_free(struct machine *m, uint64_t offset);
/* a real swap entry (type below MAX_SWAPFILES), not a marker or migration entry */
bool is_real_swap_pte(const struct machine *m, pte_t pte);

#endif
