// SPDX-License-Identifier: GPL-2.0
/*
 * Self-tests of the page-table layer, the TLB flushes and the vmalloc
 * fault (CMD_SELFTEST; run at boot when there is no VMM).
 *
 * They borrow one page of the vmalloc range, the last one below
 * VMALLOC_END (SCRATCH), map a page of the kernel image there and unmap
 * it before returning.  The PTE page they may allocate for it stays, as
 * vmalloc's own do (2.4 never frees kernel page tables).
 */
#include <extable.h>
#include <kernel.h>
#include <mailbox.h>
#include <mm.h>
#include <pgalloc.h>
#include <pgtable.h>
#include <processor.h>
#include <mmu_context.h>
#include <sched.h>
#include <string.h>
#include <tlbflush.h>

#include "shared/layout.h"
#include "shared/mmu.h"

#define SCRATCH (VMALLOC_END - PAGE_SIZE)

/* Two frames to map at SCRATCH, reached through the direct map too. */
static uint32_t frame_a[PAGE_SIZE / 4] __aligned(PAGE_SIZE);
static uint32_t frame_b[PAGE_SIZE / 4] __aligned(PAGE_SIZE);

#define CHECK(cond, fmt, ...)                                                                      \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printk(KERN_ERR "%s:%d: %s: " fmt "\n", __FILE__, __LINE__, #cond,         \
			       ##__VA_ARGS__);                                                     \
			goto out;                                                                  \
		}                                                                                  \
	} while (0)

/* The kernel PTE for SCRATCH, its page table allocated if need be; NULL if that failed. */
static pte_t *scratch_pte(void)
{
	pmd_t *pmd;
	pte_t *pte;

	spin_lock(&init_mm.page_table_lock);
	pmd = pmd_alloc(&init_mm, pgd_offset_k(SCRATCH), SCRATCH);
	pte = pmd ? pte_alloc(&init_mm, pmd, SCRATCH) : NULL;
	spin_unlock(&init_mm.page_table_lock);
	if (!pte)
		printk(KERN_ERR "selftest: no page table for %08lx\n", (unsigned long)SCRATCH);
	return pte;
}

static void scratch_clear(pte_t *pte)
{
	if (!pte)
		return;
	pte_clear(pte);
	__flush_tlb_one(SCRATCH);
}

static int selftest_pgtable(void)
{
	pte_t *pte = scratch_pte();
	pmd_t *pmd;
	struct pt_walk w;
	struct page *page;
	pte_t old;
	uint32_t val = 0;
	int ret = 1;

	CHECK(pte, "pte_alloc failed");
	pmd = pmd_offset(pgd_offset_k(SCRATCH), SCRATCH);
	CHECK(!pmd_none(pmdp_get(pmd)) && !pmd_bad(pmdp_get(pmd)), "pmd entry %016llx",
	      (unsigned long long)pmd_val(pmdp_get(pmd)));
	CHECK(pte_none(ptep_get(pte)), "SCRATCH %08lx is in use: pte %016llx",
	      (unsigned long)SCRATCH, (unsigned long long)pte_val(ptep_get(pte)));

	page = virt_to_page(frame_a);
	set_pte(pte, mk_pte(page, PAGE_KERNEL));
	CHECK(pte_present(ptep_get(pte)) && pte_page(ptep_get(pte)) == page,
	      "pte %016llx does not map pfn %#lx", (unsigned long long)pte_val(ptep_get(pte)),
	      page_to_pfn(page));
	CHECK(pte_val(ptep_get(pte)) == ((uint64_t)__pa(frame_a) | pgprot_val(PAGE_KERNEL)),
	      "pte %016llx", (unsigned long long)pte_val(ptep_get(pte)));

	pt_walk(read_cr3(), SCRATCH + 0x10, &w);
	CHECK(w.mapped && !w.large && w.phys == __pa(frame_a) + 0x10, "walk: levels %d phys %08llx",
	      w.levels, (unsigned long long)w.phys);
	CHECK(w.entry[w.levels - 1] == pte_val(ptep_get(pte)), "walk: pte %016llx",
	      (unsigned long long)w.entry[w.levels - 1]);

	/* Both mappings see the same memory. */
	frame_a[0] = 0x12345678;
	CHECK(!probe_read_u32(SCRATCH, &val) && val == 0x12345678, "read %08x", val);
	CHECK(!probe_write_u32(SCRATCH + 4, 0xcafef00d) && frame_a[1] == 0xcafef00d, "wrote %08x",
	      frame_a[1]);

	/* Unmapped again: a not-present fault at the address. */
	old = ptep_get_and_clear(pte);
	__flush_tlb_one(SCRATCH);
	CHECK(pte_pfn(old) == page_to_pfn(page), "old pte %016llx",
	      (unsigned long long)pte_val(old));
	CHECK(pte_none(ptep_get(pte)), "pte %016llx after clear",
	      (unsigned long long)pte_val(ptep_get(pte)));
	CHECK(probe_read_u32(SCRATCH, &val), "unmapped SCRATCH read %08x", val);
	CHECK(last_fault.vector == X86_TRAP_PF && !(last_fault.error_code & PF_PROT) &&
		      last_fault.cr2 == SCRATCH,
	      "fault: vector %u error %#x cr2 %08x", last_fault.vector, last_fault.error_code,
	      last_fault.cr2);
	ret = 0;
out:
	scratch_clear(pte);
	return ret;
}
DEFINE_SELFTEST(pgtable_set_pte, selftest_pgtable);

static int counters_moved(const struct tlb_counters *a, const struct tlb_counters *b,
			  uint32_t flush_all, uint32_t flush_tlb, uint32_t flush_one, uint32_t cr3,
			  uint32_t cr4, const char *what)
{
	if (b->flush_all - a->flush_all == flush_all && b->flush_tlb - a->flush_tlb == flush_tlb &&
	    b->flush_one - a->flush_one == flush_one && b->cr3_writes - a->cr3_writes == cr3 &&
	    b->cr4_writes - a->cr4_writes == cr4)
		return 1;
	printk(KERN_ERR "%s: counters moved by all %u tlb %u one %u cr3 %u cr4 %u, "
			"expected %u %u %u %u %u\n",
	       what, b->flush_all - a->flush_all, b->flush_tlb - a->flush_tlb,
	       b->flush_one - a->flush_one, b->cr3_writes - a->cr3_writes,
	       b->cr4_writes - a->cr4_writes, flush_all, flush_tlb, flush_one, cr3, cr4);
	return 0;
}

/*
 * Each flush moves its own counters, and after each the new translation
 * is used.  Whether a stale one was used before the flush is reported,
 * not asserted: that is up to the TLB.
 */
static int selftest_tlb(void)
{
	pte_t *pte = scratch_pte();
	struct tlb_counters c0, c1;
	int pge = (mmu_cr4_features & X86_CR4_PGE) != 0;
	uint32_t val = 0;
	int ret = 1;

	CHECK(pte, "no page table");
	CHECK(pge == cpu_has_pge && !!(read_cr4() & X86_CR4_PGE) == pge,
	      "CR4.PGE %d, cpu_has_pge %d", !!(read_cr4() & X86_CR4_PGE), cpu_has_pge);
	frame_a[0] = 0xaaaaaaaa;
	frame_b[0] = 0xbbbbbbbb;

	c0 = tlb_counters;
	__flush_tlb_one(SCRATCH);
	c1 = tlb_counters;
	CHECK(counters_moved(&c0, &c1, 0, 0, 1, 0, 0, "__flush_tlb_one"), " ");
	c0 = c1;
	__flush_tlb();
	c1 = tlb_counters;
	CHECK(counters_moved(&c0, &c1, 0, 1, 0, 1, 0, "__flush_tlb"), " ");
	c0 = c1;
	flush_tlb_all();
	c1 = tlb_counters;
	CHECK(counters_moved(&c0, &c1, 1, 0, 0, pge ? 0 : 1, pge ? 2 : 0, "flush_tlb_all"), " ");

	/* invlpg: A, then B in the same PTE. */
	set_pte(pte, mk_pte_phys(__pa(frame_a), PAGE_KERNEL));
	CHECK(!probe_read_u32(SCRATCH, &val) && val == 0xaaaaaaaa, "A read %08x", val);
	set_pte(pte, mk_pte_phys(__pa(frame_b), PAGE_KERNEL));
	probe_read_u32(SCRATCH, &val);
	printk(KERN_INFO "tlb: PTE changed, no flush: read %s\n",
	       val == 0xaaaaaaaa ? "the old frame (stale TLB entry)" : "the new frame");
	__flush_tlb_one(SCRATCH);
	CHECK(!probe_read_u32(SCRATCH, &val) && val == 0xbbbbbbbb, "B after invlpg read %08x", val);

	/* A CR3 reload keeps global entries; flush_tlb_all() does not. */
	set_pte(pte, mk_pte_phys(__pa(frame_a), PAGE_KERNEL));
	__flush_tlb();
	probe_read_u32(SCRATCH, &val);
	printk(KERN_INFO "tlb: PTE changed, CR3 reloaded, %s page: read %s\n",
	       pge ? "global" : "non-global",
	       val == 0xbbbbbbbb ? "the old frame (entry kept)" : "the new frame");
	set_pte(pte, mk_pte_phys(__pa(frame_b), PAGE_KERNEL));
	flush_tlb_all();
	CHECK(!probe_read_u32(SCRATCH, &val) && val == 0xbbbbbbbb, "after flush_tlb_all read %08x",
	      val);
	ret = 0;
out:
	scratch_clear(pte);
	return ret;
}
DEFINE_SELFTEST(tlb_flush_counters, selftest_tlb);

/*
 * An address space made before the kernel mapped SCRATCH's PGD entry
 * (2-level; simulated by clearing that entry in the new PGD) sees the
 * mapping after one vmalloc fault.  PAE: the kernel PMD is shared, so it
 * sees it at once, with no fault.
 */
static int selftest_vmalloc_fault(void)
{
	struct mm_struct *mm = NULL;
	pte_t *pte = scratch_pte();
	unsigned long faults;
	uint32_t val = 0;
	int ret = 1;

	CHECK(pte, "no page table");
	set_pte(pte, mk_pte_phys(__pa(frame_a), PAGE_KERNEL));
	frame_a[0] = 0x5a5a1234;
	mm = mm_alloc();
	CHECK(mm, "mm_alloc failed");
	CHECK(mm->pgd != init_mm.pgd && find_mm(mm->id) == mm, "mm id %u", mm->id);
	if (!pae_enabled)
		set_pmd(pmd_offset(pgd_offset(mm, SCRATCH), SCRATCH), __pmd(0));
	else
		CHECK(pgd_page(pgdp_get(pgd_offset(mm, SCRATCH))) ==
			      pgd_page(pgdp_get(pgd_offset_k(SCRATCH))),
		      "PAE kernel PMD page not shared: PDPT entry %016llx",
		      (unsigned long long)pgd_val(pgdp_get(pgd_offset(mm, SCRATCH))));

	switch_mm(mm);
	CHECK(read_cr3() == __pa(mm->pgd), "CR3 %08lx", read_cr3());
	faults = vmalloc_faults;
	CHECK(!probe_read_u32(SCRATCH, &val) && val == 0x5a5a1234, "read %08x through the new mm",
	      val);
	CHECK(vmalloc_faults - faults == (pae_enabled ? 0u : 1u), "%lu vmalloc faults",
	      vmalloc_faults - faults);
	CHECK(pmd_val(pmdp_get(pmd_offset(pgd_offset(mm, SCRATCH), SCRATCH))) ==
		      pmd_val(pmdp_get(pmd_offset(pgd_offset_k(SCRATCH), SCRATCH))),
	      "pmd entry not copied");

	/* Nothing to copy: the kernel has no mapping there either.  A real fault, fixed up. */
	faults = vmalloc_faults;
	CHECK(probe_read_u32(FIXADDR_START, &val), "read %08x at FIXADDR_START", val);
	CHECK(last_fault.vector == X86_TRAP_PF && last_fault.cr2 == FIXADDR_START &&
		      vmalloc_faults == faults,
	      "vector %u cr2 %08x vmalloc faults +%lu", last_fault.vector, last_fault.cr2,
	      vmalloc_faults - faults);
	ret = 0;
out:
	switch_mm(&init_mm);
	if (mm)
		mmdrop(mm);
	scratch_clear(pte);
	return ret;
}
DEFINE_SELFTEST(vmalloc_fault_mm, selftest_vmalloc_fault);

/* Probes of unmapped user addresses: the exception table reports each fault. */
static int selftest_probe(void)
{
	uint32_t val = 0;
	unsigned int count = last_fault.count;
	int ret = 1;

	CHECK(probe_read_u32(0, &val) == -14, "read at 0 did not fault");
	CHECK(last_fault.vector == X86_TRAP_PF && last_fault.error_code == 0 && last_fault.cr2 == 0,
	      "vector %u error %#x cr2 %08x", last_fault.vector, last_fault.error_code,
	      last_fault.cr2);
	CHECK(probe_write_u32(0x1000, 1) == -14, "write at 0x1000 did not fault");
	CHECK(last_fault.error_code == PF_WRITE && last_fault.cr2 == 0x1000, "error %#x cr2 %08x",
	      last_fault.error_code, last_fault.cr2);
	CHECK(last_fault.count == count + 2, "count %u", last_fault.count - count);
	CHECK(!probe_read_u32((unsigned long)&frame_b[0], &val) && val == frame_b[0], "read %08x",
	      val);
	ret = 0;
out:
	return ret;
}
DEFINE_SELFTEST(extable_probe, selftest_probe);
