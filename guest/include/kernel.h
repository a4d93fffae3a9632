/* SPDX-License-Identifier: GPL-2.0 */
/* printk, panic and the small helpers every file uses (Linux 2.4 include/linux/kernel.h). */
#ifndef GUEST_KERNEL_H
#define GUEST_KERNEL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define KERN_EMERG   "<0>" /* system is unusable */
#define KERN_ALERT   "<1>" /* action must be taken immediately */
#define KERN_CRIT    "<2>" /* critical conditions */
#define KERN_ERR     "<3>" /* error conditions */
#define KERN_WARNING "<4>" /* warning conditions */
#define KERN_NOTICE  "<5>" /* normal but significant condition */
#define KERN_INFO    "<6>" /* informational */
#define KERN_DEBUG   "<7>" /* debug-level messages */

#define DEFAULT_MESSAGE_LOGLEVEL 4 /* KERN_WARNING: a line without a "<N>" prefix */
#define DEFAULT_CONSOLE_LOGLEVEL 7 /* lines with a level below this reach the console */

extern int console_loglevel;

/*
 * A line starting with "<N>" has level N; the prefix is not printed on
 * the console.  Every line, whatever its level, also goes to the mailbox
 * text while a command runs (see mailbox.h), prefix included, as in the
 * kernel's log buffer.
 */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list args) __attribute__((format(printf, 1, 0)));

/* %d %i %u %x %X %o %s %c %p %%, flags "-0+ #", width, precision, h/l/ll/z. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
	__attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Print "Kernel panic: ...", report DB_PANIC to the host, stop the machine. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* die() and panic(): forget the console lock (its holder will never let go), end the line. */
void bust_spinlocks(void);

/* Leave through PORT_EXIT with @status; cli;hlt when nobody listens. */
void machine_exit(uint32_t status) __attribute__((noreturn));

/* An invariant is broken: report it like 2.4 (an invalid-opcode oops at the caller). */
#define BUG()                                                                                      \
	do {                                                                                       \
		printk(KERN_EMERG "kernel BUG at %s:%d!\n", __FILE__, __LINE__);                   \
		__asm__ __volatile__("ud2");                                                       \
		__builtin_unreachable();                                                           \
	} while (0)
#define BUG_ON(cond)                                                                               \
	do {                                                                                       \
		if (unlikely(cond))                                                                \
			BUG();                                                                     \
	} while (0)

#define likely(x)    __builtin_expect(!!(x), 1)
#define unlikely(x)  __builtin_expect(!!(x), 0)
#define __weak	     __attribute__((weak))
#define __noreturn   __attribute__((noreturn))
#define __aligned(n) __attribute__((aligned(n)))
#define __used	     __attribute__((used))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define min(a, b)     ((a) < (b) ? (a) : (b))
#define max(a, b)     ((a) > (b) ? (a) : (b))
#define ALIGN(x, a)   (((x) + (a)-1) & ~((__typeof__(x))(a)-1))

/* The boot command line, copied out of the Multiboot information. */
extern char saved_command_line[];
/* crash=KIND from the command line, or "" (kernel/main.c). */
extern char crash_test[16];

/* Early setup steps start_kernel runs (kernel/setup.c, arch/). */
void setup_arch(unsigned long mbi_phys);
void trap_init(void);
void load_idt(void);

#endif /* GUEST_KERNEL_H */
