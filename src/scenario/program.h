/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_SCENARIO_PROGRAM_H
#define PTESIM_SCENARIO_PROGRAM_H

/*
 * A scenario (.pts file, the language of SCENARIO-LANGUAGE.md) as plain
 * data. The parser resolves every name and page reference, so the runner
 * executes the commands without reading text again, and the printer writes
 * a program back as canonical text that parses to the same program.
 *
 * Indexes: processes, regions and backing objects are numbered in the order
 * their names first appear; p0 is process 0. A region index names a region
 * name, which each process resolves to its own mapping (a forked child
 * inherits its parent's regions under the same names).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Bounds on what one scenario may hold, so that any input, however
 * hostile, costs bounded time and memory to parse. */
#define SCN_MAX_TEXT (16u << 20) /* bytes of scenario text */
#define SCN_MAX_COMMANDS (1u << 20)
#define SCN_MAX_PROCESSES 256u
#define SCN_MAX_REGIONS 1024u
#define SCN_MAX_OBJECTS 256u
#define SCN_MAX_PTE_CHECKS 32u   /* FIELD=VALUE pairs of one expect pte */
#define SCN_MAX_SCAN_REGIONS 4096u /* regions of one expect scan */

enum scn_op {
	SCN_OP_FORK,
	SCN_OP_AS,
	SCN_OP_EXIT,
	SCN_OP_MMAP,
	SCN_OP_MUNMAP,
	SCN_OP_MPROTECT,
	SCN_OP_MADVISE,
	SCN_OP_WRITE,
	SCN_OP_READ,
	SCN_OP_CLEAR_REFS,
	SCN_OP_RECLAIM,
	SCN_OP_MIGRATE,
	SCN_OP_UFFD_OPEN,
	SCN_OP_UFFD_REGISTER,
	SCN_OP_UFFD_UNREGISTER,
	SCN_OP_UFFD_WP,
	SCN_OP_UFFD_UNWP,
	SCN_OP_PAGEMAP,
	SCN_OP_SCAN,
	SCN_OP_PTE,
	SCN_OP_CRIU_DUMP,
	SCN_OP_EXPECT_PAGEMAP,
	SCN_OP_EXPECT_PTE,
	SCN_OP_EXPECT_SCAN,
	SCN_OP_EXPECT_EVENT,
	SCN_OP_EXPECT_NO_EVENT,
	SCN_OP_COUNT
};

/* `requires` features */
#define SCN_REQ_SOFT_DIRTY 0x1u
#define SCN_REQ_UFFD_WP 0x2u
#define SCN_REQ_HAFDBS 0x4u
#define SCN_REQ_SWAP 0x8u

/* The invariants of the language, in the document's order. */
enum scn_violation {
	SCN_V_PTE_ENCODING,
	SCN_V_MEMORY_MODEL,
	SCN_V_SOFT_DIRTY_LOST,
	SCN_V_CRIU_IMAGE_STALE,
	SCN_V_UFFD_WP_MISSED,
	SCN_V_HW_WRITE_UNTRACKED,
	SCN_V_LAZYFREE_DATA_LOSS,
	SCN_V_DIRTY_DATA_LOSS,
	SCN_V_REFCOUNT,
	SCN_V_COUNT
};

/* `expect-result LAYOUT pass` or `expect-result LAYOUT fail VIOLATION` */
struct scn_expect_result {
	const char *layout;
	bool fail;
	enum scn_violation violation; /* when fail */
};

struct scn_header {
	bool all_layouts;     /* `layout all` */
	const char **layouts; /* `layout A,B`, in the order written */
	size_t nlayouts;      /* 0 and !all_layouts: no layout command */
	unsigned requires;    /* SCN_REQ_* */
	bool hafdbs;          /* default true */
	bool swap;            /* default true */
	struct scn_expect_result *results;
	size_t nresults;
};

/* PROT, with the values of vm_flags' VM_READ, VM_WRITE, VM_EXEC. */
#define SCN_PROT_READ 0x1u
#define SCN_PROT_WRITE 0x2u
#define SCN_PROT_EXEC 0x4u

enum scn_sharing {
	SCN_PRIVATE,
	SCN_SHARED,
};

enum scn_backing {
	SCN_ANON,
	SCN_SHMEM, /* shmem:OBJ */
	SCN_FILE,  /* file:OBJ */
};

enum scn_advice {
	SCN_MADV_FREE,
	SCN_MADV_DONTNEED,
	SCN_MADV_PAGEOUT,
	SCN_MADV_COLD,
};

enum scn_outcome {
	SCN_OUTCOME_OK,
	SCN_OUTCOME_SEGV,
	SCN_OUTCOME_BLOCKED,
};

/* The values written to /proc/PID/clear_refs. */
enum scn_clear_refs {
	SCN_CLEAR_ALL = 1,
	SCN_CLEAR_ANON = 2,
	SCN_CLEAR_MAPPED = 3,
	SCN_CLEAR_SOFT_DIRTY = 4,
};

/* uffd open features and register mode: the UAPI values of
 * include/uapi/linux/userfaultfd.h, so they pass straight to UFFDIO_API. */
#define SCN_UFFD_FEATURE_EVENT_FORK (1u << 1)
#define SCN_UFFD_FEATURE_WP_HUGETLBFS_SHMEM (1u << 12)
#define SCN_UFFD_FEATURE_WP_UNPOPULATED (1u << 13)
#define SCN_UFFD_FEATURE_WP_ASYNC (1u << 15)
#define SCN_UFFD_MODE_WP (1u << 1) /* UFFDIO_REGISTER_MODE_WP */

/* PAGEMAP_SCAN flags and PAGE_IS_* categories (include/uapi/linux/fs.h). */
#define SCN_SCAN_WP_MATCHING (1u << 0)
#define SCN_SCAN_CHECK_WPASYNC (1u << 1)
#define SCN_CAT_WPALLOWED (1u << 0)
#define SCN_CAT_WRITTEN (1u << 1)
#define SCN_CAT_FILE (1u << 2)
#define SCN_CAT_PRESENT (1u << 3)
#define SCN_CAT_SWAPPED (1u << 4)
#define SCN_CAT_PFNZERO (1u << 5)
#define SCN_CAT_HUGE (1u << 6)
#define SCN_CAT_SOFT_DIRTY (1u << 7)
#define SCN_CAT_ALL 0xffu

/* `expect pagemap` keys */
#define SCN_PM_PRESENT (1u << 0)
#define SCN_PM_SWAP (1u << 1)
#define SCN_PM_FILE (1u << 2)
#define SCN_PM_EXCLUSIVE (1u << 3)
#define SCN_PM_UFFD_WP (1u << 4)
#define SCN_PM_SOFT_DIRTY (1u << 5)

enum scn_event {
	SCN_EVENT_UFFD_WP,
};

/* How a page reference was written; the printer writes it back the same
 * way. A program built in code may leave SPAN, which always prints. */
enum scn_ref_form {
	SCN_REF_SPAN = 0, /* A[i:j] */
	SCN_REF_PAGE,     /* A[i] (count 1) */
	SCN_REF_WHOLE,    /* A: every page the region has in the process */
};

/* Pages first .. first+count-1 of a region, checked against the region's
 * size in the process current at the command. */
struct scn_range {
	uint32_t region;
	enum scn_ref_form form;
	uint64_t first;
	uint64_t count;
};

struct scn_mmap {
	uint32_t region; /* the name it defines */
	uint64_t npages;
	unsigned prot;   /* SCN_PROT_* */
	enum scn_sharing sharing;
	enum scn_backing backing;
	uint32_t object; /* SCN_SHMEM, SCN_FILE: index into objects */
};

/* write and read */
struct scn_access {
	bool has_value;  /* write without a value: the runner makes a fresh one;
			  * read without one: no expectation on the value */
	uint64_t value;
	enum scn_outcome outcome;
};

/* `A[i:j]{cat,cat}` of expect scan */
struct scn_scan_region {
	struct scn_range range;
	unsigned categories; /* SCN_CAT_* */
};

/* scan and expect scan */
struct scn_scan {
	unsigned flags;    /* SCN_SCAN_* */
	unsigned want;     /* category_mask */
	unsigned inverted; /* category_inverted */
	unsigned anyof;    /* category_anyof_mask */
	unsigned ret;      /* return_mask, default SCN_CAT_ALL */
	uint64_t max_pages; /* 0: no limit */
	/* expect scan: the regions the call must return; none for `== none` */
	const struct scn_scan_region *expected;
	size_t nexpected;
};

struct scn_pagemap_expect {
	unsigned keys;   /* SCN_PM_* named */
	unsigned values; /* SCN_PM_* expected to be 1 (a subset of keys) */
};

/* `FIELD=VALUE` of expect pte. A predicate is checked the same way on
 * every layout; any other name is a layout field that the runner looks up
 * per layout (ptesim_layout_field_find). */
struct scn_pte_check {
	const char *field;
	int pred;       /* enum ptesim_pred, or -1 for a layout field */
	uint64_t value; /* 0 or 1 for a predicate */
};

struct scn_pte_expect {
	const struct scn_pte_check *checks; /* in the order written */
	size_t nchecks;
};

struct scn_command {
	enum scn_op op;
	unsigned line;     /* 1-based, in the parsed text */
	const char *text;  /* the line without comment, blanks collapsed to
			    * one space; NULL in a program built in code */
	uint32_t process;  /* current when the command runs (fork: the parent) */
	int expect_errno;  /* system calls: 0 for ok, else the errno number
			    * (EINVAL ...) the call must fail with */
	struct scn_range range; /* commands that name pages */
	union {
		uint32_t named_process;   /* fork: the child; as, exit: the process */
		struct scn_mmap mmap;
		unsigned prot;            /* mprotect: SCN_PROT_* */
		enum scn_advice advice;   /* madvise */
		struct scn_access access; /* write, read */
		enum scn_clear_refs clear_refs;
		unsigned uffd_features;   /* uffd open: SCN_UFFD_FEATURE_* */
		unsigned uffd_mode;       /* uffd register: SCN_UFFD_MODE_* */
		struct scn_scan scan;     /* scan, expect scan */
		struct scn_pagemap_expect pagemap; /* expect pagemap */
		struct scn_pte_expect pte;         /* expect pte */
		enum scn_event event;              /* expect event */
	};
};

struct scn_object {
	const char *name;
	enum scn_backing kind; /* SCN_SHMEM or SCN_FILE */
};

struct scn_arena;

struct scn_program {
	const char *filename;
	struct scn_header header;
	const char **processes; /* processes[0] is "p0" */
	size_t nprocesses;
	const char **regions;
	size_t nregions;
	struct scn_object *objects;
	size_t nobjects;
	struct scn_command *commands;
	size_t ncommands;
	struct scn_arena *arena; /* private: the memory behind the strings and arrays */
};

/*
 * Parse a scenario. On success returns 0 and stores a program in *out. On
 * error returns -EINVAL (-ENOMEM when out of memory), stores NULL, and
 * writes one line "FILE:LINE:COL: error: MESSAGE" into err. filename is used
 * in messages and kept in the program (NULL: "<input>").
 */
int scn_parse(const char *text, const char *filename, struct scn_program **out, char *err,
	      size_t errlen);
/* The same for len bytes that need not end in NUL; a NUL byte is an error. */
int scn_parse_buffer(const char *data, size_t len, const char *filename,
		     struct scn_program **out, char *err, size_t errlen);
/* Read and parse a file; a file that cannot be read gives its negative
 * errno and "FILE: error: MESSAGE". */
int scn_parse_file(const char *path, struct scn_program **out, char *err, size_t errlen);
void scn_program_free(struct scn_program *program);

/* Same header, names and commands; lines, texts and file names aside. */
bool scn_program_equal(const struct scn_program *a, const struct scn_program *b);

/*
 * A command as canonical scenario text, without newline, like snprintf:
 * returns the length of the whole text (truncated to size - 1 in buf), or
 * -EINVAL for a command that cannot be written (an index or value outside
 * its table).
 */
int scn_format_command(const struct scn_program *program, const struct scn_command *command,
		       char *buf, size_t size);
/* The whole program: header lines, then one line per command. 0, -EINVAL,
 * -ENOMEM or -EIO. */
int scn_program_write(FILE *out, const struct scn_program *program);

/* Names of the language: "uffd open", "soft-dirty-lost", "EINVAL". NULL
 * for a value outside the table. */
const char *scn_op_name(enum scn_op op);
const char *scn_violation_name(enum scn_violation violation);
const char *scn_errno_name(int errnum);
/* The errno number of a name ("EBUSY"), or -1. */
int scn_errno_find(const char *name);

#endif
