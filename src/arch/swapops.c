/* SPDX-License-Identifier: MIT */
/*
 * The generic swap-entry layer: include/linux/swapops.h and the special swap
 * types of include/linux/swap.h. The types above MAX_SWAPFILES follow the
 * kernel's order: SWP_HWPOISON, SWP_MIGRATION_*, SWP_DEVICE_*, then
 * SWP_PTE_MARKER, which is always the last type, 31.
 */
#include "arch/pgtable.h"

unsigned era_max_swapfiles(const struct ptesim_layout *L)
{
	return L->era->max_swapfiles;
}

unsigned SWP_HWPOISON(const struct ptesim_layout *L)
{
	return L->era->max_swapfiles;
}

unsigned SWP_MIGRATION_READ(const struct ptesim_layout *L)
{
	return L->era->max_swapfiles + L->era->hwpoison_num;
}

int SWP_MIGRATION_READ_EXCLUSIVE(const struct ptesim_layout *L)
{
	return L->era->migration_num == 3 ? (int)SWP_MIGRATION_READ(L) + 1 : -1;
}

unsigned SWP_MIGRATION_WRITE(const struct ptesim_layout *L)
{
	return SWP_MIGRATION_READ(L) + L->era->migration_num - 1;
}

unsigned SWP_DEVICE_FIRST(const struct ptesim_layout *L)
{
	return SWP_MIGRATION_READ(L) + L->era->migration_num;
}

int SWP_PTE_MARKER(const struct ptesim_layout *L)
{
	if (!L->era->marker_mask)
		return -1;
	return (int)(SWP_DEVICE_FIRST(L) + L->era->device_num);
}

/* is_swap_pte(): neither none nor present */
bool is_swap_pte(const struct ptesim_layout *L, pte_t pte)
{
	return !pte_none(L, pte) && !pte_present(L, pte);
}

/* pte_swp_clear_flags(): drop exclusive, soft-dirty and uffd-wp first */
static pte_t pte_swp_clear_flags(const struct ptesim_layout *L, pte_t pte)
{
	if (pte_swp_exclusive(L, pte))
		pte = pte_swp_clear_exclusive(L, pte);
	if (pte_swp_soft_dirty(L, pte))
		pte = pte_swp_clear_soft_dirty(L, pte);
	if (pte_swp_uffd_wp(L, pte))
		pte = pte_swp_clear_uffd_wp(L, pte);
	return pte;
}

swp_entry_t pte_to_swp_entry(const struct ptesim_layout *L, pte_t pte)
{
	swp_entry_t arch_entry = __pte_to_swp_entry(L, pte_swp_clear_flags(L, pte));

	return swp_entry(__swp_type(L, arch_entry), __swp_offset(L, arch_entry));
}

pte_t swp_entry_to_pte(const struct ptesim_layout *L, swp_entry_t entry)
{
	return __swp_entry_to_pte(L, __swp_entry(L, swp_type(entry), swp_offset(entry)));
}

bool is_migration_entry(const struct ptesim_layout *L, swp_entry_t entry)
{
	unsigned t = swp_type(entry);

	return L->era->migration_num && t >= SWP_MIGRATION_READ(L) && t <= SWP_MIGRATION_WRITE(L);
}

bool is_writable_migration_entry(const struct ptesim_layout *L, swp_entry_t entry)
{
	return L->era->migration_num && swp_type(entry) == SWP_MIGRATION_WRITE(L);
}

swp_entry_t make_readable_migration_entry(const struct ptesim_layout *L, uint64_t pfn)
{
	return swp_entry(SWP_MIGRATION_READ(L), pfn);
}

swp_entry_t make_writable_migration_entry(const struct ptesim_layout *L, uint64_t pfn)
{
	return swp_entry(SWP_MIGRATION_WRITE(L), pfn);
}

/* Before 5.19 there is no read-exclusive type: a readable entry is used. */
swp_entry_t make_readable_exclusive_migration_entry(const struct ptesim_layout *L, uint64_t pfn)
{
	int t = SWP_MIGRATION_READ_EXCLUSIVE(L);

	return swp_entry(t < 0 ? SWP_MIGRATION_READ(L) : (unsigned)t, pfn);
}

/* migration_entry_supports_ad(): the offset has room for the pfn and A/D */
bool migration_entry_supports_ad(const struct ptesim_layout *L)
{
	return L->era->mig_ad_bit >= 0;
}

static uint64_t mig_bit(const struct ptesim_layout *L, int which)
{
	return UINT64_C(1) << (L->era->mig_ad_bit + which);
}

swp_entry_t make_migration_entry_young(const struct ptesim_layout *L, swp_entry_t entry)
{
	if (!migration_entry_supports_ad(L))
		return entry;
	return swp_entry(swp_type(entry), swp_offset(entry) | mig_bit(L, 0));
}

swp_entry_t make_migration_entry_dirty(const struct ptesim_layout *L, swp_entry_t entry)
{
	if (!migration_entry_supports_ad(L))
		return entry;
	return swp_entry(swp_type(entry), swp_offset(entry) | mig_bit(L, 1));
}

bool is_migration_entry_young(const struct ptesim_layout *L, swp_entry_t entry)
{
	/* without A/D bits the kernel ages the page after migration */
	return migration_entry_supports_ad(L) && (swp_offset(entry) & mig_bit(L, 0));
}

bool is_migration_entry_dirty(const struct ptesim_layout *L, swp_entry_t entry)
{
	/* without A/D bits the page keeps its dirty flag instead */
	return migration_entry_supports_ad(L) && (swp_offset(entry) & mig_bit(L, 1));
}

/* swp_offset_pfn(): the pfn of a pfn swap entry, without the A/D bits */
uint64_t swp_offset_pfn(const struct ptesim_layout *L, swp_entry_t entry)
{
	if (!migration_entry_supports_ad(L))
		return swp_offset(entry);
	return swp_offset(entry) & (mig_bit(L, 0) - 1);
}

swp_entry_t make_pte_marker_entry(const struct ptesim_layout *L, unsigned marker)
{
	return swp_entry((unsigned)SWP_PTE_MARKER(L), marker);
}

pte_t make_pte_marker(const struct ptesim_layout *L, unsigned marker)
{
	return swp_entry_to_pte(L, make_pte_marker_entry(L, marker));
}

bool is_pte_marker_entry(const struct ptesim_layout *L, swp_entry_t entry)
{
	int t = SWP_PTE_MARKER(L);

	return t >= 0 && swp_type(entry) == (unsigned)t;
}

bool is_pte_marker(const struct ptesim_layout *L, pte_t pte)
{
	return is_swap_pte(L, pte) && is_pte_marker_entry(L, pte_to_swp_entry(L, pte));
}

/* pte_marker_get(): the offset under PTE_MARKER_MASK of the era */
unsigned pte_marker_get(const struct ptesim_layout *L, swp_entry_t entry)
{
	return (unsigned)(swp_offset(entry) & L->era->marker_mask);
}

/* pte_marker_uffd_wp(): false where the layout has no uffd-wp, as with
 * !CONFIG_PTE_MARKER_UFFD_WP */
bool pte_marker_uffd_wp(const struct ptesim_layout *L, pte_t pte)
{
	if (!(L->features & PTESIM_FEAT_UFFD_WP) || !is_pte_marker(L, pte))
		return false;
	return pte_marker_get(L, pte_to_swp_entry(L, pte)) & PTE_MARKER_UFFD_WP;
}
