/* SPDX-License-Identifier: MIT */
/*
 * The words of the scenario language (SCENARIO-LANGUAGE.md) and the errno
 * names a system-call command may expect.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "scenario/vocab.h"

/* Only the five protections the language defines; r, w, x alone or wx are
 * not words of version 1. */
const struct vocab_word vocab_prot[] = {
	{ "none", 0 },
	{ "r", SCN_PROT_READ },
	{ "rw", SCN_PROT_READ | SCN_PROT_WRITE },
	{ "rx", SCN_PROT_READ | SCN_PROT_EXEC },
	{ "rwx", SCN_PROT_READ | SCN_PROT_WRITE | SCN_PROT_EXEC },
	{ NULL, 0 },
};

const struct vocab_word vocab_sharing[] = {
	{ "private", SCN_PRIVATE },
	{ "shared", SCN_SHARED },
	{ NULL, 0 },
};

const struct vocab_word vocab_advice[] = {
	{ "free", SCN_MADV_FREE },
	{ "dontneed", SCN_MADV_DONTNEED },
	{ "pageout", SCN_MADV_PAGEOUT },
	{ "cold", SCN_MADV_COLD },
	{ NULL, 0 },
};

const struct vocab_word vocab_outcome[] = {
	{ "ok", SCN_OUTCOME_OK },
	{ "segv", SCN_OUTCOME_SEGV },
	{ "blocked", SCN_OUTCOME_BLOCKED },
	{ NULL, 0 },
};

const struct vocab_word vocab_clear_refs[] = {
	{ "soft-dirty", SCN_CLEAR_SOFT_DIRTY },
	{ "all", SCN_CLEAR_ALL },
	{ "anon", SCN_CLEAR_ANON },
	{ "mapped", SCN_CLEAR_MAPPED },
	{ NULL, 0 },
};

const struct vocab_word vocab_uffd_feature[] = {
	{ "async", SCN_UFFD_FEATURE_WP_ASYNC },
	{ "unpopulated", SCN_UFFD_FEATURE_WP_UNPOPULATED },
	{ "event-fork", SCN_UFFD_FEATURE_EVENT_FORK },
	{ "shmem-hugetlbfs", SCN_UFFD_FEATURE_WP_HUGETLBFS_SHMEM },
	{ NULL, 0 },
};

const struct vocab_word vocab_uffd_mode[] = {
	{ "wp", SCN_UFFD_MODE_WP },
	{ NULL, 0 },
};

/* PAGE_IS_* in bit order */
const struct vocab_word vocab_category[] = {
	{ "wpallowed", SCN_CAT_WPALLOWED },
	{ "written", SCN_CAT_WRITTEN },
	{ "file", SCN_CAT_FILE },
	{ "present", SCN_CAT_PRESENT },
	{ "swapped", SCN_CAT_SWAPPED },
	{ "pfnzero", SCN_CAT_PFNZERO },
	{ "huge", SCN_CAT_HUGE },
	{ "soft-dirty", SCN_CAT_SOFT_DIRTY },
	{ NULL, 0 },
};

const struct vocab_word vocab_pagemap_key[] = {
	{ "present", SCN_PM_PRESENT },
	{ "swap", SCN_PM_SWAP },
	{ "file", SCN_PM_FILE },
	{ "exclusive", SCN_PM_EXCLUSIVE },
	{ "uffd-wp", SCN_PM_UFFD_WP },
	{ "soft-dirty", SCN_PM_SOFT_DIRTY },
	{ NULL, 0 },
};

const struct vocab_word vocab_requires[] = {
	{ "soft-dirty", SCN_REQ_SOFT_DIRTY },
	{ "uffd-wp", SCN_REQ_UFFD_WP },
	{ "hafdbs", SCN_REQ_HAFDBS },
	{ "swap", SCN_REQ_SWAP },
	{ NULL, 0 },
};

const struct vocab_word vocab_violation[] = {
	{ "pte-encoding", SCN_V_PTE_ENCODING },
	{ "memory-model", SCN_V_MEMORY_MODEL },
	{ "soft-dirty-lost", SCN_V_SOFT_DIRTY_LOST },
	{ "criu-image-stale", SCN_V_CRIU_IMAGE_STALE },
	{ "uffd-wp-missed", SCN_V_UFFD_WP_MISSED },
	{ "hw-write-untracked", SCN_V_HW_WRITE_UNTRACKED },
	{ "lazyfree-data-loss", SCN_V_LAZYFREE_DATA_LOSS },
	{ "dirty-data-loss", SCN_V_DIRTY_DATA_LOSS },
	{ "refcount", SCN_V_REFCOUNT },
	{ NULL, 0 },
};

const struct vocab_word vocab_event[] = {
	{ "uffd-wp", SCN_EVENT_UFFD_WP },
	{ NULL, 0 },
};

const struct vocab_word *vocab_find(const struct vocab_word *table, const char *name)
{
	for (; table->name; table++)
		if (!strcmp(table->name, name))
			return table;
	return NULL;
}

const char *vocab_name(const struct vocab_word *table, unsigned value)
{
	for (; table->name; table++)
		if (table->value == value)
			return table->name;
	return NULL;
}

const char *vocab_list(const struct vocab_word *table, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = 0;
	for (size_t i = 0; table[i].name && used < size; i++) {
		const char *sep = i == 0 ? "" : table[i + 1].name ? ", " : " or ";
		int n = snprintf(buf + used, size - used, "%s%s", sep, table[i].name);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	return buf;
}

static const char *const op_names[SCN_OP_COUNT] = {
	[SCN_OP_FORK] = "fork",
	[SCN_OP_AS] = "as",
	[SCN_OP_EXIT] = "exit",
	[SCN_OP_MMAP] = "mmap",
	[SCN_OP_MUNMAP] = "munmap",
	[SCN_OP_MPROTECT] = "mprotect",
	[SCN_OP_MADVISE] = "madvise",
	[SCN_OP_WRITE] = "write",
	[SCN_OP_READ] = "read",
	[SCN_OP_CLEAR_REFS] = "clear_refs",
	[SCN_OP_RECLAIM] = "reclaim",
	[SCN_OP_MIGRATE] = "migrate",
	[SCN_OP_UFFD_OPEN] = "uffd open",
	[SCN_OP_UFFD_REGISTER] = "uffd register",
	[SCN_OP_UFFD_UNREGISTER] = "uffd unregister",
	[SCN_OP_UFFD_WP] = "uffd wp",
	[SCN_OP_UFFD_UNWP] = "uffd unwp",
	[SCN_OP_PAGEMAP] = "pagemap",
	[SCN_OP_SCAN] = "scan",
	[SCN_OP_PTE] = "pte",
	[SCN_OP_CRIU_DUMP] = "criu dump",
	[SCN_OP_EXPECT_PAGEMAP] = "expect pagemap",
	[SCN_OP_EXPECT_PTE] = "expect pte",
	[SCN_OP_EXPECT_SCAN] = "expect scan",
	[SCN_OP_EXPECT_EVENT] = "expect event",
	[SCN_OP_EXPECT_NO_EVENT] = "expect no-event",
};

const char *scn_op_name(enum scn_op op)
{
	return (unsigned)op < SCN_OP_COUNT ? op_names[op] : NULL;
}

/* The system calls are the commands the language lists as such: mmap
 * munmap mprotect madvise fork clear_refs uffd scan. `expect scan` checks a
 * scan's regions, so it stands for a call that succeeds. */
enum vocab_outcome_kind vocab_op_outcome(enum scn_op op)
{
	switch (op) {
	case SCN_OP_FORK:
	case SCN_OP_MMAP:
	case SCN_OP_MUNMAP:
	case SCN_OP_MPROTECT:
	case SCN_OP_MADVISE:
	case SCN_OP_CLEAR_REFS:
	case SCN_OP_UFFD_OPEN:
	case SCN_OP_UFFD_REGISTER:
	case SCN_OP_UFFD_UNREGISTER:
	case SCN_OP_UFFD_WP:
	case SCN_OP_UFFD_UNWP:
	case SCN_OP_SCAN:
		return VOCAB_OUTCOME_ERRNO;
	case SCN_OP_WRITE:
	case SCN_OP_READ:
		return VOCAB_OUTCOME_ACCESS;
	default:
		return VOCAB_OUTCOME_NONE;
	}
}

const char *scn_violation_name(enum scn_violation violation)
{
	return vocab_name(vocab_violation, (unsigned)violation);
}

struct errno_name {
	const char *name;
	int value;
};

/*
 * The errno names of <errno.h> (POSIX.1-2008, and the Linux ones the memory
 * system calls return). Where two names share a number the first one is the
 * name the printer writes: the one the kernel's sources use.
 */
#define E(name) { #name, name },
static const struct errno_name errno_names[] = {
	E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(ENXIO) E(E2BIG) E(ENOEXEC) E(EBADF)
	E(ECHILD) E(EAGAIN) E(ENOMEM) E(EACCES) E(EFAULT)
#ifdef ENOTBLK
	E(ENOTBLK)
#endif
	E(EBUSY) E(EEXIST) E(EXDEV) E(ENODEV) E(ENOTDIR) E(EISDIR) E(EINVAL) E(ENFILE)
	E(EMFILE) E(ENOTTY) E(ETXTBSY) E(EFBIG) E(ENOSPC) E(ESPIPE) E(EROFS) E(EMLINK)
	E(EPIPE) E(EDOM) E(ERANGE) E(EDEADLK) E(ENAMETOOLONG) E(ENOLCK) E(ENOSYS)
	E(ENOTEMPTY) E(ELOOP) E(EWOULDBLOCK) E(ENOMSG) E(EIDRM)
#ifdef ENOSTR
	E(ENOSTR)
#endif
#ifdef ENODATA
	E(ENODATA)
#endif
#ifdef ETIME
	E(ETIME)
#endif
#ifdef ENOSR
	E(ENOSR)
#endif
	E(ENOLINK) E(EPROTO) E(EMULTIHOP) E(EBADMSG) E(EOVERFLOW) E(EILSEQ) E(ENOTSOCK)
	E(EDESTADDRREQ) E(EMSGSIZE) E(EPROTOTYPE) E(ENOPROTOOPT) E(EPROTONOSUPPORT)
	E(EOPNOTSUPP) E(ENOTSUP) E(EAFNOSUPPORT) E(EADDRINUSE) E(EADDRNOTAVAIL) E(ENETDOWN)
	E(ENETUNREACH) E(ENETRESET) E(ECONNABORTED) E(ECONNRESET) E(ENOBUFS) E(EISCONN)
	E(ENOTCONN) E(ETIMEDOUT) E(ECONNREFUSED) E(EHOSTUNREACH) E(EALREADY) E(EINPROGRESS)
	E(ESTALE) E(EDQUOT) E(ECANCELED) E(EOWNERDEAD) E(ENOTRECOVERABLE)
#ifdef EHWPOISON
	E(EHWPOISON)
#endif
};
#undef E

const char *scn_errno_name(int errnum)
{
	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].value == errnum)
			return errno_names[i].name;
	return NULL;
}

int scn_errno_find(const char *name)
{
	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (!strcmp(errno_names[i].name, name))
			return errno_names[i].value;
	return -1;
}
