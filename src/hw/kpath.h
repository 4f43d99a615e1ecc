/* SPDX-License-Identifier: MIT */
#ifndef PTESIM_HW_KPATH_H
#define PTESIM_HW_KPATH_H

/*
 * The path one command takes through the machine, for `ptesim explain`:
 * what the MMU did (faults, AF and DBM updates), the kernel functions mm
 * runs (noted at their entry, by the kernel's name) and the pte helpers
 * and other leaf calls they make (noted where they are called, so the
 * name is the call's). Each step is kept once, in the order first met,
 * with how often it ran; a call belongs to the function noted last, so a
 * function is noted where its calls follow until the next function's note.
 *
 * The machine points at a log only while a command is explained. With no
 * log a note is one test of a pointer the walk keeps in a register.
 */

#include <stddef.h>

enum kpath_kind {
	KPATH_HW,       /* the MMU */
	KPATH_FUNCTION, /* a kernel function mm mirrors */
	KPATH_CALL,     /* a pte helper of the layout's era, or another leaf call */
};

struct kpath_step {
	enum kpath_kind kind;
	const char *name; /* a string literal */
	unsigned count;
	int parent; /* a call: the index of its function's step, -1 for none */
};

#define KPATH_MAX_STEPS 96

struct kpath_log {
	struct kpath_step step[KPATH_MAX_STEPS];
	size_t n;
	int current;      /* the function calls are noted under, -1 for none */
	unsigned dropped; /* steps that did not fit */
};

void kpath_init(struct kpath_log *log);
void kpath_add(struct kpath_log *log, enum kpath_kind kind, const char *name);

static inline void kpath_note(struct kpath_log *log, enum kpath_kind kind, const char *name)
{
	if (__builtin_expect(log != NULL, 0))
		kpath_add(log, kind, name);
}

/*
 * A walk's per-entry code that notes takes the log as a parameter and is
 * inlined into two copies of its loop: one given the log, one given a
 * constant NULL, from which the compiler drops every note. The walk
 * chooses once per table (KPATH_WALK), so a walk that nothing explains
 * runs the code it ran before notes existed.
 */
#define KPATH_INLINE static inline __attribute__((always_inline))
#define KPATH_WALK(kp, body, ...) ((kp) ? body((kp), __VA_ARGS__) : body(NULL, __VA_ARGS__))

/* A helper's call, noted under its own name: KPATH(kp, pte_mkclean, L, pte).
 * The note comes before the call's arguments are evaluated, so a helper
 * call must not be an argument of another noted one. */
#define KPATH(log, helper, ...) (kpath_note((log), KPATH_CALL, #helper), helper(__VA_ARGS__))

#endif
