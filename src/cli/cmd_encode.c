/* SPDX-License-Identifier: MIT */
/* ptesim encode */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* The field a FIELD=VALUE names: its own name, its Linux name, or a meaning
 * both architectures share (write, young, pfn, dirty, soft-dirty, ...). */
static const struct ptesim_field *find_field(const ptesim_layout *L, const char *name)
{
	const struct ptesim_field *f = ptesim_layout_field_find(L, name);

	return f ? f : ptesim_layout_field_for(L, name);
}

static int encode_fields(const ptesim_layout *L, int argc, char **argv)
{
	uint64_t value = 0, assigned = 0;
	const char *owner[64] = { 0 };

	for (int i = 0; i < argc; i++) {
		char name[64];
		const char *eq = strchr(argv[i], '=');
		const struct ptesim_field *f;
		uint64_t v, mask, bits;
		size_t n;

		if (!eq || eq == argv[i])
			return usage_error("encode: '%s' is not FIELD=VALUE", argv[i]);
		n = (size_t)(eq - argv[i]);
		if (n >= sizeof(name))
			return usage_error("encode: field name too long in '%s'", argv[i]);
		memcpy(name, argv[i], n);
		name[n] = 0;
		f = find_field(L, name);
		if (!f)
			return usage_error("encode: %s has no field '%s' (ptesim layout %s lists them)",
					   ptesim_layout_name(L), name, ptesim_layout_name(L));
		if (!parse_u64(eq + 1, &v))
			return usage_error("encode: '%s' is not a 64-bit number", eq + 1);
		if (f->width < 64 && (v >> f->width))
			return usage_error("encode: %s is %u bit%s wide: 0x%" PRIx64 " does not fit", f->name,
					   f->width, f->width == 1 ? "" : "s", v);
		mask = ptesim_field_mask(f);
		bits = v << f->lo;
		if ((assigned & mask) && ((value ^ bits) & assigned & mask)) {
			unsigned b = f->lo;

			while (!(((value ^ bits) & assigned & mask) >> b & 1))
				b++;
			return usage_error("encode: %s and %s both set bit %u, to different values", owner[b],
					   f->name, b);
		}
		value = (value & ~mask) | bits;
		assigned |= mask;
		for (unsigned b = f->lo; b < (unsigned)f->lo + f->width; b++)
			owner[b] = f->name;
	}
	printf("0x%016" PRIx64 "\n", value);
	return EXIT_OK;
}

static int encode_swap(const ptesim_layout *L, int argc, char **argv)
{
	uint64_t type, offset, entry;
	unsigned flags = 0;
	char err[256];

	if (argc < 2)
		return usage_error("encode: swap TYPE OFFSET [exclusive] [uffd-wp] [soft-dirty]");
	if (!parse_u64(argv[0], &type) || type > 63)
		return usage_error("encode: swap type '%s' is not a number below 64", argv[0]);
	if (!parse_u64(argv[1], &offset))
		return usage_error("encode: swap offset '%s' is not a 64-bit number", argv[1]);
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "exclusive"))
			flags |= PTESIM_SWP_EXCLUSIVE;
		else if (!strcmp(argv[i], "uffd-wp"))
			flags |= PTESIM_SWP_UFFD_WP;
		else if (!strcmp(argv[i], "soft-dirty"))
			flags |= PTESIM_SWP_SOFT_DIRTY;
		else
			return usage_error("encode: unknown swap flag '%s' (exclusive, uffd-wp, soft-dirty)",
					   argv[i]);
	}
	if (ptesim_encode_swap(L, (unsigned)type, offset, flags, &entry, err, sizeof(err)))
		return usage_error("encode: %s", err);
	printf("0x%016" PRIx64 "\n", entry);
	return EXIT_OK;
}

static int encode_marker(const ptesim_layout *L, int argc, char **argv)
{
	unsigned marker = 0;
	uint64_t entry;
	char err[256];

	if (argc < 1)
		return usage_error("encode: marker uffd-wp|poisoned|guard...");
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "uffd-wp"))
			marker |= 1u;
		else if (!strcmp(argv[i], "poisoned"))
			marker |= 2u;
		else if (!strcmp(argv[i], "guard"))
			marker |= 4u;
		else
			return usage_error("encode: unknown marker '%s' (uffd-wp, poisoned, guard)", argv[i]);
	}
	if (ptesim_encode_marker(L, marker, &entry, err, sizeof(err)))
		return usage_error("encode: %s", err);
	printf("0x%016" PRIx64 "\n", entry);
	return EXIT_OK;
}

static int encode_migration(const ptesim_layout *L, int argc, char **argv)
{
	enum ptesim_migration type;
	bool young = false, dirty = false;
	uint64_t pfn, entry;
	char err[256];

	if (argc < 2)
		return usage_error("encode: migration read|read-exclusive|write PFN [young] [dirty]");
	if (!strcmp(argv[0], "read"))
		type = PTESIM_MIGRATION_READ;
	else if (!strcmp(argv[0], "read-exclusive"))
		type = PTESIM_MIGRATION_READ_EXCLUSIVE;
	else if (!strcmp(argv[0], "write"))
		type = PTESIM_MIGRATION_WRITE;
	else
		return usage_error("encode: unknown migration type '%s' (read, read-exclusive, write)", argv[0]);
	if (!parse_u64(argv[1], &pfn))
		return usage_error("encode: pfn '%s' is not a 64-bit number", argv[1]);
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "young"))
			young = true;
		else if (!strcmp(argv[i], "dirty"))
			dirty = true;
		else
			return usage_error("encode: unknown migration flag '%s' (young, dirty)", argv[i]);
	}
	if (ptesim_encode_migration(L, type, pfn, young, dirty, &entry, err, sizeof(err)))
		return usage_error("encode: %s", err);
	printf("0x%016" PRIx64 "\n", entry);
	return EXIT_OK;
}

int cmd_encode(int argc, char **argv)
{
	struct layout_list list = { 0 };
	int i, rc = EXIT_OK;

	for (i = 1; i < argc && argv[i][0] == '-' && !rc; i++) {
		if (!strcmp(argv[i], "--layout") && i + 1 < argc)
			rc = layouts_add_name(&list, argv[++i]);
		else if (!strcmp(argv[i], "--layout-file") && i + 1 < argc)
			rc = layouts_add_file(&list, argv[++i]);
		else
			rc = usage_error("encode: unknown option '%s'", argv[i]);
	}
	if (rc)
		goto out;
	if (list.n != 1) {
		rc = usage_error("encode: name exactly one layout with --layout NAME or --layout-file F");
		goto out;
	}
	if (i >= argc)
		rc = usage_error("encode: give FIELD=VALUE..., or swap, marker or migration");
	else if (!strcmp(argv[i], "swap"))
		rc = encode_swap(list.items[0], argc - i - 1, argv + i + 1);
	else if (!strcmp(argv[i], "marker"))
		rc = encode_marker(list.items[0], argc - i - 1, argv + i + 1);
	else if (!strcmp(argv[i], "migration"))
		rc = encode_migration(list.items[0], argc - i - 1, argv + i + 1);
	else
		rc = encode_fields(list.items[0], argc - i, argv + i);
out:
	layouts_free(&list);
	return rc;
}
