/* SPDX-License-Identifier: MIT */
/*
 * ptesim explain as a user reads it. The facts checked come from the
 * kernel's headers and code: on arm64 4.15 PTE_DIRTY is bit 55
 * (arch/arm64/include/asm/pgtable-hwdef.h), which Bin Lu's patch made
 * soft-dirty too; a write fault sets it (wp_page_reuse(): pte_mkdirty()),
 * madvise_free_pte_range()'s pte_mkclean() clears it, and CRIU's next dump
 * then skips the page. x86's _PAGE_SOFT_DIRTY is bit 11
 * (arch/x86/include/asm/pgtable_types.h), and x86's pte_mkclean() clears
 * _PAGE_DIRTY only, so MADV_FREE keeps soft-dirty.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_cli.h"

static struct cli_result R;

#define RUN(...) run_cli(&R, (const char *const[]){ __VA_ARGS__, NULL })

static const char *capper(void)
{
	static char path[4096];
	const char *root = getenv("PTESIM_SOURCE_ROOT");

	ck_assert_ptr_nonnull(root);
	snprintf(path, sizeof(path), "%s/scenarios/capper-madv-free-race.pts", root);
	return path;
}

/* at is inside a "line N: ..." heading line of out */
static bool matches_heading(const char *out, const char *at)
{
	const char *line = at;

	while (line > out && line[-1] != '\n')
		line--;
	return !strncmp(line, "line ", 5);
}

/* The part of the output about the nth command (from 1) written as
 * command: from its "line N: COMMAND" heading to the next command's or
 * the result (a static copy). */
static const char *section_n(const char *command, int nth)
{
	static char buf[65536];
	char want[160];
	const char *start = R.out, *end;

	snprintf(want, sizeof(want), ": %s\n", command);
	for (int i = 0; i < nth; i++) {
		do
			start = strstr(start + 1, want);
		while (start && !matches_heading(R.out, start));
		ck_assert_msg(start != NULL, "no section %d '%s' in:\n%s", nth, command, R.out);
	}
	while (start > R.out && start[-1] != '\n')
		start--;
	end = strstr(start + 1, "\nline ");
	if (!end)
		end = strstr(start, "\nresult:");
	ck_assert_ptr_nonnull(end);
	snprintf(buf, sizeof(buf), "%.*s", (int)(end - start), start);
	return buf;
}

static const char *section(const char *command)
{
	return section_n(command, 1);
}

static bool matches(const char *text, const char *pattern)
{
	regex_t re;
	bool found;

	ck_assert_int_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB | REG_NEWLINE), 0);
	found = regexec(&re, text, 0, NULL, 0) == 0;
	regfree(&re);
	return found;
}

#define ck_assert_match(text, pattern) \
	ck_assert_msg(matches((text), (pattern)), "'%s' not found in:\n%s", (pattern), (text))
#define ck_assert_no_match(text, pattern) \
	ck_assert_msg(!matches((text), (pattern)), "'%s' found in:\n%s", (pattern), (text))

START_TEST(binlu_madv_free_loses_soft_dirty)
{
	const char *s;

	RUN("explain", capper(), "--layout", "arm64-v4.15-binlu", "--color", "never");
	ck_assert_int_eq(R.status, 0); /* the file declares this failure */
	ck_assert_str_eq(R.err, "");
	ck_assert_match(R.out, "soft-dirty has no bit of its own here: it is PTE_DIRTY, bit 55");

	/* the write after the first dump faults and pte_mkdirty() sets bit 55 */
	s = section("write A[0] 2");
	ck_assert_match(s, "do_wp_page");
	ck_assert_match(s, "wp_page_reuse: .*pte_mkdirty");
	ck_assert_match(s, "bit 55 +pte-dirty +PTE_DIRTY +0 -> 1 +\\(= soft-dirty on this layout\\)");
	ck_assert_match(s, "pagemap after: +p0 A\\[0\\] present=1 .* soft-dirty=1$");

	/* MADV_FREE's pte_mkclean() clears it, and with it soft-dirty */
	s = section("madvise A[0] free");
	ck_assert_match(s, "madvise_free_pte_range: .*pte_mkclean");
	ck_assert_match(s, "bit 55 +pte-dirty +PTE_DIRTY +1 -> 0");
	ck_assert_match(s, "pagemap after: +p0 A\\[0\\] present=1 .* soft-dirty=0$");
	ck_assert_match(s, "found: violation soft-dirty-lost: p0 A\\[0\\] written since clear, soft-dirty=0");

	/* the next dump reads pagemap, copies nothing, and its image is stale */
	s = section_n("criu dump", 2);
	ck_assert_match(s, "pagemap_read");
	ck_assert_match(s, "criu dump p0 copied none$");
	ck_assert_match(s, "found: also criu-image-stale at line [0-9]+ \\(criu dump\\)");

	ck_assert_match(R.out, "\nresult:\n  arm64-v4.15-binlu: FAIL at line [0-9]+ \\(madvise A\\[0\\] free\\): violation "
			       "soft-dirty-lost: .*criu-image-stale at line [0-9]+ \\(criu dump\\) \\(expected\\)$");
}
END_TEST

START_TEST(x86_keeps_soft_dirty_across_madv_free)
{
	const char *s;

	RUN("explain", capper(), "--layout", "x86_64", "--color", "never");
	ck_assert_int_eq(R.status, 0);
	s = section("write A[0] 2");
	ck_assert_match(s, "bit 11 +page-soft-dirty +_PAGE_SOFT_DIRTY +0 -> 1");
	s = section("madvise A[0] free");
	ck_assert_match(s, "madvise_free_pte_range: .*pte_mkclean");
	ck_assert_match(s, "bit 6 +page-dirty +_PAGE_DIRTY +1 -> 0");
	ck_assert_no_match(s, "bit 11 "); /* not among the fields changed */
	ck_assert_match(s, "after: +present .* soft-dirty=1 ");
	ck_assert_match(s, "pagemap: p0 A\\[0\\] present=1 .* soft-dirty=1 \\(unchanged\\)$");
	ck_assert_no_match(R.out, "found:");
	ck_assert_match(R.out, "\nresult:\n  x86_64: pass$");
}
END_TEST

/* The MMU's own updates are told apart from the kernel's */
START_TEST(hardware_updates_are_named)
{
	const char *path = temp_file("mmap A 1 rw private anon\n"
				     "write A[0] 1\n"
				     "madvise A[0] free\n"
				     "write A[0] 2\n");

	RUN("explain", path, "--layout", "arm64-v6.10", "--color", "never");
	ck_assert_int_eq(R.status, 0);
	ck_assert_match(section("write A[0] 1"), "handle_mm_fault\n +do_anonymous_page: ");
	/* MADV_FREE left the entry old and writable-clean: the store needs no
	 * fault, the MMU sets AF and clears AP[2] through DBM */
	ck_assert_match(section("write A[0] 2"), "MMU: DBM cleared AP\\[2\\] \\(PTE_RDONLY\\), no fault");
	ck_assert_match(section("write A[0] 2"), "MMU: hardware set AF");
	ck_assert_no_match(section("write A[0] 2"), "handle_mm_fault");
}
END_TEST

START_TEST(fork_names_copy_present_pte)
{
	const char *path = temp_file("mmap A 1 rw private anon\n"
				     "write A[0] 1\n"
				     "fork c\n");

	RUN("explain", path, "--layout", "x86_64", "--color", "never");
	ck_assert_int_eq(R.status, 0);
	ck_assert_match(section("fork c"), "copy_present_pte: ptep_set_wrprotect \\+ pte_wrprotect \\+ pte_mkold");
	/* the parent's entry loses _PAGE_RW (bit 1); the child's appears */
	ck_assert_match(section("fork c"), "p0 A\\[0\\]: .*\n(.*\n)*.*bit 1 +rw +_PAGE_RW +1 -> 0");
	ck_assert_match(section("fork c"), "c A\\[0\\]: 0x0000000000000000 -> ");
}
END_TEST

START_TEST(colour_only_when_asked_or_a_terminal)
{
	RUN("explain", capper(), "--layout", "x86_64", "--color", "always");
	ck_assert_ptr_nonnull(strstr(R.out, "\033["));
	RUN("explain", capper(), "--layout", "x86_64", "--color", "never");
	ck_assert_ptr_null(strstr(R.out, "\033["));
	/* auto: stdout is a pipe here */
	RUN("explain", capper(), "--layout", "x86_64");
	ck_assert_ptr_null(strstr(R.out, "\033["));
}
END_TEST

/* A file name with markup in it is text in the page, not markup */
START_TEST(html_escapes_text)
{
	char dir[] = "/tmp/ptesim-explain-XXXXXX", path[128];
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a<b>&\"c'.pts", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("mmap A 1 rw private anon\nwrite A[0] 1\n", f);
	fclose(f);
	RUN("explain", path, "--layout", "arm64-v6.10", "--format", "html");
	unlink(path);
	rmdir(dir);
	ck_assert_int_eq(R.status, 0);
	ck_assert_ptr_nonnull(strstr(R.out, "a&lt;b&gt;&amp;&quot;c&#39;.pts"));
	ck_assert_ptr_null(strstr(R.out, "a<b>"));
	ck_assert_ptr_nonnull(strstr(R.out, "<!DOCTYPE html>"));
	ck_assert_ptr_nonnull(strstr(R.out, "</html>\n"));
}
END_TEST

/* Without --layout the file's layout line may name the one layout */
START_TEST(layout_from_the_file)
{
	RUN("explain", temp_file("layout arm64-v6.9\nmmap A 1 r private anon\nread A[0] 0\n"));
	ck_assert_int_eq(R.status, 0);
	ck_assert_match(R.out, "^ptesim explain .* on arm64-v6.9$");
	ck_assert_match(R.out, "\nresult:\n  arm64-v6.9: pass$");
}
END_TEST

/* A usage error: exit 2, nothing on stdout, one line on stderr naming it */
static void assert_usage_error(const char *needle)
{
	ck_assert_int_eq(R.status, 2);
	ck_assert_str_eq(R.out, "");
	ck_assert_msg(strstr(R.err, needle) != NULL, "stderr '%s' lacks '%s'", R.err, needle);
	ck_assert_msg(strchr(R.err, '\n') == R.err + strlen(R.err) - 1, "stderr is not one line: '%s'", R.err);
}

START_TEST(usage_errors_are_one_line)
{
	RUN("explain");
	assert_usage_error("give a scenario file");
	RUN("explain", capper(), "--layout", "arm64-v9.99");
	assert_usage_error("unknown layout 'arm64-v9.99'");
	RUN("explain", capper(), "--layout", "x86_64", "--format", "pdf");
	assert_usage_error("unknown format 'pdf'");
	RUN("explain", capper(), "--layout", "x86_64", "--color", "sometimes");
	assert_usage_error("unknown --color 'sometimes'");
	RUN("explain", capper(), "--layout", "x86_64", "--layout", "arm64-v6.10");
	assert_usage_error("one layout at a time");
	RUN("explain", capper(), "--layout", "all");
	assert_usage_error("one layout at a time");
	RUN("explain", capper());
	assert_usage_error("give one layout");
	RUN("explain", capper(), "--layout");
	assert_usage_error("--layout needs a value");
	RUN("explain", capper(), "--trace");
	assert_usage_error("unknown option '--trace'");
	RUN("explain", capper(), capper(), "--layout", "x86_64");
	assert_usage_error("one scenario file at a time");
	RUN("explain", "/nonexistent/x.pts", "--layout", "x86_64");
	ck_assert_int_eq(R.status, 2);
	ck_assert_str_eq(R.out, "");
	RUN("explain", "--help");
	ck_assert_int_eq(R.status, 0);
	ck_assert_ptr_nonnull(strstr(R.out, "explain FILE"));
}
END_TEST

static Suite *explain_suite(void)
{
	Suite *s = suite_create("explain");
	TCase *t = tcase_create("explain");

	tcase_add_test(t, binlu_madv_free_loses_soft_dirty);
	tcase_add_test(t, x86_keeps_soft_dirty_across_madv_free);
	tcase_add_test(t, hardware_updates_are_named);
	tcase_add_test(t, fork_names_copy_present_pte);
	tcase_add_test(t, colour_only_when_asked_or_a_terminal);
	tcase_add_test(t, html_escapes_text);
	tcase_add_test(t, layout_from_the_file);
	tcase_add_test(t, usage_errors_are_one_line);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(explain_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
