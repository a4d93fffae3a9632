// SPDX-License-Identifier: GPL-2.0
/*
 * The host's command loop (shared/abi.h).  It only dispatches: every
 * command handler lives beside this file in guest/commands/, one file
 * per subject, and registers itself with DEFINE_CMD into a table the
 * linker builds (mailbox.h, guest.ld), as self-tests do with
 * DEFINE_SELFTEST.  Without a VMM it runs the self-tests and the
 * built-in sequence instead.
 */
#include <io.h>
#include <kernel.h>
#include <mailbox.h>
#include <string.h>

#include "shared/abi.h"

int selftest_count(void)
{
	return __stop_selftests - __start_selftests;
}

int run_selftest(int index)
{
	const struct selftest *t = &__start_selftests[index];

	mailbox_text_write(t->name, strlen(t->name));
	mailbox_text_putc('\n');
	return t->fn();
}

static const struct mbox_command *find_command(uint32_t cmd)
{
	const struct mbox_command *c;

	for (c = __start_mbox_cmds; c < __stop_mbox_cmds; c++)
		if (c->cmd == cmd)
			return c;
	return NULL;
}

/* Two files registering one command is a build mistake: say so at boot. */
static void check_command_table(void)
{
	const struct mbox_command *a, *b;

	for (a = __start_mbox_cmds; a < __stop_mbox_cmds; a++)
		for (b = a + 1; b < __stop_mbox_cmds; b++)
			if (a->cmd == b->cmd)
				panic("command %u registered twice (%s)", a->cmd, a->name);
}

static void run_command(void)
{
	uint32_t cmd = mailbox.cmd, args[MBOX_ARGS], results[MBOX_RESULTS];
	const struct mbox_command *c;
	int status;

	memcpy(args, (const void *)mailbox.args, sizeof(args));
	memset(results, 0, sizeof(results));
	mailbox_text_start();
	if (cmd == CMD_NONE) {
		status = ST_OK;
	} else {
		c = find_command(cmd);
		status = c ? c->handler(args, results) : ST_UNKNOWN_CMD;
	}
	mailbox_text_stop();
	memcpy((void *)mailbox.results, results, sizeof(results));
	mailbox.status = status;
}

__weak void builtin_sequence(void)
{
}

/* No VMM (QEMU, GRUB): run every self-test, then the built-in sequence, then leave. */
static void __noreturn run_builtin(void)
{
	int i, n = selftest_count(), failed = 0;

	mailbox_text_stop();
	printk(KERN_INFO "Running %d self-tests\n", n);
	for (i = 0; i < n; i++) {
		int ret;

		printk(KERN_INFO "selftest %d/%d: %s\n", i + 1, n, __start_selftests[i].name);
		ret = run_selftest(i);
		printk(KERN_INFO "selftest %s: %s\n", __start_selftests[i].name,
		       ret ? "FAILED" : "passed");
		failed += ret != 0;
	}
	printk(KERN_NOTICE "self-tests: %d passed, %d failed\n", n - failed, failed);
	builtin_sequence();
	printk(KERN_NOTICE "Built-in sequence done, exiting with status %d\n", failed ? 1 : 0);
	machine_exit(failed ? 1 : 0);
}

void mailbox_serve(void)
{
	check_command_table();
	if (!vmm_present)
		run_builtin();
	for (;;) {
		outl(DB_READY, PORT_DOORBELL);
		run_command();
	}
}
