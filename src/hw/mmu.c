/* SPDX-License-Identifier: MIT */
#include "hw/mmu.h"

#define M(r) L_mask(L, r)

/* Arm ARM (VMSAv8-64): an update of AF or of AP[2] through DBM happens
 * only for an access that completes, as one atomic write of the descriptor. */
static void arm64_leaf(const struct ptesim_layout *L, const struct mmu_config *cfg, pte_t *ptep,
		       bool write, struct mmu_result *r)
{
	uint64_t v = pte_val(*ptep), nv = v;

	if (!(v & M(ROLE_VALID))) {
		r->fault = MMU_TRANSLATION;
		return;
	}
	if (!(v & M(ROLE_USER))) {
		r->fault = MMU_PERMISSION; /* AP[1] = 0: no EL0 access */
		return;
	}
	if (write && (v & M(ROLE_RDONLY))) {
		if (!cfg->hafdbs || !(v & M(ROLE_WRITE))) {
			r->fault = MMU_PERMISSION;
			return;
		}
		nv &= ~M(ROLE_RDONLY); /* DBM: the store makes the entry hw-dirty */
	}
	if (!(v & M(ROLE_YOUNG))) {
		if (!cfg->hafdbs) {
			r->fault = MMU_ACCESS_FLAG;
			return;
		}
		nv |= M(ROLE_YOUNG);
	}
	if (nv != v) {
		*ptep = __pte(nv);
		r->updated = true;
	}
	r->fault = MMU_OK;
	r->pfn = L_get(L, ROLE_PFN, nv);
}

/* x86: A on every access, D on a store, both in one locked update. */
static void x86_leaf(const struct ptesim_layout *L, pte_t *ptep, bool write, struct mmu_result *r)
{
	uint64_t v = pte_val(*ptep), nv;

	if (!(v & M(ROLE_VALID))) {
		r->fault = MMU_TRANSLATION;
		return;
	}
	if (!(v & M(ROLE_USER)) || (write && !(v & M(ROLE_WRITE)))) {
		r->fault = MMU_PERMISSION;
		return;
	}
	nv = v | M(ROLE_YOUNG) | (write ? M(ROLE_HW_DIRTY) : 0);
	if (nv != v) {
		*ptep = __pte(nv);
		r->updated = true;
	}
	r->fault = MMU_OK;
	r->pfn = L_get(L, ROLE_PFN, nv);
}

/* What the access did, in the words of the architecture's manual. */
static void note_access(const struct ptesim_layout *L, struct kpath_log *log, bool write, const struct mmu_result *r)
{
	static const char *const arm64_fault[] = {
		[MMU_TRANSLATION] = "MMU: translation fault (descriptor not valid)",
		[MMU_ACCESS_FLAG] = "MMU: access flag fault (AF=0, no hardware AF)",
		[MMU_PERMISSION] = "MMU: permission fault",
	};
	static const char *const x86_fault[] = {
		[MMU_TRANSLATION] = "MMU: page fault (not present)",
		[MMU_PERMISSION] = "MMU: page fault (protection violation)",
	};
	uint64_t changed;

	if (r->fault != MMU_OK) {
		const char *what = L->arch == PTESIM_ARCH_ARM64 ? arm64_fault[r->fault] : x86_fault[r->fault];

		kpath_add(log, KPATH_HW, what ? what : "MMU: fault");
		return;
	}
	changed = r->updated ? pte_val(r->before) ^ pte_val(*r->ptep) : 0;
	if (!changed)
		kpath_add(log, KPATH_HW, write ? "MMU: store completed, descriptor unchanged"
					       : "MMU: load completed, descriptor unchanged");
	if (L->arch == PTESIM_ARCH_ARM64) {
		if (changed & M(ROLE_YOUNG))
			kpath_add(log, KPATH_HW, "MMU: hardware set AF (access flag), no fault");
		if (changed & M(ROLE_RDONLY))
			kpath_add(log, KPATH_HW, "MMU: DBM cleared AP[2] (PTE_RDONLY), no fault: hardware-dirty");
	} else {
		if (changed & M(ROLE_YOUNG))
			kpath_add(log, KPATH_HW, "MMU: hardware set A (_PAGE_ACCESSED)");
		if (changed & M(ROLE_HW_DIRTY))
			kpath_add(log, KPATH_HW, "MMU: hardware set D (_PAGE_DIRTY)");
	}
}

void mmu_access(struct frames *f, const struct ptesim_layout *L, const struct mmu_config *cfg,
		uint64_t root, uint64_t va, bool write, struct mmu_result *r)
{
	pte_t *ptep = pgtable_pte(f, L, root, va, false);

	*r = (struct mmu_result){ .fault = MMU_TRANSLATION };
	if (!ptep) {
		/* a missing table: the upper descriptor is invalid */
		if (__builtin_expect(cfg->kpath != NULL, 0))
			note_access(L, cfg->kpath, write, r);
		return;
	}
	r->ptep = ptep;
	r->before = *ptep;
	if (L->arch == PTESIM_ARCH_ARM64)
		arm64_leaf(L, cfg, ptep, write, r);
	else
		x86_leaf(L, ptep, write, r);
	if (__builtin_expect(cfg->kpath != NULL, 0))
		note_access(L, cfg->kpath, write, r);
}

bool mmu_can_write(const struct ptesim_layout *L, const struct mmu_config *cfg, pte_t pte)
{
	uint64_t v = pte_val(pte);

	if (!(v & M(ROLE_VALID)) || !(v & M(ROLE_USER)))
		return false;
	if (L->arch == PTESIM_ARCH_X86_64)
		return v & M(ROLE_WRITE);
	if (!(v & M(ROLE_RDONLY)))
		return true;
	return cfg->hafdbs && (v & M(ROLE_WRITE));
}
