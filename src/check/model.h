/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_CHECK_MODEL_H
#define PTESIM_CHECK_MODEL_H

/*
 * The memory model: what user space is promised, kept apart from the
 * simulated machine and deliberately simple. A private page holds its own
 * value; a shared page, or a private file page not yet copied, shows its
 * object's current value; a lazy-free page its value or zero. Reads are
 * checked against it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct model;

struct model *model_create(void);
void model_destroy(struct model *mo);

/* Objects stand for shmem and files; model object ids are the caller's. */
int model_object(struct model *mo, uint32_t id, size_t npages);

/* A region of a process: pages [0, npages). */
int model_map(struct model *mo, int pid, int region, size_t npages, bool shared, bool anon,
	      uint32_t object);
int model_fork(struct model *mo, int parent, int child);
void model_exit(struct model *mo, int pid);
void model_unmap(struct model *mo, int pid, int region, size_t page);
void model_write(struct model *mo, int pid, int region, size_t page, uint64_t value);
/* MADV_DONTNEED: private anon reads zero, private file the file, shared as before */
void model_dontneed(struct model *mo, int pid, int region, size_t page);

/* MADV_FREE of a private anon page: it reads its value or zero until the
 * next write (the kernel may discard it meanwhile) */
void model_free(struct model *mo, int pid, int region, size_t page);

enum model_read {
	MODEL_VALUE,    /* the value read is one the model allows */
	MODEL_MISMATCH, /* it is not: allowed[0..*nallowed) are */
	MODEL_UNMAPPED, /* the page is not mapped: the access must fault */
};
/* Checks a value read; a lazy-free page that reads zero stays zero. */
enum model_read model_read(struct model *mo, int pid, int region, size_t page, uint64_t got,
			   uint64_t allowed[2], int *nallowed);
/* The value a page of an object holds (shmem, files, shared anon); false
 * when the model has no such page. */
bool model_object_value(struct model *mo, uint32_t id, size_t page, uint64_t *value);
/* The value a private page holds, when the model knows exactly one (not
 * after MADV_FREE, not a file page it has not copied). */
bool model_own_value(struct model *mo, int pid, int region, size_t page, uint64_t *value);

/* dst (from model_create) becomes a copy of src: 0 or -ENOMEM. */
int model_copy(struct model *dst, const struct model *src);

/* The model's state word by word, value words marked, for a canonical
 * form of a search state: one process's regions, or every object. */
typedef void (*model_emit_fn)(void *ctx, uint64_t word, bool value);
void model_emit_process(const struct model *mo, int pid, model_emit_fn emit, void *ctx);
void model_emit_objects(const struct model *mo, model_emit_fn emit, void *ctx);

#endif
