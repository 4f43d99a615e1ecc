/* SPDX-License-Identifier: MIT */
/* The simulation object, its processes, accesses and what the tables hold
 * (include/ptesim/sim.h), and the plumbing every call shares. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/sim_internal.h"
#include "scenario/program.h"

#define SIM_FLAGS (PTESIM_SIM_NO_HAFDBS | PTESIM_SIM_NO_SWAP | PTESIM_SIM_CHECK_ON_DEMAND)

static void verdict_ok(ptesim_report *r)
{
	memset(r, 0, sizeof(*r));
	r->ok = true;
	r->as_declared = true;
	snprintf(r->message, sizeof(r->message), "ok");
}

int ptesim_sim_new_flags(const ptesim_layout *layout, unsigned flags, ptesim_sim **out)
{
	ptesim_sim *s;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!layout || (flags & ~SIM_FLAGS))
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->flags = flags;
	verdict_ok(&s->verdict);
	if (machine_init(&s->m, layout, !(flags & PTESIM_SIM_NO_HAFDBS)) || !(s->mo = model_create()) ||
	    mm_new(&s->m, &s->pid) || ref_proc_add(s, s->pid)) {
		ptesim_sim_free(s);
		return -ENOMEM;
	}
	s->m.swap.on = !(flags & PTESIM_SIM_NO_SWAP);
	*out = s;
	return 0;
}

int ptesim_sim_new(const ptesim_layout *layout, ptesim_sim **out)
{
	return ptesim_sim_new_flags(layout, 0, out);
}

void ptesim_sim_free(ptesim_sim *sim)
{
	if (!sim)
		return;
	for (size_t i = 0; i < sim->nprocs; i++)
		ref_proc_free(&sim->procs[i]);
	free(sim->procs);
	model_destroy(sim->mo);
	machine_destroy(&sim->m);
	free(sim);
}

const ptesim_layout *ptesim_sim_layout(const ptesim_sim *sim)
{
	return sim->m.L;
}

const char *ptesim_sim_error(const ptesim_sim *sim)
{
	return sim->error;
}

static void name_call(ptesim_sim *sim, const char *fmt, va_list ap)
{
	size_t len;

	vsnprintf(sim->op, sizeof(sim->op), fmt, ap);
	len = strlen(sim->op);
	snprintf(sim->op + len, sizeof(sim->op) - len, " in p%d", sim->pid);
}

void api_name(ptesim_sim *sim, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	name_call(sim, fmt, ap);
	va_end(ap);
}

static bool alive(const ptesim_sim *sim, int pid)
{
	return pid >= 0 && (size_t)pid < sim->m.nprocs && sim->m.procs[pid].alive;
}

int api_begin(ptesim_sim *sim, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	name_call(sim, fmt, ap);
	va_end(ap);
	if (!alive(sim, sim->pid))
		return api_fail(sim, -ESRCH, "the process has exited");
	return 0;
}

int api_fail(ptesim_sim *sim, int rc, const char *why)
{
	const char *name = scn_errno_name(-rc);

	snprintf(sim->error, sizeof(sim->error), "%s: %s: %s", sim->op, name ? name : "error",
		 why ? why : strerror(-rc));
	return rc;
}

int api_end(ptesim_sim *sim, int rc, const char *why)
{
	if (rc < 0)
		api_fail(sim, rc, why);
	if (!(sim->flags & PTESIM_SIM_CHECK_ON_DEMAND))
		ref_check(sim);
	return rc;
}

const char *api_prot_name(unsigned prot, char buf[4])
{
	buf[0] = (prot & PTESIM_PROT_READ) ? 'r' : '-';
	buf[1] = (prot & PTESIM_PROT_WRITE) ? 'w' : '-';
	buf[2] = (prot & PTESIM_PROT_EXEC) ? 'x' : '-';
	buf[3] = 0;
	return buf;
}

int ptesim_sim_fork(ptesim_sim *sim, int *child)
{
	int rc = api_begin(sim, "fork()");

	if (rc)
		return rc;
	rc = mm_fork(&sim->m, sim->pid, child);
	if (!rc)
		rc = ref_fork(sim, sim->pid, *child);
	return api_end(sim, rc, NULL);
}

int ptesim_sim_as(ptesim_sim *sim, int pid)
{
	api_name(sim, "as(%d)", pid);
	if (!alive(sim, pid))
		return api_fail(sim, -ESRCH, "no such live process");
	sim->pid = pid;
	return 0;
}

int ptesim_sim_current(const ptesim_sim *sim)
{
	return sim->pid;
}

int ptesim_sim_exit(ptesim_sim *sim, int pid)
{
	api_name(sim, "exit(%d)", pid);
	if (!alive(sim, pid))
		return api_fail(sim, -ESRCH, "no such live process");
	mm_exit(&sim->m, pid);
	ref_exit(sim, pid);
	return api_end(sim, 0, NULL);
}

static int access_errno(enum access_result r)
{
	return r == ACCESS_OK ? 0 : r == ACCESS_BLOCKED ? -EAGAIN : -EFAULT;
}

static const char *access_why(enum access_result r)
{
	return r == ACCESS_SEGV ? "SIGSEGV" : r == ACCESS_BUS ? "SIGBUS" : "waits on a uffd-wp fault";
}

int ptesim_sim_write(ptesim_sim *sim, uint64_t addr, uint64_t value)
{
	uint64_t va = addr & ~(PAGE_SIZE - 1);
	enum access_result r;
	int rc = api_begin(sim, "write(0x%" PRIx64 ", 0x%" PRIx64 ")", addr, value);

	if (rc)
		return rc;
	r = mm_access(&sim->m, sim->pid, va, true, &value);
	if (r == ACCESS_OK)
		ref_write(sim, sim->pid, va, value, false);
	return api_end(sim, access_errno(r), access_why(r));
}

int ptesim_sim_read(ptesim_sim *sim, uint64_t addr, uint64_t *value)
{
	uint64_t va = addr & ~(PAGE_SIZE - 1), got = 0;
	enum access_result r;
	int rc = api_begin(sim, "read(0x%" PRIx64 ")", addr);

	if (rc)
		return rc;
	r = mm_access(&sim->m, sim->pid, va, false, &got);
	if (r == ACCESS_OK) {
		*value = got;
		ref_read(sim, sim->pid, va, got);
	}
	return api_end(sim, access_errno(r), access_why(r));
}

int ptesim_sim_pte(ptesim_sim *sim, uint64_t addr, uint64_t *entry)
{
	struct mm *mm;
	pte_t *ptep;
	int rc = api_begin(sim, "pte(0x%" PRIx64 ")", addr);

	*entry = 0;
	if (rc)
		return rc;
	mm = &sim->m.procs[sim->pid];
	if (!find_vma(mm, addr))
		return api_fail(sim, -EFAULT, "no mapping holds the address");
	ptep = mm_pte(&sim->m, mm, addr, false);
	*entry = ptep ? pte_val(*ptep) : 0;
	return 0;
}

uint64_t ptesim_sim_pagemap(ptesim_sim *sim, uint64_t addr)
{
	if (!alive(sim, sim->pid) || addr >= TASK_SIZE)
		return 0;
	return mm_pagemap(&sim->m, sim->pid, addr);
}
