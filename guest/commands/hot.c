// SPDX-License-Identifier: GPL-2.0
/*
 * CMD_VFREE_HOT (shared/abi.h): vfree with every participating CPU's TLB
 * warm, and what each CPU's hardware then did on a read of the freed
 * pages.  The sequence runs in kernel/smp.c; here the arguments are
 * checked and the pages chosen and tagged.
 */
#include <kernel.h>
#include <mailbox.h>
#include <mm.h>
#include <pgtable.h>
#include <sched.h>
#include <smp.h>
#include <vmalloc.h>

#include "shared/abi.h"

/*
 * The pages probed: the first, the last before the guard, the guard, and
 * between them every k-th page, k chosen so that at most HOT_MAX_PAGES are
 * probed (every page of an area of up to HOT_MAX_PAGES - 1 pages).
 */
static int choose_pages(const struct vm_struct *area, struct hot_evidence *e)
{
	unsigned long pages = area->size / PAGE_SIZE - 1, stride, i;
	unsigned long addr = (unsigned long)area->addr;
	uint32_t n = 0;

	stride = pages <= HOT_MAX_PAGES - 1 ? 1 : (pages + HOT_MAX_PAGES - 5) / (HOT_MAX_PAGES - 3);
	for (i = 0; i < pages && n < HOT_MAX_PAGES - 2; i += stride)
		e->va[n++] = addr + i * PAGE_SIZE;
	if (e->va[n - 1] != addr + (pages - 1) * PAGE_SIZE)
		e->va[n++] = addr + (pages - 1) * PAGE_SIZE;
	e->va[n++] = addr + pages * PAGE_SIZE; /* the guard */
	for (i = 0; i < n; i++) {
		unsigned long pfn = i + 1 < n ? kernel_pfn(e->va[i]) : 0;

		if (i + 1 < n && !pfn)
			return -1; /* a VM_ALLOC area with a hole: not ours to probe */
		e->tag[i] = pfn ? HOT_TAG(pfn) : 0;
	}
	e->nr_pages = n;
	return 0;
}

struct hot_vfree {
	void *addr;
	uint32_t areas, refs;
	unsigned long free_before;
};

static void hot_vfree_op(void *arg)
{
	struct hot_vfree *h = arg;

	h->areas = vmalloc_counters.areas_freed;
	h->refs = vmalloc_counters.pages_freed;
	h->free_before = nr_free_pages();
	vfree(h->addr);
	h->areas = vmalloc_counters.areas_freed - h->areas;
	h->refs = vmalloc_counters.pages_freed - h->refs;
	h->free_before = nr_free_pages() - h->free_before;
}

/*
 * arg0: the address to vfree, arg1: the CPUs that join (ST_EINVAL, and
 * nothing freed, if one is not online) -> results as CMD_VFREE's, then the
 * evidence (shared/abi.h).  Only a fully mapped VM_ALLOC area is tagged
 * and probed; any other address is freed as CMD_VFREE would, result3..5 0.
 */
static int cmd_vfree_hot(const uint32_t *args, uint32_t *results)
{
	struct hot_vfree h = { .addr = (void *)(unsigned long)args[0] };
	struct vm_struct *area;

	/* Either allocator's areas (vmalloc=modern keeps no vmlist). */
	read_lock(&vmlist_lock);
	area = find_vm_area_locked((unsigned long)h.addr);
	read_unlock(&vmlist_lock);
	if (!area || area->addr != h.addr || !(area->flags & VM_ALLOC) ||
	    area->size < 2 * PAGE_SIZE || choose_pages(area, &hot_evidence)) {
		/* Nothing of ours to tag (vmap'd data, a bad address): a plain vfree. */
		hot_vfree_op(&h);
	} else if (smp_hot_sequence(args[1], hot_vfree_op, &h)) {
		return ST_EINVAL;
	} else {
		results[3] = (uint32_t)(unsigned long)&hot_evidence;
		results[4] = hot_evidence.nr_pages;
		results[5] = hot_evidence.cpus;
	}
	results[0] = h.areas;
	results[1] = h.refs;
	results[2] = (uint32_t)h.free_before;
	return ST_OK;
}
DEFINE_CMD(CMD_VFREE_HOT, cmd_vfree_hot);
