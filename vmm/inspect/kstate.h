/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading the guest kernel's state the way a debugger does: symbols from
 * the guest ELF (vmm/core/symbols.h) locate vmlist, mem_map, zone_table and the
 * counters; their layout comes from shared/kstructs.h; every byte is read
 * through the checked accessor (vmm/core/guestmem.h).  Nothing the guest wrote
 * is trusted: a bad pointer or a looping list is a result that says what
 * and where, never a crash or an endless loop.
 *
 * A guest without symbols still runs; inspect_init() then fails with
 * -ENOENT and a message ("guest has no symbol X: inspection off").
 */
#ifndef VMM_INSPECT_H
#define VMM_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/kstructs.h"
#include "vmm/core/core.h"
#include "vmm/inspect/walk.h"

struct vm;

/* Longest vmlist followed before it is called corrupt. */
#define INSPECT_VMLIST_MAX 100000u

/* The guest-physical addresses of what the host reads, resolved once. */
struct guest_kernel {
	struct vm *vm;
	uint64_t vmlist;     /* struct vm_struct *vmlist */
	uint64_t mem_map;    /* struct page *mem_map */
	uint64_t max_mapnr;  /* unsigned long */
	uint64_t zone_table; /* zone_t[MAX_NR_ZONES] */
	uint64_t tlb_counters;
	uint64_t vmalloc_counters;
	uint64_t vmalloc_faults; /* unsigned long */
	uint64_t vmalloc_start;	 /* unsigned long */
	uint64_t high_memory;	 /* void * */
	uint64_t swapper_pg_dir; /* the kernel page directory (PAE: PDPT first) */
	uint64_t kmalloc_stats;	 /* struct kmalloc_class_stat[] */
	unsigned int kmalloc_nr_classes;
};

/*
 * Resolve the symbols in syms (not kept) for the VM.  0, or -ENOENT with
 * err = "guest has no symbol X: inspection off" (also for an empty table),
 * or -EINVAL when a symbol lies outside the direct map or RAM.
 */
int inspect_init(struct guest_kernel *gk, struct vm *vm, const struct sym_table *syms, char *err,
		 size_t errlen);

/* One area of vmlist, as read. */
struct vm_area {
	uint32_t node; /* guest virtual address of the vm_struct */
	uint32_t flags;
	uint32_t addr;
	uint32_t size; /* guard page included */
};

enum vmlist_defect {
	VMLIST_OK = 0,
	VMLIST_CYCLE,	       /* a node visited twice */
	VMLIST_NOT_DIRECT_MAP, /* a pointer outside the lowmem direct map */
	VMLIST_MISALIGNED,     /* a pointer that is not 4-byte aligned */
	VMLIST_OUTSIDE_RAM,    /* a node (or the list head) not wholly inside guest RAM */
	VMLIST_TOO_LONG,       /* more than INSPECT_VMLIST_MAX nodes */
};

struct vmlist_info {
	unsigned int nr; /* nodes read (all of them, even beyond max) */
	enum vmlist_defect defect;
	uint32_t bad_node; /* the pointer at fault (VMLIST_OK: 0) */
	uint32_t bad_from; /* the node whose next held it (0: the vmlist head) */
	char msg[200];	   /* "corrupt vmlist: ..." when defect != VMLIST_OK */
};

/*
 * Follow vmlist, storing the first max areas in areas[] (may be NULL with
 * max 0).  Returns 0 when the list is sound (info->defect VMLIST_OK),
 * -EBADMSG when it is corrupt (info->msg names the node, the node it came
 * from and the defect; areas[] holds the nodes before it), or -ENOMEM.
 */
int inspect_read_vmlist(const struct guest_kernel *gk, struct vm_area *areas, unsigned int max,
			struct vmlist_info *info);

/* mem_map[pfn], the fields the checker uses. */
struct guest_page {
	uint32_t flags; /* PG_* bits */
	int32_t count;
	uint32_t zone;
	uint32_t order;
};

/* 0, or -ERANGE for pfn >= max_mapnr, -EFAULT when mem_map is unreadable. */
int inspect_read_page(const struct guest_kernel *gk, uint64_t pfn, struct guest_page *page);
/* max_mapnr: frames covered by mem_map; 0 when unreadable. */
uint64_t inspect_max_mapnr(const struct guest_kernel *gk);

struct guest_zone {
	uint32_t start_pfn, size, present, managed, free;
	uint32_t nr_free[MAX_ORDER];
};

int inspect_read_zones(const struct guest_kernel *gk, struct guest_zone zones[MAX_NR_ZONES]);

/* Every counter the checker compares between operations. */
struct guest_counters {
	uint32_t tlb[TLB_CNT_NR];	  /* TLB_CNT_* */
	uint32_t vmalloc[VMALLOC_CNT_NR]; /* VMALLOC_CNT_* */
	uint32_t vmalloc_faults;
	uint32_t kmalloc_in_use; /* objects, all classes */
	uint32_t kmalloc_pages;	 /* pages kmalloc holds, all classes */
	uint32_t free_pages;	 /* all zones */
};

int inspect_read_counters(const struct guest_kernel *gk, struct guest_counters *c);

/* VMALLOC_START (the guest's vmalloc_start) and the end of lowmem (__pa(high_memory)). */
int inspect_vmalloc_start(const struct guest_kernel *gk, uint32_t *start);
int inspect_lowmem_end(const struct guest_kernel *gk, uint64_t *end);

/* Read a 32-bit word at a kernel (direct-map) virtual address. */
int inspect_read_kva32(const struct guest_kernel *gk, uint64_t kva, uint32_t *val);

/*
 * A walker context for vCPU 0 as it is now (KVM_GET_SREGS: CR3, CR4.PAE,
 * CR4.PSE, EFER.NXE; RAM size).  0 or -errno.  Needs no symbols.
 */
int inspect_walk_ctx(struct vm *vm, struct walk_ctx *ctx);
/* CR4 of vCPU 0 (for CR4.PGE), or -errno. */
int inspect_cr4(struct vm *vm, uint64_t *cr4);

/*
 * KVM's own translation of va on vCPU 0 (KVM_TRANSLATE): 0 with *valid and
 * *pa filled, or -errno when the ioctl failed.
 */
int inspect_translate(struct vm *vm, uint64_t va, bool *valid, uint64_t *pa);

const char *vmlist_defect_str(enum vmlist_defect d);

#endif /* VMM_INSPECT_H */
