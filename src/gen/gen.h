/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_GEN_GEN_H
#define PTESIM_GEN_GEN_H

/*
 * Random scenarios over what both the simulator and the live runner do:
 * mmap, munmap, mprotect, madvise, clear_refs, reclaim, reads and writes,
 * fork, as, exit, and pagemap observations; on request also userfaultfd
 * write-protection and PAGEMAP_SCAN, which the live runner does and the
 * simulator does not yet. The generator knows statically which pages
 * each process has mapped, with which protection, registered with its
 * uffd or not and write-protected or not, so every access carries the
 * outcome it must have and every system call the errno it must return: a
 * generated scenario fails only where a side does not behave as Linux
 * does.
 */

#include <stddef.h>
#include <stdint.h>

/* --features: what the generator may use */
#define GEN_ANON (1u << 0)
#define GEN_SHMEM (1u << 1)
#define GEN_FILE (1u << 2)
#define GEN_FORK (1u << 3) /* fork, as, exit */
#define GEN_MPROTECT (1u << 4)
#define GEN_DONTNEED (1u << 5)
#define GEN_MUNMAP (1u << 6)
#define GEN_EXEC (1u << 7) /* rx and rwx among the protections */
#define GEN_CLEAR_REFS (1u << 8)
#define GEN_FREE (1u << 9)    /* madvise free */
#define GEN_PAGEOUT (1u << 10) /* madvise pageout */
#define GEN_COLD (1u << 11)   /* madvise cold */
#define GEN_RECLAIM (1u << 12)
#define GEN_UFFD (1u << 13)   /* uffd open, register, unregister, wp, unwp;
			       * writes that block, their events */
#define GEN_SCAN (1u << 14)   /* scan (PAGEMAP_SCAN) observations */
/* without --features: everything both sides run */
#define GEN_DEFAULT 0x7fffu

#define GEN_MAX_STEPS 100000u

/* "anon,shmem,fork" -> bits; -1 for an unknown name (named in bad, which
 * then holds at most badlen - 1 bytes), or for a list with no backing. */
int gen_features_parse(const char *list, unsigned *features, char *bad, size_t badlen);
/* The names gen_features_parse knows, comma-separated. */
const char *gen_feature_names(void);

/*
 * A scenario of `steps` random operations (pagemap observations and the
 * `as` commands they need come on top), the same text for the same seed,
 * steps and features. Returns a malloc'd NUL-terminated text, or NULL when
 * out of memory.
 */
char *gen_scenario(uint64_t seed, unsigned steps, unsigned features);

#endif
