/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Commands to the guest through the mailbox, as plain C calls.  The guest
 * must be waiting at DB_READY (vm_run() returned VM_EV_READY).  Each call
 * returns 0 when the guest answered, with its status/results/text in
 * *reply, or -ECANCELED when the VM stopped (or broke the mailbox
 * protocol) instead: *ev says why (ev->kind, ev->msg), and the VM cannot
 * take commands any more.  The wrappers without a reply argument return
 * -EREMOTEIO when the guest refused the command: then ev->kind is still
 * VM_EV_READY (the guest goes on) and ev->msg names the status.  No other
 * value is returned.
 */
#ifndef VMM_GUEST_H
#define VMM_GUEST_H

#include "shared/abi.h"
#include "vmm/core/vm.h"

struct guest_reply {
	uint32_t status; /* enum mbox_status */
	uint32_t results[MBOX_RESULTS];
	uint32_t text_len;
	char text[MBOX_TEXT + 1]; /* NUL-terminated copy of the guest's text */
};

int guest_call(struct vm *vm, uint32_t cmd, const uint32_t *args, unsigned int nargs,
	       struct guest_reply *reply, struct vm_event *ev);

/* Boot to the first DB_READY: 0, or -ECANCELED with ev telling why not. */
int guest_wait_ready(struct vm *vm, struct vm_event *ev);

/* Run self-test idx; *count receives how many the guest has. */
int guest_selftest(struct vm *vm, uint32_t idx, uint32_t *count, struct guest_reply *reply,
		   struct vm_event *ev);

/* Tell the guest to exit with status; runs to the exit (ev->kind == VM_EV_EXIT). */
int guest_exit(struct vm *vm, uint32_t status, struct vm_event *ev);

/* The vmalloc operations (CMD_* in shared/abi.h).  *addr receives the
 * guest virtual address (0 when the guest returned NULL). */
int guest_vmalloc(struct vm *vm, uint32_t cmd, uint32_t size, uint32_t *addr,
		  struct guest_reply *reply, struct vm_event *ev);
int guest_vfree(struct vm *vm, uint32_t addr, struct guest_reply *reply, struct vm_event *ev);

/* Probe one address in the guest: a read (or a write of value) that may
 * fault; the fault is caught in the guest and reported, not fatal. */
struct guest_probe {
	bool faulted;
	uint32_t value;	 /* read value, when not faulted */
	uint32_t vector; /* when faulted */
	uint32_t error_code;
	uint32_t cr2;
};
int guest_probe(struct vm *vm, uint32_t addr, enum probe_kind kind, uint32_t value,
		struct guest_probe *probe, struct vm_event *ev);
/* The same access made by guest CPU cpu (0: the boot CPU; others through
 * their polled work slot, on swapper_pg_dir). */
int guest_probe_cpu(struct vm *vm, uint32_t cpu, uint32_t addr, enum probe_kind kind,
		    uint32_t value, struct guest_probe *probe, struct vm_event *ev);

#endif /* VMM_GUEST_H */
