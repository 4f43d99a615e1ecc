/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_ARCH_INTERNAL_H
#define PTESIM_ARCH_INTERNAL_H

#include "arch/pgtable.h"

/* Swap entries whose type and offset are plain fields of the layout
 * (arm64 in every era): __swp_entry() shifts without masking, as the kernel's
 * macro does, and the arch entry is the pte value itself. */
swp_entry_t field_swp_entry(const struct ptesim_layout *L, unsigned type, uint64_t offset);
unsigned field_swp_type(const struct ptesim_layout *L, swp_entry_t e);
uint64_t field_swp_offset(const struct ptesim_layout *L, swp_entry_t e);
swp_entry_t identity_pte_to_swp_entry(const struct ptesim_layout *L, pte_t pte);
pte_t identity_swp_entry_to_pte(const struct ptesim_layout *L, swp_entry_t e);

/* Soft-dirty, uffd-wp and swap-exclusive helpers that set, test and clear
 * the layout's bit; arch_bind_feature_helpers() swaps in the stubs. */
void bind_generic_feature_helpers(struct arch_ops *ops);

#endif
