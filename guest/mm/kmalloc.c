// SPDX-License-Identifier: GPL-2.0
/*
 * kmalloc/kfree on the buddy allocator (see slab.h for the design).
 *
 * A small-class page keeps its free objects on a LIFO list threaded
 * through their first word, so a kfree followed by a kmalloc of the same
 * class returns the same object.  Pages with a free object sit on their
 * cache's partial list; full pages are on no list; an empty page is
 * returned to the buddy allocator at once.
 */
#include <kernel.h>
#include <mm.h>
#include <percpu.h>
#include <slab.h>
#include <string.h>

struct kmalloc_cache {
	unsigned int cls;   /* index into kmalloc_stats */
	unsigned int size;  /* object size */
	unsigned int order; /* buddy order of one page of the cache (small) or one object (large) */
	unsigned int objs_per_page; /* small classes; 0 for large ones */
	unsigned int gfp;	    /* zone modifier of the cache's pages: 0 or __GFP_DMA */
	struct page *partial;	    /* small: pages with at least one free object */
	spinlock_t lock;
};

#define KMALLOC_NR_CACHES (2 * KMALLOC_NR_CLASSES) /* normal, then DMA */

static struct kmalloc_cache kmalloc_caches[KMALLOC_NR_CACHES];

struct kmalloc_class_stat kmalloc_stats[KMALLOC_NR_CLASSES];
unsigned long kmalloc_errors;

unsigned long failslab_nth;
unsigned long failslab_calls;
unsigned long failslab_injected;

void kmem_cache_init(void)
{
	unsigned int i;

	memset(kmalloc_stats, 0, sizeof(kmalloc_stats));
	for (i = 0; i < KMALLOC_NR_CACHES; i++) {
		struct kmalloc_cache *cache = &kmalloc_caches[i];
		unsigned int cls = i % KMALLOC_NR_CLASSES;
		unsigned int shift = KMALLOC_MIN_SHIFT + cls;

		memset(cache, 0, sizeof(*cache));
		spin_lock_init(&cache->lock, LOCK_CLASS_KMALLOC);
		cache->cls = cls;
		cache->size = 1u << shift;
		if (cache->size <= PAGE_SIZE / 2)
			cache->objs_per_page = PAGE_SIZE / cache->size;
		else
			cache->order = shift - PAGE_SHIFT;
		cache->gfp = i < KMALLOC_NR_CLASSES ? 0 : __GFP_DMA;
		kmalloc_stats[cls].size = cache->size;
	}
}

static unsigned int size_to_class(size_t size)
{
	unsigned int cls = 0;

	while ((size_t)1 << (KMALLOC_MIN_SHIFT + cls) < size)
		cls++;
	return cls;
}

static void partial_add(struct kmalloc_cache *cache, struct page *page)
{
	page->prev = NULL;
	page->next = cache->partial;
	if (page->next)
		page->next->prev = page;
	cache->partial = page;
}

static void partial_del(struct kmalloc_cache *cache, struct page *page)
{
	if (page->prev)
		page->prev->next = page->next;
	else
		cache->partial = page->next;
	if (page->next)
		page->next->prev = page->prev;
	page->next = page->prev = NULL;
}

/* Could @p be an object of @page? */
static int slab_obj_ok(const struct kmalloc_cache *cache, const struct page *page, const void *p)
{
	const char *base = page_address(page);

	return (const char *)p >= base && (const char *)p < base + PAGE_SIZE &&
	       ((uintptr_t)p - (uintptr_t)base) % cache->size == 0;
}

/* A fresh page cut into objects, all free, the list in address order. */
static struct page *slab_grow(struct kmalloc_cache *cache, unsigned int gfp)
{
	struct page *page = alloc_page(gfp);
	char *base;
	unsigned int i;

	if (!page)
		return NULL;
	base = page_address(page);
	for (i = 0; i < cache->objs_per_page; i++) {
		char *obj = base + i * cache->size;

		memset(obj, KMALLOC_POISON, cache->size);
		*(void **)obj = i + 1 < cache->objs_per_page ? obj + cache->size : NULL;
	}
	page->freelist = base;
	page->inuse = 0;
	page->slab_cache = (uint32_t)(cache - kmalloc_caches);
	SetPageSlab(page);
	partial_add(cache, page);
	stat_inc(kmalloc_stats[cache->cls].pages);
	return page;
}

static void *slab_alloc(struct kmalloc_cache *cache, unsigned int gfp)
{
	unsigned long flags;
	struct page *page;
	void *obj;

	/* As 2.4's kmem_cache_alloc: interrupts off while the cache is locked. */
	spin_lock_irqsave(&cache->lock, flags);
	page = cache->partial;
	if (!page)
		page = slab_grow(cache, gfp);
	if (!page) {
		spin_unlock_irqrestore(&cache->lock, flags);
		return NULL;
	}
	obj = page->freelist;
	page->freelist = *(void **)obj;
	if (page->freelist && !slab_obj_ok(cache, page, page->freelist)) {
		stat_inc(kmalloc_errors);
		printk(KERN_ERR
		       "kmalloc: free %u-byte object %p in pfn %#lx was written after kfree\n",
		       cache->size, obj, page_to_pfn(page));
		page->freelist = NULL; /* leak the rest of the page rather than hand out junk */
	}
	page->inuse++;
	if (!page->freelist)
		partial_del(cache, page);
	spin_unlock_irqrestore(&cache->lock, flags);
	return obj;
}

static void *large_alloc(struct kmalloc_cache *cache, unsigned int gfp)
{
	struct page *page = alloc_pages(gfp, cache->order);

	if (!page)
		return NULL;
	page->slab_cache = (uint32_t)(cache - kmalloc_caches);
	SetPageSlab(page);
	stat_add(kmalloc_stats[cache->cls].pages, 1u << cache->order);
	return page_address(page);
}

void *kmalloc(size_t size, int gfp)
{
	struct kmalloc_cache *cache;
	unsigned int page_gfp = ((unsigned int)gfp & ~__GFP_HIGHMEM);
	void *obj;

	stat_inc(failslab_calls);
	if (should_fail(&failslab_nth, &failslab_injected, "kmalloc"))
		return NULL;
	if (size > KMALLOC_MAX_SIZE) {
		printk(KERN_WARNING "kmalloc: %lu bytes is more than the largest class (%u)\n",
		       (unsigned long)size, KMALLOC_MAX_SIZE);
		return NULL;
	}
	cache = &kmalloc_caches[size_to_class(size) +
				(page_gfp & __GFP_DMA ? KMALLOC_NR_CLASSES : 0)];
	obj = cache->objs_per_page ? slab_alloc(cache, page_gfp) : large_alloc(cache, page_gfp);
	if (obj) {
		stat_inc(kmalloc_stats[cache->cls].in_use);
		stat_inc(kmalloc_stats[cache->cls].allocs);
	}
	return obj;
}

static void bad_kfree(const void *objp, const char *why)
{
	stat_inc(kmalloc_errors);
	printk(KERN_ERR "kfree: %p %s\n", objp, why);
}

/* Is @obj on its page's free list?  -1 if the list is corrupt (reported). */
static int slab_obj_free(const struct kmalloc_cache *cache, const struct page *page,
			 const void *obj)
{
	const char *p = page->freelist;
	unsigned int n;

	for (n = 0; p; n++, p = *(void *const *)p) {
		if (n >= cache->objs_per_page || !slab_obj_ok(cache, page, p)) {
			stat_inc(kmalloc_errors);
			printk(KERN_ERR
			       "kfree: free list of %u-byte objects in pfn %#lx is corrupt at %p\n",
			       cache->size, page_to_pfn(page), (const void *)p);
			return -1;
		}
		if (p == obj)
			return 1;
	}
	return 0;
}

/* Returns 0 if @obj was freed, -1 if the kfree was bad (reported). */
static int slab_free(struct kmalloc_cache *cache, struct page *page, void *obj)
{
	uintptr_t off = (uintptr_t)obj & (PAGE_SIZE - 1);
	unsigned long flags;
	int was_full;

	if (off % cache->size) {
		bad_kfree(obj, "is not the start of an object of its page's class");
		return -1;
	}
	spin_lock_irqsave(&cache->lock, flags);
	switch (slab_obj_free(cache, page, obj)) {
	case 1:
		spin_unlock_irqrestore(&cache->lock, flags);
		bad_kfree(obj, "is already free (double kfree)");
		return -1;
	case -1:
		spin_unlock_irqrestore(&cache->lock, flags);
		return -1;
	}
	if (page->inuse == 0) {
		spin_unlock_irqrestore(&cache->lock, flags);
		bad_kfree(obj, "is in a kmalloc page with no object in use");
		return -1;
	}
	memset(obj, KMALLOC_POISON, cache->size);
	was_full = page->freelist == NULL;
	*(void **)obj = page->freelist;
	page->freelist = obj;
	page->inuse--;
	if (page->inuse == 0) {
		if (!was_full)
			partial_del(cache, page);
		ClearPageSlab(page);
		page->freelist = NULL;
		stat_dec(kmalloc_stats[cache->cls].pages);
		spin_unlock_irqrestore(&cache->lock, flags);
		__free_page(page);
		return 0;
	}
	if (was_full)
		partial_add(cache, page);
	spin_unlock_irqrestore(&cache->lock, flags);
	return 0;
}

void kfree(const void *objp)
{
	void *obj = (void *)(uintptr_t)objp;
	struct kmalloc_cache *cache;
	struct page *page;

	if (!objp)
		return;
	if (!virt_addr_valid(obj)) {
		bad_kfree(objp, "is not a direct-map address");
		return;
	}
	page = virt_to_page(obj);
	if (!PageSlab(page)) {
		bad_kfree(objp, "is not in a kmalloc page (never allocated, or already freed)");
		return;
	}
	if (page->slab_cache >= KMALLOC_NR_CACHES) {
		bad_kfree(objp, "is in a page with a corrupt kmalloc cache index");
		return;
	}
	cache = &kmalloc_caches[page->slab_cache];
	if (cache->objs_per_page) {
		if (slab_free(cache, page, obj))
			return;
	} else {
		if (obj != page_address(page)) {
			bad_kfree(objp, "is not the start of its large kmalloc object");
			return;
		}
		ClearPageSlab(page);
		stat_sub(kmalloc_stats[cache->cls].pages, 1u << cache->order);
		__free_pages(page, cache->order);
	}
	stat_dec(kmalloc_stats[cache->cls].in_use);
	stat_inc(kmalloc_stats[cache->cls].frees);
}

unsigned long kmalloc_objects_in_use(void)
{
	unsigned long sum = 0;
	unsigned int i;

	for (i = 0; i < KMALLOC_NR_CLASSES; i++)
		sum += kmalloc_stats[i].in_use;
	return sum;
}
