/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_PGTABLE_H
#define PTESIM_PGTABLE_H

/*
 * The page-table helpers in the kernel's own names and meanings, each taking
 * the layout first. Compare a helper here with a kernel hunk line by line:
 * the per-era bodies are in arm64.c and x86_64.c, the generic ones (and the
 * stubs used when a layout lacks a feature) in generic.c, swap entries and
 * PTE markers in swapops.c.
 */

#include "arch/ops.h"
#include "layout/layout_internal.h"

#define pte_val(x) ((x).pte)
#define pmd_val(x) ((x).pmd)
#define pgprot_val(x) ((x).pgprot)

static inline pte_t __pte(uint64_t v) { return (pte_t){ v }; }
static inline pmd_t __pmd(uint64_t v) { return (pmd_t){ v }; }
static inline pgprot_t __pgprot(uint64_t v) { return (pgprot_t){ v }; }
static inline pte_t pmd_pte(pmd_t pmd) { return __pte(pmd_val(pmd)); }
static inline pmd_t pte_pmd(pte_t pte) { return __pmd(pte_val(pte)); }

/* vm_flags bits as in include/linux/mm.h */
#define VM_NONE 0x0UL
#define VM_READ 0x1UL
#define VM_WRITE 0x2UL
#define VM_EXEC 0x4UL
#define VM_SHARED 0x8UL

#define L_OPS(L) (&(L)->ops)

#define PTE_PRED(name) \
	static inline bool name(const struct ptesim_layout *L, pte_t pte) { return L_OPS(L)->name(L, pte); }
#define PTE_FN(name) \
	static inline pte_t name(const struct ptesim_layout *L, pte_t pte) { return L_OPS(L)->name(L, pte); }

PTE_PRED(pte_none)
PTE_PRED(pte_present)
PTE_PRED(pte_valid)
PTE_PRED(pte_protnone)
PTE_PRED(pte_present_invalid)
PTE_PRED(pte_write)
PTE_PRED(pte_dirty)
PTE_PRED(pte_hw_dirty)
PTE_PRED(pte_sw_dirty)
PTE_PRED(pte_young)
PTE_PRED(pte_special)
PTE_PRED(pte_user)
PTE_PRED(pte_soft_dirty)
PTE_PRED(pte_uffd_wp)
PTE_PRED(pte_swp_soft_dirty)
PTE_PRED(pte_swp_uffd_wp)
PTE_PRED(pte_swp_exclusive)
PTE_FN(pte_mkspecial)
PTE_FN(pte_mkdirty)
PTE_FN(__pte_mkdirty)
PTE_FN(pte_mkclean)
PTE_FN(pte_mkyoung)
PTE_FN(pte_mkold)
PTE_FN(pte_wrprotect)
PTE_FN(pte_mkwrite_novma)
PTE_FN(pte_mkwrite)
PTE_FN(pte_mksoft_dirty)
PTE_FN(pte_clear_soft_dirty)
PTE_FN(pte_mkuffd_wp)
PTE_FN(pte_clear_uffd_wp)
PTE_FN(pte_swp_mksoft_dirty)
PTE_FN(pte_swp_clear_soft_dirty)
PTE_FN(pte_swp_mkuffd_wp)
PTE_FN(pte_swp_clear_uffd_wp)
PTE_FN(pte_swp_mkexclusive)
PTE_FN(pte_swp_clear_exclusive)

#undef PTE_PRED
#undef PTE_FN

/* Absent before arm64 v6.10: callers check pte_mkinvalid_defined() first. */
static inline bool pte_mkinvalid_defined(const struct ptesim_layout *L) { return L_OPS(L)->pte_mkinvalid != 0; }
static inline pte_t pte_mkinvalid(const struct ptesim_layout *L, pte_t pte) { return L_OPS(L)->pte_mkinvalid(L, pte); }
static inline bool pte_same(const struct ptesim_layout *L, pte_t a, pte_t b) { return L_OPS(L)->pte_same(L, a, b); }
static inline pte_t pte_modify(const struct ptesim_layout *L, pte_t pte, pgprot_t prot) { return L_OPS(L)->pte_modify(L, pte, prot); }
static inline uint64_t pte_pfn(const struct ptesim_layout *L, pte_t pte) { return L_OPS(L)->pte_pfn(L, pte); }
static inline pte_t pfn_pte(const struct ptesim_layout *L, uint64_t pfn, pgprot_t prot) { return L_OPS(L)->pfn_pte(L, pfn, prot); }
static inline pgprot_t vm_get_page_prot(const struct ptesim_layout *L, unsigned long vm_flags) { return L_OPS(L)->vm_get_page_prot(L, vm_flags); }

static inline swp_entry_t __swp_entry(const struct ptesim_layout *L, unsigned type, uint64_t offset) { return L_OPS(L)->__swp_entry(L, type, offset); }
static inline unsigned __swp_type(const struct ptesim_layout *L, swp_entry_t e) { return L_OPS(L)->__swp_type(L, e); }
static inline uint64_t __swp_offset(const struct ptesim_layout *L, swp_entry_t e) { return L_OPS(L)->__swp_offset(L, e); }
static inline swp_entry_t __pte_to_swp_entry(const struct ptesim_layout *L, pte_t pte) { return L_OPS(L)->__pte_to_swp_entry(L, pte); }
static inline pte_t __swp_entry_to_pte(const struct ptesim_layout *L, swp_entry_t e) { return L_OPS(L)->__swp_entry_to_pte(L, e); }

static inline void ptep_set_wrprotect(const struct ptesim_layout *L, pte_t *ptep) { L_OPS(L)->ptep_set_wrprotect(L, ptep); }
static inline pte_t ptep_get_and_clear(const struct ptesim_layout *L, pte_t *ptep) { return L_OPS(L)->ptep_get_and_clear(L, ptep); }
static inline int ptep_test_and_clear_young(const struct ptesim_layout *L, pte_t *ptep) { return L_OPS(L)->ptep_test_and_clear_young(L, ptep); }
static inline int ptep_set_access_flags(const struct ptesim_layout *L, pte_t *ptep, pte_t entry, int dirty) { return L_OPS(L)->ptep_set_access_flags(L, ptep, entry, dirty); }
static inline pte_t ptep_modify_prot_start(const struct ptesim_layout *L, pte_t *ptep) { return L_OPS(L)->ptep_modify_prot_start(L, ptep); }
static inline void ptep_modify_prot_commit(const struct ptesim_layout *L, pte_t *ptep, pte_t old, pte_t pte) { L_OPS(L)->ptep_modify_prot_commit(L, ptep, old, pte); }

static inline bool pmd_present(const struct ptesim_layout *L, pmd_t pmd) { return L_OPS(L)->pmd_present(L, pmd); }
static inline bool pmd_mkinvalid_defined(const struct ptesim_layout *L) { return L_OPS(L)->pmd_mkinvalid != 0; }
static inline pmd_t pmd_mkinvalid(const struct ptesim_layout *L, pmd_t pmd) { return L_OPS(L)->pmd_mkinvalid(L, pmd); }
static inline pmd_t pmd_mkhuge(const struct ptesim_layout *L, pmd_t pmd) { return L_OPS(L)->pmd_mkhuge(L, pmd); }
static inline bool pmd_trans_huge(const struct ptesim_layout *L, pmd_t pmd) { return L_OPS(L)->pmd_trans_huge(L, pmd); }

/* include/linux/swapops.h and swap.h: the generic swp_entry_t */
#define MAX_SWAPFILES_SHIFT 5
#define SWP_TYPE_SHIFT (63 - MAX_SWAPFILES_SHIFT) /* BITS_PER_XA_VALUE - MAX_SWAPFILES_SHIFT */
#define SWP_OFFSET_MASK ((UINT64_C(1) << SWP_TYPE_SHIFT) - 1)
#define PTE_MARKER_UFFD_WP (1u << 0)
#define PTE_MARKER_POISONED (1u << 1)
#define PTE_MARKER_GUARD (1u << 2)

static inline swp_entry_t swp_entry(unsigned type, uint64_t offset)
{
	return (swp_entry_t){ ((uint64_t)type << SWP_TYPE_SHIFT) | (offset & SWP_OFFSET_MASK) };
}
static inline unsigned swp_type(swp_entry_t e) { return (unsigned)(e.val >> SWP_TYPE_SHIFT); }
static inline uint64_t swp_offset(swp_entry_t e) { return e.val & SWP_OFFSET_MASK; }

/* MAX_SWAPFILES and the special types above it, per era (include/linux/swap.h) */
unsigned era_max_swapfiles(const struct ptesim_layout *L);
unsigned SWP_HWPOISON(const struct ptesim_layout *L);
unsigned SWP_MIGRATION_READ(const struct ptesim_layout *L);
int SWP_MIGRATION_READ_EXCLUSIVE(const struct ptesim_layout *L); /* -1 where absent */
unsigned SWP_MIGRATION_WRITE(const struct ptesim_layout *L);
unsigned SWP_DEVICE_FIRST(const struct ptesim_layout *L);
int SWP_PTE_MARKER(const struct ptesim_layout *L); /* -1 where the era has no markers */

bool is_swap_pte(const struct ptesim_layout *L, pte_t pte);
swp_entry_t pte_to_swp_entry(const struct ptesim_layout *L, pte_t pte);
pte_t swp_entry_to_pte(const struct ptesim_layout *L, swp_entry_t entry);
bool is_migration_entry(const struct ptesim_layout *L, swp_entry_t entry);
bool is_writable_migration_entry(const struct ptesim_layout *L, swp_entry_t entry);
swp_entry_t make_readable_migration_entry(const struct ptesim_layout *L, uint64_t pfn);
swp_entry_t make_writable_migration_entry(const struct ptesim_layout *L, uint64_t pfn);
swp_entry_t make_readable_exclusive_migration_entry(const struct ptesim_layout *L, uint64_t pfn);
bool migration_entry_supports_ad(const struct ptesim_layout *L);
swp_entry_t make_migration_entry_young(const struct ptesim_layout *L, swp_entry_t entry);
swp_entry_t make_migration_entry_dirty(const struct ptesim_layout *L, swp_entry_t entry);
bool is_migration_entry_young(const struct ptesim_layout *L, swp_entry_t entry);
bool is_migration_entry_dirty(const struct ptesim_layout *L, swp_entry_t entry);
uint64_t swp_offset_pfn(const struct ptesim_layout *L, swp_entry_t entry);
/* PTE markers (mm/swapops.h); make_pte_marker returns the pte */
swp_entry_t make_pte_marker_entry(const struct ptesim_layout *L, unsigned marker);
pte_t make_pte_marker(const struct ptesim_layout *L, unsigned marker);
bool is_pte_marker_entry(const struct ptesim_layout *L, swp_entry_t entry);
bool is_pte_marker(const struct ptesim_layout *L, pte_t pte);
unsigned pte_marker_get(const struct ptesim_layout *L, swp_entry_t entry);
bool pte_marker_uffd_wp(const struct ptesim_layout *L, pte_t pte);

/* Era lookup used by the layout layer. */
const struct arch_ops *arm64_ops(const char *era);
const struct arch_ops *x86_64_ops(void);
/* Replace feature helpers by the generic stubs where the layout lacks the
 * feature, or by the alias helpers where soft-dirty aliases PTE_DIRTY. */
void arch_bind_feature_helpers(struct ptesim_layout *L);

#endif
