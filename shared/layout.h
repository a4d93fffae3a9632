/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's physical and virtual address-space map, shared by the guest
 * (which builds it) and the host (which checks it).
 *
 *  Virtual (3 GiB / 1 GiB split, as i386 Linux 2.4):
 *
 *  0x00000000 +---------------------------+
 *             | user space (TASK_SIZE)    |  identity map of low RAM during
 *             |                           |  early boot only
 *  0xC0000000 +---------------------------+ PAGE_OFFSET
 *             | lowmem direct map         |  __va(p) = p + PAGE_OFFSET
 *             | (min(RAM, 896 MiB))       |
 *  high_memory+---------------------------+
 *             | 8 MiB hole (VMALLOC_OFFSET)|  catches stray direct-map accesses
 *  VMALLOC_START -------------------------+
 *             | vmalloc / vmap areas      |
 *  VMALLOC_END+---------------------------+ FIXADDR_START - 2 pages of gap
 *  0xFF800000 +---------------------------+ FIXADDR_START
 *             | fixmap (top 8 MiB):       |
 *             | unmapped but for          |
 *  0xFFFFE000 | FIX_APIC_BASE (SMP only)  | FIXADDR_TOP
 *  0xFFFFFFFF +---------------------------+
 *
 * VMALLOC_END is fixed at 0xFF800000 - 2 pages: Linux 2.4 puts the fixmap
 * and kmap areas just below 4 GiB and ends vmalloc two pages below their
 * start.  We choose a fixed start for that area (the top 8 MiB, two PGD
 * entries in 2-level mode) so that VMALLOC_END does not depend on
 * configuration and the host can check it.  The fixmap's slots count down
 * from FIXADDR_TOP, as 2.4's __fix_to_virt(); its one user is the local
 * APIC's register page (slot 0, 0xFFFFE000), mapped uncached by a guest
 * with more than one CPU.
 */
#ifndef SHARED_LAYOUT_H
#define SHARED_LAYOUT_H

#define PAGE_OFFSET	 0xc0000000u
#define TASK_SIZE	 PAGE_OFFSET
#define MAXMEM		 (896u << 20) /* largest lowmem direct map */
#define VMALLOC_OFFSET	 (8u << 20)
#define FIXADDR_START	 0xff800000u
#define VMALLOC_END	 (FIXADDR_START - 2 * 4096u)
#define FIXADDR_TOP	 0xffffe000u
#define __fix_to_virt(x) (FIXADDR_TOP - ((unsigned int)(x) << 12))
/* Fixmap slots (2.4's enum fixed_addresses). */
#define FIX_APIC_BASE 0
/* VMALLOC_START depends on high_memory, known at boot: */
#define VMALLOC_START_FOR(high_memory)                                                             \
	(((high_memory) + 2 * VMALLOC_OFFSET - 1) & ~(VMALLOC_OFFSET - 1))

/* Each CPU's kernel stack: THREAD_SIZE bytes, THREAD_SIZE aligned, its lowest word the CPU's
 * number (guest/include/percpu.h). */
#define KERNEL_STACK_SIZE 8192u

/* Zone boundaries (physical). */
#define ZONE_DMA_LIMIT	  (16u << 20)
#define ZONE_NORMAL_LIMIT MAXMEM

/* Where the guest kernel lives (the ELF's p_paddr / p_vaddr). */
#define KERNEL_PHYS_START 0x00100000u
#define KERNEL_VIRT_START (PAGE_OFFSET + KERNEL_PHYS_START)

/*
 * Where the VMM writes the Multiboot information (below 640 KiB, clear
 * of the real-mode IVT/BDA and of the kernel image):
 */
#define MB_INFO_PADDR	 0x00008000u /* struct multiboot_info */
#define MB_MMAP_PADDR	 0x00008100u /* memory map entries */
#define MB_CMDLINE_PADDR 0x00008800u /* NUL-terminated command line */
#define MB_CMDLINE_MAX	 2048u
#define MB_AREA_END	 (MB_CMDLINE_PADDR + MB_CMDLINE_MAX)

/* Conventional PC holes reported as reserved in the memory map. */
#define LOW_RAM_END  0x0009fc00u /* 639 KiB usable below the EBDA */
#define ISA_HOLE_END 0x00100000u

/* Guest RAM sizes the VMM accepts (see README: -m). */
#define GUEST_RAM_MIN	  (16ull << 20)
#define GUEST_RAM_MAX	  (3ull << 30) /* keep the top GiB for APIC/MMIO, as PCs do */
#define GUEST_RAM_DEFAULT (128ull << 20)

#endif /* SHARED_LAYOUT_H */
