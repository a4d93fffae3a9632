/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM: /dev/kvm, one anonymous mapping of guest RAM, vCPUs, and the
 * run loop that turns KVM exits into events for the caller.
 *
 * Tiers, as in the KVM selftests: vm_create()/vm_boot() report errors and
 * return them; only main() exits.  The run loop handles what it can
 * itself (console output, the HELLO handshake) and stops on everything
 * a caller must decide about (the guest is ready for a command, exited,
 * crashed, touched something unexpected, or ran out of time).
 */
#ifndef VMM_VM_H
#define VMM_VM_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "shared/abi.h"
#include "vmm/core/elf.h"
#include "vmm/core/guestmem.h"

#define VM_MAX_VCPUS	 MAX_CPUS
#define VM_ERR_LEN	 1024
#define CONSOLE_LOG_SIZE (64u << 10)

enum paging_mode {
	PAGING_2LEVEL = 0,
	PAGING_PAE = 1
};

struct vm_config {
	uint64_t ram_size;
	unsigned int nr_vcpus;
	enum paging_mode paging;
	const char *cmdline;	  /* extra guest command line, may be NULL */
	unsigned int timeout_sec; /* 0: none */
	FILE *console;		  /* where guest console bytes go; NULL: only the log */
};

/* Why vm_run() stopped. */
enum vm_event_kind {
	VM_EV_READY, /* guest rang DB_READY: mailbox result valid, next command please */
	VM_EV_EXIT,  /* guest wrote PORT_EXIT; ev.status */
	VM_EV_OOPS,  /* guest reported a fatal exception (mailbox.exc) */
	VM_EV_PANIC, /* guest panicked (mailbox.text) */
	VM_EV_TRIPLE_FAULT,
	VM_EV_HALTED,
	VM_EV_KVM_ERROR,     /* INTERNAL_ERROR, FAIL_ENTRY */
	VM_EV_UNEXPECTED_IO, /* port or MMIO nobody handles */
	VM_EV_PROTOCOL,	     /* malformed handshake / mailbox / exit value */
	VM_EV_TIMEOUT,
	VM_EV_HOST_ERROR, /* an ioctl failed */
};

struct vm_event {
	enum vm_event_kind kind;
	int status;	      /* VM_EV_EXIT: the guest's status */
	char msg[VM_ERR_LEN]; /* human-readable account of what happened */
};

struct vcpu {
	struct vm *vm;
	unsigned int id;
	int fd;
	struct kvm_run *run;
	pthread_t thread; /* the thread that calls KVM_RUN, for vcpu_kick() */
	/* thread is set: vCPU 0 once vm_run() ran; an AP while its thread
	 * (run.c) is not yet joined */
	bool thread_valid;
	bool ipi_pending; /* a PORT_IPI not yet consumed by a HLT (under vm->lock) */
};

struct vm {
	struct vm_config cfg;
	int kvm_fd;
	int vm_fd;
	size_t run_size;
	struct guest_mem mem;
	unsigned int nr_vcpus;
	struct vcpu vcpus[VM_MAX_VCPUS];

	/* Set by the guest's HELLO: where its mailbox lives. */
	bool mailbox_valid;
	uint64_t mailbox_gpa;

	/* Everything the guest printed, for tests and reports (ring; under
	 * console_lock). */
	char console_log[CONSOLE_LOG_SIZE];
	size_t console_len; /* total bytes ever written */

	/* Watchdog for --timeout. */
	pthread_t watchdog;
	bool watchdog_running;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* vm_destroy() began (set under lock): the watchdog kicks no one
	 * any more, APs leave ap_park() and their run loop. */
	bool stopping;
	volatile int timed_out;

	/* vCPUs 1..N-1 (APs): started at the guest's ap_startup_32 by vm_boot.
	 * One that stops for any reason but the VM's own stop records why in
	 * ap_event (under lock) and kicks vCPU 0, whose vm_run() reports it. */
	volatile int ap_failed;
	struct vm_event ap_event;
	pthread_cond_t ap_wake;	      /* with vm->lock: a PORT_IPI, or the VM stops */
	pthread_mutex_t console_lock; /* console output comes from every vCPU thread */

	/* Counters for the benchmark and tests. */
	uint64_t nr_exits;
	uint64_t nr_io_exits;
	uint64_t nr_ipis; /* PORT_IPI writes */
};

/* Open /dev/kvm, create the VM, its RAM and vCPUs.  On failure returns a
 * negative errno, fills err (message with the fix), and frees everything. */
int vm_create(struct vm **out, const struct vm_config *cfg, char *err, size_t errlen);
/* Whether a vm_create() error means "no usable KVM here" (exit status 69)
 * rather than a failure of a working KVM. */
bool vm_create_error_is_kvm(int err);
struct sym_table;
/*
 * Load the checked image, write the Multiboot information, set the boot
 * registers, and start the watchdog.  syms are img's symbols (the caller
 * read them once, sym_load_image()); only needed with several vCPUs, whose
 * entry is the symbol ap_startup_32, and may be NULL otherwise.  0 or
 * -errno with err; -ENOEXEC: the guest cannot run on several vCPUs.
 */
int vm_boot(struct vm *vm, const struct elf_image *img, const struct sym_table *syms, char *err,
	    size_t errlen);
void vm_destroy(struct vm *vm);

/* Start vCPUs 1..N-1, each on its own thread running KVM_RUN (run.c). */
int vm_start_aps(struct vm *vm, char *err, size_t errlen);
/* Kick and join them once vm->stopping is set (vm_destroy does both). */
void vm_stop_aps(struct vm *vm);
/* KVM_GET_SREGS of a vCPU that is not running: 0 or -errno. */
int vcpu_get_sregs(struct vcpu *vcpu, struct kvm_sregs *sregs);
/* KVM's own walk of va on the vCPU's current CR3 (KVM_TRANSLATE): 0 with
 * *valid and *pa, or -errno.  KVM may set accessed bits on the way. */
int vcpu_translate(struct vcpu *vcpu, uint64_t va, bool *valid, uint64_t *pa);
/* Make vCPU i's KVM_RUN return: immediate_exit, and SIGUSR1 to its thread. */
void vcpu_kick(struct vcpu *vcpu);

/* Run vCPU 0 until something needs the caller (see enum vm_event_kind);
 * always returns 0 with *ev describing why it stopped. */
int vm_run(struct vm *vm, struct vm_event *ev);

/* Print general, segment and control registers of a vCPU, and the last
 * exception the guest reported, for post-mortems. */
void vcpu_dump_state(struct vcpu *vcpu, FILE *out);

/* Map an event to the VMM exit status documented in the README. */
int vm_event_exit_status(const struct vm_event *ev);
const char *vm_event_name(enum vm_event_kind kind);

/* Console log access: copies the last (up to) len bytes, NUL-terminated. */
size_t vm_console_tail(struct vm *vm, char *buf, size_t len);
/* The same, limited to what was written after console_len was mark. */
size_t vm_console_since(struct vm *vm, size_t mark, char *buf, size_t len);
/* Stop echoing the console to cfg.console (the log keeps everything) and
 * return the mark for vm_console_since(); vm_console_echo() resumes. Both
 * under console_lock, since the APs' threads may be printing. */
size_t vm_console_mute(struct vm *vm, FILE **echo);
void vm_console_echo(struct vm *vm, FILE *echo);

/* Mailbox access (after HELLO): snapshot and write back. */
int vm_mailbox_read(struct vm *vm, struct mailbox *mb);
int vm_mailbox_write_cmd(struct vm *vm, uint32_t cmd, const uint32_t *args, unsigned int nargs);

/* Build the guest command line for a configuration ("paging=pae ..."). */
int vm_guest_cmdline(const struct vm_config *cfg, char *buf, size_t len);

/* Write Multiboot information for a guest of gm->size bytes (multiboot.c). */
int multiboot_write_info(const struct guest_mem *gm, const char *cmdline);

#endif /* VMM_VM_H */
