/* SPDX-License-Identifier: MIT */
/*
 * The machine's own promises: sparse memory, and the MMU's updates of the
 * descriptor (Arm ARM: AF and AP[2] through DBM only for an access that
 * completes; x86: A on every access, D on a store through RW=1), and the
 * anon_vma and VM_ACCOUNT rules of VMA merging.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hw/mmu.h"
#include "mm/mm.h"
#include "ptesim/ptesim.h"

#define BIT(n) (UINT64_C(1) << (n))

static void test_terabyte_three_pages(void **state)
{
	struct machine m;
	int pid;
	uint64_t va, pages = UINT64_C(1) << 28; /* 1 TiB of 4 KiB pages */
	size_t tables = 0, data = 0;

	(void)state;
	assert_int_equal(machine_init(&m, ptesim_layout_find("arm64-v6.10"), true), 0);
	assert_int_equal(mm_new(&m, &pid), 0);
	assert_int_equal(mm_mmap(&m, pid, pages, VM_READ | VM_WRITE, false, BACKING_ANON, 0, &va), 0);
	for (int i = 0; i < 3; i++) {
		uint64_t v = (uint64_t)i + 1, where = va + (pages / 3) * (uint64_t)i * PAGE_SIZE;

		assert_int_equal(mm_access(&m, pid, where, true, &v), ACCESS_OK);
	}
	for (size_t i = 0; i < m.frames.n; i++) {
		if (!(m.frames.v[i].flags & FRAME_USED))
			continue;
		if (m.frames.v[i].flags & FRAME_TABLE)
			tables++;
		else if (!(m.frames.v[i].flags & FRAME_ZERO))
			data++;
	}
	assert_int_equal(data, 3);
	/* a PGD, and at most a PUD, a PMD and a PTE table per touched page */
	assert_true(tables <= 1 + 3 * 3);
	machine_destroy(&m);
}

/* an entry made by hand in a fresh table, walked by the MMU */
static void mmu_case(const char *layout, bool hafdbs, uint64_t entry, bool write, enum mmu_fault want,
		     uint64_t after)
{
	struct frames f;
	const struct ptesim_layout *L = ptesim_layout_find(layout);
	struct mmu_config cfg = { .hafdbs = hafdbs };
	struct mmu_result r;
	uint64_t root, va = UINT64_C(0x7f0000001000);
	pte_t *ptep;

	assert_int_equal(frames_init(&f), 0);
	root = pgtable_alloc_root(&f, L);
	ptep = pgtable_pte(&f, L, root, va, true);
	assert_non_null(ptep);
	*ptep = (pte_t){ entry };
	mmu_access(&f, L, &cfg, root, va, write, &r);
	assert_int_equal(r.fault, want);
	if (pte_val(*ptep) != after)
		fail_msg("%s entry 0x%llx %s: 0x%llx after, expected 0x%llx", layout, (unsigned long long)entry,
			 write ? "store" : "load", (unsigned long long)pte_val(*ptep), (unsigned long long)after);
	frames_destroy(&f);
}

static void test_arm64_hafdbs(void **state)
{
	/* VALID|TABLE 0-1, USER 6, RDONLY 7, AF 10, DBM 51 */
	const uint64_t base = BIT(0) | BIT(1) | BIT(6);

	(void)state;
	/* hardware AF sets AF on a load */
	mmu_case("arm64-v6.10", true, base | BIT(7), false, MMU_OK, base | BIT(7) | BIT(10));
	/* without it: an access-flag fault, nothing written */
	mmu_case("arm64-v6.10", false, base | BIT(7), false, MMU_ACCESS_FLAG, base | BIT(7));
	/* DBM: a store to writable-clean clears AP[2] with no fault */
	mmu_case("arm64-v6.10", true, base | BIT(7) | BIT(10) | BIT(51), true, MMU_OK, base | BIT(10) | BIT(51));
	/* without DBM in hardware: a permission fault, nothing written */
	mmu_case("arm64-v6.10", false, base | BIT(7) | BIT(10) | BIT(51), true, MMU_PERMISSION,
		 base | BIT(7) | BIT(10) | BIT(51));
	/* read-only (DBM=0): a store faults and AF is not set by the failed access */
	mmu_case("arm64-v6.10", true, base | BIT(7), true, MMU_PERMISSION, base | BIT(7));
	/* invalid: a translation fault */
	mmu_case("arm64-v6.10", true, BIT(1) | BIT(6) | BIT(7) | BIT(11), false, MMU_TRANSLATION,
		 BIT(1) | BIT(6) | BIT(7) | BIT(11));
}

static void test_x86_ad(void **state)
{
	/* PRESENT 0, RW 1, USER 2, ACCESSED 5, DIRTY 6 */
	(void)state;
	mmu_case("x86_64", true, BIT(0) | BIT(2), false, MMU_OK, BIT(0) | BIT(2) | BIT(5));
	mmu_case("x86_64", true, BIT(0) | BIT(1) | BIT(2), true, MMU_OK, BIT(0) | BIT(1) | BIT(2) | BIT(5) | BIT(6));
	mmu_case("x86_64", true, BIT(0) | BIT(2), true, MMU_PERMISSION, BIT(0) | BIT(2));
	/* PROT_NONE (_PAGE_PROTNONE 8 without PRESENT): not present to the MMU */
	mmu_case("x86_64", true, BIT(5) | BIT(8), false, MMU_TRANSLATION, BIT(5) | BIT(8));
}

/* A private file mapping of 3 pages, r0[2] made read-only, r0[0] written:
 * r0[0:2] has an anon_vma, r0[2] none, both charged (VM_ACCOUNT). */
static void faulted_next_to_unfaulted(struct machine *m, int *pid, uint64_t *va)
{
	uint32_t obj;
	uint64_t v = 1;

	assert_int_equal(machine_init(m, ptesim_layout_find("x86_64"), true), 0);
	assert_int_equal(mm_new(m, pid), 0);
	assert_int_equal(object_new(m, BACKING_FILE, 3, &obj), 0);
	assert_int_equal(mm_mmap(m, *pid, 3, VM_READ | VM_WRITE, false, BACKING_FILE, obj, va), 0);
	assert_int_equal(mm_mprotect(m, *pid, *va + 2 * PAGE_SIZE, PAGE_SIZE, VM_READ), 0);
	assert_int_equal(mm_access(m, *pid, *va, true, &v), ACCESS_OK);
	assert_int_equal(m->procs[*pid].nvmas, 2);
	assert_true(m->procs[*pid].vmas[0].anon_vma != 0);
	assert_int_equal(m->procs[*pid].vmas[1].anon_vma, 0);
}

/* is_mergeable_anon_vma() of 6.16+: the changed VMA's anon_vma spreads to
 * a neighbour without one (dup_anon_vma()) */
static void test_merge_spreads_anon_vma(void **state)
{
	struct machine m;
	int pid;
	uint64_t va, av;

	(void)state;
	faulted_next_to_unfaulted(&m, &pid, &va);
	av = m.procs[pid].vmas[0].anon_vma;
	assert_int_equal(mm_mprotect(&m, pid, va, 2 * PAGE_SIZE, VM_READ), 0);
	assert_int_equal(m.procs[pid].nvmas, 1);
	assert_int_equal(m.procs[pid].vmas[0].end - m.procs[pid].vmas[0].start, 3 * PAGE_SIZE);
	assert_int_equal(m.procs[pid].vmas[0].anon_vma, av);
	machine_destroy(&m);
}

/* ...but not one that came through fork, and two of a child's VMAs with
 * anon_vmas of their own do not merge either */
static void test_fork_child_anon_vma_stays(void **state)
{
	struct machine m;
	int pid, child;
	uint64_t va;

	(void)state;
	faulted_next_to_unfaulted(&m, &pid, &va);
	assert_int_equal(mm_fork(&m, pid, &child), 0);
	assert_true(m.procs[child].vmas[0].anon_vma_forked);
	assert_true(m.procs[child].vmas[0].anon_vma != m.procs[pid].vmas[0].anon_vma);
	assert_int_equal(mm_mprotect(&m, child, va, 2 * PAGE_SIZE, VM_READ), 0);
	assert_int_equal(m.procs[child].nvmas, 2);
	/* the parent's own anon_vma still spreads */
	assert_int_equal(mm_mprotect(&m, pid, va, 2 * PAGE_SIZE, VM_READ), 0);
	assert_int_equal(m.procs[pid].nvmas, 1);
	machine_destroy(&m);
}

/* mprotect_fixup(): an anonymous VMA without anon_vma made read-only gives
 * VM_ACCOUNT back; one with an anon_vma keeps it, and stays apart */
static void test_account_given_back(void **state)
{
	struct machine m;
	int pid;
	uint64_t va, v = 1;

	(void)state;
	assert_int_equal(machine_init(&m, ptesim_layout_find("x86_64"), true), 0);
	assert_int_equal(mm_new(&m, &pid), 0);
	assert_int_equal(mm_mmap(&m, pid, 3, VM_READ | VM_WRITE, false, BACKING_ANON, 0, &va), 0);
	assert_true(m.procs[pid].vmas[0].vm_flags & VM_ACCOUNT);
	assert_int_equal(mm_mprotect(&m, pid, va + 2 * PAGE_SIZE, PAGE_SIZE, VM_READ), 0);
	assert_false(m.procs[pid].vmas[1].vm_flags & VM_ACCOUNT);
	assert_int_equal(mm_access(&m, pid, va, true, &v), ACCESS_OK);
	assert_int_equal(mm_mprotect(&m, pid, va, 2 * PAGE_SIZE, VM_READ), 0);
	assert_true(m.procs[pid].vmas[0].vm_flags & VM_ACCOUNT);
	assert_int_equal(m.procs[pid].nvmas, 2);
	machine_destroy(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terabyte_three_pages),
		cmocka_unit_test(test_arm64_hafdbs),
		cmocka_unit_test(test_x86_ad),
		cmocka_unit_test(test_merge_spreads_anon_vma),
		cmocka_unit_test(test_fork_child_anon_vma_stays),
		cmocka_unit_test(test_account_given_back),
	};

	return cmocka_run_group_tests_name("machine", tests, NULL, NULL);
}
