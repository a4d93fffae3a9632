/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest without KVM for the kstate and checker harnesses, built the way
 * tests/unit/test_kstate.c builds one: a struct vm whose RAM is a heap block
 * of FAKE_RAM bytes (ASan reports any byte read past it), and a symbol table
 * as sym_load_*() leaves it, with every symbol the inspection and the
 * checker need at fixed places of low RAM:
 *   FAKE_VARS_PA      vmlist, mem_map, max_mapnr, high_memory, vmalloc_start,
 *                     vmalloc_faults, tlb_counters, vmalloc_counters,
 *                     kmalloc_stats, zone_table (offsets FAKE_OFF_*)
 *   FAKE_SWAPPER_PA   swapper_pg_dir (one page; under PAE the PDPT first)
 * The fuzz input fills RAM from FAKE_INPUT_PA on; all else is zero.
 */
#ifndef TESTS_FUZZ_FAKEGUEST_H
#define TESTS_FUZZ_FAKEGUEST_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/core/core.h"

#define FAKE_RAM	(1u << 20)
#define FAKE_INPUT_PA	0x1000u
#define FAKE_VARS_PA	0x1000u
#define FAKE_SWAPPER_PA 0x2000u

#define FAKE_OFF_VMLIST		  0x00u
#define FAKE_OFF_MEM_MAP	  0x04u
#define FAKE_OFF_MAX_MAPNR	  0x08u
#define FAKE_OFF_HIGH_MEMORY	  0x0cu
#define FAKE_OFF_VMALLOC_START	  0x10u
#define FAKE_OFF_VMALLOC_FAULTS	  0x14u
#define FAKE_OFF_TLB_COUNTERS	  0x40u
#define FAKE_OFF_VMALLOC_COUNTERS 0x60u
#define FAKE_OFF_KMALLOC_STATS	  0x80u
#define FAKE_OFF_ZONE_TABLE	  0x100u
#define FAKE_KMALLOC_CLASSES	  3

struct fake_guest {
	struct vm *vm;
	struct sym_table syms;
};

/* Allocate the VM (one vCPU, no fds) and the symbol table, once; aborts
 * when out of memory. */
void fake_guest_init(struct fake_guest *g);

/* Zero RAM and copy data (len bytes at most up to the end of RAM) to
 * FAKE_INPUT_PA. */
void fake_guest_fill(struct fake_guest *g, const uint8_t *data, size_t len);

#endif /* TESTS_FUZZ_FAKEGUEST_H */
