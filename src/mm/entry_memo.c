/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "mm/entry_memo.h"

void entry_memo_init(struct entry_memo *e, const struct ptesim_layout *L)
{
	memset(e, 0, sizeof(*e));
	e->pfn_mask = pte_val(pfn_pte(L, ~UINT64_C(0) >> 12, __pgprot(0)));
}

/* how pte_pfn() reads the pfn bits of v: straight, inverted (x86's
 * PROT_NONE entries), or neither */
static bool pfn_reading(const struct entry_memo *e, const struct ptesim_layout *L, uint64_t v, uint64_t *xor)
{
	uint64_t flip = v ^ e->pfn_mask;
	const uint64_t ways[2] = { 0, ~UINT64_C(0) };

	for (int i = 0; i < 2; i++)
		if (pte_pfn(L, __pte(v)) == (((v ^ ways[i]) & e->pfn_mask) >> 12) &&
		    pte_pfn(L, __pte(flip)) == (((flip ^ ways[i]) & e->pfn_mask) >> 12)) {
			*xor = ways[i];
			return true;
		}
	return false;
}

bool entry_memo_store(struct entry_memo *e, const struct ptesim_layout *L, uint64_t entry, uint64_t ctx,
		      const uint64_t out[2], const uint64_t twin_out[2], int nout, uint32_t meta, uint32_t twin_meta)
{
	struct entry_memo_slot *s = entry_memo_slot(e, entry, ctx);
	uint64_t twin = entry_memo_twin(e, entry), xor;

	if (meta != twin_meta || !pte_present(L, __pte(entry)) || !pte_present(L, __pte(twin)) ||
	    !pfn_reading(e, L, entry, &xor))
		return false;
	for (int i = 0; i < nout; i++)
		if ((out[i] & e->pfn_mask) != (entry & e->pfn_mask) || (twin_out[i] & e->pfn_mask) != (twin & e->pfn_mask) ||
		    (out[i] & ~e->pfn_mask) != (twin_out[i] & ~e->pfn_mask))
			return false;
	s->key = entry & ~e->pfn_mask;
	s->ctx = ctx;
	s->pfn_xor = xor;
	s->meta = meta;
	for (int i = 0; i < 2; i++)
		s->out[i] = i < nout ? out[i] & ~e->pfn_mask : 0;
	s->valid = true;
	return true;
}

uint32_t entry_memo_apply(struct entry_memo *e, const struct ptesim_layout *L, uint64_t entry, uint64_t ctx,
			  const struct entry_memo_slot *s, entry_memo_fn fn, const void *arg, uint64_t out[2])
{
	uint64_t twin[2];
	uint32_t meta;

	if (s) {
		out[0] = entry_memo_out(e, s, 0, entry);
		out[1] = entry_memo_out(e, s, 1, entry);
		return s->meta;
	}
	meta = fn(arg, entry, out);
	entry_memo_store(e, L, entry, ctx, out, twin, 2, meta, fn(arg, entry_memo_twin(e, entry), twin));
	return meta;
}
