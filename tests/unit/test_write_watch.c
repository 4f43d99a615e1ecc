/* SPDX-License-Identifier: MIT */
/*
 * The write-watch pair through the public API, in the order of Wine's
 * test_write_watch (dlls/kernel32/tests/virtual.c): nothing written after
 * the watch starts; a written page reported until a reset; a reset with a
 * count limit resets only what it reported; a reset of the range; pages the
 * kernel writes count as written; a layout without uffd-wp refuses.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ptesim/ptesim.h"

#define PAGE 4096u

struct watch {
	ptesim_sim *sim;
	uint64_t base;
};

static void start(struct watch *w, const char *layout, uint64_t pages)
{
	assert_int_equal(ptesim_sim_new(ptesim_layout_find(layout), &w->sim), 0);
	assert_int_equal(ptesim_sim_mmap_anon(w->sim, pages, &w->base), 0);
	assert_int_equal(ptesim_write_watch_enable(w->sim, w->base, pages * PAGE), 0);
}

/* the written pages' indexes, as GetWriteWatch returns them */
static size_t written(struct watch *w, bool reset, size_t room, uint64_t *idx)
{
	uint64_t pages[16];
	size_t count = room;

	assert_int_equal(ptesim_write_watch_get(w->sim, w->base, 16 * PAGE, reset, pages, &count), 0);
	for (size_t i = 0; i < count; i++)
		idx[i] = (pages[i] - w->base) / PAGE;
	return count;
}

static void wine_sequence(void **state)
{
	const char *layout = *state;
	struct watch w;
	uint64_t idx[16], value = 0;

	start(&w, layout, 16);
	assert_int_equal(written(&w, false, 16, idx), 0);
	assert_int_equal(ptesim_sim_write(w.sim, w.base + 1 * PAGE, 0x11), 0);
	assert_int_equal(written(&w, false, 16, idx), 1);
	assert_int_equal(idx[0], 1);
	/* without reset the page stays written */
	assert_int_equal(written(&w, false, 16, idx), 1);
	assert_int_equal(written(&w, true, 16, idx), 1);
	assert_int_equal(written(&w, false, 16, idx), 0);
	/* a count limit resets only what it reported */
	assert_int_equal(ptesim_sim_write(w.sim, w.base + 2 * PAGE, 0x22), 0);
	assert_int_equal(ptesim_sim_write(w.sim, w.base + 5 * PAGE, 0x55), 0);
	assert_int_equal(written(&w, true, 1, idx), 1);
	assert_int_equal(idx[0], 2);
	assert_int_equal(written(&w, false, 16, idx), 1);
	assert_int_equal(idx[0], 5);
	/* ResetWriteWatch over the range */
	assert_int_equal(ptesim_write_watch_reset(w.sim, w.base, 16 * PAGE), 0);
	assert_int_equal(written(&w, false, 16, idx), 0);
	/* a kernel-side write (read(2) into the buffer) counts; data stays */
	assert_int_equal(ptesim_write_watch_mark_written(w.sim, w.base + 3 * PAGE, 2 * PAGE), 0);
	assert_int_equal(written(&w, false, 16, idx), 2);
	assert_int_equal(idx[0], 3);
	assert_int_equal(idx[1], 4);
	assert_int_equal(ptesim_sim_read(w.sim, w.base + 5 * PAGE, &value), 0);
	assert_int_equal(value, 0x55);
	assert_int_equal(ptesim_sim_read(w.sim, w.base + 3 * PAGE, &value), 0);
	assert_int_equal(value, 0);
	ptesim_sim_free(w.sim);
}

/* arm64 before 6.10 has no uffd-wp: UFFDIO_API refuses WP_ASYNC */
static void refused_without_uffd_wp(void **state)
{
	ptesim_sim *sim;
	uint64_t base;

	(void)state;
	assert_int_equal(ptesim_sim_new(ptesim_layout_find("arm64-v6.9"), &sim), 0);
	assert_int_equal(ptesim_sim_mmap_anon(sim, 4, &base), 0);
	assert_int_equal(ptesim_write_watch_enable(sim, base, 4 * PAGE), -EINVAL);
	ptesim_sim_free(sim);
	assert_int_equal(ptesim_sim_new(NULL, &sim), -EINVAL);
	assert_null(sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(wine_sequence, (void *)"x86_64"),
		cmocka_unit_test_prestate(wine_sequence, (void *)"arm64-v6.10"),
		cmocka_unit_test_prestate(wine_sequence, (void *)"arm64-v6.19"),
		cmocka_unit_test_prestate(wine_sequence, (void *)"arm64-v6.9-rfcv1"),
		cmocka_unit_test(refused_without_uffd_wp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
