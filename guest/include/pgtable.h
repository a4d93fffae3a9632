/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The page-table layer (Linux 2.4 include/asm-i386/pgtable.h), for both
 * paging modes in one kernel.  Each mode's entry size, indices and raw
 * entry access are in its own file, pgtable-2level.h and pgtable-3level.h;
 * the mode is chosen at boot (paging=pae), and every accessor here picks
 * that mode's by pae_enabled.
 *
 *   2-level: pgd (1024 x 4 bytes) -> pte (1024 x 4 bytes); the pmd is
 *            folded into the pgd: pmd_offset(pgd, a) is the pgd entry.
 *   PAE:     pgd = PDPT (4 x 8 bytes) -> pmd (512 x 8) -> pte (512 x 8).
 *            All four PDPT entries are present from boot to the end, so
 *            pgd_none()/pgd_bad() are 0 in both modes and pmd_alloc()
 *            cannot fail.
 *
 * Values (pgd_t, pmd_t, pte_t, pgprot_t) are 64 bits wide in both modes.
 * An entry pointer (pgd_t *, pmd_t *, pte_t *) points at the entry in the
 * table, whose size is 4 bytes in 2-level mode and 8 in PAE, so:
 *
 *   NEVER dereference an entry pointer and NEVER do arithmetic on it.
 *   Read with pgdp_get()/pmdp_get()/ptep_get() (modern Linux's names),
 *   write with set_pte()/set_pmd()/pte_clear()/pmd_clear(), and get the
 *   next entry with pgd_offset_k()/pmd_offset()/pte_offset() on the next
 *   address:
 *
 *	pte_t *pte = pte_offset(pmd, address);
 *	if (!pte_none(ptep_get(pte)))       not  pte_none(*pte)
 *	...
 *	address += PAGE_SIZE;
 *	pte = pte_offset(pmd, address);     not  pte++
 */
#ifndef GUEST_PGTABLE_H
#define GUEST_PGTABLE_H

#include <stdint.h>

#include <kernel.h>
#include <mm.h>
#include <page.h>
#include <processor.h>

#include <pgtable-2level.h>
#include <pgtable-3level.h>

#include "shared/layout.h"
#include "shared/mmu.h"

/* PAE paging is on (set once in paging_init, never changed). */
extern int pae_enabled;
/* The command line asked for it (paging=pae) and the CPU has PAE. */
extern int pae_requested;
/* EFER.NXE is set: _PAGE_NX may be used in PAE entries. */
extern int nx_enabled;

typedef struct {
	uint64_t pte;
} pte_t;
typedef struct {
	uint64_t pmd;
} pmd_t;
typedef struct {
	uint64_t pgd;
} pgd_t;
typedef struct {
	uint64_t pgprot;
} pgprot_t;

#define pte_val(x)    ((x).pte)
#define pmd_val(x)    ((x).pmd)
#define pgd_val(x)    ((x).pgd)
#define pgprot_val(x) ((x).pgprot)
#define __pte(x)      ((pte_t){ (x) })
#define __pmd(x)      ((pmd_t){ (x) })
#define __pgd(x)      ((pgd_t){ (x) })
#define __pgprot(x)   ((pgprot_t){ (x) })

#define PGDIR_SHIFT (pae_enabled ? PGDIR_SHIFT_PAE : PGDIR_SHIFT_2L)
#define PGDIR_SIZE  (1UL << PGDIR_SHIFT)
#define PGDIR_MASK  (~(PGDIR_SIZE - 1))
#define PMD_SHIFT   (pae_enabled ? PMD_SHIFT_PAE : PGDIR_SHIFT_2L)
#define PMD_SIZE    (1UL << PMD_SHIFT)
#define PMD_MASK    (~(PMD_SIZE - 1))

#define PTRS_PER_PGD	  (pae_enabled ? PTRS_PER_PGD_PAE : PTRS_PER_PGD_2L)
#define PTRS_PER_PMD	  (pae_enabled ? PTRS_PER_PMD_PAE : 1u)
#define PTRS_PER_PTE	  (pae_enabled ? PTRS_PER_PTE_PAE : PTRS_PER_PTE_2L)
#define USER_PTRS_PER_PGD (TASK_SIZE / PGDIR_SIZE)

/* Levels a walk reads: pgd, pte (2-level); pgd, pmd, pte (PAE). */
#define PT_LEVELS (pae_enabled ? PT_LEVELS_PAE : PT_LEVELS_2L)
/* Bytes per entry at every level. */
#define PT_ENTRY_SIZE (pae_enabled ? PT_ENTRY_SIZE_PAE : PT_ENTRY_SIZE_2L)
/* The frame bits of an entry that points to a table or a 4 KiB page. */
#define PT_FRAME_MASK (pae_enabled ? ENTRY_FRAME_MASK_PAE : (uint64_t)ENTRY_FRAME_MASK_2L)
/* ... and of an entry that maps a large page (PMD_SIZE). */
#define PT_LARGE_FRAME_MASK (pae_enabled ? LARGE_FRAME_MASK_PAE : (uint64_t)LARGE_FRAME_MASK_2L)
/* The bits of CR3 that hold the pgd's physical address. */
#define CR3_PGD_MASK (pae_enabled ? CR3_PGD_MASK_PAE : CR3_PGD_MASK_2L)

/* vmalloc range: VMALLOC_START follows lowmem, fixed in paging_init(). */
extern unsigned long vmalloc_start;
#define VMALLOC_START (vmalloc_start)
/* VMALLOC_END comes from shared/layout.h. */

#define __PAGE_KERNEL_RO (_PAGE_PRESENT | _PAGE_DIRTY | _PAGE_ACCESSED)
/* 2.4's MAKE_GLOBAL(): global where the CPU has (and we use) PGE. */
#define MAKE_GLOBAL(x) __pgprot((uint64_t)(x) | (cpu_has_pge ? _PAGE_GLOBAL : 0))
#define PAGE_KERNEL    MAKE_GLOBAL(__PAGE_KERNEL)
#define PAGE_KERNEL_RO MAKE_GLOBAL(__PAGE_KERNEL_RO)
/* Device registers: uncached (2.4 has PCD only; PWT as well makes it UC whatever the PAT). */
#define PAGE_KERNEL_NOCACHE MAKE_GLOBAL(__PAGE_KERNEL | _PAGE_PCD | _PAGE_PWT)

/*
 * Map phys at fixmap slot idx (shared/layout.h) in swapper_pg_dir, with a
 * page table from bootmem if the slot's has none yet (2.4's fixrange_init
 * and __set_fixmap in one): boot time only, before bootmem_done().
 */
void __set_fixmap(unsigned int idx, unsigned long phys, pgprot_t flags);
#define set_fixmap_nocache(idx, phys) __set_fixmap(idx, phys, PAGE_KERNEL_NOCACHE)

/* x86 caches are coherent with each other and with page-table changes: nothing to do. */
#define flush_cache_all()                                                                          \
	do {                                                                                       \
	} while (0)

/* ---- Raw entry access: 4 or 8 bytes, by the mode's own accessors. ---- */

static inline uint64_t __pt_entry_read(const void *ptr)
{
	return pae_enabled ? pt_entry_read_pae(ptr) : pt_entry_read_2l(ptr);
}

static inline uint64_t __pt_entry_xchg(void *ptr, uint64_t val)
{
	return pae_enabled ? pt_entry_xchg_pae(ptr, val) : pt_entry_xchg_2l(ptr, val);
}

static inline pte_t ptep_get(pte_t *ptep)
{
	return __pte(__pt_entry_read(ptep));
}
static inline pmd_t pmdp_get(pmd_t *pmdp)
{
	return __pmd(__pt_entry_read(pmdp));
}
static inline pgd_t pgdp_get(pgd_t *pgdp)
{
	return __pgd(__pt_entry_read(pgdp));
}

static inline void set_pte(pte_t *ptep, pte_t pte)
{
	__pt_entry_xchg(ptep, pte_val(pte));
}
static inline void set_pmd(pmd_t *pmdp, pmd_t pmd)
{
	__pt_entry_xchg(pmdp, pmd_val(pmd));
}
/* In PAE mode a PDPT entry takes effect only at the next CR3 load. */
static inline void set_pgd(pgd_t *pgdp, pgd_t pgd)
{
	__pt_entry_xchg(pgdp, pgd_val(pgd));
}

static inline pte_t ptep_get_and_clear(pte_t *ptep)
{
	return __pte(__pt_entry_xchg(ptep, 0));
}

static inline void pte_clear(pte_t *ptep)
{
	set_pte(ptep, __pte(0));
}
static inline void pmd_clear(pmd_t *pmdp)
{
	set_pmd(pmdp, __pmd(0));
}
/* The pgd level never changes after boot (2-level: folded; PAE: PDPT fixed). */
static inline void pgd_clear(pgd_t *pgdp)
{
	(void)pgdp;
}

/* ---- Entry predicates. ---- */

static inline int pte_none(pte_t pte)
{
	return pte_val(pte) == 0;
}
static inline int pte_present(pte_t pte)
{
	return (pte_val(pte) & _PAGE_PRESENT) != 0;
}
static inline int pmd_none(pmd_t pmd)
{
	return pmd_val(pmd) == 0;
}
static inline int pmd_present(pmd_t pmd)
{
	return (pmd_val(pmd) & _PAGE_PRESENT) != 0;
}
/* A page-table entry of a kernel table: exactly _KERNPG_TABLE apart from _PAGE_USER. */
static inline int pmd_bad(pmd_t pmd)
{
	return (pmd_val(pmd) & (_PAGE_FLAGS_MASK & ~_PAGE_USER)) != _KERNPG_TABLE;
}
static inline int pmd_large(pmd_t pmd)
{
	return (pmd_val(pmd) & (_PAGE_PRESENT | _PAGE_PSE)) == (_PAGE_PRESENT | _PAGE_PSE);
}
static inline int pgd_none(pgd_t pgd)
{
	(void)pgd;
	return 0;
}
static inline int pgd_bad(pgd_t pgd)
{
	(void)pgd;
	return 0;
}
static inline int pgd_present(pgd_t pgd)
{
	(void)pgd;
	return 1;
}

/* ---- Frames and pages. ---- */

static inline unsigned long pte_pfn(pte_t pte)
{
	return (unsigned long)((pte_val(pte) & PT_FRAME_MASK) >> PAGE_SHIFT);
}

static inline pte_t mk_pte_phys(uint64_t physpage, pgprot_t pgprot)
{
	return __pte((physpage & PT_FRAME_MASK) | pgprot_val(pgprot));
}

static inline pte_t mk_pte(struct page *page, pgprot_t pgprot)
{
	return mk_pte_phys((uint64_t)page_to_pfn(page) << PAGE_SHIFT, pgprot);
}

#define pte_page(pte) pfn_to_page(pte_pfn(pte))

/* Direct-map address of the table an entry points to. */
static inline unsigned long pmd_page(pmd_t pmd)
{
	return (unsigned long)__va((unsigned long)(pmd_val(pmd) & PT_FRAME_MASK));
}
static inline unsigned long pgd_page(pgd_t pgd)
{
	return (unsigned long)__va((unsigned long)(pgd_val(pgd) & PT_FRAME_MASK));
}

/* ---- Walking down: entry pointers from an address. ---- */

#define pgd_index(address) (pae_enabled ? pgd_index_pae(address) : pgd_index_2l(address))
/* 2-level: the folded pmd has one entry. */
#define pmd_index(address) (pae_enabled ? pmd_index_pae(address) : 0ul)
#define pte_index(address) (pae_enabled ? pte_index_pae(address) : pte_index_2l(address))

static inline pgd_t *pgd_offset_pgd(pgd_t *pgd, unsigned long address)
{
	return (pgd_t *)((char *)pgd + pgd_index(address) * PT_ENTRY_SIZE);
}

struct mm_struct;
extern struct mm_struct init_mm;
#define pgd_offset(mm, address) pgd_offset_pgd((mm)->pgd, (address))
#define pgd_offset_k(address)	pgd_offset(&init_mm, (address))

static inline pmd_t *pmd_offset(pgd_t *dir, unsigned long address)
{
	if (!pae_enabled)
		return (pmd_t *)dir;
	return (pmd_t *)(pgd_page(pgdp_get(dir)) + pmd_index(address) * PT_ENTRY_SIZE);
}

static inline pte_t *pte_offset(pmd_t *dir, unsigned long address)
{
	return (pte_t *)(pmd_page(pmdp_get(dir)) + pte_index(address) * PT_ENTRY_SIZE);
}

/* ---- Reporting bad entries, as 2.4 does (no level: KERN_WARNING). ---- */

#define __pt_ERROR(what, e)                                                                        \
	do {                                                                                       \
		if (pae_enabled)                                                                   \
			printk("%s:%d: bad " what " %016llx.\n", __FILE__, __LINE__,               \
			       (unsigned long long)(e));                                           \
		else                                                                               \
			printk("%s:%d: bad " what " %08lx.\n", __FILE__, __LINE__,                 \
			       (unsigned long)(e));                                                \
	} while (0)
#define pte_ERROR(e) __pt_ERROR("pte", pte_val(e))
#define pmd_ERROR(e) __pt_ERROR("pmd", pmd_val(e))
#define pgd_ERROR(e) __pt_ERROR("pgd", pgd_val(e))

/* ---- Boot and inspection. ---- */

/*
 * swapper_pg_dir: the kernel's page directory, the ELF symbol the host
 * looks for.  2-level: the 1024-entry PGD.  PAE: its first 32 bytes are
 * the PDPT; the four PMD pages hang below it.
 */
extern uint32_t swapper_pg_dir[1024];

/* Build swapper_pg_dir, switch to it, set vmalloc_start (arch/i386/mm/init.c). */
void paging_init(void);

/*
 * One walk of the page tables rooted at @cr3 for @address, as the CPU
 * does it: every level's entry, stopping at a not-present or large one.
 */
struct pt_walk {
	int levels;	     /* entries read, 1..3 */
	const char *name[3]; /* "pgd", "pmd", "pte" (2-level: "pgd", "pte") */
	uint64_t entry[3];
	uint64_t entry_pa[3]; /* physical address of each entry */
	int cut;       /* entry levels (the next one) lies outside the direct map: not read */
	int mapped;    /* the walk ended in a present leaf */
	int large;     /* ... which was a 4 MiB / 2 MiB page */
	uint64_t phys; /* the physical address @address translates to, when mapped */
};

void pt_walk(unsigned long cr3, unsigned long address, struct pt_walk *w);
/* The frame a 4 KiB PTE of swapper_pg_dir maps at va, or 0 (not mapped, or a large page). */
unsigned long kernel_pfn(unsigned long va);
/* printk the walk, one level a line, at @level (a KERN_* string). */
void show_pt_walk(const char *level, unsigned long cr3, unsigned long address);

#endif /* GUEST_PGTABLE_H */
