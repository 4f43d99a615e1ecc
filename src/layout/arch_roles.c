/* SPDX-License-Identifier: MIT */
/*
 * The architectures' vocabularies: for every role the field name, the
 * kernel's name, whether hardware or software defines it, and where the
 * hardware fixes it (arm64 VMSAv8-64 stage-1 level-3 page descriptor;
 * x86-64 4-KByte page table entry).
 */
#include <string.h>
#include <strings.h>

#include "layout/arch_roles.h"

#define P PTESIM_FORMS_PRESENT
#define I PTESIM_FORMS_INVALID
#define S PTESIM_FORMS_SWAP
#define HW PTESIM_HW
#define SW PTESIM_SW

static const struct role_def arm64_roles[] = {
	{ ROLE_VALID, "valid", "PTE_VALID", "descriptor valid", HW, P | I, 0, 0, 1, 1 },
	{ ROLE_TABLE, "table", "PTE_TABLE_BIT", "1 for a level-3 page (PTE_TYPE_PAGE); 0 for a block", HW, P | I, 0, 1, 1, 1 },
	{ ROLE_ATTRINDX, "attrindx", "PTE_ATTRINDX", "AttrIndx[2:0], memory type (MAIR index)", HW, P | I, 0, 2, 3, 3 },
	{ ROLE_USER, "user", "PTE_USER", "AP[1]: EL0 may access", HW, P | I, 0, 6, 1, 1 },
	{ ROLE_RDONLY, "rdonly", "PTE_RDONLY", "AP[2]: read-only; DBM clears it on a write", HW, P | I, 0, 7, 1, 1 },
	{ ROLE_SH, "sh", "PTE_SHARED", "SH[1:0] shareability", HW, P | I, 0, 8, 2, 2 },
	{ ROLE_YOUNG, "af", "PTE_AF", "access flag (young)", HW, P | I, 0, 10, 1, 1 },
	{ ROLE_NG, "ng", "PTE_NG", "not global", HW, P | I, 0, 11, 1, 1 },
	{ ROLE_PFN, "oa", "PTE_ADDR_LOW", "output address, the pfn", HW, P | I, 0, 12, 36, 38 },
	{ ROLE_GP, "gp", "PTE_GP", "BTI guarded page", HW, P | I, 0, 50, 1, 1 },
	{ ROLE_WRITE, "dbm", "PTE_WRITE", "DBM, and Linux's write permission (PTE_WRITE = PTE_DBM)", HW, P | I, 0, 51, 1, 1 },
	{ ROLE_CONT, "cont", "PTE_CONT", "contiguous hint (16 entries)", HW, P | I, 0, 52, 1, 1 },
	{ ROLE_PXN, "pxn", "PTE_PXN", "privileged execute-never", HW, P | I, 0, 53, 1, 1 },
	{ ROLE_UXN, "uxn", "PTE_UXN", "user execute-never", HW, P | I, 0, 54, 1, 1 },
	{ ROLE_PO_IDX, "po-idx", "PTE_PO_IDX_MASK", "POIndex[2:0] (FEAT_S1POE)", HW, P | I, 0, 60, 3, 3 },
	{ ROLE_SW_DIRTY, "pte-dirty", "PTE_DIRTY", "software dirty", SW, P | I, 0, -1, 1, 1 },
	{ ROLE_SPECIAL, "special", "PTE_SPECIAL", "no struct page behind it", SW, P | I, 0, -1, 1, 1 },
	{ ROLE_DEVMAP, "devmap", "PTE_DEVMAP", "ZONE_DEVICE mapping", SW, P | I, 0, -1, 1, 1 },
	{ ROLE_UFFD_WP, "pte-uffd-wp", "PTE_UFFD_WP", "userfaultfd write-protected", SW, P | I, 0, -1, 1, 1 },
	{ ROLE_SOFT_DIRTY, "pte-soft-dirty", "PTE_SOFT_DIRTY", "written since the last clear_refs 4", SW, P | I, 0, -1, 1, 1 },
	{ ROLE_PROT_NONE, "pte-prot-none", "PTE_PROT_NONE", "PROT_NONE", SW, I, 0, -1, 1, 1 },
	{ ROLE_PRESENT_INVALID, "present-invalid", "PTE_PRESENT_INVALID", "present to Linux, invalid to the MMU", SW, I, 0, -1, 1, 1 },
	{ ROLE_PMD_PRESENT_INVALID, "pmd-present-invalid", "PMD_PRESENT_INVALID", "pmd_mkinvalid() of a huge pmd", SW, I, PTESIM_FIELD_PMD_ONLY, -1, 1, 1 },
	{ ROLE_SWP_EXCLUSIVE, "swp-exclusive", "PTE_SWP_EXCLUSIVE", "remembers PageAnonExclusive", SW, S, 0, -1, 1, 1 },
	{ ROLE_SWP_UFFD_WP, "swp-uffd-wp", "PTE_SWP_UFFD_WP", "uffd-wp of a swapped-out page", SW, S, 0, -1, 1, 1 },
	{ ROLE_SWP_SOFT_DIRTY, "swp-soft-dirty", "PTE_SWP_SOFT_DIRTY", "soft-dirty of a swapped-out page", SW, S, 0, -1, 1, 1 },
	{ ROLE_SWP_TYPE, "swp-type", "__SWP_TYPE_SHIFT", "swap type (swap file, or a special type)", SW, S, 0, -1, 5, 6 },
	{ ROLE_SWP_OFFSET, "swp-offset", "__SWP_OFFSET_SHIFT", "swap offset (a pfn for migration entries)", SW, S, 0, -1, 1, 58 },
};

static const struct role_def x86_64_roles[] = {
	{ ROLE_VALID, "page-present", "_PAGE_PRESENT", "present", HW, P | I, 0, 0, 1, 1 },
	{ ROLE_WRITE, "rw", "_PAGE_RW", "writable", HW, P | I, 0, 1, 1, 1 },
	{ ROLE_USER, "user", "_PAGE_USER", "user accessible", HW, P | I, 0, 2, 1, 1 },
	{ ROLE_PWT, "pwt", "_PAGE_PWT", "page write-through", HW, P | I, 0, 3, 1, 1 },
	{ ROLE_PCD, "pcd", "_PAGE_PCD", "page cache disabled", HW, P | I, 0, 4, 1, 1 },
	{ ROLE_YOUNG, "accessed", "_PAGE_ACCESSED", "accessed (young); set by hardware", HW, P | I, 0, 5, 1, 1 },
	{ ROLE_HW_DIRTY, "page-dirty", "_PAGE_DIRTY", "dirty; set by hardware on a write", HW, P | I, 0, 6, 1, 1 },
	{ ROLE_PAT, "pat", "_PAGE_PAT", "PAT index bit (4K page)", HW, P | I, 0, 7, 1, 1 },
	{ ROLE_GLOBAL, "global", "_PAGE_GLOBAL", "global", HW, P, 0, 8, 1, 1 },
	{ ROLE_PFN, "addr", "PTE_PFN_MASK", "page frame number; inverted when not present (L1TF)", HW, P | I, PTESIM_FIELD_INVERTED, 12, 40, 40 },
	{ ROLE_PKEY, "pkey", "_PAGE_PKEY_MASK", "protection key", HW, P | I, 0, 59, 4, 4 },
	{ ROLE_NX, "nx", "_PAGE_NX", "no execute", HW, P | I, 0, 63, 1, 1 },
	{ ROLE_SPECIAL, "special", "_PAGE_SPECIAL", "no struct page behind it (SOFTW1)", SW, P | I, 0, -1, 1, 1 },
	{ ROLE_UFFD_WP, "page-uffd-wp", "_PAGE_UFFD_WP", "userfaultfd write-protected (SOFTW2)", SW, P | I, 0, -1, 1, 1 },
	{ ROLE_SOFT_DIRTY, "page-soft-dirty", "_PAGE_SOFT_DIRTY", "written since the last clear_refs 4 (SOFTW3)", SW, P | I, 0, -1, 1, 1 },
	{ ROLE_DEVMAP, "devmap", "_PAGE_DEVMAP", "ZONE_DEVICE mapping (SOFTW4, removed upstream)", SW, P | I, 0, -1, 1, 1 },
	{ ROLE_SAVED_DIRTY, "saved-dirty", "_PAGE_SAVED_DIRTY", "dirty of a write-protected entry (SOFTW5)", SW, P | I, 0, -1, 1, 1 },
	{ ROLE_PROT_NONE, "protnone", "_PAGE_PROTNONE", "PROT_NONE (the GLOBAL bit while not present)", SW, I, 0, -1, 1, 1 },
	{ ROLE_SWP_SOFT_DIRTY, "swp-soft-dirty", "_PAGE_SWP_SOFT_DIRTY", "soft-dirty of a swapped-out page (_PAGE_RW)", SW, S, 0, -1, 1, 1 },
	{ ROLE_SWP_UFFD_WP, "swp-uffd-wp", "_PAGE_SWP_UFFD_WP", "uffd-wp of a swapped-out page (_PAGE_USER)", SW, S, 0, -1, 1, 1 },
	{ ROLE_SWP_EXCLUSIVE, "swp-exclusive", "_PAGE_SWP_EXCLUSIVE", "remembers PageAnonExclusive (_PAGE_PWT)", SW, S, 0, -1, 1, 1 },
	{ ROLE_SWP_OFFSET, "swp-offset", "SWP_OFFSET_FIRST_BIT", "swap offset, stored inverted (L1TF)", SW, S, PTESIM_FIELD_INVERTED, -1, 1, 58 },
	{ ROLE_SWP_TYPE, "swp-type", "SWP_TYPE_BITS", "swap type, in the top bits", SW, S, 0, -1, 5, 5 },
};

static struct arch_def arm64_def = {
	.arch = PTESIM_ARCH_ARM64,
	.name = "arm64",
	.roles = arm64_roles,
	.nroles = sizeof(arm64_roles) / sizeof(arm64_roles[0]),
	/* PTE_SWBITS_MASK: bits 55-58 and 63 ("IGNORED", meant for software) */
	.sw_bits = (UINT64_C(0xf) << 55) | (UINT64_C(1) << 63),
	.valid_name = "PTE_VALID",
};

static struct arch_def x86_64_def = {
	.arch = PTESIM_ARCH_X86_64,
	.name = "x86_64",
	.roles = x86_64_roles,
	.nroles = sizeof(x86_64_roles) / sizeof(x86_64_roles[0]),
	/* _PAGE_BIT_SOFTW1..3 (9-11) and the ignored bits 52-58 */
	.sw_bits = (UINT64_C(0x7) << 9) | (UINT64_C(0x7f) << 52),
	.valid_name = "_PAGE_PRESENT",
};

static void label_range(struct arch_def *a, unsigned lo, unsigned hi, const char *label)
{
	for (unsigned b = lo; b <= hi; b++)
		a->hw_label[b] = label;
}

/* Filled once at first use; the labels never change after. */
static void fill_labels(void)
{
	struct arch_def *a = &arm64_def;

	label_range(a, 0, 63, "reserved");
	label_range(a, 5, 5, "NS");
	label_range(a, 12, 47, "OA");
	label_range(a, 48, 49, "OA[49:48]");
	label_range(a, 50, 50, "GP");
	label_range(a, 55, 58, "free for software");
	label_range(a, 59, 59, "PBHA[0] / AttrIndx[3] / IGNORED");
	label_range(a, 60, 62, "PBHA[3:1] / POIndex");
	label_range(a, 63, 63, "free for software (IGNORED)");

	a = &x86_64_def;
	label_range(a, 0, 63, "reserved");
	label_range(a, 9, 11, "free for software");
	label_range(a, 12, 51, "page frame");
	label_range(a, 52, 58, "free for software (ignored)");
	label_range(a, 57, 57, "free for software (SOFTW4; _PAGE_DEVMAP until its removal)");
	label_range(a, 59, 62, "protection key");
}

#include <pthread.h>
static pthread_once_t labels_once = PTHREAD_ONCE_INIT;

const struct arch_def *arch_def_find(enum ptesim_arch arch)
{
	pthread_once(&labels_once, fill_labels);
	if (arch == PTESIM_ARCH_ARM64)
		return &arm64_def;
	if (arch == PTESIM_ARCH_X86_64)
		return &x86_64_def;
	return NULL;
}

const struct arch_def *arch_def_by_name(const char *name)
{
	if (!strcmp(name, "arm64"))
		return arch_def_find(PTESIM_ARCH_ARM64);
	if (!strcmp(name, "x86_64"))
		return arch_def_find(PTESIM_ARCH_X86_64);
	return NULL;
}

const struct role_def *arch_role(const struct arch_def *a, enum role r)
{
	for (size_t i = 0; i < a->nroles; i++)
		if (a->roles[i].role == r)
			return &a->roles[i];
	return NULL;
}

static const char *strip_prefix(const char *name)
{
	if (!strncmp(name, "pte-", 4))
		return name + 4;
	if (!strncmp(name, "page-", 5))
		return name + 5;
	return name;
}

const struct role_def *arch_role_lookup(const struct arch_def *a, const char *key)
{
	for (size_t i = 0; i < a->nroles; i++)
		if (!strcmp(a->roles[i].name, key))
			return &a->roles[i];
	for (size_t i = 0; i < a->nroles; i++)
		if (!strcmp(strip_prefix(a->roles[i].name), key))
			return &a->roles[i];
	for (size_t i = 0; i < a->nroles; i++)
		if (!strcasecmp(a->roles[i].linux_name, key))
			return &a->roles[i];
	return NULL;
}
