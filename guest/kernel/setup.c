// SPDX-License-Identifier: GPL-2.0
/*
 * What the boot loader handed us (Linux 2.4 arch/i386/kernel/setup.c):
 * the Multiboot memory map and command line, and the boot options.
 *
 * Options:  paging=2level|pae   page-table format (default 2level)
 *           nopse nopge nonx    do not use that CPU feature
 *           fail_page_alloc=N   fail the Nth page allocation (mm.h)
 *           failslab=N          fail the Nth kmalloc (slab.h)
 *           vmalloc=2.4|modern  the area allocator (default 2.4; vmap_area.h)
 *           loglevel=N debug quiet   console_loglevel
 *           crash=KIND          end boot with a deliberate oops or panic
 *                               (KIND: null, page_fault, bug, gp, divide, panic)
 * Anything else is noted at KERN_INFO and ignored.
 */
#include <bootmem.h>
#include <kernel.h>
#include <mm.h>
#include <pgtable.h>
#include <processor.h>
#include <sched.h>
#include <slab.h>
#include <smp.h>
#include <string.h>
#include <tlbflush.h>
#include <vmap_area.h>

#include "shared/layout.h"
#include "shared/multiboot.h"

char saved_command_line[MB_CMDLINE_MAX];

char crash_test[16];

/* Chosen by paging=pae; paging_init() sets pae_enabled from it. */
int pae_requested;

/*
 * The Multiboot structures are read through the early mapping, which
 * covers EARLY_MAP_SIZE; anything beyond it is ignored with a warning.
 */
static const void *mb_ptr(uint32_t paddr, uint32_t len, const char *what)
{
	if (paddr >= EARLY_MAP_SIZE || len > EARLY_MAP_SIZE - paddr) {
		printk(KERN_WARNING "multiboot: %s at %08x (+%u) is out of reach, ignored\n", what,
		       paddr, len);
		return NULL;
	}
	return __va(paddr);
}

static const char *mem_type_name(uint32_t type)
{
	switch (type) {
	case MULTIBOOT_MEMORY_AVAILABLE:
		return "usable";
	case MULTIBOOT_MEMORY_RESERVED:
		return "reserved";
	case 3:
		return "ACPI data";
	case 4:
		return "ACPI NVS";
	case 5:
		return "unusable";
	default:
		return "type?";
	}
}

static void parse_memory_map(const struct multiboot_info *mbi)
{
	if (mbi->flags & MULTIBOOT_INFO_MEM_MAP) {
		const uint8_t *p = mb_ptr(mbi->mmap_addr, mbi->mmap_length, "memory map");
		uint32_t off = 0;

		while (p && off + sizeof(struct multiboot_mmap_entry) <= mbi->mmap_length) {
			const struct multiboot_mmap_entry *e = (const void *)(p + off);

			if (e->size < sizeof(*e) - sizeof(e->size)) {
				printk(KERN_WARNING "multiboot: bad memory map entry size %u\n",
				       e->size);
				break;
			}
			add_memory_region(e->addr, e->len, e->type);
			off += e->size + sizeof(e->size);
		}
	}
	if (!boot_mem_map_nr && (mbi->flags & MULTIBOOT_INFO_MEMORY)) {
		printk(KERN_NOTICE "multiboot: no memory map, using mem_lower/mem_upper\n");
		add_memory_region(0, (uint64_t)mbi->mem_lower << 10, MULTIBOOT_MEMORY_AVAILABLE);
		add_memory_region(ISA_HOLE_END, (uint64_t)mbi->mem_upper << 10,
				  MULTIBOOT_MEMORY_AVAILABLE);
	}
	if (!boot_mem_map_nr)
		panic("multiboot: no memory information (flags %08x)", mbi->flags);

	printk(KERN_INFO "Multiboot-provided physical RAM map:\n");
	for (int i = 0; i < boot_mem_map_nr; i++)
		printk(KERN_INFO " multiboot: %016llx - %016llx (%s)\n",
		       (unsigned long long)boot_mem_map[i].addr,
		       (unsigned long long)(boot_mem_map[i].addr + boot_mem_map[i].len),
		       mem_type_name(boot_mem_map[i].type));
}

static void copy_command_line(const struct multiboot_info *mbi)
{
	const char *src;

	saved_command_line[0] = '\0';
	if (!(mbi->flags & MULTIBOOT_INFO_CMDLINE))
		return;
	/* Read at most MB_CMDLINE_MAX bytes, which must all be reachable. */
	src = mb_ptr(mbi->cmdline, 1, "command line");
	if (!src)
		return;
	for (unsigned int i = 0; i < MB_CMDLINE_MAX - 1; i++) {
		if (mbi->cmdline + i >= EARLY_MAP_SIZE || !src[i]) {
			saved_command_line[i] = '\0';
			return;
		}
		saved_command_line[i] = src[i];
	}
	saved_command_line[MB_CMDLINE_MAX - 1] = '\0';
	printk(KERN_WARNING "multiboot: command line truncated to %u bytes\n", MB_CMDLINE_MAX - 1);
}

static int parse_ulong(const char *val, unsigned long *out)
{
	char *end;

	if (!*val)
		return -1;
	*out = simple_strtoul(val, &end, 0);
	return *end ? -1 : 0;
}

/* One word of the command line: "name" or "name=value". */
static void parse_option(char *word, int first)
{
	char *val = strchr(word, '=');
	unsigned long n;

	if (val)
		*val++ = '\0';

	if (!strcmp(word, "paging") && val) {
		if (!strcmp(val, "pae")) {
			pae_requested = 1;
			return;
		}
		if (!strcmp(val, "2level")) {
			pae_requested = 0;
			return;
		}
	} else if (!strcmp(word, "fail_page_alloc") && val && !parse_ulong(val, &n)) {
		fail_page_alloc_nth = n;
		return;
	} else if (!strcmp(word, "failslab") && val && !parse_ulong(val, &n)) {
		failslab_nth = n;
		return;
	} else if (!strcmp(word, "vmalloc") && val &&
		   (!strcmp(val, "2.4") || !strcmp(val, "modern"))) {
		vmalloc_mode = strcmp(val, "modern") ? VMALLOC_MODE_24 : VMALLOC_MODE_MODERN;
		return;
	} else if (!strcmp(word, "crash") && val) {
		strlcpy(crash_test, val, sizeof(crash_test));
		return;
	} else if (!strcmp(word, "loglevel") && val && !parse_ulong(val, &n)) {
		console_loglevel = (int)n;
		return;
	} else if (!strcmp(word, "debug") && !val) {
		console_loglevel = 10;
		return;
	} else if (!strcmp(word, "quiet") && !val) {
		console_loglevel = 4;
		return;
	} else if (!strcmp(word, "nopse") && !val) {
		boot_cpu_data.x86_capability &= ~X86_FEATURE_PSE;
		return;
	} else if (!strcmp(word, "nopge") && !val) {
		boot_cpu_data.x86_capability &= ~X86_FEATURE_PGE;
		return;
	} else if (!strcmp(word, "cpus") && val && !parse_ulong(val, &n) && n >= 1) {
		smp_cpus_expected = n;
		return;
	} else if (!strcmp(word, "noipiack") && !val) {
		smp_no_ipi_ack = 1;
		return;
	} else if (!strcmp(word, "noflushipi") && !val) {
		smp_no_flush_ipi = 1;
		return;
	} else if (!strcmp(word, "apnowp") && !val) {
		smp_ap_no_wp = 1;
		return;
	} else if (!strcmp(word, "noapflush") && !val) {
		smp_no_ap_flush = 1;
		return;
	} else if (!strcmp(word, "novfreeflush") && !val) {
		smp_no_local_flush = 1;
		return;
	} else if (!strcmp(word, "nopgeflush") && !val) {
		tlb_no_pge_flush = 1;
		return;
	} else if (!strcmp(word, "novmallocfault") && !val) {
		no_vmalloc_fault = 1;
		return;
	} else if (!strcmp(word, "novmlistlock") && !val) {
		vmlist_no_lock = 1;
		return;
	} else if (!strcmp(word, "noptlock") && !val) {
		vmalloc_no_ptlock = 1;
		return;
	} else if (!strcmp(word, "lockinvert") && !val) {
		lock_invert_pending = 1;
		return;
	} else if (!strcmp(word, "nonx") && !val) {
		boot_cpu_data.x86_ext_capability &= ~X86_FEATURE_NX;
		return;
	}
	/* Loaders put the kernel's file name first (GRUB, QEMU): not an option. */
	if (first && !val && (strchr(word, '/') || strchr(word, '.')))
		return;
	if (val)
		val[-1] = '=';
	printk(KERN_INFO "Unknown boot option `%s': ignoring\n", word);
}

static void parse_cmdline(void)
{
	static char buf[MB_CMDLINE_MAX];
	char *p = buf;
	int first = 1;

	strlcpy(buf, saved_command_line, sizeof(buf));
	for (;;) {
		char *word;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		word = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
		parse_option(word, first);
		first = 0;
	}
}

void setup_arch(unsigned long mbi_phys)
{
	const struct multiboot_info *mbi = mb_ptr(mbi_phys, sizeof(*mbi), "multiboot info");

	if (!mbi)
		panic("multiboot: no boot information");
	copy_command_line(mbi);
	printk(KERN_INFO "Kernel command line: %s\n", saved_command_line);
	parse_memory_map(mbi);

	identify_cpu();
	print_cpu_info();
	parse_cmdline();

	if (pae_requested && !cpu_has_pae) {
		printk(KERN_WARNING "paging=pae: this CPU has no PAE, using 2-level paging\n");
		pae_requested = 0;
	}
	if (fail_page_alloc_nth)
		printk(KERN_INFO "fail_page_alloc=%lu\n", fail_page_alloc_nth);
	if (failslab_nth)
		printk(KERN_INFO "failslab=%lu\n", failslab_nth);
	if (vmalloc_mode == VMALLOC_MODE_MODERN)
		printk(KERN_INFO "vmalloc=modern: vmap_area trees, lazy purge\n");

	setup_bootmem();
}
