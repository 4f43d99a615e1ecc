/* SPDX-License-Identifier: MIT */
/*
 * The live runner on the kernel of this machine: the bundled scenarios it
 * can run pass there (those with PTE expectations once without them), its
 * output and messages are the simulator's, what it cannot do is n/a before
 * anything runs, and whatever happens it leaves no process, descriptor or
 * subreaper setting behind.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gen/gen.h"
#include "live/live.h"
#include "live/live_internal.h"

/* Run entirely on the kernel: every command is one the runner does. */
static const char *const runnable[] = {
	"dontneed-private-anon.pts", "dontneed-private-file.pts",  "dontneed-shared-anon.pts",
	"dontneed-shared-file.pts",  "dontneed-shmem.pts",         "exit-then-access.pts",
	"fork-no-copy-shared.pts",   "fork-shared-anon.pts",       "fork-values-isolated.pts",
	"mprotect-errors.pts",       "munmap-then-access.pts",     "private-file-sees-file-until-copied.pts",
};

/* With `expect pte` lines, which the kernel cannot check: n/a as they are,
 * and passing with those lines left out. */
static const char *const with_pte[] = {
	"anon-write-exclusive.pts",   "cow-after-fork.pts",
	"cow-private-file.pts",       "dbm-write-no-fault.pts",
	"fork-parent-write-reuses.pts", "hardware-af.pts",
	"mprotect-none.pts",          "mprotect-read-only-segv.pts",
	"mprotect-rw-after-fork-stays-protected.pts", "mprotect-rw-writable-again.pts",
	"zero-page-read.pts",         "zero-page-then-write.pts",
};

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static struct scn_program *parse_scenario_file(const char *name)
{
	const char *root = getenv("PTESIM_SOURCE_ROOT");
	struct scn_program *p = NULL;
	char path[4096], err[512];

	snprintf(path, sizeof(path), "%s/tests/scenarios/%s", root ? root : ".", name);
	ck_assert_msg(scn_parse_file(path, &p, err, sizeof(err)) == 0, "%s", err);
	return p;
}

static struct scn_program *parse_text(const char *text)
{
	struct scn_program *p = NULL;
	char err[512];

	ck_assert_msg(scn_parse(text, "<test>", &p, err, sizeof(err)) == 0, "%s", err);
	return p;
}

/* The result line, the observations in out and the notes in notes (NULL:
 * none wanted). */
static void run_noting(const struct scn_program *p, unsigned timeout_s, char *line, size_t size, char **out,
		       char **notes)
{
	struct live_options opt = { .timeout_s = timeout_s };
	struct run_result r;
	size_t len = 0, notes_len = 0;

	if (out) {
		*out = NULL;
		opt.observe = open_memstream(out, &len);
		ck_assert_ptr_nonnull(opt.observe);
	}
	if (notes) {
		*notes = NULL;
		opt.notes = open_memstream(notes, &notes_len);
		ck_assert_ptr_nonnull(opt.notes);
	}
	live_run(p, &opt, &r);
	if (out)
		fclose(opt.observe);
	if (notes)
		fclose(opt.notes);
	live_result_line(&r, line, size);
}

static void run(const struct scn_program *p, unsigned timeout_s, char *line, size_t size, char **out)
{
	run_noting(p, timeout_s, line, size, out, NULL);
}

START_TEST(runnable_file_passes)
{
	struct scn_program *p = parse_scenario_file(runnable[_i]);
	char line[1024];

	run(p, 0, line, sizeof(line), NULL);
	ck_assert_msg(!strcmp(line, "kernel: pass"), "%s: %s", runnable[_i], line);
	scn_program_free(p);
}
END_TEST

START_TEST(pte_file_is_na_and_passes_without_pte)
{
	struct scn_program *p = parse_scenario_file(with_pte[_i]), copy = *p;
	struct scn_command *kept = calloc(p->ncommands + 1, sizeof(*kept));
	char line[1024];

	ck_assert_ptr_nonnull(kept);
	run(p, 0, line, sizeof(line), NULL);
	ck_assert_msg(!strcmp(line, "kernel: n/a (the kernel does not show PTEs)"), "%s: %s", with_pte[_i], line);
	copy.ncommands = 0;
	for (size_t i = 0; i < p->ncommands; i++)
		if (p->commands[i].op != SCN_OP_PTE && p->commands[i].op != SCN_OP_EXPECT_PTE)
			kept[copy.ncommands++] = p->commands[i];
	copy.commands = kept;
	run(&copy, 0, line, sizeof(line), NULL);
	ck_assert_msg(!strcmp(line, "kernel: pass"), "%s without pte: %s", with_pte[_i], line);
	free(kept);
	scn_program_free(p);
}
END_TEST

/* soft-dirty depends on the kernel's configuration: left out here */
static void drop_soft_dirty(char *s)
{
	char *k;

	while ((k = strstr(s, " soft-dirty=")) != NULL)
		memmove(k, k + 13, strlen(k + 13) + 1);
}

START_TEST(observations_have_the_simulator_format)
{
	struct scn_program *p = parse_text("mmap A 2 rw private anon\n"
					   "mmap S 1 rw shared shmem:s\n"
					   "write A[0]\n"
					   "read A[0] 0x5eed0001\n"
					   "write S[0]\n"
					   "read S[0] 0x5eed0002\n"
					   "pagemap A\n"
					   "fork c\n"
					   "as c\n"
					   "pagemap A[0]\n"
					   "pagemap S\n");
	char line[1024], *out;

	run(p, 0, line, sizeof(line), &out);
	ck_assert_str_eq(line, "kernel: pass");
	drop_soft_dirty(out);
	ck_assert_str_eq(out, "p0 A[0] present=1 swap=0 file=0 exclusive=1 uffd-wp=0\n"
			      "p0 A[1] present=0 swap=0 file=0 exclusive=0 uffd-wp=0\n"
			      "c A[0] present=1 swap=0 file=0 exclusive=0 uffd-wp=0\n"
			      "c S[0] present=0 swap=0 file=0 exclusive=0 uffd-wp=0\n");
	free(out);
	scn_program_free(p);
}
END_TEST

static const struct {
	const char *text, *line;
} failures[] = {
	{ "mmap A 1 rw private anon\nwrite A[0] 4\nread A[0] 5\n",
	  "kernel: FAIL at line 3 (read A[0] 5): read 0x4, expected 0x5" },
	{ "mmap A 1 rw private anon\nwrite A[0] -> segv\n",
	  "kernel: FAIL at line 2 (write A[0] -> segv): the write completed, expected segv" },
	{ "mmap A 1 r private anon\nread A[0] -> segv\n",
	  "kernel: FAIL at line 2 (read A[0] -> segv): the read completed, expected segv" },
	{ "mmap A 1 none private anon\nread A[0]\n",
	  "kernel: FAIL at line 2 (read A[0]): the read took SIGSEGV, expected ok" },
	{ "mmap A 1 rw private anon\nmprotect A r -> EINVAL\n",
	  "kernel: FAIL at line 2 (mprotect A r -> EINVAL): mprotect returned ok, expected EINVAL" },
	{ "mmap A 2 rw private anon\nmunmap A[0]\nmadvise A dontneed\n",
	  "kernel: FAIL at line 3 (madvise A dontneed): madvise returned ENOMEM, expected ok" },
	{ "mmap A 1 rw private anon\nexpect pagemap A[0] present=1\n",
	  "kernel: FAIL at line 2 (expect pagemap A[0] present=1): p0 A[0] pagemap present=0, expected 1" },
	{ "mmap A 1 rw private anon\nfork c\nexit c\nas c\nread A[0]\n",
	  "kernel: FAIL at line 5 (read A[0]): c has exited" },
	{ "fork c\nexit c\nexit c\n", "kernel: FAIL at line 3 (exit c): c has already exited" },
	{ "mmap A 1 rw private anon\nclear_refs all -> EINVAL\n",
	  "kernel: FAIL at line 2 (clear_refs all -> EINVAL): clear_refs returned ok, expected EINVAL" },
	/* MADV_FREE is for private anonymous memory only: shmem is not */
	{ "mmap S 1 rw shared shmem:s\nmadvise S free\n",
	  "kernel: FAIL at line 2 (madvise S free): madvise returned EINVAL, expected ok" },
	{ "mmap A 2 rw private anon\nmunmap A[1]\nmadvise A cold\n",
	  "kernel: FAIL at line 3 (madvise A cold): madvise returned ENOMEM, expected ok" },
	/* userfaultfd: a sync uffd-wp fault blocks the write, an async one not */
	{ "mmap A 1 rw private anon\nwrite A[0]\nuffd open\nuffd register A wp\nuffd wp A\nwrite A[0] 2\n",
	  "kernel: FAIL at line 6 (write A[0] 2): the write blocked, expected ok" },
	{ "mmap A 1 rw private anon\nwrite A[0]\nuffd open async\nuffd register A wp\nuffd wp A\n"
	  "write A[0] 2 -> blocked\n",
	  "kernel: FAIL at line 6 (write A[0] 2 -> blocked): the write completed, expected blocked" },
	{ "mmap A 1 r private anon\nuffd open unpopulated\nwrite A[0] -> blocked\n",
	  "kernel: FAIL at line 3 (write A[0] -> blocked): the write took SIGSEGV, expected blocked" },
	{ "mmap A 1 rw private anon\nuffd open\nuffd open async -> EPERM\n",
	  "kernel: FAIL at line 3 (uffd open async -> EPERM): uffd open returned EINVAL, expected EPERM" },
	{ "mmap A 1 rw private anon\nuffd register A wp\n",
	  "kernel: FAIL at line 2 (uffd register A wp): uffd register returned EBADF, expected ok" },
	{ "mmap A 2 rw private anon\nuffd open\nuffd register A[0] wp\nuffd wp A\n",
	  "kernel: FAIL at line 4 (uffd wp A): uffd wp returned ENOENT, expected ok" },
	{ "mmap A 1 rw private anon\nuffd open unpopulated\nuffd register A wp\nexpect event A[0] uffd-wp\n",
	  "kernel: FAIL at line 4 (expect event A[0] uffd-wp): no uffd-wp event is queued for p0 A[0]" },
	{ "mmap A 2 rw private anon\nuffd open unpopulated\nuffd register A wp\nuffd wp A\n"
	  "write A[1] -> blocked\nexpect no-event\n",
	  "kernel: FAIL at line 6 (expect no-event): 1 event is queued, the first a uffd-wp event for p0 A[1]" },
	/* the woken write retries, and the page is read-only by then */
	{ "mmap A 1 rw private anon\nuffd open unpopulated\nuffd register A wp\nuffd wp A\n"
	  "write A[0] -> blocked\nmprotect A r\nuffd unwp A\n",
	  "kernel: FAIL at line 7 (uffd unwp A): the write blocked at line 5 took SIGSEGV when woken" },
	/* PAGEMAP_SCAN */
	{ "mmap A 2 rw private anon\nscan A check-wpasync\n",
	  "kernel: FAIL at line 2 (scan A check-wpasync): scan returned EPERM, expected ok" },
	{ "mmap A 2 rw private anon\nwrite A[0]\nexpect scan A == A[0:1]{written}\n",
	  "kernel: FAIL at line 3 (expect scan A == A[0:1]{written}): scan returned A[0:1]{written,present} "
	  "A[1:2]{written}, expected A[0:1]{written}" },
	{ "mmap A 2 rw private anon\nwrite A[0]\nexpect scan A want=present == none\n",
	  "kernel: FAIL at line 3 (expect scan A want=present == none): scan returned A[0:1]{written,present}, "
	  "expected none" },
};

START_TEST(failures_have_the_simulator_messages)
{
	struct scn_program *p = parse_text(failures[_i].text);
	char line[1024];

	run(p, 0, line, sizeof(line), NULL);
	ck_assert_str_eq(line, failures[_i].line);
	scn_program_free(p);
}
END_TEST

static const struct {
	const char *text, *line;
} unsupported[] = {
	{ "mmap A 1 rw private anon\npagemap A\npte A[0]\n", "kernel: n/a (the kernel does not show PTEs)" },
	{ "mmap A 1 rw private anon\npagemap A\nmigrate A\n",
	  "kernel: n/a (migrate: no system call migrates a page in place)" },
	/* the scan's vector has room for a region a page */
	{ "mmap A 4097 rw private anon\npagemap A[0]\nscan A\n",
	  "kernel: n/a (scan of more pages than the runner's vector holds (4096))" },
#if defined(__x86_64__)
	{ "hafdbs off\nmmap A 1 rw private anon\npagemap A\n",
	  "kernel: n/a (hafdbs off: x86 always updates A and D in hardware)" },
	{ "layout arm64-v6.10\nmmap A 1 rw private anon\npagemap A\n",
	  "kernel: n/a (the layout line names no x86_64 layout)" },
#endif
};

/* n/a is decided before anything runs: no observation is printed */
START_TEST(unsupported_is_na_before_running)
{
	struct scn_program *p = parse_text(unsupported[_i].text);
	char line[1024], *out;

	run(p, 0, line, sizeof(line), &out);
	ck_assert_str_eq(line, unsupported[_i].line);
	ck_assert_str_eq(out, "");
	free(out);
	scn_program_free(p);
}
END_TEST


/* ---- clear_refs, MADV_FREE, MADV_COLD: no swap needed ----------------- */

/*
 * Every value clear_refs takes is accepted (fs/proc/task_mmu.c
 * clear_refs_write(): 1 to 5), also where soft-dirty is not built in, and
 * a page written before `clear_refs soft-dirty` is not soft-dirty after
 * it on any kernel: with soft-dirty the bit is cleared, without it there
 * is none. None of them unmaps anything.
 */
START_TEST(clear_refs_values_succeed)
{
	struct scn_program *p = parse_text("mmap A 1 rw private anon\n"
					   "write A[0]\n"
					   "clear_refs soft-dirty\n"
					   "expect pagemap A[0] present=1 soft-dirty=0\n"
					   "clear_refs all\n"
					   "clear_refs anon\n"
					   "clear_refs mapped\n"
					   "expect pagemap A[0] present=1 exclusive=1\n"
					   "read A[0] 0x5eed0001\n");
	char line[1024];

	run(p, 0, line, sizeof(line), NULL);
	ck_assert_str_eq(line, "kernel: pass");
	scn_program_free(p);
}
END_TEST

/*
 * madvise(2): MADV_FREE only on private anonymous mappings (EINVAL on
 * shmem, shared anonymous, which is shmem, and a private file mapping);
 * MADV_COLD on any of them; a hole in the range gives ENOMEM after the
 * mapped part is done. A page written after MADV_FREE keeps its value.
 */
START_TEST(madvise_free_and_cold_results)
{
	struct scn_program *p = parse_text("mmap S 2 rw shared shmem:s\n"
					   "mmap H 2 rw shared anon\n"
					   "mmap F 2 rw private file:f\n"
					   "mmap A 3 rw private anon\n"
					   "madvise S free -> EINVAL\n"
					   "madvise H free -> EINVAL\n"
					   "madvise F free -> EINVAL\n"
					   "madvise S cold\n"
					   "madvise F[1] cold\n"
					   "write A[0] 1\n"
					   "write A[2] 2\n"
					   "madvise A[0] free\n"
					   "write A[0] 3\n"
					   "madvise A[2] cold\n"
					   "munmap A[1]\n"
					   "madvise A free -> ENOMEM\n"
					   "madvise A cold -> ENOMEM\n"
					   "read A[0] 3\n");
	char line[1024];

	run(p, 0, line, sizeof(line), NULL);
	ck_assert_str_eq(line, "kernel: pass");
	scn_program_free(p);
}
END_TEST

/*
 * `swap off`: no page may go to swap. Reclaim then keeps an anonymous
 * page (add_to_swap() fails, the page stays mapped) and discards a clean
 * lazy-free one, which reads zero afterwards. On a kernel with swap
 * enabled the run cannot keep that promise, and says so.
 */
START_TEST(swap_off_reclaim_keeps_anon_and_drops_lazyfree)
{
	struct scn_program *p = parse_text("swap off\n"
					   "mmap A 2 rw private anon\n"
					   "write A[0] 5\n"
					   "write A[1] 6\n"
					   "madvise A[1] free\n"
					   "reclaim A\n"
					   "pagemap A\n"
					   "read A[0] 5\n"
					   "read A[1] 0\n");
	char line[1024], *out;

	run(p, 0, line, sizeof(line), &out);
	/* swap may come or go (another run's) between the run and a look
	 * at /proc/swaps here: the line says which it was */
	if (strcmp(line, "kernel: pass")) {
		ck_assert_str_eq(line, "kernel: n/a (swap off, but this kernel has swap enabled)");
		ck_assert_str_eq(out, "");
	} else {
		ck_assert_str_eq(line, "kernel: pass");
		drop_soft_dirty(out);
		ck_assert_str_eq(out, "p0 A[0] present=1 swap=0 file=0 exclusive=1 uffd-wp=0\n"
				      "p0 A[1] present=0 swap=0 file=0 exclusive=0 uffd-wp=0\n");
	}
	free(out);
	scn_program_free(p);
}
END_TEST

/*
 * A shared file's pages never go to swap, so reclaiming them needs none
 * and enables none: the page leaves the page table (a dirty one stays in
 * the page cache, MADV_PAGEOUT does not write file pages back) and the
 * next read faults it in again with its value.
 */
START_TEST(reclaim_of_shared_file_needs_no_swap)
{
	struct scn_program *p = parse_text("mmap F 2 rw shared file:f\n"
					   "write F[0] 3\n"
					   "read F[1]\n"
					   "reclaim F\n"
					   "pagemap F\n"
					   "read F[0] 3\n"
					   "read F[1] 0\n");
	char line[1024], *out, *notes;

	run_noting(p, 0, line, sizeof(line), &out, &notes);
	ck_assert_str_eq(line, "kernel: pass");
	drop_soft_dirty(out);
	ck_assert_str_eq(out, "p0 F[0] present=0 swap=0 file=0 exclusive=0 uffd-wp=0\n"
			      "p0 F[1] present=0 swap=0 file=0 exclusive=0 uffd-wp=0\n");
	ck_assert_str_eq(notes, "");
	free(out);
	free(notes);
	scn_program_free(p);
}
END_TEST

/* criu dump needs soft-dirty to find the pages written since the last dump */
START_TEST(criu_dump_is_na)
{
	struct scn_program *p = parse_text("mmap A 1 rw private anon\nwrite A[0]\ncriu dump\n");
	char line[1024];

	run(p, 0, line, sizeof(line), NULL);
	ck_assert_str_eq(line, live_kernel_has_soft_dirty() ? "kernel: n/a (not implemented: criu)"
							     : "kernel: n/a (criu dump needs soft-dirty)");
	scn_program_free(p);
}
END_TEST

/* Without root, no swap file can be enabled: a scenario that may swap is
 * n/a on a kernel with none. Run as nobody (this is a forked test). */
START_TEST(without_root_and_swap_is_na)
{
	struct scn_program *p = parse_text("mmap A 1 rw private anon\nwrite A[0]\nreclaim A\n");
	char line[1024], *out;

	if (geteuid() == 0) {
		ck_assert_int_eq(setgid(65534), 0);
		ck_assert_int_eq(setuid(65534), 0);
	}
	run(p, 0, line, sizeof(line), &out);
	/* or it found swap enabled, someone else's */
	if (strcmp(line, "kernel: pass")) {
		ck_assert_str_eq(line, "kernel: n/a (requires swap)");
		ck_assert_str_eq(out, "");
	}
	free(out);
	scn_program_free(p);
}
END_TEST

/* ---- swap: as root, or with a swap device enabled ----------------------- */

static const struct {
	const char *text, *out;
} swapping[] = {
	/* an exclusive anonymous page goes to swap: pagemap shows the swap
	 * entry, not exclusive (PM_MMAP_EXCLUSIVE is set from a mapped
	 * page's map count, and a swap entry maps none); a read swaps it in,
	 * exclusive again (the entry carried the exclusive marker), with its
	 * value */
	{ "mmap A 2 rw private anon\nwrite A[0] 7\nreclaim A\npagemap A\nread A[0] 7\npagemap A[0]\n",
	  "p0 A[0] present=0 swap=1 file=0 exclusive=0 uffd-wp=0\n"
	  "p0 A[1] present=0 swap=0 file=0 exclusive=0 uffd-wp=0\n"
	  "p0 A[0] present=1 swap=0 file=0 exclusive=1 uffd-wp=0\n" },
	/* MADV_PAGEOUT itself: the same */
	{ "mmap A 1 rw private anon\nwrite A[0] 7\nmadvise A pageout\npagemap A\nread A[0] 7\npagemap A\n",
	  "p0 A[0] present=0 swap=1 file=0 exclusive=0 uffd-wp=0\n"
	  "p0 A[0] present=1 swap=0 file=0 exclusive=1 uffd-wp=0\n" },
	/* a clean lazy-free page is discarded, not swapped: unmapped, and
	 * the next read maps the zero page */
	{ "mmap A 1 rw private anon\nwrite A[0] 9\nmadvise A free\nreclaim A\npagemap A\nread A[0] 0\npagemap A\n",
	  "p0 A[0] present=0 swap=0 file=0 exclusive=0 uffd-wp=0\n"
	  "p0 A[0] present=1 swap=0 file=0 exclusive=0 uffd-wp=0\n" },
	/* written again after MADV_FREE, the page is dirty again: reclaim
	 * finds its entry dirty (try_to_unmap_one()), gives it its swap
	 * backing back and keeps it mapped, with the new value */
	{ "mmap A 1 rw private anon\nwrite A[0] 9\nmadvise A free\nwrite A[0] 10\nreclaim A\npagemap A\n"
	  "read A[0] 10\n",
	  "p0 A[0] present=1 swap=0 file=0 exclusive=1 uffd-wp=0\n" },
	/* MADV_PAGEOUT leaves a page mapped by two processes alone */
	{ "mmap A 1 rw private anon\nwrite A[0] 4\nfork c\nmadvise A pageout\npagemap A\nas c\nread A[0] 4\n",
	  "p0 A[0] present=1 swap=0 file=0 exclusive=0 uffd-wp=0\n" },
	/* shmem goes to swap too; its page table entry is cleared (pagemap
	 * shows shmem's swapped pages as not there) and a read brings the
	 * value back */
	{ "mmap S 1 rw shared shmem:s\nwrite S[0] 8\nreclaim S\npagemap S\nread S[0] 8\n",
	  "p0 S[0] present=0 swap=0 file=0 exclusive=0 uffd-wp=0\n" },
};

START_TEST(swapping_as_the_kernel_does)
{
	struct scn_program *p = parse_text(swapping[_i].text);
	char line[1024], *out;

	run(p, 0, line, sizeof(line), &out);
	ck_assert_msg(!strcmp(line, "kernel: pass"), "%s: %s", swapping[_i].text, line);
	drop_soft_dirty(out);
	ck_assert_str_eq(out, swapping[_i].out);
	free(out);
	scn_program_free(p);
}
END_TEST

/*
 * reclaim would unmap a page from every process that maps it, where
 * MADV_PAGEOUT leaves it: the run stops there, n/a, after the
 * observations before it; A[0], copied on the parent's write, is
 * exclusive again and would not stop it. Without root pagemap shows no
 * PFN, which is what tells the zero page apart.
 */
START_TEST(reclaim_of_a_page_mapped_twice_is_na)
{
	struct scn_program *p = parse_text("mmap A 2 rw private anon\n"
					   "write A[0] 1\n"
					   "write A[1] 2\n"
					   "fork c\n"
					   "write A[0] 3\n"
					   "pagemap A\n"
					   "reclaim A\n"
					   "pagemap A\n");
	char line[1024], *out;

	run(p, 0, line, sizeof(line), &out);
	ck_assert_str_eq(line, geteuid() == 0
				       ? "kernel: n/a (reclaim at line 7: p0 A[1] is mapped more than once, "
					 "and MADV_PAGEOUT would leave it)"
				       : "kernel: n/a (reclaim at line 7: p0 A[1] is mapped more than once or is "
					 "the zero page, which only root can tell apart in pagemap)");
	drop_soft_dirty(out);
	ck_assert_str_eq(out, "p0 A[0] present=1 swap=0 file=0 exclusive=1 uffd-wp=0\n"
			      "p0 A[1] present=1 swap=0 file=0 exclusive=0 uffd-wp=0\n");
	free(out);
	scn_program_free(p);
}
END_TEST

/* The shared zero page, mapped by a read fault, is present and not
 * exclusive, and both reclaim and MADV_PAGEOUT leave it: no n/a (root
 * reads its PFN). */
START_TEST(reclaim_leaves_the_zero_page)
{
	struct scn_program *p = parse_text("mmap A 2 rw private anon\n"
					   "read A[0] 0\n"
					   "write A[1] 1\n"
					   "reclaim A\n"
					   "pagemap A\n");
	char line[1024], *out;

	if (geteuid() != 0)
		return; /* the PFN, and so the zero page, shows only to root */
	run(p, 0, line, sizeof(line), &out);
	ck_assert_str_eq(line, "kernel: pass");
	drop_soft_dirty(out);
	ck_assert_str_eq(out, "p0 A[0] present=1 swap=0 file=0 exclusive=0 uffd-wp=0\n"
			      "p0 A[1] present=0 swap=1 file=0 exclusive=0 uffd-wp=0\n");
	free(out);
	scn_program_free(p);
}
END_TEST

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* nothing of a run is left: no child (zombie or not), no descriptor, and
 * the subreaper setting as it was */
static void assert_clean(int fds_before)
{
	int subreaper = -1;

	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	ck_assert_int_eq(open_fds(), fds_before);
	ck_assert_int_eq(prctl(PR_GET_CHILD_SUBREAPER, &subreaper, 0, 0, 0), 0);
	ck_assert_int_eq(subreaper, 0);
}

/* ---- userfaultfd write-protection and PAGEMAP_SCAN ------------------------ */

/* A run's result and its observations, soft-dirty left out. */
static char *run_observing(const char *text, char *line, size_t size)
{
	struct scn_program *p = parse_text(text);
	char *out;

	run(p, 0, line, size, &out);
	drop_soft_dirty(out);
	scn_program_free(p);
	return out;
}

#define PM(page, present, swap, file, excl, wp)                                                    \
	page " present=" #present " swap=" #swap " file=" #file " exclusive=" #excl " uffd-wp=" #wp "\n"

/*
 * uffd open: UFFDIO_API with the features asked for; one uffd a process,
 * so a second open is UFFDIO_API again on it, which the kernel refuses
 * (EINVAL) once the first succeeded. Without a uffd the other commands
 * have no descriptor (EBADF). Registering WP is for anon and shmem, and
 * with WP_ASYNC for any memory, file pages included
 * (vma_can_userfault()); unregistering checks a VMA with its own flags,
 * so a file VMA that is not registered cannot be unregistered (EINVAL).
 * EVENT_FORK gives the child a uffd only for a registered VMA: with none
 * at the fork, the child has none.
 */
START_TEST(uffd_open_and_register_results)
{
	char line[1024], *out = run_observing("mmap A 1 rw private anon\n"
					      "mmap F 1 rw private file:f\n"
					      "mmap G 1 rw shared file:g\n"
					      "uffd register A wp -> EBADF\n"
					      "uffd wp A -> EBADF\n"
					      "uffd unregister A -> EBADF\n"
					      "expect no-event\n"
					      "uffd open event-fork\n"
					      "fork e\n"
					      "as e\n"
					      "uffd wp A -> EBADF\n"
					      "uffd open -> ok\n"
					      "as p0\n"
					      "fork c\n"
					      "uffd open event-fork unpopulated shmem-hugetlbfs -> EINVAL\n"
					      "uffd open -> EINVAL\n"
					      "uffd open async -> EINVAL\n"
					      "uffd register A wp\n"
					      "uffd register F wp -> EINVAL\n"
					      "uffd register G wp -> EINVAL\n"
					      "uffd unregister A\n"
					      "uffd wp A -> ENOENT\n"
					      "as c\n"
					      "uffd open async\n"
					      "uffd unregister F -> EINVAL\n"
					      "uffd register F wp\n"
					      "uffd register G wp\n"
					      "uffd wp F\n"
					      "uffd wp G\n"
					      "pagemap F\n"
					      "pagemap G\n"
					      "uffd unregister G\n"
					      "uffd unregister G -> EINVAL\n"
					      "uffd unregister A\n",
					      line, sizeof(line));

	ck_assert_str_eq(line, "kernel: pass");
	/* async write-protection puts markers on pages not there yet */
	ck_assert_str_eq(out, PM("c F[0]", 0, 1, 0, 0, 1) PM("c G[0]", 0, 1, 0, 0, 1));
	free(out);
}
END_TEST

/*
 * WP_ASYNC alone (WP_UNPOPULATED is forced on with it) protects untouched
 * anon pages with markers; a write to a protected page completes and only
 * clears its uffd-wp bit.
 */
START_TEST(uffd_async_markers_and_writes)
{
	char line[1024], *out = run_observing("mmap A 3 rw private anon\n"
					      "write A[0] 1\n"
					      "uffd open async\n"
					      "uffd register A wp\n"
					      "uffd wp A\n"
					      "pagemap A\n"
					      "write A[0] 2\n"
					      "write A[1] 3\n"
					      "pagemap A\n"
					      "read A[0] 2\n"
					      "expect no-event\n",
					      line, sizeof(line));

	ck_assert_str_eq(line, "kernel: pass");
	ck_assert_str_eq(out, PM("p0 A[0]", 1, 0, 0, 1, 1) PM("p0 A[1]", 0, 1, 0, 0, 1) PM("p0 A[2]", 0, 1, 0, 0, 1)
				      PM("p0 A[0]", 1, 0, 0, 1, 0) PM("p0 A[1]", 1, 0, 0, 1, 0)
					      PM("p0 A[2]", 0, 1, 0, 0, 1));
	free(out);
}
END_TEST

/*
 * Synchronous write-protection: a write to a protected page blocks with a
 * uffd-wp event for its page; a page covered by a marker is made first
 * (present, exclusive, uffd-wp, reading 0 while the writer waits). unwp
 * wakes the writer, whose value is there once the command is done.
 * Without WP_UNPOPULATED an untouched page is not protected at all.
 */
START_TEST(uffd_sync_write_blocks_until_unwp)
{
	char line[1024], *out = run_observing("mmap A 3 rw private anon\n"
					      "mmap B 1 rw private anon\n"
					      "write A[0] 1\n"
					      "uffd open unpopulated\n"
					      "uffd register A wp\n"
					      "uffd register B wp\n"
					      "uffd wp A\n"
					      "uffd wp B\n"
					      "expect no-event\n"
					      "write A[0] 2 -> blocked\n"
					      "write A[1] 3 -> blocked\n"
					      "pagemap A[0:2]\n"
					      "read A[0] 1\n"
					      "read A[1] 0\n"
					      "expect event A[1] uffd-wp\n"
					      "expect event A[0] uffd-wp\n"
					      "expect no-event\n"
					      "uffd unwp A[0]\n"
					      "read A[0] 2\n"
					      "read A[1] 0\n"
					      "uffd unwp A[1:3]\n"
					      "read A[1] 3\n"
					      "write A[2] 4\n"
					      "pagemap A\n"
					      "write B[0] -> blocked\n"
					      "uffd unwp B\n"
					      "expect event B[0] uffd-wp\n"
					      "read B[0] 0x5eed0001\n",
					      line, sizeof(line));

	ck_assert_str_eq(line, "kernel: pass");
	ck_assert_str_eq(out, PM("p0 A[0]", 1, 0, 0, 1, 1) PM("p0 A[1]", 1, 0, 0, 1, 1) PM("p0 A[0]", 1, 0, 0, 1, 0)
				      PM("p0 A[1]", 1, 0, 0, 1, 0) PM("p0 A[2]", 1, 0, 0, 1, 0));
	free(out);
	out = run_observing("mmap A 2 rw private anon\n"
			    "write A[0] 1\n"
			    "uffd open\n"
			    "uffd register A wp\n"
			    "uffd wp A\n"
			    "write A[1] 2\n"
			    "write A[0] 3 -> blocked\n"
			    "pagemap A\n",
			    line, sizeof(line));
	ck_assert_str_eq(line, "kernel: pass");
	ck_assert_str_eq(out, PM("p0 A[0]", 1, 0, 0, 1, 1) PM("p0 A[1]", 1, 0, 0, 1, 0));
	free(out);
}
END_TEST

/* UFFDIO_UNREGISTER clears the uffd-wp bits but does not wake a blocked
 * writer; UFFDIO_WRITEPROTECT then finds no registered range (ENOENT). */
START_TEST(uffd_unregister_does_not_wake)
{
	char line[1024], *out = run_observing("mmap A 2 rw private anon\n"
					      "write A[0] 1\n"
					      "uffd open unpopulated\n"
					      "uffd register A wp\n"
					      "uffd wp A\n"
					      "write A[1] 2 -> blocked\n"
					      "uffd unregister A\n"
					      "pagemap A\n"
					      "uffd unwp A -> ENOENT\n"
					      "read A[1] 0\n"
					      "write A[0] 3\n"
					      "expect event A[1] uffd-wp\n"
					      "expect no-event\n",
					      line, sizeof(line));

	ck_assert_str_eq(line, "kernel: pass");
	ck_assert_str_eq(out, PM("p0 A[0]", 1, 0, 0, 1, 0) PM("p0 A[1]", 1, 0, 0, 1, 0));
	free(out);
}
END_TEST

/*
 * fork with EVENT_FORK: the child gets a uffd of its own (UFFD_EVENT_FORK),
 * its entries and markers are copied, also of a shared mapping, and it
 * blocks and unprotects on its own; its children get one too. Without
 * EVENT_FORK the child has no uffd, no protection, and for a shared
 * mapping no page table at all (the scan reports no category).
 */
START_TEST(uffd_fork_with_and_without_event_fork)
{
	char line[1024], *out = run_observing("mmap A 2 rw private anon\n"
					      "mmap S 2 rw shared shmem:s\n"
					      "write A[0] 1\n"
					      "write S[0] 1\n"
					      "uffd open event-fork unpopulated\n"
					      "uffd register A wp\n"
					      "uffd register S wp\n"
					      "uffd wp A\n"
					      "uffd wp S\n"
					      "fork c\n"
					      "as c\n"
					      "pagemap A\n"
					      "pagemap S\n"
					      "uffd open -> EINVAL\n"
					      "write A[0] 2 -> blocked\n"
					      "expect event A[0] uffd-wp\n"
					      "as p0\n"
					      "expect no-event\n"
					      "read A[0] 1\n"
					      "as c\n"
					      "uffd unwp A[0]\n"
					      "read A[0] 2\n"
					      "fork d\n"
					      "as d\n"
					      "write S[1] 3 -> blocked\n"
					      "uffd unwp S\n"
					      "read S[1] 3\n",
					      line, sizeof(line));

	ck_assert_str_eq(line, "kernel: pass");
	ck_assert_str_eq(out, PM("c A[0]", 1, 0, 0, 0, 1) PM("c A[1]", 0, 1, 0, 0, 1) PM("c S[0]", 1, 0, 1, 0, 1)
				      PM("c S[1]", 0, 1, 0, 0, 1));
	free(out);
	out = run_observing("mmap A 2 rw private anon\n"
			    "mmap S 2 rw shared shmem:s\n"
			    "write A[0] 1\n"
			    "write S[0] 1\n"
			    "uffd open unpopulated\n"
			    "uffd register A wp\n"
			    "uffd register S wp\n"
			    "uffd wp A\n"
			    "uffd wp S\n"
			    "fork c\n"
			    "as c\n"
			    "pagemap A\n"
			    "scan S\n"
			    "uffd wp A -> EBADF\n"
			    "write A[0] 2\n"
			    "write S[1] 3\n"
			    "uffd open\n"
			    "uffd register A wp\n",
			    line, sizeof(line));
	ck_assert_str_eq(line, "kernel: pass");
	ck_assert_str_eq(out, PM("c A[0]", 1, 0, 0, 0, 0) PM("c A[1]", 0, 0, 0, 0, 0) "scan S[0:2] -\n"
									    "scan walk-end S[2]\n");
	free(out);
}
END_TEST

/*
 * PAGEMAP_SCAN: one line per region, always A[i:j]; `-` for a region
 * whose categories the return mask empties. A none entry inside an
 * existing page table is `written` (general path too); a range with no
 * page table reports no category. max-pages stops the walk at the next
 * matching page past the limit, which is walk-end: a limit reached on the
 * last matching page does not stop it (walk-end is the end). wp-matching re-protects what it reports and
 * skips a VMA that is not async; check-wpasync fails with EPERM on
 * reaching one, per VMA, after protecting what it walked before.
 */
START_TEST(scan_regions_and_walk_end)
{
	char line[1024], *out = run_observing("mmap A 6 rw private anon\n"
					      "mmap N 2 rw private anon\n"
					      "scan N\n"
					      "write A[0]\n"
					      "write A[1]\n"
					      "write A[4]\n"
					      "scan A\n"
					      "scan A want=present max-pages=2\n"
					      "scan A want=present max-pages=3 return=present\n"
					      "scan A[4] inverted=written anyof=written,swapped\n"
					      "scan A[4] return=huge\n"
					      "expect scan A[1:3] return=written == A[1:3]{written}\n"
					      "expect scan A[2:4] want=present == none\n"
					      "expect scan A return=file == A[0:6]{}\n"
					      "scan A wp-matching\n",
					      line, sizeof(line));

	ck_assert_str_eq(line, "kernel: pass");
	ck_assert_str_eq(out, "scan N[0:2] -\n"
			      "scan walk-end N[2]\n"
			      "scan A[0:2] written,present\n"
			      "scan A[2:4] written\n"
			      "scan A[4:5] written,present\n"
			      "scan A[5:6] written\n"
			      "scan walk-end A[6]\n"
			      "scan A[0:2] written,present\n"
			      "scan walk-end A[4]\n"
			      "scan A[0:2] present\n"
			      "scan A[4:5] present\n"
			      "scan walk-end A[6]\n"
			      "scan walk-end A[5]\n"
			      "scan A[4:5] -\n"
			      "scan walk-end A[5]\n"
			      "scan walk-end A[6]\n");
	free(out);
}
END_TEST

START_TEST(scan_with_async_write_protection)
{
	char line[1024], *out = run_observing("mmap A 4 rw private anon\n"
					      "write A[0]\n"
					      "write A[1]\n"
					      "write A[2]\n"
					      "write A[3]\n"
					      "uffd open async\n"
					      "uffd register A[0:2] wp\n"
					      "scan A\n"
					      "expect scan A check-wpasync wp-matching want=written max-pages=1 == "
					      "A[0:1]{wpallowed,written,present}\n"
					      "scan A check-wpasync wp-matching want=written -> EPERM\n"
					      "pagemap A\n"
					      "write A[0]\n"
					      "scan A[0:2] wp-matching want=written return=written\n"
					      "scan A[0:2]\n"
					      "expect scan A wp-matching == A[0:2]{wpallowed,present}\n",
					      line, sizeof(line));

	ck_assert_str_eq(line, "kernel: pass");
	ck_assert_str_eq(out, "scan A[0:2] wpallowed,written,present\n"
			      "scan A[2:4] written,present\n"
			      "scan walk-end A[4]\n" PM("p0 A[0]", 1, 0, 0, 1, 1) PM("p0 A[1]", 1, 0, 0, 1, 1)
				      PM("p0 A[2]", 1, 0, 0, 1, 0) PM("p0 A[3]", 1, 0, 0, 1, 0)
			      "scan A[0:1] written\n"
			      "scan walk-end A[2]\n"
			      "scan A[0:2] wpallowed,present\n"
			      "scan walk-end A[2]\n");
	free(out);
}
END_TEST

/*
 * The generator's userfaultfd and PAGEMAP_SCAN scenarios, whose every
 * outcome it predicts (writes that block, errnos of register, wp and
 * check-wpasync), pass on the kernel: the simulator does not run them yet,
 * so the kernel alone holds the generator to Linux here.
 */
START_TEST(generated_uffd_and_scan_pass)
{
	unsigned features = GEN_ANON | GEN_SHMEM | GEN_FILE | GEN_FORK | GEN_MPROTECT | GEN_DONTNEED | GEN_MUNMAP |
			    GEN_CLEAR_REFS | GEN_UFFD | GEN_SCAN;
	unsigned blocked = 0;

	for (unsigned seed = 1; seed <= 60; seed++) {
		char *text = gen_scenario(seed, 80, features), line[1024];
		struct scn_program *p;

		ck_assert_ptr_nonnull(text);
		for (const char *b = text; (b = strstr(b, "-> blocked")) != NULL; b++)
			blocked++;
		p = parse_text(text);
		run(p, 0, line, sizeof(line), NULL);
		ck_assert_msg(!strcmp(line, "kernel: pass"), "ptesim gen --seed %u --steps 80 --features "
			      "anon,shmem,file,fork,mprotect,dontneed,munmap,clear_refs,uffd,scan: %s", seed, line);
		scn_program_free(p);
		free(text);
	}
	ck_assert_uint_gt(blocked, 0);
}
END_TEST

/* Without privileges a uffd handles user-mode faults only (which is all a
 * scenario makes), and EVENT_FORK, for CAP_SYS_PTRACE, is n/a. */
START_TEST(uffd_without_root)
{
	struct scn_program *p = parse_text("mmap A 1 rw private anon\nwrite A[0] 1\nuffd open\nuffd register A wp\n"
					   "uffd wp A\nwrite A[0] 2 -> blocked\nexpect event A[0] uffd-wp\n"
					   "uffd unwp A\nread A[0] 2\n"),
			   *q = parse_text("mmap A 1 rw private anon\nuffd open event-fork\n");
	char line[1024];

	if (geteuid() == 0) {
		ck_assert_int_eq(setgid(65534), 0);
		ck_assert_int_eq(setuid(65534), 0);
	}
	run(p, 0, line, sizeof(line), NULL);
	ck_assert_str_eq(line, "kernel: pass");
	run(q, 0, line, sizeof(line), NULL);
	ck_assert_str_eq(line, "kernel: n/a (uffd open event-fork needs CAP_SYS_PTRACE)");
	scn_program_free(p);
	scn_program_free(q);
}
END_TEST

/* A run with blocked writers, an EVENT_FORK child and its uffd leaves
 * nothing behind either. */
START_TEST(uffd_run_leaves_nothing)
{
	struct scn_program *p = parse_text("mmap A 2 rw private anon\n"
					   "uffd open event-fork unpopulated\n"
					   "uffd register A wp\n"
					   "uffd wp A\n"
					   "write A[0] -> blocked\n"
					   "fork c\n"
					   "as c\n"
					   "write A[1] -> blocked\n"
					   "as p0\n"
					   "write A[1] -> blocked\n"
					   "expect event A[0] uffd-wp\n");
	int fds = open_fds();
	char line[1024];

	run(p, 0, line, sizeof(line), NULL);
	ck_assert_str_eq(line, "kernel: pass");
	scn_program_free(p);
	assert_clean(fds);
}
END_TEST

/* ---- the swap file: as root, on a kernel with no swap enabled ----------- */

#define SWAP_NOTE_HEAD "kernel: swap file "
#define SWAP_NOTE_TAIL " enabled for this run\n"

/* The path a swap note names; false when notes is no such note. */
static bool swap_note_path(const char *notes, char *path, size_t size)
{
	size_t head = strlen(SWAP_NOTE_HEAD), tail = strlen(SWAP_NOTE_TAIL), n = strlen(notes);

	if (n <= head + tail || strncmp(notes, SWAP_NOTE_HEAD, head) || strcmp(notes + n - tail, SWAP_NOTE_TAIL) ||
	    n - head - tail >= size)
		return false;
	memcpy(path, notes + head, n - head - tail);
	path[n - head - tail] = 0;
	return !strncmp(path, LIVE_FILE_DIR "/ptesim-swap-", strlen(LIVE_FILE_DIR "/ptesim-swap-"));
}

/* No note: the run found a swap device enabled (its pages went to swap,
 * its expectations say) after main() had found none, someone else's, which
 * this test must leave alone and cannot wait for. */
static bool swap_appeared(const char *notes)
{
	if (*notes)
		return false;
	printf("kernel: a swap device was enabled meanwhile: swap file test skipped\n");
	return true;
}

/* /proc/swaps names path */
static bool swap_listed(const char *path)
{
	FILE *f = fopen("/proc/swaps", "r");
	char entry[512];
	bool found = false;

	ck_assert_ptr_nonnull(f);
	while (!found && fscanf(f, "%511s%*[^\n]", entry) == 1)
		found = !strcmp(entry, path);
	fclose(f);
	return found;
}

static void assert_swap_gone(const char *path)
{
	ck_assert_msg(!swap_listed(path), "%s is still enabled", path);
	ck_assert_msg(access(path, F_OK) != 0 && errno == ENOENT, "%s is still there", path);
}

/* A run that swaps gets its swap file, says so, and leaves nothing. */
START_TEST(swap_file_for_the_run)
{
	struct scn_program *p = parse_text("mmap A 1 rw private anon\nwrite A[0] 7\nreclaim A\n"
					   "expect pagemap A[0] swap=1\nread A[0] 7\n");
	char line[1024], *notes, path[256];
	int fds = open_fds();

	run_noting(p, 0, line, sizeof(line), NULL, &notes);
	ck_assert_str_eq(line, "kernel: pass");
	if (swap_appeared(notes)) {
		free(notes);
		scn_program_free(p);
		return;
	}
	ck_assert_msg(swap_note_path(notes, path, sizeof(path)), "notes: '%s'", notes);
	assert_swap_gone(path);
	free(notes);
	scn_program_free(p);
	assert_clean(fds);
}
END_TEST

/* ... also when the time runs out in the middle */
START_TEST(swap_file_gone_after_time_limit)
{
	size_t cap = 8u << 20, len = 0;
	char *text = malloc(cap), line[1024], *notes, path[256];
	struct scn_program *p;
	int fds = open_fds();

	ck_assert_ptr_nonnull(text);
	len += (size_t)snprintf(text + len, cap - len,
				"mmap A 64 rw private anon\nwrite A[0]\nreclaim A\nexpect pagemap A[0] swap=1\n");
	for (int i = 0; i < 300000 && len + 32 < cap; i++)
		len += (size_t)snprintf(text + len, cap - len, "write A[%d]\n", i % 64);
	p = parse_text(text);
	free(text);
	run_noting(p, 1, line, sizeof(line), NULL, &notes);
	ck_assert_msg(strstr(line, "the time limit of 1 s ran out") != NULL, "%s", line);
	if (swap_appeared(notes)) {
		free(notes);
		scn_program_free(p);
		return;
	}
	ck_assert_msg(swap_note_path(notes, path, sizeof(path)), "notes: '%s'", notes);
	assert_swap_gone(path);
	free(notes);
	scn_program_free(p);
	assert_clean(fds);
}
END_TEST

/* ... and when the process that runs it is killed: the swap file's own
 * process sees it go, and disables and removes the file. This process is
 * a subreaper meanwhile, so that it reaps what the killed one leaves. */
START_TEST(swap_file_gone_when_the_runner_is_killed)
{
	int pipefd[2];
	char note[512] = "", path[256];
	size_t got = 0;
	pid_t pid;

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	ck_assert_int_eq(pipe(pipefd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct live_options opt = { .timeout_s = 60 };
		size_t cap = 8u << 20, len = 0;
		char *text = malloc(cap), err[512];
		struct scn_program *p = NULL;
		struct run_result r;

		close(pipefd[0]);
		opt.notes = fdopen(pipefd[1], "w");
		if (!text || !opt.notes)
			_exit(1);
		setvbuf(opt.notes, NULL, _IONBF, 0);
		len += (size_t)snprintf(text + len, cap - len, "mmap A 64 rw private anon\nwrite A[0]\nreclaim A\n");
		for (int i = 0; i < 300000 && len + 32 < cap; i++)
			len += (size_t)snprintf(text + len, cap - len, "write A[%d]\n", i % 64);
		if (scn_parse(text, "<test>", &p, err, sizeof(err)))
			_exit(1);
		live_run(p, &opt, &r);
		_exit(1); /* not reached in time */
	}
	close(pipefd[1]);
	/* the note comes once the file is enabled */
	while (got < sizeof(note) - 1 && !strchr(note, '\n')) {
		ssize_t n = read(pipefd[0], note + got, sizeof(note) - 1 - got);

		if (n <= 0)
			break;
		got += (size_t)n;
		note[got] = 0;
	}
	close(pipefd[0]);
	if (!swap_appeared(note)) {
		ck_assert_msg(swap_note_path(note, path, sizeof(path)), "note: '%s'", note);
		ck_assert(swap_listed(path));
	}
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	/* the runner, then its orphans (scenario processes, the file's
	 * process) as they finish */
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	ck_assert_int_eq(errno, ECHILD);
	if (*note)
		assert_swap_gone(path);
	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0), 0);
}
END_TEST

START_TEST(time_limit_kills_everything)
{
	size_t cap = 8u << 20, len = 0;
	char *text = malloc(cap), line[1024];
	struct scn_program *p;
	int fds = open_fds();

	ck_assert_ptr_nonnull(text);
	len += (size_t)snprintf(text + len, cap - len, "mmap A 64 rw private anon\nmmap F 4 rw shared file:f\n"
						       "fork c\nas c\nfork d\nas p0\n");
	/* far more work than fits in one second (tens of microseconds each) */
	for (int i = 0; i < 300000 && len + 32 < cap; i++)
		len += (size_t)snprintf(text + len, cap - len, "write A[%d]\n", i % 64);
	p = parse_text(text);
	free(text);
	run(p, 1, line, sizeof(line), NULL);
	ck_assert_msg(strstr(line, "kernel: FAIL at line ") == line, "%s", line);
	ck_assert_msg(strstr(line, "the time limit of 1 s ran out waiting for p0") != NULL, "%s", line);
	scn_program_free(p);
	assert_clean(fds);
}
END_TEST

/* p0 exits first: its children live on as orphans, and are still reaped */
START_TEST(orphans_are_reaped)
{
	struct scn_program *p = parse_text("mmap A 1 rw private anon\nwrite A[0] 1\n"
					   "fork c\nas c\nfork d\nas p0\nfork e\n"
					   "exit p0\nas d\nread A[0] 1\nwrite A[0] 2\n"
					   "as c\nread A[0] 1\nexit c\nas e\nread A[0] 1\n");
	int fds = open_fds();
	char line[1024];

	run(p, 0, line, sizeof(line), NULL);
	ck_assert_str_eq(line, "kernel: pass");
	scn_program_free(p);
	assert_clean(fds);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kernel");
	TCase *files = tcase_create("files"), *output = tcase_create("output"), *cleanup = tcase_create("cleanup"),
	      *dirty = tcase_create("clear_refs, free, cold"), *swap = tcase_create("swap"),
	      *swap_file = tcase_create("swap file"), *uffd = tcase_create("uffd, scan");
	bool root = geteuid() == 0, has_swap = live_kernel_has_swap();
	SRunner *sr;
	int failed;

	tcase_add_loop_test(files, runnable_file_passes, 0, N(runnable));
	tcase_add_loop_test(files, pte_file_is_na_and_passes_without_pte, 0, N(with_pte));
	tcase_add_test(output, observations_have_the_simulator_format);
	tcase_add_loop_test(output, failures_have_the_simulator_messages, 0, N(failures));
	tcase_add_loop_test(output, unsupported_is_na_before_running, 0, N(unsupported));
	tcase_add_test(cleanup, time_limit_kills_everything);
	tcase_add_test(cleanup, orphans_are_reaped);
	tcase_set_timeout(cleanup, 30);
	tcase_add_test(dirty, clear_refs_values_succeed);
	tcase_add_test(dirty, madvise_free_and_cold_results);
	tcase_add_test(dirty, swap_off_reclaim_keeps_anon_and_drops_lazyfree);
	tcase_add_test(dirty, reclaim_of_shared_file_needs_no_swap);
	tcase_add_test(dirty, criu_dump_is_na);
	tcase_add_test(dirty, without_root_and_swap_is_na);
	tcase_add_test(uffd, uffd_open_and_register_results);
	tcase_add_test(uffd, uffd_async_markers_and_writes);
	tcase_add_test(uffd, uffd_sync_write_blocks_until_unwp);
	tcase_add_test(uffd, uffd_unregister_does_not_wake);
	tcase_add_test(uffd, uffd_fork_with_and_without_event_fork);
	tcase_add_test(uffd, scan_regions_and_walk_end);
	tcase_add_test(uffd, scan_with_async_write_protection);
	tcase_add_test(uffd, uffd_run_leaves_nothing);
	tcase_add_test(uffd, generated_uffd_and_scan_pass);
	tcase_add_test(uffd, uffd_without_root);
	/* swapping needs a swap device: one enabled, or root to enable one */
	tcase_add_loop_test(swap, swapping_as_the_kernel_does, 0, N(swapping));
	tcase_add_test(swap, reclaim_of_a_page_mapped_twice_is_na);
	tcase_add_test(swap, reclaim_leaves_the_zero_page);
	/* the runner's own swap file: root, and none enabled */
	tcase_add_test(swap_file, swap_file_for_the_run);
	tcase_add_test(swap_file, swap_file_gone_after_time_limit);
	tcase_add_test(swap_file, swap_file_gone_when_the_runner_is_killed);
	tcase_set_timeout(swap_file, 30);
	suite_add_tcase(s, files);
	suite_add_tcase(s, output);
	suite_add_tcase(s, cleanup);
	suite_add_tcase(s, dirty);
	suite_add_tcase(s, uffd);
	if (root || has_swap)
		suite_add_tcase(s, swap);
	else
		printf("kernel: swap tests skipped: no swap enabled, and only root can enable a swap file\n");
	if (root && !has_swap)
		suite_add_tcase(s, swap_file);
	else
		printf("kernel: swap file tests skipped: %s\n",
		       root ? "this kernel already has swap enabled" : "only root can enable a swap file");
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
