/* SPDX-License-Identifier: GPL-2.0 */
/* Host stand-in for the guest's kernel.h (see shim.h). */
#ifndef GUEST_SHIM_KERNEL_H
#define GUEST_SHIM_KERNEL_H

#include "shim.h"

#define KERN_EMERG   "<0>"
#define KERN_ALERT   "<1>"
#define KERN_CRIT    "<2>"
#define KERN_ERR     "<3>"
#define KERN_WARNING "<4>"
#define KERN_NOTICE  "<5>"
#define KERN_INFO    "<6>"
#define KERN_DEBUG   "<7>"

int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#define BUG() panic("kernel BUG at %s:%d!", __FILE__, __LINE__)
#define BUG_ON(cond)                                                                               \
	do {                                                                                       \
		if (cond)                                                                          \
			BUG();                                                                     \
	} while (0)

#endif
