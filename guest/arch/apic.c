// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC (Linux 2.4 arch/i386/kernel/apic.c, the parts an SMP
 * kernel without devices needs): the register mapping, enabling each CPU's
 * APIC, and sending one IPI through the ICR.
 */
#include <apic.h>
#include <kernel.h>
#include <pgtable.h>
#include <processor.h>

void init_apic_mappings(void)
{
	set_fixmap_nocache(FIX_APIC_BASE, APIC_DEFAULT_PHYS_BASE);
	printk(KERN_INFO "APIC: registers at %08x (physical %08x)\n", APIC_BASE,
	       APIC_DEFAULT_PHYS_BASE);
}

void setup_local_APIC(void)
{
	/* Task priority 0: no vector is held back. */
	apic_write(APIC_TASKPRI, 0);
	apic_write(APIC_SVR, APIC_SVR_APIC_ENABLED | SPURIOUS_APIC_VECTOR);
}

unsigned int hard_smp_processor_id(void)
{
	return GET_APIC_ID(apic_read(APIC_ID));
}

static void apic_wait_icr_idle(void)
{
	while (apic_read(APIC_ICR) & APIC_ICR_BUSY)
		cpu_relax();
}

void send_IPI_single(unsigned int apicid, unsigned int vector)
{
	unsigned long flags;

	/* ICR2 then ICR is one operation: an interrupt between the two
	 * writes whose handler sent an IPI would change the destination. */
	local_irq_save(flags);
	apic_wait_icr_idle();
	apic_write(APIC_ICR2, SET_APIC_DEST_FIELD(apicid));
	apic_write(APIC_ICR, APIC_DEST_PHYSICAL | APIC_DM_FIXED | vector);
	apic_wait_icr_idle();
	local_irq_restore(flags);
}
