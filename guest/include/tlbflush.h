/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TLB flushes (Linux 2.4 include/asm-i386/pgalloc.h, tlbflush.h) and the
 * counters the host reads through the ELF symbol `tlb_counters`.
 *
 *   flush_all   full flushes, global entries included (__flush_tlb_all)
 *   flush_tlb   CR3 reloads that keep global entries (__flush_tlb)
 *   flush_one   single-page invalidations (__flush_tlb_one: invlpg)
 *   cr3_writes  every CR3 load: flushes, switch_mm, boot
 *   cr4_writes  every CR4 load: PGE toggles, boot
 */
#ifndef GUEST_TLBFLUSH_H
#define GUEST_TLBFLUSH_H

#include <stddef.h>
#include <stdint.h>

#include "shared/kstructs.h"

struct tlb_counters {
	uint32_t flush_all;
	uint32_t flush_tlb;
	uint32_t flush_one;
	uint32_t cr3_writes;
	uint32_t cr4_writes;
};

_Static_assert(sizeof(struct tlb_counters) == TLB_CNT_NR * 4 &&
		       offsetof(struct tlb_counters, flush_all) == TLB_CNT_FLUSH_ALL * 4 &&
		       offsetof(struct tlb_counters, flush_tlb) == TLB_CNT_FLUSH_TLB * 4 &&
		       offsetof(struct tlb_counters, flush_one) == TLB_CNT_FLUSH_ONE * 4 &&
		       offsetof(struct tlb_counters, cr3_writes) == TLB_CNT_CR3_WRITES * 4 &&
		       offsetof(struct tlb_counters, cr4_writes) == TLB_CNT_CR4_WRITES * 4,
	       "struct tlb_counters is read by the host (shared/kstructs.h)");

extern struct tlb_counters tlb_counters;

/* CR4 as we set it (2.4's mmu_cr4_features); only set_in_cr4() changes it. */
extern unsigned long mmu_cr4_features;

/*
 * Every CR3 and CR4 write goes through these two: they count, and under
 * PAE they first clear reserved bits in the PDPT entries (tlb.c says why).
 */
void write_cr3(unsigned long val);
void write_cr4(unsigned long val);

/* PDPT entries found with reserved bits set (by an emulator) and repaired. */
extern unsigned long pdpte_fixups;

static inline void set_in_cr4(unsigned long mask)
{
	mmu_cr4_features |= mask;
	write_cr4(mmu_cr4_features);
}

/* This CPU only. */
void __flush_tlb(void);	       /* reload CR3: non-global entries */
void __flush_tlb_global(void); /* toggle CR4.PGE: everything */
/* nopgeflush: __flush_tlb_global counts without toggling CR4.PGE (a negative control). */
extern int tlb_no_pge_flush;
void __flush_tlb_all(void);		  /* everything, by whichever of the two applies */
void __flush_tlb_one(unsigned long addr); /* invlpg */

/* The same on an AP, not counted in tlb_counters (kernel/smp.c). */
void __write_cr3_uncounted(unsigned long val);
void __write_cr4_uncounted(unsigned long val);
void __flush_tlb_all_uncounted(void);

/* Every online CPU, each through its own __flush_tlb_all (the others by
 * the "IPI"): what vfree uses after clearing kernel PTEs (kernel/smp.c). */
void flush_tlb_all(void);

#endif /* GUEST_TLBFLUSH_H */
