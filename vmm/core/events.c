// SPDX-License-Identifier: GPL-2.0
/*
 * What a stop means to a person and to a shell: each event's name, its exit
 * status (the README's table), and the register dump for post-mortems.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm/core/core.h"

static const char *const event_names[] = {
	[VM_EV_READY] = "ready",
	[VM_EV_EXIT] = "exit",
	[VM_EV_OOPS] = "oops",
	[VM_EV_PANIC] = "panic",
	[VM_EV_TRIPLE_FAULT] = "triple-fault",
	[VM_EV_HALTED] = "halted",
	[VM_EV_KVM_ERROR] = "kvm-error",
	[VM_EV_UNEXPECTED_IO] = "unexpected-io",
	[VM_EV_PROTOCOL] = "protocol-error",
	[VM_EV_TIMEOUT] = "timeout",
	[VM_EV_HOST_ERROR] = "host-error",
	[VM_EV_INTERRUPTED] = "interrupted",
};

const char *vm_event_name(enum vm_event_kind kind)
{
	if ((size_t)kind < ARRAY_SIZE(event_names) && event_names[kind])
		return event_names[kind];
	return "?";
}

int vm_event_exit_status(const struct vm_event *ev)
{
	switch (ev->kind) {
	case VM_EV_EXIT:
		return ev->status;
	case VM_EV_READY:
		return 0;
	case VM_EV_OOPS:
	case VM_EV_PANIC:
		return VMM_EXIT_GUEST_OOPS;
	case VM_EV_TRIPLE_FAULT:
		return VMM_EXIT_TRIPLE_FAULT;
	case VM_EV_HALTED:
		return VMM_EXIT_GUEST_HALTED;
	case VM_EV_KVM_ERROR:
		return VMM_EXIT_KVM_ERROR;
	case VM_EV_UNEXPECTED_IO:
		return VMM_EXIT_UNEXPECTED_IO;
	case VM_EV_PROTOCOL:
		return VMM_EXIT_PROTOCOL;
	case VM_EV_TIMEOUT:
		return VMM_EXIT_TIMEOUT;
	case VM_EV_HOST_ERROR:
		return VMM_EXIT_INTERNAL;
	case VM_EV_INTERRUPTED:
		return VMM_EXIT_SIGNAL + ev->status;
	}
	return VMM_EXIT_INTERNAL;
}

static void print_segment(FILE *out, const char *name, const struct kvm_segment *s)
{
	fprintf(out, "%-3s sel=%04x base=%08llx limit=%08x type=%x dpl=%u p=%u db=%u g=%u\n", name,
		s->selector, (unsigned long long)s->base, s->limit, s->type, s->dpl, s->present,
		s->db, s->g);
}

void vcpu_dump_state(struct vcpu *vcpu, FILE *out)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct mailbox mb;
	int ret;

	fprintf(out, "--- vCPU %u state ---\n", vcpu->id);
	if (ioctl(vcpu->fd, KVM_GET_REGS, &regs) == 0) {
		fprintf(out, "EAX=%08llx EBX=%08llx ECX=%08llx EDX=%08llx\n",
			(unsigned long long)regs.rax, (unsigned long long)regs.rbx,
			(unsigned long long)regs.rcx, (unsigned long long)regs.rdx);
		fprintf(out, "ESI=%08llx EDI=%08llx EBP=%08llx ESP=%08llx\n",
			(unsigned long long)regs.rsi, (unsigned long long)regs.rdi,
			(unsigned long long)regs.rbp, (unsigned long long)regs.rsp);
		fprintf(out, "EIP=%08llx EFLAGS=%08llx\n", (unsigned long long)regs.rip,
			(unsigned long long)regs.rflags);
	} else {
		fprintf(out, "KVM_GET_REGS: %s\n", strerror(errno));
	}
	ret = vcpu_get_sregs(vcpu, &sregs);
	if (ret == 0) {
		print_segment(out, "CS", &sregs.cs);
		print_segment(out, "DS", &sregs.ds);
		print_segment(out, "SS", &sregs.ss);
		fprintf(out, "GDT=%08llx/%x IDT=%08llx/%x\n", (unsigned long long)sregs.gdt.base,
			sregs.gdt.limit, (unsigned long long)sregs.idt.base, sregs.idt.limit);
		fprintf(out, "CR0=%08llx CR2=%08llx CR3=%08llx CR4=%08llx EFER=%08llx\n",
			(unsigned long long)sregs.cr0, (unsigned long long)sregs.cr2,
			(unsigned long long)sregs.cr3, (unsigned long long)sregs.cr4,
			(unsigned long long)sregs.efer);
	} else {
		fprintf(out, "KVM_GET_SREGS: %s\n", strerror(-ret));
	}
	if (vm_mailbox_read(vcpu->vm, &mb) == 0 && mb.exc.valid)
		fprintf(out,
			"last exception reported by the guest: vector %u error code 0x%x EIP %08x "
			"CR2 %08x\n",
			mb.exc.vector, mb.exc.error_code, mb.exc.eip, mb.exc.cr2);
	else
		fprintf(out, "last exception reported by the guest: none\n");
}
