/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_LIVE_LIVE_UAPI_H
#define PTESIM_LIVE_LIVE_UAPI_H

/*
 * The parts of the kernel's user API for userfaultfd write-protection and
 * PAGEMAP_SCAN that headers older than Linux 6.7 lack: their values are
 * those of include/uapi/linux/userfaultfd.h and include/uapi/linux/fs.h,
 * which do not change.
 */

#include <linux/userfaultfd.h>
#include <stdint.h>
#include <sys/ioctl.h>

#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif

/* struct pm_scan_arg: 12 u64 */
struct live_pm_scan_arg {
	uint64_t size;
	uint64_t flags;
	uint64_t start;
	uint64_t end;
	uint64_t walk_end;
	uint64_t vec;
	uint64_t vec_len;
	uint64_t max_pages;
	uint64_t category_inverted;
	uint64_t category_mask;
	uint64_t category_anyof_mask;
	uint64_t return_mask;
};

#define LIVE_PAGEMAP_IOCTL_MAGIC 'f'
#define LIVE_PAGEMAP_SCAN _IOWR(LIVE_PAGEMAP_IOCTL_MAGIC, 16, struct live_pm_scan_arg)

#endif
