/* SPDX-License-Identifier: MIT */
/* ptesim bench, the live kernel's side: the same work on real memory. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/bench.h"
#include "live/live_uapi.h"

double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* UFFDIO_WRITEPROTECT of the whole range (WP_ASYNC), then a PAGEMAP_SCAN
 * for written pages over it; the registration is undone after */
static void bench_kernel_uffd(char *p, size_t len, double kernel_ns[OP_COUNT])
{
	int uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_WP_ASYNC };
	struct uffdio_register reg = { .range = { (uintptr_t)p, len }, .mode = UFFDIO_REGISTER_MODE_WP };
	struct uffdio_writeprotect wp = { .range = { (uintptr_t)p, len }, .mode = UFFDIO_WRITEPROTECT_MODE_WP };
	struct page_region_out {
		uint64_t start, end, categories;
	} region;
	struct live_pm_scan_arg scan = { .size = sizeof(scan), .start = (uintptr_t)p, .end = (uintptr_t)p + len,
					 .vec = (uintptr_t)&region, .vec_len = 1, .category_mask = 1u << 1,
					 .return_mask = 1u << 1 };
	int fd;
	double t;

	if (uffd < 0)
		return;
	if (ioctl(uffd, UFFDIO_API, &api) || ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		close(uffd);
		return;
	}
	t = bench_now_ns();
	if (ioctl(uffd, UFFDIO_WRITEPROTECT, &wp) == 0)
		kernel_ns[OP_UFFD_WP] = bench_now_ns() - t;
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd >= 0) {
		t = bench_now_ns();
		if (ioctl(fd, LIVE_PAGEMAP_SCAN, &scan) >= 0)
			kernel_ns[OP_SCAN] = bench_now_ns() - t;
		close(fd);
	}
	ioctl(uffd, UFFDIO_UNREGISTER, &reg.range);
	close(uffd);
}

int bench_kernel(uint64_t pages, double kernel_ns[OP_COUNT])
{
	size_t len = (size_t)(pages * BENCH_PAGE_SIZE);
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t *buf;
	double t;
	pid_t child;
	int fd, status;

	if (p == MAP_FAILED)
		return -errno;
	madvise(p, len, MADV_NOHUGEPAGE); /* 4 KiB pages, as simulated */
	t = bench_now_ns();
	for (uint64_t i = 0; i < pages; i++)
		p[i * BENCH_PAGE_SIZE] = 1;
	kernel_ns[OP_POPULATE] = bench_now_ns() - t;
	t = bench_now_ns();
	child = fork();
	if (child == 0)
		_exit(0);
	kernel_ns[OP_FORK] = bench_now_ns() - t;
	if (child < 0 || waitpid(child, &status, 0) < 0)
		return -errno;
	t = bench_now_ns();
	mprotect(p, len, PROT_READ);
	kernel_ns[OP_MPROTECT_RO] = bench_now_ns() - t;
	t = bench_now_ns();
	mprotect(p, len, PROT_READ | PROT_WRITE);
	kernel_ns[OP_MPROTECT_RW] = bench_now_ns() - t;
	fd = open("/proc/self/pagemap", O_RDONLY);
	buf = malloc(pages * sizeof(*buf));
	if (fd >= 0 && buf) {
		if (pread(fd, buf, pages * sizeof(*buf), (off_t)((uintptr_t)p / BENCH_PAGE_SIZE * 8)) < 0)
			memset(buf, 0, pages * sizeof(*buf));
		t = bench_now_ns();
		if (pread(fd, buf, pages * sizeof(*buf), (off_t)((uintptr_t)p / BENCH_PAGE_SIZE * 8)) < 0)
			t = -1;
		kernel_ns[OP_PAGEMAP] = t < 0 ? 0 : bench_now_ns() - t;
	}
	free(buf);
	if (fd >= 0)
		close(fd);
	bench_kernel_uffd(p, len, kernel_ns);
	/* value 4 walks every entry even without soft-dirty (the helpers are
	 * empty then), so the figure is the walk's */
	fd = open("/proc/self/clear_refs", O_WRONLY);
	if (fd >= 0) {
		t = bench_now_ns();
		if (write(fd, "4", 1) == 1)
			kernel_ns[OP_CLEAR_REFS] = bench_now_ns() - t;
		close(fd);
	}
	t = bench_now_ns();
	if (madvise(p, len, MADV_FREE) == 0)
		kernel_ns[OP_FREE] = bench_now_ns() - t;
	t = bench_now_ns();
	if (madvise(p, len, MADV_PAGEOUT) == 0)
		kernel_ns[OP_RECLAIM] = bench_now_ns() - t;
	for (uint64_t i = 0; i < pages; i++)
		p[i * BENCH_PAGE_SIZE] = 1;
	t = bench_now_ns();
	madvise(p, len, MADV_DONTNEED);
	kernel_ns[OP_DONTNEED] = bench_now_ns() - t;
	munmap(p, len);
	return 0;
}

