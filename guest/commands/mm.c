// SPDX-License-Identifier: GPL-2.0
/*
 * The host's commands for address spaces and single accesses
 * (shared/abi.h): make and switch mm_structs, and read or write one word
 * through the fixup-protected probes (extable.h), here or on another CPU.
 */
#include <extable.h>
#include <kernel.h>
#include <mailbox.h>
#include <mmu_context.h>
#include <sched.h>
#include <smp.h>

#include "shared/abi.h"

static int cmd_new_mm(const uint32_t *args, uint32_t *results)
{
	struct mm_struct *mm = mm_alloc();

	(void)args;
	if (!mm)
		return ST_FAIL;
	results[0] = mm->id;
	return ST_OK;
}
DEFINE_CMD(CMD_NEW_MM, cmd_new_mm);

static int cmd_switch_mm(const uint32_t *args, uint32_t *results)
{
	struct mm_struct *mm = find_mm(args[0]);

	(void)results;
	if (!mm)
		return ST_EINVAL;
	switch_mm(mm);
	return ST_OK;
}
DEFINE_CMD(CMD_SWITCH_MM, cmd_switch_mm);

/* results: [0] 1 if it faulted, [1] the value read or the vector, [2] error code, [3] CR2. */
static void probe_results(int err, uint32_t val, uint32_t *results)
{
	if (!err) {
		results[1] = val;
		return;
	}
	results[0] = 1;
	results[1] = last_fault.vector;
	results[2] = last_fault.error_code;
	results[3] = last_fault.cr2;
}

/*
 * A 32-bit access in the current address space; the address must be
 * 4-byte aligned.  arg3: the CPU that makes it (0, the default: this
 * one; another: through its work slot, on swapper_pg_dir, kernel/smp.c).
 */
static int cmd_probe(const uint32_t *args, uint32_t *results)
{
	uint32_t val = 0;
	int err;

	if (args[0] & 3)
		return ST_EINVAL;
	if (args[3]) {
		if (args[1] != PROBE_READ && args[1] != PROBE_WRITE)
			return ST_EINVAL;
		return smp_probe_on(args[3], args[0], args[1], args[2], results) ? ST_EINVAL
										 : ST_OK;
	}
	if (args[1] == PROBE_READ)
		err = probe_read_u32(args[0], &val);
	else if (args[1] == PROBE_WRITE)
		err = probe_write_u32(args[0], args[2]);
	else
		return ST_EINVAL;
	probe_results(err, val, results);
	return ST_OK;
}
DEFINE_CMD(CMD_PROBE, cmd_probe);

/* A read, as CMD_PROBE; result4: vmalloc faults taken on the way. */
static int cmd_touch(const uint32_t *args, uint32_t *results)
{
	unsigned long before = vmalloc_faults;
	uint32_t val = 0;
	int err;

	if (args[0] & 3)
		return ST_EINVAL;
	err = probe_read_u32(args[0], &val);
	probe_results(err, val, results);
	results[4] = vmalloc_faults - before;
	return ST_OK;
}
DEFINE_CMD(CMD_TOUCH, cmd_touch);
