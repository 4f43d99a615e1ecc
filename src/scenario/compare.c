/* SPDX-License-Identifier: MIT */
/*
 * Whether two programs mean the same: the same header, names and commands
 * with the same operands. Lines, source texts and file names are left out,
 * so a program equals the one parsed back from its canonical text.
 */
#include <string.h>

#include "scenario/program.h"

static bool same_string(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool same_names(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!same_string(a[i], b[i]))
			return false;
	return true;
}

static bool same_header(const struct scn_header *a, const struct scn_header *b)
{
	if (a->all_layouts != b->all_layouts || a->requires != b->requires ||
	    a->hafdbs != b->hafdbs || a->swap != b->swap || a->nresults != b->nresults ||
	    !same_names(a->layouts, a->nlayouts, b->layouts, b->nlayouts))
		return false;
	for (size_t i = 0; i < a->nresults; i++) {
		const struct scn_expect_result *x = &a->results[i], *y = &b->results[i];

		if (!same_string(x->layout, y->layout) || x->fail != y->fail ||
		    (x->fail && x->violation != y->violation))
			return false;
	}
	return true;
}

static bool same_range(const struct scn_range *a, const struct scn_range *b)
{
	return a->region == b->region && a->form == b->form && a->first == b->first &&
	       a->count == b->count;
}

static bool same_scan(const struct scn_scan *a, const struct scn_scan *b)
{
	if (a->flags != b->flags || a->want != b->want || a->inverted != b->inverted ||
	    a->anyof != b->anyof || a->ret != b->ret || a->max_pages != b->max_pages ||
	    a->nexpected != b->nexpected)
		return false;
	for (size_t i = 0; i < a->nexpected; i++)
		if (!same_range(&a->expected[i].range, &b->expected[i].range) ||
		    a->expected[i].categories != b->expected[i].categories)
			return false;
	return true;
}

static bool same_pte(const struct scn_pte_expect *a, const struct scn_pte_expect *b)
{
	if (a->nchecks != b->nchecks)
		return false;
	for (size_t i = 0; i < a->nchecks; i++)
		if (!same_string(a->checks[i].field, b->checks[i].field) ||
		    a->checks[i].pred != b->checks[i].pred || a->checks[i].value != b->checks[i].value)
			return false;
	return true;
}

static bool same_mmap(const struct scn_mmap *a, const struct scn_mmap *b)
{
	return a->region == b->region && a->npages == b->npages && a->prot == b->prot &&
	       a->sharing == b->sharing && a->backing == b->backing &&
	       (a->backing == SCN_ANON || a->object == b->object);
}

/* The operands each op has; the rest of the union is not compared. */
static bool same_operands(const struct scn_command *a, const struct scn_command *b)
{
	switch (a->op) {
	case SCN_OP_FORK:
	case SCN_OP_AS:
	case SCN_OP_EXIT:
		return a->named_process == b->named_process;
	case SCN_OP_MMAP:
		return same_mmap(&a->mmap, &b->mmap);
	case SCN_OP_MPROTECT:
		return a->prot == b->prot;
	case SCN_OP_MADVISE:
		return a->advice == b->advice;
	case SCN_OP_WRITE:
	case SCN_OP_READ:
		return a->access.has_value == b->access.has_value &&
		       (!a->access.has_value || a->access.value == b->access.value) &&
		       a->access.outcome == b->access.outcome;
	case SCN_OP_CLEAR_REFS:
		return a->clear_refs == b->clear_refs;
	case SCN_OP_UFFD_OPEN:
		return a->uffd_features == b->uffd_features;
	case SCN_OP_UFFD_REGISTER:
		return a->uffd_mode == b->uffd_mode;
	case SCN_OP_SCAN:
	case SCN_OP_EXPECT_SCAN:
		return same_scan(&a->scan, &b->scan);
	case SCN_OP_EXPECT_PAGEMAP:
		return a->pagemap.keys == b->pagemap.keys && a->pagemap.values == b->pagemap.values;
	case SCN_OP_EXPECT_PTE:
		return same_pte(&a->pte, &b->pte);
	case SCN_OP_EXPECT_EVENT:
		return a->event == b->event;
	default:
		return true;
	}
}

/* Whether the op names pages in cmd->range. */
static bool has_range(enum scn_op op)
{
	switch (op) {
	case SCN_OP_FORK:
	case SCN_OP_AS:
	case SCN_OP_EXIT:
	case SCN_OP_MMAP:
	case SCN_OP_CLEAR_REFS:
	case SCN_OP_UFFD_OPEN:
	case SCN_OP_CRIU_DUMP:
	case SCN_OP_EXPECT_NO_EVENT:
		return false;
	default:
		return true;
	}
}

static bool same_command(const struct scn_command *a, const struct scn_command *b)
{
	return a->op == b->op && a->process == b->process && a->expect_errno == b->expect_errno &&
	       (!has_range(a->op) || same_range(&a->range, &b->range)) && same_operands(a, b);
}

bool scn_program_equal(const struct scn_program *a, const struct scn_program *b)
{
	if (!same_header(&a->header, &b->header) ||
	    !same_names(a->processes, a->nprocesses, b->processes, b->nprocesses) ||
	    !same_names(a->regions, a->nregions, b->regions, b->nregions) ||
	    a->nobjects != b->nobjects || a->ncommands != b->ncommands)
		return false;
	for (size_t i = 0; i < a->nobjects; i++)
		if (!same_string(a->objects[i].name, b->objects[i].name) ||
		    a->objects[i].kind != b->objects[i].kind)
			return false;
	for (size_t i = 0; i < a->ncommands; i++)
		if (!same_command(&a->commands[i], &b->commands[i]))
			return false;
	return true;
}
