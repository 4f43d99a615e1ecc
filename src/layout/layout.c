/* SPDX-License-Identifier: MIT */
/* The registry of built-in layouts and the public accessors. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layout/layout_internal.h"

static struct ptesim_layout *builtins;
static size_t nbuiltins;
static pthread_once_t builtins_once = PTHREAD_ONCE_INIT;

const struct ptesim_layout *builtin_find_unlocked(const char *name)
{
	for (size_t i = 0; i < nbuiltins; i++)
		if (!strcmp(builtins[i].name, name))
			return &builtins[i];
	return NULL;
}

static void builtins_init(void)
{
	char err[512];

	builtins = calloc(builtin_layout_count, sizeof(*builtins));
	if (!builtins)
		abort();
	for (size_t i = 0; i < builtin_layout_count; i++) {
		/* parsed in place: a layout points into itself */
		if (layout_parse_into(&builtins[i], builtin_layout_texts[i], "<built-in>", true, err,
				      sizeof(err))) {
			/* a built-in that fails its own checks is a bug in ptesim */
			fprintf(stderr, "ptesim: built-in layout %zu: %s\n", i, err);
			abort();
		}
		builtins[i].builtin = true;
		nbuiltins = i + 1;
	}
}

static void ensure_builtins(void)
{
	pthread_once(&builtins_once, builtins_init);
}

size_t ptesim_layout_count(void)
{
	ensure_builtins();
	return nbuiltins;
}

const ptesim_layout *ptesim_layout_builtin(size_t index)
{
	ensure_builtins();
	return index < nbuiltins ? &builtins[index] : NULL;
}

const ptesim_layout *ptesim_layout_find(const char *name)
{
	ensure_builtins();
	return name ? builtin_find_unlocked(name) : NULL;
}

int ptesim_layout_parse(const char *text, const char *filename, ptesim_layout **out, char *err,
			size_t errlen)
{
	struct ptesim_layout *L;
	int rc;

	ensure_builtins();
	*out = NULL;
	L = malloc(sizeof(*L));
	if (!L)
		return -ENOMEM;
	rc = layout_parse_into(L, text, filename ? filename : "<text>", false, err, errlen);
	if (rc) {
		free(L);
		return rc;
	}
	*out = L;
	return 0;
}

int ptesim_layout_load_file(const char *path, ptesim_layout **out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long n;
	int rc;

	*out = NULL;
	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "%s: error: %s", path, strerror(errno));
		return rc;
	}
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		snprintf(err, errlen, "%s: error: cannot read the file", path);
		return -EIO;
	}
	if (n > 1 << 20) {
		fclose(f);
		snprintf(err, errlen, "%s: error: larger than 1 MiB; not a layout file", path);
		return -EINVAL;
	}
	text = malloc((size_t)n + 1);
	if (!text) {
		fclose(f);
		return -ENOMEM;
	}
	if (fread(text, 1, (size_t)n, f) != (size_t)n) {
		free(text);
		fclose(f);
		snprintf(err, errlen, "%s: error: cannot read the file", path);
		return -EIO;
	}
	fclose(f);
	text[n] = 0;
	if (memchr(text, 0, (size_t)n)) {
		free(text);
		snprintf(err, errlen, "%s:1: error: a NUL byte: not a text file", path);
		return -EINVAL;
	}
	rc = ptesim_layout_parse(text, path, out, err, errlen);
	free(text);
	return rc;
}

void ptesim_layout_free(ptesim_layout *layout)
{
	if (layout && !layout->builtin)
		free(layout);
}

const char *ptesim_layout_name(const ptesim_layout *L) { return L->name; }
const char *ptesim_layout_summary(const ptesim_layout *L) { return L->summary; }
const char *ptesim_layout_base(const ptesim_layout *L) { return L->base[0] ? L->base : L->name; }
const char *ptesim_layout_helpers(const ptesim_layout *L) { return L->era->name; }
enum ptesim_arch ptesim_layout_arch(const ptesim_layout *L) { return L->arch; }
unsigned ptesim_layout_features(const ptesim_layout *L) { return L->features; }
bool ptesim_layout_has(const ptesim_layout *L, enum ptesim_feature feature) { return L->features & feature; }
bool ptesim_layout_soft_dirty_aliases_dirty(const ptesim_layout *L) { return L->soft_dirty_alias; }
size_t ptesim_layout_field_count(const ptesim_layout *L) { return L->nfields; }

const char *ptesim_feature_name(enum ptesim_feature feature)
{
	switch (feature) {
	case PTESIM_FEAT_SOFT_DIRTY:
		return "soft-dirty";
	case PTESIM_FEAT_UFFD_WP:
		return "uffd-wp";
	case PTESIM_FEAT_PTE_MARKERS:
		return "pte-markers";
	case PTESIM_FEAT_SWP_EXCLUSIVE:
		return "swp-exclusive";
	}
	return NULL;
}

const struct ptesim_field *ptesim_layout_field(const ptesim_layout *L, size_t index)
{
	return index < L->nfields ? &L->fields[index] : NULL;
}

const struct ptesim_field *ptesim_layout_field_find(const ptesim_layout *L, const char *name)
{
	for (size_t i = 0; i < L->nfields; i++)
		if (!strcmp(L->fields[i].name, name))
			return &L->fields[i];
	for (size_t i = 0; i < L->nfields; i++)
		if (!strcasecmp(L->fields[i].linux_name, name))
			return &L->fields[i];
	return NULL;
}

enum ptesim_bit_class ptesim_layout_bit(const ptesim_layout *L, enum ptesim_form form, unsigned bit,
					const char **label, const struct ptesim_field **field)
{
	const struct bit_note *n = &L->note[form][bit & 63];

	if (label)
		*label = n->label;
	if (field)
		*field = L->bit_field[form][bit & 63];
	return (enum ptesim_bit_class)n->cls;
}

uint64_t ptesim_field_mask(const struct ptesim_field *f)
{
	return bits_mask(f->lo, f->width);
}

uint64_t ptesim_field_get(const struct ptesim_field *f, uint64_t entry)
{
	return (entry & ptesim_field_mask(f)) >> f->lo;
}

int ptesim_field_set(const struct ptesim_field *f, uint64_t *entry, uint64_t value)
{
	if (f->width < 64 && (value >> f->width))
		return -ERANGE;
	*entry = (*entry & ~ptesim_field_mask(f)) | (value << f->lo);
	return 0;
}

const struct ptesim_field *ptesim_layout_field_for(const ptesim_layout *L, const char *meaning)
{
	static const struct {
		const char *meaning;
		enum role arm64, x86;
	} map[] = {
		{ "valid", ROLE_VALID, ROLE_VALID },
		{ "write", ROLE_WRITE, ROLE_WRITE },
		{ "user", ROLE_USER, ROLE_USER },
		{ "young", ROLE_YOUNG, ROLE_YOUNG },
		{ "pfn", ROLE_PFN, ROLE_PFN },
		{ "dirty", ROLE_SW_DIRTY, ROLE_SAVED_DIRTY },
		{ "hw-dirty", ROLE_NONE, ROLE_HW_DIRTY },
		{ "special", ROLE_SPECIAL, ROLE_SPECIAL },
		{ "soft-dirty", ROLE_SOFT_DIRTY, ROLE_SOFT_DIRTY },
		{ "uffd-wp", ROLE_UFFD_WP, ROLE_UFFD_WP },
		{ "prot-none", ROLE_PROT_NONE, ROLE_PROT_NONE },
		{ "swp-type", ROLE_SWP_TYPE, ROLE_SWP_TYPE },
		{ "swp-offset", ROLE_SWP_OFFSET, ROLE_SWP_OFFSET },
		{ "swp-exclusive", ROLE_SWP_EXCLUSIVE, ROLE_SWP_EXCLUSIVE },
		{ "swp-uffd-wp", ROLE_SWP_UFFD_WP, ROLE_SWP_UFFD_WP },
		{ "swp-soft-dirty", ROLE_SWP_SOFT_DIRTY, ROLE_SWP_SOFT_DIRTY },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		enum role r;

		if (strcmp(map[i].meaning, meaning))
			continue;
		r = L->arch == PTESIM_ARCH_ARM64 ? map[i].arm64 : map[i].x86;
		if (r == ROLE_PROT_NONE && !L->role_field[r])
			r = ROLE_PRESENT_INVALID; /* arm64 6.10+ */
		if (r == ROLE_SOFT_DIRTY && L->soft_dirty_alias)
			r = ROLE_SW_DIRTY; /* Bin Lu's alias */
		return r == ROLE_NONE ? NULL : L->role_field[r];
	}
	return NULL;
}
