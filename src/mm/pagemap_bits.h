/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_MM_PAGEMAP_BITS_H
#define PTESIM_MM_PAGEMAP_BITS_H

/* The bits of a /proc/PID/pagemap entry (Documentation/admin-guide/mm/
 * pagemap.rst): the simulator writes them, kernel-run reads them. */

#include <stdint.h>

#define PM_PFRAME_MASK ((UINT64_C(1) << 55) - 1)
#define PM_SOFT_DIRTY (UINT64_C(1) << 55)
#define PM_MMAP_EXCLUSIVE (UINT64_C(1) << 56)
#define PM_UFFD_WP (UINT64_C(1) << 57)
#define PM_FILE (UINT64_C(1) << 61)
#define PM_SWAP (UINT64_C(1) << 62)
#define PM_PRESENT (UINT64_C(1) << 63)

#endif
