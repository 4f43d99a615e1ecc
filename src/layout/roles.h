/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_ROLES_H
#define PTESIM_ROLES_H

/*
 * What a field means to the helpers. A layout places each role on some bits;
 * the helpers in src/arch find bits only through roles, so moving a field in
 * a layout file moves it for every helper at once.
 */
enum role {
	ROLE_NONE = 0,
	/* present and invalid forms, both architectures */
	ROLE_VALID,      /* arm64 PTE_VALID, x86 _PAGE_PRESENT */
	ROLE_WRITE,      /* arm64 PTE_WRITE (= DBM), x86 _PAGE_RW */
	ROLE_USER,       /* arm64 PTE_USER (AP[1]), x86 _PAGE_USER */
	ROLE_YOUNG,      /* arm64 PTE_AF, x86 _PAGE_ACCESSED */
	ROLE_PFN,        /* output address */
	ROLE_SPECIAL,
	ROLE_DEVMAP,
	ROLE_UFFD_WP,
	ROLE_SOFT_DIRTY,
	ROLE_PROT_NONE,        /* arm64 PTE_PROT_NONE, x86 _PAGE_PROTNONE: invalid form only */
	ROLE_PRESENT_INVALID,  /* arm64 v6.10+ PTE_PRESENT_INVALID: invalid form only */
	ROLE_PMD_PRESENT_INVALID, /* arm64 6.9 PMD_PRESENT_INVALID: pmd only */
	/* arm64 */
	ROLE_TABLE,      /* PTE_TABLE_BIT: 1 for a level-3 page */
	ROLE_ATTRINDX,
	ROLE_RDONLY,     /* AP[2] */
	ROLE_SH,
	ROLE_NG,
	ROLE_GP,
	ROLE_CONT,
	ROLE_PXN,
	ROLE_UXN,
	ROLE_SW_DIRTY,   /* PTE_DIRTY */
	ROLE_PO_IDX,
	/* x86 */
	ROLE_PWT,
	ROLE_PCD,
	ROLE_HW_DIRTY,   /* _PAGE_DIRTY */
	ROLE_PAT,
	ROLE_GLOBAL,
	ROLE_SAVED_DIRTY,
	ROLE_PKEY,
	ROLE_NX,
	/* swap form */
	ROLE_SWP_TYPE,
	ROLE_SWP_OFFSET,
	ROLE_SWP_EXCLUSIVE,
	ROLE_SWP_UFFD_WP,
	ROLE_SWP_SOFT_DIRTY,
	ROLE_COUNT
};

#endif
