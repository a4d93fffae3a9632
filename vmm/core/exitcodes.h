/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit statuses of ./vmm (also listed in the README).  A guest's own exit
 * status (0..GUEST_EXIT_MAX, written to PORT_EXIT) passes through
 * unchanged; the VMM's own outcomes use the block from 64 up, which a
 * guest cannot produce, so a script can always tell them apart.
 */
#ifndef VMM_EXITCODES_H
#define VMM_EXITCODES_H

enum vmm_exit {
	VMM_EXIT_USAGE = 64,	     /* bad command line */
	VMM_EXIT_BAD_ELF = 65,	     /* guest ELF refused */
	VMM_EXIT_NO_INPUT = 66,	     /* guest file or script cannot be opened */
	VMM_EXIT_NO_KVM = 69,	     /* /dev/kvm missing, not permitted, or lacking a capability */
	VMM_EXIT_INTERNAL = 70,	     /* a KVM ioctl or host resource failed */
	VMM_EXIT_TRIPLE_FAULT = 71,  /* KVM_EXIT_SHUTDOWN */
	VMM_EXIT_KVM_ERROR = 72,     /* KVM_EXIT_INTERNAL_ERROR or KVM_EXIT_FAIL_ENTRY */
	VMM_EXIT_UNEXPECTED_IO = 73, /* port or MMIO access nobody handles */
	VMM_EXIT_PROTOCOL = 74,	     /* malformed mailbox, ABI mismatch, bad exit value */
	VMM_EXIT_GUEST_OOPS = 75,    /* the guest reported a fatal exception or panic */
	VMM_EXIT_CHECK_FAILED = 76,  /* a rule of the page-table checker failed */
	VMM_EXIT_GUEST_HALTED = 77,  /* HLT with nothing left to wake the vCPU */
	VMM_EXIT_TIMEOUT = 124,	     /* --timeout expired (as timeout(1)) */
};

#endif /* VMM_EXITCODES_H */
