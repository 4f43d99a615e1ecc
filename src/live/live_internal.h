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
#include <time.h>

#include "scenario/program.h"

#define LIVE_PAGE UINT64_C(4096)

/* ---- protocol ---------------------------------------------------------- */

enum live_op {
	LIVE_HELLO,    /* reply only: a worker is ready */
	LIVE_MMAP,     /* clear [hole, hole + hole_len), then map [addr, addr + len) there */
	LIVE_MUNMAP,
	LIVE_MPROTECT,
	LIVE_MADVISE,  /* MADV_DONTNEED */
	LIVE_READ,     /* the uint64_t at addr */
	LIVE_WRITE,    /* value to the uint64_t at addr */
	LIVE_PAGEMAP,  /* len / LIVE_PAGE entries from addr, at most LIVE_PAGEMAP_MAX */
	LIVE_FORK,     /* with the child's socket as SCM_RIGHTS */
	LIVE_EXIT,     /* no reply: the worker exits */
};

struct live_request {
	uint32_t op;    /* enum live_op */
	int32_t fd;     /* mmap: the backing object's descriptor, -1 for anon */
	int32_t prot;   /* mmap, mprotect: PROT_* */
	int32_t flags;  /* mmap: MAP_SHARED or MAP_PRIVATE, MAP_ANONYMOUS */
	int32_t no_readahead; /* mmap: MADV_RANDOM, for a regular file */
	uint64_t addr, len;
	uint64_t hole, hole_len;
	uint64_t value;
};

#define LIVE_PAGEMAP_MAX 256u

struct live_reply {
	uint32_t op;         /* the request's, LIVE_HELLO for a new worker */
	int32_t err;         /* the system call's errno, 0 when it succeeded */
	int32_t harness_err; /* errno of the worker's own work around the call
			      * (clearing a slot, opening pagemap): not a result */
	int32_t signal;      /* read, write: 0, SIGSEGV or SIGBUS */
	uint64_t value;      /* read */
	uint32_t n;          /* pagemap entries */
	uint64_t pagemap[LIVE_PAGEMAP_MAX];
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

/* ---- what the kernel can run ------------------------------------------- */

/*
 * Whether the program can run here: NULL, or the reason it cannot (written
 * into buf) for the first thing it asks that this kernel cannot do or this
 * runner does not do yet, header first, then commands in order.
 */
const char *live_unsupported(const struct scn_program *p, char *buf, size_t size);

#endif
