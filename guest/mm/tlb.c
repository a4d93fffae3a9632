// SPDX-License-Identifier: GPL-2.0
/* TLB flushes, counted for the host (tlbflush.h; Linux 2.4 include/asm-i386/pgalloc.h). */
#include <page.h>
#include <processor.h>
#include <tlbflush.h>

#include "shared/mmu.h"

struct tlb_counters tlb_counters;
unsigned long mmu_cr4_features;
unsigned long pdpte_fixups;

/*
 * A CR3 load under PAE, and a CR4 write that changes PGE/PSE/PAE, make
 * the CPU reload the four PDPT entries, and KVM raises #GP if one has a
 * reserved bit set.  The kernel never sets one, but QEMU's software MMU
 * (TCG, which also implements nested paging under tools/kvm-run) sets
 * the accessed bit, bit 5, in PDPT entries as if they were long-mode
 * ones.  Clear reserved bits before such a write; a no-op on real CPUs.
 */
static void pdpt_clear_reserved(unsigned long cr3)
{
	volatile uint32_t *pdpt = __va(cr3 & ~0x1ful);
	unsigned int i;

	if (!(mmu_cr4_features & X86_CR4_PAE))
		return;
	for (i = 0; i < 4; i++) {
		if (pdpt[2 * i] & PDPTE_RESERVED_PAE) {
			pdpt[2 * i] &= ~(uint32_t)PDPTE_RESERVED_PAE;
			pdpte_fixups++;
		}
	}
}

void write_cr3(unsigned long val)
{
	pdpt_clear_reserved(val);
	tlb_counters.cr3_writes++;
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(val) : "memory");
}

void write_cr4(unsigned long val)
{
	pdpt_clear_reserved(read_cr3());
	tlb_counters.cr4_writes++;
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(val) : "memory");
}

void __flush_tlb(void)
{
	tlb_counters.flush_tlb++;
	write_cr3(read_cr3());
}

/* Clearing CR4.PGE flushes everything, global entries included (SDM 4.10.4.1). */
void __flush_tlb_global(void)
{
	tlb_counters.flush_all++;
	write_cr4(mmu_cr4_features & ~X86_CR4_PGE);
	write_cr4(mmu_cr4_features);
}

void __flush_tlb_all(void)
{
	if (mmu_cr4_features & X86_CR4_PGE) {
		__flush_tlb_global();
		return;
	}
	/* No global entries: a CR3 reload is a full flush. */
	tlb_counters.flush_all++;
	write_cr3(read_cr3());
}

void __flush_tlb_one(unsigned long addr)
{
	tlb_counters.flush_one++;
	__asm__ __volatile__("invlpg (%0)" : : "r"(addr) : "memory");
}

/*
 * For later, with several CPUs: send every other online CPU an IPI whose
 * handler runs __flush_tlb_all() there, and wait until each has (2.4's
 * smp_call_function(flush_tlb_all_ipi, ...)).  With one CPU there is
 * nobody to ask.
 */
static void flush_tlb_all_others(void)
{
}

void flush_tlb_all(void)
{
	flush_tlb_all_others();
	__flush_tlb_all();
}
