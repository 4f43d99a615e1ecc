/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_MM_MM_H
#define PTESIM_MM_MM_H

/*
 * The kernel: processes with VMAs, the fault handler, fork, mprotect, zap
 * and pagemap. It touches entries only through the layout's helpers
 * (src/arch/pgtable.h); the hardware's own updates happen in src/hw.
 */

#include <stdbool.h>
#include <stdint.h>

#include "hw/mmu.h"
#include "mm/entry_memo.h"
#include "mm/pagemap_bits.h"
#include "mm/machine.h"

/* vm_flags (include/linux/mm.h); VM_SOFTDIRTY is 0 without soft-dirty */
#define VM_MAYREAD 0x10UL
#define VM_MAYWRITE 0x20UL
#define VM_MAYEXEC 0x40UL
#define VM_MAYSHARE 0x80UL
#define VM_UFFD_WP 0x1000UL
#define VM_ACCOUNT 0x00100000UL /* charged to overcommit; keeps VMAs apart once set */
#define VM_SOFTDIRTY_BIT 0x08000000UL

enum backing {
	BACKING_ANON = 0,
	BACKING_SHMEM, /* shmem:OBJ, and MAP_SHARED|MAP_ANONYMOUS (shmem_zero_setup) */
	BACKING_FILE,  /* a regular file with writeback */
};

struct vma {
	uint64_t start, end;
	unsigned long vm_flags;
	pgprot_t vm_page_prot;
	enum backing backing;
	uint32_t object;  /* page-cache object for shmem and file */
	uint64_t pgoff;   /* the object's page index at start */
	/* the anon_vma, 0 for none: set once an anon page is mapped here
	 * (vma_needs_copy); VMAs share one after a split, a merge or a reuse
	 * by anon_vma_prepare(), and merge only then when both have one */
	uint64_t anon_vma;
	bool anon_vma_forked; /* its anon_vma_chain holds a parent's: made by fork */
};

/* A page-cache object: shmem or a file, with the data its pages hold
 * on disk (files) when not in memory. */
struct object {
	enum backing kind;
	uint64_t *pfn;    /* page index -> frame in the page cache, 0 when absent */
	uint64_t *disk;   /* page index -> data on disk (files) */
	size_t npages;
};

/* UFFD_FEATURE_* of include/uapi/linux/userfaultfd.h that the machine knows */
#define UFFD_FEATURE_EVENT_FORK (1u << 1)
#define UFFD_FEATURE_WP_HUGETLBFS_SHMEM (1u << 12)
#define UFFD_FEATURE_WP_UNPOPULATED (1u << 13)
#define UFFD_FEATURE_WP_ASYNC (1u << 15)

/* A write waiting on a synchronous uffd-wp fault, as its thread would. */
struct uffd_blocked {
	uint64_t va;
	uint64_t value;
};

/* A process's userfaultfd (fs/userfaultfd.c): one context, as the scenario
 * language has it. A VMA with VM_UFFD_WP is registered with it. */
struct uffd {
	bool open;
	unsigned features;   /* what UFFDIO_API asked for; WP_ASYNC brings WP_UNPOPULATED */
	uint64_t *events;    /* queued UFFD_EVENT_PAGEFAULT (WP) addresses, oldest first */
	size_t nevents, cap_events;
	struct uffd_blocked *blocked; /* writes waiting, oldest first */
	size_t nblocked, cap_blocked;
	struct uffd_blocked *completed; /* writes woken that completed, for the caller to take */
	size_t ncompleted, cap_completed;
};

struct mm {
	bool alive;
	struct uffd uffd;
	uint64_t pgd;
	struct vma *vmas; /* sorted by start, not overlapping */
	size_t nvmas, cap;
	uint64_t next_va;
	bool has_pinned; /* MMF_HAS_PINNED: a page was ever pinned (pte_is_pinned) */
};

enum fault_result {
	FAULT_OK = 0,
	FAULT_RETRY,   /* the entry changed: walk again */
	FAULT_SIGSEGV,
	FAULT_SIGBUS,
	FAULT_OOM,
	FAULT_USERFAULT, /* a synchronous uffd-wp fault: handle_userfault() */
};

/* One swap device, type 0: a slot holds a page's data and the number of
 * entries pointing at it (swap_map's count). Offset 0 is the header page. */
struct swap_slot {
	uint32_t count;     /* swap entries pointing here */
	uint64_t data;      /* what was written out */
	uint64_t cache_pfn; /* the page in the swap cache, 0 when none */
};

struct swapdev {
	bool on;
	struct swap_slot *slots; /* index = offset */
	size_t n, cap;
	size_t used;
};

struct machine {
	const struct ptesim_layout *L;
	/* what the helpers make of each kind of entry, per walk (entry_memo.h) */
	struct entry_memo memo_pagemap, memo_fork, memo_mprotect;
	struct swapdev swap;
	struct mmu_config hw;
	struct frames frames;
	struct mm *procs;
	size_t nprocs;
	struct object *objects;
	size_t nobjects;
	unsigned long vm_softdirty; /* VM_SOFTDIRTY, 0 when the layout has no soft-dirty */
	uint64_t anon_vmas;         /* anon_vma objects made so far (the last one's id) */
	/* the hull of every VMA this machine has had: entries are written
	 * only inside VMAs, so a walk of every entry covers just this span */
	uint64_t mapped_lo, mapped_hi;
	/* entries the referee has seen decode legally (ptesim_decode is a
	 * pure function of the entry), and its counting space: the checks
	 * after every command of a search must not decode or allocate anew */
	uint64_t encoding_ok[256];
	uint32_t *check_counts;
	size_t check_counts_cap;
	/* cleared table buffers kept by machine_copy() for its next copy */
	struct {
		pte_t **v;
		size_t n, cap;
	} spare_tables;
};

int machine_init(struct machine *m, const struct ptesim_layout *L, bool hafdbs);
void machine_destroy(struct machine *m);

/* Note what the MMU and the kernel do into log (hw/kpath.h) until it is
 * set to NULL again; returns the log noted into before. */
static inline struct kpath_log *mm_set_kpath(struct machine *m, struct kpath_log *log)
{
	struct kpath_log *was = m->hw.kpath;

	m->hw.kpath = log;
	return was;
}

/* Processes: 0 is the first one. */
int mm_new(struct machine *m, int *pid);
int mm_fork(struct machine *m, int parent, int *child);
void mm_exit(struct machine *m, int pid);

/* Objects named by scenarios (shmem:OBJ, file:OBJ). */
int object_new(struct machine *m, enum backing kind, size_t npages, uint32_t *id);

/* System calls; 0 or a negative errno. prot is VM_READ|VM_WRITE|VM_EXEC. */
int mm_mmap(struct machine *m, int pid, uint64_t npages, unsigned long prot, bool shared,
	    enum backing backing, uint32_t object, uint64_t *va);
/* The same at a hint address, taken when it is free (else as mm_mmap). */
int mm_mmap_at(struct machine *m, int pid, uint64_t addr, uint64_t npages, unsigned long prot,
	       bool shared, enum backing backing, uint32_t object, uint64_t *va);
int mm_munmap(struct machine *m, int pid, uint64_t va, uint64_t len);
int mm_mprotect(struct machine *m, int pid, uint64_t va, uint64_t len, unsigned long prot);
int mm_madvise_dontneed(struct machine *m, int pid, uint64_t va, uint64_t len);

/* MADV_FREE: lazy-free the anon pages (EINVAL for other memory).
 * MADV_COLD: age them. MADV_PAGEOUT: age them and reclaim those this
 * process maps alone. */
int mm_madvise_free(struct machine *m, int pid, uint64_t va, uint64_t len);
int mm_madvise_cold(struct machine *m, int pid, uint64_t va, uint64_t len);
int mm_madvise_pageout(struct machine *m, int pid, uint64_t va, uint64_t len);
/* Memory pressure on the pages a process maps in [va, va+len): each is
 * reclaimed and unmapped from every process that maps it. */
int mm_reclaim(struct machine *m, int pid, uint64_t va, uint64_t len);
/* Move the pages a process maps in [va, va+len) to new frames through
 * migration entries, in every process that maps them. */
int mm_migrate(struct machine *m, int pid, uint64_t va, uint64_t len);
/* /proc/PID/clear_refs: 1 all, 2 anon, 3 mapped, 4 soft-dirty, 5 the
 * RSS high-water mark; -EINVAL for any other value. */
int mm_clear_refs(struct machine *m, int pid, int value);
/* pin_user_pages(FOLL_WRITE) of one page, as direct I/O or RDMA would: the
 * page is faulted in for write and pinned; *pfn is the page. */
int mm_pin_page(struct machine *m, int pid, uint64_t va, uint64_t *pfn);
void mm_unpin_page(struct machine *m, uint64_t pfn);

/* Reclaim of one anon swap-backed page, unmapped from every process:
 * -ENOSPC without swap, -EINVAL for a frame that is not such a page. */
int mm_swap_out(struct machine *m, uint64_t pfn);

/* What a process would read at va without faulting anything in: the
 * page, the swap slot, the page cache or the file; 0 for an anon hole.
 * False when va is not mapped. */
bool mm_peek(struct machine *m, int pid, uint64_t va, uint64_t *value);
/* The frame a process's page maps, 0 when none is present. */
uint64_t mm_page_frame(struct machine *m, int pid, uint64_t va);

/* A user load or store: the MMU walks, the kernel handles what faults. */
enum access_result {
	ACCESS_OK,
	ACCESS_SEGV,
	ACCESS_BUS,
	ACCESS_BLOCKED, /* a write waiting on a uffd-wp fault: its event is queued */
};
enum access_result mm_access(struct machine *m, int pid, uint64_t va, bool write, uint64_t *value);

/* userfaultfd, one context a process (features: UFFD_FEATURE_*); 0 or a
 * negative errno as the ioctls give it. A write that blocks stays queued
 * until an unprotect of its page wakes it; the writes that then complete
 * are taken with mm_uffd_take_completed(). */
int mm_uffd_open(struct machine *m, int pid, unsigned features);
int mm_uffd_register(struct machine *m, int pid, uint64_t va, uint64_t len);
int mm_uffd_unregister(struct machine *m, int pid, uint64_t va, uint64_t len);
int mm_uffd_writeprotect(struct machine *m, int pid, uint64_t va, uint64_t len, bool wp);
/* The queued write-protect event for va's page, taken; false when none. */
bool mm_uffd_take_event(struct machine *m, int pid, uint64_t va);
size_t mm_uffd_take_completed(struct machine *m, int pid, struct uffd_blocked *out, size_t max);

/* PAGEMAP_SCAN (include/uapi/linux/fs.h): categories, flags, arguments */
#define PAGE_IS_WPALLOWED (1u << 0)
#define PAGE_IS_WRITTEN (1u << 1)
#define PAGE_IS_FILE (1u << 2)
#define PAGE_IS_PRESENT (1u << 3)
#define PAGE_IS_SWAPPED (1u << 4)
#define PAGE_IS_PFNZERO (1u << 5)
#define PAGE_IS_HUGE (1u << 6)
#define PAGE_IS_SOFT_DIRTY (1u << 7)
#define PM_SCAN_CATEGORIES 0xffu
#define PM_SCAN_WP_MATCHING (1u << 0)
#define PM_SCAN_CHECK_WPASYNC (1u << 1)

struct page_region {
	uint64_t start, end;
	uint64_t categories;
};

struct pm_scan_arg {
	uint64_t start, end;
	uint64_t walk_end; /* out: where the walk stopped */
	unsigned flags;
	uint64_t max_pages; /* 0: no limit */
	unsigned category_inverted, category_mask, category_anyof_mask, return_mask;
	struct page_region *vec;
	uint64_t vec_len;
};
/* The ioctl on the process's pagemap: the number of regions written to
 * vec, or a negative errno. */
long mm_pagemap_scan(struct machine *m, int pid, struct pm_scan_arg *arg);

/* /proc/PID/pagemap for one page, as CAP_SYS_ADMIN reads it (with the pfn,
 * or the swap type and offset, in bits 0-54). */
uint64_t mm_pagemap(struct machine *m, int pid, uint64_t va);
/* n consecutive pages from va into out[] */
void mm_pagemap_range(struct machine *m, int pid, uint64_t va, uint64_t n, uint64_t *out);

struct vma *find_vma(struct mm *mm, uint64_t va);
pte_t *mm_pte(struct machine *m, struct mm *mm, uint64_t va, bool alloc);
enum fault_result handle_mm_fault(struct machine *m, struct mm *mm, struct vma *vma, uint64_t va,
				  bool write);
/* zap_pte_range() over [start, end) of one VMA */
void zap_range(struct machine *m, struct mm *mm, struct vma *vma, uint64_t start, uint64_t end,
	       bool drop_markers);

#endif
