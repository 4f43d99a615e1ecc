/* SPDX-License-Identifier: MIT */
/* ptesim decode */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/json_out.h"

/* The fields of the entry's form, with their values. */
static void print_field_table(const ptesim_layout *L, const struct ptesim_decoded *d)
{
	printf("  %-7s %-20s %-22s %s\n", "bits", "field", "Linux name", "value");
	for (size_t i = ptesim_layout_field_count(L); i-- > 0;) {
		const struct ptesim_field *f = ptesim_layout_field(L, i);
		char bits[16];

		if (d->form < 0 || !(f->forms & (1u << d->form)))
			continue;
		if (f->width == 1)
			snprintf(bits, sizeof(bits), "%u", f->lo);
		else
			snprintf(bits, sizeof(bits), "%u-%u", f->lo + f->width - 1, f->lo);
		printf("  %-7s %-20s %-22s 0x%" PRIx64 "\n", bits, f->name, f->linux_name,
		       ptesim_field_get(f, d->value));
	}
}

/* Set fields only, for the side-by-side view. */
static void print_set_fields(const ptesim_layout *L, const struct ptesim_decoded *d)
{
	bool any = false;

	if (d->form < 0)
		return;
	printf("  %20s", "");
	for (size_t i = ptesim_layout_field_count(L); i-- > 0;) {
		const struct ptesim_field *f = ptesim_layout_field(L, i);
		uint64_t v = ptesim_field_get(f, d->value);

		if (!(f->forms & (1u << d->form)) || !v)
			continue;
		if (f->width == 1)
			printf(" %s", f->name);
		else
			printf(" %s=0x%" PRIx64, f->name, v);
		any = true;
	}
	if (!any)
		printf(" (no field set)");
	printf("\n");
}

static void print_json(const ptesim_layout *L, const struct ptesim_decoded *d)
{
	struct json j;

	json_begin(&j, stdout);
	json_str(&j, "layout", ptesim_layout_name(L));
	json_hex(&j, "value", d->value);
	json_str(&j, "kind", ptesim_kind_name(d->kind));
	for (size_t i = 0; i < ptesim_layout_field_count(L); i++) {
		const struct ptesim_field *f = ptesim_layout_field(L, i);

		if (d->form >= 0 && (f->forms & (1u << d->form)))
			json_u64(&j, f->name, ptesim_field_get(f, d->value));
		else
			json_null(&j, f->name);
	}
	for (int p = 0; p < PTESIM_P_COUNT; p++)
		json_u64(&j, ptesim_pred_name((enum ptesim_pred)p), d->pred[p]);
	if (d->has_swap) {
		json_u64(&j, "swap-type", d->swap_type);
		json_u64(&j, "swap-offset", d->swap_offset);
		json_str(&j, "swap-what", d->swap_what);
	}
	if (d->kind == PTESIM_KIND_MARKER)
		json_u64(&j, "marker", d->marker);
	if (d->has_pfn)
		json_u64(&j, "pfn", d->pfn);
	if (d->kind == PTESIM_KIND_INVALID)
		json_str(&j, "reason", d->reason);
	json_str(&j, "summary", d->summary);
	json_end(&j);
}

int cmd_decode(int argc, char **argv)
{
	struct layout_list list = { 0 };
	uint64_t values[256];
	int nvalues = 0, rc = EXIT_OK;
	bool json = false;

	for (int i = 1; i < argc && !rc; i++) {
		if (!strcmp(argv[i], "--layout") && i + 1 < argc) {
			rc = layouts_add_name(&list, argv[++i]);
		} else if (!strcmp(argv[i], "--layout-file") && i + 1 < argc) {
			rc = layouts_add_file(&list, argv[++i]);
		} else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			const char *f = argv[++i];

			if (strcmp(f, "text") && strcmp(f, "json"))
				rc = usage_error("decode: unknown format '%s' (text or json)", f);
			json = !strcmp(f, "json");
		} else if (argv[i][0] == '-' && argv[i][1] != 0 && !(argv[i][1] >= '0' && argv[i][1] <= '9')) {
			rc = usage_error("decode: unknown option '%s'", argv[i]);
		} else if (nvalues == 256) {
			rc = usage_error("decode: at most 256 values at once");
		} else if (!parse_u64(argv[i], &values[nvalues])) {
			rc = usage_error("decode: '%s' is not a 64-bit number (decimal or 0x hex)", argv[i]);
		} else {
			nvalues++;
		}
	}
	if (rc)
		goto out;
	if (!nvalues) {
		rc = usage_error("decode: give one or more entry values, e.g. ptesim decode 0x0060000000000fc3");
		goto out;
	}
	if (!list.n) /* no --layout: every built-in, side by side */
		layouts_add_name(&list, "all");
	for (int v = 0; v < nvalues; v++) {
		if (!json && list.n > 1)
			printf("0x%016" PRIx64 "\n", values[v]);
		for (int l = 0; l < list.n; l++) {
			const ptesim_layout *L = list.items[l];
			struct ptesim_decoded d;

			ptesim_decode(L, values[v], &d);
			if (json) {
				print_json(L, &d);
			} else if (list.n > 1) {
				printf("  %-20s %s\n", ptesim_layout_name(L), d.summary);
				print_set_fields(L, &d);
			} else {
				printf("0x%016" PRIx64 " %s: %s\n", values[v], ptesim_layout_name(L), d.summary);
				print_field_table(L, &d);
			}
		}
	}
out:
	layouts_free(&list);
	return rc;
}
