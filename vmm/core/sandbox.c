// SPDX-License-Identifier: GPL-2.0
/*
 * The sandbox, as Firecracker does it: once the VM is set up, every thread
 * runs under its own seccomp-BPF allowlist, built with libseccomp.  A vCPU
 * thread may run KVM_RUN and little else; the main thread (vCPU 0, the
 * checker, the dumps and the writers) a few KVM ioctls more and the file
 * calls of its output; the watchdog only sleeps and kicks.  A system call
 * outside the allowlist raises SIGSYS (SECCOMP_RET_TRAP): the handler
 * writes one line naming the thread and the call and exits with
 * VMM_EXIT_SANDBOX.  The filters are installed per thread (no TSYNC), each
 * by its own thread, so each thread's list is exactly its own.
 */
#include <dirent.h>
#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "vmm/core/core.h"

/* Syscall numbers the SIGSYS handler can name (x86-64 has fewer than this). */
#define NR_NAMES 512
#define NAME_LEN 24
/* Descriptors allowed beyond the highest one open after set-up. */
#define FD_MARGIN 4

static char syscall_names[NR_NAMES][NAME_LEN];
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_err;

/* The calling thread's name for the SIGSYS line ("vCPU 1", "main"). */
static __thread char thread_name[16];

static size_t put_str(char *buf, size_t used, size_t len, const char *s)
{
	while (*s && used + 1 < len)
		buf[used++] = *s++;
	return used;
}

static size_t put_uint(char *buf, size_t used, size_t len, unsigned long v)
{
	char digits[24];
	size_t n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n && used + 1 < len)
		buf[used++] = digits[--n];
	return used;
}

/* Async-signal-safe: only write(2) and _exit(2), on data prepared before. */
static void sigsys_handler(int sig, siginfo_t *si, void *uc)
{
	char line[256];
	size_t used = 0;
	int nr = si->si_syscall;

	(void)sig;
	(void)uc;
	used = put_str(line, used, sizeof(line), "vmm: sandbox: thread ");
	used = put_str(line, used, sizeof(line), thread_name[0] ? thread_name : "?");
	used = put_str(line, used, sizeof(line), " made system call ");
	used = put_uint(line, used, sizeof(line), (unsigned long)nr);
	used = put_str(line, used, sizeof(line), " (");
	used = put_str(line, used, sizeof(line),
		       nr >= 0 && nr < NR_NAMES && syscall_names[nr][0] ? syscall_names[nr] : "?");
	used = put_str(line, used, sizeof(line),
		       "), which its allowlist forbids; stopping (run with --no-sandbox to "
		       "debug)\n");
	if (write(STDERR_FILENO, line, used) < 0) {
		/* nothing left to tell it to */
	}
	_exit(VMM_EXIT_SANDBOX);
}

/* Once per process, before the first filter: the names for the handler,
 * the handler itself, and libseccomp's probe of the kernel's API level
 * (global state, so not raced by threads). */
static void sandbox_once(void)
{
	struct sigaction sa;
	int nr;

	for (nr = 0; nr < NR_NAMES; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

		if (name) {
			strncpy(syscall_names[nr], name, NAME_LEN - 1);
			free(name);
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sigsys_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		once_err = -errno;
	else if (seccomp_api_get() < 1)
		once_err = -ENOSYS;
}

static const char *const kind_names[] = {
	[SANDBOX_MAIN] = "main",
	[SANDBOX_VCPU] = "vCPU",
	[SANDBOX_WATCHDOG] = "watchdog",
};

static int allow(scmp_filter_ctx ctx, int nr)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
}

/* nr whose argument arg holds mmap protection bits: never PROT_EXEC. */
static int allow_noexec(scmp_filter_ctx ctx, int nr, unsigned int arg)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
				SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
}

/* One ioctl request; the kernel takes it as an unsigned int, so only its
 * low 32 bits are compared. */
static int allow_ioctl(scmp_filter_ctx ctx, unsigned long request)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, request));
}

/* What every thread needs: locks, signals (the kick's handler returns),
 * memory for malloc/free (no executable mappings), writing to stdout and
 * stderr (console echo and messages), stdio's isatty on them, kicking
 * another thread (tgkill), and leaving. */
/* clang-format off: one call a line */
static const int common_calls[] = {
	SCMP_SYS(futex),
	SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(restart_syscall),
	SCMP_SYS(madvise),
	SCMP_SYS(munmap),
	SCMP_SYS(brk),
	SCMP_SYS(mremap),
	SCMP_SYS(write),
	SCMP_SYS(newfstatat),
	SCMP_SYS(fstat),
	SCMP_SYS(clock_gettime),
	/* The kick (pthread_kill): glibc asks gettid when a thread kicks itself,
	 * as main does from its SIGINT/SIGTERM handler (vm_interrupt). */
	SCMP_SYS(getpid),
	SCMP_SYS(gettid),
	SCMP_SYS(tgkill),
	SCMP_SYS(exit),
	SCMP_SYS(exit_group),
};
/* clang-format on */

/* The main thread also closes its output files and the VM's descriptors at
 * the end; it opens nothing after set-up. */
static const int main_calls[] = {
	SCMP_SYS(close),
};

static int build(scmp_filter_ctx ctx, enum sandbox_thread kind)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(common_calls) && !ret; i++)
		ret = allow(ctx, common_calls[i]);
	if (!ret)
		ret = allow_noexec(ctx, SCMP_SYS(mmap), 2);
	if (!ret)
		ret = allow_noexec(ctx, SCMP_SYS(mprotect), 2);
	if (!ret)
		ret = allow_ioctl(ctx, TCGETS); /* stdio's isatty() on first output */
	if (kind == SANDBOX_WATCHDOG || ret)
		return ret;
	ret = allow_ioctl(ctx, KVM_RUN);
	if (kind == SANDBOX_VCPU || ret)
		return ret;
	/* The main thread: the post-mortem (vcpu_dump_state), the checker's
	 * and the dumps' walks (CR3, CR4, EFER) and KVM's own (M7). */
	ret = allow_ioctl(ctx, KVM_GET_REGS);
	if (!ret)
		ret = allow_ioctl(ctx, KVM_GET_SREGS);
	if (!ret)
		ret = allow_ioctl(ctx, KVM_TRANSLATE);
	for (i = 0; i < ARRAY_SIZE(main_calls) && !ret; i++)
		ret = allow(ctx, main_calls[i]);
	return ret;
}

/* The test hook (README, "Sandbox"): VMM_SANDBOX_TEST_FORBIDDEN=vcpu|main|
 * watchdog makes that kind of thread call getppid(2), which no allowlist
 * has, right after its filter is in place. */
static void test_hook(enum sandbox_thread kind)
{
	const char *which = getenv("VMM_SANDBOX_TEST_FORBIDDEN");

	if (which && !strcasecmp(which, kind_names[kind]))
		syscall(SYS_getppid);
}

int sandbox_enter_thread(struct vm *vm, enum sandbox_thread kind, unsigned int id, char *err,
			 size_t errlen)
{
	scmp_filter_ctx ctx;
	int ret;

	if (!vm->cfg.sandbox)
		return 0;
	pthread_once(&once, sandbox_once);
	if (once_err)
		return vmm_errf(err, errlen, once_err, "sandbox: cannot set up seccomp: %s",
				strerror(-once_err));
	if (kind == SANDBOX_VCPU) {
		size_t used = put_str(thread_name, 0, sizeof(thread_name), "vCPU ");

		used = put_uint(thread_name, used, sizeof(thread_name), id);
		thread_name[used] = '\0';
	} else {
		strncpy(thread_name, kind_names[kind], sizeof(thread_name) - 1);
	}
	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (!ctx)
		return vmm_errf(err, errlen, -ENOMEM, "sandbox: seccomp_init failed");
	/* NO_NEW_PRIVS is libseccomp's default; set it explicitly all the same.
	 * A call of another ABI (int 0x80, x32) ends the process at once. */
	ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1);
	if (!ret)
		ret = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (!ret)
		ret = build(ctx, kind);
	if (!ret)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	if (ret)
		return vmm_errf(err, errlen, ret, "sandbox: %s thread filter: %s", kind_names[kind],
				strerror(-ret));
	test_hook(kind);
	return 0;
}

/* Highest descriptor open in this process, or -errno. */
static int highest_fd(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int max = -1;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);

		if (e->d_name[0] != '.' && fd != dirfd(d) && fd > max)
			max = fd;
	}
	closedir(d);
	return max;
}

int sandbox_enter_main(struct vm *vm, char *err, size_t errlen)
{
	struct rlimit rl;
	int max;

	if (!vm->cfg.sandbox)
		return 0;
	/* Only set-up asks /dev/kvm anything (the VM and vCPUs have their own fds). */
	if (vm->kvm_fd >= 0) {
		close(vm->kvm_fd);
		vm->kvm_fd = -1;
	}
	max = highest_fd();
	if (max < 0)
		return vmm_errf(err, errlen, max, "sandbox: /proc/self/fd: %s", strerror(-max));
	rl.rlim_cur = rl.rlim_max = (rlim_t)max + 1 + FD_MARGIN;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		return vmm_errf(err, errlen, -errno, "sandbox: RLIMIT_NOFILE: %s", strerror(errno));
	return sandbox_enter_thread(vm, SANDBOX_MAIN, 0, err, errlen);
}
