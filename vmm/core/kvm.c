// SPDX-License-Identifier: GPL-2.0
/*
 * VM and vCPU creation on /dev/kvm, the boot state of a Multiboot guest,
 * and the --timeout watchdog.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "shared/layout.h"
#include "vmm/core/core.h"
#include "shared/mmu.h"
#include "shared/multiboot.h"

/* Where KVM on Intel keeps the real-mode TSS: three pages outside RAM
 * (RAM ends at GUEST_RAM_MAX at the highest).  AMD ignores it. */
#define KVM_TSS_ADDR 0xfffbd000u

static int open_kvm(char *err, size_t errlen)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int saved = errno;

	if (fd >= 0)
		return fd;
	switch (saved) {
	case ENOENT:
		return vmm_errf(
			err, errlen, -ENOENT,
			"/dev/kvm: no such device: this host has no KVM (no kvm module, or no "
			"hardware virtualisation). Run through the nested runner instead: "
			"kvm-run vmm ARGS... (in the source tree: tools/kvm-run build/bin/vmm "
			"ARGS...)");
	case EACCES:
	case EPERM:
		return vmm_errf(err, errlen, -saved,
				"/dev/kvm: permission denied: add yourself to the kvm group "
				"(sudo usermod -aG kvm $USER, then log in again) or run as root");
	default:
		return vmm_errf(err, errlen, -saved, "/dev/kvm: %s", strerror(saved));
	}
}

/* The capabilities this VMM relies on; each names what it is used for. */
static const struct {
	int cap;
	const char *name;
	const char *why;
} required_caps[] = {
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY", "guest RAM from an anonymous mapping" },
	{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID", "passing PSE/PAE/PGE/NX to the guest" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT", "stopping a guest at --timeout" },
};

static int check_kvm(int kvm_fd, char *err, size_t errlen)
{
	int version = ioctl(kvm_fd, KVM_GET_API_VERSION, 0);
	size_t i;

	if (version != KVM_API_VERSION)
		return vmm_errf(err, errlen, -EPROTO, "/dev/kvm: API version %d, this VMM needs %d",
				version, KVM_API_VERSION);
	for (i = 0; i < ARRAY_SIZE(required_caps); i++) {
		if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, required_caps[i].cap) <= 0)
			return vmm_errf(err, errlen, -ENOTSUP,
					"/dev/kvm: missing capability %s (needed for %s)",
					required_caps[i].name, required_caps[i].why);
	}
	return 0;
}

/* Give the guest the host's supported CPUID, so it sees PSE, PAE, PGE, NX. */
static int vcpu_set_cpuid(struct vm *vm, struct vcpu *vcpu, char *err, size_t errlen)
{
	unsigned int nent = 128;
	struct kvm_cpuid2 *cpuid;
	int ret;

	for (;;) {
		cpuid = calloc(1, sizeof(*cpuid) + nent * sizeof(cpuid->entries[0]));
		if (!cpuid)
			return vmm_errf(err, errlen, -ENOMEM, "out of memory for CPUID entries");
		cpuid->nent = nent;
		if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0)
			break;
		ret = -errno;
		free(cpuid);
		if (ret != -E2BIG || nent >= 4096)
			return vmm_errf(err, errlen, ret, "KVM_GET_SUPPORTED_CPUID: %s",
					strerror(-ret));
		nent *= 2;
	}
	for (unsigned int i = 0; i < cpuid->nent; i++)
		if (cpuid->entries[i].function == 0x80000008)
			vm->maxphyaddr = cpuid->entries[i].eax & 0xff;
	ret = ioctl(vcpu->fd, KVM_SET_CPUID2, cpuid) < 0 ? -errno : 0;
	free(cpuid);
	if (ret)
		return vmm_errf(err, errlen, ret, "KVM_SET_CPUID2 (vCPU %u): %s", vcpu->id,
				strerror(-ret));
	return 0;
}

/*
 * Several vCPUs: KVM's in-kernel LAPICs (with its PIC and IOAPIC, which
 * nothing here drives), before any vCPU exists, as KVM requires.  The
 * guest's IPIs are xAPIC ICR writes that KVM delivers without an exit, and
 * an AP's HLT waits in the kernel for one.  One vCPU has no one to
 * interrupt it, so it keeps the plain machine, where HLT leaves KVM_RUN
 * and the VMM reports it (exit 77): with an irqchip that HLT would wait
 * for an interrupt that never comes, until --timeout.
 */
static int create_irqchip(struct vm *vm, char *err, size_t errlen)
{
	if (vm->cfg.nr_vcpus < 2)
		return 0;
	if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP) <= 0)
		return vmm_errf(err, errlen, -ENOTSUP,
				"/dev/kvm: missing capability KVM_CAP_IRQCHIP (needed for --cpus "
				"%u: the guest's inter-processor interrupts go through KVM's "
				"in-kernel LAPIC); run with --cpus 1",
				vm->cfg.nr_vcpus);
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return vmm_errf(err, errlen, -errno, "KVM_CREATE_IRQCHIP: %s", strerror(errno));
	return 0;
}

static int vcpu_create(struct vm *vm, unsigned int id, char *err, size_t errlen)
{
	struct vcpu *vcpu = &vm->vcpus[id];

	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, id);
	if (vcpu->fd < 0)
		return vmm_errf(err, errlen, -errno, "KVM_CREATE_VCPU %u: %s", id, strerror(errno));
	vcpu->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		vcpu->run = NULL;
		return vmm_errf(err, errlen, -errno, "mmap of kvm_run (vCPU %u): %s", id,
				strerror(errno));
	}
	return vcpu_set_cpuid(vm, vcpu, err, errlen);
}

int vcpu_get_sregs(struct vcpu *vcpu, struct kvm_sregs *sregs)
{
	return ioctl(vcpu->fd, KVM_GET_SREGS, sregs) < 0 ? -errno : 0;
}

int vcpu_set_sregs(struct vcpu *vcpu, const struct kvm_sregs *sregs)
{
	return ioctl(vcpu->fd, KVM_SET_SREGS, sregs) < 0 ? -errno : 0;
}

int vcpu_translate(struct vcpu *vcpu, uint64_t va, bool *valid, uint64_t *pa)
{
	struct kvm_translation tr = { .linear_address = va };

	if (ioctl(vcpu->fd, KVM_TRANSLATE, &tr) < 0)
		return -errno;
	*valid = tr.valid != 0;
	*pa = tr.physical_address;
	return 0;
}

bool vm_create_error_is_kvm(int err)
{
	return err == -ENOENT || err == -EACCES || err == -EPERM || err == -ENOTSUP ||
	       err == -EPROTO || err == -ENODEV || err == -ENXIO;
}

int vm_create(struct vm **out, const struct vm_config *cfg, char *err, size_t errlen)
{
	struct kvm_userspace_memory_region region;
	pthread_condattr_t cattr;
	struct vm *vm;
	unsigned int i;
	int ret;

	*out = NULL;
	if (cfg->ram_size < GUEST_RAM_MIN || cfg->ram_size > GUEST_RAM_MAX ||
	    cfg->ram_size % PAGE_SIZE)
		return vmm_errf(err, errlen, -EINVAL, "guest RAM size %llu is not supported",
				(unsigned long long)cfg->ram_size);
	if (cfg->nr_vcpus < 1 || cfg->nr_vcpus > VM_MAX_VCPUS)
		return vmm_errf(err, errlen, -EINVAL, "%u vCPUs: between 1 and %d are supported",
				cfg->nr_vcpus, VM_MAX_VCPUS);

	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return vmm_errf(err, errlen, -ENOMEM, "out of memory");
	vm->cfg = *cfg;
	vm->vm_fd = -1;
	for (i = 0; i < VM_MAX_VCPUS; i++)
		vm->vcpus[i].fd = -1;
	pthread_mutex_init(&vm->lock, NULL);
	pthread_mutex_init(&vm->console_lock, NULL);
	/* The watchdog's deadline is on CLOCK_MONOTONIC: a step of the wall
	 * clock must not fire or postpone --timeout. */
	pthread_condattr_init(&cattr);
	pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	pthread_cond_init(&vm->cond, &cattr);
	pthread_condattr_destroy(&cattr);

	vm->kvm_fd = open_kvm(err, errlen);
	if (vm->kvm_fd < 0) {
		ret = vm->kvm_fd;
		goto err_free;
	}
	ret = check_kvm(vm->kvm_fd, err, errlen);
	if (ret)
		goto err_destroy;

	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		ret = vmm_errf(err, errlen, -errno, "KVM_CREATE_VM: %s", strerror(errno));
		goto err_destroy;
	}
	/* Needed on Intel before the first KVM_RUN; harmless elsewhere. */
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_ADDR) < 0) {
		ret = vmm_errf(err, errlen, -errno, "KVM_SET_TSS_ADDR: %s", strerror(errno));
		goto err_destroy;
	}
	ret = create_irqchip(vm, err, errlen);
	if (ret)
		goto err_destroy;

	vm->mem.size = cfg->ram_size;
	vm->mem.base = mmap(NULL, cfg->ram_size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem.base == MAP_FAILED) {
		vm->mem.base = NULL;
		ret = vmm_errf(err, errlen, -errno, "mmap of %llu bytes of guest RAM: %s",
			       (unsigned long long)cfg->ram_size, strerror(errno));
		goto err_destroy;
	}
	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = cfg->ram_size,
		.userspace_addr = (uintptr_t)vm->mem.base,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		ret = vmm_errf(err, errlen, -errno, "KVM_SET_USER_MEMORY_REGION: %s",
			       strerror(errno));
		goto err_destroy;
	}

	ret = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (ret < (int)sizeof(struct kvm_run)) {
		ret = vmm_errf(err, errlen, -EINVAL, "KVM_GET_VCPU_MMAP_SIZE: %d", ret);
		goto err_destroy;
	}
	vm->run_size = ret;
	for (i = 0; i < cfg->nr_vcpus; i++) {
		ret = vcpu_create(vm, i, err, errlen);
		if (ret)
			goto err_destroy;
		vm->nr_vcpus++;
	}
	*out = vm;
	return 0;

err_destroy:
	vm_destroy(vm);
	return ret;
err_free:
	pthread_mutex_destroy(&vm->lock);
	pthread_mutex_destroy(&vm->console_lock);
	pthread_cond_destroy(&vm->cond);
	free(vm);
	return ret;
}

static void kick_handler(int sig)
{
	(void)sig; /* only there to make KVM_RUN return -EINTR */
}

/* Sleeps until the deadline or vm_destroy(); on the deadline, stops every
 * vCPU: immediate_exit catches a vCPU between two KVM_RUNs, the signal
 * one inside KVM_RUN. */
static void *watchdog_main(void *arg)
{
	struct vm *vm = arg;
	struct timespec deadline;
	unsigned int i;
	int rc = 0;

	/* Nothing to report a failure to: an unsandboxed watchdog still only sleeps and kicks. */
	sandbox_enter_thread(vm, SANDBOX_WATCHDOG, 0, NULL, 0);
	clock_gettime(CLOCK_MONOTONIC, &deadline); /* vm->cond's clock */
	deadline.tv_sec += vm->cfg.timeout_sec;
	pthread_mutex_lock(&vm->lock);
	while (!vm->stopping && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&vm->cond, &vm->lock, &deadline);
	if (!vm->stopping) {
		vm->timed_out = 1;
		for (i = 0; i < vm->nr_vcpus; i++)
			vcpu_kick(&vm->vcpus[i]);
	}
	pthread_mutex_unlock(&vm->lock);
	return NULL;
}

void vcpu_kick(struct vcpu *vcpu)
{
	__atomic_store_n(&vcpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&vcpu->thread_valid, __ATOMIC_SEQ_CST))
		pthread_kill(vcpu->thread, SIGUSR1);
}

/* SIGUSR1 only interrupts KVM_RUN (the watchdog's and the APs' kicks). */
static int install_kick_handler(char *err, size_t errlen)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	/* SA_RESTART, so that a kick cannot cut short a write to stdout or the
	 * --json trace on the same thread.  KVM_RUN still returns -EINTR: it
	 * is never restarted, and immediate_exit is set before the signal. */
	sa.sa_handler = kick_handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) < 0)
		return vmm_errf(err, errlen, -errno, "sigaction: %s", strerror(errno));
	return 0;
}

static int start_watchdog(struct vm *vm, char *err, size_t errlen)
{
	int ret;

	if (!vm->cfg.timeout_sec)
		return 0;
	ret = pthread_create(&vm->watchdog, NULL, watchdog_main, vm);
	if (ret)
		return vmm_errf(err, errlen, -ret, "watchdog thread: %s", strerror(ret));
	vm->watchdog_running = true;
	return 0;
}

static void flat_segment(struct kvm_segment *seg, uint16_t selector, uint8_t type)
{
	*seg = (struct kvm_segment){
		.base = 0,
		.limit = 0xffffffff,
		.selector = selector,
		.type = type,
		.present = 1,
		.dpl = 0,
		.db = 1,
		.s = 1,
		.l = 0,
		.g = 1,
	};
}

/* The Multiboot machine state: protected mode, paging off, flat 4 GiB
 * segments, EAX = magic, EBX = boot information, interrupts off.  GDTR
 * and IDTR are left empty: the specification makes them the guest's job. */
static int vcpu_set_boot_state(struct vcpu *vcpu, uint32_t entry, uint32_t eax, uint32_t ebx,
			       char *err, size_t errlen)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int ret = vcpu_get_sregs(vcpu, &sregs);

	if (ret)
		return vmm_errf(err, errlen, ret, "KVM_GET_SREGS: %s", strerror(-ret));
	flat_segment(&sregs.cs, 0x08, 0xb); /* execute/read, accessed */
	flat_segment(&sregs.ds, 0x10, 0x3); /* read/write, accessed */
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	/* A valid busy TSS keeps VM-entry checks happy; the guest never uses it. */
	sregs.tr = (struct kvm_segment){
		.base = 0,
		.limit = 0x67,
		.selector = 0x18,
		.type = 0xb,
		.present = 1,
		.g = 0,
	};
	sregs.cr0 = X86_CR0_PE | X86_CR0_ET;
	sregs.cr3 = 0;
	sregs.cr4 = 0;
	sregs.efer = 0;
	sregs.gdt.base = 0;
	sregs.gdt.limit = 0;
	sregs.idt.base = 0;
	sregs.idt.limit = 0;
	ret = vcpu_set_sregs(vcpu, &sregs);
	if (ret)
		return vmm_errf(err, errlen, ret, "KVM_SET_SREGS: %s", strerror(-ret));

	memset(&regs, 0, sizeof(regs));
	regs.rip = entry;
	regs.rflags = 0x2; /* reserved bit 1; IF clear */
	regs.rax = eax;
	regs.rbx = ebx;
	if (ioctl(vcpu->fd, KVM_SET_REGS, &regs) < 0)
		return vmm_errf(err, errlen, -errno, "KVM_SET_REGS: %s", strerror(errno));
	return 0;
}

/*
 * Under the in-kernel LAPIC an AP starts UNINITIALIZED (waiting for the
 * INIT/SIPI a real BIOS and kernel would send); this VMM starts it at once
 * with the registers it set, as it starts the boot CPU.
 */
static int vcpu_set_runnable(struct vcpu *vcpu, char *err, size_t errlen)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };

	if (ioctl(vcpu->fd, KVM_SET_MP_STATE, &mp) < 0)
		return vmm_errf(err, errlen, -errno, "KVM_SET_MP_STATE RUNNABLE (vCPU %u): %s",
				vcpu->id, strerror(errno));
	return 0;
}

/* The other vCPUs start where the guest's symbol ap_startup_32 says (a
 * physical address, as the ELF entry); a guest without it has no SMP. */
static int find_ap_entry(struct vm *vm, const struct elf_image *img, const struct sym_table *syms,
			 uint32_t *entry, char *err, size_t errlen)
{
	uint64_t addr = 0, size = 0;

	if (!syms || !syms->nr)
		return vmm_errf(err, errlen, -ENOEXEC,
				"%s: --cpus %u needs the guest's symbol table (ap_startup_32), "
				"and the guest has none",
				img->path, vm->nr_vcpus);
	if (sym_lookup(syms, "ap_startup_32", &addr, &size) || !addr || addr >= vm->mem.size)
		return vmm_errf(err, errlen, -ENOEXEC,
				"%s: --cpus %u: the guest has no SMP entry point (symbol "
				"ap_startup_32): run it with --cpus 1",
				img->path, vm->nr_vcpus);
	*entry = (uint32_t)addr;
	return 0;
}

int vm_boot(struct vm *vm, const struct elf_image *img, const struct sym_table *syms, char *err,
	    size_t errlen)
{
	char cmdline[MB_CMDLINE_MAX];
	uint32_t ap_entry = 0;
	unsigned int i;
	int ret;

	if (elf_image_load(img, &vm->mem))
		return vmm_errf(err, errlen, -EFAULT, "%s: segments do not fit guest RAM",
				img->path);
	if (vm_guest_cmdline(&vm->cfg, cmdline, sizeof(cmdline)))
		return vmm_errf(err, errlen, -E2BIG, "guest command line longer than %u bytes",
				MB_CMDLINE_MAX - 64);
	ret = multiboot_write_info(&vm->mem, cmdline);
	if (ret)
		return vmm_errf(err, errlen, ret, "cannot write the Multiboot information: %s",
				strerror(-ret));
	ret = vcpu_set_boot_state(&vm->vcpus[0], img->entry, MULTIBOOT_BOOTLOADER_MAGIC,
				  MB_INFO_PADDR, err, errlen);
	if (ret)
		return ret;
	if (vm->nr_vcpus > 1) {
		ret = find_ap_entry(vm, img, syms, &ap_entry, err, errlen);
		for (i = 1; !ret && i < vm->nr_vcpus; i++) {
			ret = vcpu_set_boot_state(&vm->vcpus[i], ap_entry, 0, i, err, errlen);
			if (!ret)
				ret = vcpu_set_runnable(&vm->vcpus[i], err, errlen);
		}
		if (ret)
			return ret;
	}
	/* Always: besides the watchdog and the APs, vm_interrupt() kicks. */
	ret = install_kick_handler(err, errlen);
	if (ret)
		return ret;
	ret = start_watchdog(vm, err, errlen);
	if (!ret && vm->nr_vcpus > 1)
		ret = vm_start_aps(vm, err, errlen);
	return ret;
}

void vm_destroy(struct vm *vm)
{
	unsigned int i;

	if (!vm)
		return;
	/* Before any thread is joined: the watchdog kicks under the lock, and
	 * must not signal an AP's thread once it is gone. */
	pthread_mutex_lock(&vm->lock);
	__atomic_store_n(&vm->stopping, true, __ATOMIC_SEQ_CST);
	pthread_cond_signal(&vm->cond); /* the watchdog */
	pthread_mutex_unlock(&vm->lock);
	if (vm->watchdog_running)
		pthread_join(vm->watchdog, NULL);
	vm_stop_aps(vm);
	vm_console_flush_report(vm);
	for (i = 0; i < VM_MAX_VCPUS; i++) {
		if (vm->vcpus[i].run)
			munmap(vm->vcpus[i].run, vm->run_size);
		if (vm->vcpus[i].fd >= 0)
			close(vm->vcpus[i].fd);
	}
	if (vm->mem.base)
		munmap(vm->mem.base, vm->mem.size);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	pthread_mutex_destroy(&vm->lock);
	pthread_mutex_destroy(&vm->console_lock);
	pthread_cond_destroy(&vm->cond);
	free(vm);
}
