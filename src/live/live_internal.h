/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_LIVE_LIVE_INTERNAL_H
#define PTESIM_LIVE_LIVE_INTERNAL_H

/*
 * The parts of the live runner: the controller (live_run.c) talks to one
 * worker process per scenario process (live_worker.c) over a SOCK_SEQPACKET
 * socket pair each (live_proto.c), in requests and replies of fixed size.
 * A socket rather than a pipe: it carries a message per request, both
 * directions, and the descriptor of a new child's socket (SCM_RIGHTS), so
 * that no other process ever holds a worker's end and its exit shows as
 * end-of-file.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "scenario/program.h"

#define LIVE_PAGE UINT64_C(4096)

/* ---- protocol ---------------------------------------------------------- */

enum live_op {
	LIVE_HELLO,    /* reply only: a worker is ready */
	LIVE_MMAP,     /* clear [hole, hole + hole_len), then map [addr, addr + len) there */
	LIVE_MUNMAP,
	LIVE_MPROTECT,
	LIVE_MADVISE,  /* advice: MADV_DONTNEED, MADV_FREE, MADV_PAGEOUT, MADV_COLD */
	LIVE_READ,     /* the uint64_t at addr */
	LIVE_WRITE,    /* value to the uint64_t at addr */
	LIVE_PAGEMAP,  /* len / LIVE_PAGE entries from addr, at most LIVE_PAGEMAP_MAX */
	LIVE_FORK,     /* with the child's socket as SCM_RIGHTS */
	LIVE_EXIT,     /* no reply: the worker exits */
	LIVE_CLEAR_REFS, /* value (1-4) to /proc/self/clear_refs */
	LIVE_RECLAIM,  /* MADV_PAGEOUT of [addr, addr + len) unless a page there is
			* mapped more than once (value: the zero page's PFN, 0 when
			* unknown); see LIVE_RECLAIM_* */
	LIVE_UFFD_OPEN,       /* userfaultfd() and UFFDIO_API with features value
			       * (UFFDIO_API again on the process's uffd when it has one) */
	LIVE_UFFD_REGISTER,   /* UFFDIO_REGISTER of [addr, addr + len), mode value */
	LIVE_UFFD_UNREGISTER, /* UFFDIO_UNREGISTER of [addr, addr + len) */
	LIVE_UFFD_WP,         /* UFFDIO_WRITEPROTECT of [addr, addr + len), MODE_WP
			       * when value is 1; see struct live_reply for the writes
			       * an unprotect wakes */
	LIVE_UFFD_ADOPT,      /* the descriptor sent with it is the process's uffd,
			       * opened with features value (a fork child's, from
			       * UFFD_EVENT_FORK) */
	LIVE_EVENT,           /* take the first queued uffd-wp event for page addr:
			       * n 1 when there was one; addr 0: n is how many
			       * events are queued, value the first one's address */
	LIVE_SCAN,            /* PAGEMAP_SCAN of [addr, addr + len) with scan: n
			       * regions, value walk_end, the first of the regions */
	LIVE_SCAN_MORE,       /* the last scan's regions from index value on */
};

/* A write's reply in a process with a synchronous uffd (n); the write is
 * made by a thread of its own, which a uffd-wp fault leaves waiting. */
#define LIVE_WRITE_DONE 0u    /* completed, or took signal */
#define LIVE_WRITE_BLOCKED 1u /* waiting, with a uffd-wp event for its page
			       * queued; value: the writer's slot */
#define LIVE_WRITE_STUCK 2u   /* neither, within LIVE_BLOCK_WAIT_MS */

/* Writes that may wait at once in one process, and how long a worker
 * waits for a write to complete or to raise its uffd-wp event, or for a
 * woken one to complete. */
#define LIVE_WRITERS 8u
#define LIVE_BLOCK_WAIT_MS 2000
/* uffd events one process holds until `expect event` takes them */
#define LIVE_EVENTS_MAX 256u
/* The largest scan: its vector holds a region per page. */
#define LIVE_SCAN_MAX 4096u
#define LIVE_SCAN_MAX_TEXT "4096"

/* A reclaim's reply: n says whether MADV_PAGEOUT ran (err its errno) or
 * which page stopped it (value: its index from addr). */
#define LIVE_RECLAIM_DONE 0u
#define LIVE_RECLAIM_SHARED 1u  /* present, not exclusive, not the zero page */
#define LIVE_RECLAIM_UNSURE 2u  /* present and not exclusive, and its PFN unreadable
				 * (no CAP_SYS_ADMIN): the zero page or shared */

struct live_request {
	uint32_t op;    /* enum live_op */
	int32_t fd;     /* mmap: the backing object's descriptor, -1 for anon */
	int32_t prot;   /* mmap, mprotect: PROT_* */
	int32_t flags;  /* mmap: MAP_SHARED or MAP_PRIVATE, MAP_ANONYMOUS */
	int32_t no_readahead; /* mmap: MADV_RANDOM, for a regular file */
	int32_t advice;       /* madvise: MADV_* */
	uint64_t addr, len;
	uint64_t hole, hole_len;
	uint64_t value;
	struct {                 /* scan: struct pm_scan_arg's choices */
		uint64_t flags, max_pages;
		uint64_t inverted, mask, anyof, ret;
	} scan;
};

#define LIVE_PAGEMAP_MAX 256u

/* struct page_region of PAGEMAP_SCAN */
struct live_region {
	uint64_t start, end, categories;
};
#define LIVE_REGIONS_PER_REPLY (LIVE_PAGEMAP_MAX * sizeof(uint64_t) / sizeof(struct live_region))

struct live_reply {
	uint32_t op;         /* the request's, LIVE_HELLO for a new worker */
	int32_t err;         /* the system call's errno, 0 when it succeeded */
	int32_t harness_err; /* errno of the worker's own work around the call
			      * (clearing a slot, opening pagemap): not a result */
	int32_t signal;      /* read, write: 0, SIGSEGV or SIGBUS */
	uint64_t value;      /* read; reclaim: the page that stopped it */
	uint32_t n;          /* pagemap entries; reclaim: LIVE_RECLAIM_* */
	/* uffd unwp: the writers (bits by slot) whose page it unprotected and
	 * that then completed, of those the ones that took a signal, the ones
	 * that waited again (a new event), and the ones that did neither in
	 * time */
	uint32_t woken_done, woken_signal, woken_again, woken_stuck;
	union {
		uint64_t pagemap[LIVE_PAGEMAP_MAX];
		struct live_region regions[LIVE_REGIONS_PER_REPLY]; /* scan */
	};
};

/* 0 or a negative errno; a peer that is gone gives -EPIPE. */
int live_send(int sock, const void *msg, size_t size, int fd);
/*
 * Wait until deadline (CLOCK_MONOTONIC) for one message of exactly size
 * bytes; a descriptor that came with it goes to *fd (-1 when none; fd may
 * be NULL to refuse one). 0, -ETIMEDOUT, -EPIPE at end-of-file, -EPROTO
 * for a message of another size, or a negative errno.
 */
int live_recv(int sock, void *msg, size_t size, int *fd, const struct timespec *deadline);
/* Wait until deadline for the peer to close its end: 0 or -ETIMEDOUT
 * (-EPROTO when it sends something instead). */
int live_wait_closed(int sock, const struct timespec *deadline);

/* The worker's loop, in a freshly forked process; never returns. keep[]
 * are the descriptors it must keep besides sock (the backing objects). */
_Noreturn void live_worker(int sock, const int *keep, size_t nkeep);

/* ---- address space ----------------------------------------------------- */

/*
 * Where each region lives, the same in every process: region r gets a slot
 * of its own, 2 MiB aligned and larger than its largest mapping by at least
 * two pages, and is mapped one page into it, so that unmapped pages keep
 * every two regions apart and their VMAs never merge. The slots are carved
 * out of one PROT_NONE reservation that the first process inherits; a
 * region's slot is unmapped just before the region is mapped into it.
 */
struct live_space {
	uint64_t base, size;
	uint64_t *slot;     /* [region]: offset of its slot from base */
	uint64_t *slot_len; /* [region] */
	size_t nregions;
	bool reserved;      /* in this process */
};

/* 0, -ENOMEM, or -E2BIG when the slots do not fit in an address space. */
int live_space_plan(struct live_space *s, const struct scn_program *p);
/* Reserve the slots in this process: 0 or a negative errno. */
int live_space_reserve(struct live_space *s);
/* Drop this process's reservation (a forked process keeps its copy). */
void live_space_unreserve(struct live_space *s);
void live_space_free(struct live_space *s);
static inline uint64_t live_region_addr(const struct live_space *s, uint32_t region)
{
	return s->base + s->slot[region] + LIVE_PAGE;
}

/* ---- backing objects --------------------------------------------------- */

/*
 * One descriptor per object of the program, sized to its largest mapping:
 * a memfd for shmem:OBJ; for file:OBJ an unnamed regular file in
 * LIVE_FILE_DIR that starts as the simulator's file does: zeros on disk
 * (written, no holes) and nothing in the page cache. Its mappings get
 * MADV_RANDOM, so that a fault reads in its own page only, as an order-0
 * folio, where readahead would bring in (large) neighbours that the
 * simulator does not have. fds[] gets -1 for every object on failure. 0
 * or a negative errno with a message in err.
 */
#define LIVE_FILE_DIR "/var/tmp"
int live_objects_create(const struct scn_program *p, int *fds, char *err, size_t size);
/* Close this process's descriptors (the numbers stay in fds[]). */
void live_objects_close(const int *fds, size_t n);

/* ---- swap ---------------------------------------------------------------- */

/* A swap file enabled for one run (live_swap.c). */
struct live_swap {
	pid_t janitor; /* the process that owns the file; 0: none */
	int sock;      /* the controller's end to it; closing it ends the file */
	bool enabled;
	char path[64];
};

/*
 * The lock that runs which may swap hold for their whole length, on this
 * machine (network namespace): a descriptor to close to release it, once
 * taken before deadline, or a negative errno (-ETIMEDOUT: another run
 * held it all that time).
 */
int live_swap_lock(const struct timespec *deadline);
void live_swap_init(struct live_swap *s);
/*
 * Make a swap file of bytes (a multiple of LIVE_PAGE) in LIVE_FILE_DIR,
 * named uniquely, mode 0600, and enable it: 0, or a negative errno with a
 * message in err and nothing left behind. Needs CAP_SYS_ADMIN. Whatever
 * happens to the caller afterwards, the file is disabled and removed when
 * live_swap_disable() closes its end, or when the caller dies; the
 * process that does it holds lock (live_swap_lock()) until then.
 */
int live_swap_enable(struct live_swap *s, int lock, uint64_t bytes, const struct timespec *deadline, char *err,
		     size_t size);
/* Disable and remove it, and wait until that is done: 0, or -EBUSY when
 * swapoff failed and the file stays enabled under its name. */
int live_swap_disable(struct live_swap *s);

/* ---- what the kernel can run ------------------------------------------- */

/*
 * Whether the program can run here: NULL, or the reason it cannot (written
 * into buf) for the first thing it asks that this kernel cannot do or this
 * runner does not do yet, header first, then commands in order, then what
 * its commands ask of the kernel's userfaultfd (the features of its uffd
 * opens, write-protection) and PAGEMAP_SCAN, probed once each.
 */
const char *live_unsupported(const struct scn_program *p, char *buf, size_t size);

/* CONFIG_MEM_SOFT_DIRTY, as pagemap shows it. */
bool live_kernel_has_soft_dirty(void);
/* /proc/swaps lists a device. */
bool live_kernel_has_swap(void);
/* Whether a page of p may go to swap: p reclaims or pages out, and maps
 * something whose pages can be swapped (anything but a shared file). */
bool live_may_swap(const struct scn_program *p);
/* Whether the run needs a swap device: it requires one, or may swap with
 * its header's `swap on`. */
bool live_needs_swap(const struct scn_program *p);
/* The shared zero page's PFN as pagemap shows it to this process: 0 when
 * it shows none (no CAP_SYS_ADMIN) or cannot be read. */
uint64_t live_zero_pfn(void);

#endif
