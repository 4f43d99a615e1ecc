/* SPDX-License-Identifier: MIT */
/*
 * The PAGEMAP_SCAN ioctl of /proc/PID/pagemap (fs/proc/task_mmu.c, since
 * 6.7): do_pagemap_scan(), pagemap_scan_get_args(),
 * pagemap_scan_test_walk(), pagemap_scan_pmd_entry() with its two fast
 * paths, pagemap_page_category(), pagemap_scan_output() and
 * make_uffd_wp_pte(), for page tables of small pages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm/mm_internal.h"

/* PAGEMAP_WALK_SIZE >> PAGE_SHIFT: the bounce buffer's regions */
#define SCAN_BUFFER_REGIONS 512u

struct scan {
	struct machine *m;
	struct mm *mm;
	struct pm_scan_arg *arg;
	struct page_region *buf; /* the bounce buffer */
	size_t buf_len, buf_index;
	struct page_region *out; /* where the next flush goes in the caller's vector */
	uint64_t found_pages;
	unsigned vma_category;
	unsigned masks_of_interest;
};

/* pagemap_scan_get_args() */
static int scan_get_args(struct pm_scan_arg *a)
{
	if (a->flags & ~(PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC))
		return -EINVAL;
	if ((a->category_inverted | a->category_mask | a->category_anyof_mask | a->return_mask) & ~PM_SCAN_CATEGORIES)
		return -EINVAL;
	if (a->start & (PAGE_SIZE - 1))
		return -EINVAL;
	/* access_ok(start, end - start): a range that wraps or leaves user space */
	if (a->end < a->start || a->end > TASK_SIZE)
		return -EFAULT;
	if (!a->vec && a->vec_len)
		return -EINVAL;
	a->end = (a->end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	a->walk_end = 0;
	if (!a->max_pages)
		a->max_pages = UINT64_MAX;
	return 0;
}

/* pagemap_scan_is_interesting_page() */
static bool interesting_page(const struct scan *s, unsigned categories)
{
	categories ^= s->arg->category_inverted;
	if ((categories & s->arg->category_mask) != s->arg->category_mask)
		return false;
	return !s->arg->category_anyof_mask || (categories & s->arg->category_anyof_mask);
}

/* pagemap_scan_is_interesting_vma(): only WPALLOWED is decided per VMA */
static bool interesting_vma(const struct scan *s, unsigned categories)
{
	unsigned required = s->arg->category_mask & PAGE_IS_WPALLOWED;

	categories ^= s->arg->category_inverted;
	return (categories & required) == required;
}

/* pagemap_scan_push_range(): a page that continues the current region with
 * the same categories extends it, else it opens the next one */
static bool push_range(struct scan *s, unsigned categories, uint64_t addr, uint64_t end)
{
	struct page_region *cur = &s->buf[s->buf_index];

	if (addr == cur->end && categories == cur->categories) {
		cur->end = end;
		return true;
	}
	if (cur->end) {
		if (s->buf_index >= s->buf_len - 1)
			return false;
		cur = &s->buf[++s->buf_index];
	}
	*cur = (struct page_region){ addr, end, categories };
	return true;
}

/* pagemap_scan_output(): -ENOSPC when max_pages or the vector stops the
 * walk at *end, which walk_end then records */
static int scan_output(struct scan *s, unsigned categories, uint64_t addr, uint64_t *end)
{
	uint64_t n_pages, total;
	int ret = 0;

	if (!s->buf)
		return 0;
	categories &= s->arg->return_mask;
	n_pages = (*end - addr) / PAGE_SIZE;
	total = s->found_pages + n_pages;
	if (total < s->found_pages || total > s->arg->max_pages) {
		uint64_t too_many = total < s->found_pages ? n_pages : total - s->arg->max_pages;

		*end -= too_many * PAGE_SIZE;
		n_pages -= too_many;
		ret = -ENOSPC;
	}
	if (!push_range(s, categories, addr, *end)) {
		*end = addr;
		n_pages = 0;
		ret = -ENOSPC;
	}
	s->found_pages += n_pages;
	if (ret)
		s->arg->walk_end = *end;
	return ret;
}

/* make_uffd_wp_pte() */
static void make_uffd_wp_pte(struct machine *m, pte_t *ptep)
{
	const struct ptesim_layout *L = m->L;
	struct kpath_log *kp = kpath_of(m);
	pte_t ptent = *ptep;

	kpath_fn(m, "make_uffd_wp_pte");
	if (pte_present(L, ptent)) {
		pte_t old = KPATH(kp, ptep_modify_prot_start, L, ptep);

		ptent = KPATH(kp, pte_mkuffd_wp, L, old);
		KPATH(kp, ptep_modify_prot_commit, L, ptep, old, ptent);
	} else if (is_swap_pte(L, ptent)) {
		ptent = KPATH(kp, pte_swp_mkuffd_wp, L, ptent);
		KPATH(kp, set_pte_at, ptep, ptent);
	} else {
		ptent = KPATH(kp, make_pte_marker, L, PTE_MARKER_UFFD_WP);
		KPATH(kp, set_pte_at, ptep, ptent);
	}
}

/* pte_uffd_wp() of a present entry, pte_swp_uffd_wp_any() of the others */
static bool entry_uffd_wp(const struct ptesim_layout *L, pte_t pte)
{
	if (pte_present(L, pte))
		return pte_uffd_wp(L, pte);
	return is_swap_pte(L, pte) && (pte_swp_uffd_wp(L, pte) || pte_marker_uffd_wp(L, pte));
}

/* pagemap_page_category(). An empty entry inside a page table counts as
 * written (the live 6.18 kernel, on every path, as 07b4377b has it): its
 * page may have been written and zapped. */
static unsigned page_category(const struct scan *s, pte_t pte)
{
	const struct ptesim_layout *L = s->m->L;
	unsigned categories = 0;

	if (pte_present(L, pte)) {
		uint64_t pfn = pte_pfn(L, pte);

		categories |= PAGE_IS_PRESENT;
		if (!pte_uffd_wp(L, pte))
			categories |= PAGE_IS_WRITTEN;
		if ((s->masks_of_interest & PAGE_IS_FILE) && vm_normal_page(s->m, pte) &&
		    !(frame_of(&s->m->frames, pfn)->flags & FRAME_ANON))
			categories |= PAGE_IS_FILE;
		if (pfn == s->m->frames.zero_pfn)
			categories |= PAGE_IS_PFNZERO;
		if (pte_soft_dirty(L, pte))
			categories |= PAGE_IS_SOFT_DIRTY;
	} else if (is_swap_pte(L, pte)) {
		categories |= PAGE_IS_SWAPPED;
		if (!entry_uffd_wp(L, pte))
			categories |= PAGE_IS_WRITTEN;
		if (pte_swp_soft_dirty(L, pte))
			categories |= PAGE_IS_SOFT_DIRTY;
	} else {
		categories |= PAGE_IS_WRITTEN;
	}
	return categories;
}

/* pagemap_scan_pte_hole(): a span with no page table has the VMA's
 * categories, and counts as written in a VMA registered for uffd-wp
 * (40de8160, in the live 6.18): nothing there is protected; WP_MATCHING
 * protects it with markers */
static int scan_hole(struct scan *s, struct vma *vma, uint64_t addr, uint64_t end)
{
	unsigned categories = s->vma_category | (userfaultfd_wp(vma) ? PAGE_IS_WRITTEN : 0);
	int ret;

	if (!interesting_page(s, categories))
		return 0;
	ret = scan_output(s, categories, addr, &end);
	if (addr == end || !(s->arg->flags & PM_SCAN_WP_MATCHING))
		return ret;
	uffd_protect_range(s->m, s->mm, vma, addr, end);
	return ret;
}

/* pagemap_scan_pmd_entry() over [start, end) of one page table */
static int scan_table(struct scan *s, pte_t *table, uint64_t table_va, uint64_t start, uint64_t end)
{
	const struct ptesim_layout *L = s->m->L;
	struct pm_scan_arg *a = s->arg;
	int ret = 0;

	/* fast path: protect, nothing to report */
	if ((a->flags & PM_SCAN_WP_MATCHING) && !s->buf) {
		for (uint64_t addr = start; addr < end; addr += PAGE_SIZE) {
			pte_t *ptep = &table[(addr - table_va) >> PAGE_SHIFT];

			if (!entry_uffd_wp(L, *ptep))
				make_uffd_wp_pte(s->m, ptep);
		}
		return 0;
	}
	/* fast path: the written pages alone */
	if (!a->category_anyof_mask && !a->category_inverted && a->category_mask == PAGE_IS_WRITTEN &&
	    a->return_mask == PAGE_IS_WRITTEN) {
		for (uint64_t addr = start; addr < end; addr += PAGE_SIZE) {
			pte_t *ptep = &table[(addr - table_va) >> PAGE_SHIFT];
			uint64_t next = addr + PAGE_SIZE;

			if (entry_uffd_wp(L, *ptep))
				continue;
			ret = scan_output(s, s->vma_category | PAGE_IS_WRITTEN, addr, &next);
			if (next == addr)
				break;
			if (a->flags & PM_SCAN_WP_MATCHING)
				make_uffd_wp_pte(s->m, ptep);
		}
		return ret;
	}
	for (uint64_t addr = start; addr < end; addr += PAGE_SIZE) {
		pte_t *ptep = &table[(addr - table_va) >> PAGE_SHIFT];
		unsigned categories = s->vma_category | page_category(s, *ptep);
		uint64_t next = addr + PAGE_SIZE;

		if (!interesting_page(s, categories))
			continue;
		ret = scan_output(s, categories, addr, &next);
		if (next == addr)
			break;
		if ((a->flags & PM_SCAN_WP_MATCHING) && (categories & PAGE_IS_WRITTEN))
			make_uffd_wp_pte(s->m, ptep);
	}
	return ret;
}

/* pagemap_scan_test_walk(): whether and how a VMA is walked; 1 skips it */
static int scan_test_walk(struct scan *s, const struct vma *vma)
{
	bool wp_allowed = userfaultfd_wp(vma) && (s->mm->uffd.features & UFFD_FEATURE_WP_ASYNC);
	unsigned category = 0;

	if (!wp_allowed) {
		if (s->arg->flags & PM_SCAN_CHECK_WPASYNC)
			return -EPERM;
		if (s->arg->flags & PM_SCAN_WP_MATCHING)
			return 1;
	}
	if (wp_allowed)
		category |= PAGE_IS_WPALLOWED;
	if (vma->vm_flags & s->m->vm_softdirty)
		category |= PAGE_IS_SOFT_DIRTY;
	if (!interesting_vma(s, category))
		return 1;
	s->vma_category = category;
	return 0;
}

/* walk_page_range() from start: VMA after VMA, table after table; stops
 * at an error or -ENOSPC */
static int scan_walk(struct scan *s, uint64_t start, uint64_t end)
{
	struct mm *mm = s->mm;

	for (size_t i = 0; i < mm->nvmas; i++) {
		struct vma *vma = &mm->vmas[i];
		uint64_t from, to;
		int ret = 0;

		if (vma->end <= start || vma->start >= end)
			continue;
		ret = scan_test_walk(s, vma);
		if (ret < 0)
			return ret;
		if (ret > 0)
			continue;
		from = vma->start > start ? vma->start : start;
		to = vma->end < end ? vma->end : end;
		while (from < to && !ret) {
			uint64_t table_va = from & ~(PTRS_PER_TABLE * PAGE_SIZE - 1);
			uint64_t stop = table_va + PTRS_PER_TABLE * PAGE_SIZE < to ? table_va + PTRS_PER_TABLE * PAGE_SIZE : to;
			pte_t *table = mm_pte(s->m, mm, table_va, false);

			ret = table ? scan_table(s, table, table_va, from, stop) : scan_hole(s, vma, from, stop);
			from = stop;
		}
		if (ret)
			return ret;
	}
	return 0;
}

/* pagemap_scan_flush_buffer(): the regions found go to the caller's vector */
static long scan_flush(struct scan *s)
{
	size_t n = s->buf_index;

	if (!s->buf)
		return 0;
	if (s->buf[n].end != s->buf[n].start)
		n++;
	if (!n)
		return 0;
	memcpy(s->out, s->buf, n * sizeof(*s->buf));
	s->arg->vec_len -= n;
	s->out += n;
	s->buf_index = 0;
	if (s->buf_len > s->arg->vec_len)
		s->buf_len = (size_t)s->arg->vec_len;
	memset(s->buf, 0, sizeof(*s->buf));
	return (long)n;
}

/* do_pagemap_scan() */
long mm_pagemap_scan(struct machine *m, int pid, struct pm_scan_arg *arg)
{
	struct scan s = { m, &m->procs[pid], arg, NULL, 0, 0, arg->vec, 0, 0, 0 };
	uint64_t vec_len = arg->vec_len;
	long n_out = 0;
	int ret;

	kpath_fn(m, "do_pagemap_scan");
	ret = scan_get_args(arg);
	if (ret)
		return ret;
	s.masks_of_interest = arg->category_mask | arg->category_anyof_mask | arg->return_mask;
	if (arg->vec_len) {
		s.buf_len = arg->vec_len < SCAN_BUFFER_REGIONS ? (size_t)arg->vec_len : SCAN_BUFFER_REGIONS;
		s.buf = calloc(s.buf_len, sizeof(*s.buf));
		if (!s.buf)
			return -ENOMEM;
	}
	for (uint64_t walk_start = arg->start; walk_start < arg->end; walk_start = arg->walk_end) {
		long n;

		ret = scan_walk(&s, walk_start, arg->end);
		n = scan_flush(&s);
		n_out += n;
		if (ret != -ENOSPC)
			break;
		if (!arg->vec_len || s.found_pages == arg->max_pages)
			break;
	}
	free(s.buf);
	/* the caller's vec_len is the vector's size, not what is left of it */
	arg->vec_len = vec_len;
	if (!ret || ret == -ENOSPC)
		ret = 0;
	if (!arg->walk_end)
		arg->walk_end = arg->end;
	return ret ? ret : n_out;
}
