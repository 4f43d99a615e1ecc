/* SPDX-License-Identifier: MIT */
/* The kernel's helpers by name, for the public API and `ptesim helper`. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "arch/pgtable.h"
#include "ptesim/pte.h"

#define OPS_OFF(name) offsetof(struct arch_ops, name)

struct named {
	const char *name;
	size_t off;
	bool pred;
};

static const struct named helpers[] = {
	{ "pte_none", OPS_OFF(pte_none), true },
	{ "pte_present", OPS_OFF(pte_present), true },
	{ "pte_valid", OPS_OFF(pte_valid), true },
	{ "pte_protnone", OPS_OFF(pte_protnone), true },
	{ "pte_present_invalid", OPS_OFF(pte_present_invalid), true },
	{ "pte_write", OPS_OFF(pte_write), true },
	{ "pte_dirty", OPS_OFF(pte_dirty), true },
	{ "pte_hw_dirty", OPS_OFF(pte_hw_dirty), true },
	{ "pte_sw_dirty", OPS_OFF(pte_sw_dirty), true },
	{ "pte_young", OPS_OFF(pte_young), true },
	{ "pte_special", OPS_OFF(pte_special), true },
	{ "pte_user", OPS_OFF(pte_user), true },
	{ "pte_soft_dirty", OPS_OFF(pte_soft_dirty), true },
	{ "pte_uffd_wp", OPS_OFF(pte_uffd_wp), true },
	{ "pte_swp_soft_dirty", OPS_OFF(pte_swp_soft_dirty), true },
	{ "pte_swp_uffd_wp", OPS_OFF(pte_swp_uffd_wp), true },
	{ "pte_swp_exclusive", OPS_OFF(pte_swp_exclusive), true },
	{ "pte_mkinvalid", OPS_OFF(pte_mkinvalid), false },
	{ "pte_mkspecial", OPS_OFF(pte_mkspecial), false },
	{ "pte_mkdirty", OPS_OFF(pte_mkdirty), false },
	{ "__pte_mkdirty", OPS_OFF(__pte_mkdirty), false },
	{ "pte_mkclean", OPS_OFF(pte_mkclean), false },
	{ "pte_mkyoung", OPS_OFF(pte_mkyoung), false },
	{ "pte_mkold", OPS_OFF(pte_mkold), false },
	{ "pte_wrprotect", OPS_OFF(pte_wrprotect), false },
	{ "pte_mkwrite_novma", OPS_OFF(pte_mkwrite_novma), false },
	{ "pte_mkwrite", OPS_OFF(pte_mkwrite), false },
	{ "pte_mksoft_dirty", OPS_OFF(pte_mksoft_dirty), false },
	{ "pte_clear_soft_dirty", OPS_OFF(pte_clear_soft_dirty), false },
	{ "pte_mkuffd_wp", OPS_OFF(pte_mkuffd_wp), false },
	{ "pte_clear_uffd_wp", OPS_OFF(pte_clear_uffd_wp), false },
	{ "pte_swp_mksoft_dirty", OPS_OFF(pte_swp_mksoft_dirty), false },
	{ "pte_swp_clear_soft_dirty", OPS_OFF(pte_swp_clear_soft_dirty), false },
	{ "pte_swp_mkuffd_wp", OPS_OFF(pte_swp_mkuffd_wp), false },
	{ "pte_swp_clear_uffd_wp", OPS_OFF(pte_swp_clear_uffd_wp), false },
	{ "pte_swp_mkexclusive", OPS_OFF(pte_swp_mkexclusive), false },
	{ "pte_swp_clear_exclusive", OPS_OFF(pte_swp_clear_exclusive), false },
};

#define NHELPERS (sizeof(helpers) / sizeof(helpers[0]))

typedef bool (*pred_fn)(const struct ptesim_layout *, pte_t);
typedef pte_t (*mod_fn)(const struct ptesim_layout *, pte_t);

static const struct named *lookup(const char *name)
{
	for (size_t i = 0; i < NHELPERS; i++)
		if (!strcmp(helpers[i].name, name))
			return &helpers[i];
	return NULL;
}


int ptesim_helper_apply(const ptesim_layout *L, const char *name, uint64_t entry, uint64_t *out)
{
	const struct named *h = lookup(name);
	mod_fn fn;

	if (!h || h->pred)
		return -ENOENT;
	memcpy(&fn, (const char *)&L->ops + h->off, sizeof(fn));
	if (!fn)
		return -EOPNOTSUPP;
	*out = pte_val(fn(L, __pte(entry)));
	return 0;
}

int ptesim_helper_test(const ptesim_layout *L, const char *name, uint64_t entry, bool *out)
{
	const struct named *h = lookup(name);
	pred_fn fn;

	if (!h || !h->pred)
		return -ENOENT;
	memcpy(&fn, (const char *)&L->ops + h->off, sizeof(fn));
	if (!fn)
		return -EOPNOTSUPP;
	*out = fn(L, __pte(entry));
	return 0;
}

const char *ptesim_helper_name(size_t index)
{
	return index < NHELPERS ? helpers[index].name : NULL;
}
