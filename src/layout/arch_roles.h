/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_ARCH_ROLES_H
#define PTESIM_ARCH_ROLES_H

#include "layout/layout_internal.h"

/* How an architecture names a role and where the hardware allows it. */
struct role_def {
	enum role role;
	const char *name;       /* field name, e.g. "pte-uffd-wp" */
	const char *linux_name; /* e.g. "PTE_UFFD_WP" */
	const char *desc;
	uint8_t origin;         /* PTESIM_HW or PTESIM_SW */
	uint8_t forms;          /* PTESIM_FORMS_* */
	uint8_t flags;          /* PTESIM_FIELD_* */
	int8_t fixed_lo;        /* hardware fields sit where the hardware puts them; -1: movable */
	uint8_t min_width, max_width;
};

struct arch_def {
	enum ptesim_arch arch;
	const char *name;
	const struct role_def *roles;
	size_t nroles;
	uint64_t sw_bits;              /* present-form bits the hardware leaves to software */
	const char *hw_label[64];      /* what the hardware has at each bit (present form) */
	const char *valid_name;        /* "PTE_VALID" / "_PAGE_PRESENT", for conditions */
};

const struct arch_def *arch_def_find(enum ptesim_arch arch);
const struct arch_def *arch_def_by_name(const char *name);
const struct role_def *arch_role(const struct arch_def *a, enum role r);
/* By field name, by the same name without its "pte-"/"page-" prefix, or by Linux name. */
const struct role_def *arch_role_lookup(const struct arch_def *a, const char *key);

#endif
