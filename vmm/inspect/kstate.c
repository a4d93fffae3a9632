// SPDX-License-Identifier: GPL-2.0
/*
 * Guest kernel state through its symbols and the checked accessor
 * (inspect.h).  Layouts come from shared/kstructs.h only.
 */
#include "vmm/inspect/inspect.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/layout.h"
#include "shared/mmu.h"
#include "vmm/core/core.h"

struct sym_need {
	const char *name;
	size_t field;	   /* offsetof(struct guest_kernel, ...) */
	uint64_t min_size; /* bytes the object must have (0: any) */
};

static const struct sym_need needs[] = {
	{ "vmlist", offsetof(struct guest_kernel, vmlist), 4 },
	{ "mem_map", offsetof(struct guest_kernel, mem_map), 4 },
	{ "max_mapnr", offsetof(struct guest_kernel, max_mapnr), 4 },
	{ "zone_table", offsetof(struct guest_kernel, zone_table), MAX_NR_ZONES *ZONE_STRUCT_SIZE },
	{ "tlb_counters", offsetof(struct guest_kernel, tlb_counters), TLB_CNT_NR * 4 },
	{ "vmalloc_counters", offsetof(struct guest_kernel, vmalloc_counters), VMALLOC_CNT_NR * 4 },
	{ "vmalloc_faults", offsetof(struct guest_kernel, vmalloc_faults), 4 },
	{ "vmalloc_start", offsetof(struct guest_kernel, vmalloc_start), 4 },
	{ "high_memory", offsetof(struct guest_kernel, high_memory), 4 },
	{ "swapper_pg_dir", offsetof(struct guest_kernel, swapper_pg_dir), PAGE_SIZE },
	{ "kmalloc_stats", offsetof(struct guest_kernel, kmalloc_stats), KMALLOC_STAT_SIZE },
};

int inspect_init(struct guest_kernel *gk, struct vm *vm, const struct sym_table *syms, char *err,
		 size_t errlen)
{
	uint64_t addr, size, pa;
	size_t i;

	memset(gk, 0, sizeof(*gk));
	gk->vm = vm;
	for (i = 0; i < ARRAY_SIZE(needs); i++) {
		if (!syms || sym_lookup(syms, needs[i].name, &addr, &size) != 0) {
			snprintf(err, errlen, "guest has no symbol %s: inspection off",
				 needs[i].name);
			return -ENOENT;
		}
		if (size && size < needs[i].min_size) {
			snprintf(err, errlen,
				 "guest symbol %s is %" PRIu64 " bytes, expected at least %" PRIu64
				 ": not the kernel the host knows; inspection off",
				 needs[i].name, size, needs[i].min_size);
			return -EINVAL;
		}
		/* kmalloc_stats is read whole (one entry per class): all of it in RAM. */
		if (sym_virt_to_phys(addr, &pa) != 0 ||
		    !gmem_ptr(&vm->mem, pa, needs[i].min_size ? needs[i].min_size : 4) ||
		    (!strcmp(needs[i].name, "kmalloc_stats") && size > needs[i].min_size &&
		     !gmem_ptr(&vm->mem, pa, size))) {
			snprintf(err, errlen,
				 "guest symbol %s at 0x%08" PRIx64
				 " is outside the direct map or RAM; inspection off",
				 needs[i].name, addr);
			return -EINVAL;
		}
		*(uint64_t *)((char *)gk + needs[i].field) = pa;
		if (!strcmp(needs[i].name, "kmalloc_stats"))
			gk->kmalloc_nr_classes =
				size ? (unsigned int)(size / KMALLOC_STAT_SIZE) : 1;
	}
	return 0;
}

int inspect_read_kva32(const struct guest_kernel *gk, uint64_t kva, uint32_t *val, char *err,
		       size_t errlen)
{
	uint64_t pa;

	if (sym_virt_to_phys(kva, &pa) != 0)
		return vmm_errf(err, errlen, -EINVAL, "0x%08" PRIx64 ": not in the direct map",
				kva);
	if (gmem_read32(&gk->vm->mem, pa, val))
		return vmm_errf(err, errlen, -EFAULT,
				"0x%08" PRIx64 " (guest-physical 0x%" PRIx64 "): outside guest RAM",
				kva, pa);
	return 0;
}

/* ---- vmlist ---- */

/* Open-addressing set of node addresses, for "visited twice". */
struct node_set {
	uint32_t *slots; /* 0: empty (0 is never a node: NULL ends the list) */
	size_t cap;	 /* power of two */
	size_t nr;
};

static size_t node_hash(uint32_t v, size_t cap)
{
	return (size_t)((v * 0x9e3779b1u) >> 4) & (cap - 1);
}

static int node_set_grow(struct node_set *s)
{
	size_t cap = s->cap ? s->cap * 2 : 256, i, j;
	uint32_t *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < s->cap; i++) {
		if (!s->slots[i])
			continue;
		for (j = node_hash(s->slots[i], cap); slots[j]; j = (j + 1) & (cap - 1))
			;
		slots[j] = s->slots[i];
	}
	free(s->slots);
	s->slots = slots;
	s->cap = cap;
	return 0;
}

/* 1 if v was there already, 0 if added, -ENOMEM. */
static int node_set_add(struct node_set *s, uint32_t v)
{
	size_t j;

	if (2 * (s->nr + 1) > s->cap && node_set_grow(s))
		return -ENOMEM;
	for (j = node_hash(v, s->cap); s->slots[j]; j = (j + 1) & (s->cap - 1))
		if (s->slots[j] == v)
			return 1;
	s->slots[j] = v;
	s->nr++;
	return 0;
}

const char *vmlist_defect_str(enum vmlist_defect d)
{
	switch (d) {
	case VMLIST_OK:
		return "sound";
	case VMLIST_CYCLE:
		return "node visited twice (a cycle)";
	case VMLIST_NOT_DIRECT_MAP:
		return "pointer outside the lowmem direct map";
	case VMLIST_MISALIGNED:
		return "pointer not 4-byte aligned";
	case VMLIST_OUTSIDE_RAM:
		return "node not inside guest RAM";
	case VMLIST_TOO_LONG:
		return "more nodes than the limit (a cycle?)";
	}
	return "?";
}

static int vmlist_corrupt(struct vmlist_info *info, enum vmlist_defect d, uint32_t node,
			  uint32_t from)
{
	info->defect = d;
	info->bad_node = node;
	info->bad_from = from;
	if (from)
		snprintf(info->msg, sizeof(info->msg),
			 "corrupt vmlist: node 0x%08x (next of node 0x%08x, #%u): %s", node, from,
			 info->nr, vmlist_defect_str(d));
	else
		snprintf(info->msg, sizeof(info->msg), "corrupt vmlist: head 0x%08x: %s", node,
			 vmlist_defect_str(d));
	return -EBADMSG;
}

int inspect_read_vmlist(const struct guest_kernel *gk, struct vm_area *areas, unsigned int max,
			struct vmlist_info *info)
{
	struct node_set seen = { 0 };
	uint32_t node, prev = 0, word[VM_STRUCT_SIZE / 4];
	uint64_t lowmem_end, pa;
	int ret = 0;

	memset(info, 0, sizeof(*info));
	if (gmem_read32(&gk->vm->mem, gk->vmlist, &node)) {
		/* Not a node: the variable itself, so say which. */
		vmlist_corrupt(info, VMLIST_OUTSIDE_RAM, 0, 0);
		snprintf(info->msg, sizeof(info->msg),
			 "vmlist: the variable at guest-physical 0x%llx is not inside guest RAM",
			 (unsigned long long)gk->vmlist);
		return -EBADMSG;
	}
	if (inspect_lowmem_end(gk, &lowmem_end, NULL, 0))
		lowmem_end = MAXMEM;
	for (; node; prev = node, node = word[VM_STRUCT_OFF_NEXT / 4]) {
		if (info->nr >= INSPECT_VMLIST_MAX) {
			ret = vmlist_corrupt(info, VMLIST_TOO_LONG, node, prev);
			break;
		}
		if (node & 3) {
			ret = vmlist_corrupt(info, VMLIST_MISALIGNED, node, prev);
			break;
		}
		if (node < PAGE_OFFSET ||
		    (uint64_t)node - PAGE_OFFSET + VM_STRUCT_SIZE > lowmem_end ||
		    sym_virt_to_phys(node, &pa)) {
			ret = vmlist_corrupt(info, VMLIST_NOT_DIRECT_MAP, node, prev);
			break;
		}
		if (gmem_read(&gk->vm->mem, pa, word, sizeof(word))) {
			ret = vmlist_corrupt(info, VMLIST_OUTSIDE_RAM, node, prev);
			break;
		}
		switch (node_set_add(&seen, node)) {
		case 0:
			break;
		case 1:
			ret = vmlist_corrupt(info, VMLIST_CYCLE, node, prev);
			goto out;
		default:
			ret = -ENOMEM;
			goto out;
		}
		if (info->nr < max) {
			areas[info->nr].node = node;
			areas[info->nr].flags = word[VM_STRUCT_OFF_FLAGS / 4];
			areas[info->nr].addr = word[VM_STRUCT_OFF_ADDR / 4];
			areas[info->nr].size = word[VM_STRUCT_OFF_SIZE / 4];
			areas[info->nr].caller = word[VM_STRUCT_OFF_CALLER / 4];
		}
		info->nr++;
	}
out:
	free(seen.slots);
	return ret;
}

/* ---- mem_map, zones, counters ---- */

int inspect_max_mapnr(const struct guest_kernel *gk, uint64_t *nr, char *err, size_t errlen)
{
	uint32_t v;

	*nr = 0;
	if (gmem_read32(&gk->vm->mem, gk->max_mapnr, &v))
		return vmm_errf(err, errlen, -EFAULT,
				"max_mapnr (at guest-physical 0x%" PRIx64 "): outside guest RAM",
				gk->max_mapnr);
	*nr = v;
	return 0;
}

int inspect_read_page(const struct guest_kernel *gk, uint64_t pfn, struct guest_page *page,
		      char *err, size_t errlen)
{
	uint32_t mem_map, w[4];
	uint64_t pa, nr;

	if (inspect_max_mapnr(gk, &nr, NULL, 0) || pfn >= nr)
		return vmm_errf(err, errlen, -ERANGE,
				"pfn 0x%" PRIx64 ": past max_mapnr (0x%" PRIx64 ")", pfn, nr);
	if (gmem_read32(&gk->vm->mem, gk->mem_map, &mem_map) ||
	    sym_virt_to_phys(mem_map + pfn * PAGE_STRUCT_SIZE, &pa) ||
	    gmem_read(&gk->vm->mem, pa, w, sizeof(w)))
		return vmm_errf(err, errlen, -EFAULT,
				"mem_map[0x%" PRIx64 "]: mem_map or its entry outside guest RAM",
				pfn);
	page->flags = w[PAGE_STRUCT_OFF_FLAGS / 4];
	page->count = (int32_t)w[PAGE_STRUCT_OFF_COUNT / 4];
	page->zone = w[PAGE_STRUCT_OFF_ZONE / 4];
	page->order = w[PAGE_STRUCT_OFF_ORDER / 4];
	return 0;
}

int inspect_read_zones(const struct guest_kernel *gk, struct guest_zone zones[MAX_NR_ZONES],
		       char *err, size_t errlen)
{
	uint32_t w[ZONE_STRUCT_SIZE / 4];
	unsigned int z, k;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		uint64_t at = gk->zone_table + z * ZONE_STRUCT_SIZE;

		if (gmem_read(&gk->vm->mem, at, w, sizeof(w)))
			return vmm_errf(err, errlen, -EFAULT,
					"zone_table[%u] (%u bytes at guest-physical 0x%" PRIx64
					"): not inside guest RAM",
					z, ZONE_STRUCT_SIZE, at);
		zones[z].start_pfn = w[ZONE_OFF_START_PFN / 4];
		zones[z].size = w[ZONE_OFF_SIZE / 4];
		zones[z].present = w[ZONE_OFF_PRESENT / 4];
		zones[z].managed = w[ZONE_OFF_MANAGED / 4];
		zones[z].free = w[ZONE_OFF_FREE / 4];
		for (k = 0; k < MAX_ORDER; k++)
			zones[z].nr_free[k] = w[(ZONE_OFF_FREE_AREA + k * FREE_AREA_SIZE +
						 FREE_AREA_OFF_NR_FREE) /
						4];
	}
	return 0;
}

/* The counter var of len bytes at gpa is not in RAM. */
static int counter_err(char *err, size_t errlen, const char *var, uint64_t gpa, size_t len)
{
	return vmm_errf(err, errlen, -EFAULT,
			"%s (%zu bytes at guest-physical 0x%" PRIx64 "): not inside guest RAM", var,
			len, gpa);
}

int inspect_read_counters(const struct guest_kernel *gk, struct guest_counters *c, char *err,
			  size_t errlen)
{
	struct guest_zone zones[MAX_NR_ZONES];
	const struct guest_mem *gm = &gk->vm->mem;
	uint32_t w[KMALLOC_STAT_SIZE / 4];
	unsigned int i;
	int ret;

	memset(c, 0, sizeof(*c));
	if (gmem_read(gm, gk->tlb_counters, c->tlb, sizeof(c->tlb)))
		return counter_err(err, errlen, "tlb_counters", gk->tlb_counters, sizeof(c->tlb));
	if (gmem_read(gm, gk->vmalloc_counters, c->vmalloc, sizeof(c->vmalloc)))
		return counter_err(err, errlen, "vmalloc_counters", gk->vmalloc_counters,
				   sizeof(c->vmalloc));
	if (gmem_read32(gm, gk->vmalloc_faults, &c->vmalloc_faults))
		return counter_err(err, errlen, "vmalloc_faults", gk->vmalloc_faults, 4);
	ret = inspect_read_zones(gk, zones, err, errlen);
	if (ret)
		return ret;
	for (i = 0; i < MAX_NR_ZONES; i++)
		c->free_pages += zones[i].free;
	for (i = 0; i < gk->kmalloc_nr_classes; i++) {
		uint64_t at = gk->kmalloc_stats + i * KMALLOC_STAT_SIZE;

		if (gmem_read(gm, at, w, sizeof(w)))
			return vmm_errf(err, errlen, -EFAULT,
					"kmalloc_stats[%u] (%u bytes at guest-physical 0x%" PRIx64
					"): not inside guest RAM",
					i, KMALLOC_STAT_SIZE, at);
		c->kmalloc_in_use += w[KMALLOC_STAT_OFF_IN_USE / 4];
		c->kmalloc_pages += w[KMALLOC_STAT_OFF_PAGES / 4];
	}
	return 0;
}

int inspect_vmalloc_start(const struct guest_kernel *gk, uint32_t *start, char *err, size_t errlen)
{
	if (gmem_read32(&gk->vm->mem, gk->vmalloc_start, start))
		return vmm_errf(err, errlen, -EFAULT,
				"vmalloc_start (at guest-physical 0x%" PRIx64
				"): outside guest RAM",
				gk->vmalloc_start);
	return 0;
}

int inspect_lowmem_end(const struct guest_kernel *gk, uint64_t *end, char *err, size_t errlen)
{
	uint32_t hm;

	if (gmem_read32(&gk->vm->mem, gk->high_memory, &hm))
		return vmm_errf(err, errlen, -EFAULT,
				"high_memory (at guest-physical 0x%" PRIx64 "): outside guest RAM",
				gk->high_memory);
	if (hm < PAGE_OFFSET || hm - PAGE_OFFSET > MAXMEM)
		return vmm_errf(err, errlen, -EINVAL,
				"high_memory holds 0x%08x: not in the direct map [0x%08x, 0x%08x]",
				hm, PAGE_OFFSET, PAGE_OFFSET + MAXMEM);
	*end = hm - PAGE_OFFSET;
	return 0;
}

/* ---- vCPU state ---- */

int inspect_cr4(struct vm *vm, uint64_t *cr4, char *err, size_t errlen)
{
	struct kvm_sregs sregs;

	int ret = vcpu_get_sregs(&vm->vcpus[0], &sregs);

	if (ret)
		return vmm_errf(err, errlen, ret, "KVM_GET_SREGS (vCPU 0, for CR4): %s",
				strerror(-ret));
	*cr4 = sregs.cr4;
	return 0;
}

int inspect_walk_ctx(struct vm *vm, struct walk_ctx *ctx, char *err, size_t errlen)
{
	struct kvm_sregs sregs;
	int ret = vcpu_get_sregs(&vm->vcpus[0], &sregs);

	if (ret)
		return vmm_errf(err, errlen, ret, "KVM_GET_SREGS (vCPU 0): %s", strerror(-ret));
	memset(ctx, 0, sizeof(*ctx));
	ctx->read = walk_read_gmem;
	ctx->read_ctx = &vm->mem;
	ctx->mode = (sregs.cr4 & X86_CR4_PAE) ? WALK_PAE : WALK_2LEVEL;
	ctx->cr3 = sregs.cr3;
	ctx->pse = (sregs.cr4 & X86_CR4_PSE) != 0;
	ctx->nxe = (sregs.efer & EFER_NXE) != 0;
	ctx->maxphyaddr = vm->maxphyaddr;
	ctx->ram_size = vm->mem.size;
	return 0;
}

int inspect_translate(struct vm *vm, uint64_t va, bool *valid, uint64_t *pa, char *err,
		      size_t errlen)
{
	int ret = vcpu_translate(&vm->vcpus[0], va, valid, pa);

	if (ret)
		return vmm_errf(err, errlen, ret, "KVM_TRANSLATE of 0x%08" PRIx64 " (vCPU 0): %s",
				va, strerror(-ret));
	return 0;
}

int inspect_ipis_sent(struct vm *vm, const struct sym_table *syms, uint64_t *sum, char *err,
		      size_t errlen)
{
	uint64_t kva = 0, size = 0;
	unsigned int cpu;
	uint32_t v;

	*sum = 0;
	if (sym_lookup(syms, "smp_ipis_sent", &kva, &size) || kva < PAGE_OFFSET ||
	    size < 4ull * vm->nr_vcpus)
		return vmm_errf(err, errlen, -ENOENT,
				"the guest has no smp_ipis_sent[] of %u entries (symbol table)",
				vm->nr_vcpus);
	for (cpu = 0; cpu < vm->nr_vcpus; cpu++) {
		if (gmem_read32(&vm->mem, kva - PAGE_OFFSET + 4ull * cpu, &v))
			return vmm_errf(err, errlen, -EFAULT,
					"smp_ipis_sent[%u] (at guest-physical 0x%" PRIx64
					"): outside guest RAM",
					cpu, (uint64_t)(kva - PAGE_OFFSET + 4ull * cpu));
		*sum += v;
	}
	return 0;
}
