/* SPDX-License-Identifier: MIT */
/*
 * What an entry is under a layout: the kind comes from the era's own
 * helpers (pte_none, pte_present, pte_protnone, the swap type), the
 * legality from the layout's bit classes, the predicates from the helpers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arch/pgtable.h"
#include "ptesim/pte.h"

static const char *const kind_names[] = { "none", "present", "prot-none", "swap",
					  "marker", "migration", "invalid" };
static const char *const pred_names[PTESIM_P_COUNT] = {
	"present", "none", "swap", "marker", "write", "dirty", "hw-dirty",
	"sw-dirty", "young", "soft-dirty", "uffd-wp", "exclusive", "prot-none",
};

const char *ptesim_kind_name(enum ptesim_kind kind)
{
	return (unsigned)kind < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[kind] : "?";
}

const char *ptesim_pred_name(enum ptesim_pred pred)
{
	return (unsigned)pred < PTESIM_P_COUNT ? pred_names[pred] : NULL;
}

int ptesim_pred_find(const char *name)
{
	for (int i = 0; i < PTESIM_P_COUNT; i++)
		if (!strcmp(pred_names[i], name))
			return i;
	return -1;
}

struct text {
	char *buf;
	size_t size, len;
};

static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len >= t->size)
		return;
	if (t->len)
		t->buf[t->len++] = ' ';
	if (t->len >= t->size) {
		t->len = t->size - 1;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n < t->size - t->len ? (size_t)n : t->size - t->len - 1;
}

static void set_invalid(struct ptesim_decoded *d, const char *fmt, ...)
{
	va_list ap;

	d->kind = PTESIM_KIND_INVALID;
	va_start(ap, fmt);
	vsnprintf(d->reason, sizeof(d->reason), fmt, ap);
	va_end(ap);
	snprintf(d->summary, sizeof(d->summary), "invalid: %s", d->reason);
}

static int lowest_bit(uint64_t m)
{
	int b = 0;

	while (!(m & 1)) {
		m >>= 1;
		b++;
	}
	return b;
}

/* A set bit that no field of the form accounts for makes the entry illegal. */
static bool check_stray_bits(const struct ptesim_layout *L, int form, uint64_t v,
			     struct ptesim_decoded *d)
{
	uint64_t stray = v & ~L->field_mask[form];
	const struct bit_note *n;
	int b;

	if (!stray)
		return true;
	b = lowest_bit(stray);
	n = &L->note[form][b];
	switch (n->cls) {
	case PTESIM_BIT_ZERO:
		set_invalid(d, "bit %d must be zero here (%s)", b, n->label);
		break;
	case PTESIM_BIT_FREE:
		set_invalid(d, "bit %d is free for software: no field of %s uses it", b, L->name);
		break;
	default:
		set_invalid(d, "bit %d is reserved by the hardware (%s) and unused by Linux", b, n->label);
		break;
	}
	return false;
}

/* States the kernel never builds, per architecture. */
static bool check_present_state(const struct ptesim_layout *L, pte_t pte, struct ptesim_decoded *d)
{
	uint64_t v = pte_val(pte);

	if (L->arch == PTESIM_ARCH_ARM64) {
		if (!(v & L_mask(L, ROLE_TABLE))) {
			set_invalid(d, "bit 1 (PTE_TABLE_BIT) clear: not a level-3 page descriptor");
			return false;
		}
		if (!(v & L_mask(L, ROLE_RDONLY)) && !(v & L_mask(L, ROLE_WRITE))) {
			set_invalid(d, "RDONLY=0 with DBM=0: writable by the MMU but not pte_write()");
			return false;
		}
	} else if (!(v & L_mask(L, ROLE_WRITE)) && (v & L_mask(L, ROLE_HW_DIRTY))) {
		set_invalid(d, "Write=0 with Dirty=1 is a shadow-stack entry, which ptesim does not model");
		return false;
	}
	if (pte_uffd_wp(L, pte) && pte_write(L, pte)) {
		set_invalid(d, "uffd-wp entry with write permission (pte_mkuffd_wp always write-protects)");
		return false;
	}
	return true;
}

static void write_state_words(const struct ptesim_layout *L, pte_t pte, struct text *t, bool show_exec)
{
	uint64_t v = pte_val(pte);

	if (L->arch == PTESIM_ARCH_ARM64) {
		bool w = v & L_mask(L, ROLE_WRITE), ro = v & L_mask(L, ROLE_RDONLY);
		bool sw = v & L_mask(L, ROLE_SW_DIRTY);

		if (w && !ro)
			add(t, "writable-dirty (DBM=1 RDONLY=0%s)", sw ? " DIRTY=1" : "");
		else if (w && sw)
			add(t, "writable sw-dirty (DBM=1 RDONLY=1 DIRTY=1)");
		else if (w)
			add(t, "writable-clean (DBM=1 RDONLY=1)");
		else if (sw)
			add(t, "read-only dirty (DBM=0 RDONLY=1 DIRTY=1)");
		else
			add(t, "read-only clean");
		if (show_exec && !(v & L_mask(L, ROLE_UXN)))
			add(t, "exec");
	} else {
		bool d = v & L_mask(L, ROLE_HW_DIRTY), sd = v & L_mask(L, ROLE_SAVED_DIRTY);

		add(t, "%s %s", (v & L_mask(L, ROLE_WRITE)) ? "writable" : "read-only",
		    d ? "dirty" : sd ? "saved-dirty" : "clean");
		if (show_exec && !(v & L_mask(L, ROLE_NX)))
			add(t, "exec");
	}
	if (pte_special(L, pte))
		add(t, "special");
	if (v & L_mask(L, ROLE_DEVMAP))
		add(t, "devmap");
	if (v & L_mask(L, ROLE_CONT))
		add(t, "cont");
}

/* present entries read "soft-dirty=1 uffd-wp=0", swap entries
 * "exclusive=1 uffd-wp=0 soft-dirty=0" */
static void feature_words(const struct ptesim_layout *L, const struct ptesim_decoded *d, struct text *t,
			  bool swap)
{
	bool sd = L->features & PTESIM_FEAT_SOFT_DIRTY, wp = L->features & PTESIM_FEAT_UFFD_WP;

	if (swap && (L->features & PTESIM_FEAT_SWP_EXCLUSIVE))
		add(t, "exclusive=%d", d->pred[PTESIM_P_EXCLUSIVE]);
	if (sd && !swap)
		add(t, "soft-dirty=%d", d->pred[PTESIM_P_SOFT_DIRTY]);
	if (wp)
		add(t, "uffd-wp=%d", d->pred[PTESIM_P_UFFD_WP]);
	if (sd && swap)
		add(t, "soft-dirty=%d", d->pred[PTESIM_P_SOFT_DIRTY]);
}

static void decode_present(const struct ptesim_layout *L, pte_t pte, struct ptesim_decoded *d)
{
	struct text t = { d->summary, sizeof(d->summary), 0 };
	int form = pte_valid(L, pte) ? PTESIM_FORM_PRESENT : PTESIM_FORM_INVALID;

	d->form = form;
	if (!check_stray_bits(L, form, pte_val(pte), d) || !check_present_state(L, pte, d))
		return;
	d->pred[PTESIM_P_PROT_NONE] = pte_protnone(L, pte);
	d->kind = d->pred[PTESIM_P_PROT_NONE] ? PTESIM_KIND_PROT_NONE : PTESIM_KIND_PRESENT;
	d->pred[PTESIM_P_PRESENT] = true;
	d->pred[PTESIM_P_WRITE] = pte_write(L, pte);
	d->pred[PTESIM_P_DIRTY] = pte_dirty(L, pte);
	d->pred[PTESIM_P_HW_DIRTY] = pte_hw_dirty(L, pte);
	d->pred[PTESIM_P_SW_DIRTY] = pte_sw_dirty(L, pte);
	d->pred[PTESIM_P_YOUNG] = pte_young(L, pte);
	d->pred[PTESIM_P_SOFT_DIRTY] = pte_soft_dirty(L, pte);
	d->pred[PTESIM_P_UFFD_WP] = pte_uffd_wp(L, pte);
	d->has_pfn = true;
	d->pfn = pte_pfn(L, pte);

	if (d->kind == PTESIM_KIND_PROT_NONE)
		add(&t, "prot-none");
	else if (form == PTESIM_FORM_INVALID)
		add(&t, "present-invalid"); /* pte_mkinvalid() of a user entry */
	else
		add(&t, "present");
	/* USER and execute-never are part of the PROT_NONE encoding itself */
	if (d->kind != PTESIM_KIND_PROT_NONE)
		add(&t, pte_user(L, pte) ? "user" : "kernel");
	add(&t, d->pred[PTESIM_P_YOUNG] ? "young" : "old");
	write_state_words(L, pte, &t, d->kind != PTESIM_KIND_PROT_NONE);
	feature_words(L, d, &t, false);
	add(&t, "pfn=0x%llx", (unsigned long long)d->pfn);
}

static const char *device_name(const struct ptesim_layout *L, unsigned i)
{
	static const char *const four[] = { "device-private-write", "device-private-read",
					    "device-exclusive-write", "device-exclusive-read" };
	static const char *const three[] = { "device-private-write", "device-private-read",
					     "device-exclusive" };

	if (L->era->device_num == 3)
		return i < 3 ? three[i] : "device";
	return i < 4 ? four[i] : "device";
}

static void decode_swap(const struct ptesim_layout *L, pte_t pte, struct ptesim_decoded *d)
{
	struct text t = { d->summary, sizeof(d->summary), 0 };
	swp_entry_t arch, entry;
	unsigned type, mig_read, mig_write;
	pte_t rebuilt;
	int marker_type = SWP_PTE_MARKER(L);

	d->form = PTESIM_FORM_SWAP;
	if (!check_stray_bits(L, PTESIM_FORM_SWAP, pte_val(pte), d))
		return;
	arch = __pte_to_swp_entry(L, pte);
	d->has_swap = true;
	d->swap_type = type = __swp_type(L, arch);
	d->swap_offset = __swp_offset(L, arch);
	if (type >> MAX_SWAPFILES_SHIFT) {
		set_invalid(d, "swap type %u does not fit MAX_SWAPFILES_SHIFT (5 bits)", type);
		return;
	}
	entry = pte_to_swp_entry(L, pte);
	if (swp_offset(entry) != d->swap_offset) {
		set_invalid(d, "swap offset 0x%llx does not fit the generic swp_entry_t",
			    (unsigned long long)d->swap_offset);
		return;
	}
	/* debug_vm_pgtable pte_swap_tests(): the entry must round-trip */
	rebuilt = swp_entry_to_pte(L, entry);
	if (pte_swp_exclusive(L, pte))
		rebuilt = pte_swp_mkexclusive(L, rebuilt);
	if (pte_swp_soft_dirty(L, pte))
		rebuilt = pte_swp_mksoft_dirty(L, rebuilt);
	if (pte_swp_uffd_wp(L, pte))
		rebuilt = pte_swp_mkuffd_wp(L, rebuilt);
	if (pte_val(rebuilt) != pte_val(pte)) {
		set_invalid(d, "does not round-trip through swp_entry_t (0x%016llx)",
			    (unsigned long long)pte_val(rebuilt));
		return;
	}
	d->pred[PTESIM_P_SWAP] = true;
	d->pred[PTESIM_P_EXCLUSIVE] = pte_swp_exclusive(L, pte);
	d->pred[PTESIM_P_SOFT_DIRTY] = pte_swp_soft_dirty(L, pte);
	d->pred[PTESIM_P_UFFD_WP] = pte_swp_uffd_wp(L, pte);

	mig_read = SWP_MIGRATION_READ(L);
	mig_write = SWP_MIGRATION_WRITE(L);
	if (marker_type >= 0 && type == (unsigned)marker_type) {
		unsigned m = (unsigned)d->swap_offset;

		if (d->swap_offset & ~(uint64_t)L->era->marker_mask || !m) {
			set_invalid(d, "PTE marker 0x%llx: %s uses marker bits 0x%x",
				    (unsigned long long)d->swap_offset, L->era->name, L->era->marker_mask);
			return;
		}
		d->kind = PTESIM_KIND_MARKER;
		d->marker = m;
		d->swap_what = "pte-marker";
		d->pred[PTESIM_P_MARKER] = true;
		d->pred[PTESIM_P_UFFD_WP] = pte_marker_uffd_wp(L, pte);
		add(&t, "pte-marker");
		if (m & PTE_MARKER_UFFD_WP)
			add(&t, (L->features & PTESIM_FEAT_UFFD_WP) ? "uffd-wp" : "uffd-wp(unused: no uffd-wp)");
		if (m & PTE_MARKER_POISONED)
			add(&t, "poisoned");
		if (m & PTE_MARKER_GUARD)
			add(&t, "guard");
		return;
	}
	if (L->era->migration_num && type >= mig_read && type <= mig_write) {
		int rx = SWP_MIGRATION_READ_EXCLUSIVE(L);

		d->kind = PTESIM_KIND_MIGRATION;
		d->swap_what = type == mig_write ? "migration-write"
			       : (rx >= 0 && type == (unsigned)rx) ? "migration-read-exclusive"
								   : "migration-read";
		d->has_pfn = true;
		d->pfn = swp_offset_pfn(L, entry);
		d->pred[PTESIM_P_WRITE] = is_writable_migration_entry(L, entry);
		d->pred[PTESIM_P_YOUNG] = is_migration_entry_young(L, entry);
		d->pred[PTESIM_P_DIRTY] = is_migration_entry_dirty(L, entry);
		add(&t, "%s type=%u pfn=0x%llx", d->swap_what, type, (unsigned long long)d->pfn);
		if (migration_entry_supports_ad(L))
			add(&t, "young=%d dirty=%d", d->pred[PTESIM_P_YOUNG], d->pred[PTESIM_P_DIRTY]);
		feature_words(L, d, &t, true);
		return;
	}
	d->kind = PTESIM_KIND_SWAP;
	if (type < L->era->max_swapfiles) {
		d->swap_what = "swap";
		add(&t, "swap type=%u offset=0x%llx", type, (unsigned long long)d->swap_offset);
	} else {
		d->swap_what = type == SWP_HWPOISON(L) ? "hwpoison"
							: device_name(L, type - SWP_DEVICE_FIRST(L));
		d->has_pfn = true;
		d->pfn = d->swap_offset;
		add(&t, "swap %s type=%u pfn=0x%llx", d->swap_what, type, (unsigned long long)d->pfn);
	}
	feature_words(L, d, &t, true);
}

void ptesim_decode(const ptesim_layout *L, uint64_t v, struct ptesim_decoded *d)
{
	pte_t pte = __pte(v);

	memset(d, 0, sizeof(*d));
	d->value = v;
	d->form = -1;
	if (pte_none(L, pte)) {
		d->kind = PTESIM_KIND_NONE;
		d->pred[PTESIM_P_NONE] = true;
		snprintf(d->summary, sizeof(d->summary), v ? "none (only A/D set: pte_none() ignores them)" : "none");
		return;
	}
	if (pte_present(L, pte))
		decode_present(L, pte, d);
	else
		decode_swap(L, pte, d);
}
