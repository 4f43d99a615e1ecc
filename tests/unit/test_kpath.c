/* SPDX-License-Identifier: MIT */
/*
 * The path log (hw/kpath.h) and what the machine notes into it. The paths
 * expected are the kernel's own call chains: do_anonymous_page() for a
 * first write to anonymous memory (mm/memory.c), madvise_free_pte_range()
 * calling pte_mkclean() (mm/madvise.c), copy_present_pte() calling
 * ptep_set_wrprotect() and pte_wrprotect() for a writable private page
 * (mm/memory.c), clear_soft_dirty() (fs/proc/task_mmu.c), and the MMU's
 * own AF and DBM updates (Arm ARM, VMSAv8-64 hardware management).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hw/kpath.h"
#include "mm/mm.h"
#include "ptesim/ptesim.h"

/* the step named name (and, for a call, under function fn), or NULL */
static const struct kpath_step *step(const struct kpath_log *log, const char *fn, const char *name)
{
	for (size_t i = 0; i < log->n; i++) {
		const struct kpath_step *s = &log->step[i];

		if (strcmp(s->name, name))
			continue;
		if (!fn && s->kind != KPATH_CALL)
			return s;
		if (fn && s->kind == KPATH_CALL && s->parent >= 0 && !strcmp(log->step[s->parent].name, fn))
			return s;
	}
	return NULL;
}

static size_t index_of(const struct kpath_log *log, const struct kpath_step *s)
{
	return (size_t)(s - log->step);
}

static void calls_group_under_the_last_function(void **state)
{
	struct kpath_log log;

	(void)state;
	kpath_init(&log);
	kpath_add(&log, KPATH_FUNCTION, "f");
	kpath_add(&log, KPATH_CALL, "a");
	kpath_add(&log, KPATH_CALL, "b");
	kpath_add(&log, KPATH_FUNCTION, "g");
	kpath_add(&log, KPATH_CALL, "a");
	kpath_add(&log, KPATH_FUNCTION, "f");
	kpath_add(&log, KPATH_CALL, "a");
	kpath_add(&log, KPATH_CALL, "c");
	kpath_add(&log, KPATH_HW, "mmu");
	kpath_add(&log, KPATH_CALL, "d");
	assert_int_equal(log.n, 8); /* f a b g a c mmu d */
	assert_int_equal(step(&log, NULL, "f")->count, 2);
	assert_int_equal(step(&log, "f", "a")->count, 2);
	assert_int_equal(step(&log, "g", "a")->count, 1);
	assert_non_null(step(&log, "f", "c"));
	/* after the MMU a call belongs to no function */
	assert_int_equal(log.step[7].parent, -1);
}

static void a_full_log_counts_what_it_drops(void **state)
{
	struct kpath_log log;
	char names[KPATH_MAX_STEPS + 2][8];

	(void)state;
	kpath_init(&log);
	for (int i = 0; i < KPATH_MAX_STEPS + 1; i++) {
		snprintf(names[i], sizeof(names[i]), "f%d", i);
		kpath_add(&log, KPATH_FUNCTION, names[i]);
	}
	kpath_add(&log, KPATH_CALL, "lost");
	assert_int_equal(log.n, KPATH_MAX_STEPS);
	assert_int_equal(log.dropped, 2);
	/* the call after a dropped function is not put under another one */
	assert_int_equal(log.current, -1);
}

static void machine_with_page(const char *layout, struct machine *m, int *pid, uint64_t *va,
			      struct kpath_log *log)
{
	uint64_t v = 1;

	assert_int_equal(machine_init(m, ptesim_layout_find(layout), true), 0);
	assert_int_equal(mm_new(m, pid), 0);
	assert_int_equal(mm_mmap(m, *pid, 1, VM_READ | VM_WRITE, false, BACKING_ANON, 0, va), 0);
	kpath_init(log);
	mm_set_kpath(m, log);
	assert_int_equal(mm_access(m, *pid, *va, true, &v), ACCESS_OK);
	mm_set_kpath(m, NULL);
}

static void first_write_is_do_anonymous_page(void **state)
{
	struct machine m;
	struct kpath_log log;
	int pid;
	uint64_t va;
	const struct kpath_step *fault, *handler, *anon;

	(void)state;
	machine_with_page("arm64-v6.10", &m, &pid, &va, &log);
	fault = step(&log, NULL, "MMU: translation fault (descriptor not valid)");
	handler = step(&log, NULL, "handle_mm_fault");
	anon = step(&log, NULL, "do_anonymous_page");
	assert_non_null(fault);
	assert_non_null(handler);
	assert_non_null(anon);
	assert_true(index_of(&log, fault) < index_of(&log, handler));
	assert_true(index_of(&log, handler) < index_of(&log, anon));
	assert_non_null(step(&log, "do_anonymous_page", "pte_mkdirty"));
	assert_non_null(step(&log, "do_anonymous_page", "pte_mkwrite"));
	assert_null(step(&log, NULL, "do_wp_page"));
	machine_destroy(&m);
}

static void madv_free_then_store_is_hardware_only(void **state)
{
	struct machine m;
	struct kpath_log log, store;
	int pid;
	uint64_t va, v = 2;

	(void)state;
	machine_with_page("arm64-v6.10", &m, &pid, &va, &log);
	kpath_init(&log);
	mm_set_kpath(&m, &log);
	assert_int_equal(mm_madvise_free(&m, pid, va, PAGE_SIZE), 0);
	assert_non_null(step(&log, "madvise_free_pte_range", "pte_mkold"));
	assert_non_null(step(&log, "madvise_free_pte_range", "pte_mkclean"));
	/* the old, writable-clean entry: AF and DBM in hardware, no fault */
	kpath_init(&store);
	mm_set_kpath(&m, &store);
	assert_int_equal(mm_access(&m, pid, va, true, &v), ACCESS_OK);
	mm_set_kpath(&m, NULL);
	assert_non_null(step(&store, NULL, "MMU: hardware set AF (access flag), no fault"));
	assert_non_null(step(&store, NULL, "MMU: DBM cleared AP[2] (PTE_RDONLY), no fault: hardware-dirty"));
	assert_null(step(&store, NULL, "handle_mm_fault"));
	machine_destroy(&m);
}

/* The memo of fork's helper results must not hide them: a fork after one
 * that filled the memo still notes every helper */
static void every_fork_notes_its_helpers(void **state)
{
	struct machine m;
	struct kpath_log log;
	int pid, child;
	uint64_t va;

	(void)state;
	machine_with_page("x86_64", &m, &pid, &va, &log);
	for (int round = 0; round < 3; round++) {
		uint64_t v = 3;

		/* the page writable again, as before the first fork */
		assert_int_equal(mm_access(&m, pid, va, true, &v), ACCESS_OK);
		kpath_init(&log);
		mm_set_kpath(&m, round ? &log : NULL);
		assert_int_equal(mm_fork(&m, pid, &child), 0);
		mm_set_kpath(&m, NULL);
		if (!round) {
			assert_int_equal(log.n, 0); /* nothing noted without a log */
			mm_exit(&m, child);
			continue;
		}
		assert_non_null(step(&log, NULL, "copy_pte_range"));
		assert_int_equal(step(&log, NULL, "copy_present_pte")->count, 1);
		assert_non_null(step(&log, "copy_present_pte", "ptep_set_wrprotect"));
		assert_non_null(step(&log, "copy_present_pte", "pte_wrprotect"));
		assert_non_null(step(&log, "copy_present_pte", "pte_mkold"));
		mm_exit(&m, child);
	}
	machine_destroy(&m);
}

static void clear_refs_notes_clear_soft_dirty(void **state)
{
	struct machine m;
	struct kpath_log log;
	int pid;
	uint64_t va;

	(void)state;
	machine_with_page("x86_64", &m, &pid, &va, &log);
	kpath_init(&log);
	mm_set_kpath(&m, &log);
	assert_int_equal(mm_clear_refs(&m, pid, 4), 0);
	mm_set_kpath(&m, NULL);
	assert_non_null(step(&log, NULL, "clear_refs_write"));
	assert_non_null(step(&log, "clear_soft_dirty", "ptep_modify_prot_start"));
	assert_non_null(step(&log, "clear_soft_dirty", "pte_wrprotect"));
	assert_non_null(step(&log, "clear_soft_dirty", "pte_clear_soft_dirty"));
	machine_destroy(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(calls_group_under_the_last_function),
		cmocka_unit_test(a_full_log_counts_what_it_drops),
		cmocka_unit_test(first_write_is_do_anonymous_page),
		cmocka_unit_test(madv_free_then_store_is_hardware_only),
		cmocka_unit_test(every_fork_notes_its_helpers),
		cmocka_unit_test(clear_refs_notes_clear_soft_dirty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
