// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile guests (tests/guests, "Hostile guests" in the README): each runs
 * under build/bin/vmm as a child process with its stdout and stderr on
 * pipes, and must end with its documented exit status while no byte but
 * printable ASCII, newline and tab reaches either stream, and the VMM's
 * memory stays bounded.  Then the core's clock and signal set-up, in
 * process.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/lib/testvm.h"
#include "tests/lib/vmmproc.h"
#include "vmm/core/core.h"

#define KEEP	      (256u << 10) /* bytes of each stream kept for the assertions */
#define RUN_LIMIT_SEC 240

struct stream {
	char keep[KEEP + 1]; /* the first KEEP bytes, NUL-terminated */
	size_t total;	     /* every byte read */
	size_t raw;	     /* bytes that are neither printable ASCII nor \n or \t */
	int first_raw;	     /* the first such byte, or -1 */
};

struct outcome {
	int status; /* exit status, or 128 + signal when killed */
	bool killed;
	long maxrss_kib;
	double seconds;
	struct stream out, err;
};

static void take(struct stream *s, const char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (!(c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f))) {
			if (!s->raw)
				s->first_raw = c;
			s->raw++;
		}
	}
	if (s->total < KEEP) {
		size_t room = KEEP - s->total;

		memcpy(s->keep + s->total, buf, n < room ? n : room);
	}
	s->total += n;
	s->keep[s->total < KEEP ? s->total : KEEP] = '\0';
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Run vmm with argv (argv[0] is VMM); when signo is not 0, send it once
 * stdout contains wait_for.  Fails the test when the run outlives
 * RUN_LIMIT_SEC.  *o is large: the caller keeps it static or on the heap.
 */
static void run_vmm(const char *const *argv, int signo, const char *wait_for, struct outcome *o)
{
	int out[2], err[2], wstatus;
	struct rusage ru;
	double start = now_sec();
	bool sent = false;
	pid_t pid;

	memset(o, 0, sizeof(*o));
	o->out.first_raw = o->err.first_raw = -1;
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	assert_int_equal(pipe2(err, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		execv(VMM_BIN, (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	for (;;) {
		struct pollfd p[2] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 } };
		char buf[65536];
		int open = 0, i;

		for (i = 0; i < 2; i++) {
			if (p[i].fd < 0)
				continue;
			open++;
		}
		if (!open)
			break;
		if (now_sec() - start > RUN_LIMIT_SEC) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			if (out[0] >= 0)
				close(out[0]);
			if (err[0] >= 0)
				close(err[0]);
			fail_msg("%s %s: still running after %d s", argv[0], argv[1],
				 RUN_LIMIT_SEC);
		}
		if (poll(p, 2, 1000) < 0) {
			assert_int_equal(errno, EINTR);
			continue;
		}
		for (i = 0; i < 2; i++) {
			struct stream *s = i ? &o->err : &o->out;
			int *fd = i ? &err[0] : &out[0];
			ssize_t n;

			if (*fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(*fd, buf, sizeof(buf));
			if (n <= 0) {
				close(*fd);
				*fd = -1;
				continue;
			}
			take(s, buf, (size_t)n);
		}
		if (signo && !sent && strstr(o->out.keep, wait_for)) {
			kill(pid, signo);
			sent = true;
		}
	}
	assert_int_equal(wait4(pid, &wstatus, 0, &ru), pid);
	o->seconds = now_sec() - start;
	o->maxrss_kib = ru.ru_maxrss;
	if (WIFSIGNALED(wstatus)) {
		o->killed = true;
		o->status = 128 + WTERMSIG(wstatus);
	} else {
		o->status = WEXITSTATUS(wstatus);
	}
	if (signo && !sent) {
		size_t last = 0;

		while (argv[last + 1])
			last++;
		fail_msg("%s: never printed '%s'", argv[last], wait_for);
	}
}

/* Every stream clean; status as expected; each part (NULL ends) found in the streams. */
static void expect(const char *guest, const struct outcome *o, int status,
		   const char *const *in_out, const char *const *in_err)
{
	bool ok = !o->killed && o->status == status && !o->out.raw && !o->err.raw;
	const char *missing = NULL;

	for (; in_out && *in_out; in_out++)
		if (!strstr(o->out.keep, *in_out) && !missing)
			missing = *in_out;
	for (; in_err && *in_err; in_err++)
		if (!strstr(o->err.keep, *in_err) && !missing)
			missing = *in_err;
	if (ok && !missing)
		return;
	print_error("%s on %s: expected exit status %d, got %d%s; unfiltered bytes: %zu on stdout "
		    "(first 0x%02x), %zu on stderr (first 0x%02x); missing '%s'\n"
		    "--- stdout (%zu bytes, first 2000) ---\n%.2000s\n--- stderr ---\n%.2000s\n",
		    guest, testvm_where(), status, o->status, o->killed ? " (killed)" : "",
		    o->out.raw, o->out.first_raw & 0xff, o->err.raw, o->err.first_raw & 0xff,
		    missing ? missing : "", o->out.total, o->out.keep, o->err.keep);
	fail();
}

static struct outcome result; /* large: one run at a time */

#define ARGS(...)  ((const char *const[]){ VMM_BIN, __VA_ARGS__, NULL })
#define PARTS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* The mailbox is announced once, by the boot CPU, aligned, wholly inside RAM. */
static void test_hello_twice(void **state)
{
	(void)state;
	run_vmm(ARGS("--selftest", "-m", "16M", "--timeout", "60", TEST_GUEST("hello_twice")), 0,
		NULL, &result);
	expect("hello_twice", &result, VMM_EXIT_PROTOCOL, NULL,
	       PARTS("second HELLO", "accepted once"));
}

static void test_hello_misaligned(void **state)
{
	(void)state;
	run_vmm(ARGS("--selftest", "-m", "16M", "--timeout", "60", TEST_GUEST("hello_misaligned")),
		0, NULL, &result);
	expect("hello_misaligned", &result, VMM_EXIT_PROTOCOL, NULL,
	       PARTS("HELLO: mailbox at 0x", "not aligned to 4 bytes"));
}

static void test_hello_last_byte(void **state)
{
	(void)state;
	run_vmm(ARGS("--selftest", "-m", "16M", "--timeout", "60", TEST_GUEST("hello_last_byte")),
		0, NULL, &result);
	expect("hello_last_byte", &result, VMM_EXIT_PROTOCOL, NULL,
	       PARTS("HELLO: mailbox at 0xffffff", "not wholly inside guest RAM"));
}

static void test_hello_from_ap(void **state)
{
	(void)state;
	run_vmm(ARGS("--selftest", "--cpus", "2", "-m", "16M", "--timeout", "60",
		     TEST_GUEST("hello_from_ap")),
		0, NULL, &result);
	expect("hello_from_ap", &result, VMM_EXIT_PROTOCOL, NULL,
	       PARTS("vCPU 1: HELLO from vCPU 1: only the boot CPU"));
}

/* text_len claims 1 MiB: the message holds at most the buffer, escaped. */
static void test_mbox_huge_text(void **state)
{
	(void)state;
	run_vmm(ARGS("--selftest", "-m", "16M", "--timeout", "60", TEST_GUEST("mbox_huge_text")), 0,
		NULL, &result);
	expect("mbox_huge_text", &result, VMM_EXIT_GUEST_OOPS, NULL,
	       PARTS("guest panic: huge \\x1b[2J\\x1b]0;owned\\x07 text"));
	assert_true(result.err.total < 2 * VM_ERR_LEN + 4096);
}

/* The console, self-test names and reasons, and an oops text. */
static void test_escape_text(void **state)
{
	(void)state;
	run_vmm(ARGS("--selftest", "-m", "16M", "--timeout", "60", TEST_GUEST("escape_text")), 0,
		NULL, &result);
	expect("escape_text", &result, VMM_EXIT_GUEST_OOPS,
	       PARTS("console \\x1b[31mred\\x1b[0m \\x1b]0;title\\x07 \\x9b1J del\\x7f tab\tend\n",
		     "selftest name\\x1b[2K\\x0d\\x1b[1Aforged", "why \\x1b[5m"),
	       PARTS("oops \\x1b[H\\x1b[2J"));
}

/*
 * 100 MiB of console through build/bin/vmm: every byte the echo shows is
 * escaped, at most CONSOLE_ECHO_RATE a second, and the VMM's memory stays
 * bounded.  On a host's KVM the flood ends (its own status 0); under the
 * nested runner KVM's string I/O gets a few KB/s through, so it is still
 * flooding at --timeout (124).
 */
static void test_console_flood(void **state)
{
	int status;

	(void)state;
	run_vmm(ARGS("--selftest", "-m", "16M", "--timeout", "10", TEST_GUEST("console_flood")), 0,
		NULL, &result);
	print_message("[ INFO     ] console_flood: %.1f s, exit %d, %zu bytes of stdout, max RSS "
		      "%ld KiB\n",
		      result.seconds, result.status, result.out.total, result.maxrss_kib);
	status = result.status == VMM_EXIT_TIMEOUT ? VMM_EXIT_TIMEOUT : 0;
	expect("console_flood", &result, status, PARTS("\\x1b[2J\\x1b]0;x\\x07flood\n"), NULL);
	assert_true(result.out.total <= (size_t)(result.seconds + 2) * (CONSOLE_ECHO_RATE + 256));
	assert_true(result.maxrss_kib < 64 * 1024);
	if (status == 0)
		assert_non_null(strstr(result.out.keep, "bytes of guest console not shown"));
}

/* The echo's limit, low enough for the nested runner's flood to pass it: each
 * second shows at most console_rate bytes, and a line says what was held back. */
static void test_console_rate_limit(void **state)
{
	struct vm_config cfg = testvm_config();
	char *buf = NULL, *p;
	size_t len = 0, lines = 0, raw = 0, i;
	struct vm_event ev;
	struct testvm t;
	double start, secs;

	(void)state;
	cfg.timeout_sec = 6;
	cfg.console_rate = 1024;
	cfg.console = open_memstream(&buf, &len);
	assert_non_null(cfg.console);
	testvm_boot(&t, TEST_GUEST("console_flood"), &cfg);
	start = now_sec();
	assert_int_equal(vm_run(t.vm, &ev), 0);
	secs = now_sec() - start;
	testvm_destroy(&t); /* prints the last "not shown" line */
	fclose(cfg.console);
	for (p = buf; (p = strstr(p, "bytes of guest console not shown")); p++)
		lines++;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		raw += !(c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f));
	}
	print_message("[ INFO     ] rate limit: %.1f s, %zu bytes echoed, %zu report lines\n", secs,
		      len, lines);
	assert_int_equal(raw, 0);
	assert_true(lines >= 1);
	/* Each window: the budget, plus one escape over it, plus its report line. */
	assert_true(len <= (size_t)(secs + 2) * (1024 + 4 + 128));
	assert_non_null(strstr(buf, "\\x1b[2J\\x1b]0;x\\x07flood\n"));
	free(buf);
}

/*
 * --timeout 0 and a guest that never answers: SIGINT (130) and SIGTERM (143)
 * stop it, also two vCPUs both halted with interrupts off, whose HLTs
 * wait inside KVM_RUN under the in-kernel LAPIC (only the kick ends them).
 */
static void test_never_answers_signals(void **state)
{
	static const int sigs[] = { SIGINT, SIGTERM };
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		run_vmm(ARGS("--selftest", "-m", "16M", "--timeout", "0", TEST_GUEST("spin")),
			sigs[i], "spin: spinning forever\n", &result);
		expect("spin", &result, 128 + sigs[i], NULL, PARTS("stopped by SIG"));
		assert_non_null(strstr(result.err.keep, sigs[i] == SIGINT ? "SIGINT" : "SIGTERM"));
		run_vmm(ARGS("--selftest", "-m", "16M", "--cpus", "2", "--timeout", "0",
			     TEST_GUEST("smp_halt")),
			sigs[i], "smp_halt: both CPUs halting with interrupts off\n", &result);
		expect("smp_halt", &result, 128 + sigs[i], NULL, PARTS("stopped by SIG"));
		assert_non_null(strstr(result.err.keep, sigs[i] == SIGINT ? "SIGINT" : "SIGTERM"));
	}
}

/*
 * The watchdog's clock: every clock_gettime() of the VMM library goes
 * through this (the executable's definition wins), which counts the clocks
 * asked for and reads the real one.
 */
static unsigned int clock_calls[16];

int clock_gettime(clockid_t clk, struct timespec *ts)
{
	if (clk >= 0 && clk < 16)
		__atomic_add_fetch(&clock_calls[clk], 1, __ATOMIC_RELAXED);
	return (int)syscall(SYS_clock_gettime, clk, ts);
}

struct guard {
	struct vm *vm;
	volatile int done;
};

/* Stops the VM after 20 s if the watchdog did not, so a broken watchdog
 * fails the test instead of hanging it. */
static void *guard_main(void *arg)
{
	struct guard *g = arg;
	unsigned int i;

	for (i = 0; i < 200 && !g->done; i++)
		usleep(100000);
	if (!g->done)
		vm_interrupt(g->vm, SIGALRM);
	return NULL;
}

/* --timeout on CLOCK_MONOTONIC (a wall-clock step must not move it), and the kick
 * still stops KVM_RUN with SIGUSR1 installed SA_RESTART. */
static void test_watchdog_clock_and_kick(void **state)
{
	struct vm_config cfg = testvm_config();
	struct sigaction sa;
	struct vm_event ev;
	struct guard guard = { 0 };
	pthread_t guard_thread;
	struct testvm t;
	double start;

	(void)state;
	cfg.timeout_sec = 1;
	memset(clock_calls, 0, sizeof(clock_calls));
	testvm_boot(&t, TEST_GUEST("spin"), &cfg);
	assert_int_equal(sigaction(SIGUSR1, NULL, &sa), 0);
	guard.vm = t.vm;
	assert_int_equal(pthread_create(&guard_thread, NULL, guard_main, &guard), 0);
	start = now_sec();
	assert_int_equal(vm_run(t.vm, &ev), 0);
	guard.done = 1;
	pthread_join(guard_thread, NULL);
	testvm_destroy(&t);
	if (ev.kind != VM_EV_TIMEOUT)
		fail_msg("--timeout 1 did not fire (%s: %s)", vm_event_name(ev.kind), ev.msg);
	assert_true(now_sec() - start < 30);
	assert_int_equal(__atomic_load_n(&clock_calls[CLOCK_REALTIME], __ATOMIC_RELAXED), 0);
	assert_true(__atomic_load_n(&clock_calls[CLOCK_MONOTONIC], __ATOMIC_RELAXED) > 0);
	/* SIGUSR1 must not cut short a write to stdout or the trace. */
	assert_true(sa.sa_flags & SA_RESTART);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_twice),
		cmocka_unit_test(test_hello_misaligned),
		cmocka_unit_test(test_hello_last_byte),
		cmocka_unit_test(test_hello_from_ap),
		cmocka_unit_test(test_mbox_huge_text),
		cmocka_unit_test(test_escape_text),
		cmocka_unit_test(test_console_flood),
		cmocka_unit_test(test_console_rate_limit),
		cmocka_unit_test(test_never_answers_signals),
		cmocka_unit_test(test_watchdog_clock_and_kick),
	};

	testvm_start("hostile");
	return cmocka_run_group_tests_name("hostile", tests, NULL, NULL);
}
