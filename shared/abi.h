/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host/guest interface: I/O ports and the mailbox.
 *
 * Protocol.  At boot the guest fills in mailbox.magic/version and writes
 * the mailbox's *physical* address to PORT_HELLO.  A VMM answers by
 * setting mailbox.host_version; a guest that finds it still zero (booted
 * by QEMU or GRUB) knows no VMM is listening and runs on its own.
 *
 * The guest then serves commands: it rings PORT_DOORBELL with DB_READY,
 * the host (stopped on that port write) reads the result of the previous
 * command, writes the next command, and resumes the vCPU.  Everything the
 * guest hands over is by value: the host never follows a guest pointer
 * found in the mailbox.  The host validates every field it reads.
 */
#ifndef SHARED_ABI_H
#define SHARED_ABI_H

#define VMM_ABI_VERSION 3u
#define MAILBOX_MAGIC	0x584f424du /* "MBOX" */

/* I/O ports. */
#define PORT_CONSOLE  0xe9 /* outb: one byte to the debug console */
#define PORT_EXIT     0xf4 /* outl: guest exit status (0..63) */
#define PORT_HELLO    0xf5 /* outl: physical address of struct mailbox */
#define PORT_DOORBELL 0xf6 /* outl: DB_* */

#define GUEST_EXIT_MAX 63u /* larger exit values are a protocol error */

/* CPUs at most: the vCPUs a VMM may start, the guest's NR_CPUS (an AP
 * numbered beyond it would have nowhere to go but a silent halt). */
#define MAX_CPUS 8

/* Doorbell values, usable from assembly too. */
#define DB_READY 1 /* last command done (status/result valid); next please */
#define DB_OOPS	 2 /* fatal exception: mailbox.exc and mailbox.text hold the report */
#define DB_PANIC 3 /* panic(): mailbox.text holds the message */

/* Mailbox field offsets, for assembly; checked against the struct below. */
#define MBOX_OFF_MAGIC	      0
#define MBOX_OFF_VERSION      4
#define MBOX_OFF_HOST_VERSION 8
#define MBOX_OFF_EXC	      80
#define EXC_OFF_VALID	      0
#define EXC_OFF_VECTOR	      4
#define EXC_OFF_ERROR_CODE    8
#define EXC_OFF_EIP	      12
#define EXC_OFF_CS	      16
#define EXC_OFF_EFLAGS	      20
#define EXC_OFF_CR2	      24
#define EXC_OFF_CR3	      28
#define MBOX_OFF_TEXT_LEN     112
#define MBOX_OFF_TEXT	      116

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

/* Commands; arguments and results are listed per command. */
enum mbox_cmd {
	CMD_NONE = 0,
	CMD_EXIT = 1,	     /* arg0: exit status; the guest leaves through PORT_EXIT */
	CMD_SELFTEST = 2,    /* arg0: index (0..n-1) -> result0: n, text: name, then why it failed;
			     status ST_OK = passed, ST_FAIL = failed, ST_EINVAL = no such index */
	CMD_VMALLOC = 3,     /* arg0: size -> result0: address (0 = NULL) */
	CMD_VMALLOC_DMA = 4, /* arg0: size -> result0: address */
	CMD_VMALLOC_32 = 5,  /* arg0: size -> result0: address */
	CMD_VMAP = 6,	     /* arg0: count, arg1: zone, arg2: prot low, arg3: prot high
			 -> result0: address, result1..7: pfns of the first 7 pages */
	CMD_VFREE = 7,	     /* arg0: address */
	CMD_PROBE = 8,	     /* arg0: address, arg1: PROBE_READ/PROBE_WRITE, arg2: value,
				arg3: the CPU that probes (0: the boot CPU)
			  -> result0: 1 if faulted; result1: value or vector;
			     result2: error code; result3: CR2 */
	CMD_FILL = 9,	     /* arg0: address, arg1: bytes, arg2: seed */
	CMD_CHECK = 10,	 /* arg0: address, arg1: bytes, arg2: seed -> result0: bad offset+1 or 0 */
	CMD_NEW_MM = 11, /* -> result0: mm id */
	CMD_SWITCH_MM = 12, /* arg0: mm id (0 = init_mm) */
	CMD_TOUCH = 13,	    /* arg0: address -> like PROBE read, in the current mm;
			   result4: vmalloc faults it took */
	CMD_COUNTERS = 14,  /* arg0 0: vmalloc_counters in result0..7; arg0 1: tlb_counters in
			      result0..4, result5: vmalloc faults, result6: caught exceptions */
	CMD_FAULT_INJECT =
		15,	    /* arg0: FI_ALLOC_PAGE/FI_KMALLOC, arg1: fail the Nth call (0 = off) */
	CMD_PROBE_SEQ = 16, /* arg0: enum probe_seq, arg1..: parameters -> results */
	CMD_GET_VM_AREA = 17, /* arg0: size, arg1: flags -> result0: address */
	CMD_FREE_PAGES = 18,  /* -> result0..2: free pages per zone (DMA, NORMAL, HIGHMEM),
				3: kmalloc objects in use, 4..6: managed pages per zone,
				7: pages held by kmalloc */
	CMD_VMAP_PUT = 19,    /* arg0: address CMD_VMAP returned: drop the command's own reference
			      on each page (after CMD_VFREE: frees them) -> result0: pages freed */
	CMD_PURGE = 20,	      /* vmalloc=modern: purge the lazily freed areas (one flush if any)
				-> result0: areas purged, result1: pages; 2.4 mode: nothing to do */
	CMD_VM_UNMAP_ALIASES = 21, /* vm_unmap_aliases(): purge, and flush even if nothing was
				      pending -> result0: areas purged, result1: flushes */
	CMD_VFREE_HOT = 22,	 /* arg0: address, arg1: CPUs that join (bit n: CPU n; the boot CPU
			      always does) -> result0..2: as CMD_VFREE, result3: kernel address of
			      the struct hot_evidence, result4: pages probed per CPU, result5:
			      the CPUs that probed (result3..5 0: not a mapped VM_ALLOC area,
			      freed as CMD_VFREE would).  Sequence below. */
	CMD_BENCH_SCENARIO = 23, /* arg0: enum bench_scenario, arg1: loops (or N), arg2: repeat
				    (0: 1), arg3: seed -> result0: passed, result1: failed,
				    result2/3: cycles of the whole test, low/high word,
				    result4/5: cycles of the loops only, low/high word,
				    result6: nodes visited, result7: TLB flushes (below) */
	CMD_STRESS = 24,	 /* one round of the stress run, below: arg0: operations each CPU
				    runs (0: the last round: each CPU frees all it holds), arg1: CPUs
				    that take part (bit n: CPU n; CPU 0 always), arg2: seed, arg3:
				    STRESS_* flags -> result0: operations of the round, all CPUs;
				    result1/2: cycles of the round on CPU 0, low/high word; result3:
				    kernel address of struct stress_state; result4: lock-order
				    inversions seen since boot; result5: areas held after the round */
	CMD_MAX
};

/*
 * CMD_STRESS (guest/commands/stress.c).  Every CPU in arg1 runs its own
 * seeded stream of arg0 operations at the same time as the others:
 * vmalloc, vmalloc_dma, vmalloc_32, vmap, vfree of one of its own areas,
 * and probes.  A round ends when every CPU has finished its operations, so
 * the command's return is a quiescent point (no operation half done) at
 * which the host runs its rules on the whole state.  STRESS_BEGIN starts a
 * run: each CPU's stream is seeded from (arg2, CPU number), and the same
 * seed gives every CPU the same stream of choices; later rounds go on with
 * the streams.  The interleaving of the CPUs is whatever the hardware does.
 */
#define STRESS_BEGIN 1u /* arg3: reset the counts and seed the streams */

enum stress_op {
	STRESS_VMALLOC = 0,
	STRESS_VMALLOC_DMA = 1,
	STRESS_VMALLOC_32 = 2,
	STRESS_VMAP = 3,
	STRESS_VFREE = 4,
	STRESS_PROBE = 5,
	STRESS_OP_NR
};

/*
 * Lock classes (guest/include/spinlock.h): every lock of the guest belongs
 * to one, and the lock-order validator records, for each acquisition, the
 * pair (class held, class taken).  The host names them from this list.
 */
enum lock_class {
	LOCK_CLASS_NONE = 0,
	LOCK_CLASS_VMLIST = 1,	   /* vmlist_lock (rwlock) */
	LOCK_CLASS_PAGE_TABLE = 2, /* init_mm.page_table_lock and every mm's */
	LOCK_CLASS_ZONE = 3,	   /* zone->lock, every zone */
	LOCK_CLASS_KMALLOC = 4,	   /* a kmalloc cache's lock */
	LOCK_CLASS_MM_POOL = 5,	   /* fork.c's pool of mm_structs */
	LOCK_CLASS_LOGBUF = 6,	   /* printk's logbuf_lock */
	LOCK_CLASS_CALL = 7,	   /* smp_call_function's call_lock */
	LOCK_CLASS_NR
};
#define LOCK_CLASS_NAMES                                                                           \
	{                                                                                          \
		"(none)", "vmlist_lock", "page_table_lock", "zone->lock", "kmalloc cache lock",    \
			"mm_pool_lock", "logbuf_lock", "call_lock"                                 \
	}

struct stress_cpu {
	uint32_t ops[STRESS_OP_NR]; /* operations of each kind, since STRESS_BEGIN */
	uint32_t failed;	    /* allocations that returned NULL (no memory or no space) */
	uint32_t live;		    /* areas this CPU holds now */
	uint32_t probe_bad;  /* probes of its own areas that faulted or read back another value */
	uint32_t stale;	     /* reads of a page whose vfree (flush included) had returned, on
				       another CPU, that did not fault: a stale translation (T4) */
	uint32_t stale_va;   /* the first such read: address, */
	uint32_t stale_data; /* and what it returned (the freed frame's tag) */
	uint32_t lock_acquires; /* locks taken on this CPU (every class) */
	uint32_t lock_spins;	/* pause-loop iterations spent waiting for them */
	uint32_t ipis_sent;	/* flush requests this CPU sent to others */
	uint32_t ipis_taken;	/* flush requests it carried out */
	uint32_t vfrees;	/* vfree calls (those whose flush sent the IPIs) */
	uint32_t cycles_lo;	/* rdtsc cycles spent in this CPU's rounds, low/high word */
	uint32_t cycles_hi;
};

struct lock_inversion {
	uint32_t found; /* inversions seen since boot (the first is described) */
	uint32_t held;	/* enum lock_class: CPU `cpu` took `taken` while holding `held`, */
	uint32_t taken;
	uint32_t cpu;
	uint32_t first_cpu; /* after CPU `first_cpu` had taken `held` while holding `taken` */
};

#define STRESS_MAGIC 0x53545253u /* "STRS" */

struct stress_state {
	uint32_t magic;	 /* STRESS_MAGIC once a run has begun */
	uint32_t rounds; /* rounds since STRESS_BEGIN */
	uint32_t cpus;	 /* arg1 of the last round */
	uint32_t seed;
	struct stress_cpu cpu[MAX_CPUS];
	struct lock_inversion inversion; /* the validator's report (kept across runs) */
};

/*
 * CMD_BENCH_SCENARIO arg0 (guest/commands/bench.c): loops run inside the
 * guest, with no VM exit, timed with rdtsc there.  The first five are
 * Linux's lib/test_vmalloc.c cases, our own code with its parameters; the
 * rest measure one thing each.  Every scenario first purges what vmalloc=modern
 * left lazily freed (untimed) and gives back all it took.  result6 counts
 * the get_vm_area nodes visited during the loops (vmap_stats), result7 the
 * TLB flushes of any kind made during them (tlb_counters).
 */
enum bench_scenario {
	BENCH_FIX_SIZE = 0,	  /* arg1 loops: vmalloc 1 page, write it, vfree */
	BENCH_FULL_FIT = 1,	  /* lazy_max_pages() pairs of 1-page areas, one of each pair
				       freed; then arg1 loops of a 1-page vmalloc into those holes */
	BENCH_LONG_BUSY_LIST = 2, /* 15,000 1-page areas busy; arg1 loops: vmalloc 100 pages and
				       1 page, write both, vfree both */
	BENCH_RANDOM_SIZE = 3,	  /* arg1 loops: vmalloc 1..100 pages (arg3 seeds), write, vfree */
	BENCH_ALIGN_SHIFT = 4,	  /* align 1 << i for i = 0..PAGE_SHIFT (what get_vm_area can be
				       asked for): vmalloc 1 page, check its alignment, vfree;
				       arg1 ignored (PAGE_SHIFT + 1 loops) */
	BENCH_VMALLOC_PAIR = 5,	  /* arg1 loops: vmalloc 1 page, vfree it */
	BENCH_KMALLOC_PAIR = 6,	  /* arg1 loops: kmalloc 32 bytes, kfree it (one more object
				     of the class held throughout) */
	BENCH_LOOKUP_AT_N = 7,	  /* arg1 = N (1..BENCH_MAX_AREAS) 1-page areas vmalloc'd, then
				       one get_vm_area of 1 page: result6 its nodes, result4/5 its
				       cycles; then all freed */
	BENCH_VFREE_FLUSHES = 8,  /* arg1 = N 1-page areas vmalloc'd, then the N vfrees: result7
				       the flushes they made, result4/5 their cycles */
	BENCH_NR
};

#define BENCH_BUSY_AREAS 15000u /* long_busy_list_alloc_test's busy areas */
#define BENCH_MAX_AREAS	 16384u /* the most areas BENCH_LOOKUP_AT_N / _VFREE_FLUSHES take */

enum mbox_status {
	ST_OK = 0,
	ST_FAIL = 1,   /* the operation ran and failed (e.g. NULL from vmalloc) */
	ST_EINVAL = 2, /* bad argument; nothing was done */
	ST_UNKNOWN_CMD = 3,
};

/* CMD_FAULT_INJECT arg0: which allocator's Nth call fails. */
#define FI_ALLOC_PAGE 0u /* alloc_pages(): fail_page_alloc_nth */
#define FI_KMALLOC    1u /* kmalloc(): failslab_nth */

enum probe_kind {
	PROBE_READ = 0,
	PROBE_WRITE = 1
};

/* CMD_PROBE_SEQ arg0: a sequence the guest runs with no VM exit inside (guest/mm/vmalloc_cmds.c). */
enum probe_seq {
	/* arg1: pages (1..1024).  vmalloc, write and read every page, vfree, read every page and
	 * the guard -> result0: address, 1: pages that faulted before vfree, 2: TLB flushes of
	 * any kind during vmalloc, 3: full flushes (flush_tlb_all) during vfree, 4: other flushes
	 * during vfree, 5: pages probed after vfree (pages + 1), 6: probes that took a
	 * not-present #PF with CR2 = the address, 7: first address that did not (0: none). */
	SEQ_VFREE_THEN_PROBE = 0,
	/* One vmalloc'd page, written (its translation now cached), its PTE cleared with no
	 * flush -> result0: address, 1: the read then did not fault (stale translation used),
	 * 2: after a CR3 reload it still did not fault (global entry kept), 3: after invlpg it
	 * faulted (must be 1), 4: after restoring the PTE and invlpg it read the value (must be
	 * 1), 5: 1 if the PTE had _PAGE_GLOBAL.  Observations 1 and 2 are reported, not rules. */
	SEQ_STALE_TLB = 1,
	SEQ_MAX
};

/*
 * CMD_VFREE_HOT, one stretch in guest mode per CPU (guest/kernel/smp.c):
 * each joining AP is woken (its exit comes first), writes hot_evidence.tag[i]
 * to va[i] and reads it back, so its TLB holds the translations, then spins
 * polling memory (no HLT, no port write: it stays in guest mode); the boot
 * CPU does the same touches and calls vfree(), whose flush_tlb_all() reaches
 * the spinning APs through their work slots; then each CPU, APs first, reads
 * every va[i] and records what the hardware did.  A read that does not fault
 * used a stale translation: it returns the tag, which names the old frame.
 * va[] is the area's first page, its last page before the guard, the guard
 * (tag 0: never touched), and pages at a stride between, at most
 * HOT_MAX_PAGES in all.
 */
#define HOT_MAX_PAGES	      12
#define HOT_TAG_MAGIC	      0x7a000000u
#define HOT_TAG(pfn)	      (HOT_TAG_MAGIC | ((uint32_t)(pfn)&0x00ffffffu))
#define HOT_FAULTED	      0x80000000u /* hot_probe.outcome: the read faulted */
#define HOT_OUTCOME(vec, err) (HOT_FAULTED | ((uint32_t)(err)&0xffffu) << 8 | ((vec)&0xffu))
#define HOT_VECTOR(o)	      ((o)&0xffu)
#define HOT_ERROR(o)	      (((o) >> 8) & 0xffffu)

struct hot_probe {
	uint32_t outcome; /* HOT_OUTCOME(vector, error code), or 0: the read did not fault */
	uint32_t data;	  /* CR2 when faulted, else the value read */
};

struct hot_evidence {
	uint32_t seq;	    /* bumped by every CMD_VFREE_HOT */
	uint32_t nr_pages;  /* entries of va[]/tag[] in use */
	uint32_t cpus;	    /* CPUs whose probe[] rows are filled */
	uint32_t touch_bad; /* CPUs on which a touch faulted or read back another value */
	uint32_t va[HOT_MAX_PAGES];
	uint32_t tag[HOT_MAX_PAGES]; /* HOT_TAG(frame) written to va[i]; 0 for the guard */
	struct hot_probe probe[MAX_CPUS][HOT_MAX_PAGES]; /* [cpu][i] */
};

#define MBOX_ARGS    6
#define MBOX_RESULTS 8
#define MBOX_TEXT    2048

/* What the guest's exception handler reports before stopping. */
struct guest_exception {
	uint32_t valid;
	uint32_t vector;
	uint32_t error_code;
	uint32_t eip;
	uint32_t cs;
	uint32_t eflags;
	uint32_t cr2;
	uint32_t cr3;
};

struct mailbox {
	uint32_t magic;	       /* MAILBOX_MAGIC, set by the guest */
	uint32_t version;      /* VMM_ABI_VERSION of the guest */
	uint32_t host_version; /* set by the host on PORT_HELLO */
	uint32_t seq;	       /* bumped by the host with every command */
	uint32_t cmd;	       /* enum mbox_cmd */
	uint32_t args[MBOX_ARGS];
	uint32_t status; /* enum mbox_status */
	uint32_t results[MBOX_RESULTS];
	struct guest_exception exc; /* last exception the guest saw */
	uint32_t text_len;	    /* bytes of text[] in use */
	char text[MBOX_TEXT];	    /* message for the host; not NUL-terminated */
};

_Static_assert(sizeof(struct mailbox) == 4 * (5 + MBOX_ARGS + 1 + MBOX_RESULTS + 8 + 1) + MBOX_TEXT,
	       "mailbox layout must not depend on the compiler");

_Static_assert(offsetof(struct mailbox, magic) == MBOX_OFF_MAGIC, "mailbox.magic");
_Static_assert(offsetof(struct mailbox, version) == MBOX_OFF_VERSION, "mailbox.version");
_Static_assert(offsetof(struct mailbox, host_version) == MBOX_OFF_HOST_VERSION, "host_version");
_Static_assert(offsetof(struct mailbox, exc) == MBOX_OFF_EXC, "mailbox.exc");
_Static_assert(offsetof(struct guest_exception, cr2) == EXC_OFF_CR2, "exc.cr2");
_Static_assert(offsetof(struct guest_exception, cr3) == EXC_OFF_CR3, "exc.cr3");
_Static_assert(offsetof(struct mailbox, text_len) == MBOX_OFF_TEXT_LEN, "mailbox.text_len");
_Static_assert(offsetof(struct mailbox, text) == MBOX_OFF_TEXT, "mailbox.text");

#endif /* !__ASSEMBLY__ */

#endif /* SHARED_ABI_H */
