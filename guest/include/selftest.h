/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers for the guest's self-tests (registered with DEFINE_SELFTEST, mailbox.h). */
#ifndef GUEST_SELFTEST_H
#define GUEST_SELFTEST_H

#include <kernel.h>

/* Fail the calling self-test (return -1) with the condition, file:line and a message. */
#define CHECK(cond, fmt, ...)                                                                      \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printk(KERN_ERR "%s:%d: %s: failed: %s: " fmt "\n", __FILE__, __LINE__,    \
			       __func__, #cond, ##__VA_ARGS__);                                    \
			return -1;                                                                 \
		}                                                                                  \
	} while (0)

#endif /* GUEST_SELFTEST_H */
