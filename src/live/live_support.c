/* SPDX-License-Identifier: MIT */
/*
 * What a scenario asks that the kernel of this machine cannot do, or this
 * runner does not do yet, decided before anything runs wherever the text
 * alone tells: a run that stopped half-way would tell less. (One thing
 * shows only on the way: a page that reclaim would have to unmap from more
 * than one mapping, live_exec.c.)
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "live/live_internal.h"
#include "mm/pagemap_bits.h"
#include "live/live_uapi.h"
#include "ptesim/layout.h"

/* This process's pagemap entry for page, 0 when it cannot be read */
static uint64_t self_pagemap(const volatile uint64_t *page)
{
	uint64_t entry = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (pread(fd, &entry, sizeof(entry), (off_t)((uintptr_t)page / LIVE_PAGE * sizeof(entry))) !=
	    (ssize_t)sizeof(entry))
		entry = 0;
	close(fd);
	return entry;
}

/* CONFIG_MEM_SOFT_DIRTY shows in pagemap: a new VMA is soft-dirty
 * (VM_SOFTDIRTY), so its written page is too. */
bool live_kernel_has_soft_dirty(void)
{
	uint64_t entry;
	volatile uint64_t *page = mmap(NULL, LIVE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if ((void *)page == MAP_FAILED)
		return false;
	*page = 1;
	entry = self_pagemap(page);
	munmap((void *)page, LIVE_PAGE);
	return entry & PM_SOFT_DIRTY;
}

/* A read fault on a fresh private anonymous page maps the shared zero
 * page (no THP: its huge zero page has other PFNs). */
uint64_t live_zero_pfn(void)
{
	uint64_t entry = 0;
	volatile uint64_t *page = mmap(NULL, LIVE_PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if ((void *)page == MAP_FAILED)
		return 0;
	if (!madvise((void *)page, LIVE_PAGE, MADV_NOHUGEPAGE) && *page == 0)
		entry = self_pagemap(page);
	munmap((void *)page, LIVE_PAGE);
	return (entry & PM_PRESENT) ? entry & PM_PFRAME_MASK : 0;
}

bool live_may_swap(const struct scn_program *p)
{
	bool pages_out = false, swappable = false;

	for (size_t i = 0; i < p->ncommands; i++) {
		const struct scn_command *c = &p->commands[i];

		if (c->op == SCN_OP_RECLAIM || (c->op == SCN_OP_MADVISE && c->advice == SCN_MADV_PAGEOUT))
			pages_out = true;
		/* anon and shmem pages, and a private file mapping's copies */
		if (c->op == SCN_OP_MMAP && (c->mmap.backing != SCN_FILE || c->mmap.sharing == SCN_PRIVATE))
			swappable = true;
	}
	return pages_out && swappable;
}

bool live_needs_swap(const struct scn_program *p)
{
	return (p->header.requires & SCN_REQ_SWAP) || (p->header.swap && live_may_swap(p));
}

/* /proc/swaps lists a device after its header line */
bool live_kernel_has_swap(void)
{
	FILE *f = fopen("/proc/swaps", "r");
	char line[512];
	int lines = 0;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		lines++;
	fclose(f);
	return lines > 1;
}

/* A userfaultfd as the runner opens one: 0 or a negative errno. */
static int probe_uffd(uint64_t features, uint64_t *offered)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK), rc = 0;

	if (fd < 0 && errno == EPERM)
		fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, UFFDIO_API, &api))
		rc = -errno;
	else if (offered)
		*offered = api.features;
	close(fd);
	return rc;
}

/* What the userfaultfd of this kernel offers (UFFDIO_API answers with
 * every feature it has), or why it offers nothing: NULL or the reason. */
static const char *uffd_offers(uint64_t *offered)
{
	int rc = probe_uffd(0, offered);

	if (rc == -ENOSYS)
		return "the kernel has no userfaultfd";
	if (rc)
		return "userfaultfd cannot be opened here";
	return NULL;
}

static const struct {
	uint64_t feature;
	const char *name;
} uffd_feature_names[] = {
	{ UFFD_FEATURE_PAGEFAULT_FLAG_WP, "write-protection (UFFD_FEATURE_PAGEFAULT_FLAG_WP)" },
	{ UFFD_FEATURE_EVENT_FORK, "UFFD_FEATURE_EVENT_FORK" },
	{ UFFD_FEATURE_WP_HUGETLBFS_SHMEM, "UFFD_FEATURE_WP_HUGETLBFS_SHMEM" },
	{ UFFD_FEATURE_WP_UNPOPULATED, "UFFD_FEATURE_WP_UNPOPULATED" },
	{ UFFD_FEATURE_WP_ASYNC, "UFFD_FEATURE_WP_ASYNC" },
};

/* NULL when the kernel's userfaultfd has every feature of want, else why not. */
static const char *uffd_lacks(uint64_t want, char *buf, size_t size)
{
	uint64_t offered = 0;
	const char *why = uffd_offers(&offered);

	if (why)
		return why;
	for (size_t i = 0; i < sizeof(uffd_feature_names) / sizeof(uffd_feature_names[0]); i++)
		if ((want & uffd_feature_names[i].feature) && !(offered & uffd_feature_names[i].feature)) {
			snprintf(buf, size, "the kernel's userfaultfd has no %s", uffd_feature_names[i].name);
			return buf;
		}
	/* offered to CAP_SYS_PTRACE only */
	if ((want & UFFD_FEATURE_EVENT_FORK) && probe_uffd(UFFD_FEATURE_EVENT_FORK, NULL) == -EPERM)
		return "uffd open event-fork needs CAP_SYS_PTRACE";
	return NULL;
}

/* PAGEMAP_SCAN answers a scan of a page of this process (Linux 6.7+). */
static bool kernel_has_pagemap_scan(void)
{
	void *page = mmap(NULL, LIVE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct live_pm_scan_arg arg = { .size = sizeof(arg), .return_mask = 0xff };
	int fd;
	long rc = -1;

	if (page == MAP_FAILED)
		return false;
	arg.start = (uint64_t)(uintptr_t)page;
	arg.end = arg.start + LIVE_PAGE;
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		rc = ioctl(fd, LIVE_PAGEMAP_SCAN, &arg);
		close(fd);
	}
	munmap(page, LIVE_PAGE);
	return rc >= 0;
}

static int machine_arch(void)
{
	struct utsname u;

	if (uname(&u))
		return 0;
	if (!strcmp(u.machine, "x86_64"))
		return PTESIM_ARCH_X86_64;
	if (!strcmp(u.machine, "aarch64"))
		return PTESIM_ARCH_ARM64;
	return 0;
}

/* The file's layout line names a layout of this machine's architecture
 * (no layout line: every layout). */
static bool layouts_fit(const struct scn_program *p, int arch)
{
	if (p->header.all_layouts || !p->header.nlayouts)
		return true;
	for (size_t i = 0; i < p->header.nlayouts; i++) {
		const ptesim_layout *L = ptesim_layout_find(p->header.layouts[i]);

		if (L && (int)ptesim_layout_arch(L) == arch)
			return true;
	}
	return false;
}

static const char *header_unsupported(const struct scn_program *p, char *buf, size_t size)
{
	int arch = machine_arch();

	if (sysconf(_SC_PAGESIZE) != (long)LIVE_PAGE)
		return "the kernel's pages are not 4 KiB";
	if (!arch)
		return "no layout describes this machine's architecture";
	if ((p->header.requires & SCN_REQ_SOFT_DIRTY) && !live_kernel_has_soft_dirty())
		return "requires soft-dirty";
	if ((p->header.requires & SCN_REQ_UFFD_WP) && uffd_lacks(UFFD_FEATURE_PAGEFAULT_FLAG_WP, buf, size))
		return "requires uffd-wp";
	/* with none, root enables a swap file for the run (live_run) */
	if ((p->header.requires & SCN_REQ_SWAP) && !p->header.swap)
		return "requires swap";
	if (live_needs_swap(p) && geteuid() != 0 && !live_kernel_has_swap())
		return "requires swap";
	/* reclaim would send anon or shmem pages to swap that the scenario
	 * says does not exist; the kernel cannot hide its swap from one
	 * process */
	if (!p->header.swap && live_may_swap(p) && live_kernel_has_swap())
		return "swap off, but this kernel has swap enabled";
	if (!p->header.hafdbs)
		return arch == PTESIM_ARCH_X86_64 ? "hafdbs off: x86 always updates A and D in hardware"
						  : "hafdbs off: the kernel does not turn it off for one process";
	if (!layouts_fit(p, arch)) {
		snprintf(buf, size, "the layout line names no %s layout",
			 arch == PTESIM_ARCH_X86_64 ? "x86_64" : "arm64");
		return buf;
	}
	return NULL;
}

/* What the run asks of the kernel's userfaultfd and PAGEMAP_SCAN, found
 * on the way through its commands. */
struct wants {
	bool soft_dirty_known, soft_dirty;
	bool uffd;         /* any uffd command, or a write that may block */
	uint64_t features; /* of every uffd open */
	bool scan;
};

static const char *command_unsupported(const struct scn_command *c, struct wants *w)
{
	switch (c->op) {
	case SCN_OP_PTE:
	case SCN_OP_EXPECT_PTE:
		return "the kernel does not show PTEs";
	case SCN_OP_MIGRATE:
		return "migrate: no system call migrates a page in place";
	case SCN_OP_CRIU_DUMP:
		if (!w->soft_dirty_known) {
			w->soft_dirty = live_kernel_has_soft_dirty();
			w->soft_dirty_known = true;
		}
		return w->soft_dirty ? "not implemented: criu" : "criu dump needs soft-dirty";
	case SCN_OP_SCAN:
	case SCN_OP_EXPECT_SCAN:
		w->scan = true;
		if (c->range.count > LIVE_SCAN_MAX)
			return "scan of more pages than the runner's vector holds (" LIVE_SCAN_MAX_TEXT ")";
		return NULL;
	case SCN_OP_UFFD_OPEN:
		w->features |= c->uffd_features;
		w->uffd = true;
		return NULL;
	case SCN_OP_UFFD_REGISTER:
		/* write-protection is the mode the language has */
		w->features |= UFFD_FEATURE_PAGEFAULT_FLAG_WP;
		w->uffd = true;
		return NULL;
	case SCN_OP_UFFD_UNREGISTER:
	case SCN_OP_UFFD_WP:
	case SCN_OP_UFFD_UNWP:
	case SCN_OP_EXPECT_EVENT:
	case SCN_OP_EXPECT_NO_EVENT:
		w->uffd = true;
		return NULL;
	case SCN_OP_WRITE:
		w->uffd |= c->access.outcome == SCN_OUTCOME_BLOCKED;
		return NULL;
	default:
		return NULL;
	}
}

const char *live_unsupported(const struct scn_program *p, char *buf, size_t size)
{
	struct wants w = { 0 };
	const char *why = header_unsupported(p, buf, size);

	for (size_t i = 0; !why && i < p->ncommands; i++)
		why = command_unsupported(&p->commands[i], &w);
	/* the kernel is asked once, for everything the commands use */
	if (!why && w.uffd)
		why = uffd_lacks(w.features, buf, size);
	if (!why && w.scan && !kernel_has_pagemap_scan())
		why = "the kernel has no PAGEMAP_SCAN";
	return why;
}
