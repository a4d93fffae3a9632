// SPDX-License-Identifier: GPL-2.0
/*
 * This CPU's TLB flushes and control-register writes, counted for the
 * host (tlbflush.h; Linux 2.4 include/asm-i386/pgalloc.h).  flush_tlb_all,
 * which also asks the other CPUs, is in kernel/smp.c, as in 2.4.
 */
#include <extable.h>
#include <kernel.h>
#include <percpu.h>
#include <page.h>
#include <pgtable.h>
#include <sched.h>
#include <processor.h>
#include <tlbflush.h>

#include "shared/mmu.h"

struct tlb_counters tlb_counters;
unsigned long mmu_cr4_features;
unsigned long pdpte_fixups;
int tlb_no_pge_flush;

/*
 * A CR3 load under PAE, and a CR4 write that changes PGE/PSE/PAE, make
 * the CPU reload the four PDPT entries, and KVM raises #GP if one has a
 * reserved bit set.  The kernel never sets one, but QEMU's software MMU
 * (TCG, which also implements nested paging under tools/kvm-run) sets
 * the accessed bit, bit 5, in PDPT entries as if they were long-mode
 * ones, and may do so again on any TLB miss between our clearing the bit
 * and the control-register write, as may every other CPU's TLB miss, all
 * CPUs sharing swapper_pg_dir's PDPT: with four busy CPUs 16 tries were
 * seen to run out.  So the write retries: its #GP is fixed up (exception
 * table) to clear the bits again and write again.
 * On real CPUs the first write succeeds and nothing is ever cleared.
 */
#define PDPTE_RETRIES 4096

static void pdpt_clear_reserved(volatile uint32_t *pdpt)
{
	unsigned int i;

	for (i = 0; i < PTRS_PER_PGD_PAE; i++) {
		if (pdpt[2 * i] & PDPTE_RESERVED_PAE) {
			pdpt[2 * i] &= ~(uint32_t)PDPTE_RESERVED_PAE;
			pdpte_fixups++;
		}
	}
}

/* mov val to %%<cr>; a #GP there is fixed up to set gp instead of oopsing. */
#define MOV_TO_CR_FIXUP(cr, val, gp)                                                               \
	__asm__ __volatile__("1:	mov %1, %%" cr "\n"                                        \
			     "2:\n"                                                                \
			     ".pushsection .fixup, \"ax\"\n"                                       \
			     "3:	movl $1, %0\n"                                                    \
			     "	jmp 2b\n"                                                           \
			     ".popsection\n" _ASM_EXTABLE(1b, 3b)                                  \
			     : "+r"(gp)                                                            \
			     : "r"(val)                                                            \
			     : "memory")

/* Write CR3 (cr == 3) or CR4 (cr == 4); under PAE, retry while a PDPT
 * entry the CPU loads has a reserved bit set. */
static void write_cr_pae_safe(int cr, unsigned long val, unsigned long cr3)
{
	volatile uint32_t *pdpt = __va(cr3 & CR3_PGD_MASK_PAE);
	unsigned int tries;
	int gp;

	for (tries = 0; tries < PDPTE_RETRIES; tries++) {
		if (mmu_cr4_features & X86_CR4_PAE)
			pdpt_clear_reserved(pdpt);
		gp = 0;
		if (cr == 3)
			MOV_TO_CR_FIXUP("cr3", val, gp);
		else
			MOV_TO_CR_FIXUP("cr4", val, gp);
		if (!gp)
			return;
		if (!(mmu_cr4_features & X86_CR4_PAE))
			break; /* no PDPT to blame: a real #GP */
	}
	panic("mov to cr%d (0x%08lx) keeps raising #GP (PDPT at cr3 0x%08lx)", cr, val, cr3);
}

void write_cr3(unsigned long val)
{
	stat_inc(tlb_counters.cr3_writes);
	write_cr_pae_safe(3, val, val);
}

void write_cr4(unsigned long val)
{
	stat_inc(tlb_counters.cr4_writes);
	write_cr_pae_safe(4, val, read_cr3());
}

void __flush_tlb(void)
{
	stat_inc(tlb_counters.flush_tlb);
	write_cr3(read_cr3());
}

/* Clearing CR4.PGE flushes everything, global entries included (SDM 4.10.4.1). */
void __flush_tlb_global(void)
{
	stat_inc(tlb_counters.flush_all);
	if (tlb_no_pge_flush)
		return; /* nopgeflush (a negative control): counted, CR4.PGE never toggled */
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
	stat_inc(tlb_counters.flush_all);
	write_cr3(read_cr3());
}

void __flush_tlb_one(unsigned long addr)
{
	stat_inc(tlb_counters.flush_one);
	__asm__ __volatile__("invlpg (%0)" : : "r"(addr) : "memory");
}

/*
 * What an AP runs: the same flushes, but not counted in tlb_counters,
 * which count the boot CPU's (rule T3); smp_ipi_flushes counts these.
 */
void __write_cr3_uncounted(unsigned long val)
{
	write_cr_pae_safe(3, val, val);
}

void __write_cr4_uncounted(unsigned long val)
{
	write_cr_pae_safe(4, val, read_cr3());
}

void __flush_tlb_all_uncounted(void)
{
	if (mmu_cr4_features & X86_CR4_PGE) {
		__write_cr4_uncounted(mmu_cr4_features & ~X86_CR4_PGE);
		__write_cr4_uncounted(mmu_cr4_features);
		return;
	}
	__write_cr3_uncounted(read_cr3());
}
