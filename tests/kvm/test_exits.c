// SPDX-License-Identifier: GPL-2.0
/*
 * Every way a guest can stop, on KVM: purpose-built guests that exit with
 * a status, triple-fault, take an unexpected page fault, touch an unknown
 * port or MMIO, halt, misuse the exit port, or spin until --timeout.
 * Each must end with its own event, exit status and message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tests/lib/testvm.h"
#include "vmm/core/core.h"

struct exit_case {
	const char *guest;
	enum vm_event_kind kind;
	int exit_status;	  /* what the vmm binary would exit with */
	const char *msg_part;	  /* in the event message */
	const char *console_part; /* in what the guest printed */
	unsigned int timeout_sec;
	unsigned int cpus;
};

static const struct exit_case exit_cases[] = {
	{ TEST_GUEST("exit_status"), VM_EV_EXIT, 42, "status 42", "hello from a minimal guest", 0,
	  1 },
	{ TEST_GUEST("triple_fault"), VM_EV_TRIPLE_FAULT, VMM_EXIT_TRIPLE_FAULT, "triple fault",
	  "about to fault", 0, 1 },
	{ TEST_GUEST("page_fault"), VM_EV_OOPS, VMM_EXIT_GUEST_OOPS,
	  "vector 14 error code 0x0 EIP 0x001000b9 CR2 0x00800000", "reading an unmapped", 0, 1 },
	{ TEST_GUEST("bad_port"), VM_EV_UNEXPECTED_IO, VMM_EXIT_UNEXPECTED_IO,
	  "write of 1 byte(s) x1 to port 0x1234", "writing to port", 0, 1 },
	{ TEST_GUEST("bad_mmio"), VM_EV_UNEXPECTED_IO, VMM_EXIT_UNEXPECTED_IO,
	  "MMIO: write of 4 byte(s) at guest-physical 0xd0000000", "writing to 0xd0000000", 0, 1 },
	{ TEST_GUEST("halt"), VM_EV_HALTED, VMM_EXIT_GUEST_HALTED, "halted", "halting", 0, 1 },
	{ TEST_GUEST("bad_exit"), VM_EV_PROTOCOL, VMM_EXIT_PROTOCOL, "exit status 200", "", 0, 1 },
	{ TEST_GUEST("spin"), VM_EV_TIMEOUT, VMM_EXIT_TIMEOUT, "--timeout 2 s", "spinning", 2, 1 },
	{ TEST_GUEST("bad_ipi"), VM_EV_UNEXPECTED_IO, VMM_EXIT_UNEXPECTED_IO,
	  "write of 4 byte(s) x1 to port 0x00f7", "old IPI port", 0, 1 },
	/* Halted or spinning with IF=0 under the in-kernel LAPIC: the kicks still stop them. */
	{ TEST_GUEST("smp_halt"), VM_EV_TIMEOUT, VMM_EXIT_TIMEOUT, "--timeout 2 s",
	  "both CPUs halting", 2, 2 },
	{ TEST_GUEST("smp_spin"), VM_EV_TIMEOUT, VMM_EXIT_TIMEOUT, "--timeout 2 s", "AP spinning",
	  2, 2 },
	{ TEST_GUEST("ap_triple_fault"), VM_EV_TRIPLE_FAULT, VMM_EXIT_TRIPLE_FAULT,
	  "vCPU 1: guest triple fault", "boot CPU waiting", 0, 2 },
	{ TEST_GUEST("ap_exit_port"), VM_EV_PROTOCOL, VMM_EXIT_PROTOCOL,
	  "vCPU 1 rang the doorbell or wrote the exit port: only vCPU 0 talks to the host",
	  "boot CPU waiting", 0, 2 },
};

static void run_case(const struct exit_case *c)
{
	struct vm_config cfg = testvm_config();
	char console[4096];
	struct vm_event ev;
	unsigned int want_vcpu;
	struct testvm t;

	if (c->timeout_sec)
		cfg.timeout_sec = c->timeout_sec;
	cfg.nr_vcpus = c->cpus;
	testvm_boot(&t, c->guest, &cfg);
	assert_int_equal(vm_run(t.vm, &ev), 0);
	vm_console_tail(t.vm, console, sizeof(console));
	/* The event names the vCPU it happened on (an AP's: CPU 1 in these guests). */
	want_vcpu = strstr(c->msg_part, "vCPU 1") ? 1 : 0;
	if (ev.kind != c->kind || vm_event_exit_status(&ev) != c->exit_status ||
	    !strstr(ev.msg, c->msg_part) || !strstr(console, c->console_part) ||
	    ev.vcpu != want_vcpu) {
		print_error("%s on %s:\n  expected event %s on vCPU %u, exit status %d, message "
			    "containing '%s', console containing '%s'\n  got      event %s on vCPU "
			    "%u, exit status %d, message '%s'\n  console: '%s'\n",
			    c->guest, testvm_where(), vm_event_name(c->kind), want_vcpu,
			    c->exit_status, c->msg_part, c->console_part, vm_event_name(ev.kind),
			    ev.vcpu, vm_event_exit_status(&ev), ev.msg, console);
		vcpu_dump_state(&t.vm->vcpus[0], stderr);
		testvm_destroy(&t);
		fail();
	}
	testvm_destroy(&t);
}

#define EXIT_TEST(name, idx)                                                                       \
	static void test_##name(void **state)                                                      \
	{                                                                                          \
		(void)state;                                                                       \
		run_case(&exit_cases[idx]);                                                        \
	}

EXIT_TEST(exit_status_passes_through, 0)
EXIT_TEST(triple_fault_is_shutdown, 1)
EXIT_TEST(page_fault_is_reported_as_oops, 2)
EXIT_TEST(unknown_port_stops, 3)
EXIT_TEST(mmio_outside_ram_stops, 4)
EXIT_TEST(hlt_with_nothing_to_wake, 5)
EXIT_TEST(reserved_exit_status_is_refused, 6)
EXIT_TEST(spinning_guest_times_out, 7)
EXIT_TEST(old_ipi_port_is_unexpected_io, 8)
EXIT_TEST(smp_halted_with_if0_times_out, 9)
EXIT_TEST(smp_ap_spinning_with_if0_times_out, 10)
EXIT_TEST(ap_triple_fault_stops_the_vm, 11)
EXIT_TEST(ap_writing_the_exit_port_is_refused, 12)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_status_passes_through),
		cmocka_unit_test(test_triple_fault_is_shutdown),
		cmocka_unit_test(test_page_fault_is_reported_as_oops),
		cmocka_unit_test(test_unknown_port_stops),
		cmocka_unit_test(test_mmio_outside_ram_stops),
		cmocka_unit_test(test_hlt_with_nothing_to_wake),
		cmocka_unit_test(test_reserved_exit_status_is_refused),
		cmocka_unit_test(test_spinning_guest_times_out),
		cmocka_unit_test(test_old_ipi_port_is_unexpected_io),
		cmocka_unit_test(test_smp_halted_with_if0_times_out),
		cmocka_unit_test(test_smp_ap_spinning_with_if0_times_out),
		cmocka_unit_test(test_ap_triple_fault_stops_the_vm),
		cmocka_unit_test(test_ap_writing_the_exit_port_is_refused),
	};

	testvm_start("exits");
	return cmocka_run_group_tests_name("exits", tests, NULL, NULL);
}
