/* SPDX-License-Identifier: MIT */
/*
 * The scenario parser and printer against the language contract
 * (SCENARIO-LANGUAGE.md): every command form with its typed operands, every
 * class of error with its exact FILE:LINE:COL, the `-> ERRNO` rules, the
 * header rules, and the round trip parse(write(parse(x))) == parse(x) over a
 * corpus and over mutations of it.
 *
 * Expected values come from the language document, <errno.h> and the
 * kernel's UAPI headers (include/uapi/linux/userfaultfd.h, fs.h), never from
 * running the parser.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "arch/pgtable.h"
#include "ptesim/pte.h"
#include "scenario/program.h"

#define FILE_NAME "t.pts"
#define A8 "mmap A 8 rw private anon\n"

/* ---- helpers ---------------------------------------------------------- */

static struct scn_program *parse_ok(const char *text)
{
	char err[512] = "";
	struct scn_program *prog = NULL;
	int rc = scn_parse(text, FILE_NAME, &prog, err, sizeof(err));

	if (rc || !prog)
		fail_msg("parse failed (%d): %s\n--- text ---\n%s", rc, err, text);
	return prog;
}

/* The parse fails with exactly this one-line message. */
static void parse_fails(const char *text, const char *expected)
{
	char err[512] = "";
	struct scn_program *prog = NULL;
	int rc = scn_parse(text, FILE_NAME, &prog, err, sizeof(err));

	if (rc != -EINVAL)
		fail_msg("parse returned %d, not -EINVAL, for:\n%s\n(expected %s)", rc, text, expected);
	assert_true(prog == NULL);
	assert_true(strchr(err, '\n') == NULL);
	assert_string_equal(err, expected);
}

static const struct scn_command *last(const struct scn_program *prog)
{
	assert_true(prog->ncommands > 0);
	return &prog->commands[prog->ncommands - 1];
}

static void check_range(const struct scn_range *r, uint32_t region, enum scn_ref_form form,
			uint64_t first, uint64_t count)
{
	assert_int_equal(r->region, region);
	assert_int_equal(r->form, form);
	assert_int_equal(r->first, first);
	assert_int_equal(r->count, count);
}

/* The whole program as canonical text, in a malloc'd string. */
static char *program_text(const struct scn_program *prog)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_true(f != NULL);
	assert_int_equal(scn_program_write(f, prog), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* parse(write(parse(text))) equals parse(text), and writing is stable. */
static void check_round_trip(const char *text)
{
	struct scn_program *first = parse_ok(text);
	char *canonical = program_text(first);
	struct scn_program *second = parse_ok(canonical);
	char *again = program_text(second);

	if (!scn_program_equal(first, second))
		fail_msg("round trip changed the program:\n--- text ---\n%s--- canonical ---\n%s", text,
			 canonical);
	assert_string_equal(canonical, again);
	free(again);
	free(canonical);
	scn_program_free(second);
	scn_program_free(first);
}

/* A text built with printf, for generated inputs. */
struct buf {
	char *s;
	size_t len, cap;
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		assert_true(b->s != NULL);
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* ---- realistic scenarios ---------------------------------------------- */

/* Steve Capper's MADV_FREE race against CRIU's soft-dirty dump (review of
 * Bin Lu's 2017 patch): a page dirtied again after MADV_FREE must still be
 * soft-dirty at the next dump. */
static const char capper_race[] =
	"# CRIU dump after MADV_FREE\n"
	"layout arm64-v4.15-binlu,arm64-v6.10,x86_64\n"
	"requires soft-dirty\n"
	"expect-result arm64-v4.15-binlu fail criu-image-stale\n"
	"\n"
	"mmap A 1 rw private anon\n"
	"write A[0]\n"
	"criu dump\n"
	"write A[0]          # dirty again after the first dump\n"
	"madvise A[0] free\n"
	"criu dump\n"
	"read A[0]\n";

static void test_capper_criu_madv_free_race(void **state)
{
	struct scn_program *prog = parse_ok(capper_race);
	const struct scn_header *h = &prog->header;
	static const enum scn_op ops[] = { SCN_OP_MMAP, SCN_OP_WRITE, SCN_OP_CRIU_DUMP, SCN_OP_WRITE,
					   SCN_OP_MADVISE, SCN_OP_CRIU_DUMP, SCN_OP_READ };

	(void)state;
	assert_string_equal(prog->filename, FILE_NAME);
	assert_false(h->all_layouts);
	assert_int_equal(h->nlayouts, 3);
	assert_string_equal(h->layouts[0], "arm64-v4.15-binlu");
	assert_string_equal(h->layouts[1], "arm64-v6.10");
	assert_string_equal(h->layouts[2], "x86_64");
	assert_int_equal(h->requires, SCN_REQ_SOFT_DIRTY);
	assert_true(h->hafdbs);
	assert_true(h->swap);
	assert_int_equal(h->nresults, 1);
	assert_string_equal(h->results[0].layout, "arm64-v4.15-binlu");
	assert_true(h->results[0].fail);
	assert_int_equal(h->results[0].violation, SCN_V_CRIU_IMAGE_STALE);

	assert_int_equal(prog->nprocesses, 1);
	assert_string_equal(prog->processes[0], "p0");
	assert_int_equal(prog->nregions, 1);
	assert_string_equal(prog->regions[0], "A");
	assert_int_equal(prog->nobjects, 0);
	assert_int_equal(prog->ncommands, 7);
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(prog->commands[i].op, ops[i]);
		assert_int_equal(prog->commands[i].line, 6 + i);
		assert_int_equal(prog->commands[i].process, 0);
		assert_int_equal(prog->commands[i].expect_errno, 0);
	}
	const struct scn_command *c = prog->commands;

	assert_int_equal(c[0].mmap.region, 0);
	assert_int_equal(c[0].mmap.npages, 1);
	assert_int_equal(c[0].mmap.prot, VM_READ | VM_WRITE);
	assert_int_equal(c[0].mmap.sharing, SCN_PRIVATE);
	assert_int_equal(c[0].mmap.backing, SCN_ANON);
	check_range(&c[1].range, 0, SCN_REF_PAGE, 0, 1);
	assert_false(c[1].access.has_value);
	assert_int_equal(c[1].access.outcome, SCN_OUTCOME_OK);
	assert_string_equal(c[3].text, "write A[0]");
	check_range(&c[4].range, 0, SCN_REF_PAGE, 0, 1);
	assert_int_equal(c[4].advice, SCN_MADV_FREE);
	assert_string_equal(c[4].text, "madvise A[0] free");
	assert_false(c[6].access.has_value);
	scn_program_free(prog);
}

/* CRIU's newer path: async uffd-wp and PAGEMAP_SCAN instead of soft-dirty. */
static const char uffd_async_scan[] =
	"requires uffd-wp\n"
	"mmap A 4 rw private anon\n"
	"uffd open async unpopulated\n"
	"uffd register A wp\n"
	"write A[0] 0x11\n"
	"write A[1] 0x22\n"
	"scan A wp-matching check-wpasync want=written anyof=present,swapped inverted=pfnzero return=written,present max-pages=2\n"
	"expect scan A want=written return=written == A[0:2]{written} A[2:4]{}\n"
	"uffd wp A[0:2]\n"
	"write A[0] -> ok\n"
	"expect scan A[0:4] == none\n"
	"uffd unwp A[1]\n"
	"uffd unregister A\n";

static void test_uffd_async_scan(void **state)
{
	struct scn_program *prog = parse_ok(uffd_async_scan);
	const struct scn_command *c = prog->commands;

	(void)state;
	assert_int_equal(prog->header.requires, SCN_REQ_UFFD_WP);
	assert_int_equal(prog->ncommands, 12);
	assert_int_equal(c[1].op, SCN_OP_UFFD_OPEN);
	/* UFFD_FEATURE_WP_ASYNC (1 << 15) | UFFD_FEATURE_WP_UNPOPULATED (1 << 13) */
	assert_int_equal(c[1].uffd_features, (1u << 15) | (1u << 13));
	assert_int_equal(c[2].op, SCN_OP_UFFD_REGISTER);
	check_range(&c[2].range, 0, SCN_REF_WHOLE, 0, 4);
	assert_int_equal(c[2].uffd_mode, 1u << 1); /* UFFDIO_REGISTER_MODE_WP */
	assert_true(c[3].access.has_value);
	assert_int_equal(c[3].access.value, 0x11);
	assert_int_equal(c[4].access.value, 0x22);

	assert_int_equal(c[5].op, SCN_OP_SCAN);
	check_range(&c[5].range, 0, SCN_REF_WHOLE, 0, 4);
	/* PM_SCAN_WP_MATCHING 1, PM_SCAN_CHECK_WPASYNC 2; PAGE_IS_WRITTEN 1 << 1,
	 * PRESENT 1 << 3, SWAPPED 1 << 4, PFNZERO 1 << 5 */
	assert_int_equal(c[5].scan.flags, 3);
	assert_int_equal(c[5].scan.want, 1u << 1);
	assert_int_equal(c[5].scan.anyof, (1u << 3) | (1u << 4));
	assert_int_equal(c[5].scan.inverted, 1u << 5);
	assert_int_equal(c[5].scan.ret, (1u << 1) | (1u << 3));
	assert_int_equal(c[5].scan.max_pages, 2);
	assert_int_equal(c[5].scan.nexpected, 0);

	assert_int_equal(c[6].op, SCN_OP_EXPECT_SCAN);
	assert_int_equal(c[6].scan.flags, 0);
	assert_int_equal(c[6].scan.want, 1u << 1);
	assert_int_equal(c[6].scan.anyof, 0);
	assert_int_equal(c[6].scan.ret, 1u << 1);
	assert_int_equal(c[6].scan.max_pages, 0);
	assert_int_equal(c[6].scan.nexpected, 2);
	check_range(&c[6].scan.expected[0].range, 0, SCN_REF_SPAN, 0, 2);
	assert_int_equal(c[6].scan.expected[0].categories, 1u << 1);
	check_range(&c[6].scan.expected[1].range, 0, SCN_REF_SPAN, 2, 2);
	assert_int_equal(c[6].scan.expected[1].categories, 0);

	assert_int_equal(c[7].op, SCN_OP_UFFD_WP);
	check_range(&c[7].range, 0, SCN_REF_SPAN, 0, 2);
	assert_int_equal(c[8].access.outcome, SCN_OUTCOME_OK);
	assert_int_equal(c[9].op, SCN_OP_EXPECT_SCAN);
	assert_int_equal(c[9].scan.nexpected, 0);
	assert_int_equal(c[9].scan.ret, 0xff); /* return= defaults to all */
	assert_int_equal(c[10].op, SCN_OP_UFFD_UNWP);
	check_range(&c[10].range, 0, SCN_REF_PAGE, 1, 1);
	assert_int_equal(c[11].op, SCN_OP_UFFD_UNREGISTER);
	check_range(&c[11].range, 0, SCN_REF_WHOLE, 0, 4);
	scn_program_free(prog);
}

/* Synchronous uffd-wp: the write blocks, an event is queued, unwp wakes it. */
static const char uffd_sync_event[] =
	"mmap S 2 rw shared shmem:buf\n"
	"uffd open event-fork shmem-hugetlbfs\n"
	"uffd register S[0:2] wp\n"
	"uffd wp S\n"
	"write S[1] 7 -> blocked\n"
	"expect event S[1] uffd-wp\n"
	"uffd unwp S[1]\n"
	"expect no-event\n"
	"read S[1] 7\n"
	"expect pagemap S[1] present=1 uffd-wp=0 file=1\n"
	"expect pte S[1] write=1 uffd-wp=0 af=1 pfn=0x1234\n";

static void test_uffd_sync_event(void **state)
{
	struct scn_program *prog = parse_ok(uffd_sync_event);
	const struct scn_command *c = prog->commands;

	(void)state;
	assert_int_equal(prog->nobjects, 1);
	assert_string_equal(prog->objects[0].name, "buf");
	assert_int_equal(prog->objects[0].kind, SCN_SHMEM);
	assert_int_equal(c[0].mmap.sharing, SCN_SHARED);
	assert_int_equal(c[0].mmap.backing, SCN_SHMEM);
	assert_int_equal(c[0].mmap.object, 0);
	/* UFFD_FEATURE_EVENT_FORK (1 << 1) | UFFD_FEATURE_WP_HUGETLBFS_SHMEM (1 << 12) */
	assert_int_equal(c[1].uffd_features, (1u << 1) | (1u << 12));
	check_range(&c[2].range, 0, SCN_REF_SPAN, 0, 2);
	check_range(&c[3].range, 0, SCN_REF_WHOLE, 0, 2);
	assert_int_equal(c[4].op, SCN_OP_WRITE);
	assert_int_equal(c[4].access.value, 7);
	assert_int_equal(c[4].access.outcome, SCN_OUTCOME_BLOCKED);
	assert_int_equal(c[5].op, SCN_OP_EXPECT_EVENT);
	check_range(&c[5].range, 0, SCN_REF_PAGE, 1, 1);
	assert_int_equal(c[5].event, SCN_EVENT_UFFD_WP);
	assert_int_equal(c[7].op, SCN_OP_EXPECT_NO_EVENT);
	assert_int_equal(c[8].op, SCN_OP_READ);
	assert_true(c[8].access.has_value);
	assert_int_equal(c[8].access.value, 7);
	assert_int_equal(c[9].op, SCN_OP_EXPECT_PAGEMAP);
	assert_int_equal(c[9].pagemap.keys, SCN_PM_PRESENT | SCN_PM_UFFD_WP | SCN_PM_FILE);
	assert_int_equal(c[9].pagemap.values, SCN_PM_PRESENT | SCN_PM_FILE);
	assert_int_equal(c[10].op, SCN_OP_EXPECT_PTE);
	assert_int_equal(c[10].pte.nchecks, 4);
	assert_string_equal(c[10].pte.checks[0].field, "write");
	assert_int_equal(c[10].pte.checks[0].pred, PTESIM_P_WRITE);
	assert_int_equal(c[10].pte.checks[0].value, 1);
	assert_string_equal(c[10].pte.checks[1].field, "uffd-wp");
	assert_int_equal(c[10].pte.checks[1].pred, PTESIM_P_UFFD_WP);
	assert_int_equal(c[10].pte.checks[1].value, 0);
	assert_string_equal(c[10].pte.checks[2].field, "af");
	assert_int_equal(c[10].pte.checks[2].pred, -1);
	assert_string_equal(c[10].pte.checks[3].field, "pfn");
	assert_int_equal(c[10].pte.checks[3].pred, -1);
	assert_int_equal(c[10].pte.checks[3].value, 0x1234);
	scn_program_free(prog);
}

/* ---- processes -------------------------------------------------------- */

static void test_processes_and_inherited_regions(void **state)
{
	struct scn_program *prog = parse_ok("mmap A 2 rw private anon\n"
					    "fork child\n"
					    "as child\n"
					    "mmap B 3 rw shared anon\n"
					    "write A[1]\n"
					    "fork grandchild -> EAGAIN\n"
					    "as grandchild\n"
					    "write B[2]\n"
					    "as p0\n"
					    "exit child\n");
	const struct scn_command *c = prog->commands;
	static const uint32_t current[] = { 0, 0, 0, 1, 1, 1, 1, 2, 2, 0 };

	(void)state;
	assert_int_equal(prog->nprocesses, 3);
	assert_string_equal(prog->processes[0], "p0");
	assert_string_equal(prog->processes[1], "child");
	assert_string_equal(prog->processes[2], "grandchild");
	assert_int_equal(prog->ncommands, 10);
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(c[i].process, current[i]);
	assert_int_equal(c[1].op, SCN_OP_FORK);
	assert_int_equal(c[1].named_process, 1);
	assert_int_equal(c[2].op, SCN_OP_AS);
	assert_int_equal(c[2].named_process, 1);
	check_range(&c[4].range, 0, SCN_REF_PAGE, 1, 1);
	assert_int_equal(c[5].named_process, 2);
	assert_int_equal(c[5].expect_errno, EAGAIN);
	check_range(&c[7].range, 1, SCN_REF_PAGE, 2, 1);
	assert_int_equal(c[8].named_process, 0);
	assert_int_equal(c[9].op, SCN_OP_EXIT);
	assert_int_equal(c[9].named_process, 1);
	scn_program_free(prog);

	/* B was mapped by the child only */
	parse_fails("mmap A 2 rw private anon\nfork c\nas c\nmmap B 3 rw shared anon\nas p0\nwrite B[0]\n",
		    "t.pts:6:7: error: no region 'B' in p0");
	/* a child forked before a mapping does not see it */
	parse_fails("fork c\nmmap A 1 rw private anon\nas c\nwrite A[0]\n",
		    "t.pts:4:7: error: no region 'A' in c");
}

static void test_region_sizes_per_process(void **state)
{
	struct scn_program *prog = parse_ok("fork c\n"
					    "mmap A 2 rw private anon\n"
					    "as c\n"
					    "mmap A 5 rw private anon\n"
					    "write A[4]\n"
					    "pte A\n");

	(void)state;
	assert_int_equal(prog->nregions, 1);
	check_range(&prog->commands[4].range, 0, SCN_REF_PAGE, 4, 1);
	check_range(&prog->commands[5].range, 0, SCN_REF_WHOLE, 0, 5);
	scn_program_free(prog);
	parse_fails("fork c\nmmap A 2 rw private anon\nas c\nmmap A 5 rw private anon\nas p0\nwrite A[4]\n",
		    "t.pts:6:7: error: page 4 is out of range: A has 2 pages");
}

static void test_process_errors(void **state)
{
	(void)state;
	parse_fails("as ghost\n", "t.pts:1:4: error: unknown process 'ghost'");
	parse_fails("exit ghost\n", "t.pts:1:6: error: unknown process 'ghost'");
	parse_fails("fork p0\n", "t.pts:1:6: error: the process name 'p0' is already taken");
	parse_fails("fork c\nfork c\n", "t.pts:2:6: error: the process name 'c' is already taken");
	/* names stay taken after exit */
	parse_fails("fork c\nexit c\nfork c\n", "t.pts:3:6: error: the process name 'c' is already taken");
	parse_fails("fork 1c\n",
		    "t.pts:1:6: error: bad process name '1c' (letters, digits, '_' and '-', not starting with a digit or '-')");
	parse_fails("fork\n", "t.pts:1:5: error: fork needs the child's name");
	parse_fails("as\n", "t.pts:1:3: error: as needs a process");
	parse_fails("as p0 p0\n", "t.pts:1:7: error: unexpected 'p0'");
}

static void test_duplicate_region(void **state)
{
	(void)state;
	parse_fails(A8 "mmap A 2 r shared anon\n",
		    "t.pts:2:6: error: region 'A' already exists in p0 (mapped at line 1)");
	/* the child inherits the name with the mapping */
	parse_fails(A8 "fork c\nas c\nmmap A 1 r private anon\n",
		    "t.pts:4:6: error: region 'A' already exists in c (mapped at line 1)");
	/* unmapping keeps the name: touching it is a run-time matter */
	struct scn_program *prog = parse_ok(A8 "munmap A\nwrite A[0] -> segv\n");

	assert_int_equal(last(prog)->access.outcome, SCN_OUTCOME_SEGV);
	scn_program_free(prog);
	parse_fails(A8 "munmap A\nmmap A 1 rw private anon\n",
		    "t.pts:3:6: error: region 'A' already exists in p0 (mapped at line 1)");
}

/* ---- mappings and page references -------------------------------------- */

static void test_mmap_operands(void **state)
{
	struct scn_program *prog = parse_ok("mmap N 1 none private anon\n"
					    "mmap R 1 r private anon\n"
					    "mmap RW 0x10 rw shared anon\n"
					    "mmap RX 010 rx private file:lib\n"
					    "mmap RWX 3 rwx shared shmem:seg\n"
					    "mmap F2 2 r shared file:lib -> ENOMEM\n");
	const struct scn_command *c = prog->commands;

	(void)state;
	/* the PROT bits are vm_flags' VM_READ, VM_WRITE, VM_EXEC */
	assert_int_equal(SCN_PROT_READ, VM_READ);
	assert_int_equal(SCN_PROT_WRITE, VM_WRITE);
	assert_int_equal(SCN_PROT_EXEC, VM_EXEC);
	assert_int_equal(c[0].mmap.prot, VM_NONE);
	assert_int_equal(c[1].mmap.prot, VM_READ);
	assert_int_equal(c[2].mmap.prot, VM_READ | VM_WRITE);
	assert_int_equal(c[3].mmap.prot, VM_READ | VM_EXEC);
	assert_int_equal(c[4].mmap.prot, VM_READ | VM_WRITE | VM_EXEC);
	assert_int_equal(c[2].mmap.npages, 16);
	assert_int_equal(c[3].mmap.npages, 10); /* a leading zero is still decimal */
	assert_int_equal(c[2].mmap.sharing, SCN_SHARED);
	assert_int_equal(c[3].mmap.backing, SCN_FILE);
	assert_int_equal(c[3].mmap.object, 0);
	assert_int_equal(c[4].mmap.backing, SCN_SHMEM);
	assert_int_equal(c[4].mmap.object, 1);
	assert_int_equal(c[5].mmap.object, 0); /* two mappings of file:lib share it */
	assert_int_equal(c[5].expect_errno, ENOMEM);
	assert_int_equal(prog->nobjects, 2);
	assert_string_equal(prog->objects[0].name, "lib");
	assert_int_equal(prog->objects[0].kind, SCN_FILE);
	assert_string_equal(prog->objects[1].name, "seg");
	assert_int_equal(prog->objects[1].kind, SCN_SHMEM);
	assert_int_equal(prog->nregions, 6);
	assert_string_equal(prog->regions[5], "F2");
	for (uint32_t i = 0; i < 6; i++)
		assert_int_equal(c[i].mmap.region, i);
	scn_program_free(prog);
}

static void test_mmap_errors(void **state)
{
	(void)state;
	parse_fails("mmap\n", "t.pts:1:5: error: mmap needs a region name");
	parse_fails("mmap A\n", "t.pts:1:7: error: mmap needs the number of pages");
	parse_fails("mmap A 1\n", "t.pts:1:9: error: mmap needs a PROT (none, r, rw, rx or rwx)");
	parse_fails("mmap A 1 rw\n", "t.pts:1:12: error: mmap needs a SHARING (private or shared)");
	parse_fails("mmap A 1 rw private\n",
		    "t.pts:1:20: error: mmap needs BACKING (anon, shmem:OBJ or file:OBJ)");
	parse_fails("mmap A 1 rwz private anon\n",
		    "t.pts:1:10: error: 'rwz' is not a PROT (none, r, rw, rx or rwx)");
	parse_fails("mmap A 1 w private anon\n",
		    "t.pts:1:10: error: 'w' is not a PROT (none, r, rw, rx or rwx)");
	parse_fails("mmap A 1 rw public anon\n",
		    "t.pts:1:13: error: 'public' is not a SHARING (private or shared)");
	parse_fails("mmap A 1 rw private heap\n",
		    "t.pts:1:21: error: unknown BACKING 'heap' (anon, shmem:OBJ or file:OBJ)");
	parse_fails("mmap A 1 rw private shmem:\n",
		    "t.pts:1:21: error: bad object name in 'shmem:' (shmem:NAME)");
	parse_fails("mmap A 1 rw private file:9x\n",
		    "t.pts:1:21: error: bad object name in 'file:9x' (file:NAME)");
	parse_fails("mmap A 1 rw private anon extra\n", "t.pts:1:26: error: unexpected 'extra'");
	parse_fails("mmap 9A 1 rw private anon\n",
		    "t.pts:1:6: error: bad region name '9A' (letters, digits, '_' and '-', not starting with a digit or '-')");
	parse_fails("mmap -A 1 rw private anon\n",
		    "t.pts:1:6: error: bad region name '-A' (letters, digits, '_' and '-', not starting with a digit or '-')");
	/* an object is shmem or a file, not both */
	parse_fails("mmap A 1 rw shared shmem:X\nmmap B 1 rw private file:X\n",
		    "t.pts:2:21: error: 'X' is a shmem object (line 1), not file");
}

static void test_page_reference_forms(void **state)
{
	struct scn_program *prog = parse_ok(A8
					    "munmap A\n"
					    "munmap A[3]\n"
					    "munmap A[0x2:0x5]\n"
					    "mprotect A[0:8] r\n"
					    "mprotect A[7] none\n"
					    "madvise A[1:2] dontneed\n"
					    "madvise A pageout\n"
					    "madvise A[6] cold\n"
					    "reclaim A[2:4]\n"
					    "migrate A[5]\n"
					    "pagemap A\n"
					    "pte A[0:1]\n");
	const struct scn_command *c = prog->commands;

	(void)state;
	assert_int_equal(prog->ncommands, 13);
	assert_int_equal(c[1].op, SCN_OP_MUNMAP);
	check_range(&c[1].range, 0, SCN_REF_WHOLE, 0, 8);
	check_range(&c[2].range, 0, SCN_REF_PAGE, 3, 1);
	check_range(&c[3].range, 0, SCN_REF_SPAN, 2, 3);
	assert_int_equal(c[4].op, SCN_OP_MPROTECT);
	check_range(&c[4].range, 0, SCN_REF_SPAN, 0, 8);
	assert_int_equal(c[4].prot, VM_READ);
	assert_int_equal(c[5].prot, 0);
	assert_int_equal(c[6].op, SCN_OP_MADVISE);
	check_range(&c[6].range, 0, SCN_REF_SPAN, 1, 1);
	assert_int_equal(c[6].advice, SCN_MADV_DONTNEED);
	assert_int_equal(c[7].advice, SCN_MADV_PAGEOUT);
	assert_int_equal(c[8].advice, SCN_MADV_COLD);
	assert_int_equal(c[9].op, SCN_OP_RECLAIM);
	check_range(&c[9].range, 0, SCN_REF_SPAN, 2, 2);
	assert_int_equal(c[10].op, SCN_OP_MIGRATE);
	check_range(&c[10].range, 0, SCN_REF_PAGE, 5, 1);
	assert_int_equal(c[11].op, SCN_OP_PAGEMAP);
	check_range(&c[11].range, 0, SCN_REF_WHOLE, 0, 8);
	assert_int_equal(c[12].op, SCN_OP_PTE);
	check_range(&c[12].range, 0, SCN_REF_SPAN, 0, 1);
	scn_program_free(prog);
}

static void test_page_reference_errors(void **state)
{
	(void)state;
	parse_fails(A8 "write A[8]\n", "t.pts:2:7: error: page 8 is out of range: A has 8 pages");
	parse_fails("mmap A 1 rw private anon\nread A[1]\n",
		    "t.pts:2:6: error: page 1 is out of range: A has 1 page");
	parse_fails(A8 "munmap A[4:9]\n", "t.pts:2:8: error: pages 4 to 8 are out of range: A has 8 pages");
	parse_fails(A8 "munmap A[4:4]\n", "t.pts:2:8: error: empty page range in 'A[4:4]' (A[i:j] needs j > i)");
	parse_fails(A8 "munmap A[5:4]\n", "t.pts:2:8: error: empty page range in 'A[5:4]' (A[i:j] needs j > i)");
	parse_fails(A8 "munmap B\n", "t.pts:2:8: error: no region 'B' in p0");
	parse_fails(A8 "munmap B[0]\n", "t.pts:2:8: error: no region 'B' in p0");
	parse_fails(A8 "munmap A[1\n", "t.pts:2:8: error: bad page reference 'A[1' (A, A[i] or A[i:j])");
	parse_fails(A8 "munmap A[1]x\n", "t.pts:2:8: error: bad page reference 'A[1]x' (A, A[i] or A[i:j])");
	parse_fails(A8 "munmap [1]\n", "t.pts:2:8: error: bad page reference '[1]' (A, A[i] or A[i:j])");
	parse_fails(A8 "munmap A[x]\n", "t.pts:2:8: error: bad number in 'A[x]' (decimal or 0x hex)");
	parse_fails(A8 "munmap A[]\n", "t.pts:2:8: error: bad number in 'A[]' (decimal or 0x hex)");
	parse_fails(A8 "munmap A[1:]\n", "t.pts:2:8: error: bad number in 'A[1:]' (decimal or 0x hex)");
	parse_fails(A8 "munmap A[-1]\n", "t.pts:2:8: error: bad number in 'A[-1]' (decimal or 0x hex)");
	parse_fails(A8 "munmap A[18446744073709551616]\n",
		    "t.pts:2:8: error: the number in 'A[18446744073709551616]' does not fit in 64 bits");
	parse_fails(A8 "munmap\n", "t.pts:2:7: error: munmap needs pages (A, A[i] or A[i:j])");
	/* accesses and per-page expectations take exactly one page */
	parse_fails(A8 "write A[0:1]\n", "t.pts:2:7: error: write takes one page, A[i], not 'A[0:1]'");
	parse_fails(A8 "read A\n", "t.pts:2:6: error: read takes one page, A[i], not 'A'");
	parse_fails(A8 "expect event A uffd-wp\n",
		    "t.pts:2:14: error: expect event takes one page, A[i], not 'A'");
	parse_fails(A8 "expect pagemap A[0:2] present=1\n",
		    "t.pts:2:16: error: expect pagemap takes one page, A[i], not 'A[0:2]'");
}

/* ---- accesses and kernel actions --------------------------------------- */

static void test_access_forms(void **state)
{
	struct scn_program *prog = parse_ok(A8
					    "write A[0]\n"
					    "write A[1] 42\n"
					    "write A[2] 0xdeadbeef -> blocked\n"
					    "write A[3] 18446744073709551615\n"
					    "read A[0]\n"
					    "read A[1] 42 -> segv\n"
					    "read A[2] -> ok\n"
					    "write A[4] -> segv\n");
	const struct scn_command *c = prog->commands;

	(void)state;
	assert_false(c[1].access.has_value);
	assert_int_equal(c[1].access.outcome, SCN_OUTCOME_OK);
	assert_true(c[2].access.has_value);
	assert_int_equal(c[2].access.value, 42);
	assert_int_equal(c[3].access.value, 0xdeadbeef);
	assert_int_equal(c[3].access.outcome, SCN_OUTCOME_BLOCKED);
	assert_int_equal(c[4].access.value, UINT64_MAX);
	assert_int_equal(c[5].op, SCN_OP_READ);
	assert_false(c[5].access.has_value);
	assert_int_equal(c[6].access.value, 42);
	assert_int_equal(c[6].access.outcome, SCN_OUTCOME_SEGV);
	assert_false(c[7].access.has_value);
	assert_int_equal(c[7].access.outcome, SCN_OUTCOME_OK);
	assert_int_equal(c[8].access.outcome, SCN_OUTCOME_SEGV);
	check_range(&c[8].range, 0, SCN_REF_PAGE, 4, 1);
	scn_program_free(prog);
	parse_fails(A8 "write A[0] 1 2\n", "t.pts:2:14: error: unexpected '2'");
	parse_fails(A8 "write A[0] x\n", "t.pts:2:12: error: bad number in 'x' (decimal or 0x hex)");
	parse_fails(A8 "write\n", "t.pts:2:6: error: write needs a page (A[i])");
}

static void test_clear_refs_values(void **state)
{
	struct scn_program *prog = parse_ok("clear_refs soft-dirty\nclear_refs all\nclear_refs anon\n"
					    "clear_refs mapped -> EINVAL\n");

	(void)state;
	/* the values written to /proc/PID/clear_refs */
	assert_int_equal(prog->commands[0].clear_refs, 4);
	assert_int_equal(prog->commands[1].clear_refs, 1);
	assert_int_equal(prog->commands[2].clear_refs, 2);
	assert_int_equal(prog->commands[3].clear_refs, 3);
	assert_int_equal(prog->commands[3].expect_errno, EINVAL);
	scn_program_free(prog);
	parse_fails("clear_refs dirty\n",
		    "t.pts:1:12: error: 'dirty' is not a clear_refs value (soft-dirty, all, anon or mapped)");
	parse_fails("clear_refs\n",
		    "t.pts:1:11: error: clear_refs needs a clear_refs value (soft-dirty, all, anon or mapped)");
}

static void test_uffd_errors(void **state)
{
	(void)state;
	parse_fails("uffd\n", "t.pts:1:5: error: uffd needs a subcommand: open, register, unregister, wp or unwp");
	parse_fails("uffd close\n",
		    "t.pts:1:6: error: unknown command 'uffd close' (uffd takes open, register, unregister, wp or unwp)");
	parse_fails("uffd open async async\n", "t.pts:1:17: error: 'async' is given twice");
	parse_fails("uffd open sync\n",
		    "t.pts:1:11: error: unknown uffd feature 'sync' (async, unpopulated, event-fork or shmem-hugetlbfs)");
	parse_fails(A8 "uffd register A\n", "t.pts:2:16: error: uffd register needs a mode (wp)");
	parse_fails(A8 "uffd register A missing\n", "t.pts:2:17: error: 'missing' is not a mode (wp)");
	parse_fails("criu\n", "t.pts:1:5: error: criu needs a subcommand: dump");
	parse_fails("criu restore\n", "t.pts:1:6: error: unknown command 'criu restore' (criu takes dump)");
	parse_fails("expect\n",
		    "t.pts:1:7: error: expect needs a subcommand: pagemap, pte, scan, event or no-event");
	parse_fails("criu dump now\n", "t.pts:1:11: error: unexpected 'now'");
	parse_fails("expect no-event A\n", "t.pts:1:17: error: unexpected 'A'");
}

/* ---- scan and expectations --------------------------------------------- */

static void test_scan_options(void **state)
{
	struct scn_program *prog = parse_ok(A8
					    "scan A\n"
					    "scan A return=\n"
					    "scan A want=wpallowed,written,file,present,swapped,pfnzero,huge,soft-dirty\n"
					    "scan A[1:3] max-pages=0x10 -> EINVAL\n");
	const struct scn_command *c = prog->commands;

	(void)state;
	assert_int_equal(c[1].scan.flags, 0);
	assert_int_equal(c[1].scan.want, 0);
	assert_int_equal(c[1].scan.inverted, 0);
	assert_int_equal(c[1].scan.anyof, 0);
	assert_int_equal(c[1].scan.ret, 0xff);
	assert_int_equal(c[1].scan.max_pages, 0);
	assert_int_equal(c[2].scan.ret, 0);
	/* PAGE_IS_WPALLOWED .. PAGE_IS_SOFT_DIRTY are bits 0 to 7 */
	assert_int_equal(c[3].scan.want, 0xff);
	assert_int_equal(SCN_CAT_SOFT_DIRTY, 1u << 7);
	assert_int_equal(c[4].scan.max_pages, 16);
	assert_int_equal(c[4].expect_errno, EINVAL);
	check_range(&c[4].range, 0, SCN_REF_SPAN, 1, 2);
	scn_program_free(prog);

	parse_fails(A8 "scan A want=present want=file\n", "t.pts:2:21: error: scan option 'want' is given twice");
	parse_fails(A8 "scan A want=present,present\n",
		    "t.pts:2:8: error: category 'present' is given twice in 'want=present,present'");
	parse_fails(A8 "scan A want=present,\n", "t.pts:2:8: error: empty category at the end of 'want=present,'");
	parse_fails(A8 "scan A want=,present\n",
		    "t.pts:2:8: error: unknown category '' in 'want=,present' (wpallowed, written, file, present, swapped, pfnzero, huge or soft-dirty)");
	parse_fails(A8 "scan A anyof=dirty\n",
		    "t.pts:2:8: error: unknown category 'dirty' in 'anyof=dirty' (wpallowed, written, file, present, swapped, pfnzero, huge or soft-dirty)");
	parse_fails(A8 "scan A want\n", "t.pts:2:8: error: want needs =VALUE");
	parse_fails(A8 "scan A wp-matching=1\n", "t.pts:2:8: error: wp-matching takes no value");
	parse_fails(A8 "scan A max-pages=lots\n",
		    "t.pts:2:8: error: bad number in 'max-pages=lots' (decimal or 0x hex)");
	parse_fails(A8 "scan A fast\n",
		    "t.pts:2:8: error: unknown scan option 'fast' (wp-matching, check-wpasync, want=, inverted=, anyof=, return=, max-pages=)");
}

static void test_expect_scan_forms(void **state)
{
	struct scn_program *prog = parse_ok(A8
					    "expect scan A[2:6] wp-matching == A[2:3]{present} A[3]{written,huge} A{}\n");
	const struct scn_scan *s = &last(prog)->scan;

	(void)state;
	check_range(&last(prog)->range, 0, SCN_REF_SPAN, 2, 4);
	assert_int_equal(s->flags, 1);
	assert_int_equal(s->nexpected, 3);
	check_range(&s->expected[0].range, 0, SCN_REF_SPAN, 2, 1);
	assert_int_equal(s->expected[0].categories, 1u << 3);
	check_range(&s->expected[1].range, 0, SCN_REF_PAGE, 3, 1);
	assert_int_equal(s->expected[1].categories, (1u << 1) | (1u << 6));
	check_range(&s->expected[2].range, 0, SCN_REF_WHOLE, 0, 8);
	assert_int_equal(s->expected[2].categories, 0);
	scn_program_free(prog);

	parse_fails(A8 "expect scan A\n", "t.pts:2:14: error: expect scan needs '== REGION...' or '== none'");
	parse_fails(A8 "expect scan A ==\n", "t.pts:2:17: error: expect scan needs regions after '==' (or 'none')");
	parse_fails(A8 "expect scan A == none A[0]{}\n", "t.pts:2:23: error: unexpected 'A[0]{}'");
	parse_fails(A8 "expect scan A == A[0:2]{present} A[2:4]\n",
		    "t.pts:2:34: error: expected a region A[i:j]{cat,...}, not 'A[2:4]'");
	parse_fails(A8 "expect scan A == A[0:2]{present\n",
		    "t.pts:2:18: error: expected a region A[i:j]{cat,...}, not 'A[0:2]{present'");
	parse_fails(A8 "expect scan A == A[0:9]{}\n",
		    "t.pts:2:18: error: pages 0 to 8 are out of range: A has 8 pages");
	parse_fails(A8 "expect scan A == A{swap}\n",
		    "t.pts:2:18: error: unknown category 'swap' in 'A{swap}' (wpallowed, written, file, present, swapped, pfnzero, huge or soft-dirty)");
}

static void test_expect_pagemap(void **state)
{
	struct scn_program *prog = parse_ok(A8 "expect pagemap A[3] soft-dirty=1 swap=0 exclusive=1 present=1 file=0 uffd-wp=0\n");
	const struct scn_command *c = last(prog);

	(void)state;
	check_range(&c->range, 0, SCN_REF_PAGE, 3, 1);
	assert_int_equal(c->pagemap.keys, 0x3f);
	assert_int_equal(c->pagemap.values, SCN_PM_SOFT_DIRTY | SCN_PM_EXCLUSIVE | SCN_PM_PRESENT);
	scn_program_free(prog);
	parse_fails(A8 "expect pagemap A[0]\n", "t.pts:2:20: error: expect pagemap needs KEY=0|1 pairs");
	parse_fails(A8 "expect pagemap A[0] present=2\n", "t.pts:2:21: error: 'present' takes 0 or 1, not 2");
	parse_fails(A8 "expect pagemap A[0] present=1 present=0\n",
		    "t.pts:2:31: error: pagemap key 'present' is given twice");
	parse_fails(A8 "expect pagemap A[0] dirty=1\n",
		    "t.pts:2:21: error: unknown pagemap key in 'dirty=1' (present, swap, file, exclusive, uffd-wp or soft-dirty)");
	parse_fails(A8 "expect pagemap A[0] present\n", "t.pts:2:21: error: expected KEY=0|1, not 'present'");
	parse_fails(A8 "expect pagemap A[0] =1\n", "t.pts:2:21: error: expected KEY=0|1, not '=1'");
	parse_fails(A8 "expect pagemap A[0] present=\n", "t.pts:2:21: error: bad number in 'present=' (decimal or 0x hex)");
}

static void test_expect_pte(void **state)
{
	struct scn_program *prog = parse_ok(A8
					    "expect pte A[0] present=1 none=0 swap=0 marker=0 write=1 dirty=1 hw-dirty=1 sw-dirty=0 young=1 soft-dirty=1 uffd-wp=0 exclusive=1 prot-none=0 PTE_AF=1 dbm=0x1\n");
	const struct scn_pte_expect *e = &last(prog)->pte;
	static const char *const preds[] = { "present", "none", "swap", "marker", "write", "dirty", "hw-dirty",
					     "sw-dirty", "young", "soft-dirty", "uffd-wp", "exclusive", "prot-none" };

	(void)state;
	assert_int_equal(e->nchecks, 15);
	for (size_t i = 0; i < 13; i++) {
		assert_string_equal(e->checks[i].field, preds[i]);
		assert_int_equal(e->checks[i].pred, ptesim_pred_find(preds[i]));
		assert_true(e->checks[i].pred >= 0);
	}
	assert_string_equal(e->checks[13].field, "PTE_AF");
	assert_int_equal(e->checks[13].pred, -1);
	assert_int_equal(e->checks[14].value, 1);
	scn_program_free(prog);

	parse_fails(A8 "expect pte A[0]\n", "t.pts:2:16: error: expect pte needs FIELD=VALUE pairs");
	parse_fails(A8 "expect pte A[0] dirty=2\n", "t.pts:2:17: error: 'dirty' is a predicate: it takes 0 or 1, not 2");
	parse_fails(A8 "expect pte A[0] 1x=0\n", "t.pts:2:17: error: bad field name in '1x=0'");
	parse_fails(A8 "expect pte A[0] af=1 af=0\n", "t.pts:2:22: error: field 'af' is given twice");
	parse_fails(A8 "expect pte A[0] pfn=0x10000000000000000\n",
		    "t.pts:2:17: error: the number in 'pfn=0x10000000000000000' does not fit in 64 bits");

	struct buf b = { 0 };

	bprintf(&b, A8 "expect pte A[0]");
	for (int i = 0; i < 33; i++)
		bprintf(&b, " f%02d=0", i);
	/* "expect pte A[0]" is 15 characters; each pair " fNN=0" is 6 */
	parse_fails(b.s, "t.pts:2:209: error: more than 32 FIELD=VALUE pairs");
	free(b.s);
}

static void test_expect_event(void **state)
{
	(void)state;
	parse_fails(A8 "expect event A[0]\n", "t.pts:2:18: error: expect event needs an event (uffd-wp)");
	parse_fails(A8 "expect event A[0] fork\n", "t.pts:2:19: error: 'fork' is not an event (uffd-wp)");
}

/* ---- header ----------------------------------------------------------- */

static void test_header_forms(void **state)
{
	struct scn_program *prog = parse_ok("# a comment first\n"
					    "layout all\n"
					    "requires swap hafdbs\n"
					    "requires soft-dirty uffd-wp\n"
					    "hafdbs off\n"
					    "swap off\n"
					    "expect-result x86_64 pass\n"
					    "expect-result arm64-v4.15 fail soft-dirty-lost\n"
					    "expect-result arm64-v6.9 fail pte-encoding\n");
	const struct scn_header *h = &prog->header;

	(void)state;
	assert_true(h->all_layouts);
	assert_int_equal(h->nlayouts, 0);
	assert_int_equal(h->requires, SCN_REQ_SOFT_DIRTY | SCN_REQ_UFFD_WP | SCN_REQ_HAFDBS | SCN_REQ_SWAP);
	assert_false(h->hafdbs);
	assert_false(h->swap);
	assert_int_equal(h->nresults, 3);
	assert_false(h->results[0].fail);
	assert_string_equal(h->results[1].layout, "arm64-v4.15");
	assert_int_equal(h->results[1].violation, SCN_V_SOFT_DIRTY_LOST);
	assert_int_equal(h->results[2].violation, SCN_V_PTE_ENCODING);
	assert_int_equal(prog->ncommands, 0);
	scn_program_free(prog);

	prog = parse_ok("hafdbs on\nswap on\n");
	assert_true(prog->header.hafdbs);
	assert_true(prog->header.swap);
	assert_false(prog->header.all_layouts);
	assert_int_equal(prog->header.nlayouts, 0);
	scn_program_free(prog);

	/* every violation of the document has its name */
	static const char *const violations[] = { "pte-encoding", "memory-model", "soft-dirty-lost",
						  "criu-image-stale", "uffd-wp-missed", "hw-write-untracked",
						  "lazyfree-data-loss", "dirty-data-loss", "refcount" };
	for (int v = 0; v < SCN_V_COUNT; v++)
		assert_string_equal(scn_violation_name((enum scn_violation)v), violations[v]);
}

static void test_header_errors(void **state)
{
	(void)state;
	parse_fails("layout\n", "t.pts:1:7: error: layout needs NAME[,NAME...] or 'all'");
	parse_fails("layout arm64-v9\n", "t.pts:1:8: error: unknown layout 'arm64-v9' ('ptesim layouts' lists them)");
	parse_fails("layout x86_64,,arm64-v6.10\n", "t.pts:1:8: error: empty layout name in 'x86_64,,arm64-v6.10'");
	parse_fails("layout x86_64,\n", "t.pts:1:8: error: empty layout name in 'x86_64,'");
	parse_fails("layout all,x86_64\n", "t.pts:1:8: error: unknown layout 'all' ('ptesim layouts' lists them)");
	parse_fails("layout x86_64,arm64-v6.10,x86_64\n", "t.pts:1:8: error: layout 'x86_64' is named twice");
	parse_fails("layout x86_64 arm64-v6.10\n", "t.pts:1:15: error: unexpected 'arm64-v6.10'");
	parse_fails("layout all\nlayout x86_64\n", "t.pts:2:1: error: a second 'layout' command (the first is at line 1)");
	parse_fails("requires\n", "t.pts:1:9: error: requires needs a feature (soft-dirty, uffd-wp, hafdbs or swap)");
	parse_fails("requires soft-dirty dirty\n",
		    "t.pts:1:21: error: unknown feature 'dirty' (soft-dirty, uffd-wp, hafdbs or swap)");
	parse_fails("requires swap\nrequires soft-dirty swap\n", "t.pts:2:21: error: 'swap' is already required");
	parse_fails("hafdbs\n", "t.pts:1:7: error: hafdbs needs 'on' or 'off'");
	parse_fails("hafdbs yes\n", "t.pts:1:8: error: hafdbs takes 'on' or 'off', not 'yes'");
	parse_fails("swap off\nswap on\n", "t.pts:2:1: error: a second 'swap' command (the first is at line 1)");
	parse_fails("hafdbs on\n\nhafdbs on\n", "t.pts:3:1: error: a second 'hafdbs' command (the first is at line 1)");
	parse_fails("expect-result\n", "t.pts:1:14: error: expect-result needs a layout");
	parse_fails("expect-result x86_64\n", "t.pts:1:21: error: expect-result needs 'pass' or 'fail VIOLATION'");
	parse_fails("expect-result x86_64 fail\n",
		    "t.pts:1:26: error: expect-result ... fail needs the expected violation");
	parse_fails("expect-result x86_64 pass soft-dirty-lost\n", "t.pts:1:27: error: unexpected 'soft-dirty-lost'");
	parse_fails("expect-result x86_64 maybe\n", "t.pts:1:22: error: expected 'pass' or 'fail', not 'maybe'");
	parse_fails("expect-result nope pass\n", "t.pts:1:15: error: unknown layout 'nope' ('ptesim layouts' lists them)");
	parse_fails("expect-result x86_64 pass\nexpect-result x86_64 fail refcount\n",
		    "t.pts:2:15: error: a second expect-result for 'x86_64'");
	parse_fails("expect-result x86_64 fail stale\n",
		    "t.pts:1:27: error: unknown violation 'stale' (pte-encoding, memory-model, soft-dirty-lost, criu-image-stale, uffd-wp-missed, hw-write-untracked, lazyfree-data-loss, dirty-data-loss or refcount)");
}

static void test_header_after_first_operation(void **state)
{
	static const char *const headers[] = { "layout all", "requires swap", "hafdbs off", "swap off",
					       "expect-result x86_64 pass" };
	static const char *const keywords[] = { "layout", "requires", "hafdbs", "swap", "expect-result" };
	char text[256], expected[256];

	(void)state;
	for (size_t i = 0; i < 5; i++) {
		snprintf(text, sizeof(text), "# header first\n\nlayout x86_64\nclear_refs all\n\n  %s\n", headers[i]);
		snprintf(expected, sizeof(expected),
			 "t.pts:6:3: error: '%s' is a header command: it must come before the first operation (line 4)",
			 keywords[i]);
		parse_fails(text, expected);
	}
	/* any operation ends the header, even `as` */
	parse_fails("as p0\nswap off\n",
		    "t.pts:2:1: error: 'swap' is a header command: it must come before the first operation (line 1)");
}

/* ---- `-> ERRNO` and outcomes ------------------------------------------ */

static void test_errno_on_system_calls(void **state)
{
	/* the system calls of the document, each with room for an outcome */
	static const char *const calls[] = {
		"mmap B 1 rw private anon", "munmap A", "mprotect A[0] r", "madvise A[0:2] free",
		"fork c", "clear_refs soft-dirty", "uffd open", "uffd register A wp", "uffd unregister A",
		"uffd wp A[1]", "uffd unwp A", "scan A",
	};
	static const struct {
		const char *name;
		int value;
	} errnos[] = {
		{ "EINVAL", EINVAL }, { "EPERM", EPERM },   { "ENOENT", ENOENT }, { "EFAULT", EFAULT },
		{ "ENOMEM", ENOMEM }, { "EEXIST", EEXIST }, { "EBUSY", EBUSY },   { "ENOTTY", ENOTTY },
		{ "EAGAIN", EAGAIN }, { "EOPNOTSUPP", EOPNOTSUPP }, { "ENOSPC", ENOSPC }, { "ok", 0 },
	};
	char text[256];

	(void)state;
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		for (size_t e = 0; e < sizeof(errnos) / sizeof(errnos[0]); e++) {
			snprintf(text, sizeof(text), A8 "%s -> %s\n", calls[i], errnos[e].name);
			struct scn_program *prog = parse_ok(text);

			assert_int_equal(last(prog)->expect_errno, errnos[e].value);
			scn_program_free(prog);
		}
		/* without an outcome the call must succeed */
		snprintf(text, sizeof(text), A8 "%s\n", calls[i]);
		struct scn_program *prog = parse_ok(text);

		assert_int_equal(last(prog)->expect_errno, 0);
		scn_program_free(prog);
	}
	assert_string_equal(scn_errno_name(EINVAL), "EINVAL");
	assert_string_equal(scn_errno_name(ENOTTY), "ENOTTY");
	assert_int_equal(scn_errno_find("EBUSY"), EBUSY);
	assert_int_equal(scn_errno_find("EWOULDBLOCK"), EWOULDBLOCK);
	assert_int_equal(scn_errno_find("EBOGUS"), -1);
	assert_true(scn_errno_name(0) == NULL);
}

static void test_errno_rejected_elsewhere(void **state)
{
	/* commands that are not system calls, and the column of their '->' */
	static const struct {
		const char *line;
		const char *op;
		unsigned arrow_col;
	} others[] = {
		{ "as p0 -> EINVAL", "as", 7 },
		{ "exit p0 -> EINVAL", "exit", 9 },
		{ "reclaim A -> EINVAL", "reclaim", 11 },
		{ "migrate A -> ok", "migrate", 11 },
		{ "pagemap A -> EINVAL", "pagemap", 11 },
		{ "pte A -> EINVAL", "pte", 7 },
		{ "criu dump -> ok", "criu dump", 11 },
		{ "expect pagemap A[0] present=1 -> EINVAL", "expect pagemap", 31 },
		{ "expect pte A[0] dirty=1 -> EINVAL", "expect pte", 25 },
		{ "expect scan A == none -> EINVAL", "expect scan", 23 },
		{ "expect event A[0] uffd-wp -> EINVAL", "expect event", 27 },
		{ "expect no-event -> EINVAL", "expect no-event", 17 },
	};
	char text[256], expected[512];

	(void)state;
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		snprintf(text, sizeof(text), A8 "%s\n", others[i].line);
		snprintf(expected, sizeof(expected),
			 "t.pts:2:%u: error: %s takes no '-> OUTCOME': only system calls (mmap munmap mprotect madvise fork clear_refs uffd scan) and accesses (write read) do",
			 others[i].arrow_col, others[i].op);
		parse_fails(text, expected);
	}
	parse_fails(A8 "write A[0] -> EINVAL\n",
		    "t.pts:2:15: error: write is a memory access, not a system call: its outcome is ok, segv or blocked, not 'EINVAL'");
	parse_fails(A8 "read A[0] 1 -> EFAULT\n",
		    "t.pts:2:16: error: read is a memory access, not a system call: its outcome is ok, segv or blocked, not 'EFAULT'");
	parse_fails(A8 "write A[0] -> maybe\n", "t.pts:2:15: error: bad outcome 'maybe' for write (ok, segv or blocked)");
	parse_fails(A8 "munmap A -> segv\n",
		    "t.pts:2:13: error: munmap, a system call, ends with '-> ok' or '-> ERRNO' (EINVAL, ENOMEM ...), not 'segv'");
	parse_fails(A8 "uffd wp A -> blocked\n",
		    "t.pts:2:14: error: uffd wp, a system call, ends with '-> ok' or '-> ERRNO' (EINVAL, ENOMEM ...), not 'blocked'");
	parse_fails(A8 "munmap A -> einval\n",
		    "t.pts:2:13: error: munmap, a system call, ends with '-> ok' or '-> ERRNO' (EINVAL, ENOMEM ...), not 'einval'");
	parse_fails(A8 "munmap A -> EBOGUS\n", "t.pts:2:13: error: unknown errno name 'EBOGUS'");
	parse_fails(A8 "munmap A ->\n", "t.pts:2:12: error: '->' needs an outcome");
	parse_fails(A8 "munmap A -> ok EINVAL\n", "t.pts:2:16: error: unexpected 'EINVAL' after the outcome");
	parse_fails(A8 "munmap -> EINVAL A\n", "t.pts:2:18: error: unexpected 'A' after the outcome");
	/* the outcome is split off first: the command misses its operand */
	parse_fails(A8 "munmap -> EINVAL\n", "t.pts:2:8: error: munmap needs pages (A, A[i] or A[i:j])");
	parse_fails(A8 "munmap A ->EINVAL\n", "t.pts:2:10: error: unexpected '->EINVAL'");
}

/* ---- lexical form ----------------------------------------------------- */

static void test_lexical_form(void **state)
{
	struct scn_program *prog = parse_ok("\n   \n\t\n# only a comment\n"
					    "\tmmap\tA 1\t\trw   private anon# glued comment\r\n"
					    "write A[0] 0X1F\r\n"
					    "read A[0] 31 # caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\n");

	(void)state;
	assert_int_equal(prog->ncommands, 3);
	assert_int_equal(prog->commands[0].line, 5);
	assert_string_equal(prog->commands[0].text, "mmap A 1 rw private anon");
	assert_int_equal(prog->commands[1].access.value, 31);
	assert_string_equal(prog->commands[1].text, "write A[0] 0X1F");
	assert_int_equal(prog->commands[2].line, 7);
	assert_string_equal(prog->commands[2].text, "read A[0] 31");
	assert_int_equal(prog->commands[2].access.value, 31);
	scn_program_free(prog);
	prog = parse_ok("mmap A 1 rw private anon\nwrite A[0] 18446744073709551615");
	assert_int_equal(last(prog)->access.value, UINT64_MAX);
	assert_int_equal(last(prog)->line, 2);
	scn_program_free(prog);
	prog = parse_ok("");
	assert_int_equal(prog->ncommands, 0);
	assert_int_equal(prog->nprocesses, 1);
	scn_program_free(prog);

	parse_fails("  frob A\n", "t.pts:1:3: error: unknown command 'frob'");
	parse_fails("MMAP A 1 rw private anon\n", "t.pts:1:1: error: unknown command 'MMAP'");
	parse_fails("mmap A 18446744073709551616 rw private anon\n",
		    "t.pts:1:8: error: the number in '18446744073709551616' does not fit in 64 bits");
	parse_fails("mmap A 0x10000000000000000 rw private anon\n",
		    "t.pts:1:8: error: the number in '0x10000000000000000' does not fit in 64 bits");
	parse_fails("mmap A 0x rw private anon\n", "t.pts:1:8: error: bad number in '0x' (decimal or 0x hex)");
	parse_fails("mmap A 0x1g rw private anon\n", "t.pts:1:8: error: bad number in '0x1g' (decimal or 0x hex)");
	parse_fails("mmap A -1 rw private anon\n", "t.pts:1:8: error: bad number in '-1' (decimal or 0x hex)");
	parse_fails("mmap A 1.5 rw private anon\n", "t.pts:1:8: error: bad number in '1.5' (decimal or 0x hex)");
	parse_fails("mmap A +1 rw private anon\n", "t.pts:1:8: error: bad number in '+1' (decimal or 0x hex)");
	/* tabs count one column each */
	parse_fails("\twrite\tB[0]\n", "t.pts:1:8: error: no region 'B' in p0");
	/* a CR inside a line is no blank */
	parse_fails("mmap A 1 rw\rprivate anon\n",
		    "t.pts:1:10: error: 'rw\\x0Dprivate' is not a PROT (none, r, rw, rx or rwx)");
	/* columns count characters, not bytes */
	parse_fails("mmap \xc3\xa9\xc3\xa9\n", "t.pts:1:8: error: mmap needs the number of pages");
	parse_fails("mmap \xc3\xa9 1 rw private anon\n",
		    "t.pts:1:6: error: bad region name '\xc3\xa9' (letters, digits, '_' and '-', not starting with a digit or '-')");
	parse_fails("mmap A 1 rw private anon\nwrite A[0] \xc3\xa9 x\n", "t.pts:2:12: error: bad number in '\xc3\xa9' (decimal or 0x hex)");
}

static void test_bad_bytes(void **state)
{
	static const char with_nul[] = "mmap A 1 rw\0 private anon\n";
	char err[256];
	struct scn_program *prog = (struct scn_program *)&err; /* must be reset to NULL */

	(void)state;
	assert_int_equal(scn_parse_buffer(with_nul, sizeof(with_nul) - 1, FILE_NAME, &prog, err, sizeof(err)),
			 -EINVAL);
	assert_true(prog == NULL);
	assert_string_equal(err, "t.pts:1:12: error: NUL byte in the text");
	/* the same bytes up to the NUL parse as a C string: scn_parse stops there */
	assert_int_equal(scn_parse(with_nul, FILE_NAME, &prog, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.pts:1:12: error: mmap needs a SHARING (private or shared)");

	parse_fails("mmap A 1 rw private anon # \xc3\xa9\xc3\xa9 \xff\n", "t.pts:1:31: error: invalid UTF-8");
	parse_fails("# ok\n# \xc0\x80 overlong\n", "t.pts:2:3: error: invalid UTF-8");
	parse_fails("# \xed\xa0\x80 surrogate\n", "t.pts:1:3: error: invalid UTF-8");
	parse_fails("# \xf4\x90\x80\x80 past U+10FFFF\n", "t.pts:1:3: error: invalid UTF-8");
	parse_fails("# \xe2\x82", "t.pts:1:3: error: invalid UTF-8");
	parse_fails("# \x80", "t.pts:1:3: error: invalid UTF-8");
	/* the error is found before any token of the line is looked at */
	parse_fails("frob \xfe\n", "t.pts:1:6: error: invalid UTF-8");
}

static void test_error_message_format(void **state)
{
	char err[8];
	struct scn_program *prog = NULL;

	(void)state;
	/* truncated like snprintf, always terminated */
	memset(err, 'x', sizeof(err));
	assert_int_equal(scn_parse("frob\n", FILE_NAME, &prog, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.pts:1");
	/* no buffer at all */
	assert_int_equal(scn_parse("frob\n", FILE_NAME, &prog, NULL, 0), -EINVAL);
	assert_true(prog == NULL);
	/* a success clears the message */
	char big[256] = "stale";

	assert_int_equal(scn_parse("criu dump\n", NULL, &prog, big, sizeof(big)), 0);
	assert_string_equal(big, "");
	assert_string_equal(prog->filename, "<input>");
	scn_program_free(prog);
	assert_int_equal(scn_parse("frob\n", NULL, &prog, big, sizeof(big)), -EINVAL);
	assert_string_equal(big, "<input>:1:1: error: unknown command 'frob'");
	/* hostile tokens are quoted short and without control bytes */
	assert_int_equal(scn_parse("frob\x01\x02xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", "f", &prog,
				   big, sizeof(big)),
			 -EINVAL);
	assert_string_equal(big, "f:1:1: error: unknown command 'frob\\x01\\x02xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'");
	scn_program_free(NULL);
}

/* ---- the printer ------------------------------------------------------ */

static void check_format(const char *text, const char *canonical)
{
	struct scn_program *prog = parse_ok(text);
	char buf[512];
	int n = scn_format_command(prog, last(prog), buf, sizeof(buf));

	assert_int_equal(n, (int)strlen(canonical));
	assert_string_equal(buf, canonical);
	scn_program_free(prog);
}

static void test_format_command(void **state)
{
	(void)state;
	check_format("mmap  A 0x10 rw shared shmem:S   -> ok", "mmap A 16 rw shared shmem:S");
	check_format("mmap A 2 rx private file:F -> ENOMEM", "mmap A 2 rx private file:F -> ENOMEM");
	check_format(A8 "write A[1] 42 -> segv", "write A[1] 0x2a -> segv");
	check_format(A8 "read A[1] 7 -> ok", "read A[1] 7");
	check_format(A8 "munmap A[0x2:0x4] -> EINVAL", "munmap A[2:4] -> EINVAL");
	check_format(A8 "uffd open shmem-hugetlbfs event-fork async", "uffd open async event-fork shmem-hugetlbfs");
	check_format(A8 "uffd open", "uffd open");
	check_format(A8 "scan A max-pages=4 return=present,written anyof= check-wpasync",
		     "scan A check-wpasync return=written,present max-pages=4");
	check_format(A8 "scan A return=", "scan A return=");
	check_format(A8 "expect scan A[0:4] == A[0:2]{present,wpallowed} A[2]{} A{soft-dirty}",
		     "expect scan A[0:4] == A[0:2]{wpallowed,present} A[2]{} A{soft-dirty}");
	check_format(A8 "expect scan A == none", "expect scan A == none");
	check_format(A8 "expect pagemap A[0] soft-dirty=1 present=0x1 swap=0",
		     "expect pagemap A[0] present=1 swap=0 soft-dirty=1");
	check_format(A8 "expect pte A[0] pfn=4096 dirty=1", "expect pte A[0] pfn=0x1000 dirty=1");
	check_format("fork c -> EAGAIN", "fork c -> EAGAIN");
	check_format("clear_refs mapped", "clear_refs mapped");
	check_format(A8 "expect event A[2] uffd-wp", "expect event A[2] uffd-wp");
	check_format("expect no-event", "expect no-event");
	check_format("criu dump", "criu dump");

	/* like snprintf: the whole length, the text cut short */
	struct scn_program *prog = parse_ok(A8 "madvise A[0:2] dontneed");
	char small[8];
	struct scn_command bad;

	assert_int_equal(scn_format_command(prog, last(prog), small, sizeof(small)), 23);
	assert_string_equal(small, "madvise");
	assert_int_equal(scn_format_command(prog, last(prog), NULL, 0), 23);
	/* what cannot be written as scenario text */
	bad = *last(prog);
	bad.range.region = 7;
	assert_int_equal(scn_format_command(prog, &bad, small, sizeof(small)), -EINVAL);
	bad = *last(prog);
	bad.op = SCN_OP_COUNT;
	assert_int_equal(scn_format_command(prog, &bad, small, sizeof(small)), -EINVAL);
	bad = *last(prog);
	bad.expect_errno = 100000;
	assert_int_equal(scn_format_command(prog, &bad, small, sizeof(small)), -EINVAL);
	bad = *last(prog);
	bad.op = SCN_OP_RECLAIM;
	bad.expect_errno = EINVAL; /* reclaim is no system call */
	assert_int_equal(scn_format_command(prog, &bad, small, sizeof(small)), -EINVAL);
	bad = *last(prog);
	bad.advice = (enum scn_advice)9;
	assert_int_equal(scn_format_command(prog, &bad, small, sizeof(small)), -EINVAL);
	bad = *last(prog);
	bad.range = (struct scn_range){ 0, SCN_REF_SPAN, 2, 0 };
	assert_int_equal(scn_format_command(prog, &bad, small, sizeof(small)), -EINVAL);
	scn_program_free(prog);
}

static void test_program_write(void **state)
{
	struct scn_program *prog = parse_ok(capper_race);
	char *text = program_text(prog);

	(void)state;
	assert_string_equal(text, "layout arm64-v4.15-binlu,arm64-v6.10,x86_64\n"
				  "requires soft-dirty\n"
				  "expect-result arm64-v4.15-binlu fail criu-image-stale\n"
				  "mmap A 1 rw private anon\n"
				  "write A[0]\n"
				  "criu dump\n"
				  "write A[0]\n"
				  "madvise A[0] free\n"
				  "criu dump\n"
				  "read A[0]\n");
	free(text);
	scn_program_free(prog);
	prog = parse_ok("requires swap uffd-wp hafdbs\nhafdbs off\nswap off\nlayout all\nexpect-result x86_64 pass\n");
	text = program_text(prog);
	assert_string_equal(text, "layout all\nrequires uffd-wp hafdbs swap\nhafdbs off\nswap off\n"
				  "expect-result x86_64 pass\n");
	free(text);
	scn_program_free(prog);
}

/* ---- round trips ------------------------------------------------------ */

static const char *const corpus[] = {
	capper_race,
	uffd_async_scan,
	uffd_sync_event,
	"",
	"layout all\nhafdbs off\nswap off\n",
	"mmap A 2 rw private anon\nfork child -> ok\nas child\nmmap B 3 rw shared anon\nwrite A[1]\n"
	"fork grandchild -> EAGAIN\nas grandchild\nwrite B[2]\nas p0\nexit child\n",
	"mmap N 1 none private anon\nmmap R 1 r private anon\nmmap RW 0x10 rw shared anon\n"
	"mmap RX 010 rx private file:lib\nmmap RWX 3 rwx shared shmem:seg\nmmap F2 2 r shared file:lib -> ENOMEM\n",
	A8 "munmap A\nmunmap A[3]\nmunmap A[0x2:0x5]\nmprotect A[0:8] r\nmprotect A[7] none -> EACCES\n"
	"madvise A[1:2] dontneed\nmadvise A pageout\nmadvise A[6] cold\nreclaim A[2:4]\nmigrate A[5]\n"
	"pagemap A\npte A[0:1]\n",
	A8 "write A[0]\nwrite A[1] 42\nwrite A[2] 0xdeadbeef -> blocked\nwrite A[3] 18446744073709551615\n"
	"read A[0]\nread A[1] 42 -> segv\nread A[2] -> ok\n",
	"clear_refs soft-dirty\nclear_refs all -> EPERM\nclear_refs anon\nclear_refs mapped\n",
	A8 "scan A\nscan A return=\nscan A want=wpallowed,written,file,present,swapped,pfnzero,huge,soft-dirty\n"
	"scan A[1:3] inverted=huge anyof=file max-pages=0x10 -> EINVAL\n"
	"expect scan A[2:6] wp-matching check-wpasync == A[2:3]{present} A[3]{written,huge} A{}\n",
	A8 "expect pagemap A[3] soft-dirty=1 swap=0 exclusive=1 present=1 file=0 uffd-wp=0\n"
	"expect pte A[0] present=1 none=0 PTE_AF=1 dbm=0x1 pfn=0xfffffffff\n",
	"requires soft-dirty uffd-wp hafdbs swap\nexpect-result arm64-v4.15 fail soft-dirty-lost\n"
	"expect-result x86_64 pass\nmmap A 1 rw private anon\nexit p0\n",
	"mmap Z 0 rw private anon -> EINVAL\nmunmap Z -> EINVAL\nmmap Big 0xffffffffffffffff rw private anon -> ENOMEM\n"
	"munmap Big[18446744073709551613:18446744073709551615]\nwrite Big[18446744073709551614]\n",
	"fork c\nmmap A 2 rw private anon\nas c\nmmap A 5 rw private anon\nwrite A[4]\npte A\nas p0\npte A\n",
	"mmap Under_score-1 3 rw private anon\nmmap _ 1 r private anon\nwrite Under_score-1[2]\nread _[0]\n",
};

static void test_round_trip_corpus(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++)
		check_round_trip(corpus[i]);
}

/* xorshift64*: a fixed sequence, so a failure reproduces */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(0x2545F4914F6CDD1D);
}

static const char *const fragments[] = {
	" ", "\t", "\n", "#", "->", " -> ", "EINVAL", "ok", "segv", "blocked", "[", "]", ":", "{", "}",
	",", "=", "0x", "0", "1", "7", "18446744073709551615", "18446744073709551616", "A", "B", "S",
	"A[0]", "A[1:3]", "p0", "c", "fork c\n", "as c\n", "as p0\n", "exit c\n", "mmap B 2 rw private anon\n",
	"mmap ", "munmap ", "write ", "read ", "uffd ", "open", "register", "wp", "unwp", "scan ",
	"expect ", "pagemap ", "pte ", "none", "==", "want=", "return=", "present", "written", "layout all\n",
	"requires swap\n", "\xc3\xa9", "\xff", "\r\n", "shmem:", "file:", "criu dump\n",
};

/* One random change: delete, insert or replace bytes, or insert a fragment. */
static void mutate(struct buf *b, uint64_t *seed)
{
	size_t pos = b->len ? (size_t)(next_random(seed) % (b->len + 1)) : 0;
	const char *frag = fragments[next_random(seed) % (sizeof(fragments) / sizeof(fragments[0]))];
	size_t flen = strlen(frag);

	switch (next_random(seed) % 4) {
	case 0: /* delete up to 4 bytes */
		if (pos < b->len) {
			size_t n = 1 + (size_t)(next_random(seed) % 4);

			n = n > b->len - pos ? b->len - pos : n;
			memmove(b->s + pos, b->s + pos + n, b->len - pos - n + 1);
			b->len -= n;
		}
		break;
	case 1: /* replace a byte */
		if (pos < b->len)
			b->s[pos] = (char)(next_random(seed) % 255 + 1);
		break;
	default: /* insert a fragment */
		bprintf(b, "%*s", (int)flen, ""); /* room for it at the end */
		memmove(b->s + pos + flen, b->s + pos, b->len - flen - pos);
		memcpy(b->s + pos, frag, flen);
		b->s[b->len] = 0;
		break;
	}
}

/* Mutated scenarios: whatever parses round-trips, whatever fails reports
 * one line at a position in the text; nothing crashes or leaks (run it with
 * the sanitizers). */
static void test_round_trip_mutations(void **state)
{
	uint64_t seed = UINT64_C(0x9E3779B97F4A7C15);
	size_t parsed = 0, failed = 0;

	(void)state;
	for (size_t round = 0; round < 400; round++) {
		for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
			struct buf b = { 0 };
			struct scn_program *prog = NULL;
			char err[512];
			size_t steps = 1 + (size_t)(next_random(&seed) % 6);

			bprintf(&b, "%s", corpus[i]);
			for (size_t k = 0; k < steps; k++)
				mutate(&b, &seed);
			if (scn_parse_buffer(b.s, b.len, FILE_NAME, &prog, err, sizeof(err)) == 0) {
				if (memchr(b.s, 0, b.len) == NULL)
					check_round_trip(b.s);
				scn_program_free(prog);
				parsed++;
			} else {
				if (strncmp(err, "t.pts:", 6) || !strstr(err, ": error: ") || strchr(err, '\n'))
					fail_msg("bad message '%s' for:\n%s", err, b.s);
				assert_true(prog == NULL);
				failed++;
			}
			free(b.s);
		}
	}
	/* both paths were taken many times */
	assert_true(parsed > 100);
	assert_true(failed > 100);
}

/* ---- limits and hostile input ------------------------------------------ */

static void test_limits(void **state)
{
	struct buf b = { 0 };
	char expected[128];

	(void)state;
	/* p0 and 255 children fit; the 256th child does not */
	for (int i = 1; i < 256; i++)
		bprintf(&b, "fork c%d\n", i);
	struct scn_program *prog = parse_ok(b.s);

	assert_int_equal(prog->nprocesses, 256);
	scn_program_free(prog);
	bprintf(&b, "fork c256\n");
	parse_fails(b.s, "t.pts:256:6: error: more than 256 processes");
	free(b.s);

	b = (struct buf){ 0 };
	for (int i = 0; i < 1024; i++)
		bprintf(&b, "mmap R%d 1 r private anon\n", i);
	bprintf(&b, "mmap R1024 1 r private anon\n");
	parse_fails(b.s, "t.pts:1025:6: error: more than 1024 region names");
	free(b.s);

	b = (struct buf){ 0 };
	for (int i = 0; i < 257; i++)
		bprintf(&b, "mmap R%d 1 r shared shmem:S%d\n", i, i);
	/* "mmap R256 1 r shared " is 21 characters */
	parse_fails(b.s, "t.pts:257:22: error: more than 256 backing objects");
	free(b.s);

	b = (struct buf){ 0 };
	bprintf(&b, "mmap A 1 rw private anon\nexpect scan A ==");
	for (int i = 0; i < 4097; i++)
		bprintf(&b, " A{}");
	/* "expect scan A ==" is 16 characters */
	parse_fails(b.s, "t.pts:2:18: error: more than 4096 regions");
	free(b.s);

	char *huge = malloc(SCN_MAX_TEXT + 1);

	assert_true(huge != NULL);
	memset(huge, '\n', SCN_MAX_TEXT + 1);
	char err[256];

	assert_int_equal(scn_parse_buffer(huge, SCN_MAX_TEXT + 1, FILE_NAME, &prog, err, sizeof(err)), -EINVAL);
	snprintf(expected, sizeof(expected), "t.pts:1:1: error: the scenario is larger than %u bytes", SCN_MAX_TEXT);
	assert_string_equal(err, expected);
	assert_int_equal(scn_parse_buffer(huge, SCN_MAX_TEXT, FILE_NAME, &prog, err, sizeof(err)), 0);
	assert_int_equal(prog->ncommands, 0);
	scn_program_free(prog);
	free(huge);
}

static void test_hostile_input(void **state)
{
	struct buf b = { 0 };

	(void)state;
	/* one very long line of tokens */
	bprintf(&b, "criu dump");
	for (int i = 0; i < 100000; i++)
		bprintf(&b, " x");
	parse_fails(b.s, "t.pts:1:11: error: unexpected 'x'");
	free(b.s);

	/* a very long name, used many times */
	b = (struct buf){ 0 };
	char *name = malloc(70001);

	assert_true(name != NULL);
	memset(name, 'n', 70000);
	name[70000] = 0;
	bprintf(&b, "mmap %s 4 rw private anon\n", name);
	for (int i = 0; i < 200; i++)
		bprintf(&b, "write %s[%d]\n", name, i % 4);
	struct scn_program *prog = parse_ok(b.s);

	assert_int_equal(prog->ncommands, 201);
	assert_int_equal(strlen(prog->regions[0]), 70000);
	scn_program_free(prog);
	bprintf(&b, "write %sX[0]\n", name);
	char expected[256];

	snprintf(expected, sizeof(expected), "t.pts:202:7: error: no region '%.40s' in p0", name);
	parse_fails(b.s, expected);
	free(name);
	free(b.s);

	/* many lines of nothing */
	b = (struct buf){ 0 };
	for (int i = 0; i < 200000; i++)
		bprintf(&b, " # %d\n", i);
	bprintf(&b, "frob\n");
	parse_fails(b.s, "t.pts:200001:1: error: unknown command 'frob'");
	free(b.s);
}

static void test_parse_file(void **state)
{
	char path[] = "/tmp/ptesim-scenario-XXXXXX";
	char err[512], expected[600];
	struct scn_program *prog = NULL;
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_true(f != NULL);
	fputs(capper_race, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(scn_parse_file(path, &prog, err, sizeof(err)), 0);
	assert_string_equal(prog->filename, path);
	assert_int_equal(prog->ncommands, 7);
	scn_program_free(prog);

	f = fopen(path, "a");
	assert_true(f != NULL);
	fputs("frob\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(scn_parse_file(path, &prog, err, sizeof(err)), -EINVAL);
	snprintf(expected, sizeof(expected), "%s:13:1: error: unknown command 'frob'", path);
	assert_string_equal(err, expected);
	assert_int_equal(unlink(path), 0);

	assert_int_equal(scn_parse_file(path, &prog, err, sizeof(err)), -ENOENT);
	assert_true(prog == NULL);
	snprintf(expected, sizeof(expected), "%s: error: %s", path, strerror(ENOENT));
	assert_string_equal(err, expected);
}

static void test_program_equal(void **state)
{
	struct scn_program *a = parse_ok(capper_race);
	struct scn_program *b = parse_ok(capper_race);

	(void)state;
	assert_true(scn_program_equal(a, b));
	b->commands[4].advice = SCN_MADV_DONTNEED;
	assert_false(scn_program_equal(a, b));
	b->commands[4].advice = SCN_MADV_FREE;
	b->commands[1].access.value = 5; /* ignored without has_value */
	assert_true(scn_program_equal(a, b));
	b->commands[1].access.has_value = true;
	assert_false(scn_program_equal(a, b));
	b->commands[1].access.has_value = false;
	b->commands[1].line = 99; /* lines and texts do not count */
	b->commands[1].text = "something else";
	assert_true(scn_program_equal(a, b));
	b->header.hafdbs = false;
	assert_false(scn_program_equal(a, b));
	scn_program_free(a);
	scn_program_free(b);
	a = parse_ok(A8 "munmap A\n");
	b = parse_ok(A8 "munmap A[0:8]\n");
	assert_false(scn_program_equal(a, b)); /* written differently, printed differently */
	scn_program_free(a);
	scn_program_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capper_criu_madv_free_race),
		cmocka_unit_test(test_uffd_async_scan),
		cmocka_unit_test(test_uffd_sync_event),
		cmocka_unit_test(test_processes_and_inherited_regions),
		cmocka_unit_test(test_region_sizes_per_process),
		cmocka_unit_test(test_process_errors),
		cmocka_unit_test(test_duplicate_region),
		cmocka_unit_test(test_mmap_operands),
		cmocka_unit_test(test_mmap_errors),
		cmocka_unit_test(test_page_reference_forms),
		cmocka_unit_test(test_page_reference_errors),
		cmocka_unit_test(test_access_forms),
		cmocka_unit_test(test_clear_refs_values),
		cmocka_unit_test(test_uffd_errors),
		cmocka_unit_test(test_scan_options),
		cmocka_unit_test(test_expect_scan_forms),
		cmocka_unit_test(test_expect_pagemap),
		cmocka_unit_test(test_expect_pte),
		cmocka_unit_test(test_expect_event),
		cmocka_unit_test(test_header_forms),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_header_after_first_operation),
		cmocka_unit_test(test_errno_on_system_calls),
		cmocka_unit_test(test_errno_rejected_elsewhere),
		cmocka_unit_test(test_lexical_form),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_error_message_format),
		cmocka_unit_test(test_format_command),
		cmocka_unit_test(test_program_write),
		cmocka_unit_test(test_round_trip_corpus),
		cmocka_unit_test(test_round_trip_mutations),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_hostile_input),
		cmocka_unit_test(test_parse_file),
		cmocka_unit_test(test_program_equal),
	};

	return cmocka_run_group_tests_name("scenario-parse", tests, NULL, NULL);
}
