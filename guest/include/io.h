/* SPDX-License-Identifier: GPL-2.0 */
/* Port I/O (Linux 2.4 include/asm-i386/io.h): value first, port second. */
#ifndef GUEST_IO_H
#define GUEST_IO_H

#include <stdint.h>

/*
 * The "memory" clobber matters: the VMM reads and writes guest memory
 * (the mailbox) while the vCPU is stopped on a port write, so nothing
 * may be cached in registers across one.
 */
static inline void outb(uint8_t value, uint16_t port)
{
	__asm__ __volatile__("outb %b0, %w1" : : "a"(value), "Nd"(port) : "memory");
}

static inline void outl(uint32_t value, uint16_t port)
{
	__asm__ __volatile__("outl %0, %w1" : : "a"(value), "Nd"(port) : "memory");
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t value;

	__asm__ __volatile__("inb %w1, %b0" : "=a"(value) : "Nd"(port) : "memory");
	return value;
}

#endif /* GUEST_IO_H */
