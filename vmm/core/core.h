/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The core: runs a guest.  /dev/kvm, the VM and its vCPUs, the run loop and
 * its events, guest memory (the one checked way into it), the guest ELF and
 * its symbols, the Multiboot boot, and the mailbox commands as C calls.
 * It includes nothing of the layers above it (tools/check-layers).
 */
#ifndef VMM_CORE_CORE_H
#define VMM_CORE_CORE_H

#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "shared/abi.h"

/* ---- exitcodes ---- */

/*
 * Exit statuses of the vmm binary (also listed in the README).  A guest's own exit
 * status (0..GUEST_EXIT_MAX, written to PORT_EXIT) passes through
 * unchanged; the VMM's own outcomes use the block from 64 up, which a
 * guest cannot produce, so a script can always tell them apart.
 */

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
	VMM_EXIT_SANDBOX = 78,	     /* a thread made a system call its seccomp allowlist forbids */
	VMM_EXIT_TIMEOUT = 124,	     /* --timeout expired (as timeout(1)) */
	VMM_EXIT_SIGNAL = 128,	     /* + the signal: SIGINT (130) or SIGTERM (143) stopped it */
};

/* ---- util ---- */

/* Small helpers shared by the VMM library. */

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Format a message into err (if given) and return ret: library functions
 * report a failure and return its negative errno in one statement. */
int vmm_errf(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Guest text on its way to a terminal: the one filter every path uses (the
 * console echo, "guest: ..." lines, self-test names, oops and panic texts).
 * Printable ASCII, '\n' and '\t' pass; every other byte is shown as \xNN,
 * so a guest can send no escape sequence or control byte to the user.
 */
/* Escape len bytes of text into buf (always NUL-terminated when buflen > 0;
 * an escape that does not fit whole is left out); returns the length. */
size_t vmm_escape_text(char *buf, size_t buflen, const char *text, size_t len);
/* Write len bytes of text to out, escaped; returns the bytes written. */
size_t vmm_fput_text(FILE *out, const char *text, size_t len);

/* ---- guestmem ---- */

/*
 * The one way into guest memory.
 *
 * Guest RAM is one anonymous mapping covering guest-physical [0, size).
 * Every access the host makes to it — loading the ELF, writing the boot
 * information, reading the mailbox, walking page tables, reading guest
 * kernel structures — goes through gmem_ptr(), which checks the whole
 * range [gpa, gpa + len) in 64-bit arithmetic and refuses any range that
 * is not wholly inside RAM.  Nothing else turns a guest address into a
 * host pointer.
 */

struct guest_mem {
	uint8_t *base; /* host address of guest-physical 0 */
	uint64_t size; /* bytes of guest RAM */
};

/* Host pointer to [gpa, gpa + len), or NULL if any byte lies outside RAM
 * (or len is 0, or the range wraps). */
void *gmem_ptr(const struct guest_mem *gm, uint64_t gpa, uint64_t len);

/* Copy out of / into guest RAM; 0 on success, -EFAULT if out of range. */
int gmem_read(const struct guest_mem *gm, uint64_t gpa, void *buf, size_t len);
int gmem_write(const struct guest_mem *gm, uint64_t gpa, const void *buf, size_t len);

/* Little-endian loads of one aligned-or-not integer; -EFAULT if out of range. */
int gmem_read32(const struct guest_mem *gm, uint64_t gpa, uint32_t *val);
int gmem_read64(const struct guest_mem *gm, uint64_t gpa, uint64_t *val);
int gmem_write32(const struct guest_mem *gm, uint64_t gpa, uint32_t val);
int gmem_write64(const struct guest_mem *gm, uint64_t gpa, uint64_t val);

/* ---- elf ---- */

/*
 * Loading the guest ELF.  The file is untrusted: elf_image_open() checks
 * every header field it uses and refuses the file, with a message that
 * names the file and the defect, before any VM exists.  Errors follow the
 * vmm convention: -errno and a message; img->defect says which defect.
 */

#define ELF_MAX_FILE_SIZE (64u << 20)
#define ELF_MAX_SEGMENTS  16

/* Why a guest ELF was refused (img->defect); one code per defect, for tests. */
enum elf_defect {
	ELF_OK = 0,
	ELF_ERR_OPEN, /* cannot open or read the file */
	ELF_ERR_EMPTY,
	ELF_ERR_TOO_BIG,
	ELF_ERR_TRUNCATED, /* shorter than an ELF header */
	ELF_ERR_NOT_ELF,
	ELF_ERR_CLASS,	 /* not ELFCLASS32 */
	ELF_ERR_ENDIAN,	 /* not little-endian */
	ELF_ERR_MACHINE, /* not EM_386 */
	ELF_ERR_TYPE,	 /* not ET_EXEC */
	ELF_ERR_PHENTSIZE,
	ELF_ERR_PH_PAST_EOF, /* program headers past the end of the file */
	ELF_ERR_TOO_MANY_SEGMENTS,
	ELF_ERR_FILESZ,	       /* p_filesz > p_memsz */
	ELF_ERR_DATA_PAST_EOF, /* p_offset + p_filesz past the end of the file */
	ELF_ERR_OUTSIDE_RAM,   /* [p_paddr, p_paddr + p_memsz) wraps or leaves RAM */
	ELF_ERR_BOOT_AREA,     /* segment would overwrite the boot information */
	ELF_ERR_OVERLAP,       /* two PT_LOAD segments overlap */
	ELF_ERR_NO_LOAD,       /* no PT_LOAD segment */
	ELF_ERR_ENTRY,	       /* entry point in no executable segment */
	ELF_ERR_LIBELF,	       /* libelf refused the file */
};

struct elf_segment {
	uint32_t paddr;
	uint32_t memsz;
	uint32_t filesz;
	uint32_t offset;
	uint32_t flags; /* PF_X, PF_W, PF_R */
};

struct elf_image {
	const char *path;
	uint8_t *data; /* the whole file */
	size_t size;
	uint32_t entry;		/* physical: the guest starts with paging off */
	enum elf_defect defect; /* ELF_OK, or why elf_image_*() refused the file */
	unsigned int nr_segments;
	struct elf_segment segments[ELF_MAX_SEGMENTS];
};

/*
 * Read and validate a guest ELF for a guest of ram_size bytes: 0, or -errno
 * with a message naming the file and the defect in msg and the defect in
 * img->defect (nothing else of *img is valid then).  -ENOEXEC: the file is
 * not a guest this VMM can load; another -errno (ELF_ERR_OPEN): it could
 * not be read (the open(2) errno, or -ENOMEM).
 */
int elf_image_open(const char *path, uint64_t ram_size, struct elf_image *img, char *msg,
		   size_t msglen);
/* Same, for a file already in memory (copied; used by tests and fuzzing). */
int elf_image_parse(const char *name, const void *buf, size_t size, uint64_t ram_size,
		    struct elf_image *img, char *msg, size_t msglen);
/* Copy the segments into guest RAM and zero their .bss parts. */
int elf_image_load(const struct elf_image *img, const struct guest_mem *gm);
/* Free the file's copy; safe on a closed or zeroed image. */
void elf_image_close(struct elf_image *img);

/* ---- symbols ---- */

/*
 * Guest kernel symbols, read from the guest ELF's .symtab with libelf, so
 * the host can find swapper_pg_dir, vmlist, mem_map and the zone counters
 * the way a debugger does.  The file is not trusted: every offset, size,
 * link and name is checked before use; a bad file is an error with a
 * message, never a crash or a leak.
 */

/* The sym_load_*() error for an ELF without .symtab (stripped); the caller
 * decides whether that is fatal (the demo) or not (--cpus 1 self-tests). */
#define SYM_NO_SYMTAB (-ENODATA)

struct sym {
	const char *name;   /* points into sym_table.names */
	uint64_t value;	    /* st_value: the virtual address */
	uint64_t size;	    /* st_size */
	unsigned char type; /* STT_* */
	unsigned char bind; /* STB_* */
};

/* Sorted by name; for equal names, global before weak before local. */
struct sym_table {
	struct sym *syms;
	size_t nr;
	char *names; /* one allocation for all names */
};

/*
 * Load the symbols of the ELF file at path (or open fd, which stays open, or
 * an image elf_image_open() already read: no second read of the file) into
 * *t.  0: loaded; -errno: *t empty and err (if not NULL) holds a message that
 * says what, where and what to do.  SYM_NO_SYMTAB (-ENODATA): the file has
 * no .symtab; -EINVAL: a bad symbol table; others: I/O errors.
 */
int sym_load_path(struct sym_table *t, const char *path, char *err, size_t errlen);
int sym_load_fd(struct sym_table *t, int fd, const char *what, char *err, size_t errlen);
int sym_load_image(struct sym_table *t, const struct elf_image *img, char *err, size_t errlen);

/* Release *t; safe on an empty or already freed table. */
void sym_free(struct sym_table *t);

/* Find name: 0 with its value in *addr and size in *size (either may be NULL), or -ENOENT. */
int sym_lookup(const struct sym_table *t, const char *name, uint64_t *addr, uint64_t *size);

/*
 * Write addr as the kernel's %pS does ("name+0x1c/0x80": offset and size in
 * hex) into buf, using the nearest function or object at or below addr; "0x%x"
 * when none covers it.  Returns 0, or -ENOENT when no symbol covers addr.
 */
int sym_format_addr(const struct sym_table *t, uint64_t addr, char *buf, size_t len);

/* Physical address of a kernel (direct-mapped) virtual address: 0 or -EINVAL
 * when vaddr is below PAGE_OFFSET or beyond the largest lowmem map. */
int sym_virt_to_phys(uint64_t vaddr, uint64_t *paddr);

/* ---- vm ---- */

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

#define VM_MAX_VCPUS	 MAX_CPUS
#define VM_ERR_LEN	 1024
#define CONSOLE_LOG_SIZE (64u << 10)
/* The console echo (cfg.console) shows at most this many bytes a second;
 * the rest is counted and reported in one line (the log keeps it all). */
#define CONSOLE_ECHO_RATE (64u << 10)

enum paging_mode {
	PAGING_2LEVEL = 0,
	PAGING_PAE = 1
};

struct vm_config {
	uint64_t ram_size;
	unsigned int nr_vcpus;
	enum paging_mode paging;
	const char *cmdline;	   /* extra guest command line, may be NULL */
	unsigned int timeout_sec;  /* 0: none */
	FILE *console;		   /* where guest console bytes go; NULL: only the log */
	unsigned int console_rate; /* echo bytes a second; 0: CONSOLE_ECHO_RATE */
	bool sandbox; /* seccomp allowlists per thread (sandbox.c); the vmm binary's default */
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
	VM_EV_HOST_ERROR,  /* an ioctl failed */
	VM_EV_INTERRUPTED, /* vm_interrupt(): a signal to the VMM; ev.status is its number */
};

struct vm_event {
	enum vm_event_kind kind;
	int status;	      /* VM_EV_EXIT: the guest's status */
	unsigned int vcpu;    /* the vCPU it happened on (an AP's event stops vCPU 0 too) */
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
};

struct vm {
	struct vm_config cfg;
	int kvm_fd;
	int vm_fd;
	size_t run_size;
	struct guest_mem mem;
	unsigned int nr_vcpus;
	struct vcpu vcpus[VM_MAX_VCPUS];
	/* CPUID 0x80000008 EAX[7:0] as given to the vCPUs (0: leaf absent). */
	unsigned int maxphyaddr;

	/* Set once, by vCPU 0's HELLO under lock: where the mailbox lives.
	 * mailbox_valid is stored (release) after mailbox_gpa and read
	 * (acquire) before it, so any thread may read both. */
	bool mailbox_valid;
	uint64_t mailbox_gpa;

	/* Everything the guest printed, for tests and reports (ring; under
	 * console_lock). */
	char console_log[CONSOLE_LOG_SIZE];
	size_t console_len; /* total bytes ever written */
	/* The echo's rate limit (under console_lock): the current one-second
	 * window, what it echoed, and the guest bytes held back since the last
	 * report line. */
	uint64_t echo_window_ns;
	uint64_t echo_window_bytes;
	uint64_t echo_suppressed;
	bool echo_mid_line; /* the last byte echoed was not '\n' */

	/* Watchdog for --timeout. */
	pthread_t watchdog;
	bool watchdog_running;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* vm_destroy() began (set under lock): the watchdog kicks no one
	 * any more, APs leave their run loop. */
	bool stopping;
	volatile int timed_out;
	/* The signal vm_interrupt() was given, or 0: vCPU 0 stops at its
	 * next loop head with VM_EV_INTERRUPTED. */
	volatile int interrupted;

	/* vCPUs 1..N-1 (APs): started at the guest's ap_startup_32 by vm_boot.
	 * One that stops for any reason but the VM's own stop records why in
	 * ap_event (under lock) and kicks vCPU 0, whose vm_run() reports it. */
	volatile int ap_failed;
	struct vm_event ap_event;
	pthread_mutex_t console_lock; /* console output comes from every vCPU thread */

	/* Counters for the benchmark and tests. */
	uint64_t nr_exits;
	uint64_t nr_io_exits;
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
/* Stop the watchdog and the APs, then free every vCPU, the RAM and the fds; NULL is fine. */
void vm_destroy(struct vm *vm);

/* Start vCPUs 1..N-1, each on its own thread running KVM_RUN (run.c). */
int vm_start_aps(struct vm *vm, char *err, size_t errlen);
/* Kick and join them once vm->stopping is set (vm_destroy does both). */
void vm_stop_aps(struct vm *vm);
/* Set vm->stopping and stop the APs (for a post-mortem of their registers: a
 * running vCPU's registers cannot be read); the VM cannot run again after it. */
void vm_stop_for_post_mortem(struct vm *vm);
/* KVM_GET_SREGS of a vCPU that is not running: 0 or -errno. */
int vcpu_get_sregs(struct vcpu *vcpu, struct kvm_sregs *sregs);
/* KVM_SET_SREGS of a vCPU that is not running (tests plant hostile state with it):
 * 0 or -errno. */
int vcpu_set_sregs(struct vcpu *vcpu, const struct kvm_sregs *sregs);
/* KVM's own walk of va on the vCPU's current CR3 (KVM_TRANSLATE): 0 with
 * *valid and *pa, or -errno.  KVM may set accessed bits on the way. */
int vcpu_translate(struct vcpu *vcpu, uint64_t va, bool *valid, uint64_t *pa);
/* Make vCPU i's KVM_RUN return: immediate_exit, and SIGUSR1 to its thread. */
void vcpu_kick(struct vcpu *vcpu);
/* Stop vm_run() with VM_EV_INTERRUPTED (status signo): async-signal-safe,
 * for main()'s SIGINT and SIGTERM handlers. */
void vm_interrupt(struct vm *vm, int signo);

/* Run vCPU 0 until something needs the caller (see enum vm_event_kind);
 * always returns 0 with *ev describing why it stopped. */
int vm_run(struct vm *vm, struct vm_event *ev);

/* Print general, segment and control registers of a vCPU, and the last
 * exception the guest reported, for post-mortems. */
void vcpu_dump_state(struct vcpu *vcpu, FILE *out);

/* Map an event to the VMM exit status documented in the README. */
int vm_event_exit_status(const struct vm_event *ev);
/* A short name of an event kind ("triple fault"), for messages. */
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
/* Print the echo's pending "bytes not shown" line, if any (vm_destroy does). */
void vm_console_flush_report(struct vm *vm);

/* Mailbox access (after HELLO): snapshot and write back. */
int vm_mailbox_read(struct vm *vm, struct mailbox *mb);
int vm_mailbox_write_cmd(struct vm *vm, uint32_t cmd, const uint32_t *args, unsigned int nargs);

/* Build the guest command line for a configuration ("paging=pae ..."). */
int vm_guest_cmdline(const struct vm_config *cfg, char *buf, size_t len);

/* Write Multiboot information for a guest of gm->size bytes (multiboot.c). */
int multiboot_write_info(const struct guest_mem *gm, const char *cmdline);

/* ---- sandbox ---- */

/*
 * Seccomp-BPF allowlists, one per kind of thread (the README lists them),
 * built with libseccomp.  Only with vm->cfg.sandbox; else these do nothing.
 * A forbidden call prints one line naming the thread and the call and
 * exits with VMM_EXIT_SANDBOX.
 */

enum sandbox_thread {
	SANDBOX_MAIN,	 /* vCPU 0, the checker, the dumps, the writers */
	SANDBOX_VCPU,	 /* an AP's thread (vCPU id) */
	SANDBOX_WATCHDOG /* the --timeout thread */
};

/* Put the calling thread under kind's allowlist (NO_NEW_PRIVS first): 0 or -errno with err. */
int sandbox_enter_thread(struct vm *vm, enum sandbox_thread kind, unsigned int id, char *err,
			 size_t errlen);
/* After set-up, on the main thread: close /dev/kvm, lower RLIMIT_NOFILE to the open
 * descriptors plus a margin, then enter the main allowlist.  0 or -errno with err. */
int sandbox_enter_main(struct vm *vm, char *err, size_t errlen);

/* ---- guest ---- */

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

struct guest_reply {
	uint32_t status; /* enum mbox_status */
	uint32_t results[MBOX_RESULTS];
	uint32_t text_len;
	char text[MBOX_TEXT + 1]; /* NUL-terminated copy of the guest's text */
};

/* Send cmd with its arguments and run the guest until it answers: 0 with
 * *reply, or -ECANCELED when the VM stopped first (*ev says why). */
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
/* vfree with the guest CPUs in cpus (bit n: CPU n) holding the area's translations, then
 * probing it, all in guest mode (CMD_VFREE_HOT): reply->results[3] locates the evidence. */
int guest_vfree_hot(struct vm *vm, uint32_t addr, uint32_t cpus, struct guest_reply *reply,
		    struct vm_event *ev);

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

#endif /* VMM_CORE_CORE_H */
