/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU identification and control registers (Linux 2.4
 * include/asm-i386/processor.h, system.h, msr.h).  Writes to CR3 and CR4
 * are counted and live in tlbflush.h.
 */
#ifndef GUEST_PROCESSOR_H
#define GUEST_PROCESSOR_H

#include <stdint.h>

#include "shared/mmu.h"

struct cpuinfo_x86 {
	char x86_vendor_id[16];
	uint32_t cpuid_level;	       /* highest standard leaf; -1 without CPUID */
	uint32_t extended_cpuid_level; /* highest 0x8000xxxx leaf, or 0 */
	uint32_t x86_capability;       /* leaf 1 EDX, less what the command line turned off */
	uint32_t x86_ext_capability;   /* leaf 0x80000001 EDX, likewise */
};

extern struct cpuinfo_x86 boot_cpu_data;

#define cpu_has_pse (!!(boot_cpu_data.x86_capability & X86_FEATURE_PSE))
#define cpu_has_pae (!!(boot_cpu_data.x86_capability & X86_FEATURE_PAE))
#define cpu_has_pge (!!(boot_cpu_data.x86_capability & X86_FEATURE_PGE))
#define cpu_has_nx  (!!(boot_cpu_data.x86_ext_capability & X86_FEATURE_NX))

/* Fill boot_cpu_data from CPUID (arch/cpu.c); print_cpu_info() prints it. */
void identify_cpu(void);
void print_cpu_info(void);

static inline void cpuid(uint32_t op, uint32_t *eax, uint32_t *ebx, uint32_t *ecx, uint32_t *edx)
{
	__asm__ __volatile__("cpuid"
			     : "=a"(*eax), "=b"(*ebx), "=c"(*ecx), "=d"(*edx)
			     : "0"(op), "2"(0));
}

static inline unsigned long read_cr0(void)
{
	unsigned long val;

	__asm__ __volatile__("mov %%cr0, %0" : "=r"(val));
	return val;
}

static inline void write_cr0(unsigned long val)
{
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(val) : "memory");
}

static inline unsigned long read_cr2(void)
{
	unsigned long val;

	__asm__ __volatile__("mov %%cr2, %0" : "=r"(val));
	return val;
}

static inline unsigned long read_cr3(void)
{
	unsigned long val;

	__asm__ __volatile__("mov %%cr3, %0" : "=r"(val) : : "memory");
	return val;
}

static inline unsigned long read_cr4(void)
{
	unsigned long val;

	__asm__ __volatile__("mov %%cr4, %0" : "=r"(val) : : "memory");
	return val;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t val)
{
	__asm__ __volatile__("wrmsr"
			     :
			     : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
			     : "memory");
}

/* The time-stamp counter (2.4's get_cycles(), asm-i386/timex.h). */
static inline uint64_t get_cycles(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* The body of every spin-wait loop. */
static inline void cpu_relax(void)
{
	__asm__ __volatile__("pause" : : : "memory");
}

#define X86_EFLAGS_IF 0x00000200u

/* EFLAGS.IF: off on a one-CPU guest throughout; on an SMP guest, on from smp_init() on. */
static inline unsigned long local_save_flags(void)
{
	unsigned long flags;

	__asm__ __volatile__("pushfl; popl %0" : "=r"(flags) : : "memory");
	return flags;
}

static inline void local_irq_disable(void)
{
	__asm__ __volatile__("cli" : : : "memory");
}

static inline void local_irq_enable(void)
{
	__asm__ __volatile__("sti" : : : "memory");
}

static inline int irqs_disabled(void)
{
	return !(local_save_flags() & X86_EFLAGS_IF);
}

static inline void local_irq_restore(unsigned long flags)
{
	__asm__ __volatile__("pushl %0; popfl" : : "r"(flags) : "memory", "cc");
}

#define local_irq_save(flags)                                                                      \
	do {                                                                                       \
		(flags) = local_save_flags();                                                      \
		local_irq_disable();                                                               \
	} while (0)

/* Stop this CPU for good. */
static inline __attribute__((noreturn)) void halt_forever(void)
{
	for (;;)
		__asm__ __volatile__("cli; hlt" : : : "memory");
}

#endif /* GUEST_PROCESSOR_H */
