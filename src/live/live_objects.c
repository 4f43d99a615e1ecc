/* SPDX-License-Identifier: MIT */
/* The backing objects of a live run: a memfd per shmem:OBJ, an unnamed
 * regular file per file:OBJ. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create, O_TMPFILE, mkostemp */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "live/live_internal.h"

/* the largest mapping of object obj, in pages */
static uint64_t object_pages(const struct scn_program *p, uint32_t obj)
{
	uint64_t pages = 0;

	for (size_t i = 0; i < p->ncommands; i++) {
		const struct scn_command *c = &p->commands[i];

		if (c->op == SCN_OP_MMAP && c->mmap.backing != SCN_ANON && c->mmap.object == obj &&
		    c->mmap.npages > pages)
			pages = c->mmap.npages;
	}
	return pages;
}

static int shmem_object(const char *name, uint64_t pages, int *fd)
{
	char label[64];

	snprintf(label, sizeof(label), "ptesim-%s", name);
	*fd = memfd_create(label, MFD_CLOEXEC);
	if (*fd < 0)
		return -errno;
	/* shmem has no holes to fear: a page not yet there reads as zeros */
	return ftruncate(*fd, (off_t)(pages * LIVE_PAGE)) ? -errno : 0;
}

/* Unnamed from the start, so that nothing is left behind however the run
 * ends; a file system without O_TMPFILE gets a name removed at once. */
static int unnamed_file(void)
{
	char path[] = LIVE_FILE_DIR "/ptesim-live-XXXXXX";
	int fd = open(LIVE_FILE_DIR, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

/* Whether no page of the file is in the page cache, by mincore() on a
 * mapping of it (a mapping maps nothing by itself). */
static int file_uncached(int fd, uint64_t pages, bool *uncached)
{
	unsigned char vec[256];
	size_t len = (size_t)(pages * LIVE_PAGE);
	unsigned char *p;

	*uncached = true;
	if (!pages)
		return 0;
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	for (uint64_t i = 0; i < pages && *uncached; i += sizeof(vec)) {
		size_t n = pages - i < sizeof(vec) ? (size_t)(pages - i) : sizeof(vec);

		if (mincore(p + i * LIVE_PAGE, n * LIVE_PAGE, vec)) {
			munmap(p, len);
			return -errno;
		}
		for (size_t j = 0; j < n; j++)
			if (vec[j] & 1)
				*uncached = false;
	}
	munmap(p, len);
	return 0;
}

static int file_object(uint64_t pages, int *fd)
{
	static const char zeros[LIVE_PAGE];
	bool uncached = false;
	int rc;

	*fd = unnamed_file();
	if (*fd < 0)
		return -errno;
	/*
	 * The simulator's file starts as zeros on disk with nothing in the
	 * page cache. ftruncate would leave holes, which fault in
	 * differently, so every page is written (one page per write, order-0
	 * folios) and synced; then the clean pages leave the page cache.
	 * Otherwise the first read fault would map the cached neighbours of
	 * the page (fault-around) where the simulator has none to map.
	 */
	for (uint64_t i = 0; i < pages; i++) {
		ssize_t n = pwrite(*fd, zeros, sizeof(zeros), (off_t)(i * LIVE_PAGE));

		if (n < 0)
			return -errno;
		if ((size_t)n != sizeof(zeros))
			return -EIO;
	}
	if (fsync(*fd))
		return -errno;
	/* a page still on its way to the LRU may stay: try a few times */
	for (int tries = 0; tries < 5 && !uncached; tries++) {
		rc = posix_fadvise(*fd, 0, 0, POSIX_FADV_DONTNEED);
		if (rc)
			return -rc;
		rc = file_uncached(*fd, pages, &uncached);
		if (rc)
			return rc;
	}
	return uncached ? 0 : -EBUSY;
}

int live_objects_create(const struct scn_program *p, int *fds, char *err, size_t size)
{
	for (size_t i = 0; i < p->nobjects; i++)
		fds[i] = -1;
	for (size_t i = 0; i < p->nobjects; i++) {
		const struct scn_object *o = &p->objects[i];
		uint64_t pages = object_pages(p, (uint32_t)i);
		int rc = o->kind == SCN_SHMEM ? shmem_object(o->name, pages, &fds[i]) : file_object(pages, &fds[i]);

		if (rc) {
			snprintf(err, size, "cannot create %s:%s%s: %s", o->kind == SCN_SHMEM ? "shmem" : "file",
				 o->name, o->kind == SCN_SHMEM ? "" : " in " LIVE_FILE_DIR,
				 rc == -EBUSY ? "its pages stay in the page cache" : strerror(-rc));
			live_objects_close(fds, p->nobjects);
			for (size_t j = 0; j < p->nobjects; j++)
				fds[j] = -1;
			return rc;
		}
	}
	return 0;
}

void live_objects_close(const int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}
