/* SPDX-License-Identifier: MIT */
/* Building non-present entries the way the kernel builds them. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "arch/pgtable.h"
#include "ptesim/pte.h"

static int eerr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static uint64_t max_offset(const struct ptesim_layout *L)
{
	unsigned w = L->role_field[ROLE_SWP_OFFSET]->width;

	if (w > SWP_TYPE_SHIFT)
		w = SWP_TYPE_SHIFT; /* the generic swp_entry_t keeps 58 bits */
	return w >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << w) - 1;
}

int ptesim_encode_swap(const ptesim_layout *L, unsigned type, uint64_t offset, unsigned flags,
		       uint64_t *entry, char *err, size_t errlen)
{
	pte_t pte;

	if (type >= L->era->max_swapfiles)
		return eerr(err, errlen, "swap type %u is not a swap file on %s (MAX_SWAPFILES = %u)", type,
			    L->name, L->era->max_swapfiles);
	if (offset > max_offset(L))
		return eerr(err, errlen, "swap offset 0x%llx does not fit %s (at most 0x%llx)",
			    (unsigned long long)offset, L->name, (unsigned long long)max_offset(L));
	if ((flags & PTESIM_SWP_EXCLUSIVE) && !(L->features & PTESIM_FEAT_SWP_EXCLUSIVE))
		return eerr(err, errlen, "%s has no swap-exclusive bit", L->name);
	if ((flags & PTESIM_SWP_UFFD_WP) && !(L->features & PTESIM_FEAT_UFFD_WP))
		return eerr(err, errlen, "%s has no uffd-wp", L->name);
	if ((flags & PTESIM_SWP_SOFT_DIRTY) && !(L->features & PTESIM_FEAT_SOFT_DIRTY))
		return eerr(err, errlen, "%s has no soft-dirty", L->name);
	pte = swp_entry_to_pte(L, swp_entry(type, offset));
	if (flags & PTESIM_SWP_EXCLUSIVE)
		pte = pte_swp_mkexclusive(L, pte);
	if (flags & PTESIM_SWP_UFFD_WP)
		pte = pte_swp_mkuffd_wp(L, pte);
	if (flags & PTESIM_SWP_SOFT_DIRTY)
		pte = pte_swp_mksoft_dirty(L, pte);
	*entry = pte_val(pte);
	return 0;
}

int ptesim_encode_marker(const ptesim_layout *L, unsigned marker, uint64_t *entry, char *err,
			 size_t errlen)
{
	if (!L->era->marker_mask)
		return eerr(err, errlen, "%s has no PTE markers", L->name);
	if (!marker || (marker & ~L->era->marker_mask))
		return eerr(err, errlen, "marker 0x%x: %s defines the marker bits 0x%x", marker, L->name,
			    L->era->marker_mask);
	if ((marker & PTE_MARKER_UFFD_WP) && !(L->features & PTESIM_FEAT_UFFD_WP))
		return eerr(err, errlen, "%s has no uffd-wp, so no uffd-wp marker", L->name);
	*entry = pte_val(make_pte_marker(L, marker));
	return 0;
}

int ptesim_encode_migration(const ptesim_layout *L, enum ptesim_migration type, uint64_t pfn,
			    bool young, bool dirty, uint64_t *entry, char *err, size_t errlen)
{
	swp_entry_t e;
	uint64_t pfn_max;

	if (!L->era->migration_num)
		return eerr(err, errlen, "%s has no migration entries", L->name);
	pfn_max = migration_entry_supports_ad(L) ? (UINT64_C(1) << L->era->mig_ad_bit) - 1 : max_offset(L);
	if (pfn > pfn_max)
		return eerr(err, errlen, "pfn 0x%llx does not fit a migration entry of %s",
			    (unsigned long long)pfn, L->name);
	if ((young || dirty) && !migration_entry_supports_ad(L))
		return eerr(err, errlen, "%s migration entries keep no young or dirty bit", L->name);
	switch (type) {
	case PTESIM_MIGRATION_READ:
		e = make_readable_migration_entry(L, pfn);
		break;
	case PTESIM_MIGRATION_READ_EXCLUSIVE:
		if (SWP_MIGRATION_READ_EXCLUSIVE(L) < 0)
			return eerr(err, errlen, "%s has no read-exclusive migration entry", L->name);
		e = make_readable_exclusive_migration_entry(L, pfn);
		break;
	case PTESIM_MIGRATION_WRITE:
		e = make_writable_migration_entry(L, pfn);
		break;
	default:
		return eerr(err, errlen, "unknown migration type");
	}
	if (young)
		e = make_migration_entry_young(L, e);
	if (dirty)
		e = make_migration_entry_dirty(L, e);
	*entry = pte_val(swp_entry_to_pte(L, e));
	return 0;
}
