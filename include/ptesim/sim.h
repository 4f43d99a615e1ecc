/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_SIM_H
#define PTESIM_SIM_H

/*
 * A simulated machine with one process, driven from C: map memory, load
 * and store through the simulated MMU and fault handler, read pagemap.
 * Every function returns 0 or a negative errno unless it says otherwise.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ptesim/export.h"
#include "ptesim/layout.h"

typedef struct ptesim_sim ptesim_sim;

/* A machine with one process and a swap device. */
PTESIM_API int ptesim_sim_new(const ptesim_layout *layout, ptesim_sim **out);
PTESIM_API void ptesim_sim_free(ptesim_sim *sim);

/* mmap(PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS) of npages pages;
 * *addr is where. */
PTESIM_API int ptesim_sim_mmap_anon(ptesim_sim *sim, uint64_t npages, uint64_t *addr);
/* A user store or load of the 64-bit value at the start of addr's page:
 * -EFAULT for SIGSEGV or SIGBUS, -EAGAIN for a store that waits on a
 * synchronous uffd-wp fault. */
PTESIM_API int ptesim_sim_write(ptesim_sim *sim, uint64_t addr, uint64_t value);
PTESIM_API int ptesim_sim_read(ptesim_sim *sim, uint64_t addr, uint64_t *value);
/* /proc/self/pagemap's 64-bit entry for addr's page, as root reads it. */
PTESIM_API uint64_t ptesim_sim_pagemap(ptesim_sim *sim, uint64_t addr);

/*
 * Write watching, the GetWriteWatch/ResetWriteWatch pair that PAGEMAP_SCAN
 * was built for, done as Wine does it: userfaultfd with WP_ASYNC, the
 * range registered for write-protect and protected, each query a
 * PAGEMAP_SCAN for written pages, WP_MATCHING when it resets.
 */
/* Start watching [addr, addr + len): every page reads as not written. */
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

#endif
