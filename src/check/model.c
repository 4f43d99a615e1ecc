/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check/model.h"

enum page_state { P_UNMAPPED, P_OWN, P_OBJECT, P_LAZYFREE };

struct mpage {
	uint8_t state;
	uint64_t value; /* P_OWN, P_LAZYFREE */
};

struct mregion {
	int pid, region;
	bool shared, anon;
	uint32_t object;
	size_t npages;
	struct mpage *pages;
};

struct mobject {
	uint32_t id;
	size_t npages;
	uint64_t *values;
};

struct model {
	struct mregion *regions;
	size_t nregions;
	struct mobject *objects;
	size_t nobjects;
};

struct model *model_create(void)
{
	return calloc(1, sizeof(struct model));
}

void model_destroy(struct model *mo)
{
	if (!mo)
		return;
	for (size_t i = 0; i < mo->nregions; i++)
		free(mo->regions[i].pages);
	for (size_t i = 0; i < mo->nobjects; i++)
		free(mo->objects[i].values);
	free(mo->regions);
	free(mo->objects);
	free(mo);
}

static struct mobject *find_object(struct model *mo, uint32_t id)
{
	for (size_t i = 0; i < mo->nobjects; i++)
		if (mo->objects[i].id == id)
			return &mo->objects[i];
	return NULL;
}

int model_object(struct model *mo, uint32_t id, size_t npages)
{
	struct mobject *o = find_object(mo, id);

	if (!o) {
		struct mobject *v = realloc(mo->objects, (mo->nobjects + 1) * sizeof(*v));

		if (!v)
			return -ENOMEM;
		mo->objects = v;
		o = &v[mo->nobjects++];
		*o = (struct mobject){ .id = id };
	}
	if (npages > o->npages) {
		uint64_t *values = realloc(o->values, npages * sizeof(*values));

		if (!values)
			return -ENOMEM;
		memset(values + o->npages, 0, (npages - o->npages) * sizeof(*values));
		o->values = values;
		o->npages = npages;
	}
	return 0;
}

static struct mregion *find_region(struct model *mo, int pid, int region)
{
	for (size_t i = 0; i < mo->nregions; i++)
		if (mo->regions[i].pid == pid && mo->regions[i].region == region)
			return &mo->regions[i];
	return NULL;
}

static int add_region(struct model *mo, const struct mregion *r)
{
	struct mregion *v = realloc(mo->regions, (mo->nregions + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	mo->regions = v;
	v[mo->nregions] = *r;
	v[mo->nregions].pages = malloc((r->npages ? r->npages : 1) * sizeof(struct mpage));
	if (!v[mo->nregions].pages)
		return -ENOMEM;
	memcpy(v[mo->nregions].pages, r->pages ? r->pages : v[mo->nregions].pages,
	       r->pages ? r->npages * sizeof(struct mpage) : 0);
	mo->nregions++;
	return 0;
}

int model_map(struct model *mo, int pid, int region, size_t npages, bool shared, bool anon,
	      uint32_t object)
{
	struct mregion r = { pid, region, shared, anon, object, npages, NULL };
	int rc;

	if (!anon || shared) {
		rc = model_object(mo, object, npages);
		if (rc)
			return rc;
	}
	rc = add_region(mo, &r);
	if (rc)
		return rc;
	struct mregion *nr = &mo->regions[mo->nregions - 1];

	for (size_t i = 0; i < npages; i++)
		nr->pages[i] = (anon && !shared) ? (struct mpage){ P_OWN, 0 } : (struct mpage){ P_OBJECT, 0 };
	return 0;
}

int model_fork(struct model *mo, int parent, int child)
{
	size_t n = mo->nregions;

	for (size_t i = 0; i < n; i++) {
		struct mregion r = mo->regions[i];
		int rc;

		if (r.pid != parent)
			continue;
		r.pid = child;
		rc = add_region(mo, &r); /* private values copied, shared ones still the object's */
		if (rc)
			return rc;
	}
	return 0;
}

void model_exit(struct model *mo, int pid)
{
	for (size_t i = 0; i < mo->nregions; i++)
		if (mo->regions[i].pid == pid)
			for (size_t p = 0; p < mo->regions[i].npages; p++)
				mo->regions[i].pages[p].state = P_UNMAPPED;
}

static struct mpage *page_of(struct model *mo, int pid, int region, size_t page, struct mregion **rp)
{
	struct mregion *r = find_region(mo, pid, region);

	if (!r || page >= r->npages)
		return NULL;
	*rp = r;
	return &r->pages[page];
}

void model_unmap(struct model *mo, int pid, int region, size_t page)
{
	struct mregion *r;
	struct mpage *p = page_of(mo, pid, region, page, &r);

	if (p)
		p->state = P_UNMAPPED;
}

void model_write(struct model *mo, int pid, int region, size_t page, uint64_t value)
{
	struct mregion *r;
	struct mpage *p = page_of(mo, pid, region, page, &r);

	if (!p || p->state == P_UNMAPPED)
		return;
	if (r->shared) {
		find_object(mo, r->object)->values[page] = value;
		return;
	}
	/* a private page: this process's own copy from now on */
	p->state = P_OWN;
	p->value = value;
}

void model_dontneed(struct model *mo, int pid, int region, size_t page)
{
	struct mregion *r;
	struct mpage *p = page_of(mo, pid, region, page, &r);

	if (!p || p->state == P_UNMAPPED || r->shared)
		return;
	if (r->anon)
		*p = (struct mpage){ P_OWN, 0 };
	else
		*p = (struct mpage){ P_OBJECT, 0 }; /* the file's current contents again */
}

void model_free(struct model *mo, int pid, int region, size_t page)
{
	struct mregion *r;
	struct mpage *p = page_of(mo, pid, region, page, &r);

	if (p && p->state == P_OWN && r->anon && !r->shared)
		p->state = P_LAZYFREE;
}

enum model_read model_read(struct model *mo, int pid, int region, size_t page, uint64_t got,
			   uint64_t allowed[2], int *nallowed)
{
	struct mregion *r;
	struct mpage *p = page_of(mo, pid, region, page, &r);

	*nallowed = 0;
	if (!p || p->state == P_UNMAPPED)
		return MODEL_UNMAPPED;
	allowed[(*nallowed)++] = p->state == P_OBJECT ? find_object(mo, r->object)->values[page] : p->value;
	if (p->state == P_LAZYFREE && p->value) {
		allowed[(*nallowed)++] = 0;
		if (got == 0) {
			*p = (struct mpage){ P_OWN, 0 }; /* discarded: zero from now on */
			return MODEL_VALUE;
		}
	}
	return got == allowed[0] ? MODEL_VALUE : MODEL_MISMATCH;
}

bool model_object_value(struct model *mo, uint32_t id, size_t page, uint64_t *value)
{
	struct mobject *o = find_object(mo, id);

	if (!o || page >= o->npages)
		return false;
	*value = o->values[page];
	return true;
}

bool model_own_value(struct model *mo, int pid, int region, size_t page, uint64_t *value)
{
	struct mregion *r;
	struct mpage *p = page_of(mo, pid, region, page, &r);

	if (!p || p->state != P_OWN)
		return false;
	*value = p->value;
	return true;
}

/* The common case of a search: dst already has src's shape. */
static bool copy_in_place(struct model *dst, const struct model *src)
{
	if (dst->nregions != src->nregions || dst->nobjects != src->nobjects)
		return false;
	for (size_t i = 0; i < src->nregions; i++)
		if (dst->regions[i].npages != src->regions[i].npages)
			return false;
	for (size_t i = 0; i < src->nobjects; i++)
		if (dst->objects[i].npages != src->objects[i].npages)
			return false;
	for (size_t i = 0; i < src->nregions; i++) {
		struct mpage *pages = dst->regions[i].pages;

		dst->regions[i] = src->regions[i];
		dst->regions[i].pages = pages;
		memcpy(pages, src->regions[i].pages, src->regions[i].npages * sizeof(*pages));
	}
	for (size_t i = 0; i < src->nobjects; i++) {
		dst->objects[i].id = src->objects[i].id;
		memcpy(dst->objects[i].values, src->objects[i].values, src->objects[i].npages * sizeof(uint64_t));
	}
	return true;
}

int model_copy(struct model *dst, const struct model *src)
{
	if (copy_in_place(dst, src))
		return 0;
	for (size_t i = 0; i < dst->nregions; i++)
		free(dst->regions[i].pages);
	dst->nregions = 0;
	for (size_t i = 0; i < dst->nobjects; i++)
		free(dst->objects[i].values);
	dst->nobjects = 0;
	for (size_t i = 0; i < src->nregions; i++)
		if (add_region(dst, &src->regions[i]))
			return -ENOMEM;
	for (size_t i = 0; i < src->nobjects; i++) {
		const struct mobject *o = &src->objects[i];
		struct mobject *d;

		if (model_object(dst, o->id, o->npages))
			return -ENOMEM;
		d = find_object(dst, o->id);
		memcpy(d->values, o->values, o->npages * sizeof(*o->values));
	}
	return 0;
}

/* What the explorer must tell states apart by; values are marked so that
 * they can be renamed (only equality between them matters). */
void model_emit_process(const struct model *mo, int pid, model_emit_fn emit, void *ctx)
{
	for (size_t i = 0; i < mo->nregions; i++) {
		const struct mregion *r = &mo->regions[i];

		if (r->pid != pid)
			continue;
		emit(ctx, (uint64_t)r->region << 32 | (uint64_t)r->shared << 1 | r->anon, false);
		for (size_t p = 0; p < r->npages; p++) {
			emit(ctx, r->pages[p].state, false);
			if (r->pages[p].state == P_OWN || r->pages[p].state == P_LAZYFREE)
				emit(ctx, r->pages[p].value, true);
		}
	}
}

void model_emit_objects(const struct model *mo, model_emit_fn emit, void *ctx)
{
	for (size_t i = 0; i < mo->nobjects; i++)
		for (size_t p = 0; p < mo->objects[i].npages; p++)
			emit(ctx, mo->objects[i].values[p], true);
}
