/* SPDX-License-Identifier: MIT */
/*
 * The fault handler, mm/memory.c: handle_pte_fault() and what it calls.
 * Entries are built and changed only through the layout's helpers.
 */
#include "mm/mm_internal.h"

/* fault_around_bytes: 64 KiB */
#define FAULT_AROUND_PAGES 16

/* do_anonymous_page() */
static enum fault_result do_anonymous_page(struct machine *m, struct mm *mm, struct vma *vma,
					   pte_t *ptep, bool write, bool uffd_wp)
{
	const struct ptesim_layout *L = m->L;
	struct kpath_log *kp = kpath_of(m);
	struct frame *f;
	uint64_t pfn;
	pte_t entry;

	kpath_fn(m, "do_anonymous_page");
	if (!write) {
		/* the shared zero page, read-only and special */
		entry = KPATH(kp, pfn_pte, L, m->frames.zero_pfn, vma->vm_page_prot);
		entry = KPATH(kp, pte_mkspecial, L, entry);
		if (uffd_wp)
			entry = KPATH(kp, pte_mkuffd_wp, L, entry); /* the marker's protection stays */
		KPATH(kp, set_pte_at, ptep, entry);
		return FAULT_OK;
	}
	pfn = frame_alloc(&m->frames, FRAME_ANON | FRAME_ANON_EXCLUSIVE | FRAME_SWAPBACKED);
	if (!pfn)
		return FAULT_OOM;
	f = frame_of(&m->frames, pfn);
	f->mapcount = 1; /* folio_add_new_anon_rmap(RMAP_EXCLUSIVE) */
	anon_vma_prepare(m, mm, vma);
	entry = KPATH(kp, pfn_pte, L, pfn, vma->vm_page_prot);
	if (vma->vm_flags & VM_WRITE) {
		entry = KPATH(kp, pte_mkdirty, L, entry);
		entry = KPATH(kp, pte_mkwrite, L, entry);
	}
	if (uffd_wp)
		entry = KPATH(kp, pte_mkuffd_wp, L, entry);
	KPATH(kp, set_pte_at, ptep, entry);
	return FAULT_OK;
}

static uint64_t vma_index(const struct vma *vma, uint64_t va)
{
	return vma->pgoff + ((va - vma->start) >> PAGE_SHIFT);
}

/* do_fault_around(): map the neighbours already in the page cache,
 * read-only, in a window of fault_around_bytes that starts at the aligned
 * PTE index or at the VMA's start, whichever is later, and stops at the VMA,
 * the page table and the end of the object; arm64 with hardware AF makes
 * them old (arch_wants_old_prefaulted_pte) */
static void do_fault_around(struct machine *m, struct mm *mm, struct vma *vma, uint64_t va)
{
	const struct ptesim_layout *L = m->L;
	uint64_t pte_off = (va >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1);
	uint64_t vma_off = (va - vma->start) >> PAGE_SHIFT;
	uint64_t vma_pages = (vma->end - vma->start) >> PAGE_SHIFT;
	uint64_t from = pte_off & ~(uint64_t)(FAULT_AROUND_PAGES - 1), to;
	uint64_t table_va = va & ~(PTRS_PER_TABLE * PAGE_SIZE - 1);
	struct object *o = &m->objects[vma->object];
	struct kpath_log *kp = kpath_of(m);

	if (vma->vm_flags & VM_UFFD_WP)
		return; /* uffd_disable_fault_around() */
	kpath_fn(m, "do_fault_around");
	if (from < pte_off - (pte_off < vma_off ? pte_off : vma_off))
		from = pte_off - (pte_off < vma_off ? pte_off : vma_off);
	to = from + FAULT_AROUND_PAGES;
	if (to > PTRS_PER_TABLE)
		to = PTRS_PER_TABLE;
	if (to > pte_off + vma_pages - vma_off)
		to = pte_off + vma_pages - vma_off;
	for (uint64_t idx_pte = from; idx_pte < to; idx_pte++) {
		uint64_t a = table_va + (idx_pte << PAGE_SHIFT);
		uint64_t idx = vma_index(vma, a), pfn;
		pte_t *ptep, entry;

		if (a == va || idx >= o->npages || !(pfn = o->pfn[idx]))
			continue;
		if (frame_of(&m->frames, pfn)->flags & FRAME_RECLAIM)
			continue; /* next_uptodate_folio(): PG_readahead */
		ptep = mm_pte(m, mm, a, true);
		if (!ptep || !pte_none(L, *ptep))
			continue;
		entry = KPATH(kp, pfn_pte, L, pfn, vma->vm_page_prot);
		if (L->arch == PTESIM_ARCH_ARM64 && m->hw.hafdbs)
			entry = KPATH(kp, pte_mkold, L, entry);
		rmap_add(m, pfn);
		KPATH(kp, set_pte_at, ptep, entry);
	}
}

/* VM_READAHEAD_PAGES: 128 KiB, the default read_ahead_kb of a device (a
 * device may ask for more; scenarios map far fewer pages than this) */
#define READAHEAD_PAGES 32

/* do_sync_mmap_readahead() for an executable file mapping, 6.16+ ("allow
 * arch to request folio size for exec memory"): on a page-cache miss it
 * reads ra_pages from the faulting index on, even under MADV_RANDOM
 * (VM_RAND_READ stops only non-exec readahead), clamped to the VMA and to
 * the file; arm64's exec_folio_order() rounds the window to 64 KiB (the
 * simulator reads order-0 pages all the same). The fault is then retried
 * (VM_FAULT_RETRY after the I/O) and a read's fault-around maps what is now
 * in the page cache. Other file mappings read only the page itself: the
 * mmap read-around is what MADV_RANDOM turns off. mmap_miss, which stops
 * readahead after MMAP_LOTSAMISS misses, is not counted. */
static void exec_readahead(struct machine *m, const struct vma *vma, uint64_t idx)
{
	const struct object *o = &m->objects[vma->object];
	uint64_t order_pages = m->L->arch == PTESIM_ARCH_ARM64 ? 16 : 1;
	uint64_t first = vma->pgoff, last = vma->pgoff + ((vma->end - vma->start) >> PAGE_SHIFT);
	uint64_t start = idx & ~(order_pages - 1), end;

	if (vma->backing != BACKING_FILE || !(vma->vm_flags & VM_EXEC) || o->pfn[idx])
		return;
	if (start < first)
		start = first;
	end = (start + READAHEAD_PAGES + order_pages - 1) & ~(order_pages - 1);
	if (end > last)
		end = last;
	if (end > o->npages)
		end = o->npages;
	for (uint64_t i = start; i < end; i++)
		if (!pagecache_get(m, vma->object, i))
			return; /* out of memory: read what it could, as readahead does */
}

/* do_read_fault(), do_cow_fault(), do_shared_fault() */
static enum fault_result do_fault(struct machine *m, struct mm *mm, struct vma *vma, uint64_t va,
				  pte_t *ptep, bool write, bool uffd_wp)
{
	const struct ptesim_layout *L = m->L;
	struct kpath_log *kp = kpath_of(m);
	uint64_t idx = vma_index(vma, va), pfn;
	pte_t entry;

	kpath_fn(m, !write ? "do_read_fault" : (vma->vm_flags & VM_SHARED) ? "do_shared_fault" : "do_cow_fault");
	if (idx >= m->objects[vma->object].npages)
		return FAULT_SIGBUS; /* beyond the end of the object */
	exec_readahead(m, vma, idx);
	if (!write)
		do_fault_around(m, mm, vma, va);
	pfn = pagecache_get(m, vma->object, idx);
	if (!pfn)
		return FAULT_OOM;
	if (write && !(vma->vm_flags & VM_SHARED)) {
		/* do_cow_fault(): a private copy, exclusive anon */
		uint64_t copy = frame_alloc(&m->frames, FRAME_ANON | FRAME_ANON_EXCLUSIVE | FRAME_SWAPBACKED);

		if (!copy)
			return FAULT_OOM;
		frame_of(&m->frames, copy)->data = frame_of(&m->frames, pfn)->data;
		frame_of(&m->frames, copy)->mapcount = 1;
		anon_vma_prepare(m, mm, vma);
		kpath_fn(m, "finish_fault");
		entry = KPATH(kp, pfn_pte, L, copy, vma->vm_page_prot);
		entry = KPATH(kp, pte_mkdirty, L, entry);
		entry = KPATH(kp, maybe_mkwrite, m, entry, vma);
		if (uffd_wp)
			entry = KPATH(kp, pte_mkuffd_wp, L, entry); /* set_pte_range() */
		KPATH(kp, set_pte_at, ptep, entry);
		return FAULT_OK;
	}
	kpath_fn(m, "finish_fault");
	entry = KPATH(kp, pfn_pte, L, pfn, vma->vm_page_prot);
	if (write) {
		/* do_shared_fault(): ->page_mkwrite, then fault_dirty_shared_page() */
		entry = KPATH(kp, pte_mkdirty, L, entry);
		entry = KPATH(kp, maybe_mkwrite, m, entry, vma);
		folio_mark_dirty(m, pfn);
	}
	if (uffd_wp)
		entry = KPATH(kp, pte_mkuffd_wp, L, entry); /* set_pte_range() */
	rmap_add(m, pfn);
	KPATH(kp, set_pte_at, ptep, entry);
	return FAULT_OK;
}

/* wp_page_reuse() */
static enum fault_result wp_page_reuse(struct machine *m, struct vma *vma, pte_t *ptep, pte_t orig)
{
	const struct ptesim_layout *L = m->L;
	struct kpath_log *kp = kpath_of(m);
	pte_t entry;

	kpath_fn(m, "wp_page_reuse");
	entry = KPATH(kp, pte_mkyoung, L, orig);
	entry = KPATH(kp, pte_mkdirty, L, entry);
	entry = KPATH(kp, maybe_mkwrite, m, entry, vma);
	KPATH(kp, ptep_set_access_flags, L, ptep, entry, 1);
	return FAULT_OK;
}

/* wp_page_copy(): break-before-make onto a new exclusive anon page */
static enum fault_result wp_page_copy(struct machine *m, struct mm *mm, struct vma *vma, pte_t *ptep,
				      pte_t orig)
{
	const struct ptesim_layout *L = m->L;
	struct kpath_log *kp = kpath_of(m);
	uint64_t old = vm_normal_page(m, orig);
	uint64_t pfn = frame_alloc(&m->frames, FRAME_ANON | FRAME_ANON_EXCLUSIVE | FRAME_SWAPBACKED);
	struct frame *f;
	pte_t entry;

	kpath_fn(m, "wp_page_copy");
	if (!pfn)
		return FAULT_OOM;
	f = frame_of(&m->frames, pfn);
	f->data = old ? frame_of(&m->frames, old)->data : 0; /* the zero page copies as zeros */
	f->mapcount = 1;
	anon_vma_prepare(m, mm, vma);
	entry = KPATH(kp, pfn_pte, L, pfn, vma->vm_page_prot);
	entry = KPATH(kp, pte_mkdirty, L, entry);
	entry = KPATH(kp, maybe_mkwrite, m, entry, vma);
	KPATH(kp, ptep_get_and_clear, L, ptep); /* ptep_clear_flush() */
	KPATH(kp, set_pte_at, ptep, entry);
	if (old)
		rmap_remove(m, old);
	return FAULT_OK;
}

/* wp_can_reuse_anon_folio(): ours alone, once the swap cache lets go */
static bool wp_can_reuse_anon_folio(struct machine *m, uint64_t pfn)
{
	struct frame *f = frame_of(&m->frames, pfn);

	if (f->refcount > 1 + ((f->flags & FRAME_SWAPCACHE) ? 1u : 0u))
		return false;
	swapcache_release(m, pfn);
	return f->refcount == 1;
}

/* do_wp_page(): a store to a present entry without write permission */
static enum fault_result do_wp_page(struct machine *m, struct mm *mm, struct vma *vma, pte_t *ptep,
				    pte_t orig)
{
	struct kpath_log *kp = kpath_of(m);
	uint64_t pfn;
	struct frame *f;

	kpath_fn(m, "do_wp_page");
	/* userfaultfd_pte_wp(): a synchronous context takes the fault to user
	 * space; WP_ASYNC drops the bit and goes on to reuse or copy */
	if (userfaultfd_wp(vma) && pte_uffd_wp(m->L, orig)) {
		if (!(mm->uffd.features & UFFD_FEATURE_WP_ASYNC)) {
			kpath_fn(m, "handle_userfault");
			return FAULT_USERFAULT;
		}
		orig = KPATH(kp, pte_clear_uffd_wp, m->L, orig);
		KPATH(kp, set_pte_at, ptep, orig);
	}
	pfn = vm_normal_page(m, orig);
	f = pfn ? frame_of(&m->frames, pfn) : NULL;

	if (vma->vm_flags & (VM_SHARED | VM_MAYSHARE)) {
		/* wp_page_shared(): ->page_mkwrite, reuse, fault_dirty_shared_page() */
		kpath_fn(m, "wp_page_shared");
		if (f)
			folio_mark_dirty(m, pfn);
		return wp_page_reuse(m, vma, ptep, orig);
	}
	if (f && (f->flags & FRAME_ANON) &&
	    ((f->flags & FRAME_ANON_EXCLUSIVE) || wp_can_reuse_anon_folio(m, pfn))) {
		f->flags |= FRAME_ANON_EXCLUSIVE;
		return wp_page_reuse(m, vma, ptep, orig);
	}
	return wp_page_copy(m, mm, vma, ptep, orig);
}

/* do_swap_page() for a real swap entry, through the swap cache: a page
 * already read in for another mapping is shared, not read again */
static enum fault_result do_swap_page(struct machine *m, struct mm *mm, struct vma *vma, pte_t *ptep,
				      pte_t orig, bool write)
{
	const struct ptesim_layout *L = m->L;
	struct kpath_log *kp = kpath_of(m);
	swp_entry_t entry = pte_to_swp_entry(L, orig);
	uint64_t offset = swp_offset(entry), pfn;
	struct swap_slot *slot = swap_slot(m, offset);
	bool exclusive = pte_swp_exclusive(L, orig);
	struct frame *f;
	pte_t pte;

	kpath_fn(m, "do_swap_page");
	if (!is_real_swap_pte(m, orig) || !slot || !slot->count)
		return FAULT_SIGBUS; /* markers and migration entries: not simulated yet */
	pfn = slot->cache_pfn;
	if (!pfn) {
		pfn = frame_alloc(&m->frames, FRAME_ANON | FRAME_SWAPBACKED | FRAME_SWAPCACHE);
		if (!pfn)
			return FAULT_OOM;
		f = frame_of(&m->frames, pfn);
		f->data = slot->data;
		f->index = (uint32_t)offset;
		slot->cache_pfn = pfn; /* the allocation's reference is the swap cache's */
	}
	f = frame_of(&m->frames, pfn);
	rmap_add(m, pfn);
	anon_vma_prepare(m, mm, vma); /* a swap entry says it has one already */
	pte = KPATH(kp, pfn_pte, L, pfn, vma->vm_page_prot);
	if (pte_swp_soft_dirty(L, orig))
		pte = KPATH(kp, pte_mksoft_dirty, L, pte);
	if (pte_swp_uffd_wp(L, orig))
		pte = KPATH(kp, pte_mkuffd_wp, L, pte);
	if (exclusive) {
		/* pte_needs_soft_dirty_wp() and userfaultfd_pte_wp() keep it read-only */
		if ((vma->vm_flags & VM_WRITE) && !((vma->vm_flags & VM_UFFD_WP) && pte_uffd_wp(L, pte)) &&
		    !(vma_soft_dirty_enabled(m, vma) && !pte_soft_dirty(L, pte))) {
			pte = KPATH(kp, pte_mkwrite, L, pte);
			if (write) {
				pte = KPATH(kp, pte_mkdirty, L, pte);
				write = false;
			}
		}
		f->flags |= FRAME_ANON_EXCLUSIVE;
	}
	swap_free(m, offset);
	/* should_try_to_free_swap(): a write fault still pending, and only the
	 * swap cache and this mapping hold the page */
	if (write && f->refcount == 2)
		swapcache_release(m, pfn);
	KPATH(kp, set_pte_at, ptep, pte);
	if (write)
		return do_wp_page(m, mm, vma, ptep, pte);
	return FAULT_OK;
}

/* handle_pte_marker(), pte_marker_handle_uffd_wp(): a uffd-wp marker
 * faults in as a missing page that keeps the protection; left over in a
 * VMA no longer registered, it is simply cleared */
static enum fault_result handle_pte_marker(struct machine *m, struct mm *mm, struct vma *vma, uint64_t va,
					   pte_t *ptep, bool write)
{
	kpath_fn(m, "handle_pte_marker");
	if (!pte_marker_uffd_wp(m->L, *ptep))
		return FAULT_SIGBUS; /* poison and guard markers are not simulated */
	if (!userfaultfd_wp(vma)) {
		*ptep = __pte(0); /* pte_marker_clear() */
		return FAULT_RETRY;
	}
	/* do_pte_missing() with the marker as the original entry */
	if (vma->backing == BACKING_ANON)
		return do_anonymous_page(m, mm, vma, ptep, write, true);
	return do_fault(m, mm, vma, va, ptep, write, true);
}

enum fault_result handle_mm_fault(struct machine *m, struct mm *mm, struct vma *vma, uint64_t va,
				  bool write)
{
	const struct ptesim_layout *L = m->L;
	struct kpath_log *kp = kpath_of(m);
	pte_t *ptep = mm_pte(m, mm, va, true);
	pte_t entry;

	kpath_fn(m, "handle_mm_fault");
	if (!ptep)
		return FAULT_OOM;
	entry = *ptep;
	if (pte_none(L, entry)) {
		/* do_pte_missing() */
		if (vma->backing == BACKING_ANON)
			return do_anonymous_page(m, mm, vma, ptep, write, false);
		return do_fault(m, mm, vma, va, ptep, write, false);
	}
	if (!pte_present(L, entry)) {
		if (is_pte_marker(L, entry))
			return handle_pte_marker(m, mm, vma, va, ptep, write);
		return do_swap_page(m, mm, vma, ptep, entry, write);
	}
	if (pte_protnone(L, entry))
		return FAULT_SIGSEGV; /* no NUMA hinting: a PROT_NONE VMA is not accessible */
	if (write) {
		if (!pte_write(L, entry))
			return do_wp_page(m, mm, vma, ptep, entry);
		entry = KPATH(kp, pte_mkdirty, L, entry);
	}
	/* an access-flag fault, or DBM off: the kernel does in software what
	 * the hardware would have done */
	entry = KPATH(kp, pte_mkyoung, L, entry);
	KPATH(kp, ptep_set_access_flags, L, ptep, entry, write);
	return FAULT_OK;
}
