/* SPDX-License-Identifier: GPL-2.0 */
/* Host stand-in for the guest's mailbox.h: registrations go to shim.c's tables. */
#ifndef GUEST_SHIM_MAILBOX_H
#define GUEST_SHIM_MAILBOX_H

#include "shared/abi.h"
#include "shim.h"

#define DEFINE_SELFTEST(name, fn)                                                                  \
	static void __attribute__((constructor)) shim_selftest_##fn(void)                          \
	{                                                                                          \
		shim_register_selftest(#name, fn);                                                 \
	}

#define DEFINE_CMD(cmd, fn)                                                                        \
	static void __attribute__((constructor)) shim_cmd_##fn(void)                               \
	{                                                                                          \
		shim_register_cmd(cmd, fn);                                                        \
	}

#endif
