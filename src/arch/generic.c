/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the architectures: the soft-dirty, uffd-wp and
 * swap-exclusive bit helpers (the same shape on x86 and arm64), the generic
 * stubs used when a layout lacks the feature (include/linux/pgtable.h
 * !CONFIG_HAVE_ARCH_SOFT_DIRTY, include/asm-generic/pgtable_uffd.h,
 * !__HAVE_ARCH_PTE_SWP_EXCLUSIVE), and Bin Lu's 2017 soft-dirty alias.
 */
#include "arch/arch_internal.h"

#define M(r) L_mask(L, r)

static bool bit_test(const struct ptesim_layout *L, pte_t pte, enum role r)
{
	return pte_val(pte) & M(r);
}

static pte_t bit_set(const struct ptesim_layout *L, pte_t pte, enum role r)
{
	return __pte(pte_val(pte) | M(r));
}

static pte_t bit_clear(const struct ptesim_layout *L, pte_t pte, enum role r)
{
	return __pte(pte_val(pte) & ~M(r));
}

#define BIT_HELPERS(feat, role, swprole)                                                         \
	static bool bit_pte_##feat(const struct ptesim_layout *L, pte_t p) { return bit_test(L, p, role); } \
	static pte_t bit_pte_clear_##feat(const struct ptesim_layout *L, pte_t p) { return bit_clear(L, p, role); } \
	static bool bit_pte_swp_##feat(const struct ptesim_layout *L, pte_t p) { return bit_test(L, p, swprole); } \
	static pte_t bit_pte_swp_mk##feat(const struct ptesim_layout *L, pte_t p) { return bit_set(L, p, swprole); } \
	static pte_t bit_pte_swp_clear_##feat(const struct ptesim_layout *L, pte_t p) { return bit_clear(L, p, swprole); }

BIT_HELPERS(soft_dirty, ROLE_SOFT_DIRTY, ROLE_SWP_SOFT_DIRTY)
BIT_HELPERS(uffd_wp, ROLE_UFFD_WP, ROLE_SWP_UFFD_WP)

static pte_t bit_pte_mksoft_dirty(const struct ptesim_layout *L, pte_t p)
{
	return bit_set(L, p, ROLE_SOFT_DIRTY);
}

/* x86 (since v6.2) and arm64: pte_mkuffd_wp() also write-protects */
static pte_t bit_pte_mkuffd_wp(const struct ptesim_layout *L, pte_t p)
{
	return L->ops.pte_wrprotect(L, bit_set(L, p, ROLE_UFFD_WP));
}

static bool bit_pte_swp_exclusive(const struct ptesim_layout *L, pte_t p)
{
	return bit_test(L, p, ROLE_SWP_EXCLUSIVE);
}

static pte_t bit_pte_swp_mkexclusive(const struct ptesim_layout *L, pte_t p)
{
	return bit_set(L, p, ROLE_SWP_EXCLUSIVE);
}

static pte_t bit_pte_swp_clear_exclusive(const struct ptesim_layout *L, pte_t p)
{
	return bit_clear(L, p, ROLE_SWP_EXCLUSIVE);
}

/* the generic stubs: tests say no, modifiers return the entry unchanged */
static bool stub_test(const struct ptesim_layout *L, pte_t p)
{
	(void)L;
	(void)p;
	return false;
}

static pte_t stub_identity(const struct ptesim_layout *L, pte_t p)
{
	(void)L;
	return p;
}

/* Bin Lu, "arm64: dirty memory check, enable soft dirty for arm64" (2017):
 * pte_soft_dirty = pte_sw_dirty, pte_mksoft_dirty = pte_mkdirty,
 * pte_clear_soft_dirty = pte_mkclean. */
static bool alias_pte_soft_dirty(const struct ptesim_layout *L, pte_t p)
{
	return L->ops.pte_sw_dirty(L, p);
}

static pte_t alias_pte_mksoft_dirty(const struct ptesim_layout *L, pte_t p)
{
	return L->ops.pte_mkdirty(L, p);
}

static pte_t alias_pte_clear_soft_dirty(const struct ptesim_layout *L, pte_t p)
{
	return L->ops.pte_mkclean(L, p);
}

void bind_generic_feature_helpers(struct arch_ops *o)
{
	o->pte_soft_dirty = bit_pte_soft_dirty;
	o->pte_mksoft_dirty = bit_pte_mksoft_dirty;
	o->pte_clear_soft_dirty = bit_pte_clear_soft_dirty;
	o->pte_swp_soft_dirty = bit_pte_swp_soft_dirty;
	o->pte_swp_mksoft_dirty = bit_pte_swp_mksoft_dirty;
	o->pte_swp_clear_soft_dirty = bit_pte_swp_clear_soft_dirty;
	o->pte_uffd_wp = bit_pte_uffd_wp;
	o->pte_mkuffd_wp = bit_pte_mkuffd_wp;
	o->pte_clear_uffd_wp = bit_pte_clear_uffd_wp;
	o->pte_swp_uffd_wp = bit_pte_swp_uffd_wp;
	o->pte_swp_mkuffd_wp = bit_pte_swp_mkuffd_wp;
	o->pte_swp_clear_uffd_wp = bit_pte_swp_clear_uffd_wp;
	o->pte_swp_exclusive = bit_pte_swp_exclusive;
	o->pte_swp_mkexclusive = bit_pte_swp_mkexclusive;
	o->pte_swp_clear_exclusive = bit_pte_swp_clear_exclusive;
}

void arch_bind_feature_helpers(struct ptesim_layout *L)
{
	struct arch_ops *o = &L->ops;

	if (L->soft_dirty_alias) {
		o->pte_soft_dirty = alias_pte_soft_dirty;
		o->pte_mksoft_dirty = alias_pte_mksoft_dirty;
		o->pte_clear_soft_dirty = alias_pte_clear_soft_dirty;
	} else if (!(L->features & PTESIM_FEAT_SOFT_DIRTY)) {
		o->pte_soft_dirty = stub_test;
		o->pte_mksoft_dirty = stub_identity;
		o->pte_clear_soft_dirty = stub_identity;
	}
	if (!(L->features & PTESIM_FEAT_SOFT_DIRTY)) {
		o->pte_swp_soft_dirty = stub_test;
		o->pte_swp_mksoft_dirty = stub_identity;
		o->pte_swp_clear_soft_dirty = stub_identity;
	}
	if (!(L->features & PTESIM_FEAT_UFFD_WP)) {
		o->pte_uffd_wp = stub_test;
		o->pte_mkuffd_wp = stub_identity;
		o->pte_clear_uffd_wp = stub_identity;
		o->pte_swp_uffd_wp = stub_test;
		o->pte_swp_mkuffd_wp = stub_identity;
		o->pte_swp_clear_uffd_wp = stub_identity;
	}
	if (!(L->features & PTESIM_FEAT_SWP_EXCLUSIVE)) {
		o->pte_swp_exclusive = stub_test;
		o->pte_swp_mkexclusive = stub_identity;
		o->pte_swp_clear_exclusive = stub_identity;
	}
}

swp_entry_t field_swp_entry(const struct ptesim_layout *L, unsigned type, uint64_t offset)
{
	return (swp_entry_t){ ((uint64_t)type << L->role_shift[ROLE_SWP_TYPE]) |
			      (offset << L->role_shift[ROLE_SWP_OFFSET]) };
}

unsigned field_swp_type(const struct ptesim_layout *L, swp_entry_t e)
{
	return (unsigned)L_get(L, ROLE_SWP_TYPE, e.val);
}

uint64_t field_swp_offset(const struct ptesim_layout *L, swp_entry_t e)
{
	return L_get(L, ROLE_SWP_OFFSET, e.val);
}

swp_entry_t identity_pte_to_swp_entry(const struct ptesim_layout *L, pte_t pte)
{
	(void)L;
	return (swp_entry_t){ pte_val(pte) };
}

pte_t identity_swp_entry_to_pte(const struct ptesim_layout *L, swp_entry_t e)
{
	(void)L;
	return __pte(e.val);
}
