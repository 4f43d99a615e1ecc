/* SPDX-License-Identifier: MIT */
/*
 * What the era-dependent helpers do, in words, with the layout's own bit
 * positions: the text `ptesim diff` compares and `ptesim layout` shows. It
 * is written from the same kernel functions the helpers in arm64.c and
 * x86_64.c mirror; the unit tests hold the helpers to the bits.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arch/pgtable.h"
#include "ptesim/pte.h"

static const char *const described[] = {
	"pte_present", "pte_protnone", "pte_mkdirty", "pte_mkclean", "pte_wrprotect",
	"pte_mkwrite_novma", "pte_modify", "pte_same", "ptep_set_wrprotect", "ptep_set_access_flags",
	"pte_mkinvalid", "pmd_present", "pmd_mkinvalid", "pte_soft_dirty", "pte_mksoft_dirty",
	"pte_clear_soft_dirty", "pte_mkuffd_wp", "pte_swp_mkexclusive",
};

const char *ptesim_helper_semantics_name(size_t index)
{
	return index < sizeof(described) / sizeof(described[0]) ? described[index] : NULL;
}

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len >= o->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len = o->len + (size_t)n < o->size ? o->len + (size_t)n : o->size - 1;
}

/* "PTE_DIRTY (55)" or "PTE_ATTRINDX (2-4)" */
static void bitname(struct out *o, const struct ptesim_layout *L, enum role r)
{
	const struct ptesim_field *f = L->role_field[r];

	if (!f) {
		put(o, "(none)");
		return;
	}
	if (f->width == 1)
		put(o, "%s (%u)", f->linux_name, f->lo);
	else
		put(o, "%s (%u-%u)", f->linux_name, f->lo, f->lo + f->width - 1);
}

static bool is_era(const struct ptesim_layout *L, const char *name)
{
	return !strcmp(L->era->name, name);
}

static void modify_mask(struct out *o, const struct ptesim_layout *L)
{
	static const enum role v4_15[] = { ROLE_USER, ROLE_PXN, ROLE_UXN, ROLE_RDONLY, ROLE_PROT_NONE,
					   ROLE_VALID, ROLE_WRITE };
	static const enum role later[] = { ROLE_USER, ROLE_PXN, ROLE_UXN, ROLE_RDONLY, ROLE_PROT_NONE,
					   ROLE_PRESENT_INVALID, ROLE_VALID, ROLE_WRITE, ROLE_GP,
					   ROLE_ATTRINDX, ROLE_PO_IDX };
	const enum role *r = is_era(L, "arm64-v4.15") ? v4_15 : later;
	size_t n = is_era(L, "arm64-v4.15") ? sizeof(v4_15) / sizeof(v4_15[0]) : sizeof(later) / sizeof(later[0]);
	bool first = true;

	for (size_t i = 0; i < n; i++) {
		const struct ptesim_field *f = L->role_field[r[i]];

		if (!f)
			continue;
		put(o, "%s%s", first ? "" : "|", f->linux_name);
		first = false;
	}
}

static void arm64_text(struct out *o, const struct ptesim_layout *L, const char *h)
{
	bool v4 = is_era(L, "arm64-v4.15");
	bool pi = L->role_field[ROLE_PRESENT_INVALID] != NULL;

	if (!strcmp(h, "pte_present")) {
		put(o, "PTE_VALID (0), or ");
		bitname(o, L, pi ? ROLE_PRESENT_INVALID : ROLE_PROT_NONE);
		put(o, " with PTE_VALID clear");
	} else if (!strcmp(h, "pte_protnone")) {
		if (pi) {
			put(o, "PTE_VALID clear, ");
			bitname(o, L, ROLE_PRESENT_INVALID);
			put(o, " set, PTE_USER clear and PTE_UXN set");
		} else {
			bitname(o, L, ROLE_PROT_NONE);
			put(o, " set with PTE_VALID clear");
		}
	} else if (!strcmp(h, "pte_mkdirty")) {
		if (L->role_field[ROLE_SOFT_DIRTY]) {
			put(o, "sets ");
			bitname(o, L, ROLE_SOFT_DIRTY);
			put(o, " then __pte_mkdirty: ");
		}
		put(o, "sets ");
		bitname(o, L, ROLE_SW_DIRTY);
		put(o, "; clears PTE_RDONLY (7) when PTE_WRITE");
	} else if (!strcmp(h, "pte_mkclean")) {
		put(o, "clears ");
		bitname(o, L, ROLE_SW_DIRTY);
		put(o, ", sets PTE_RDONLY (7)");
	} else if (!strcmp(h, "pte_wrprotect")) {
		put(o, v4 ? "clears PTE_WRITE (51), sets PTE_RDONLY (7): hardware dirt is lost"
			  : "moves hardware dirt into PTE_DIRTY, clears PTE_WRITE (51), sets PTE_RDONLY (7)");
	} else if (!strcmp(h, "pte_mkwrite_novma")) {
		put(o, is_era(L, "arm64-v6.19") ? "sets PTE_WRITE (51); clears PTE_RDONLY (7) only when sw-dirty"
						: "sets PTE_WRITE (51), clears PTE_RDONLY (7): the entry reads dirty");
	} else if (!strcmp(h, "pte_modify")) {
		put(o, v4 ? "pte_mkdirty if hw-dirty; replaces " : "PTE_DIRTY if hw-dirty; replaces ");
		modify_mask(o, L);
		put(o, v4 ? "; no re-dirty" : "; then __pte_mkdirty if sw-dirty");
	} else if (!strcmp(h, "pte_same")) {
		put(o, v4 ? "compares the values, ignoring PTE_RDONLY of present entries" : "compares the whole value");
	} else if (!strcmp(h, "ptep_set_wrprotect")) {
		put(o, v4 ? "pte_mkdirty if hw-dirty, then pte_wrprotect" : "pte_wrprotect, atomically");
	} else if (!strcmp(h, "ptep_set_access_flags")) {
		put(o, "merges PTE_RDONLY|PTE_AF|PTE_WRITE|PTE_DIRTY%s of the new entry; PTE_RDONLY the AND of both",
		    L->role_field[ROLE_SOFT_DIRTY] ? "|PTE_SOFT_DIRTY" : "");
	} else if (!strcmp(h, "pte_mkinvalid")) {
		if (L->ops.pte_mkinvalid) {
			put(o, "sets ");
			bitname(o, L, ROLE_PRESENT_INVALID);
			put(o, ", clears PTE_VALID (0)");
		} else {
			put(o, "not defined");
		}
	} else if (!strcmp(h, "pmd_present")) {
		put(o, "pte_present");
		if (L->role_field[ROLE_PMD_PRESENT_INVALID]) {
			put(o, ", or ");
			bitname(o, L, ROLE_PMD_PRESENT_INVALID);
		}
	} else if (!strcmp(h, "pmd_mkinvalid")) {
		if (!L->ops.pmd_mkinvalid)
			put(o, "not defined (pmd_mknotpresent clears PMD_SECT_VALID only)");
		else if (L->ops.pte_mkinvalid)
			put(o, "pte_mkinvalid");
		else {
			put(o, "sets ");
			bitname(o, L, ROLE_PMD_PRESENT_INVALID);
			put(o, ", clears PMD_SECT_VALID (0)");
		}
	}
}

static void x86_text(struct out *o, const struct ptesim_layout *L, const char *h)
{
	if (!strcmp(h, "pte_present") || !strcmp(h, "pmd_present")) {
		bitname(o, L, ROLE_VALID);
		put(o, " or ");
		bitname(o, L, ROLE_PROT_NONE);
		if (!strcmp(h, "pmd_present"))
			put(o, " or _PAGE_PSE (7)");
	} else if (!strcmp(h, "pte_protnone")) {
		bitname(o, L, ROLE_PROT_NONE);
		put(o, " set with _PAGE_PRESENT clear");
	} else if (!strcmp(h, "pte_mkdirty")) {
		put(o, "sets ");
		bitname(o, L, ROLE_HW_DIRTY);
		if (L->role_field[ROLE_SOFT_DIRTY]) {
			put(o, " and ");
			bitname(o, L, ROLE_SOFT_DIRTY);
		}
		put(o, "; Dirty moves to ");
		bitname(o, L, ROLE_SAVED_DIRTY);
		put(o, " when not writable");
	} else if (!strcmp(h, "pte_mkclean")) {
		put(o, "clears ");
		bitname(o, L, ROLE_HW_DIRTY);
		put(o, " and ");
		bitname(o, L, ROLE_SAVED_DIRTY);
		put(o, "; soft-dirty untouched");
	} else if (!strcmp(h, "pte_wrprotect")) {
		put(o, "clears ");
		bitname(o, L, ROLE_WRITE);
		put(o, "; Dirty moves to ");
		bitname(o, L, ROLE_SAVED_DIRTY);
	} else if (!strcmp(h, "pte_mkwrite_novma")) {
		put(o, "sets ");
		bitname(o, L, ROLE_WRITE);
	} else if (!strcmp(h, "pte_modify")) {
		put(o, "keeps _PAGE_CHG_MASK (pfn, PCD, PWT, SPECIAL, ACCESSED, DIRTY, SAVED_DIRTY, SOFT_DIRTY, UFFD_WP, PAT); inverts the pfn across PROT_NONE; saved-dirty shift by the old _PAGE_RW");
	} else if (!strcmp(h, "pte_same")) {
		put(o, "compares the whole value");
	} else if (!strcmp(h, "ptep_set_wrprotect")) {
		put(o, "pte_wrprotect, atomically");
	} else if (!strcmp(h, "ptep_set_access_flags")) {
		put(o, "writes the whole new entry, only when dirty");
	} else if (!strcmp(h, "pte_mkinvalid")) {
		put(o, "not defined");
	} else if (!strcmp(h, "pmd_mkinvalid")) {
		put(o, "clears _PAGE_PRESENT and _PAGE_PROTNONE; the pfn is stored inverted");
	}
}

static void feature_text(struct out *o, const struct ptesim_layout *L, const char *h)
{
	if (!strncmp(h, "pte_swp_", 8)) {
		if (!(L->features & PTESIM_FEAT_SWP_EXCLUSIVE)) {
			put(o, "generic stub: no swap-exclusive bit");
			return;
		}
		put(o, "sets ");
		bitname(o, L, ROLE_SWP_EXCLUSIVE);
	} else if (!strcmp(h, "pte_mkuffd_wp")) {
		if (!(L->features & PTESIM_FEAT_UFFD_WP)) {
			put(o, "generic stub: returns the entry unchanged");
			return;
		}
		put(o, "sets ");
		bitname(o, L, ROLE_UFFD_WP);
		put(o, ", then pte_wrprotect");
	} else if (!(L->features & PTESIM_FEAT_SOFT_DIRTY)) {
		put(o, "generic stub (no soft-dirty)");
	} else if (L->soft_dirty_alias) {
		put(o, !strcmp(h, "pte_soft_dirty")     ? "pte_sw_dirty: aliases PTE_DIRTY"
		       : !strcmp(h, "pte_mksoft_dirty") ? "pte_mkdirty"
							: "pte_mkclean: also write-protects in hardware (sets PTE_RDONLY)");
	} else {
		put(o, !strcmp(h, "pte_soft_dirty") ? "tests " : !strcmp(h, "pte_mksoft_dirty") ? "sets " : "clears ");
		bitname(o, L, ROLE_SOFT_DIRTY);
	}
}

int ptesim_helper_semantics(const ptesim_layout *L, const char *helper, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	bool known = false;

	for (size_t i = 0; i < sizeof(described) / sizeof(described[0]); i++)
		known |= !strcmp(described[i], helper);
	if (!known)
		return -ENOENT;
	if (size)
		buf[0] = 0;
	if (!strcmp(helper, "pte_soft_dirty") || !strcmp(helper, "pte_mksoft_dirty") ||
	    !strcmp(helper, "pte_clear_soft_dirty") || !strcmp(helper, "pte_mkuffd_wp") ||
	    !strcmp(helper, "pte_swp_mkexclusive"))
		feature_text(&o, L, helper);
	else if (L->arch == PTESIM_ARCH_ARM64)
		arm64_text(&o, L, helper);
	else
		x86_text(&o, L, helper);
	return 0;
}
