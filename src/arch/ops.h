/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_ARCH_OPS_H
#define PTESIM_ARCH_OPS_H

#include <stdbool.h>
#include <stdint.h>

/* The kernel's value types, kept distinct so a pmd is never passed as a pte. */
typedef struct { uint64_t pte; } pte_t;
typedef struct { uint64_t pmd; } pmd_t;
typedef struct { uint64_t pgprot; } pgprot_t;
typedef struct { uint64_t val; } swp_entry_t;

struct ptesim_layout;
#define LAYOUT const struct ptesim_layout *

/*
 * One kernel era's helpers. An era overrides only the helpers that differ
 * from the era it copies, as an architecture overrides a generic helper.
 * A NULL entry is a helper the era does not define (pte_mkinvalid before
 * v6.10, pmd_mkinvalid on 4.15).
 */
struct arch_ops {
	bool (*pte_none)(LAYOUT, pte_t);
	bool (*pte_present)(LAYOUT, pte_t);
	bool (*pte_valid)(LAYOUT, pte_t);
	bool (*pte_protnone)(LAYOUT, pte_t);
	bool (*pte_present_invalid)(LAYOUT, pte_t);
	pte_t (*pte_mkinvalid)(LAYOUT, pte_t);
	bool (*pte_write)(LAYOUT, pte_t);
	bool (*pte_dirty)(LAYOUT, pte_t);
	bool (*pte_hw_dirty)(LAYOUT, pte_t);
	bool (*pte_sw_dirty)(LAYOUT, pte_t);
	bool (*pte_young)(LAYOUT, pte_t);
	bool (*pte_special)(LAYOUT, pte_t);
	bool (*pte_user)(LAYOUT, pte_t);
	bool (*pte_same)(LAYOUT, pte_t, pte_t);
	pte_t (*pte_mkspecial)(LAYOUT, pte_t);
	pte_t (*pte_mkdirty)(LAYOUT, pte_t);
	pte_t (*__pte_mkdirty)(LAYOUT, pte_t);
	pte_t (*pte_mkclean)(LAYOUT, pte_t);
	pte_t (*pte_mkyoung)(LAYOUT, pte_t);
	pte_t (*pte_mkold)(LAYOUT, pte_t);
	pte_t (*pte_wrprotect)(LAYOUT, pte_t);
	pte_t (*pte_mkwrite_novma)(LAYOUT, pte_t);
	pte_t (*pte_mkwrite)(LAYOUT, pte_t); /* for a VMA that is not a shadow stack */
	pte_t (*pte_modify)(LAYOUT, pte_t, pgprot_t);
	bool (*pte_soft_dirty)(LAYOUT, pte_t);
	pte_t (*pte_mksoft_dirty)(LAYOUT, pte_t);
	pte_t (*pte_clear_soft_dirty)(LAYOUT, pte_t);
	bool (*pte_uffd_wp)(LAYOUT, pte_t);
	pte_t (*pte_mkuffd_wp)(LAYOUT, pte_t);
	pte_t (*pte_clear_uffd_wp)(LAYOUT, pte_t);
	uint64_t (*pte_pfn)(LAYOUT, pte_t);
	pte_t (*pfn_pte)(LAYOUT, uint64_t pfn, pgprot_t);
	pgprot_t (*vm_get_page_prot)(LAYOUT, unsigned long vm_flags);

	/* arch swap entries (the value the arch stores, not the generic swp_entry_t) */
	swp_entry_t (*__swp_entry)(LAYOUT, unsigned type, uint64_t offset);
	unsigned (*__swp_type)(LAYOUT, swp_entry_t);
	uint64_t (*__swp_offset)(LAYOUT, swp_entry_t);
	swp_entry_t (*__pte_to_swp_entry)(LAYOUT, pte_t);
	pte_t (*__swp_entry_to_pte)(LAYOUT, swp_entry_t);
	bool (*pte_swp_soft_dirty)(LAYOUT, pte_t);
	pte_t (*pte_swp_mksoft_dirty)(LAYOUT, pte_t);
	pte_t (*pte_swp_clear_soft_dirty)(LAYOUT, pte_t);
	bool (*pte_swp_uffd_wp)(LAYOUT, pte_t);
	pte_t (*pte_swp_mkuffd_wp)(LAYOUT, pte_t);
	pte_t (*pte_swp_clear_uffd_wp)(LAYOUT, pte_t);
	bool (*pte_swp_exclusive)(LAYOUT, pte_t);
	pte_t (*pte_swp_mkexclusive)(LAYOUT, pte_t);
	pte_t (*pte_swp_clear_exclusive)(LAYOUT, pte_t);

	/* pointer forms: the simulator is single-threaded, so the kernel's
	 * cmpxchg loops are one read-modify-write each */
	void (*ptep_set_wrprotect)(LAYOUT, pte_t *);
	pte_t (*ptep_get_and_clear)(LAYOUT, pte_t *);
	int (*ptep_test_and_clear_young)(LAYOUT, pte_t *);
	int (*ptep_set_access_flags)(LAYOUT, pte_t *, pte_t entry, int dirty);
	pte_t (*ptep_modify_prot_start)(LAYOUT, pte_t *);
	void (*ptep_modify_prot_commit)(LAYOUT, pte_t *, pte_t old, pte_t pte);

	/* pmd forms the era defines */
	bool (*pmd_present)(LAYOUT, pmd_t);
	pmd_t (*pmd_mkinvalid)(LAYOUT, pmd_t);
	pmd_t (*pmd_mkhuge)(LAYOUT, pmd_t);
	bool (*pmd_trans_huge)(LAYOUT, pmd_t);
};

#undef LAYOUT

#endif
