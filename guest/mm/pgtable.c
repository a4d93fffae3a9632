// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's page tables (Linux 2.4 arch/i386/mm/init.c): paging_init
 * builds swapper_pg_dir and the direct map; and the guest's own walker,
 * pt_walk, which reads the tables as the CPU does (for oops reports and
 * self-tests).  Page-table pages are in mm/pgalloc.c and mm/memory.c.
 */
#include <bootmem.h>
#include <extable.h>
#include <kernel.h>
#include <percpu.h>
#include <mm.h>
#include <pgtable.h>
#include <processor.h>
#include <sched.h>
#include <string.h>
#include <tlbflush.h>
#include <vmap_area.h>

#include "shared/layout.h"
#include "shared/mmu.h"

int pae_enabled;
int nx_enabled;
unsigned long vmalloc_start;

/* 2-level: the PGD.  PAE: the PDPT in the first 32 bytes (aligned, as CR3 needs). */
uint32_t swapper_pg_dir[1024] __aligned(PAGE_SIZE);

/* What the direct map covers: boot.S's early mapping, then lowmem. */
static unsigned long direct_map_end = EARLY_MAP_SIZE;

/* arch/boot.S, .text.boot: runs identity-mapped; see the comment there. */
void enable_pae_paging(unsigned long pdpt_phys, unsigned long cr4, unsigned long nxe);

/* ---- Boot: swapper_pg_dir. ---- */

/*
 * Map lowmem [0, max_low_pfn) at PAGE_OFFSET: large pages (4 MiB, or
 * 2 MiB under PAE) where the CPU has PSE and a whole one fits, 4 KiB
 * pages from bootmem for the rest.  Global where the CPU has PGE.
 */
static void kernel_physical_mapping_init(void)
{
	unsigned long end = PFN_PHYS(max_low_pfn), phys = 0;
	uint64_t global = cpu_has_pge ? _PAGE_GLOBAL : 0;

	while (phys < end) {
		unsigned long vaddr = PAGE_OFFSET + phys;
		pmd_t *pmd = pmd_offset(pgd_offset_k(vaddr), vaddr);
		pte_t *pte_page;
		unsigned int i;

		if (cpu_has_pse && end - phys >= PMD_SIZE) {
			set_pmd(pmd, __pmd(phys | __PAGE_KERNEL | _PAGE_PSE | global));
			phys += PMD_SIZE;
			continue;
		}
		pte_page = alloc_bootmem_low_pages(PAGE_SIZE);
		set_pmd(pmd, __pmd(__pa(pte_page) | _KERNPG_TABLE));
		for (i = 0; i < PTRS_PER_PTE && phys < end; i++, phys += PAGE_SIZE)
			set_pte(pte_offset(pmd, PAGE_OFFSET + phys),
				mk_pte_phys(phys, PAGE_KERNEL));
	}
}

/*
 * Switching from boot.S's 2-level tables: a plain CR3 load for 2-level.
 * PAE cannot be turned on with paging on, so enable_pae_paging() does it
 * from identity-mapped code with paging briefly off; swapper_pg_dir maps
 * that code's first PMD_SIZE at 0 just for the switch (through PDPT slot
 * 0's PMD page), and the entry is cleared right after.  Global pages are
 * turned on only after that, so the identity entries were never global
 * and the CR3 reload flushes them.
 */
static void switch_to_swapper(void)
{
	unsigned long pdpt = __pa(swapper_pg_dir);

	if (!pae_enabled) {
		if (cpu_has_pse)
			set_in_cr4(X86_CR4_PSE);
		write_cr3(pdpt);
		return;
	}

	pmd_t *ident = pmd_offset(pgd_offset_k(0), 0);
	pmd_t *direct = pmd_offset(pgd_offset_k(PAGE_OFFSET), PAGE_OFFSET);

	BUG_ON((unsigned long)enable_pae_paging >= PMD_SIZE);
	set_pmd(ident, pmdp_get(direct));
	nx_enabled = cpu_has_nx;
	mmu_cr4_features |= X86_CR4_PAE | (cpu_has_pse ? X86_CR4_PSE : 0);
	enable_pae_paging(pdpt, mmu_cr4_features, nx_enabled);
	stat_inc(tlb_counters.cr4_writes);
	stat_inc(tlb_counters.cr3_writes);
	pmd_clear(ident);
	__flush_tlb();
}

void paging_init(void)
{
	unsigned int i;

	pae_enabled = pae_requested;
	mmu_cr4_features = read_cr4();
	memset(swapper_pg_dir, 0, sizeof(swapper_pg_dir));
	if (pae_enabled) {
		/* The four PMD pages: the pgd level never changes again. */
		for (i = 0; i < PTRS_PER_PGD; i++) {
			void *pmd = alloc_bootmem_low_pages(PAGE_SIZE);

			set_pgd(pgd_offset_k(i * PGDIR_SIZE), __pgd(__pa(pmd) | _PAGE_PRESENT));
		}
	}
	kernel_physical_mapping_init();
	switch_to_swapper();
	if (cpu_has_pge)
		set_in_cr4(X86_CR4_PGE);
	bootmem_set_limit(max_low_pfn);
	direct_map_end = PFN_PHYS(max_low_pfn);

	vmalloc_start = VMALLOC_START_FOR(PAGE_OFFSET + PFN_PHYS(max_low_pfn));
	vmalloc_init();
	printk(KERN_INFO "Paging: %s, lowmem mapped with %s pages%s%s\n",
	       pae_enabled ? "PAE (3-level)" : "2-level", cpu_has_pse ? "large" : "4 KiB",
	       cpu_has_pge ? ", global" : "", nx_enabled ? ", NX enabled" : "");
	printk(KERN_INFO "swapper_pg_dir at %08lx, CR4 %08lx\n", __pa(swapper_pg_dir), read_cr4());
	printk(KERN_INFO "vmalloc area: %08lx - %08x\n", vmalloc_start, VMALLOC_END);
}

void __set_fixmap(unsigned int idx, unsigned long phys, pgprot_t flags)
{
	unsigned long vaddr = __fix_to_virt(idx);
	pmd_t *pmd = pmd_offset(pgd_offset_k(vaddr), vaddr);

	if (pmd_none(pmdp_get(pmd))) {
		pte_t *pte_page = alloc_bootmem_low_pages(PAGE_SIZE);

		set_pmd(pmd, __pmd(__pa(pte_page) | _KERNPG_TABLE));
	}
	set_pte(pte_offset(pmd, vaddr), mk_pte_phys(phys, flags));
	__flush_tlb_one(vaddr);
}

/* ---- Inspection. ---- */

/* Read a page-table entry by physical address, through the direct map; -1 if out of reach. */
static int read_entry(uint64_t pa, uint64_t *val)
{
	uint32_t lo, hi = 0;

	if (pa + PT_ENTRY_SIZE > direct_map_end)
		return -1;
	if (probe_read_u32((unsigned long)__va((unsigned long)pa), &lo))
		return -1;
	if (pae_enabled && probe_read_u32((unsigned long)__va((unsigned long)pa) + 4, &hi))
		return -1;
	*val = ((uint64_t)hi << 32) | lo;
	return 0;
}

/* The index of @address's entry in the table of walk level @level (0 = pgd). */
static unsigned long walk_index(int level, unsigned long address)
{
	if (level == 0)
		return pgd_index(address);
	if (level == PT_LEVELS - 1)
		return pte_index(address);
	return pmd_index(address);
}

/* The frame a 4 KiB PTE of swapper_pg_dir maps at va (hot and stress tags name it), or 0. */
unsigned long kernel_pfn(unsigned long va)
{
	pgd_t *pgd = pgd_offset_k(va);
	pmd_t *pmd;
	pte_t pte;

	if (!pgd_present(pgdp_get(pgd)))
		return 0;
	pmd = pmd_offset(pgd, va);
	if (!pmd_present(pmdp_get(pmd)) || pmd_large(pmdp_get(pmd)))
		return 0;
	pte = ptep_get(pte_offset(pmd, va));
	return pte_present(pte) ? pte_pfn(pte) : 0;
}

void pt_walk(unsigned long cr3, unsigned long address, struct pt_walk *w)
{
	static const char *const names_2l[PT_LEVELS_2L] = { "pgd", "pte" };
	static const char *const names_pae[PT_LEVELS_PAE] = { "pgd", "pmd", "pte" };
	const char *const *names = pae_enabled ? names_pae : names_2l;
	int levels = PT_LEVELS;
	uint64_t table = cr3 & CR3_PGD_MASK;
	int level;

	memset(w, 0, sizeof(*w));
	for (level = 0; level < levels; level++) {
		uint64_t e;

		w->name[level] = names[level];
		w->entry_pa[level] = table + walk_index(level, address) * PT_ENTRY_SIZE;
		if (read_entry(w->entry_pa[level], &e)) {
			w->cut = 1;
			return;
		}
		w->entry[level] = e;
		w->levels = level + 1;
		if (!(e & _PAGE_PRESENT))
			return;
		if (level == levels - 1) {
			w->mapped = 1;
			w->phys = (e & PT_FRAME_MASK) | (address & ~PAGE_MASK);
			return;
		}
		/*
		 * The level above the ptes may map a large page (PMD_SIZE: the
		 * pgd in 2-level, where CR4.PSE gates it; the pmd in PAE).  A
		 * PDPT entry has no PS bit.
		 */
		if (level == levels - 2 && (e & _PAGE_PSE) &&
		    (pae_enabled || (read_cr4() & X86_CR4_PSE))) {
			w->mapped = w->large = 1;
			w->phys = (e & PT_LARGE_FRAME_MASK) | (address & (PMD_SIZE - 1));
			return;
		}
		table = e & PT_FRAME_MASK;
	}
}

void show_pt_walk(const char *level, unsigned long cr3, unsigned long address)
{
	struct pt_walk w;
	int i;

	pt_walk(cr3, address, &w);
	printk("%sPage-table walk for %08lx (%s, CR3 %08lx):\n", level, address,
	       pae_enabled ? "PAE" : "2-level", cr3);
	for (i = 0; i < w.levels; i++) {
		if (pae_enabled)
			printk("%s  *%s = %016llx (at %08llx)\n", level, w.name[i],
			       (unsigned long long)w.entry[i], (unsigned long long)w.entry_pa[i]);
		else
			printk("%s  *%s = %08llx (at %08llx)\n", level, w.name[i],
			       (unsigned long long)w.entry[i], (unsigned long long)w.entry_pa[i]);
	}
	if (w.cut)
		printk("%s  *%s out of reach (at %08llx)\n", level, w.name[w.levels],
		       (unsigned long long)w.entry_pa[w.levels]);
	if (w.mapped)
		printk("%s  -> %08llx%s\n", level, (unsigned long long)w.phys,
		       w.large ? " (large page)" : "");
	else
		printk("%s  -> not mapped\n", level);
}
