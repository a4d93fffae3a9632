// SPDX-License-Identifier: GPL-2.0
/*
 * The run loop: KVM_RUN, then dispatch the exit through a table.  Port
 * handlers are a second table keyed by port.  A handler either consumes
 * the exit (returns 0: run on) or fills in an event for the caller
 * (returns 1).  Every exit and every port nobody expects stops the VM
 * with a message: nothing is ignored silently.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "vmm/core/core.h"

static int event(struct vm_event *ev, enum vm_event_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int event(struct vm_event *ev, enum vm_event_kind kind, const char *fmt, ...)
{
	va_list ap;

	ev->kind = kind;
	va_start(ap, fmt);
	vsnprintf(ev->msg, sizeof(ev->msg), fmt, ap);
	va_end(ap);
	return 1;
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static unsigned int echo_rate(const struct vm *vm)
{
	return vm->cfg.console_rate ? vm->cfg.console_rate : CONSOLE_ECHO_RATE;
}

/* Under console_lock: one line saying what the rate limit held back. */
static void console_report_suppressed(struct vm *vm, FILE *echo)
{
	if (!vm->echo_suppressed || !echo)
		return;
	fprintf(echo,
		"%s[vmm: %" PRIu64 " bytes of guest console not shown: the echo is limited to "
		"%u bytes a second]\n",
		vm->echo_mid_line ? "\n" : "", vm->echo_suppressed, echo_rate(vm));
	fflush(echo);
	vm->echo_suppressed = 0;
	vm->echo_mid_line = false;
}

/* Under console_lock: echo count bytes (every stride-th of data), escaped,
 * within this second's budget; the rest is counted for the report. */
static void console_echo(struct vm *vm, const uint8_t *data, size_t stride, uint32_t count)
{
	FILE *echo = vm->cfg.console;
	uint64_t now = monotonic_ns();
	uint32_t i;

	if (now - vm->echo_window_ns >= 1000000000u) {
		console_report_suppressed(vm, echo);
		vm->echo_window_ns = now;
		vm->echo_window_bytes = 0;
	}
	for (i = 0; i < count; i++) {
		char c = (char)data[i * stride];

		if (vm->echo_window_bytes >= echo_rate(vm)) {
			vm->echo_suppressed += count - i;
			break;
		}
		vm->echo_window_bytes += vmm_fput_text(echo, &c, 1);
		vm->echo_mid_line = c != '\n';
		if (c == '\n')
			fflush(echo);
	}
}

size_t vm_console_since(struct vm *vm, size_t mark, char *buf, size_t len)
{
	size_t n, i, start;

	if (!len)
		return 0;
	/* The APs' threads may be printing while the caller reads. */
	pthread_mutex_lock(&vm->console_lock);
	n = mark <= vm->console_len ? vm->console_len - mark : 0;
	if (n > CONSOLE_LOG_SIZE)
		n = CONSOLE_LOG_SIZE;
	if (n > len - 1)
		n = len - 1;
	start = vm->console_len - n;
	for (i = 0; i < n; i++)
		buf[i] = vm->console_log[(start + i) % CONSOLE_LOG_SIZE];
	pthread_mutex_unlock(&vm->console_lock);
	buf[n] = '\0';
	return n;
}

size_t vm_console_mute(struct vm *vm, FILE **echo)
{
	size_t mark;

	pthread_mutex_lock(&vm->console_lock);
	*echo = vm->cfg.console;
	console_report_suppressed(vm, *echo);
	vm->cfg.console = NULL;
	mark = vm->console_len;
	pthread_mutex_unlock(&vm->console_lock);
	return mark;
}

void vm_console_echo(struct vm *vm, FILE *echo)
{
	pthread_mutex_lock(&vm->console_lock);
	vm->cfg.console = echo;
	pthread_mutex_unlock(&vm->console_lock);
}

void vm_console_flush_report(struct vm *vm)
{
	pthread_mutex_lock(&vm->console_lock);
	console_report_suppressed(vm, vm->cfg.console);
	pthread_mutex_unlock(&vm->console_lock);
}

size_t vm_console_tail(struct vm *vm, char *buf, size_t len)
{
	return vm_console_since(vm, 0, buf, len);
}

int vm_mailbox_read(struct vm *vm, struct mailbox *mb)
{
	if (!__atomic_load_n(&vm->mailbox_valid, __ATOMIC_ACQUIRE))
		return -ENOENT;
	if (gmem_read(&vm->mem, vm->mailbox_gpa, mb, sizeof(*mb)))
		return -EFAULT;
	/* The guest may have scribbled anything: never trust text_len. */
	if (mb->text_len > MBOX_TEXT)
		mb->text_len = MBOX_TEXT;
	return 0;
}

int vm_mailbox_write_cmd(struct vm *vm, uint32_t cmd, const uint32_t *args, unsigned int nargs)
{
	struct mailbox *mb;

	if (!__atomic_load_n(&vm->mailbox_valid, __ATOMIC_ACQUIRE))
		return -ENOENT;
	if (nargs > MBOX_ARGS)
		return -E2BIG;
	mb = gmem_ptr(&vm->mem, vm->mailbox_gpa, sizeof(*mb));
	if (!mb)
		return -EFAULT;
	memset(mb->args, 0, sizeof(mb->args));
	if (nargs)
		memcpy(mb->args, args, nargs * sizeof(args[0]));
	mb->cmd = cmd;
	mb->status = 0;
	memset(mb->results, 0, sizeof(mb->results));
	mb->text_len = 0;
	mb->seq++;
	return 0;
}

/* Append the guest's text (not NUL-terminated), escaped, to msg. */
static void append_guest_text(char *msg, size_t len, const struct mailbox *mb)
{
	size_t used = strlen(msg);

	vmm_escape_text(msg + used, len - used, mb->text, mb->text_len);
}

/* ---- port handlers ---------------------------------------------------- */

struct pio {
	uint16_t port;
	uint8_t size; /* 1, 2 or 4 */
	bool out;
	uint32_t count;
	uint8_t *data;
};

static uint32_t pio_value(const struct pio *io)
{
	uint32_t v = 0;

	memcpy(&v, io->data, io->size);
	return v;
}

static int pio_console(struct vcpu *vcpu, const struct pio *io, struct vm_event *ev)
{
	struct vm *vm = vcpu->vm;
	uint32_t i;

	(void)ev;
	/* rep outsb arrives as one exit with count bytes */
	pthread_mutex_lock(&vm->console_lock);
	for (i = 0; i < io->count; i++) {
		vm->console_log[vm->console_len % CONSOLE_LOG_SIZE] = (char)io->data[i * io->size];
		vm->console_len++;
	}
	if (vm->cfg.console)
		console_echo(vm, io->data, io->size, io->count);
	pthread_mutex_unlock(&vm->console_lock);
	return 0;
}

static int pio_exit(struct vcpu *vcpu, const struct pio *io, struct vm_event *ev)
{
	uint32_t status = pio_value(io);

	(void)vcpu;
	if (status > GUEST_EXIT_MAX)
		return event(ev, VM_EV_PROTOCOL,
			     "guest wrote exit status %" PRIu32 " to port 0x%x; statuses above %u "
			     "are reserved for the VMM",
			     status, PORT_EXIT, GUEST_EXIT_MAX);
	ev->status = (int)status;
	return event(ev, VM_EV_EXIT, "guest exited with status %" PRIu32, status);
}

/*
 * HELLO: the mailbox's address, accepted once, from the boot CPU, aligned
 * as struct mailbox needs and wholly inside RAM.  Under vm->lock, since
 * every vCPU thread may write the port and read mailbox_gpa.
 */
static int pio_hello(struct vcpu *vcpu, const struct pio *io, struct vm_event *ev)
{
	struct vm *vm = vcpu->vm;
	uint32_t gpa = pio_value(io);
	struct mailbox *mb;
	int ret = 0;

	if (io->size != 4)
		return event(ev, VM_EV_PROTOCOL, "HELLO (port 0x%x) must be a 32-bit write",
			     PORT_HELLO);
	if (vcpu->id != 0)
		return event(ev, VM_EV_PROTOCOL,
			     "HELLO from vCPU %u: only the boot CPU (vCPU 0) may announce the "
			     "mailbox",
			     vcpu->id);
	pthread_mutex_lock(&vm->lock);
	if (vm->mailbox_valid) {
		ret = event(ev, VM_EV_PROTOCOL,
			    "second HELLO (mailbox at 0x%" PRIx32 "): the mailbox at 0x%" PRIx64
			    " is accepted once",
			    gpa, vm->mailbox_gpa);
		goto out;
	}
	mb = gmem_ptr(&vm->mem, gpa, sizeof(*mb));
	if (!mb) {
		ret = event(ev, VM_EV_PROTOCOL,
			    "HELLO: mailbox at 0x%" PRIx32 " (%zu bytes) is not wholly inside "
			    "guest RAM (0x%" PRIx64 " bytes)",
			    gpa, sizeof(*mb), vm->mem.size);
		goto out;
	}
	if (gpa % _Alignof(struct mailbox)) {
		ret = event(ev, VM_EV_PROTOCOL,
			    "HELLO: mailbox at 0x%" PRIx32 " is not aligned to %zu bytes", gpa,
			    _Alignof(struct mailbox));
		goto out;
	}
	if (mb->magic != MAILBOX_MAGIC) {
		ret = event(ev, VM_EV_PROTOCOL,
			    "HELLO: mailbox at 0x%" PRIx32 " has magic 0x%08" PRIx32
			    ", expected 0x%08x",
			    gpa, mb->magic, MAILBOX_MAGIC);
		goto out;
	}
	if (mb->version != VMM_ABI_VERSION) {
		ret = event(ev, VM_EV_PROTOCOL,
			    "HELLO: guest speaks host/guest ABI version %" PRIu32
			    ", this VMM speaks version %u: rebuild the guest and the VMM together",
			    mb->version, VMM_ABI_VERSION);
		goto out;
	}
	mb->host_version = VMM_ABI_VERSION;
	vm->mailbox_gpa = gpa;
	__atomic_store_n(&vm->mailbox_valid, true, __ATOMIC_RELEASE);
out:
	pthread_mutex_unlock(&vm->lock);
	return ret;
}

static int pio_doorbell(struct vcpu *vcpu, const struct pio *io, struct vm_event *ev)
{
	struct vm *vm = vcpu->vm;
	struct mailbox mb;
	uint32_t bell = pio_value(io);

	if (!__atomic_load_n(&vm->mailbox_valid, __ATOMIC_ACQUIRE))
		return event(ev, VM_EV_PROTOCOL, "doorbell %" PRIu32 " rung before HELLO", bell);
	if (vm_mailbox_read(vm, &mb))
		return event(ev, VM_EV_PROTOCOL, "mailbox at 0x%" PRIx64 " became unreadable",
			     vm->mailbox_gpa);
	switch (bell) {
	case DB_READY:
		return event(ev, VM_EV_READY, "guest ready");
	case DB_OOPS:
		event(ev, VM_EV_OOPS,
		      "guest oops: vector %" PRIu32 " error code 0x%" PRIx32 " EIP 0x%08" PRIx32
		      " CR2 0x%08" PRIx32 " CR3 0x%08" PRIx32 "\n",
		      mb.exc.vector, mb.exc.error_code, mb.exc.eip, mb.exc.cr2, mb.exc.cr3);
		append_guest_text(ev->msg, sizeof(ev->msg), &mb);
		return 1;
	case DB_PANIC:
		event(ev, VM_EV_PANIC, "guest panic: ");
		append_guest_text(ev->msg, sizeof(ev->msg), &mb);
		return 1;
	default:
		return event(ev, VM_EV_PROTOCOL, "unknown doorbell value %" PRIu32, bell);
	}
}

static const struct pio_handler {
	uint16_t port;
	bool out;      /* direction the port accepts */
	uint8_t sizes; /* bit mask of accepted access sizes (1, 2, 4) */
	const char *name;
	int (*fn)(struct vcpu *vcpu, const struct pio *io, struct vm_event *ev);
} pio_handlers[] = {
	{ PORT_CONSOLE, true, 1, "debug console", pio_console },
	{ PORT_EXIT, true, 1 | 2 | 4, "exit", pio_exit },
	{ PORT_HELLO, true, 4, "hello", pio_hello },
	{ PORT_DOORBELL, true, 4, "doorbell", pio_doorbell },
};

static int handle_io(struct vcpu *vcpu, struct vm_event *ev)
{
	struct kvm_run *run = vcpu->run;
	struct pio io = {
		.port = run->io.port,
		.size = run->io.size,
		.out = run->io.direction == KVM_EXIT_IO_OUT,
		.count = run->io.count,
	};
	size_t i;

	__atomic_add_fetch(&vcpu->vm->nr_io_exits, 1, __ATOMIC_RELAXED);
	if ((uint64_t)run->io.data_offset + (uint64_t)io.size * io.count > vcpu->vm->run_size)
		return event(ev, VM_EV_HOST_ERROR, "KVM_EXIT_IO data outside kvm_run");
	io.data = (uint8_t *)run + run->io.data_offset;
	for (i = 0; i < ARRAY_SIZE(pio_handlers); i++) {
		const struct pio_handler *h = &pio_handlers[i];

		if (h->port != io.port)
			continue;
		if (h->out != io.out || !(h->sizes & io.size) ||
		    (io.count != 1 && h->fn != pio_console))
			break;
		return h->fn(vcpu, &io, ev);
	}
	return event(ev, VM_EV_UNEXPECTED_IO,
		     "unexpected port I/O: %s of %u byte(s) x%u %s port 0x%04x%s%s",
		     io.out ? "write" : "read", io.size, io.count, io.out ? "to" : "from", io.port,
		     i < ARRAY_SIZE(pio_handlers) ? " (" : "",
		     i < ARRAY_SIZE(pio_handlers) ? "wrong direction or size for this port)" : "");
}

/* ---- exit handlers ---------------------------------------------------- */

/*
 * Only a one-vCPU VM gets here: with several, the in-kernel LAPIC keeps a
 * HLT inside KVM_RUN until an interrupt (kvm.c: create_irqchip).  With no
 * interrupt controller nothing can ever wake this CPU again.
 */
static int handle_hlt(struct vcpu *vcpu, struct vm_event *ev)
{
	(void)vcpu;
	return event(ev, VM_EV_HALTED, "guest halted (HLT) without writing the exit port 0x%x",
		     PORT_EXIT);
}

static int handle_mmio(struct vcpu *vcpu, struct vm_event *ev)
{
	struct kvm_run *run = vcpu->run;

	return event(ev, VM_EV_UNEXPECTED_IO,
		     "unexpected MMIO: %s of %u byte(s) at guest-physical 0x%llx (outside RAM; no "
		     "device there)",
		     run->mmio.is_write ? "write" : "read", run->mmio.len,
		     (unsigned long long)run->mmio.phys_addr);
}

static int handle_shutdown(struct vcpu *vcpu, struct vm_event *ev)
{
	(void)vcpu;
	return event(ev, VM_EV_TRIPLE_FAULT,
		     "guest triple fault (KVM_EXIT_SHUTDOWN): an exception while delivering an "
		     "exception, with no handler left to take it");
}

static int handle_internal_error(struct vcpu *vcpu, struct vm_event *ev)
{
	struct kvm_run *run = vcpu->run;
	char data[256] = "";
	size_t used = 0;
	uint32_t i;

	for (i = 0; i < run->internal.ndata && i < 16; i++)
		used += snprintf(data + used, sizeof(data) - used, " 0x%llx",
				 (unsigned long long)run->internal.data[i]);
	return event(ev, VM_EV_KVM_ERROR, "KVM_EXIT_INTERNAL_ERROR: suberror %u%s%s",
		     run->internal.suberror,
		     run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION
			     ? " (instruction emulation failed)"
			     : "",
		     used ? data : "");
}

static int handle_fail_entry(struct vcpu *vcpu, struct vm_event *ev)
{
	struct kvm_run *run = vcpu->run;

	return event(ev, VM_EV_KVM_ERROR,
		     "KVM_EXIT_FAIL_ENTRY: hardware entry failure reason 0x%llx on CPU %u",
		     (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
		     run->fail_entry.cpu);
}

static const struct exit_handler {
	uint32_t reason;
	int (*fn)(struct vcpu *vcpu, struct vm_event *ev);
} exit_handlers[] = {
	{ KVM_EXIT_IO, handle_io },
	{ KVM_EXIT_HLT, handle_hlt },
	{ KVM_EXIT_MMIO, handle_mmio },
	{ KVM_EXIT_SHUTDOWN, handle_shutdown },
	{ KVM_EXIT_INTERNAL_ERROR, handle_internal_error },
	{ KVM_EXIT_FAIL_ENTRY, handle_fail_entry },
};

/* Whether vCPU 0 must stop because an AP did; copies its event. */
static bool ap_stopped(struct vm *vm, struct vm_event *ev)
{
	if (!__atomic_load_n(&vm->ap_failed, __ATOMIC_SEQ_CST))
		return false;
	pthread_mutex_lock(&vm->lock);
	*ev = vm->ap_event;
	pthread_mutex_unlock(&vm->lock);
	return true;
}

/*
 * KVM_RUN on one vCPU until a handler wants the caller (1, *ev filled)
 * or stop() says so (kicks make KVM_RUN return EINTR).
 */
static void run_vcpu(struct vcpu *vcpu, struct vm_event *ev,
		     bool (*stop)(struct vm *vm, struct vm_event *ev))
{
	struct vm *vm = vcpu->vm;
	size_t i;

	for (;;) {
		int handled = -1;

		if (vm->timed_out) {
			event(ev, VM_EV_TIMEOUT, "guest still running after --timeout %u s",
			      vm->cfg.timeout_sec);
			return;
		}
		if (vcpu->id == 0 && __atomic_load_n(&vm->interrupted, __ATOMIC_SEQ_CST)) {
			event(ev, VM_EV_INTERRUPTED, "stopped by %s",
			      vm->interrupted == SIGINT	   ? "SIGINT"
			      : vm->interrupted == SIGTERM ? "SIGTERM"
							   : "a signal");
			ev->status = vm->interrupted;
			return;
		}
		if (stop(vm, ev))
			return;
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue; /* a kick: the loop head says why */
			event(ev, VM_EV_HOST_ERROR, "KVM_RUN: %s", strerror(errno));
			return;
		}
		__atomic_add_fetch(&vm->nr_exits, 1, __ATOMIC_RELAXED);
		for (i = 0; i < ARRAY_SIZE(exit_handlers); i++) {
			if (exit_handlers[i].reason == vcpu->run->exit_reason) {
				handled = exit_handlers[i].fn(vcpu, ev);
				break;
			}
		}
		if (handled < 0)
			handled = event(ev, VM_EV_KVM_ERROR, "unexpected KVM exit reason %u",
					vcpu->run->exit_reason);
		if (handled)
			return;
	}
}

void vm_interrupt(struct vm *vm, int signo)
{
	/* Only atomic stores and pthread_kill(): async-signal-safe. */
	__atomic_store_n(&vm->interrupted, signo, __ATOMIC_SEQ_CST);
	vcpu_kick(&vm->vcpus[0]);
}

int vm_run(struct vm *vm, struct vm_event *ev)
{
	struct vcpu *vcpu = &vm->vcpus[0];

	memset(ev, 0, sizeof(*ev));
	vcpu->thread = pthread_self();
	__atomic_store_n(&vcpu->thread_valid, true, __ATOMIC_SEQ_CST);
	run_vcpu(vcpu, ev, ap_stopped);
	return 0;
}

/* ---- vCPUs 1..N-1 ------------------------------------------------------ */

static bool aps_told_to_stop(struct vm *vm, struct vm_event *ev)
{
	(void)ev;
	return __atomic_load_n(&vm->stopping, __ATOMIC_SEQ_CST);
}

/*
 * An AP's thread.  It has no caller to hand events to: anything that stops
 * it (an oops, a triple fault, an unexpected exit, even a DB_READY or an
 * exit-port write, which only the boot CPU may make) stops the whole VM,
 * named after this vCPU, through vCPU 0's vm_run().
 */
static void *ap_main(void *arg)
{
	struct vcpu *vcpu = arg;
	struct vm *vm = vcpu->vm;
	struct vm_event ev;
	char msg[VM_ERR_LEN];

	memset(&ev, 0, sizeof(ev));
	if (sandbox_enter_thread(vm, SANDBOX_VCPU, vcpu->id, ev.msg, sizeof(ev.msg)))
		ev.kind = VM_EV_HOST_ERROR;
	else
		run_vcpu(vcpu, &ev, aps_told_to_stop);
	if (__atomic_load_n(&vm->stopping, __ATOMIC_SEQ_CST) || vm->timed_out)
		return NULL;
	snprintf(msg, sizeof(msg), "vCPU %u: %.900s", vcpu->id, ev.msg);
	memcpy(ev.msg, msg, sizeof(ev.msg));
	if (ev.kind == VM_EV_READY || ev.kind == VM_EV_EXIT) {
		ev.kind = VM_EV_PROTOCOL;
		snprintf(ev.msg, sizeof(ev.msg),
			 "vCPU %u rang the doorbell or wrote the exit port: "
			 "only vCPU 0 talks to the host (%.800s)",
			 vcpu->id, msg);
	}
	ev.vcpu = vcpu->id;
	pthread_mutex_lock(&vm->lock);
	if (!vm->ap_failed) {
		vm->ap_event = ev;
		__atomic_store_n(&vm->ap_failed, 1, __ATOMIC_SEQ_CST);
	}
	pthread_mutex_unlock(&vm->lock);
	vcpu_kick(&vm->vcpus[0]);
	return NULL;
}

int vm_start_aps(struct vm *vm, char *err, size_t errlen)
{
	unsigned int i;
	int ret;

	for (i = 1; i < vm->nr_vcpus; i++) {
		struct vcpu *vcpu = &vm->vcpus[i];

		ret = pthread_create(&vcpu->thread, NULL, ap_main, vcpu);
		if (ret) {
			snprintf(err, errlen, "vCPU %u thread: %s", i, strerror(ret));
			return -ret;
		}
		__atomic_store_n(&vcpu->thread_valid, true, __ATOMIC_SEQ_CST);
	}
	return 0;
}

void vm_stop_for_post_mortem(struct vm *vm)
{
	/* Under the lock, as vm_destroy(): the watchdog kicks only while !stopping. */
	pthread_mutex_lock(&vm->lock);
	__atomic_store_n(&vm->stopping, true, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&vm->lock);
	vm_stop_aps(vm);
}

void vm_stop_aps(struct vm *vm)
{
	unsigned int i;

	for (i = 1; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].thread_valid)
			vcpu_kick(&vm->vcpus[i]);
	for (i = 1; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i].thread_valid) {
			pthread_join(vm->vcpus[i].thread, NULL);
			vm->vcpus[i].thread_valid = false;
		}
	}
}
