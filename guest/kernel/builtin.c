// SPDX-License-Identifier: GPL-2.0
/*
 * What the guest shows when no VMM drives it (QEMU -kernel, GRUB): the
 * operations the host's tests ask for, through the same command handlers,
 * with their results printed.  Nothing here is checked by a host; the
 * self-tests that ran before it are the checks.
 */
#include <kernel.h>
#include <mailbox.h>
#include <mm.h>
#include <pgtable.h>
#include <processor.h>
#include <string.h>
#include <vmalloc.h>

#include "shared/abi.h"

/* Run command @cmd as the host would; prints and returns its status, results in @res. */
static int demo_cmd(uint32_t cmd, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t *res)
{
	uint32_t args[MBOX_ARGS] = { a0, a1, a2 };
	const struct mbox_command *c;
	int status = ST_UNKNOWN_CMD;

	memset(res, 0, MBOX_RESULTS * sizeof(*res));
	for (c = __start_mbox_cmds; c < __stop_mbox_cmds; c++) {
		if (c->cmd == cmd) {
			status = c->handler(args, res);
			printk(KERN_INFO
			       "  %s(%#x, %#x, %#x) -> status %d, results %#x %#x %#x %#x\n",
			       c->name, a0, a1, a2, status, res[0], res[1], res[2], res[3]);
			return status;
		}
	}
	printk(KERN_ERR "  command %u is not built in\n", cmd);
	return status;
}

static void show_vmlist(void)
{
	struct vm_struct *tmp;

	read_lock(&vmlist_lock);
	for (tmp = vmlist; tmp; tmp = tmp->next)
		printk(KERN_INFO "  vmlist: [%p, %#lx) flags %#lx\n", tmp->addr,
		       (unsigned long)tmp->addr + tmp->size, tmp->flags);
	read_unlock(&vmlist_lock);
}

void builtin_sequence(void)
{
	uint32_t r[MBOX_RESULTS], a, b, d, v;

	printk(KERN_NOTICE "vmalloc demo (%s paging, %lu pages of RAM, vmalloc %#lx - %#x)\n",
	       pae_enabled ? "PAE" : "2-level", num_physpages, VMALLOC_START, VMALLOC_END);

	demo_cmd(CMD_VMALLOC, 3 * PAGE_SIZE, 0, 0, r);
	a = r[0];
	demo_cmd(CMD_FILL, a, 3 * PAGE_SIZE, 42, r);
	demo_cmd(CMD_CHECK, a, 3 * PAGE_SIZE, 42, r);
	printk(KERN_INFO "  first page and guard page of %#x:\n", a);
	show_pt_walk(KERN_INFO, read_cr3(), a);
	show_pt_walk(KERN_INFO, read_cr3(), a + 3 * PAGE_SIZE);

	demo_cmd(CMD_VMALLOC_DMA, 2 * PAGE_SIZE, 0, 0, r);
	d = r[0];
	demo_cmd(CMD_VMAP, 2, ZONE_NORMAL, 0, r);
	v = r[0];
	demo_cmd(CMD_VMALLOC, PAGE_SIZE, 0, 0, r);
	b = r[0];
	show_vmlist();

	printk(KERN_INFO "vfree, then the hole is reused (first fit):\n");
	demo_cmd(CMD_VFREE, d, 0, 0, r);
	demo_cmd(CMD_VMALLOC_32, PAGE_SIZE, 0, 0, r);
	printk(KERN_INFO "  vmalloc_32 got %#x, the freed vmalloc_dma area was %#x\n", r[0], d);
	d = r[0];

	printk(KERN_INFO "vfree's refusals:\n");
	demo_cmd(CMD_VFREE, a + 4, 0, 0, r);
	demo_cmd(CMD_VFREE, a + PAGE_SIZE, 0, 0, r);
	demo_cmd(CMD_VMALLOC, 0, 0, 0, r);

	printk(KERN_INFO "vmap: vfree drops the mapping's reference, the owner's stays:\n");
	demo_cmd(CMD_VFREE, v, 0, 0, r);
	demo_cmd(CMD_VMAP_PUT, v, 0, 0, r);

	printk(KERN_INFO "probe sequences:\n");
	demo_cmd(CMD_PROBE_SEQ, SEQ_VFREE_THEN_PROBE, 4, 0, r);
	demo_cmd(CMD_PROBE_SEQ, SEQ_STALE_TLB, 0, 0, r);

	demo_cmd(CMD_VFREE, a, 0, 0, r);
	demo_cmd(CMD_VFREE, b, 0, 0, r);
	demo_cmd(CMD_VFREE, d, 0, 0, r);
	demo_cmd(CMD_COUNTERS, 0, 0, 0, r);
	printk(KERN_INFO
	       "  vmalloc counters: %u PTEs set, %u cleared, %u pages allocated, %u freed, "
	       "%u areas allocated, %u freed, %u get_vm_area failures\n",
	       r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
	show_vmlist();
}
