/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "layout/layout_finalize.h"
#include "arch/pgtable.h"

static const char *const form_names[PTESIM_FORM_COUNT] = { "present", "invalid (PROT_NONE)", "swap" };

struct fin {
	struct ptesim_layout *L;
	const struct arch_def *arch;
	const int *line;
	const int *removed_line;
	int order[LAYOUT_MAX_FIELDS]; /* field index -> line, after sorting */
	const char *file;
	char *err;
	size_t errlen;
};

static int ferr(struct fin *f, int line, const char *fmt, ...)
{
	char msg[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (f->err && f->errlen)
		snprintf(f->err, f->errlen, "%s:%d: error: %s", f->file, line > 0 ? line : 1, msg);
	return -EINVAL;
}

static uint64_t fmask(const struct ptesim_field *fl)
{
	return bits_mask(fl->lo, fl->width);
}

static unsigned lowest(uint64_t m)
{
	unsigned b = 0;

	while (!(m & 1)) {
		m >>= 1;
		b++;
	}
	return b;
}

static int max_line(int a, int b)
{
	return a > b ? a : b;
}

static void sort_fields(struct fin *f)
{
	struct ptesim_layout *L = f->L;

	for (size_t i = 0; i < L->nfields; i++)
		f->order[i] = f->line[i];
	/* insertion sort by lowest bit, keeping order among equals */
	for (size_t i = 1; i < L->nfields; i++) {
		struct ptesim_field t = L->fields[i];
		int tl = f->order[i];
		size_t j = i;

		while (j > 0 && L->fields[j - 1].lo > t.lo) {
			L->fields[j] = L->fields[j - 1];
			f->order[j] = f->order[j - 1];
			j--;
		}
		L->fields[j] = t;
		f->order[j] = tl;
	}
}

/* An invalid-form-only field (PTE_PROT_NONE over UXN, PTE_PRESENT_INVALID
 * over nG, _PAGE_PROTNONE over _PAGE_GLOBAL) overlays the hardware field
 * under it, which means nothing to the MMU while the entry is invalid. A
 * software field under it would lose its bit in every PROT_NONE entry, so
 * that stays a conflict (uffd-wp on 58 against 6.9's PTE_PROT_NONE). */
static void apply_overlays(struct ptesim_layout *L)
{
	for (size_t i = 0; i < L->nfields; i++) {
		struct ptesim_field *o = &L->fields[i];

		if (o->forms != PTESIM_FORMS_INVALID || (o->flags & PTESIM_FIELD_PMD_ONLY))
			continue;
		for (size_t j = 0; j < L->nfields; j++) {
			struct ptesim_field *g = &L->fields[j];

			if (j == i || !(fmask(g) & fmask(o)) || !(g->forms & PTESIM_FORMS_PRESENT) ||
			    g->origin != PTESIM_HW)
				continue;
			g->forms &= (uint8_t)~PTESIM_FORMS_INVALID;
			g->flags |= PTESIM_FIELD_OVERLAY;
			o->flags |= PTESIM_FIELD_OVERLAY;
		}
	}
}

static bool declared_shared(const struct ptesim_layout *L, const struct ptesim_field *a, const struct ptesim_field *b)
{
	for (unsigned i = 0; i < L->nshared; i++)
		if ((L->shared[i][0] == a->role && L->shared[i][1] == b->role) ||
		    (L->shared[i][0] == b->role && L->shared[i][1] == a->role))
			return true;
	return false;
}

static int check_overlaps(struct fin *f)
{
	struct ptesim_layout *L = f->L;

	for (int form = 0; form < PTESIM_FORM_COUNT; form++) {
		for (size_t i = 0; i < L->nfields; i++) {
			for (size_t j = i + 1; j < L->nfields; j++) {
				const struct ptesim_field *a = &L->fields[i], *b = &L->fields[j];
				uint64_t both = fmask(a) & fmask(b);

				if (!both || !(a->forms & b->forms & (1u << form)) || declared_shared(L, a, b))
					continue;
				return ferr(f, max_line(f->order[i], f->order[j]),
					    "%s and %s both use bit %u in the %s form, with no overlay condition between them",
					    a->name, b->name, lowest(both), form_names[form]);
			}
		}
	}
	return 0;
}

static int check_hw_bits(struct fin *f)
{
	struct ptesim_layout *L = f->L;

	for (size_t i = 0; i < L->nfields; i++) {
		const struct ptesim_field *fl = &L->fields[i];
		uint64_t bad = fmask(fl) & ~f->arch->sw_bits;

		if (fl->origin != PTESIM_SW || !(fl->forms & PTESIM_FORMS_PRESENT) || !bad)
			continue;
		return ferr(f, f->order[i],
			    "%s on bit %u: the hardware defines bit %u of a valid %s descriptor (%s); a software field cannot use it",
			    fl->name, lowest(bad), lowest(bad), f->arch->name,
			    f->arch->hw_label[lowest(bad)]);
	}
	return 0;
}

/* bits a swap entry must keep zero so that it is neither present nor
 * present-invalid, with the reason */
static const char *swap_zero_reason(const struct ptesim_layout *L, unsigned b)
{
	uint64_t bit = UINT64_C(1) << b;

	if (L->role_mask[ROLE_VALID] & bit)
		return "the valid bit";
	for (size_t i = 0; i < L->nfields; i++) {
		const struct ptesim_field *fl = &L->fields[i];

		if (fl->forms == PTESIM_FORMS_INVALID && (fmask(fl) & bit))
			return fl->linux_name;
	}
	return L->swap_zero_label[b];
}

static int check_swap(struct fin *f)
{
	struct ptesim_layout *L = f->L;
	const struct ptesim_field *type = L->role_field[ROLE_SWP_TYPE];
	const struct ptesim_field *off = L->role_field[ROLE_SWP_OFFSET];

	if (!type || !off)
		return ferr(f, 1, "a layout needs swp-type and swp-offset");
	for (size_t i = 0; i < L->nfields; i++) {
		const struct ptesim_field *fl = &L->fields[i];

		if (!(fl->forms & PTESIM_FORMS_SWAP))
			continue;
		for (unsigned b = fl->lo; b < (unsigned)fl->lo + fl->width; b++) {
			const char *why = swap_zero_reason(L, b);

			if (why)
				return ferr(f, f->order[i],
					    "%s on bit %u overlaps a bit a swap entry must keep zero (%s)",
					    fl->name, b, why);
		}
	}
	if (L->arch == PTESIM_ARCH_X86_64) {
		int tl = 0, ol = 0;

		for (size_t i = 0; i < L->nfields; i++) {
			if (&L->fields[i] == type)
				tl = f->order[i];
			if (&L->fields[i] == off)
				ol = f->order[i];
		}
		/* pgtable_64.h: __swp_type(x) = x >> (64 - SWP_TYPE_BITS), and the
		 * offset runs from SWP_OFFSET_FIRST_BIT up to the type */
		if (type->lo + type->width != 64)
			return ferr(f, tl, "x86_64 keeps swp-type in the top bits (it ends at bit 63)");
		if (off->lo + off->width != type->lo)
			return ferr(f, max_line(tl, ol), "x86_64 swp-offset must end right below swp-type (bit %u)",
				    type->lo - 1);
	}
	return 0;
}

/* the line that placed (or removed) the field with this role, 0 when inherited */
static int role_line(const struct fin *f, enum role r)
{
	for (size_t i = 0; i < f->L->nfields; i++)
		if (f->L->fields[i].role == r)
			return f->order[i];
	return f->removed_line[r];
}

static int derive_features(struct fin *f)
{
	struct ptesim_layout *L = f->L;
	bool sd = L->role_field[ROLE_SOFT_DIRTY] || L->soft_dirty_alias;
	bool swp_sd = L->role_field[ROLE_SWP_SOFT_DIRTY] != NULL;
	bool wp = L->role_field[ROLE_UFFD_WP] != NULL;
	bool swp_wp = L->role_field[ROLE_SWP_UFFD_WP] != NULL;

	if (sd != swp_sd)
		return ferr(f, max_line(role_line(f, ROLE_SOFT_DIRTY), role_line(f, ROLE_SWP_SOFT_DIRTY)),
			    "soft-dirty needs both a present-entry bit (soft-dirty) and a swap bit (swp-soft-dirty)");
	if (wp != swp_wp)
		return ferr(f, max_line(role_line(f, ROLE_UFFD_WP), role_line(f, ROLE_SWP_UFFD_WP)),
			    "uffd-wp needs both a present-entry bit (uffd-wp) and a swap bit (swp-uffd-wp)");
	if (L->arch == PTESIM_ARCH_ARM64) {
		bool pn = L->role_field[ROLE_PROT_NONE], pi = L->role_field[ROLE_PRESENT_INVALID];

		if (pn == pi)
			return ferr(f, 1, "arm64 encodes PROT_NONE with exactly one of pte-prot-none and present-invalid");
		if (!L->role_field[ROLE_SW_DIRTY] || !L->role_field[ROLE_WRITE] || !L->role_field[ROLE_RDONLY])
			return ferr(f, 1, "arm64 needs pte-dirty, dbm and rdonly for its dirty states");
	} else if (!L->role_field[ROLE_PROT_NONE]) {
		return ferr(f, 1, "x86_64 needs protnone");
	}
	if (!L->role_field[ROLE_VALID] || !L->role_field[ROLE_PFN])
		return ferr(f, 1, "a layout needs its valid bit and its pfn field");
	L->features = 0;
	if (sd)
		L->features |= PTESIM_FEAT_SOFT_DIRTY;
	if (wp)
		L->features |= PTESIM_FEAT_UFFD_WP;
	if (L->role_field[ROLE_SWP_EXCLUSIVE])
		L->features |= PTESIM_FEAT_SWP_EXCLUSIVE;
	if (L->era->marker_mask)
		L->features |= PTESIM_FEAT_PTE_MARKERS;
	return 0;
}

static void derive_roles(struct ptesim_layout *L)
{
	memset(L->role_mask, 0, sizeof(L->role_mask));
	memset(L->role_shift, 0, sizeof(L->role_shift));
	memset(L->role_field, 0, sizeof(L->role_field));
	for (size_t i = 0; i < L->nfields; i++) {
		const struct ptesim_field *fl = &L->fields[i];

		L->role_mask[fl->role] = fmask(fl);
		L->role_shift[fl->role] = fl->lo;
		L->role_field[fl->role] = fl;
	}
	if (L->soft_dirty_alias)
		L->role_mask[ROLE_SOFT_DIRTY] = 0; /* no bit of its own */
}

static void derive_classes(struct ptesim_layout *L, const struct arch_def *a)
{
	memset(L->note, 0, sizeof(L->note));
	memset(L->bit_field, 0, sizeof(L->bit_field));
	memset(L->zero_mask, 0, sizeof(L->zero_mask));
	memset(L->field_mask, 0, sizeof(L->field_mask));
	for (int form = 0; form < PTESIM_FORM_COUNT; form++) {
		for (unsigned b = 0; b < 64; b++) {
			uint64_t bit = UINT64_C(1) << b;
			struct bit_note *n = &L->note[form][b];
			const struct ptesim_field *pmd_only = NULL, *invalid_only = NULL;

			for (size_t i = 0; i < L->nfields; i++) {
				const struct ptesim_field *fl = &L->fields[i];

				if (!(fmask(fl) & bit))
					continue;
				if (fl->flags & PTESIM_FIELD_PMD_ONLY)
					pmd_only = fl;
				else if (fl->forms & (1u << form))
					L->bit_field[form][b] = fl;
				else if (fl->forms == PTESIM_FORMS_INVALID)
					invalid_only = fl;
			}
			if (L->bit_field[form][b]) {
				n->cls = PTESIM_BIT_FIELD;
				n->label = L->bit_field[form][b]->name;
				L->field_mask[form] |= bit;
				continue;
			}
			if (form == PTESIM_FORM_SWAP) {
				const char *why = swap_zero_reason(L, b);

				n->cls = PTESIM_BIT_ZERO;
				n->label = why ? why : "unused (zero)";
			} else if (pmd_only) {
				n->cls = PTESIM_BIT_ZERO;
				n->label = pmd_only->linux_name; /* a pte keeps it zero */
			} else if (invalid_only) {
				n->cls = PTESIM_BIT_ZERO;
				n->label = invalid_only->linux_name; /* only when not valid */
			} else if (form == PTESIM_FORM_INVALID && (L->role_mask[ROLE_VALID] & bit)) {
				n->cls = PTESIM_BIT_ZERO;
				n->label = a->valid_name;
			} else if (a->sw_bits & bit) {
				n->cls = PTESIM_BIT_FREE;
				n->label = a->hw_label[b];
			} else {
				n->cls = PTESIM_BIT_RESERVED;
				n->label = a->hw_label[b];
			}
			if (n->cls == PTESIM_BIT_ZERO)
				L->zero_mask[form] |= bit;
		}
	}
}

int layout_finalize(struct ptesim_layout *L, const struct arch_def *arch, const int *field_line,
		    const int *removed_line, const char *filename, char *err, size_t errlen)
{
	struct fin f = { .L = L, .arch = arch, .line = field_line, .removed_line = removed_line,
			 .file = filename, .err = err, .errlen = errlen };
	int rc;

	sort_fields(&f);
	/* forms come from the arch vocabulary; overlays are derived afresh */
	for (size_t i = 0; i < L->nfields; i++) {
		const struct role_def *rd = arch_role(arch, (enum role)L->fields[i].role);

		L->fields[i].forms = rd->forms;
		L->fields[i].flags = rd->flags;
	}
	apply_overlays(L);
	derive_roles(L);
	rc = check_overlaps(&f);
	if (!rc)
		rc = check_hw_bits(&f);
	if (!rc)
		rc = check_swap(&f);
	if (!rc)
		rc = derive_features(&f);
	if (rc)
		return rc;
	derive_classes(L, arch);
	if (!L->summary)
		L->summary = "";
	L->ops = *L->era->ops;
	arch_bind_feature_helpers(L);
	return 0;
}
