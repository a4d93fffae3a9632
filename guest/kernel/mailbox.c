// SPDX-License-Identifier: GPL-2.0
/*
 * The mailbox page the host and the guest share (shared/abi.h): the
 * hello that finds the VMM, and the capture of printk output into
 * mailbox.text.  The command loop and every command are in
 * guest/commands/.
 */
#include <io.h>
#include <kernel.h>
#include <mailbox.h>
#include <page.h>

#include "shared/abi.h"

struct mailbox mailbox __aligned(64);
int vmm_present;

static int text_capture;

void mailbox_text_start(void)
{
	mailbox.text_len = 0;
	text_capture = 1;
}

void mailbox_text_stop(void)
{
	text_capture = 0;
}

void mailbox_text_putc(char c)
{
	if (text_capture && mailbox.text_len < MBOX_TEXT)
		mailbox.text[mailbox.text_len++] = c;
}

void mailbox_text_write(const char *s, size_t len)
{
	while (len--)
		mailbox_text_putc(*s++);
}

void mailbox_init(void)
{
	mailbox.magic = MAILBOX_MAGIC;
	mailbox.version = VMM_ABI_VERSION;
	mailbox.host_version = 0;
	outl(__pa(&mailbox), PORT_HELLO);
	vmm_present = mailbox.host_version != 0;
	/* The boot messages are the text the host finds at the first DB_READY. */
	mailbox_text_start();
}
