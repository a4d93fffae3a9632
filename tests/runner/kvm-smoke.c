/*
 * kvm-smoke: the smallest real KVM user. Creates a VM with one memory region and one vCPU in 32-bit
 * protected mode (paging off), runs `mov al,'A'; mov dx,0xE9; out dx,al; hlt`, and checks that KVM
 * reports the port write (KVM_EXIT_IO, port 0xE9, byte 'A') and then the halt (KVM_EXIT_HLT).
 * Exit status 0 on success, 1 on any failure (with a message on stderr).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define MEM_SIZE 0x200000UL /* 2 MiB of guest RAM at guest physical 0 */
#define CODE_GPA 0x1000UL

static void fail(const char *what)
{
	fprintf(stderr, "kvm-smoke: FAIL: %s: %s\n", what,
		errno ? strerror(errno) : "unexpected result");
	exit(1);
}

static const char *exit_name(uint32_t reason)
{
	switch (reason) {
	case KVM_EXIT_IO:
		return "KVM_EXIT_IO";
	case KVM_EXIT_HLT:
		return "KVM_EXIT_HLT";
	case KVM_EXIT_MMIO:
		return "KVM_EXIT_MMIO";
	case KVM_EXIT_SHUTDOWN:
		return "KVM_EXIT_SHUTDOWN";
	case KVM_EXIT_FAIL_ENTRY:
		return "KVM_EXIT_FAIL_ENTRY";
	case KVM_EXIT_INTERNAL_ERROR:
		return "KVM_EXIT_INTERNAL_ERROR";
	default:
		return "other";
	}
}

/* Flat 4 GiB segment: base 0, limit 4G (g=1), 32-bit (db=1), code/data (s=1), present, ring 0. */
static void flat_segment(struct kvm_segment *seg, uint16_t selector, uint8_t type)
{
	memset(seg, 0, sizeof(*seg));
	seg->base = 0;
	seg->limit = 0xffffffff;
	seg->selector = selector;
	seg->type = type;
	seg->present = 1;
	seg->dpl = 0;
	seg->db = 1;
	seg->s = 1;
	seg->l = 0;
	seg->g = 1;
}

int main(void)
{
	static const uint8_t code[] = {
		0xb0, 'A',		/* mov al, 'A'    */
		0x66, 0xba, 0xe9, 0x00, /* mov dx, 0xE9   */
		0xee,			/* out dx, al     */
		0xf4,			/* hlt            */
	};
	struct kvm_userspace_memory_region region;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_run *run;
	int kvm, vm, vcpu, api, run_size;
	uint8_t *mem;

	errno = 0;
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		fail("open /dev/kvm");
	api = ioctl(kvm, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION)
		fail("KVM_GET_API_VERSION");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		fail("KVM_CREATE_VM");

	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		fail("mmap guest memory");
	memcpy(mem + CODE_GPA, code, sizeof(code));
	memset(&region, 0, sizeof(region));
	region.slot = 0;
	region.guest_phys_addr = 0;
	region.memory_size = MEM_SIZE;
	region.userspace_addr = (uint64_t)(uintptr_t)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		fail("KVM_SET_USER_MEMORY_REGION");

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		fail("KVM_CREATE_VCPU");
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (int)sizeof(*run))
		fail("KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		fail("mmap kvm_run");

	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		fail("KVM_GET_SREGS");
	flat_segment(&sregs.cs, 0x08, 11); /* execute/read, accessed */
	flat_segment(&sregs.ds, 0x10, 3);  /* read/write, accessed */
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.cr0 |= 1; /* PE; paging stays off */
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		fail("KVM_SET_SREGS");

	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_GPA;
	regs.rflags = 0x2;
	regs.rsp = 0x8000;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		fail("KVM_SET_REGS");

	if (ioctl(vcpu, KVM_RUN, 0) < 0)
		fail("KVM_RUN (1)");
	if (run->exit_reason != KVM_EXIT_IO) {
		fprintf(stderr, "kvm-smoke: FAIL: first exit is %s (%u), wanted KVM_EXIT_IO\n",
			exit_name(run->exit_reason), run->exit_reason);
		return 1;
	}
	{
		const uint8_t *data = (const uint8_t *)run + run->io.data_offset;
		if (run->io.direction != KVM_EXIT_IO_OUT || run->io.port != 0xE9 ||
		    run->io.size != 1 || run->io.count != 1 || data[0] != 'A') {
			fprintf(stderr,
				"kvm-smoke: FAIL: I/O exit dir=%u port=%#x size=%u count=%u "
				"byte=%#x, wanted OUT 0xe9 1 1 'A'\n",
				run->io.direction, run->io.port, run->io.size, run->io.count,
				data[0]);
			return 1;
		}
	}
	if (ioctl(vcpu, KVM_RUN, 0) < 0)
		fail("KVM_RUN (2)");
	if (run->exit_reason != KVM_EXIT_HLT) {
		fprintf(stderr, "kvm-smoke: FAIL: second exit is %s (%u), wanted KVM_EXIT_HLT\n",
			exit_name(run->exit_reason), run->exit_reason);
		return 1;
	}

	printf("kvm-smoke: ok: out 0xe9 'A' then hlt (nested=%s mmu=%s)\n",
	       getenv("KVM_RUN_NESTED") ? getenv("KVM_RUN_NESTED") : "unset",
	       getenv("KVM_RUN_MMU") ? getenv("KVM_RUN_MMU") : "host");
	return 0;
}
