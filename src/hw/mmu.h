/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_HW_MMU_H
#define PTESIM_HW_MMU_H

/*
 * The MMU: every user load and store walks the tables. It completes the
 * access, updating the descriptor the way the hardware does (arm64 with
 * FEAT_HAFDBS sets AF and clears AP[2] through DBM; x86 always sets A and,
 * on a store, D), or raises the fault the architecture raises. Nothing
 * outside this file sets a bit the hardware sets.
 */

#include <stdbool.h>
#include <stdint.h>

#include "hw/kpath.h"
#include "mm/machine.h"

enum mmu_fault {
	MMU_OK = 0,
	MMU_TRANSLATION, /* invalid descriptor (x86: not present) */
	MMU_ACCESS_FLAG, /* arm64 AF = 0 without hardware AF */
	MMU_PERMISSION,  /* permission fault (x86: protection violation) */
};

struct mmu_config {
	bool hafdbs; /* arm64 TCR_EL1.HA and HD; x86 always updates A/D */
	struct kpath_log *kpath; /* where accesses are noted (ptesim explain), or NULL */
};

struct mmu_result {
	enum mmu_fault fault;
	uint64_t pfn;   /* on MMU_OK: the frame accessed */
	pte_t *ptep;    /* the level-3 entry, when the walk reached it */
	pte_t before;   /* the entry before any hardware update */
	bool updated;   /* the hardware changed the entry */
};

void mmu_access(struct frames *f, const struct ptesim_layout *L, const struct mmu_config *cfg,
		uint64_t root, uint64_t va, bool write, struct mmu_result *r);

/* Whether the hardware could complete a store through this entry without a
 * fault (DBM counts when hardware dirty management is on). */
bool mmu_can_write(const struct ptesim_layout *L, const struct mmu_config *cfg, pte_t pte);

#endif
