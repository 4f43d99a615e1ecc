/* SPDX-License-Identifier: MIT */
/*
 * userfaultfd write-protect: UFFDIO_API, UFFDIO_REGISTER (MODE_WP),
 * UFFDIO_UNREGISTER and UFFDIO_WRITEPROTECT (fs/userfaultfd.c,
 * mm/userfaultfd.c), the fault that blocks on a uffd-wp entry
 * (handle_userfault) and the wake that lets it retry.
 */
#include <errno.h>
#include <stdlib.h>

#include "mm/mm_internal.h"

#define UFFD_WP_FEATURES (UFFD_FEATURE_WP_HUGETLBFS_SHMEM | UFFD_FEATURE_WP_UNPOPULATED | UFFD_FEATURE_WP_ASYNC)
/* the part of UFFD_API_FEATURES the scenario language names: EVENT_FORK
 * and the write-protect features */
#define UFFD_KNOWN_FEATURES (UFFD_FEATURE_EVENT_FORK | UFFD_WP_FEATURES)

static bool layout_has_uffd_wp(const struct machine *m)
{
	return m->L->features & PTESIM_FEAT_UFFD_WP;
}

/* userfaultfd_api(): the features asked for must be offered; without
 * CONFIG_HAVE_ARCH_USERFAULTFD_WP the write-protect ones are not; WP_ASYNC
 * turns WP_UNPOPULATED on */
int mm_uffd_open(struct machine *m, int pid, unsigned features)
{
	struct uffd *u = &m->procs[pid].uffd;
	unsigned offered = UFFD_KNOWN_FEATURES & (layout_has_uffd_wp(m) ? ~0u : ~UFFD_WP_FEATURES);

	kpath_fn(m, "userfaultfd_api");
	/* one context a process: a second open is UFFDIO_API again on it,
	 * which an initialized context refuses */
	if (u->open || (features & ~offered))
		return -EINVAL;
	if (features & UFFD_FEATURE_WP_ASYNC)
		features |= UFFD_FEATURE_WP_UNPOPULATED;
	uffd_release(u);
	u->open = true;
	u->features = features;
	return 0;
}

void uffd_release(struct uffd *u)
{
	free(u->events);
	free(u->blocked);
	free(u->completed);
	*u = (struct uffd){ 0 };
}

/* vma_can_userfault() for MODE_WP: anonymous memory and shmem; any memory
 * when WP_ASYNC is on and WP is the only mode */
static bool vma_can_userfault_wp(const struct uffd *u, const struct vma *vma)
{
	if (u->features & UFFD_FEATURE_WP_ASYNC)
		return true;
	return vma->backing == BACKING_ANON || vma->backing == BACKING_SHMEM;
}

/* vma_modify_flags_uffd(): the pieces whose flags changed merge with
 * their neighbours where they can */
static void merge_range(struct machine *m, struct mm *mm, uint64_t start, uint64_t end)
{
	/* a merge shifts the VMAs after it: look again from the start until
	 * a pass merges nothing */
	for (size_t before = 0; before != mm->nvmas;) {
		before = mm->nvmas;
		for (size_t i = 0; i < mm->nvmas && before == mm->nvmas; i++)
			if (mm->vmas[i].end > start && mm->vmas[i].start < end)
				vma_merge_modified(m, mm, i);
	}
}

/* validate_range(): page-aligned, not empty, below TASK_SIZE */
static int validate_range(uint64_t va, uint64_t len)
{
	if ((va & (PAGE_SIZE - 1)) || (len & (PAGE_SIZE - 1)) || !len || va >= TASK_SIZE || len > TASK_SIZE - va)
		return -EINVAL;
	return 0;
}

/* userfaultfd_set_vm_flags(): a shared mapping gets writenotify while it
 * is registered for write-protect (vma_wants_writenotify) */
static void set_uffd_flags(struct machine *m, struct vma *vma, bool wp)
{
	bool changed = !!(vma->vm_flags & VM_UFFD_WP) != wp;

	vma->vm_flags = wp ? vma->vm_flags | VM_UFFD_WP : vma->vm_flags & ~VM_UFFD_WP;
	if ((vma->vm_flags & VM_SHARED) && changed)
		vma_set_page_prot(m, vma);
}

/* a VMA's own refusal of a (un)registration, 0 when it takes it */
typedef int (*vma_check_fn)(const struct uffd *u, const struct vma *vma);

/* Every VMA of [va, end) checked before anything changes, in address
 * order: EINVAL when none is there (vma_find(); holes inside are fine),
 * else the first refusal */
static int check_range_vmas(const struct mm *mm, uint64_t va, uint64_t end, vma_check_fn check)
{
	bool found = false;

	for (size_t i = 0; i < mm->nvmas; i++) {
		const struct vma *v = &mm->vmas[i];
		int rc;

		if (v->end <= va || v->start >= end)
			continue;
		found = true;
		rc = check(&mm->uffd, v);
		if (rc)
			return rc;
	}
	return found ? 0 : -EINVAL;
}

/* register: vma_can_userfault(), then VM_MAYWRITE */
static int register_check(const struct uffd *u, const struct vma *vma)
{
	if (!vma_can_userfault_wp(u, vma))
		return -EINVAL;
	return (vma->vm_flags & VM_MAYWRITE) ? 0 : -EPERM;
}

/* unregister: vma_can_userfault() with the VMA's own flags, so a file VMA
 * passes only while it is registered for WP alone under WP_ASYNC */
static int unregister_check(const struct uffd *u, const struct vma *vma)
{
	if (vma->backing == BACKING_FILE && !((u->features & UFFD_FEATURE_WP_ASYNC) && (vma->vm_flags & VM_UFFD_WP)))
		return -EINVAL;
	return 0;
}

/* userfaultfd_register() with UFFDIO_REGISTER_MODE_WP */
int mm_uffd_register(struct machine *m, int pid, uint64_t va, uint64_t len)
{
	struct mm *mm = &m->procs[pid];
	uint64_t end = va + len;
	int rc;

	kpath_fn(m, "userfaultfd_register");
	if (!mm->uffd.open)
		return -EBADF;
	if (!layout_has_uffd_wp(m))
		return -EINVAL; /* MODE_WP without CONFIG_HAVE_ARCH_USERFAULTFD_WP */
	rc = validate_range(va, len);
	if (!rc)
		rc = check_range_vmas(mm, va, end, register_check);
	if (!rc)
		rc = vma_split_range(mm, va, end);
	if (rc)
		return rc;
	for (size_t i = 0; i < mm->nvmas; i++)
		if (mm->vmas[i].start >= va && mm->vmas[i].end <= end)
			set_uffd_flags(m, &mm->vmas[i], true);
	merge_range(m, mm, va, end);
	return 0;
}

/* uffd_wp_range(): protect or unprotect [start, end) of one registered VMA */
static void uffd_wp_range(struct machine *m, struct mm *mm, struct vma *vma, uint64_t start, uint64_t end,
			  bool wp)
{
	unsigned cp_flags = wp ? MM_CP_UFFD_WP : MM_CP_UFFD_WP_RESOLVE;

	kpath_fn(m, "uffd_wp_range");
	/* userfaultfd_wp_use_markers(): a none entry of a file or shmem VMA,
	 * or of anonymous memory with WP_UNPOPULATED, is protected by a
	 * marker (change_pmd_prepare() allocates the table for it) */
	if (wp && (vma->backing != BACKING_ANON || (mm->uffd.features & UFFD_FEATURE_WP_UNPOPULATED)))
		for (uint64_t a = start; a < end; a += PAGE_SIZE) {
			pte_t *ptep = mm_pte(m, mm, a, true);

			if (ptep && pte_none(m->L, *ptep))
				*ptep = KPATH(kpath_of(m), make_pte_marker, m->L, PTE_MARKER_UFFD_WP);
		}
	/* vm_page_prot already write-protects a registered VMA: an unprotect
	 * gives write permission back by hand where it can */
	if (!wp && vma_wants_manual_pte_write_upgrade(m, vma))
		cp_flags |= MM_CP_TRY_CHANGE_WRITABLE;
	change_protection(m, mm, vma, start, end, cp_flags);
}

/* The writes waiting in [start, end) retry (wake_userfault()); a write
 * that completes goes to the completed list, one that faults again blocks
 * again with a new event. */
static void wake_range(struct machine *m, int pid, uint64_t start, uint64_t end)
{
	struct uffd *u = &m->procs[pid].uffd;
	size_t n = u->nblocked, kept = 0;
	struct uffd_blocked *waiting = u->blocked;

	u->blocked = NULL;
	u->nblocked = u->cap_blocked = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t value = waiting[i].value;
		enum access_result r;

		if (waiting[i].va < start || waiting[i].va >= end) {
			waiting[kept++] = waiting[i];
			continue;
		}
		kpath_fn(m, "wake_userfault: the write retries");
		r = mm_access(m, pid, waiting[i].va, true, &value);
		if (r == ACCESS_OK)
			uffd_push(&u->completed, &u->ncompleted, &u->cap_completed, waiting[i]);
		/* ACCESS_BLOCKED queued it again; a write that now takes a
		 * signal is lost with its thread (the scenario does not see it) */
	}
	for (size_t i = 0; i < kept; i++)
		uffd_push(&u->blocked, &u->nblocked, &u->cap_blocked, waiting[i]);
	free(waiting);
}

void uffd_protect_range(struct machine *m, struct mm *mm, struct vma *vma, uint64_t start, uint64_t end)
{
	uffd_wp_range(m, mm, vma, start, end, true);
}

/* userfaultfd_writeprotect(), mwriteprotect_range() */
int mm_uffd_writeprotect(struct machine *m, int pid, uint64_t va, uint64_t len, bool wp)
{
	struct mm *mm = &m->procs[pid];
	uint64_t end = va + len;
	int rc = -ENOENT;

	kpath_fn(m, "mwriteprotect_range");
	if (!mm->uffd.open)
		return -EBADF;
	rc = validate_range(va, len);
	if (rc)
		return rc;
	rc = -ENOENT;
	for (size_t i = 0; i < mm->nvmas; i++) {
		struct vma *v = &mm->vmas[i];

		if (v->end <= va || v->start >= end)
			continue;
		if (!(v->vm_flags & VM_UFFD_WP)) {
			rc = -ENOENT;
			break;
		}
		uffd_wp_range(m, mm, v, v->start > va ? v->start : va, v->end < end ? v->end : end, wp);
		rc = 0;
	}
	/* without MODE_DONTWAKE an unprotect wakes the waiting writes */
	if (!wp && !rc)
		wake_range(m, pid, va, end);
	return rc;
}

/* userfaultfd_unregister(): protection goes (bits and markers), the VMA
 * is no longer registered; a write waiting is not woken */
int mm_uffd_unregister(struct machine *m, int pid, uint64_t va, uint64_t len)
{
	struct mm *mm = &m->procs[pid];
	uint64_t end = va + len;
	int rc;

	kpath_fn(m, "userfaultfd_unregister");
	if (!mm->uffd.open)
		return -EBADF;
	rc = validate_range(va, len);
	if (!rc)
		rc = check_range_vmas(mm, va, end, unregister_check);
	if (!rc)
		rc = vma_split_range(mm, va, end);
	if (rc)
		return rc;
	for (size_t i = 0; i < mm->nvmas; i++) {
		struct vma *v = &mm->vmas[i];

		if (v->start < va || v->end > end || !(v->vm_flags & VM_UFFD_WP))
			continue;
		uffd_wp_range(m, mm, v, v->start, v->end, false);
		set_uffd_flags(m, v, false);
	}
	merge_range(m, mm, va, end);
	return 0;
}

bool uffd_push(void *vec, size_t *n, size_t *cap, struct uffd_blocked item)
{
	struct uffd_blocked **v = vec;

	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 8;
		struct uffd_blocked *nv = realloc(*v, c * sizeof(*nv));

		if (!nv)
			return false;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = item;
	return true;
}

/* handle_userfault() for a write-protect fault: the message is queued and
 * the write waits */
void uffd_block_write(struct machine *m, int pid, uint64_t va, uint64_t value)
{
	struct uffd *u = &m->procs[pid].uffd;
	uint64_t page = va & ~(PAGE_SIZE - 1);

	kpath_note(kpath_of(m), KPATH_CALL, "queue UFFD_EVENT_PAGEFAULT (WP); the write waits");
	if (u->nevents == u->cap_events) {
		size_t c = u->cap_events ? u->cap_events * 2 : 8;
		uint64_t *nv = realloc(u->events, c * sizeof(*nv));

		if (!nv)
			return;
		u->events = nv;
		u->cap_events = c;
	}
	u->events[u->nevents++] = page;
	uffd_push(&u->blocked, &u->nblocked, &u->cap_blocked, (struct uffd_blocked){ va, value });
}

bool mm_uffd_take_event(struct machine *m, int pid, uint64_t va)
{
	struct uffd *u = &m->procs[pid].uffd;

	for (size_t i = 0; i < u->nevents; i++) {
		if (u->events[i] != (va & ~(PAGE_SIZE - 1)))
			continue;
		for (size_t k = i + 1; k < u->nevents; k++)
			u->events[k - 1] = u->events[k];
		u->nevents--;
		return true;
	}
	return false;
}

size_t mm_uffd_take_completed(struct machine *m, int pid, struct uffd_blocked *out, size_t max)
{
	struct uffd *u = &m->procs[pid].uffd;
	size_t n = u->ncompleted < max ? u->ncompleted : max;

	for (size_t i = 0; i < n; i++)
		out[i] = u->completed[i];
	for (size_t i = n; i < u->ncompleted; i++)
		u->completed[i - n] = u->completed[i];
	u->ncompleted -= n;
	return n;
}
