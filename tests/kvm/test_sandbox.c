// SPDX-License-Identifier: GPL-2.0
/*
 * The sandbox (vmm/core/sandbox.c), on KVM.  The vmm binary is started as a
 * user runs it: with the test hook VMM_SANDBOX_TEST_FORBIDDEN set, a vCPU
 * thread (an AP), the main thread or the watchdog makes a system call no
 * allowlist has (getppid) right after entering its filter, and the process
 * stops with status 78 and one line naming the thread and the call; with
 * --no-sandbox the same run ends normally.  A timeout, a triple fault and
 * an AP's triple fault end with their own statuses.  The demo with every output
 * (--json, --html, all dumps) on four vCPUs runs under the sandbox.  In a
 * child process through the library: after sandbox_enter_main() the
 * /dev/kvm descriptor is closed, RLIMIT_NOFILE is the open descriptors plus
 * a margin, and every thread has NO_NEW_PRIVS and a seccomp filter, read
 * from /proc while the child waits.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/lib/testvm.h"
#include "tests/lib/vmmproc.h"
#include "vmm/core/core.h"

#define GUEST "guest.elf"

/* The forbidden call stops the run with 78 and a line naming thread and call. */
static void expect_stopped_by(const char *hook, const char *thread, const char *const *args)
{
	char line[128], hookvar[64];
	struct vmm_child c;

	snprintf(hookvar, sizeof(hookvar), "VMM_SANDBOX_TEST_FORBIDDEN=%s", hook);
	vmm_child_run(&c, args, hookvar);
	vmm_child_expect_status(&c, VMM_EXIT_SANDBOX);
	snprintf(line, sizeof(line), "vmm: sandbox: thread %s made system call %d (getppid)",
		 thread, SYS_getppid);
	if (!strstr(c.err, line))
		fail_msg("stderr lacks \"%s\":\n%s", line, c.err);
	vmm_child_free(&c);
}

static void test_vcpu_thread_forbidden(void **state)
{
	const char *const args[] = { "-q", "--cpus", "2", "--selftest", GUEST, NULL };

	(void)state;
	expect_stopped_by("vcpu", "vCPU 1", args);
}

static void test_main_thread_forbidden(void **state)
{
	const char *const args[] = { "-q", "--selftest", GUEST, NULL };

	(void)state;
	expect_stopped_by("main", "main", args);
}

static void test_watchdog_forbidden(void **state)
{
	const char *const args[] = { "-q", "--timeout", "60", "--selftest", GUEST, NULL };

	(void)state;
	expect_stopped_by("watchdog", "watchdog", args);
}

/* --no-sandbox: the hook's getppid() is an ordinary call and the run ends normally. */
static void test_no_sandbox(void **state)
{
	const char *const args[] = {
		"-q", "--no-sandbox", "--cpus", "2", "--selftest", GUEST, NULL
	};
	struct vmm_child c;

	(void)state;
	vmm_child_run(&c, args, "VMM_SANDBOX_TEST_FORBIDDEN=vcpu");
	vmm_child_expect_status(&c, 0);
	assert_null(strstr(c.err, "sandbox"));
	vmm_child_free(&c);
}

/* Everything the binary does after set-up, under the sandbox: four vCPUs, the
 * checker, the JSON and HTML writers, every dump. */
static void test_demo_everything(void **state)
{
	char json[] = "/tmp/test_sandbox_json_XXXXXX", html[] = "/tmp/test_sandbox_html_XXXXXX";
	/* 2-level: PAE with more than two vCPUs triple-faults on main too (not the sandbox). */
	const char *const args[] = { "-q",     "--cpus", "4",
				     "--json", json,	 "--html",
				     html,     "--dump", "vmallocinfo,tlb,mem",
				     "--demo", GUEST,	 NULL };
	struct vmm_child c;
	int fj = mkstemp(json), fh = mkstemp(html);

	(void)state;
	assert_true(fj >= 0 && fh >= 0);
	vmm_child_run(&c, args, NULL);
	vmm_child_expect_status(&c, 0);
	/* the summary, then (the demo frees all it maps) a tlb line and a mem line */
	assert_non_null(strstr(c.out, " checks, 0 violations\n"));
	assert_non_null(strstr(c.out, "00000000c0000000: 0000000000000000 -G"));
	assert_non_null(strstr(c.out, " -rw\n"));
	assert_true(lseek(fj, 0, SEEK_END) > 0);
	assert_true(lseek(fh, 0, SEEK_END) > 0);
	close(fj);
	close(fh);
	unlink(json);
	unlink(html);
	vmm_child_free(&c);
}

/* The VM's own ends under the sandbox: the watchdog's kick (--timeout), the
 * post-mortem register dump of vCPU 0, an AP's failure kicking vCPU 0. */
static void test_ends_sandboxed(void **state)
{
	static const struct {
		const char *guest, *cpus, *timeout;
		int status;
		const char *says;
	} ends[] = {
		{ "build/tests/guests/spin.elf", "1", "1", VMM_EXIT_TIMEOUT, "--timeout 1 s" },
		{ "build/tests/guests/triple_fault.elf", "1", "60", VMM_EXIT_TRIPLE_FAULT,
		  "--- vCPU 0 state ---" },
		{ "build/tests/guests/ap_triple_fault.elf", "2", "60", VMM_EXIT_TRIPLE_FAULT,
		  "vCPU 1: guest triple fault" },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		const char *const args[] = { "-q",	    "--selftest", "--cpus",
					     ends[i].cpus,  "--timeout",  ends[i].timeout,
					     ends[i].guest, NULL };
		struct vmm_child c;

		vmm_child_run(&c, args, NULL);
		vmm_child_expect_status(&c, ends[i].status);
		if (!strstr(c.err, ends[i].says))
			fail_msg("%s: stderr lacks \"%s\":\n%s", ends[i].guest, ends[i].says,
				 c.err);
		vmm_child_free(&c);
	}
}

/* ---- the process state after sandbox_enter_main(), seen from outside ---- */

/* Child: boot, enter the sandbox, say so on the pipe, wait on *go.  Exit
 * codes name the step that failed (the sandbox's own SIGSYS exit is 78). */
static void sandboxed_child(int wfd, volatile int *go)
{
	struct vm_config cfg = testvm_config();
	struct testvm t;
	char err[VM_ERR_LEN + 256];
	int kvm_fd;

	cfg.nr_vcpus = 2;
	cfg.sandbox = true;
	if (testvm_try_boot_ready(&t, GUEST, &cfg, err, sizeof(err))) {
		fprintf(stderr, "child: %s\n", err);
		_exit(2);
	}
	kvm_fd = t.vm->kvm_fd;
	if (sandbox_enter_main(t.vm, err, sizeof(err))) {
		fprintf(stderr, "child: %s\n", err);
		_exit(3);
	}
	if (t.vm->kvm_fd != -1 || write(kvm_fd, "", 0) != -1 || errno != EBADF)
		_exit(4); /* write(2) is allowed: a closed fd says EBADF */
	if (write(wfd, &kvm_fd, sizeof(kvm_fd)) != sizeof(kvm_fd))
		_exit(5);
	for (int waited = 0; !__atomic_load_n(go, __ATOMIC_SEQ_CST); waited++) {
		const struct timespec second = { 1, 0 };

		if (waited == 60)
			_exit(6); /* the parent never said go */
		syscall(SYS_futex, go, FUTEX_WAIT, 0, &second, NULL, 0);
	}
	_exit(0);
}

/* The value of "key" in /proc/pid/path's "key: value" lines, or -1. */
static long proc_field(pid_t pid, const char *path, const char *key)
{
	char file[128], line[256];
	long val = -1;
	FILE *f;

	snprintf(file, sizeof(file), "/proc/%d/%s", (int)pid, path);
	f = fopen(file, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key))) {
			val = strtol(line + strlen(key), NULL, 10);
			break;
		}
	fclose(f);
	return val;
}

static void test_process_state(void **state)
{
	int *go = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int pfd[2], kvm_fd = -1, wst, nr_threads = 0, max_fd = -1;
	char path[64], link[PATH_MAX];
	struct dirent *e;
	pid_t pid;
	DIR *d;

	(void)state;
	assert_true(go != MAP_FAILED);
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Never outlive a parent whose assertion failed before it said go. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(pfd[0]);
		sandboxed_child(pfd[1], go);
	}
	close(pfd[1]);
	if (read(pfd[0], &kvm_fd, sizeof(kvm_fd)) != sizeof(kvm_fd)) {
		waitpid(pid, &wst, 0);
		fail_msg("the sandboxed child stopped first: exit status %d",
			 WIFEXITED(wst) ? WEXITSTATUS(wst) : -1);
	}
	close(pfd[0]);

	/* No descriptor of the child is /dev/kvm any more. */
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	assert_non_null(d);
	while ((e = readdir(d))) {
		char fdpath[400];
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(fdpath, sizeof(fdpath), "%s/%s", path, e->d_name);
		n = readlink(fdpath, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = '\0';
		if (!strcmp(link, "/dev/kvm"))
			fail_msg("child fd %s is still /dev/kvm", e->d_name);
		if (atoi(e->d_name) > max_fd)
			max_fd = atoi(e->d_name);
	}
	closedir(d);
	assert_true(max_fd >= 0);
	/* RLIMIT_NOFILE: the open descriptors plus a small margin. */
	{
		char file[64], line[256];
		long soft = -1;
		FILE *f;

		snprintf(file, sizeof(file), "/proc/%d/limits", (int)pid);
		f = fopen(file, "r");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "Max open files", 14))
				soft = strtol(line + 14, NULL, 10);
		fclose(f);
		if (soft <= max_fd || soft > max_fd + 1 + 8)
			fail_msg("RLIMIT_NOFILE %ld, highest open fd %d", soft, max_fd);
	}
	/* Every thread: NO_NEW_PRIVS, and seccomp in filter mode (2). */
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	assert_non_null(d);
	while ((e = readdir(d))) {
		char task[300];

		if (e->d_name[0] == '.')
			continue;
		snprintf(task, sizeof(task), "task/%s/status", e->d_name);
		assert_int_equal(proc_field(pid, task, "NoNewPrivs:"), 1);
		assert_int_equal(proc_field(pid, task, "Seccomp:"), 2);
		nr_threads++;
	}
	closedir(d);
	/* main (vCPU 0), vCPU 1 and the watchdog */
	assert_int_equal(nr_threads, 3);

	__atomic_store_n(go, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, go, FUTEX_WAKE, 1, NULL, NULL, 0);
	assert_int_equal(waitpid(pid, &wst, 0), pid);
	assert_true(WIFEXITED(wst));
	assert_int_equal(WEXITSTATUS(wst), 0);
	munmap(go, 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vcpu_thread_forbidden),
		cmocka_unit_test(test_main_thread_forbidden),
		cmocka_unit_test(test_watchdog_forbidden),
		cmocka_unit_test(test_no_sandbox),
		cmocka_unit_test(test_demo_everything),
		cmocka_unit_test(test_ends_sandboxed),
		cmocka_unit_test(test_process_state),
	};

	testvm_start("sandbox");
	return cmocka_run_group_tests_name("sandbox", tests, NULL, NULL);
}
