/* SPDX-License-Identifier: MIT */
/* ptesim helper: run one of the kernel's helpers on an entry, for teaching. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void list_helpers(void)
{
	const char *h;

	for (size_t i = 0; (h = ptesim_helper_name(i)); i++)
		fprintf(stderr, " %s", h);
	fputc('\n', stderr);
}

int cmd_helper(int argc, char **argv)
{
	struct layout_list list = { 0 };
	const char *helper = NULL;
	int i, rc = EXIT_OK;

	for (i = 1; i < argc && argv[i][0] == '-' && !rc; i++) {
		if (!strcmp(argv[i], "--layout") && i + 1 < argc)
			rc = layouts_add_name(&list, argv[++i]);
		else if (!strcmp(argv[i], "--layout-file") && i + 1 < argc)
			rc = layouts_add_file(&list, argv[++i]);
		else
			rc = usage_error("helper: unknown option '%s'", argv[i]);
	}
	if (rc)
		goto out;
	if (list.n != 1 || i + 2 > argc) {
		rc = usage_error("helper: --layout NAME HELPER HEX..., e.g. ptesim helper --layout arm64-v6.10 pte_mkclean 0x0060000000000fc3");
		goto out;
	}
	helper = argv[i++];
	for (; i < argc; i++) {
		const ptesim_layout *L = list.items[0];
		struct ptesim_decoded before, after;
		uint64_t in, out;
		bool yes;
		int r;

		if (!parse_u64(argv[i], &in)) {
			rc = usage_error("helper: '%s' is not a 64-bit number", argv[i]);
			goto out;
		}
		r = ptesim_helper_apply(L, helper, in, &out);
		if (r == -ENOENT && (r = ptesim_helper_test(L, helper, in, &yes)) == 0) {
			printf("%s(0x%016" PRIx64 ") = %d\n", helper, in, yes);
			continue;
		}
		if (r == -EOPNOTSUPP) {
			rc = usage_error("helper: %s is not defined in %s", helper, ptesim_layout_helpers(L));
			goto out;
		}
		if (r) {
			fprintf(stderr, "ptesim: helper: unknown helper '%s'; one of:", helper);
			list_helpers();
			rc = EXIT_USAGE;
			goto out;
		}
		ptesim_decode(L, in, &before);
		ptesim_decode(L, out, &after);
		printf("%s(0x%016" PRIx64 ") = 0x%016" PRIx64 "\n  before: %s\n  after:  %s\n  changed bits: 0x%016" PRIx64 "\n",
		       helper, in, out, before.summary, after.summary, in ^ out);
	}
out:
	layouts_free(&list);
	return rc;
}
