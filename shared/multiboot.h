/* SPDX-License-Identifier: GPL-2.0 */
/* Multiboot v1 boot information (the subset the VMM provides and the guest reads). */
#ifndef SHARED_MULTIBOOT_H
#define SHARED_MULTIBOOT_H

#define MULTIBOOT_HEADER_MAGIC	   0x1badb002u
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002u /* in EAX at entry */

/* Header flags the guest asks for: page-aligned modules, memory info. */
#define MULTIBOOT_PAGE_ALIGN  (1u << 0)
#define MULTIBOOT_MEMORY_INFO (1u << 1)

/* multiboot_info.flags */
#define MULTIBOOT_INFO_MEMORY		(1u << 0)
#define MULTIBOOT_INFO_CMDLINE		(1u << 2)
#define MULTIBOOT_INFO_MEM_MAP		(1u << 6)
#define MULTIBOOT_INFO_BOOT_LOADER_NAME (1u << 9)

#define MULTIBOOT_MEMORY_AVAILABLE 1u
#define MULTIBOOT_MEMORY_RESERVED  2u

#ifndef __ASSEMBLY__
#include <stdint.h>

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower; /* KiB below 1 MiB */
	uint32_t mem_upper; /* KiB above 1 MiB, up to the first hole */
	uint32_t boot_device;
	uint32_t cmdline; /* physical address */
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length; /* bytes */
	uint32_t mmap_addr;   /* physical address */
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name; /* physical address */
} __attribute__((packed));

/* One memory-map entry; 'size' excludes itself (the spec's quirk). */
struct multiboot_mmap_entry {
	uint32_t size;
	uint64_t addr;
	uint64_t len;
	uint32_t type;
} __attribute__((packed));

_Static_assert(sizeof(struct multiboot_info) == 68, "multiboot_info layout");
_Static_assert(sizeof(struct multiboot_mmap_entry) == 24, "mmap entry layout");

#endif /* !__ASSEMBLY__ */

#endif /* SHARED_MULTIBOOT_H */
