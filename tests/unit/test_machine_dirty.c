/* SPDX-License-Identifier: MIT */
/*
 * clear_refs, MADV_FREE, MADV_COLD/PAGEOUT, reclaim, migration and pinning
 * through the machine, at the level of entry bits. Expected bits are the
 * x86 ones of arch/x86/include/asm/pgtable_types.h (RW 1, ACCESSED 5,
 * DIRTY 6, SOFT_DIRTY 11, SAVED_DIRTY 58: a write-protected entry keeps
 * its dirtiness there, mksaveddirty_shift()) and arm64's AF 10, and each expectation is the
 * kernel function's rule named beside it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "mm/mm.h"
#include "ptesim/ptesim.h"
#include "machine_util.h"

#define X86_RW (UINT64_C(1) << 1)
#define X86_ACCESSED (UINT64_C(1) << 5)
#define X86_DIRTY (UINT64_C(1) << 6)
#define X86_SOFT_DIRTY (UINT64_C(1) << 11)
#define X86_SAVED_DIRTY (UINT64_C(1) << 58) /* where pte_wrprotect() moves DIRTY */
#define X86_PFN(v) (((v) >> 12) & ((UINT64_C(1) << 40) - 1))
#define ARM64_AF (UINT64_C(1) << 10)

/* a process with two private anon pages, the first written */
static void setup(const char *layout, struct machine *m, int *pid, uint64_t *va, uint64_t value)
{
	assert_int_equal(machine_init(m, ptesim_layout_find(layout), true), 0);
	assert_int_equal(mm_new(m, pid), 0);
	assert_int_equal(mm_mmap(m, *pid, 2, VM_READ | VM_WRITE, false, BACKING_ANON, 0, va), 0);
	assert_int_equal(mm_access(m, *pid, *va, true, &value), ACCESS_OK);
}

static void store(struct machine *m, int pid, uint64_t va, uint64_t value)
{
	assert_int_equal(mm_access(m, pid, va, true, &value), ACCESS_OK);
}

static uint64_t load(struct machine *m, int pid, uint64_t va)
{
	uint64_t value = 0;

	assert_int_equal(mm_access(m, pid, va, false, &value), ACCESS_OK);
	return value;
}

/* clear_refs_write(): 1 to 5 are the enum; anything else is EINVAL */
static void clear_refs_values(void **state)
{
	struct machine m;
	int pid;
	uint64_t va;

	(void)state;
	setup("x86_64", &m, &pid, &va, 1);
	assert_int_equal(mm_clear_refs(&m, pid, 0), -EINVAL);
	assert_int_equal(mm_clear_refs(&m, pid, 6), -EINVAL);
	assert_int_equal(mm_clear_refs(&m, pid, -1), -EINVAL);
	for (int v = 1; v <= 5; v++)
		assert_int_equal(mm_clear_refs(&m, pid, v), 0);
	machine_destroy(&m);
}

/* clear_soft_dirty(): write-protect and clear soft-dirty; dirtiness and
 * accessed stay (pte_wrprotect() moves DIRTY to SAVED_DIRTY); VM_SOFTDIRTY
 * goes, so a hole is no longer soft-dirty */
static void clear_refs_soft_dirty_x86(void **state)
{
	struct machine m;
	int pid;
	uint64_t va, before, after;

	(void)state;
	setup("x86_64", &m, &pid, &va, 1);
	before = entry_of(&m, pid, va);
	assert_true((before & (X86_RW | X86_DIRTY | X86_ACCESSED | X86_SOFT_DIRTY)) ==
		    (X86_RW | X86_DIRTY | X86_ACCESSED | X86_SOFT_DIRTY));
	assert_true(mm_pagemap(&m, pid, va + PAGE_SIZE) & PM_SOFT_DIRTY);
	assert_int_equal(mm_clear_refs(&m, pid, 4), 0);
	after = entry_of(&m, pid, va);
	assert_int_equal(after, (before & ~(X86_RW | X86_SOFT_DIRTY | X86_DIRTY)) | X86_SAVED_DIRTY);
	assert_false(mm_pagemap(&m, pid, va + PAGE_SIZE) & PM_SOFT_DIRTY);
	/* the next store faults and wp_page_reuse() makes it soft-dirty */
	store(&m, pid, va, 2);
	assert_true(entry_of(&m, pid, va) & X86_SOFT_DIRTY);
	assert_true(entry_of(&m, pid, va) & X86_RW);
	machine_destroy(&m);
}

/* without CONFIG_MEM_SOFT_DIRTY clear_soft_dirty() is empty: nothing changes */
static void clear_refs_soft_dirty_absent(void **state)
{
	struct machine m;
	int pid;
	uint64_t va, before;

	(void)state;
	setup("arm64-v6.10", &m, &pid, &va, 1);
	before = entry_of(&m, pid, va);
	assert_int_equal(mm_clear_refs(&m, pid, 4), 0);
	assert_int_equal(entry_of(&m, pid, va), before);
	assert_false(mm_pagemap(&m, pid, va) & PM_SOFT_DIRTY);
	machine_destroy(&m);
}

/* pte_is_pinned(): a writable entry of a COW mapping whose page may be
 * pinned is neither write-protected nor cleaned */
static void clear_refs_skips_pinned(void **state)
{
	struct machine m;
	int pid;
	uint64_t va, pfn, before;

	(void)state;
	setup("x86_64", &m, &pid, &va, 1);
	assert_int_equal(mm_pin_page(&m, pid, va, &pfn), 0);
	assert_int_equal(pfn, mm_page_frame(&m, pid, va));
	assert_consistent(&m);
	before = entry_of(&m, pid, va);
	assert_int_equal(mm_clear_refs(&m, pid, 4), 0);
	assert_int_equal(entry_of(&m, pid, va), before);
	mm_unpin_page(&m, pfn);
	assert_consistent(&m);
	assert_int_equal(mm_clear_refs(&m, pid, 4), 0);
	assert_false(entry_of(&m, pid, va) & X86_RW);
	machine_destroy(&m);
}

/* clear_refs_pte_range() for 1-3: ptep_test_and_clear_young() only */
static void clear_refs_young(void **state)
{
	struct machine m;
	int pid;
	uint64_t va, before;

	(void)state;
	setup("x86_64", &m, &pid, &va, 1);
	before = entry_of(&m, pid, va);
	assert_int_equal(mm_clear_refs(&m, pid, 2), 0);
	assert_int_equal(entry_of(&m, pid, va), before & ~X86_ACCESSED);
	assert_int_equal(mm_clear_refs(&m, pid, 3), 0); /* anon: skipped, nothing to do */
	assert_int_equal(entry_of(&m, pid, va), before & ~X86_ACCESSED);
	machine_destroy(&m);
}

/* madvise_free_pte_range(): old and clean, write and soft-dirty kept;
 * reclaim then discards the clean page and the entry stays none */
static void lazyfree_discarded(void **state)
{
	struct machine m;
	int pid;
	uint64_t va, before;
	size_t used;

	(void)state;
	setup("x86_64", &m, &pid, &va, 0x11);
	before = entry_of(&m, pid, va);
	used = m.frames.used;
	assert_int_equal(mm_madvise_free(&m, pid, va, 2 * PAGE_SIZE), 0);
	assert_int_equal(entry_of(&m, pid, va), before & ~(X86_ACCESSED | X86_DIRTY));
	assert_int_equal(mm_reclaim(&m, pid, va, PAGE_SIZE), 0);
	assert_int_equal(entry_of(&m, pid, va), 0);
	assert_int_equal(m.frames.used, used - 1);
	assert_consistent(&m);
	assert_int_equal(load(&m, pid, va), 0);
	machine_destroy(&m);
}

/* a store after MADV_FREE dirties the entry again: try_to_unmap_one()
 * puts the entry back bit for bit and the page is swap-backed again */
static void lazyfree_redirtied_restored(void **state)
{
	struct machine m;
	int pid;
	uint64_t va, before;

	(void)state;
	setup("x86_64", &m, &pid, &va, 0x11);
	assert_int_equal(mm_madvise_free(&m, pid, va, PAGE_SIZE), 0);
	store(&m, pid, va, 0x12);
	before = entry_of(&m, pid, va);
	assert_true(before & X86_DIRTY);
	m.swap.on = false; /* so the restored page is not swapped next */
	assert_int_equal(mm_reclaim(&m, pid, va, PAGE_SIZE), 0);
	assert_int_equal(entry_of(&m, pid, va), before);
	assert_true(frame_of(&m.frames, mm_page_frame(&m, pid, va))->flags & FRAME_SWAPBACKED);
	assert_int_equal(load(&m, pid, va), 0x12);
	assert_consistent(&m);
	machine_destroy(&m);
}

/* an extra reference (a pin, direct I/O) keeps a clean lazy-free page
 * (try_to_unmap_one() restores the entry) */
static void lazyfree_pinned_kept(void **state)
{
	struct machine m;
	int pid;
	uint64_t va, pfn, before;

	(void)state;
	setup("x86_64", &m, &pid, &va, 0x11);
	assert_int_equal(mm_pin_page(&m, pid, va, &pfn), 0);
	assert_int_equal(mm_madvise_free(&m, pid, va, PAGE_SIZE), 0);
	before = entry_of(&m, pid, va);
	assert_false(before & X86_DIRTY);
	m.swap.on = false;
	assert_int_equal(mm_reclaim(&m, pid, va, PAGE_SIZE), 0);
	assert_int_equal(entry_of(&m, pid, va), before);
	/* since 6.15 a page held elsewhere stays lazy-free */
	assert_false(frame_of(&m.frames, pfn)->flags & FRAME_SWAPBACKED);
	assert_int_equal(load(&m, pid, va), 0x11);
	mm_unpin_page(&m, pfn);
	assert_consistent(&m);
	machine_destroy(&m);
}

/* MADV_FREE of a page still in the swap cache, mapped once: the swap
 * cache lets go (folio_free_swap), then it is lazy-free like any other */
static void lazyfree_from_swap_cache(void **state)
{
	struct machine m;
	int pid;
	uint64_t va;

	(void)state;
	setup("x86_64", &m, &pid, &va, 0x11);
	assert_int_equal(mm_swap_out(&m, mm_page_frame(&m, pid, va)), 0);
	assert_int_equal(load(&m, pid, va), 0x11);
	assert_true(frame_of(&m.frames, mm_page_frame(&m, pid, va))->flags & FRAME_SWAPCACHE);
	assert_int_equal(mm_madvise_free(&m, pid, va, PAGE_SIZE), 0);
	assert_false(frame_of(&m.frames, mm_page_frame(&m, pid, va))->flags & FRAME_SWAPCACHE);
	assert_int_equal(m.swap.used, 0);
	assert_int_equal(mm_reclaim(&m, pid, va, PAGE_SIZE), 0);
	assert_int_equal(entry_of(&m, pid, va), 0);
	assert_consistent(&m);
	machine_destroy(&m);
}

/* MADV_FREE of shmem, shared anon or a file: EINVAL */
static void lazyfree_anon_only(void **state)
{
	struct machine m;
	int pid;
	uint64_t va;

	(void)state;
	assert_int_equal(machine_init(&m, ptesim_layout_find("x86_64"), true), 0);
	assert_int_equal(mm_new(&m, &pid), 0);
	assert_int_equal(mm_mmap(&m, pid, 1, VM_READ | VM_WRITE, true, BACKING_ANON, 0, &va), 0);
	assert_int_equal(mm_madvise_free(&m, pid, va, PAGE_SIZE), -EINVAL);
	assert_int_equal(mm_madvise_free(&m, pid, va + 64 * PAGE_SIZE, PAGE_SIZE), -ENOMEM);
	assert_int_equal(mm_madvise_free(&m, pid, va + 1, PAGE_SIZE), -EINVAL);
	machine_destroy(&m);
}

/* MADV_COLD ages the entry; MADV_PAGEOUT leaves a page two processes map */
static void cold_and_pageout(void **state)
{
	struct machine m;
	int pid, child;
	uint64_t va, before;

	(void)state;
	setup("x86_64", &m, &pid, &va, 0x11);
	before = entry_of(&m, pid, va);
	assert_int_equal(mm_madvise_cold(&m, pid, va, PAGE_SIZE), 0);
	assert_int_equal(entry_of(&m, pid, va), before & ~X86_ACCESSED);
	assert_int_equal(mm_fork(&m, pid, &child), 0);
	before = entry_of(&m, pid, va);
	assert_int_equal(mm_madvise_pageout(&m, pid, va, PAGE_SIZE), 0);
	assert_int_equal(entry_of(&m, pid, va), before);
	mm_exit(&m, child);
	assert_int_equal(mm_madvise_pageout(&m, pid, va, PAGE_SIZE), 0);
	assert_true(mm_pagemap(&m, pid, va) & PM_SWAP);
	assert_consistent(&m);
	machine_destroy(&m);
}

/* remove_migration_pte(): a new frame, the same data; young, dirty,
 * write and soft-dirty come back from the migration entry */
static void migrate_keeps_bits(void **state)
{
	struct machine m;
	int pid;
	uint64_t va, before, after;

	(void)state;
	setup("x86_64", &m, &pid, &va, 0x11);
	before = entry_of(&m, pid, va);
	assert_int_equal(mm_migrate(&m, pid, va, PAGE_SIZE), 0);
	after = entry_of(&m, pid, va);
	assert_int_not_equal(X86_PFN(after), X86_PFN(before));
	assert_int_equal(after & ~(((UINT64_C(1) << 40) - 1) << 12), before & ~(((UINT64_C(1) << 40) - 1) << 12));
	assert_true(mm_pagemap(&m, pid, va) & PM_MMAP_EXCLUSIVE);
	assert_int_equal(load(&m, pid, va), 0x11);
	assert_consistent(&m);
	machine_destroy(&m);
}

/* after clear_refs the entry is dirty but not soft-dirty: pte_mkdirty()
 * in remove_migration_pte() must not bring soft-dirty back (it is applied
 * after, from the migration entry); the page stays exclusive through a
 * readable-exclusive entry, so the next store reuses it */
static void migrate_no_false_soft_dirty(void **state)
{
	struct machine m;
	int pid;
	uint64_t va, after, pfn;

	(void)state;
	setup("x86_64", &m, &pid, &va, 0x11);
	assert_int_equal(mm_clear_refs(&m, pid, 4), 0);
	assert_int_equal(mm_migrate(&m, pid, va, PAGE_SIZE), 0);
	after = entry_of(&m, pid, va);
	assert_true(after & X86_SAVED_DIRTY); /* pte_mkdirty() of a read-only entry */
	assert_false(after & (X86_SOFT_DIRTY | X86_RW | X86_DIRTY));
	pfn = mm_page_frame(&m, pid, va);
	store(&m, pid, va, 0x12);
	assert_int_equal(mm_page_frame(&m, pid, va), pfn);
	assert_true(entry_of(&m, pid, va) & X86_SOFT_DIRTY);
	machine_destroy(&m);
}

/* a pinned anon page cannot be shared into a migration entry: it stays */
static void migrate_pinned_stays(void **state)
{
	struct machine m;
	int pid;
	uint64_t va, pfn, before;

	(void)state;
	setup("x86_64", &m, &pid, &va, 0x11);
	assert_int_equal(mm_pin_page(&m, pid, va, &pfn), 0);
	before = entry_of(&m, pid, va);
	assert_int_equal(mm_migrate(&m, pid, va, PAGE_SIZE), -EBUSY);
	assert_int_equal(entry_of(&m, pid, va), before);
	mm_unpin_page(&m, pfn);
	assert_consistent(&m);
	machine_destroy(&m);
}

/* 4.15's remove_migration_pte(): pte_mkold() always */
static void migrate_4_15_makes_old(void **state)
{
	struct machine m;
	int pid;
	uint64_t va;

	(void)state;
	setup("arm64-v4.15-binlu", &m, &pid, &va, 0x11);
	assert_true(entry_of(&m, pid, va) & ARM64_AF);
	assert_int_equal(mm_migrate(&m, pid, va, PAGE_SIZE), 0);
	assert_false(entry_of(&m, pid, va) & ARM64_AF);
	assert_true(mm_pagemap(&m, pid, va) & PM_SOFT_DIRTY);
	machine_destroy(&m);
}

/* a shared page-cache page: unmapped, and its data stays with the file */
static void reclaim_shared_file(void **state)
{
	struct machine m;
	int pid;
	uint32_t obj;
	uint64_t va;

	(void)state;
	assert_int_equal(machine_init(&m, ptesim_layout_find("x86_64"), true), 0);
	assert_int_equal(mm_new(&m, &pid), 0);
	assert_int_equal(object_new(&m, BACKING_FILE, 1, &obj), 0);
	assert_int_equal(mm_mmap(&m, pid, 1, VM_READ | VM_WRITE, true, BACKING_FILE, obj, &va), 0);
	store(&m, pid, va, 0x21);
	assert_int_equal(mm_reclaim(&m, pid, va, PAGE_SIZE), 0);
	assert_int_equal(entry_of(&m, pid, va), 0);
	assert_consistent(&m);
	assert_int_equal(load(&m, pid, va), 0x21);
	machine_destroy(&m);
}

/* hw-write-untracked: a uffd-wp entry that keeps write permission (DBM on
 * arm64) is a violation even where this MMU would not use DBM */
static void uffd_wp_writable_is_violation(void **state)
{
	struct machine m;
	int pid;
	uint64_t va, value = 1;
	pte_t *ptep;
	struct violation v = { 0 };

	(void)state;
	assert_int_equal(machine_init(&m, ptesim_layout_find("arm64-v6.10"), false), 0);
	assert_int_equal(mm_new(&m, &pid), 0);
	assert_int_equal(mm_mmap(&m, pid, 1, VM_READ | VM_WRITE, false, BACKING_ANON, 0, &va), 0);
	assert_int_equal(mm_access(&m, pid, va, true, &value), ACCESS_OK);
	assert_true(check_hw_write_untracked(&m, namer, NULL, &v));
	ptep = mm_pte(&m, &m.procs[pid], va, false);
	/* pte_mkuffd_wp() write-protects: the proper entry passes */
	*ptep = pte_mkuffd_wp(m.L, *ptep);
	assert_true(check_hw_write_untracked(&m, namer, NULL, &v));
	/* the bit set by hand on a writable entry does not */
	*ptep = pte_mkwrite(m.L, *ptep);
	assert_false(check_hw_write_untracked(&m, namer, NULL, &v));
	assert_string_equal(v.name, "hw-write-untracked");
	machine_destroy(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clear_refs_values),
		cmocka_unit_test(clear_refs_soft_dirty_x86),
		cmocka_unit_test(clear_refs_soft_dirty_absent),
		cmocka_unit_test(clear_refs_skips_pinned),
		cmocka_unit_test(clear_refs_young),
		cmocka_unit_test(lazyfree_discarded),
		cmocka_unit_test(lazyfree_redirtied_restored),
		cmocka_unit_test(lazyfree_pinned_kept),
		cmocka_unit_test(lazyfree_from_swap_cache),
		cmocka_unit_test(lazyfree_anon_only),
		cmocka_unit_test(cold_and_pageout),
		cmocka_unit_test(migrate_keeps_bits),
		cmocka_unit_test(migrate_no_false_soft_dirty),
		cmocka_unit_test(migrate_pinned_stays),
		cmocka_unit_test(migrate_4_15_makes_old),
		cmocka_unit_test(reclaim_shared_file),
		cmocka_unit_test(uffd_wp_writable_is_violation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
