// SPDX-License-Identifier: GPL-2.0
/* panic() and leaving the machine (Linux 2.4 kernel/panic.c). */
#include <io.h>
#include <kernel.h>
#include <mailbox.h>
#include <processor.h>

#include "shared/abi.h"

void machine_exit(uint32_t status)
{
	/* With no VMM and no isa-debug-exit device the write does nothing: halt. */
	outl(status, PORT_EXIT);
	halt_forever();
}

void panic(const char *fmt, ...)
{
	static char buf[256];
	static int in_panic;
	va_list args;

	local_irq_disable();
	if (in_panic++)
		machine_exit(1);
	bust_spinlocks();
	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);

	mailbox_text_start();
	printk(KERN_EMERG "Kernel panic: %s\n", buf);
	mailbox_text_stop();
	outl(DB_PANIC, PORT_DOORBELL);
	machine_exit(1);
}
