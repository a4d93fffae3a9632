/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page-table dumps in formats people already read, built from the walker's
 * results (vmm/inspect/walk.h), never from walks of their own:
 *
 *  --dump tlb   QEMU monitor "info tlb" (target/i386/monitor.c tlb_info_32 /
 *               tlb_info_pae32, print_pte)
 *  --dump mem   QEMU monitor "info mem" (mem_info_32 / mem_info_pae32,
 *               mem_print)
 *  --vtop ADDR  the crash utility's "vtop" for x86 (memory.c do_vtop,
 *               x86.c x86_kvtop / x86_kvtop_PAE, x86_translate_pte)
 *  /proc/vmallocinfo lines (Linux mm/vmalloc.c s_show)
 *
 * The exact format strings and the source they come from are in dump.c.
 */
#ifndef VMM_DUMP_H
#define VMM_DUMP_H

#include <stdint.h>
#include <stdio.h>

#include "vmm/inspect/walk.h"

/* Every present leaf of [0, 4 GiB) as QEMU's "info tlb"; 0 or -errno. */
int dump_tlb(FILE *f, const struct walk_ctx *ctx);

/* Merged ranges of equal protection over [0, 4 GiB) as QEMU's "info mem"; 0 or -errno. */
int dump_mem(FILE *f, const struct walk_ctx *ctx);

/* One walk (from walk()) as crash's "vtop" of a kernel address. */
void dump_vtop(FILE *f, const struct walk_result *res);

/* vm_struct flags as Linux numbers them (include/linux/vmalloc.h). */
#define DUMP_VM_IOREMAP 0x1u
#define DUMP_VM_ALLOC	0x2u
#define DUMP_VM_MAP	0x4u
#define DUMP_VM_USERMAP 0x8u
#define DUMP_VM_VPAGES	0x10u

/*
 * One /proc/vmallocinfo line for an area [start, end), end including the
 * guard page (start + vm_struct.size).  caller: the %pS text ("name+0x1c/0x80",
 * see sym_format_addr()) or NULL; nr_pages 0 prints no "pages=".
 */
void dump_vmallocinfo_line(FILE *f, uint32_t start, uint32_t end, const char *caller,
			   unsigned nr_pages, unsigned flags);

#endif /* VMM_DUMP_H */
