// SPDX-License-Identifier: GPL-2.0
/* CPU identification (Linux 2.4 arch/i386/kernel/setup.c's identify_cpu, much reduced). */
#include <kernel.h>
#include <processor.h>
#include <string.h>

struct cpuinfo_x86 boot_cpu_data;

/* Can EFLAGS.ID be toggled?  Then CPUID exists. */
static int have_cpuid(void)
{
	unsigned long f1, f2;

	__asm__ __volatile__("pushfl\n\t"
			     "pushfl\n\t"
			     "popl %0\n\t"
			     "movl %0, %1\n\t"
			     "xorl $0x200000, %0\n\t"
			     "pushl %0\n\t"
			     "popfl\n\t"
			     "pushfl\n\t"
			     "popl %0\n\t"
			     "popfl"
			     : "=&r"(f1), "=&r"(f2));
	return ((f1 ^ f2) & 0x200000) != 0;
}

void identify_cpu(void)
{
	struct cpuinfo_x86 *c = &boot_cpu_data;
	uint32_t eax, ebx, ecx, edx;

	memset(c, 0, sizeof(*c));
	c->cpuid_level = (uint32_t)-1;
	strlcpy(c->x86_vendor_id, "unknown", sizeof(c->x86_vendor_id));
	if (!have_cpuid())
		return;

	cpuid(0, &eax, &ebx, &ecx, &edx);
	c->cpuid_level = eax;
	memcpy(c->x86_vendor_id + 0, &ebx, 4);
	memcpy(c->x86_vendor_id + 4, &edx, 4);
	memcpy(c->x86_vendor_id + 8, &ecx, 4);
	c->x86_vendor_id[12] = '\0';
	if (c->cpuid_level >= 1) {
		cpuid(1, &eax, &ebx, &ecx, &edx);
		c->x86_capability = edx;
	}
	cpuid(0x80000000, &eax, &ebx, &ecx, &edx);
	if ((eax & 0xffff0000) == 0x80000000) {
		c->extended_cpuid_level = eax;
		if (eax >= 0x80000001) {
			cpuid(0x80000001, &eax, &ebx, &ecx, &edx);
			c->x86_ext_capability = edx;
		}
	}
}

void print_cpu_info(void)
{
	printk(KERN_INFO "CPU: %s, cpuid level %d, features:%s%s%s%s\n",
	       boot_cpu_data.x86_vendor_id, (int)boot_cpu_data.cpuid_level,
	       cpu_has_pse ? " PSE" : "", cpu_has_pae ? " PAE" : "", cpu_has_pge ? " PGE" : "",
	       cpu_has_nx ? " NX" : "");
}
