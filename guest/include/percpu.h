/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which CPU am I (Linux 2.4 include/asm-i386/smp.h and current.h): every
 * CPU runs on a stack of THREAD_SIZE bytes aligned to THREAD_SIZE, whose
 * lowest word holds the CPU's number, so masking %esp finds it without a
 * segment register or an APIC read.  The boot CPU's stack (arch/boot.S) is
 * aligned for it and zeroed in .bss (CPU 0); smp_init() writes each AP's
 * number at the bottom of the stack it gives it.  Interrupts run on the
 * stack they arrive on, so an interrupt handler sees its CPU's number too.
 */
#ifndef GUEST_PERCPU_H
#define GUEST_PERCPU_H

#include <stdint.h>

#include "boot_defs.h"

#define THREAD_SIZE (1ul << AP_STACK_SHIFT)

/*
 * The bottom of each CPU's stack, as 2.4 keeps its task_struct there; a
 * stack deeper than THREAD_SIZE overwrites it.  pdpt: under PAE, an AP's
 * own copy of swapper_pg_dir's four PDPT entries, its CR3 (kernel/smp.c).
 */
struct cpu_info {
	uint32_t cpu;
	uint64_t pdpt[4] __attribute__((aligned(32)));
};

static inline struct cpu_info *current_cpu_info(void)
{
	unsigned long esp;

	__asm__("movl %%esp, %0" : "=r"(esp));
	return (struct cpu_info *)(esp & ~(THREAD_SIZE - 1));
}

static inline unsigned int smp_processor_id(void)
{
	return current_cpu_info()->cpu;
}

/* Counters several CPUs bump: a lock-prefixed add, so that no increment is lost. */
#define stat_add(var, n) ((void)__atomic_add_fetch(&(var), (n), __ATOMIC_RELAXED))
#define stat_sub(var, n) ((void)__atomic_sub_fetch(&(var), (n), __ATOMIC_RELAXED))
#define stat_inc(var)	 stat_add(var, 1)
#define stat_dec(var)	 stat_sub(var, 1)

#endif /* GUEST_PERCPU_H */
