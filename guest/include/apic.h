/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The local APIC in xAPIC mode (Linux 2.4 include/asm-i386/apic.h,
 * apicdef.h): its registers are a page of MMIO at APIC_DEFAULT_PHYS_BASE,
 * mapped uncached at the fixmap slot FIX_APIC_BASE.  Only a guest with
 * more than one CPU has one (the VMM creates KVM's in-kernel LAPICs for
 * --cpus 2 and more); a one-CPU guest must never touch APIC_BASE, whose
 * access the VMM would report as unexpected MMIO.
 */
#ifndef GUEST_APIC_H
#define GUEST_APIC_H

#include <stdint.h>

#include "shared/layout.h"

#define APIC_DEFAULT_PHYS_BASE 0xfee00000u
#define APIC_BASE	       __fix_to_virt(FIX_APIC_BASE)

/* Register offsets. */
#define APIC_ID		       0x020
#define GET_APIC_ID(x)	       (((x) >> 24) & 0xffu)
#define APIC_TASKPRI	       0x080
#define APIC_EOI	       0x0b0
#define APIC_SVR	       0x0f0 /* spurious-interrupt vector register (2.4: APIC_SPIV) */
#define APIC_SVR_APIC_ENABLED  0x100u
#define APIC_ICR	       0x300
#define APIC_ICR_BUSY	       0x1000u /* delivery status: send pending */
#define APIC_DEST_PHYSICAL     0x0000u
#define APIC_DM_FIXED	       0x0000u
#define APIC_ICR2	       0x310
#define SET_APIC_DEST_FIELD(x) ((uint32_t)(x) << 24)

/* Vectors (2.4's hw_irq.h): the IPIs high, where they outrank any device. */
#define SPURIOUS_APIC_VECTOR 0xff
#define RESCHEDULE_VECTOR    0xfc
#define CALL_FUNCTION_VECTOR 0xfb

static inline void apic_write(unsigned long reg, uint32_t v)
{
	*(volatile uint32_t *)(APIC_BASE + reg) = v;
}

static inline uint32_t apic_read(unsigned long reg)
{
	return *(volatile uint32_t *)(APIC_BASE + reg);
}

/* End of interrupt: due in every handler of an APIC vector but the spurious one. */
static inline void ack_APIC_irq(void)
{
	apic_write(APIC_EOI, 0);
}

/* Map the register page (boot CPU, in swapper_pg_dir, while bootmem still works). */
void init_apic_mappings(void);
/* This CPU's APIC on: accept every priority, SVR enable bit with the spurious vector. */
void setup_local_APIC(void);
/* The APIC ID of this CPU (KVM gives vCPU n the ID n). */
unsigned int hard_smp_processor_id(void);
/* A fixed IPI of vector to the CPU whose APIC ID is apicid; returns once the APIC took it. */
void send_IPI_single(unsigned int apicid, unsigned int vector);

#endif /* GUEST_APIC_H */
