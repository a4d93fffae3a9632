// SPDX-License-Identifier: GPL-2.0
/*
 * printk (Linux 2.4 kernel/printk.c) on the debug console, port 0xE9.
 *
 * A line may start with a "<N>" level (KERN_*); a line without one gets
 * DEFAULT_MESSAGE_LOGLEVEL.  The console shows lines whose level is
 * below console_loglevel, without the prefix.  Every line also goes to
 * the mailbox text while capturing (mailbox.h), with its "<N>" prefix,
 * as in the kernel's log buffer, so the host can check a message's level.
 */
#include <io.h>
#include <kernel.h>
#include <mailbox.h>
#include <spinlock.h>

#include "shared/abi.h"

int console_loglevel = DEFAULT_CONSOLE_LOGLEVEL;

static spinlock_t logbuf_lock = SPIN_LOCK_UNLOCKED_CLASS(LOCK_CLASS_LOGBUF);
static char printk_buf[1024];
static int line_start = 1; /* the next character begins a line */
static int line_level = DEFAULT_MESSAGE_LOGLEVEL;

static void console_putc(char c)
{
	outb((uint8_t)c, PORT_CONSOLE);
}

static int parse_level(const char *p)
{
	if (p[0] == '<' && p[1] >= '0' && p[1] <= '7' && p[2] == '>')
		return p[1] - '0';
	return -1;
}

int vprintk(const char *fmt, va_list args)
{
	unsigned long flags;
	const char *p;
	int len;

	/* As 2.4: interrupts off, so that a handler's printk cannot spin on this CPU's own hold. */
	spin_lock_irqsave(&logbuf_lock, flags);
	len = vsnprintf(printk_buf, sizeof(printk_buf), fmt, args);
	for (p = printk_buf; *p; p++) {
		if (line_start) {
			int level = parse_level(p);

			if (level >= 0)
				p += 3;
			else
				level = DEFAULT_MESSAGE_LOGLEVEL;
			line_level = level;
			line_start = 0;
			mailbox_text_putc('<');
			mailbox_text_putc((char)('0' + level));
			mailbox_text_putc('>');
			if (!*p)
				break;
		}
		if (line_level < console_loglevel)
			console_putc(*p);
		mailbox_text_putc(*p);
		if (*p == '\n')
			line_start = 1;
	}
	spin_unlock_irqrestore(&logbuf_lock, flags);
	return len;
}

int printk(const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vprintk(fmt, args);
	va_end(args);
	return n;
}

/* For die() and panic(): whoever held the lock will never release it. */
void bust_spinlocks(void)
{
	spin_lock_init(&logbuf_lock, LOCK_CLASS_LOGBUF);
	if (!line_start)
		printk("\n");
}
