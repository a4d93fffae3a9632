// SPDX-License-Identifier: GPL-2.0
/*
 * Multiboot v1 boot information, written into guest RAM where the guest
 * finds it through EBX.  The memory map is that of a PC without devices:
 * low RAM below the EBDA, the ISA hole reserved, RAM from 1 MiB up.
 */
#include <errno.h>
#include <string.h>

#include "shared/layout.h"
#include "shared/multiboot.h"
#include "vmm/core/core.h"

static const char boot_loader_name[] = "vmm (raw KVM)";

int multiboot_write_info(const struct guest_mem *gm, const char *cmdline)
{
	const struct multiboot_mmap_entry mmap[] = {
		{ sizeof(mmap[0]) - 4, 0, LOW_RAM_END, MULTIBOOT_MEMORY_AVAILABLE },
		{ sizeof(mmap[0]) - 4, LOW_RAM_END, ISA_HOLE_END - LOW_RAM_END,
		  MULTIBOOT_MEMORY_RESERVED },
		{ sizeof(mmap[0]) - 4, ISA_HOLE_END, gm->size - ISA_HOLE_END,
		  MULTIBOOT_MEMORY_AVAILABLE },
	};
	size_t cmdlen = strlen(cmdline) + 1;
	uint32_t name_paddr = MB_CMDLINE_PADDR + cmdlen;
	struct multiboot_info info;

	if (gm->size < ISA_HOLE_END || gm->size > UINT32_MAX)
		return -EINVAL;
	if (cmdlen + sizeof(boot_loader_name) > MB_CMDLINE_MAX ||
	    sizeof(mmap) > MB_CMDLINE_PADDR - MB_MMAP_PADDR)
		return -E2BIG;

	memset(&info, 0, sizeof(info));
	info.flags = MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MEM_MAP |
		     MULTIBOOT_INFO_BOOT_LOADER_NAME;
	info.mem_lower = LOW_RAM_END >> 10;
	info.mem_upper = (uint32_t)((gm->size - ISA_HOLE_END) >> 10);
	info.cmdline = MB_CMDLINE_PADDR;
	info.mmap_addr = MB_MMAP_PADDR;
	info.mmap_length = sizeof(mmap);
	info.boot_loader_name = name_paddr;

	if (gmem_write(gm, MB_INFO_PADDR, &info, sizeof(info)) ||
	    gmem_write(gm, MB_MMAP_PADDR, mmap, sizeof(mmap)) ||
	    gmem_write(gm, MB_CMDLINE_PADDR, cmdline, cmdlen) ||
	    gmem_write(gm, name_paddr, boot_loader_name, sizeof(boot_loader_name)))
		return -EFAULT;
	return 0;
}

int vm_guest_cmdline(const struct vm_config *cfg, char *buf, size_t len)
{
	char cpus[24] = "";
	int n;

	/* The guest learns how many CPUs to wait for from cpus=N (kernel/smp.c). */
	if (cfg->nr_vcpus > 1)
		snprintf(cpus, sizeof(cpus), " cpus=%u", cfg->nr_vcpus);
	n = snprintf(buf, len, "paging=%s%s%s%s", cfg->paging == PAGING_PAE ? "pae" : "2level",
		     cpus, cfg->cmdline && *cfg->cmdline ? " " : "",
		     cfg->cmdline ? cfg->cmdline : "");

	if (n < 0 || (size_t)n >= len || (size_t)n + 1 + sizeof(boot_loader_name) > MB_CMDLINE_MAX)
		return -E2BIG;
	return 0;
}
