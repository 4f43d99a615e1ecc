/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_SIM_H
#define PTESIM_SIM_H

/*
 * A simulated machine driven from C, the way a test program drives a
 * kernel: processes that map memory, store and load through the simulated
 * MMU and fault handler, fork, mprotect, madvise, clear soft-dirty, use
 * userfaultfd write-protection and read /proc/PID/pagemap. Each call runs
 * the kernel's operation in the simulator's mm layer; nothing is faked.
 *
 * Conventions:
 *  - Every function returns 0 or a negative errno unless it says otherwise,
 *    with the errno the kernel's system call would give (-EINVAL for a
 *    misaligned address, -ENOMEM for a range with unmapped holes, -EBADF
 *    for a userfaultfd that is not open ...). After a failure,
 *    ptesim_sim_error() says what failed and why in one line.
 *  - Addresses and lengths are in bytes, as in the system calls; a length
 *    is rounded up to whole 4 KiB pages where the kernel rounds it.
 *  - Operations act as the current process: the first one (pid 0) until
 *    ptesim_sim_as() names another.
 *  - The referee watches every operation (see ptesim/report.h): what each
 *    call does is also recorded apart from the machine, and the invariants
 *    are checked after it; ptesim_check() reports the first violation.
 *  - No global state: simulations are independent objects, and two can
 *    run side by side. A simulation is not thread-safe.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ptesim/export.h"
#include "ptesim/layout.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ptesim_sim ptesim_sim;

#define PTESIM_PAGE_SIZE 4096u

/* ---------------------------------------------------------------------------
 * The machine
 */

/* Options of ptesim_sim_new_flags(). */
/* arm64 without FEAT_HAFDBS: the Access Flag and dirty state change by
 * fault, not in hardware (`hafdbs off`; x86 always updates A and D). */
#define PTESIM_SIM_NO_HAFDBS 0x1u
/* No swap device: reclaim keeps anonymous pages (`swap off`). */
#define PTESIM_SIM_NO_SWAP 0x2u
/* Check the invariants only when ptesim_check() is called, not after every
 * operation: for large simulations where the walks after each call cost
 * too much. Violations that last only until a later call are then missed. */
#define PTESIM_SIM_CHECK_ON_DEMAND 0x4u

/*
 * A machine with one process (pid 0, current) and a swap device, on a
 * layout: a built-in one (ptesim_layout_find("arm64-v6.10")) or one loaded
 * with ptesim_layout_load_file(). The layout must outlive the simulation.
 * -EINVAL for a NULL layout or out, -ENOMEM.
 */
PTESIM_API int ptesim_sim_new(const ptesim_layout *layout, ptesim_sim **out);
/* The same with PTESIM_SIM_* options; -EINVAL for an unknown option bit. */
PTESIM_API int ptesim_sim_new_flags(const ptesim_layout *layout, unsigned flags, ptesim_sim **out);
/* Frees the simulation and everything it holds; NULL is ignored. */
PTESIM_API void ptesim_sim_free(ptesim_sim *sim);
/* The layout the simulation runs on. */
PTESIM_API const ptesim_layout *ptesim_sim_layout(const ptesim_sim *sim);
/*
 * One line saying what the last failed call of this simulation failed
 * with and why, e.g. "mprotect(0x7effffffc000, 0x2000, r--) in p0: ENOMEM:
 * the range is not fully mapped"; "" before any failure. The text lives
 * in the simulation: a later failure replaces it.
 */
PTESIM_API const char *ptesim_sim_error(const ptesim_sim *sim);

/* ---------------------------------------------------------------------------
 * Processes
 */

/* fork(): the current process forks; *child receives the child's pid. The
 * parent stays current. -ESRCH when the current process has exited. */
PTESIM_API int ptesim_sim_fork(ptesim_sim *sim, int *child);
/* Later operations act as process pid; -ESRCH when there is no such live
 * process. */
PTESIM_API int ptesim_sim_as(ptesim_sim *sim, int pid);
/* The pid operations act as. */
PTESIM_API int ptesim_sim_current(const ptesim_sim *sim);
/* exit(): process pid exits and all its mappings are zapped; -ESRCH when
 * there is no such live process. After the current process exits, calls
 * that act as it give -ESRCH until ptesim_sim_as() names another. */
PTESIM_API int ptesim_sim_exit(ptesim_sim *sim, int pid);

/* ---------------------------------------------------------------------------
 * Mappings, with the values of <sys/mman.h> on Linux
 */

#define PTESIM_PROT_NONE 0x0u
#define PTESIM_PROT_READ 0x1u
#define PTESIM_PROT_WRITE 0x2u
#define PTESIM_PROT_EXEC 0x4u

#define PTESIM_MAP_SHARED 0x01u
#define PTESIM_MAP_PRIVATE 0x02u
#define PTESIM_MAP_ANONYMOUS 0x20u

/* What an object (the `fd` of ptesim_sim_mmap) is. */
enum ptesim_object_kind {
	PTESIM_OBJECT_SHMEM = 1, /* shmem (memfd, /dev/shm): swap-backed, no writeback */
	PTESIM_OBJECT_FILE = 2,  /* a regular file with writeback to its disk */
};

/*
 * A backing object of npages pages (zero-filled), to map with
 * ptesim_sim_mmap(): *object receives its number, which every process of
 * the simulation may map; mappings of one object share its page cache.
 * -EINVAL for an unknown kind or more than 2^35 pages.
 */
PTESIM_API int ptesim_sim_object(ptesim_sim *sim, enum ptesim_object_kind kind, uint64_t npages, int *object);

/*
 * mmap(NULL, len, prot, flags, object, 0): flags is PTESIM_MAP_PRIVATE or
 * PTESIM_MAP_SHARED, with PTESIM_MAP_ANONYMOUS for anonymous memory (the
 * object is then ignored; MAP_SHARED|MAP_ANONYMOUS is shmem, as in the
 * kernel). *addr receives where. A mapping longer than its object grows
 * the object. -EINVAL for a zero length, unknown prot bits, neither or
 * both of SHARED and PRIVATE; -EBADF for an object that does not exist;
 * -EOPNOTSUPP for another mmap flag (MAP_FIXED, MAP_POPULATE ...), which
 * the simulator does not model.
 */
PTESIM_API int ptesim_sim_mmap(ptesim_sim *sim, uint64_t len, unsigned prot, unsigned flags, int object,
			       uint64_t *addr);
/* mmap(PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS) of npages pages;
 * *addr is where. */
PTESIM_API int ptesim_sim_mmap_anon(ptesim_sim *sim, uint64_t npages, uint64_t *addr);
/* munmap(): -EINVAL for a misaligned address, a zero length or a range
 * outside user space; a range with nothing mapped is not an error. */
PTESIM_API int ptesim_sim_munmap(ptesim_sim *sim, uint64_t addr, uint64_t len);
/* mprotect() with PTESIM_PROT_*: -EINVAL for a misaligned address or
 * unknown prot bits, -ENOMEM when part of the range is not mapped (the
 * part before the hole is changed, as in the kernel), -EACCES for write
 * permission on a mapping that may not become writable. */
PTESIM_API int ptesim_sim_mprotect(ptesim_sim *sim, uint64_t addr, uint64_t len, unsigned prot);

/* madvise() advice, with the values of <sys/mman.h> on Linux. */
#define PTESIM_MADV_DONTNEED 4
#define PTESIM_MADV_FREE 8
#define PTESIM_MADV_COLD 20
#define PTESIM_MADV_PAGEOUT 21

/*
 * madvise() with one of PTESIM_MADV_*: DONTNEED zaps the pages; FREE
 * marks private anonymous pages lazy-free (-EINVAL on other memory);
 * COLD ages the pages; PAGEOUT ages them and reclaims those this process
 * maps alone. -EINVAL for a misaligned address or another advice, -ENOMEM
 * when part of the range is not mapped (the mapped parts are advised).
 */
PTESIM_API int ptesim_sim_madvise(ptesim_sim *sim, uint64_t addr, uint64_t len, int advice);

/* The values written to /proc/PID/clear_refs. */
#define PTESIM_CLEAR_REFS_ALL 1
#define PTESIM_CLEAR_REFS_ANON 2
#define PTESIM_CLEAR_REFS_MAPPED 3
#define PTESIM_CLEAR_REFS_SOFT_DIRTY 4
#define PTESIM_CLEAR_REFS_MM_HIWATER_RSS 5

/* Writing value to the current process's /proc/PID/clear_refs: 1-3 clear
 * the young bits, 4 clears soft-dirty and write-protects for tracking, 5
 * resets the RSS high-water mark. -EINVAL for another value. */
PTESIM_API int ptesim_sim_clear_refs(ptesim_sim *sim, int value);
/* Memory pressure on the pages mapped in [addr, addr + len), as the page
 * reclaimer would: anon pages go to swap, clean lazy-free pages are
 * discarded, file pages are written back and dropped; a page mapped by
 * several processes is unmapped from all. -EINVAL for a misaligned
 * address or a range outside user space; holes are skipped, and a page
 * that cannot go (no swap, a pinned page) stays. */
PTESIM_API int ptesim_sim_reclaim(ptesim_sim *sim, uint64_t addr, uint64_t len);
/* Moves the pages mapped in [addr, addr + len) to new frames through
 * migration entries, in every process that maps them. -EINVAL as
 * ptesim_sim_reclaim(); -EBUSY when a page could not move (a pinned
 * page stays where it is, the others move). */
PTESIM_API int ptesim_sim_migrate(ptesim_sim *sim, uint64_t addr, uint64_t len);

/* ---------------------------------------------------------------------------
 * Accesses and what the tables hold
 */

/* A user store or load of the 64-bit value at the start of addr's page,
 * through the simulated MMU and fault handler: -EFAULT for SIGSEGV or
 * SIGBUS, -EAGAIN for a store that waits on a synchronous uffd-wp fault
 * (it completes when ptesim_sim_uffd_unwp() wakes it). */
PTESIM_API int ptesim_sim_write(ptesim_sim *sim, uint64_t addr, uint64_t value);
PTESIM_API int ptesim_sim_read(ptesim_sim *sim, uint64_t addr, uint64_t *value);

/*
 * The raw descriptor (the 64-bit page-table entry) that maps addr's page
 * in the current process: 0 when there is none yet (pte_none) or no table
 * below. Decode it with ptesim_decode(ptesim_sim_layout(sim), ...).
 * -EFAULT when addr lies in no mapping of the process.
 */
PTESIM_API int ptesim_sim_pte(ptesim_sim *sim, uint64_t addr, uint64_t *entry);

/* The bits of a /proc/PID/pagemap entry (Documentation/admin-guide/mm/pagemap.rst). */
#define PTESIM_PM_PFRAME_MASK ((UINT64_C(1) << 55) - 1) /* pfn, or swap type (bits 0-4) and offset */
#define PTESIM_PM_SOFT_DIRTY (UINT64_C(1) << 55)
#define PTESIM_PM_MMAP_EXCLUSIVE (UINT64_C(1) << 56)
#define PTESIM_PM_UFFD_WP (UINT64_C(1) << 57)
#define PTESIM_PM_FILE (UINT64_C(1) << 61)
#define PTESIM_PM_SWAP (UINT64_C(1) << 62)
#define PTESIM_PM_PRESENT (UINT64_C(1) << 63)

/* /proc/self/pagemap's 64-bit entry for addr's page in the current
 * process, as root reads it (with the pfn); 0 for an address that nothing
 * maps or when the current process has exited. */
PTESIM_API uint64_t ptesim_sim_pagemap(ptesim_sim *sim, uint64_t addr);

/* ---------------------------------------------------------------------------
 * userfaultfd write-protection (one context per process), with the UAPI
 * values of <linux/userfaultfd.h>
 */

#define PTESIM_UFFD_FEATURE_EVENT_FORK (1u << 1)
#define PTESIM_UFFD_FEATURE_WP_HUGETLBFS_SHMEM (1u << 12)
#define PTESIM_UFFD_FEATURE_WP_UNPOPULATED (1u << 13)
#define PTESIM_UFFD_FEATURE_WP_ASYNC (1u << 15)
#define PTESIM_UFFDIO_REGISTER_MODE_MISSING (1u << 0)
#define PTESIM_UFFDIO_REGISTER_MODE_WP (1u << 1)
#define PTESIM_UFFDIO_REGISTER_MODE_MINOR (1u << 2)

/* userfaultfd() and UFFDIO_API with PTESIM_UFFD_FEATURE_* for the current
 * process. -EINVAL for a feature the layout does not offer (the
 * write-protect ones need uffd-wp) or when the process has one open. */
PTESIM_API int ptesim_sim_uffd_open(ptesim_sim *sim, unsigned features);
/* UFFDIO_REGISTER of [addr, addr + len) with mode PTESIM_UFFDIO_REGISTER_MODE_WP.
 * -EBADF without an open userfaultfd; -EINVAL for a misaligned or empty
 * range, no mapping in it, memory that cannot be registered, a mode of 0
 * or unknown bits; -EOPNOTSUPP for MODE_MISSING or MODE_MINOR, which the
 * simulator does not model. */
PTESIM_API int ptesim_sim_uffd_register(ptesim_sim *sim, uint64_t addr, uint64_t len, unsigned mode);
/* UFFDIO_UNREGISTER: the protection goes; a waiting write is not woken. */
PTESIM_API int ptesim_sim_uffd_unregister(ptesim_sim *sim, uint64_t addr, uint64_t len);
/* UFFDIO_WRITEPROTECT with MODE_WP: -ENOENT when part of the range is not
 * registered. */
PTESIM_API int ptesim_sim_uffd_wp(ptesim_sim *sim, uint64_t addr, uint64_t len);
/* UFFDIO_WRITEPROTECT without MODE_WP: unprotects and wakes the writes
 * waiting in the range, which then complete. */
PTESIM_API int ptesim_sim_uffd_unwp(ptesim_sim *sim, uint64_t addr, uint64_t len);
/* read() of the userfaultfd, O_NONBLOCK: the oldest queued write-protect
 * fault; *addr receives its page. -EAGAIN when none is queued, -EBADF
 * without an open userfaultfd. */
PTESIM_API int ptesim_sim_uffd_read_event(ptesim_sim *sim, uint64_t *addr);

/* ---------------------------------------------------------------------------
 * PAGEMAP_SCAN (the ioctl on /proc/PID/pagemap, <linux/fs.h>)
 */

#define PTESIM_PAGE_IS_WPALLOWED (1u << 0)
#define PTESIM_PAGE_IS_WRITTEN (1u << 1)
#define PTESIM_PAGE_IS_FILE (1u << 2)
#define PTESIM_PAGE_IS_PRESENT (1u << 3)
#define PTESIM_PAGE_IS_SWAPPED (1u << 4)
#define PTESIM_PAGE_IS_PFNZERO (1u << 5)
#define PTESIM_PAGE_IS_HUGE (1u << 6)
#define PTESIM_PAGE_IS_SOFT_DIRTY (1u << 7)
#define PTESIM_PM_SCAN_WP_MATCHING (1u << 0)
#define PTESIM_PM_SCAN_CHECK_WPASYNC (1u << 1)

/* struct page_region */
struct ptesim_page_region {
	uint64_t start, end; /* [start, end) */
	uint64_t categories; /* PTESIM_PAGE_IS_* after the return mask */
};

/* struct pm_scan_arg, without its size field */
struct ptesim_pm_scan_arg {
	uint64_t start, end; /* the range to walk */
	uint64_t walk_end;   /* out: where the walk stopped */
	unsigned flags;      /* PTESIM_PM_SCAN_* */
	uint64_t max_pages;  /* 0: no limit */
	unsigned category_inverted, category_mask, category_anyof_mask, return_mask;
	struct ptesim_page_region *vec; /* room for vec_len regions */
	uint64_t vec_len;
};

/* ioctl(PAGEMAP_SCAN) on the current process: the number of regions
 * written to arg->vec, or a negative errno (-EINVAL for unknown flags or
 * categories or a misaligned start, -EFAULT for a range outside user
 * space, -EPERM for CHECK_WPASYNC on memory not registered WP_ASYNC). */
PTESIM_API long ptesim_sim_pagemap_scan(ptesim_sim *sim, struct ptesim_pm_scan_arg *arg);

/* ---------------------------------------------------------------------------
 * Write watching, the GetWriteWatch/ResetWriteWatch pair that PAGEMAP_SCAN
 * was built for, done as Wine does it: userfaultfd with WP_ASYNC, the
 * range registered for write-protect and protected, each query a
 * PAGEMAP_SCAN for written pages, WP_MATCHING when it resets.
 */

/* Start watching [addr, addr + len): every page reads as not written.
 * -EINVAL when the process's userfaultfd is open without WP_ASYNC. */
PTESIM_API int ptesim_write_watch_enable(ptesim_sim *sim, uint64_t addr, uint64_t len);
/* The pages written in [addr, addr + len), in ascending order: *count
 * holds the room in pages[] and returns how many were written there. With
 * reset, exactly the pages returned are reset (a count limit leaves the
 * later written pages written). */
PTESIM_API int ptesim_write_watch_get(ptesim_sim *sim, uint64_t addr, uint64_t len, bool reset, uint64_t *pages,
				      size_t *count);
/* Every page of [addr, addr + len) reads as not written again. */
PTESIM_API int ptesim_write_watch_reset(ptesim_sim *sim, uint64_t addr, uint64_t len);
/* The pages of [addr, addr + len) become written as when the kernel writes
 * them (read(2) into the buffer): each takes a write fault, data unchanged. */
PTESIM_API int ptesim_write_watch_mark_written(ptesim_sim *sim, uint64_t addr, uint64_t len);

#ifdef __cplusplus
}
#endif

#endif
