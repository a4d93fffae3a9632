// SPDX-License-Identifier: GPL-2.0
/*
 * The host's commands for vmalloc (shared/abi.h): allocate, map, free,
 * fill and check areas, read the counters, and run probe sequences that
 * must happen with no VM exit in between (CMD_PROBE_SEQ).
 *
 * Every argument is checked; a bad one is ST_EINVAL and nothing is done.
 * Memory is touched only through the fixup-protected probes (extable.h),
 * so a wrong address is a reported fault, never an oops.  CMD_PROBE
 * itself lives in commands/mm.c.
 */
#include <errno.h>
#include <extable.h>
#include <gfp.h>
#include <kernel.h>
#include <mailbox.h>
#include <mm.h>
#include <pgtable.h>
#include <sched.h>
#include <string.h>
#include <tlbflush.h>
#include <vmalloc.h>

#include "shared/abi.h"

/* ---- vmalloc, vmalloc_dma, vmalloc_32, get_vm_area, vfree ---- */

static int alloc_result(void *addr, uint32_t *results)
{
	results[0] = (uint32_t)(unsigned long)addr;
	return addr ? ST_OK : ST_FAIL;
}

/* arg0: size -> result0: address (0 and ST_FAIL for NULL). */
static int cmd_vmalloc(const uint32_t *args, uint32_t *results)
{
	return alloc_result(vmalloc(args[0]), results);
}
DEFINE_CMD(CMD_VMALLOC, cmd_vmalloc);

static int cmd_vmalloc_dma(const uint32_t *args, uint32_t *results)
{
	return alloc_result(vmalloc_dma(args[0]), results);
}
DEFINE_CMD(CMD_VMALLOC_DMA, cmd_vmalloc_dma);

static int cmd_vmalloc_32(const uint32_t *args, uint32_t *results)
{
	return alloc_result(vmalloc_32(args[0]), results);
}
DEFINE_CMD(CMD_VMALLOC_32, cmd_vmalloc_32);

/*
 * arg0: size (page aligned, not 0), arg1: VM_IOREMAP, VM_ALLOC or VM_MAP
 * -> result0: address, result1: the area's size (guard included).  Nothing
 * is mapped: a VM_ALLOC area made this way breaks the host's rule M1 until
 * it is freed, which is what a test of the rule wants.
 */
static int cmd_get_vm_area(const uint32_t *args, uint32_t *results)
{
	struct vm_struct *area;

	if (!args[0] || (args[0] & (PAGE_SIZE - 1)))
		return ST_EINVAL;
	if (args[1] != VM_IOREMAP && args[1] != VM_ALLOC && args[1] != VM_MAP)
		return ST_EINVAL;
	area = get_vm_area(args[0], args[1]);
	if (!area)
		return ST_FAIL;
	results[1] = (uint32_t)area->size;
	return alloc_result(area->addr, results);
}
DEFINE_CMD(CMD_GET_VM_AREA, cmd_get_vm_area);

/*
 * arg0: address (anything: vfree reports what it refuses in the text)
 * -> result0: 1 if an area was found and freed, result1: page references
 * dropped, result2: pages that went back to the free lists (kmalloc's
 * included, should freeing the vm_struct empty a slab page).
 */
static int cmd_vfree(const uint32_t *args, uint32_t *results)
{
	uint32_t areas = vmalloc_counters.areas_freed, refs = vmalloc_counters.pages_freed;
	unsigned long free_before = nr_free_pages();

	vfree((void *)(unsigned long)args[0]);
	results[0] = vmalloc_counters.areas_freed - areas;
	results[1] = vmalloc_counters.pages_freed - refs;
	results[2] = (uint32_t)(nr_free_pages() - free_before);
	return ST_OK;
}
DEFINE_CMD(CMD_VFREE, cmd_vfree);

/* ---- vmap ---- */

#define VMAP_CMD_MAX_PAGES 64
#define VMAP_CMD_MAX_AREAS 8

/* What CMD_VMAP allocated, like a driver keeping its pages: one reference each. */
static struct vmap_record {
	unsigned long addr; /* 0: slot free */
	int count;
	struct page *pages[VMAP_CMD_MAX_PAGES];
} vmap_records[VMAP_CMD_MAX_AREAS];

static const unsigned int zone_gfp[MAX_NR_ZONES] = {
	[ZONE_DMA] = GFP_KERNEL | GFP_DMA,
	[ZONE_NORMAL] = GFP_KERNEL,
	[ZONE_HIGHMEM] = GFP_KERNEL | __GFP_HIGHMEM,
};

/* A prot the host may ask for: present, no frame bits, no PSE/PAT, NX only where enabled. */
static int vmap_prot(uint32_t lo, uint32_t hi, pgprot_t *prot)
{
	const uint32_t allowed = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_PWT | _PAGE_PCD |
				 _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_GLOBAL;

	if (!lo && !hi) {
		*prot = PAGE_KERNEL;
		return 0;
	}
	if (!(lo & _PAGE_PRESENT) || (lo & ~allowed))
		return -EINVAL;
	if (hi && !(pae_enabled && nx_enabled && hi == (uint32_t)(_PAGE_NX >> 32)))
		return -EINVAL;
	*prot = __pgprot(((uint64_t)hi << 32) | lo);
	return 0;
}

static void put_pages(struct page **pages, int count)
{
	int i;

	for (i = 0; i < count; i++)
		__free_page(pages[i]);
}

/*
 * arg0: count (1..64), arg1: zone (ZONE_DMA, ZONE_NORMAL, ZONE_HIGHMEM:
 * the zone's GFP mask, with its fallbacks), arg2/arg3: prot low/high word
 * (0/0: PAGE_KERNEL) -> result0: address, result1..7: the first seven
 * pfns.  The command keeps its own reference on each page until
 * CMD_VMAP_PUT, so after CMD_VFREE every page has a count of exactly 1.
 */
static int cmd_vmap(const uint32_t *args, uint32_t *results)
{
	struct vmap_record *r = NULL;
	pgprot_t prot;
	unsigned int i;
	void *addr;

	if (!args[0] || args[0] > VMAP_CMD_MAX_PAGES || args[1] >= MAX_NR_ZONES ||
	    vmap_prot(args[2], args[3], &prot))
		return ST_EINVAL;
	for (i = 0; i < VMAP_CMD_MAX_AREAS && !r; i++)
		if (!vmap_records[i].addr)
			r = &vmap_records[i];
	if (!r) {
		printk(KERN_ERR "CMD_VMAP: all %d slots in use: CMD_VMAP_PUT some first\n",
		       VMAP_CMD_MAX_AREAS);
		return ST_FAIL;
	}
	for (r->count = 0; r->count < (int)args[0]; r->count++) {
		r->pages[r->count] = alloc_page(zone_gfp[args[1]]);
		if (!r->pages[r->count]) {
			put_pages(r->pages, r->count);
			return ST_FAIL;
		}
	}
	addr = vmap(r->pages, r->count, VM_MAP, prot);
	if (!addr) {
		put_pages(r->pages, r->count);
		return ST_FAIL;
	}
	r->addr = (unsigned long)addr;
	for (i = 0; i < (unsigned int)r->count && i + 1 < MBOX_RESULTS; i++)
		results[i + 1] = (uint32_t)page_to_pfn(r->pages[i]);
	return alloc_result(addr, results);
}
DEFINE_CMD(CMD_VMAP, cmd_vmap);

/* arg0: an address CMD_VMAP returned -> result0: pages that went back to the free lists. */
static int cmd_vmap_put(const uint32_t *args, uint32_t *results)
{
	unsigned int i;
	int j;

	for (i = 0; i < VMAP_CMD_MAX_AREAS; i++) {
		struct vmap_record *r = &vmap_records[i];

		if (!args[0] || r->addr != args[0])
			continue;
		for (j = 0; j < r->count; j++)
			results[0] += page_count(r->pages[j]) == 1;
		put_pages(r->pages, r->count);
		r->addr = 0;
		r->count = 0;
		return ST_OK;
	}
	return ST_EINVAL;
}
DEFINE_CMD(CMD_VMAP_PUT, cmd_vmap_put);

/* ---- Fill and check ---- */

/*
 * The 32-bit word at byte offset @off (a multiple of 4) of a CMD_FILL
 * with @seed: a murmur3-style finaliser of seed + off * golden ratio.
 * tests/kvm/test_vmalloc.c computes the same to check guest memory.
 */
static uint32_t pattern_word(uint32_t seed, uint32_t off)
{
	uint32_t x = seed + off * 0x9e3779b9u;

	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

/* [addr, addr + bytes) is 4-byte aligned and inside the mapped part of one live area. */
static int fill_range_ok(uint32_t addr, uint32_t bytes)
{
	struct vm_struct *area;
	int ok = 0;

	if ((addr | bytes) & 3 || !bytes)
		return 0;
	read_lock(&vmlist_lock);
	area = find_vm_area_locked(addr);
	if (area) {
		unsigned long off = addr - (unsigned long)area->addr;
		unsigned long mapped = area->size - PAGE_SIZE;

		ok = off < mapped && bytes <= mapped - off;
	}
	read_unlock(&vmlist_lock);
	return ok;
}

/* arg0: address, arg1: bytes, arg2: seed -> result0: bytes written; ST_FAIL on a fault, result1: CR2. */
static int cmd_fill(const uint32_t *args, uint32_t *results)
{
	uint32_t off;

	if (!fill_range_ok(args[0], args[1]))
		return ST_EINVAL;
	for (off = 0; off < args[1]; off += 4) {
		if (probe_write_u32(args[0] + off, pattern_word(args[2], off))) {
			results[1] = last_fault.cr2;
			return ST_FAIL;
		}
		results[0] = off + 4;
	}
	return ST_OK;
}
DEFINE_CMD(CMD_FILL, cmd_fill);

/* arg0: address, arg1: bytes, arg2: seed -> result0: first bad byte offset + 1, or 0. */
static int cmd_check(const uint32_t *args, uint32_t *results)
{
	uint32_t off, val, want;
	unsigned int b;

	if (!fill_range_ok(args[0], args[1]))
		return ST_EINVAL;
	for (off = 0; off < args[1]; off += 4) {
		if (probe_read_u32(args[0] + off, &val)) {
			results[0] = off + 1;
			results[1] = last_fault.cr2;
			return ST_FAIL;
		}
		want = pattern_word(args[2], off);
		if (val == want)
			continue;
		for (b = 0; ((val ^ want) >> (8 * b) & 0xff) == 0; b++)
			;
		results[0] = off + b + 1;
		results[1] = val;
		results[2] = want;
		return ST_OK;
	}
	return ST_OK;
}
DEFINE_CMD(CMD_CHECK, cmd_check);

/* ---- Counters ---- */

/*
 * arg0: 0 -> result0..7: struct vmalloc_counters, in its order;
 *       1 -> result0..4: struct tlb_counters, in its order, result5:
 *            vmalloc faults, result6: fixed-up exceptions (last_fault.count).
 */
static int cmd_counters(const uint32_t *args, uint32_t *results)
{
	switch (args[0]) {
	case 0:
		_Static_assert(sizeof(vmalloc_counters) == 8 * sizeof(uint32_t), "8 results");
		memcpy(results, &vmalloc_counters, sizeof(vmalloc_counters));
		return ST_OK;
	case 1:
		_Static_assert(sizeof(tlb_counters) == 5 * sizeof(uint32_t), "5 results");
		memcpy(results, &tlb_counters, sizeof(tlb_counters));
		results[5] = (uint32_t)vmalloc_faults;
		results[6] = last_fault.count;
		return ST_OK;
	default:
		return ST_EINVAL;
	}
}
DEFINE_CMD(CMD_COUNTERS, cmd_counters);

/* ---- Probe sequences ---- */

static uint32_t flushes(void)
{
	return tlb_counters.flush_all + tlb_counters.flush_tlb + tlb_counters.flush_one;
}

/* Read @addr; 1 if it took a not-present #PF (kernel, read) with CR2 = addr. */
static int faults_not_present(unsigned long addr)
{
	uint32_t val;

	if (!probe_read_u32(addr, &val))
		return 0;
	return last_fault.vector == X86_TRAP_PF && !(last_fault.error_code & PF_PROT) &&
	       last_fault.cr2 == addr;
}

#define SEQ_MAX_PAGES 1024u

static int seq_vfree_then_probe(const uint32_t *args, uint32_t *results)
{
	unsigned long addr, a, size;
	uint32_t n = args[1], i, val, before_all, before_other;

	if (!n || n > SEQ_MAX_PAGES)
		return ST_EINVAL;
	size = (unsigned long)n << PAGE_SHIFT;
	before_all = flushes();
	addr = (unsigned long)vmalloc(size);
	if (!addr)
		return ST_FAIL;
	results[0] = addr;
	for (i = 0; i < n; i++) {
		a = addr + ((unsigned long)i << PAGE_SHIFT);
		if (probe_write_u32(a, a ^ 0x5a5a5a5au) || probe_read_u32(a, &val) ||
		    val != (a ^ 0x5a5a5a5au))
			results[1]++;
	}
	results[2] = flushes() - before_all;

	before_all = tlb_counters.flush_all;
	before_other = tlb_counters.flush_tlb + tlb_counters.flush_one;
	vfree((void *)addr);
	results[3] = tlb_counters.flush_all - before_all;
	results[4] = tlb_counters.flush_tlb + tlb_counters.flush_one - before_other;

	for (i = 0; i <= n; i++) { /* i == n: the guard page */
		a = addr + ((unsigned long)i << PAGE_SHIFT);
		results[5]++;
		if (faults_not_present(a))
			results[6]++;
		else if (!results[7])
			results[7] = a;
	}
	printk(KERN_INFO
	       "SEQ_VFREE_THEN_PROBE: %u pages at %#lx: %u faulted before vfree, "
	       "%u flushes in vmalloc, %u full flushes in vfree, %u/%u not-present after\n",
	       n, addr, results[1], results[2], results[3], results[6], results[5]);
	return ST_OK;
}

/* The kernel's PTE for a vmalloc address that is mapped, or NULL. */
static pte_t *kernel_pte(unsigned long addr)
{
	pmd_t *pmd = pmd_offset(pgd_offset_k(addr), addr);

	if (pmd_none(pmdp_get(pmd)) || pmd_bad(pmdp_get(pmd)))
		return NULL;
	return pte_offset(pmd, addr);
}

static int seq_stale_tlb(const uint32_t *args, uint32_t *results)
{
	const uint32_t magic = 0x57a1e7b1u;
	unsigned long addr;
	uint32_t val;
	pte_t *ptep, old;

	(void)args;
	addr = (unsigned long)vmalloc(PAGE_SIZE);
	if (!addr)
		return ST_FAIL;
	results[0] = addr;
	ptep = kernel_pte(addr);
	if (!ptep || probe_write_u32(addr, magic) || probe_read_u32(addr, &val)) {
		vfree((void *)addr);
		return ST_FAIL;
	}
	old = ptep_get_and_clear(ptep);
	results[5] = (pte_val(old) & _PAGE_GLOBAL) != 0;
	/* No flush: whatever the TLB still holds is what the CPU uses. */
	results[1] = !probe_read_u32(addr, &val) && val == magic;
	__flush_tlb(); /* CR3 reload: keeps global entries */
	results[2] = !probe_read_u32(addr, &val) && val == magic;
	__flush_tlb_one(addr);
	results[3] = faults_not_present(addr);
	set_pte(ptep, old);
	__flush_tlb_one(addr);
	results[4] = !probe_read_u32(addr, &val) && val == magic;
	vfree((void *)addr);
	printk(KERN_INFO "SEQ_STALE_TLB: stale translation used after clearing the PTE: %s; "
			 "%s entry %s a CR3 reload; after invlpg: %s\n",
	       results[1] ? "yes" : "no", results[5] ? "global" : "non-global",
	       results[2] ? "survived" : "did not survive",
	       results[3] ? "not-present fault" : "NO FAULT");
	return ST_OK;
}

/* arg0: enum probe_seq, arg1..: its parameters (shared/abi.h). */
static int cmd_probe_seq(const uint32_t *args, uint32_t *results)
{
	switch (args[0]) {
	case SEQ_VFREE_THEN_PROBE:
		return seq_vfree_then_probe(args, results);
	case SEQ_STALE_TLB:
		return seq_stale_tlb(args, results);
	default:
		return ST_EINVAL;
	}
}
DEFINE_CMD(CMD_PROBE_SEQ, cmd_probe_seq);
