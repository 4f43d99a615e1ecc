/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "hw/kpath.h"

void kpath_init(struct kpath_log *log)
{
	log->n = 0;
	log->current = -1;
	log->dropped = 0;
}

void kpath_add(struct kpath_log *log, enum kpath_kind kind, const char *name)
{
	/* a call is the same step only under the same function */
	int parent = kind == KPATH_CALL ? log->current : -1;

	for (size_t i = 0; i < log->n; i++) {
		struct kpath_step *s = &log->step[i];

		if (s->kind != kind || s->parent != parent || strcmp(s->name, name))
			continue;
		s->count++;
		if (kind != KPATH_CALL)
			log->current = kind == KPATH_FUNCTION ? (int)i : -1;
		return;
	}
	if (log->n == KPATH_MAX_STEPS) {
		log->dropped++;
		if (kind != KPATH_CALL)
			log->current = -1; /* its calls are not another's */
		return;
	}
	log->step[log->n] = (struct kpath_step){ kind, name, 1, parent };
	if (kind != KPATH_CALL)
		log->current = kind == KPATH_FUNCTION ? (int)log->n : -1;
	log->n++;
}
