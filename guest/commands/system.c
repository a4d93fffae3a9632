// SPDX-License-Identifier: GPL-2.0
/* The host's commands for the guest as a whole (shared/abi.h): run a self-test, exit. */
#include <kernel.h>
#include <mailbox.h>
#include <processor.h>

#include "shared/abi.h"

static int cmd_selftest(const uint32_t *args, uint32_t *results)
{
	int n = selftest_count();

	results[0] = n;
	if (args[0] >= (uint32_t)n)
		return ST_EINVAL;
	return run_selftest(args[0]) ? ST_FAIL : ST_OK;
}
DEFINE_CMD(CMD_SELFTEST, cmd_selftest);

static int cmd_exit(const uint32_t *args, uint32_t *results)
{
	(void)results;
	if (args[0] > GUEST_EXIT_MAX)
		return ST_EINVAL;
	machine_exit(args[0]);
}
DEFINE_CMD(CMD_EXIT, cmd_exit);
