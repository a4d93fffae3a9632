/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's side of the host/guest mailbox (shared/abi.h): the command
 * loop, its command table and the self-test table.
 *
 * Every command lives in guest/commands/: the loop in dispatch.c, the
 * handlers in one file per subject (vmalloc.c, mm.c, pages.c, system.c).
 * kernel/mailbox.c holds only the shared page and printk's capture.
 * Each file registers its own commands and self-tests; no central list:
 *
 *	static int cmd_vfree(const uint32_t *args, uint32_t *results) { ... }
 *	DEFINE_CMD(CMD_VFREE, cmd_vfree);
 *
 *	static int selftest_foo(void) { ... return 0; }
 *	DEFINE_SELFTEST(foo, selftest_foo);
 *
 * A handler validates its arguments, fills results[] (MBOX_RESULTS
 * words, zeroed beforehand) and returns an enum mbox_status.  Whatever
 * the command printk()s lands in mailbox.text for the host.
 */
#ifndef GUEST_MAILBOX_H
#define GUEST_MAILBOX_H

#include <stddef.h>
#include <stdint.h>

#include "shared/abi.h"

extern struct mailbox mailbox;
extern int vmm_present; /* a VMM answered PORT_HELLO */

typedef int (*cmd_handler_t)(const uint32_t *args, uint32_t *results);

struct mbox_command {
	uint32_t cmd; /* enum mbox_cmd */
	cmd_handler_t handler;
	const char *name;
};

#define DEFINE_CMD(_cmd, _handler)                                                                 \
	static const struct mbox_command __mbox_cmd_##_cmd                                         \
		__attribute__((used, section(".mbox_cmds"), aligned(4))) = {                       \
			.cmd = (_cmd), .handler = (_handler), .name = #_cmd                        \
		}

/* Returns 0 when the test passed; on failure, printk()s why and returns non-zero. */
typedef int (*selftest_fn)(void);

struct selftest {
	const char *name;
	selftest_fn fn;
};

#define DEFINE_SELFTEST(_name, _fn)                                                                \
	static const struct selftest __selftest_##_name                                            \
		__attribute__((used, section(".selftests"), aligned(4))) = { .name = #_name,       \
									     .fn = (_fn) }

/* Linker-made bounds of the two tables (guest/guest.ld). */
extern const struct mbox_command __start_mbox_cmds[], __stop_mbox_cmds[];
extern const struct selftest __start_selftests[], __stop_selftests[];

/* Say hello to a VMM (sets vmm_present); from then on printk output is captured. */
void mailbox_init(void);

/* With a VMM: serve commands forever.  Without: run the built-in sequence and exit. */
void mailbox_serve(void) __attribute__((noreturn));

/*
 * What a guest with no VMM runs after the self-tests (QEMU, GRUB).  The
 * default does nothing; a strong definition elsewhere replaces it.
 */
void builtin_sequence(void);

/* mailbox.text: start afresh and capture printk output / stop capturing. */
void mailbox_text_start(void);
void mailbox_text_stop(void);
void mailbox_text_write(const char *s, size_t len);
/* printk's hook: one byte of a line, if capturing. */
void mailbox_text_putc(char c);

int selftest_count(void);
/* Run self-test @index with its name on a line of its own first; 0 = passed. */
int run_selftest(int index);

#endif /* GUEST_MAILBOX_H */
