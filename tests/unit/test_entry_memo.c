/* SPDX-License-Identifier: MIT */
/*
 * The entry memo gives, for any entry of a kind it has seen, exactly what
 * the helpers give: checked on many random present entries of every
 * layout against the helpers called directly, and it refuses what it
 * cannot reproduce.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mm/entry_memo.h"
#include "ptesim/ptesim.h"

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* a walk's pure work: what fork does to a parent's writable entry */
static uint32_t work(const struct ptesim_layout *L, uint64_t v, uint64_t out[2])
{
	pte_t pte = __pte(v);

	out[0] = pte_val(pte_wrprotect(L, pte));
	out[1] = pte_val(pte_mkold(L, pte_mkclean(L, pte_wrprotect(L, pte))));
	return (pte_special(L, pte) ? 1u : 0u) | (pte_soft_dirty(L, pte) ? 2u : 0u);
}

static void memo_matches_helpers(void **state)
{
	(void)state;
	for (size_t l = 0; l < ptesim_layout_count(); l++) {
		const struct ptesim_layout *L = ptesim_layout_builtin(l);
		struct entry_memo e;
		unsigned stored = 0, hits = 0;

		entry_memo_init(&e, L);
		uint64_t kinds[32];

		/* kinds of entry the kernel makes: each protection, some made
		 * dirty, young, special or soft-dirty */
		for (int k = 0; k < 32; k++) {
			pte_t pte = pfn_pte(L, 1, vm_get_page_prot(L, (unsigned long)(k & 15)));

			if (k & 16)
				pte = pte_mkdirty(L, pte_mkspecial(L, pte));
			if (k & 1)
				pte = pte_mkold(L, pte_mksoft_dirty(L, pte));
			kinds[k] = pte_val(pte) & ~e.pfn_mask;
		}
		for (int i = 0; i < 20000; i++) {
			uint64_t v = kinds[next() % 32] | (next() & e.pfn_mask), out[2], twin[2], want[2];
			const struct entry_memo_slot *s = entry_memo_find(&e, v, 7);
			uint32_t meta = work(L, v, want);

			if (s) {
				hits++;
				assert_int_equal(entry_memo_out(&e, s, 0, v), want[0]);
				assert_int_equal(entry_memo_out(&e, s, 1, v), want[1]);
				assert_int_equal(s->meta, meta);
				assert_int_equal(entry_memo_pfn(&e, s, v), pte_pfn(L, __pte(v)));
				continue;
			}
			work(L, v, out);
			stored += entry_memo_store(&e, L, v, 7, out, twin, 2, meta,
						   work(L, entry_memo_twin(&e, v), twin));
			/* a different context never finds it */
			assert_null(entry_memo_find(&e, v, 8));
		}
		assert_true(stored > 0);
		assert_true(hits > 1000);
	}
}

/* an entry that is not present is never memoized */
static void memo_refuses_non_present(void **state)
{
	(void)state;
	for (size_t l = 0; l < ptesim_layout_count(); l++) {
		const struct ptesim_layout *L = ptesim_layout_builtin(l);
		struct entry_memo e;
		uint64_t out[2] = { 0, 0 }, twin[2] = { 0, 0 };

		entry_memo_init(&e, L);
		assert_false(entry_memo_store(&e, L, 0, 0, out, twin, 0, 0, 0));
		assert_null(entry_memo_find(&e, 0, 0));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(memo_matches_helpers),
		cmocka_unit_test(memo_refuses_non_present),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
