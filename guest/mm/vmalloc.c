// SPDX-License-Identifier: GPL-2.0
/*
 * Non-contiguous kernel memory (Linux 2.4 mm/vmalloc.c), on the guest's
 * own page allocator and page tables, for 2-level and PAE paging alike.
 *
 * An area is a run of virtual pages in [VMALLOC_START, VMALLOC_END) plus
 * one unmapped guard page, listed on vmlist (sorted by address).  Its
 * pages are reached only through the kernel page tables (swapper_pg_dir):
 * vfree walks them to find what to free.  Page-table pages, once made,
 * stay (2.4 never frees kernel page tables).
 *
 * One difference from 2.4, marked FIX below: get_vm_area() checks the end
 * of the range after its search loop too.
 *
 * With vmalloc=modern, get_vm_area, vfree (after its alignment check) and
 * find_vm_area_locked hand over to vmalloc_modern.c; the page-table
 * layer here serves both modes.
 *
 * Entry pointers are never stepped (pgtable.h): each level's next entry is
 * looked up again from the address, so the walkers below carry the upper
 * level's entry where 2.4 would increment a pointer.
 */
#include <errno.h>
#include <gfp.h>
#include <kernel.h>
#include <percpu.h>
#include <mm.h>
#include <pgalloc.h>
#include <pgtable.h>
#include <sched.h>
#include <slab.h>
#include <spinlock.h>
#include <tlbflush.h>
#include <vmalloc.h>
#include <vmap_area.h>

rwlock_t vmlist_lock = RW_LOCK_UNLOCKED_CLASS(LOCK_CLASS_VMLIST);
struct vm_struct *vmlist;
struct vmalloc_counters vmalloc_counters;
int vmlist_no_lock;
int vmalloc_no_ptlock;
int lock_invert_pending;

void control_window(uint64_t cycles)
{
	uint64_t start = get_cycles();

	while (get_cycles() - start < cycles)
		cpu_relax();
}

/* init_mm.page_table_lock around the mapping walk, unless noptlock (a negative control). */
static void pt_lock(void)
{
	if (!vmalloc_no_ptlock)
		spin_lock(&init_mm.page_table_lock);
}

static void pt_unlock(void)
{
	if (!vmalloc_no_ptlock)
		spin_unlock(&init_mm.page_table_lock);
}

/*
 * End of [address, end) clipped to the block of @block_size bytes that
 * holds @address.  Areas never reach the top of the address space
 * (get_vm_area keeps them below VMALLOC_END), so end is never 0 here; a
 * block end that wraps to 0 still clips correctly (block_end - 1).
 */
static unsigned long clip_end(unsigned long address, unsigned long end, unsigned long block_size)
{
	unsigned long block_end = (address & ~(block_size - 1)) + block_size;

	return block_end - 1 < end - 1 ? block_end : end;
}

/* ---- Unmapping ---- */

static void free_area_pte(pmd_t *pmd, unsigned long address, unsigned long size)
{
	unsigned long end, pfn;
	pmd_t entry = pmdp_get(pmd);

	if (pmd_none(entry))
		return;
	if (pmd_bad(entry)) {
		pmd_ERROR(entry);
		pmd_clear(pmd);
		return;
	}
	end = clip_end(address, address + size, PMD_SIZE);
	do {
		pte_t page = ptep_get_and_clear(pte_offset(pmd, address));

		address += PAGE_SIZE;
		if (pte_none(page))
			continue;
		stat_inc(vmalloc_counters.pte_clears);
		if (pte_present(page)) {
			/* An ioremap'd frame outside RAM, or a reserved page: not ours to free. */
			pfn = pte_pfn(page);
			if (pfn < max_mapnr && VALID_PAGE(pfn_to_page(pfn)) &&
			    !PageReserved(pfn_to_page(pfn))) {
				/*
				 * Drops this mapping's reference; the page is freed on the
				 * last one, so a vmap'd page its owner still holds stays.
				 */
				__free_page(pfn_to_page(pfn));
				stat_inc(vmalloc_counters.pages_freed);
			}
			continue;
		}
		printk(KERN_CRIT "Whee.. Swapped out page in kernel page table\n");
	} while (address < end);
}

static void free_area_pmd(pgd_t *dir, unsigned long address, unsigned long size)
{
	unsigned long end;
	pgd_t entry = pgdp_get(dir);

	if (pgd_none(entry))
		return;
	if (pgd_bad(entry)) {
		pgd_ERROR(entry);
		pgd_clear(dir);
		return;
	}
	end = clip_end(address, address + size, PGDIR_SIZE);
	do {
		free_area_pte(pmd_offset(dir, address), address, end - address);
		address = (address + PMD_SIZE) & PMD_MASK;
	} while (address && address < end);
}

void vunmap_area_pages_noflush(unsigned long address, unsigned long size)
{
	unsigned long end = address + size;

	flush_cache_all();
	do {
		free_area_pmd(pgd_offset_k(address), address, end - address);
		address = (address + PGDIR_SIZE) & PGDIR_MASK;
	} while (address && address < end);
}

void vmfree_area_pages(unsigned long address, unsigned long size)
{
	vunmap_area_pages_noflush(address, size);
	/* One flush for the whole range, on every CPU: a stale entry would keep a freed page reachable. */
	flush_tlb_all();
}

/* ---- Mapping ---- */

/*
 * The caller holds init_mm.page_table_lock.  @pmd is the (present) PMD
 * entry for @address; its PTEs from @address on are filled.
 */
static int alloc_area_pte(pmd_t *pmd, unsigned long address, unsigned long size, int gfp_mask,
			  pgprot_t prot, struct page ***pages)
{
	unsigned long end = clip_end(address, address + size, PMD_SIZE);

	do {
		pte_t *pte = pte_offset(pmd, address);
		struct page *page;

		if (!pages) {
			/* alloc_page may sleep in a real kernel: not under a spinlock. */
			pt_unlock();
			page = alloc_page(gfp_mask);
			pt_lock();
			if (page)
				stat_inc(vmalloc_counters.pages_allocated);
		} else {
			page = **pages;
			(*pages)++;
			/* The mapping's own reference, dropped by vfree. */
			if (page)
				get_page(page);
		}
		if (!pte_none(ptep_get(pte)))
			printk(KERN_ERR "alloc_area_pte: page already exists\n");
		if (!page)
			return -ENOMEM;
		set_pte(pte, mk_pte(page, prot));
		stat_inc(vmalloc_counters.pte_writes);
		address += PAGE_SIZE;
	} while (address < end);
	return 0;
}

/* @pmd = pmd_alloc(dir, address); the next PMD entries are looked up in @dir. */
static int alloc_area_pmd(pgd_t *dir, pmd_t *pmd, unsigned long address, unsigned long size,
			  int gfp_mask, pgprot_t prot, struct page ***pages)
{
	unsigned long end = clip_end(address, address + size, PGDIR_SIZE);

	do {
		if (!pte_alloc(&init_mm, pmd, address))
			return -ENOMEM;
		if (alloc_area_pte(pmd, address, end - address, gfp_mask, prot, pages))
			return -ENOMEM;
		address = (address + PMD_SIZE) & PMD_MASK;
		if (address)
			pmd = pmd_offset(dir, address);
	} while (address && address < end);
	return 0;
}

int __vmalloc_area_pages(unsigned long address, unsigned long size, int gfp_mask, pgprot_t prot,
			 struct page ***pages)
{
	unsigned long end = address + size;
	int ret = 0;

	pt_lock();
	do {
		pgd_t *dir = pgd_offset_k(address);
		pmd_t *pmd = pmd_alloc(&init_mm, dir, address);

		ret = -ENOMEM;
		if (!pmd)
			break;
		if (alloc_area_pmd(dir, pmd, address, end - address, gfp_mask, prot, pages))
			break;
		ret = 0;
		address = (address + PGDIR_SIZE) & PGDIR_MASK;
	} while (address && address < end);
	pt_unlock();
	/* A no-op: x86 caches are coherent with each other and with the page tables. */
	flush_cache_all();
	return ret;
}

int vmalloc_area_pages(unsigned long address, unsigned long size, int gfp_mask, pgprot_t prot)
{
	return __vmalloc_area_pages(address, size, gfp_mask, prot, NULL);
}

/* ---- Areas ---- */

struct vm_struct *get_vm_area_caller(unsigned long size, unsigned long flags, const void *caller)
{
	unsigned long addr, next;
	struct vm_struct **p, *tmp, *area;
	zone_t *inverted = NULL;
	unsigned long zflags = 0;
	uint32_t links = 0;

	if (vmalloc_mode == VMALLOC_MODE_MODERN) {
		area = modern_get_vm_area(size, flags);
		if (area)
			area->caller = caller;
		return area;
	}
	area = kmalloc(sizeof(*area), GFP_KERNEL);
	if (!area)
		goto out_fail;

	/* The guard page: an overrun off the end of the area faults. */
	next = size + PAGE_SIZE;
	if (next < size)
		goto out_free;
	size = next;

	addr = VMALLOC_START;
	/*
	 * lockinvert: once, vmlist_lock under a zone->lock, the order vfree()
	 * never takes them in.  Deadlock-free only because it is the first
	 * get_vm_area() since boot: no area exists yet, so no vfree() can hold
	 * vmlist_lock and wait for this zone, or for a flush this CPU (with
	 * interrupts off) would not answer.
	 */
	if (lock_invert_pending && __atomic_exchange_n(&lock_invert_pending, 0, __ATOMIC_SEQ_CST)) {
		inverted = &zone_table[ZONE_NORMAL];
		spin_lock_irqsave(&inverted->lock, zflags);
	}
	if (!vmlist_no_lock)
		write_lock(&vmlist_lock);
	for (p = &vmlist; links++, (tmp = *p); p = &tmp->next) {
		stat_inc(vmalloc_counters.vmlist_visited);
		if (addr + size < addr)
			goto out_unlock;
		if (addr + size <= (unsigned long)tmp->addr)
			break;
		next = (unsigned long)tmp->addr + tmp->size;
		if (next > addr)
			addr = next;
		if (addr > VMALLOC_END - size)
			goto out_unlock;
	}
	/*
	 * FIX: 2.4 checks the end of the range only inside the loop, that
	 * is only after stepping over an area: a request into an empty list
	 * is never checked, and one too big for the whole range runs past
	 * VMALLOC_END into the fixmap.  Later kernels check again here; so
	 * do we.  With size no larger than VMALLOC_END the subtraction
	 * cannot wrap, and a larger size makes addr + size wrap, which the
	 * first test catches.
	 */
	if (addr + size < addr || addr > VMALLOC_END - size)
		goto out_unlock;

	if (vmlist_no_lock)
		control_window(VMLIST_CONTROL_WINDOW_CYCLES);
	area->flags = flags;
	area->addr = (void *)addr;
	area->size = size;
	area->next = *p;
	area->caller = caller;
	*p = area;
	if (!vmlist_no_lock)
		write_unlock(&vmlist_lock);
	if (inverted)
		spin_unlock_irqrestore(&inverted->lock, zflags);
	vmap_count_lookup(links);
	stat_inc(vmalloc_counters.areas_allocated);
	return area;

out_unlock:
	if (!vmlist_no_lock)
		write_unlock(&vmlist_lock);
	if (inverted)
		spin_unlock_irqrestore(&inverted->lock, zflags);
	vmap_count_lookup(links);
out_free:
	kfree(area);
out_fail:
	stat_inc(vmalloc_counters.get_vm_area_failed);
	return NULL;
}

struct vm_struct *get_vm_area(unsigned long size, unsigned long flags)
{
	return get_vm_area_caller(size, flags, __builtin_return_address(0));
}

struct vm_struct *find_vm_area_locked(unsigned long addr)
{
	struct vm_struct *tmp;

	if (vmalloc_mode == VMALLOC_MODE_MODERN)
		return modern_find_vm_area(addr);
	for (tmp = vmlist; tmp; tmp = tmp->next)
		if (addr - (unsigned long)tmp->addr < tmp->size)
			return tmp;
	return NULL;
}

void vfree(void *addr)
{
	struct vm_struct **p, *tmp;

	if (!addr)
		return;
	if ((unsigned long)addr & (PAGE_SIZE - 1)) {
		printk(KERN_ERR "Trying to vfree() bad address (%p)\n", addr);
		return;
	}
	if (vmalloc_mode == VMALLOC_MODE_MODERN) {
		modern_vfree(addr);
		return;
	}
	write_lock(&vmlist_lock);
	for (p = &vmlist; (tmp = *p); p = &tmp->next) {
		stat_inc(vmalloc_counters.vmlist_visited);
		if (tmp->addr == addr) {
			*p = tmp->next;
			vmfree_area_pages((unsigned long)tmp->addr, tmp->size);
			write_unlock(&vmlist_lock);
			kfree(tmp);
			stat_inc(vmalloc_counters.areas_freed);
			return;
		}
	}
	write_unlock(&vmlist_lock);
	printk(KERN_ERR "Trying to vfree() nonexistent vm area (%p)\n", addr);
}

/* ---- Allocation ---- */

/*
 * Each entry point below passes its own return address down, so that the
 * area names the function that called vmalloc() (or vmap()), not vmalloc
 * itself; as 2.6.26's __vmalloc_node(..., caller) does.
 */
static void *__vmalloc_caller(unsigned long size, int gfp_mask, pgprot_t prot, const void *caller)
{
	struct vm_struct *area;
	void *addr;

	size = PAGE_ALIGN(size); /* a size within a page of 4 GiB wraps to 0: refused below */
	if (!size || (size >> PAGE_SHIFT) > num_physpages)
		return NULL;
	area = get_vm_area_caller(size, VM_ALLOC, caller);
	if (!area)
		return NULL;
	addr = area->addr;
	if (__vmalloc_area_pages((unsigned long)addr, size, gfp_mask, prot, NULL)) {
		/* Returns every page mapped so far; the page tables made stay, as always. */
		vfree(addr);
		return NULL;
	}
	return addr;
}

void *__vmalloc(unsigned long size, int gfp_mask, pgprot_t prot)
{
	return __vmalloc_caller(size, gfp_mask, prot, __builtin_return_address(0));
}

void *vmalloc(unsigned long size)
{
	return __vmalloc_caller(size, GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL,
				__builtin_return_address(0));
}

void *vmalloc_dma(unsigned long size)
{
	return __vmalloc_caller(size, GFP_KERNEL | GFP_DMA, PAGE_KERNEL,
				__builtin_return_address(0));
}

void *vmalloc_32(unsigned long size)
{
	return __vmalloc_caller(size, GFP_KERNEL, PAGE_KERNEL, __builtin_return_address(0));
}

void *vmap(struct page **pages, int count, unsigned long flags, pgprot_t prot)
{
	struct vm_struct *area;
	unsigned long size;
	void *addr;

	if (count <= 0 || (unsigned long)count > max_mapnr)
		return NULL;
	size = (unsigned long)count << PAGE_SHIFT;
	area = get_vm_area_caller(size, flags, __builtin_return_address(0));
	if (!area)
		return NULL;
	addr = area->addr;
	if (__vmalloc_area_pages((unsigned long)addr, size, 0, prot, &pages)) {
		/* Drops the references taken so far; the caller's own stay. */
		vfree(addr);
		return NULL;
	}
	return addr;
}
