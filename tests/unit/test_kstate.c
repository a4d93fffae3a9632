// SPDX-License-Identifier: GPL-2.0
/*
 * The host's reader of guest kernel state (vmm/inspect/kstate.c) without KVM: a
 * struct vm built by hand whose RAM is a host mapping with an inaccessible
 * page on either side (a read outside RAM kills the test instead of passing
 * unseen), a symbol table as sym_load_*() leaves it, and the guest's
 * structures planted with the offsets of shared/kstructs.h.  vmlist is read
 * sound and with each defect kstate.c detects; every failure prints what
 * was expected and what came back.
 */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "shared/kstructs.h"
#include "shared/layout.h"
#include "shared/mmu.h"
#include "vmm/core/core.h"
#include "vmm/inspect/inspect.h"

#define RAM	      (16u << 20) /* GUEST_RAM_MIN: all lowmem, all ZONE_DMA */
#define HIGH_MEMORY   (PAGE_OFFSET + RAM)
#define VSTART	      VMALLOC_START_FOR(HIGH_MEMORY) /* 0xc1800000 */
#define MAX_MAPNR     (RAM >> PAGE_SHIFT)
#define KMALLOC_CLASS 3 /* entries of kmalloc_stats[] */

/* The kernel's variables, where a linker might put them in .data and .bss. */
#define VMLIST_VA	    0xc0200000u
#define MEM_MAP_VA	    0xc0200004u
#define MAX_MAPNR_VA	    0xc0200008u
#define HIGH_MEMORY_VA	    0xc020000cu
#define VMALLOC_START_VA    0xc0200010u
#define VMALLOC_FAULTS_VA   0xc0200014u
#define TLB_COUNTERS_VA	    0xc0200040u
#define VMALLOC_COUNTERS_VA 0xc0200060u
#define KMALLOC_STATS_VA    0xc0200080u
#define ZONE_TABLE_VA	    0xc0200200u
#define SWAPPER_PG_DIR_VA   0xc0201000u

/* What they point at (direct-map addresses). */
#define NODES_VA	 0xc0300000u /* vm_structs of the short lists, as kmalloc() spreads them */
#define MEM_MAP_ARRAY_VA 0xc0400000u /* struct page mem_map[MAX_MAPNR] */
#define LONG_LIST_VA	 0xc0800000u /* INSPECT_VMLIST_MAX + 1 vm_structs, packed */

#define NODE(i) (NODES_VA + 0x40u * (i))

static const struct sym kernel_syms[] = {
	{ .name = "vmlist", .value = VMLIST_VA, .size = 4 },
	{ .name = "mem_map", .value = MEM_MAP_VA, .size = 4 },
	{ .name = "max_mapnr", .value = MAX_MAPNR_VA, .size = 4 },
	{ .name = "high_memory", .value = HIGH_MEMORY_VA, .size = 4 },
	{ .name = "vmalloc_start", .value = VMALLOC_START_VA, .size = 4 },
	{ .name = "vmalloc_faults", .value = VMALLOC_FAULTS_VA, .size = 4 },
	{ .name = "tlb_counters", .value = TLB_COUNTERS_VA, .size = TLB_CNT_NR * 4 },
	{ .name = "vmalloc_counters", .value = VMALLOC_COUNTERS_VA, .size = VMALLOC_CNT_NR * 4 },
	{ .name = "kmalloc_stats",
	  .value = KMALLOC_STATS_VA,
	  .size = KMALLOC_CLASS * KMALLOC_STAT_SIZE },
	{ .name = "zone_table", .value = ZONE_TABLE_VA, .size = MAX_NR_ZONES * ZONE_STRUCT_SIZE },
	{ .name = "swapper_pg_dir", .value = SWAPPER_PG_DIR_VA, .size = PAGE_SIZE },
};

#define NR_SYMS (ARRAY_SIZE(kernel_syms))

struct fixture {
	struct vm *vm;
	uint8_t *map;		  /* PROT_NONE page, RAM, PROT_NONE page */
	struct sym syms[NR_SYMS]; /* kernel_syms sorted by name, as sym_lookup() needs */
	struct sym_table symtab;
	struct guest_kernel gk;
};

static int sym_name_cmp(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static void put32(struct fixture *fx, uint32_t kva, uint32_t v)
{
	assert_int_equal(gmem_write32(&fx->vm->mem, kva - PAGE_OFFSET, v), 0);
}

/* A guest that has booted and allocated nothing: vmlist NULL, lowmem all of RAM. */
static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char err[256] = "";
	int ret;

	assert_non_null(fx);
	fx->vm = calloc(1, sizeof(*fx->vm));
	assert_non_null(fx->vm);
	fx->map = mmap(NULL, RAM + 2 * PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(fx->map != MAP_FAILED);
	assert_int_equal(mprotect(fx->map + PAGE_SIZE, RAM, PROT_READ | PROT_WRITE), 0);
	fx->vm->mem.base = fx->map + PAGE_SIZE;
	fx->vm->mem.size = RAM;

	memcpy(fx->syms, kernel_syms, sizeof(kernel_syms));
	for (size_t i = 0; i < NR_SYMS; i++) {
		fx->syms[i].type = STT_OBJECT;
		fx->syms[i].bind = STB_GLOBAL;
	}
	qsort(fx->syms, NR_SYMS, sizeof(fx->syms[0]), sym_name_cmp);
	fx->symtab = (struct sym_table){ .syms = fx->syms, .nr = NR_SYMS };

	put32(fx, HIGH_MEMORY_VA, HIGH_MEMORY);
	put32(fx, MEM_MAP_VA, MEM_MAP_ARRAY_VA);
	put32(fx, MAX_MAPNR_VA, MAX_MAPNR);
	put32(fx, VMALLOC_START_VA, VSTART);
	ret = inspect_init(&fx->gk, fx->vm, &fx->symtab, err, sizeof(err));
	if (ret) {
		print_error("inspect_init: expected 0, got %d: %s\n", ret, err);
		fail();
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	munmap(fx->map, RAM + 2 * PAGE_SIZE);
	free(fx->vm);
	free(fx);
	return 0;
}

/* ---- inspect_init ---- */

static void test_init_resolves(void **state)
{
	struct fixture *fx = *state;
	const struct guest_kernel *gk = &fx->gk;
	const struct {
		const char *name;
		uint64_t got, want;
	} fields[] = {
		{ "vmlist", gk->vmlist, VMLIST_VA - PAGE_OFFSET },
		{ "mem_map", gk->mem_map, MEM_MAP_VA - PAGE_OFFSET },
		{ "max_mapnr", gk->max_mapnr, MAX_MAPNR_VA - PAGE_OFFSET },
		{ "zone_table", gk->zone_table, ZONE_TABLE_VA - PAGE_OFFSET },
		{ "tlb_counters", gk->tlb_counters, TLB_COUNTERS_VA - PAGE_OFFSET },
		{ "vmalloc_counters", gk->vmalloc_counters, VMALLOC_COUNTERS_VA - PAGE_OFFSET },
		{ "vmalloc_faults", gk->vmalloc_faults, VMALLOC_FAULTS_VA - PAGE_OFFSET },
		{ "vmalloc_start", gk->vmalloc_start, VMALLOC_START_VA - PAGE_OFFSET },
		{ "high_memory", gk->high_memory, HIGH_MEMORY_VA - PAGE_OFFSET },
		{ "swapper_pg_dir", gk->swapper_pg_dir, SWAPPER_PG_DIR_VA - PAGE_OFFSET },
		{ "kmalloc_stats", gk->kmalloc_stats, KMALLOC_STATS_VA - PAGE_OFFSET },
		{ "kmalloc_nr_classes", gk->kmalloc_nr_classes, KMALLOC_CLASS },
	};
	unsigned int bad = 0;

	if (gk->vm != fx->vm) {
		print_error("gk.vm: expected %p, got %p\n", (void *)fx->vm, (void *)gk->vm);
		bad++;
	}
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		if (fields[i].got != fields[i].want) {
			print_error("gk.%s: expected 0x%llx, got 0x%llx\n", fields[i].name,
				    (unsigned long long)fields[i].want,
				    (unsigned long long)fields[i].got);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* Copy the fixture's symbols into buf without drop (NULL: all); returns the table. */
static struct sym_table syms_without(const struct fixture *fx, struct sym *buf, const char *drop)
{
	size_t n = 0;

	for (size_t i = 0; i < NR_SYMS; i++)
		if (!drop || strcmp(fx->syms[i].name, drop))
			buf[n++] = fx->syms[i];
	return (struct sym_table){ .syms = buf, .nr = n };
}

static void expect_init(struct fixture *fx, const char *what, const struct sym_table *t,
			int want_ret, const char *want_msg)
{
	struct guest_kernel gk;
	char err[256] = "";
	int ret = inspect_init(&gk, fx->vm, t, err, sizeof(err));

	if (ret != want_ret || (want_msg && !strstr(err, want_msg))) {
		print_error("inspect_init, %s: expected %d \"%s\", got %d \"%s\"\n", what, want_ret,
			    want_msg ? want_msg : "", ret, err);
		fail();
	}
}

static void test_init_missing_symbol(void **state)
{
	struct fixture *fx = *state;
	struct sym buf[NR_SYMS];
	struct sym_table empty = { 0 }, t;
	char what[64], msg[128];

	expect_init(fx, "no table", NULL, -ENOENT, "guest has no symbol vmlist: inspection off");
	expect_init(fx, "empty table", &empty, -ENOENT,
		    "guest has no symbol vmlist: inspection off");
	for (size_t i = 0; i < NR_SYMS; i++) {
		const char *name = kernel_syms[i].name;

		t = syms_without(fx, buf, name);
		assert_int_equal(t.nr, NR_SYMS - 1);
		snprintf(what, sizeof(what), "without %s", name);
		snprintf(msg, sizeof(msg), "guest has no symbol %s: inspection off", name);
		expect_init(fx, what, &t, -ENOENT, msg);
	}
}

struct init_case {
	const char *what;
	const char *name; /* the symbol given another value and size */
	uint64_t value, size;
	int ret;
	const char *msg; /* a fragment the message must contain */
};

static const struct init_case init_cases[] = {
	{ "zone_table of one zone", "zone_table", ZONE_TABLE_VA, ZONE_STRUCT_SIZE, -EINVAL,
	  "guest symbol zone_table is 116 bytes, expected at least 348" },
	{ "vmalloc_counters one short", "vmalloc_counters", VMALLOC_COUNTERS_VA,
	  (VMALLOC_CNT_NR - 1) * 4, -EINVAL,
	  "guest symbol vmalloc_counters is 28 bytes, expected at least 32" },
	{ "swapper_pg_dir of half a page", "swapper_pg_dir", SWAPPER_PG_DIR_VA, PAGE_SIZE / 2,
	  -EINVAL, "guest symbol swapper_pg_dir is 2048 bytes, expected at least 4096" },
	{ "vmlist below PAGE_OFFSET", "vmlist", 0x00200000u, 4, -EINVAL,
	  "guest symbol vmlist at 0x00200000 is outside the direct map or RAM" },
	{ "mem_map past the largest direct map", "mem_map", PAGE_OFFSET + MAXMEM, 4, -EINVAL,
	  "guest symbol mem_map at 0xf8000000 is outside the direct map or RAM" },
	{ "high_memory at the end of RAM", "high_memory", PAGE_OFFSET + RAM, 4, -EINVAL,
	  "guest symbol high_memory at 0xc1000000 is outside the direct map or RAM" },
	{ "max_mapnr straddling the end of RAM", "max_mapnr", PAGE_OFFSET + RAM - 2, 4, -EINVAL,
	  "guest symbol max_mapnr at 0xc0fffffe is outside the direct map or RAM" },
	{ "swapper_pg_dir running past RAM", "swapper_pg_dir", PAGE_OFFSET + RAM - PAGE_SIZE / 2,
	  PAGE_SIZE, -EINVAL,
	  "guest symbol swapper_pg_dir at 0xc0fff800 is outside the direct map or RAM" },
	{ "tlb_counters above 4 GiB", "tlb_counters", 0x100000000ull + TLB_COUNTERS_VA,
	  TLB_CNT_NR * 4, -EINVAL,
	  "guest symbol tlb_counters at 0x1c0200040 is outside the direct map or RAM" },
	{ "swapper_pg_dir in the last page of RAM", "swapper_pg_dir", PAGE_OFFSET + RAM - PAGE_SIZE,
	  PAGE_SIZE, 0, NULL },
	{ "zone_table of unknown size (0)", "zone_table", ZONE_TABLE_VA, 0, 0, NULL },
};

static void test_init_checks_symbols(void **state)
{
	struct fixture *fx = *state;
	struct sym buf[NR_SYMS];

	for (size_t i = 0; i < ARRAY_SIZE(init_cases); i++) {
		const struct init_case *c = &init_cases[i];
		struct sym_table t = syms_without(fx, buf, NULL);
		size_t changed = 0;

		for (size_t j = 0; j < t.nr; j++) {
			if (!strcmp(buf[j].name, c->name)) {
				buf[j].value = c->value;
				buf[j].size = c->size;
				changed++;
			}
		}
		assert_int_equal(changed, 1);
		expect_init(fx, c->what, &t, c->ret, c->msg);
	}
}

/* kmalloc_stats[] has st_size / sizeof(struct kmalloc_class_stat) entries; size 0: one. */
static void test_init_kmalloc_classes(void **state)
{
	struct fixture *fx = *state;
	const struct {
		uint64_t size;
		unsigned int classes;
	} cases[] = {
		{ KMALLOC_STAT_SIZE, 1 },
		{ 0, 1 },
		{ 7 * KMALLOC_STAT_SIZE, 7 },
		{ 2 * KMALLOC_STAT_SIZE + 10, 2 },
	};
	struct sym buf[NR_SYMS];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct sym_table t = syms_without(fx, buf, NULL);
		struct guest_kernel gk;
		char err[256] = "";
		int ret;

		for (size_t j = 0; j < t.nr; j++)
			if (!strcmp(buf[j].name, "kmalloc_stats"))
				buf[j].size = cases[i].size;
		ret = inspect_init(&gk, fx->vm, &t, err, sizeof(err));
		if (ret || gk.kmalloc_nr_classes != cases[i].classes) {
			print_error("kmalloc_stats of %llu bytes: expected 0 and %u classes, "
				    "got %d and %u classes %s\n",
				    (unsigned long long)cases[i].size, cases[i].classes, ret,
				    ret ? 0 : gk.kmalloc_nr_classes, err);
			fail();
		}
	}
	/* A size the ELF claims past the end of RAM is refused at init, by name. */
	{
		struct sym_table t = syms_without(fx, buf, NULL);
		struct guest_kernel gk;
		char err[256] = "";
		int ret;

		for (size_t j = 0; j < t.nr; j++)
			if (!strcmp(buf[j].name, "kmalloc_stats"))
				buf[j].size = 0x40000000ull;
		ret = inspect_init(&gk, fx->vm, &t, err, sizeof(err));
		if (ret != -EINVAL || !strstr(err, "kmalloc_stats")) {
			print_error(
				"kmalloc_stats of 1 GiB in a small guest: expected -EINVAL naming "
				"it, got %d '%s'\n",
				ret, err);
			fail();
		}
	}
}

/* ---- inspect_read_kva32, inspect_lowmem_end, inspect_vmalloc_start ---- */

static void test_read_kva32(void **state)
{
	struct fixture *fx = *state;
	const struct {
		uint64_t kva;
		int ret;
		uint32_t val;
	} cases[] = {
		{ PAGE_OFFSET + 0x1000, 0, 0x11223344 },
		{ PAGE_OFFSET, 0, 0x55667788 },		  /* first word of RAM */
		{ PAGE_OFFSET + RAM - 4, 0, 0xdeadbeef }, /* last word of RAM */
		{ PAGE_OFFSET + RAM - 2, -EFAULT, 0 },	  /* straddles the end of RAM */
		{ PAGE_OFFSET + RAM, -EFAULT, 0 },	  /* direct map, past RAM */
		{ PAGE_OFFSET + MAXMEM - 4, -EFAULT, 0 },
		{ PAGE_OFFSET + MAXMEM, -EINVAL, 0 }, /* vmalloc space */
		/* Vmalloc space, but below PAGE_OFFSET + MAXMEM: refused as past RAM. */
		{ VSTART, -EFAULT, 0 },
		{ 0xfffffffcu, -EINVAL, 0 },
		{ PAGE_OFFSET - 4, -EINVAL, 0 }, /* user space */
		{ 0x00001000, -EINVAL, 0 },	 /* the physical address of the first case */
		{ 0, -EINVAL, 0 },
		{ 0x100000000ull + PAGE_OFFSET + 0x1000, -EINVAL, 0 }, /* the first, plus 4 GiB */
	};

	put32(fx, PAGE_OFFSET + 0x1000, 0x11223344);
	put32(fx, PAGE_OFFSET, 0x55667788);
	put32(fx, PAGE_OFFSET + RAM - 4, 0xdeadbeef);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t val = 0;
		char err[128] = "", want[32];
		int ret = inspect_read_kva32(&fx->gk, cases[i].kva, &val, err, sizeof(err));

		if (ret != cases[i].ret || (!ret && val != cases[i].val)) {
			print_error(
				"inspect_read_kva32(0x%llx): expected %d 0x%08x, got %d 0x%08x\n",
				(unsigned long long)cases[i].kva, cases[i].ret, cases[i].val, ret,
				val);
			fail();
		}
		/* A refusal names the address. */
		snprintf(want, sizeof(want), "0x%08llx", (unsigned long long)cases[i].kva);
		if (ret && !strstr(err, want)) {
			print_error("inspect_read_kva32(0x%llx): message '%s' does not name %s\n",
				    (unsigned long long)cases[i].kva, err, want);
			fail();
		}
	}
}

static void test_lowmem_end(void **state)
{
	struct fixture *fx = *state;
	const struct {
		uint32_t high_memory;
		int ret;
		uint64_t end;
	} cases[] = {
		{ HIGH_MEMORY, 0, RAM },
		{ PAGE_OFFSET + MAXMEM, 0, MAXMEM }, /* 896 MiB or more of RAM */
		{ PAGE_OFFSET + MAXMEM + PAGE_SIZE, -EINVAL, 0 },
		{ PAGE_OFFSET - PAGE_SIZE, -EINVAL, 0 },
		{ 0, -EINVAL, 0 },
	};
	uint32_t vstart = 0;
	char err[200], want[40];
	int ret;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t end = 0;

		put32(fx, HIGH_MEMORY_VA, cases[i].high_memory);
		err[0] = 0;
		ret = inspect_lowmem_end(&fx->gk, &end, err, sizeof(err));
		if (ret != cases[i].ret || (!ret && end != cases[i].end)) {
			print_error("inspect_lowmem_end, high_memory 0x%08x: expected %d 0x%llx, "
				    "got %d 0x%llx\n",
				    cases[i].high_memory, cases[i].ret,
				    (unsigned long long)cases[i].end, ret, (unsigned long long)end);
			fail();
		}
		/* A failure names the variable and the value it holds. */
		snprintf(want, sizeof(want), "high_memory holds 0x%08x", cases[i].high_memory);
		if (ret && !strstr(err, want)) {
			print_error("inspect_lowmem_end: expected \"%s\" in \"%s\"\n", want, err);
			fail();
		}
	}
	fx->gk.high_memory = RAM - 2;
	ret = inspect_lowmem_end(&fx->gk, &(uint64_t){ 0 }, err, sizeof(err));
	assert_int_equal(ret, -EFAULT);
	if (!strstr(err, "high_memory (at guest-physical 0xfffffe)")) {
		print_error("inspect_lowmem_end, high_memory outside RAM: got \"%s\"\n", err);
		fail();
	}
	fx->gk.high_memory = HIGH_MEMORY_VA - PAGE_OFFSET;
	ret = inspect_vmalloc_start(&fx->gk, &vstart, NULL, 0);
	if (ret || vstart != VSTART) {
		print_error("inspect_vmalloc_start: expected 0 0x%08x, got %d 0x%08x\n", VSTART,
			    ret, vstart);
		fail();
	}
}

/* ---- vmlist ---- */

static void plant_node(struct fixture *fx, const struct vm_area *a, uint32_t next)
{
	put32(fx, a->node + VM_STRUCT_OFF_FLAGS, a->flags);
	put32(fx, a->node + VM_STRUCT_OFF_ADDR, a->addr);
	put32(fx, a->node + VM_STRUCT_OFF_SIZE, a->size);
	put32(fx, a->node + VM_STRUCT_OFF_NEXT, next);
}

/* vmlist -> a[0] -> ... -> a[n - 1] -> tail (0: the end of the list). */
static void plant_vmlist(struct fixture *fx, const struct vm_area *a, unsigned int n, uint32_t tail)
{
	put32(fx, VMLIST_VA, n ? a[0].node : tail);
	for (unsigned int i = 0; i < n; i++)
		plant_node(fx, &a[i], i + 1 < n ? a[i + 1].node : tail);
}

/* got[0..n) must equal want[0..n), and got[n..max) must be untouched (0xa5 bytes). */
static void check_areas(const char *what, const struct vm_area *want, unsigned int n,
			const struct vm_area *got, unsigned int max)
{
	struct vm_area untouched;
	unsigned int bad = 0;

	memset(&untouched, 0xa5, sizeof(untouched));
	for (unsigned int i = 0; i < max; i++) {
		const struct vm_area *w = i < n ? &want[i] : &untouched;
		const struct vm_area *g = &got[i];

		if (g->node != w->node || g->flags != w->flags || g->addr != w->addr ||
		    g->size != w->size) {
			print_error(
				"%s: areas[%u]: expected node 0x%08x flags 0x%x addr 0x%08x "
				"size 0x%x%s, got node 0x%08x flags 0x%x addr 0x%08x size 0x%x\n",
				what, i, w->node, w->flags, w->addr, w->size,
				i < n ? "" : " (untouched)", g->node, g->flags, g->addr, g->size);
			bad++;
		}
	}
	if (bad)
		fail();
}

/*
 * The result and info of inspect_read_vmlist() against what was expected.  A
 * corrupt list's message names the node at fault and the node (or the head)
 * it came from, and ends with the defect.
 */
static void check_info(const char *what, int ret, const struct vmlist_info *info, int want_ret,
		       enum vmlist_defect defect, unsigned int nr, uint32_t bad_node,
		       uint32_t bad_from)
{
	const char *tail = defect == VMLIST_OK ? "" : vmlist_defect_str(defect);
	size_t len = strlen(info->msg), tlen = strlen(tail);
	char head[64] = "";
	bool msg_ok;

	if (defect == VMLIST_OK)
		msg_ok = !info->msg[0];
	else {
		if (bad_from)
			snprintf(head, sizeof(head),
				 "corrupt vmlist: node 0x%08x (next of node 0x%08x", bad_node,
				 bad_from);
		else
			snprintf(head, sizeof(head), "corrupt vmlist: head 0x%08x: ", bad_node);
		msg_ok = !strncmp(info->msg, head, strlen(head)) && len >= tlen &&
			 !strcmp(info->msg + len - tlen, tail);
	}
	if (ret != want_ret || info->defect != defect || info->nr != nr ||
	    info->bad_node != bad_node || info->bad_from != bad_from || !msg_ok) {
		print_error("%s:\n  expected %d, %s, %u nodes, bad node 0x%08x from 0x%08x, "
			    "message \"%s%s%s\"\n  got      %d, %s, %u nodes, bad node 0x%08x "
			    "from 0x%08x, message \"%s\"\n",
			    what, want_ret, vmlist_defect_str(defect), nr, bad_node, bad_from, head,
			    defect == VMLIST_OK ? "" : "...", tail, ret,
			    vmlist_defect_str(info->defect), info->nr, info->bad_node,
			    info->bad_from, info->msg);
		fail();
	}
}

/*
 * What the demo leaves: areas in address order, each with its guard page,
 * their vm_structs wherever kmalloc() put them; the last one in the last 16
 * bytes of lowmem (= RAM), the highest node address that is sound.
 */
static const struct vm_area sound_areas[] = {
	{ .node = NODE(1), .flags = VM_ALLOC, .addr = VSTART, .size = 0x2000 },
	{ .node = NODE(0), .flags = VM_ALLOC, .addr = VSTART + 0x2000, .size = 0x401000 },
	{ .node = NODE(3), .flags = VM_MAP, .addr = VSTART + 0x403000, .size = 0x3000 },
	{ .node = NODE(2), .flags = VM_IOREMAP, .addr = VSTART + 0x406000, .size = 0x11000 },
	{ .node = HIGH_MEMORY - VM_STRUCT_SIZE,
	  .flags = VM_ALLOC | VM_MAP,
	  .addr = VSTART + 0x417000,
	  .size = 0x2000 },
};

#define NR_SOUND (ARRAY_SIZE(sound_areas))

static void test_vmlist_sound(void **state)
{
	struct fixture *fx = *state;
	struct vm_area areas[NR_SOUND + 3];
	struct vmlist_info info;
	int ret;

	plant_vmlist(fx, sound_areas, NR_SOUND, 0);
	memset(areas, 0xa5, sizeof(areas));
	ret = inspect_read_vmlist(&fx->gk, areas, NR_SOUND + 3, &info);
	check_info("sound vmlist", ret, &info, 0, VMLIST_OK, NR_SOUND, 0, 0);
	check_areas("sound vmlist", sound_areas, NR_SOUND, areas, NR_SOUND + 3);

	/* Room for two: the first two stored, every node still counted. */
	memset(areas, 0xa5, sizeof(areas));
	ret = inspect_read_vmlist(&fx->gk, areas, 2, &info);
	check_info("sound vmlist, max 2", ret, &info, 0, VMLIST_OK, NR_SOUND, 0, 0);
	check_areas("sound vmlist, max 2", sound_areas, 2, areas, NR_SOUND + 3);

	ret = inspect_read_vmlist(&fx->gk, NULL, 0, &info);
	check_info("sound vmlist, no areas[]", ret, &info, 0, VMLIST_OK, NR_SOUND, 0, 0);
}

static void test_vmlist_empty(void **state)
{
	struct fixture *fx = *state;
	struct vm_area areas[2];
	struct vmlist_info info;
	int ret;

	plant_vmlist(fx, sound_areas, NR_SOUND, 0);
	put32(fx, VMLIST_VA, 0); /* every area freed: the nodes stay in memory */
	memset(areas, 0xa5, sizeof(areas));
	ret = inspect_read_vmlist(&fx->gk, areas, 2, &info);
	check_info("empty vmlist", ret, &info, 0, VMLIST_OK, 0, 0, 0);
	check_areas("empty vmlist", NULL, 0, areas, 2);
}

/*
 * Order and overlap are the checker's rule A1 (check.c), not defects of the
 * walk: kstate.c hands the areas over as the list has them.
 */
static void test_vmlist_unsorted_overlapping(void **state)
{
	static const struct vm_area bad_order[] = {
		{ .node = NODE(0), .flags = VM_ALLOC, .addr = VSTART + 0x4000, .size = 0x2000 },
		{ .node = NODE(1), .flags = VM_ALLOC, .addr = VSTART, .size = 0x2000 },
		{ .node = NODE(2), .flags = VM_MAP, .addr = VSTART + 0x1000, .size = 0x3000 },
		{ .node = NODE(3), .flags = VM_ALLOC, .addr = VSTART + 0x1000, .size = 0x2000 },
	};
	struct fixture *fx = *state;
	struct vm_area areas[5];
	struct vmlist_info info;
	int ret;

	plant_vmlist(fx, bad_order, 4, 0);
	memset(areas, 0xa5, sizeof(areas));
	ret = inspect_read_vmlist(&fx->gk, areas, 5, &info);
	check_info("unsorted, overlapping vmlist", ret, &info, 0, VMLIST_OK, 4, 0, 0);
	check_areas("unsorted, overlapping vmlist", bad_order, 4, areas, 5);
}

/* Sound nodes that the defect cases put ahead of the bad pointer. */
static const struct vm_area chain[] = {
	{ .node = NODE(2), .flags = VM_ALLOC, .addr = VSTART, .size = 0x2000 },
	{ .node = NODE(0), .flags = VM_MAP, .addr = VSTART + 0x2000, .size = 0x3000 },
	{ .node = NODE(3), .flags = VM_ALLOC, .addr = VSTART + 0x5000, .size = 0x5000 },
	{ .node = NODE(1), .flags = VM_IOREMAP, .addr = VSTART + 0xa000, .size = 0x2000 },
};

struct defect_case {
	const char *what;
	unsigned int nr_good; /* chain[0..nr_good) come first */
	uint32_t bad;	      /* then the pointer at fault: chain[nr_good - 1].next, or the head */
	uint32_t high_memory; /* 0: HIGH_MEMORY */
	enum vmlist_defect defect;
};

static const struct defect_case defect_cases[] = {
	{ "cycle back to the second node", 4, NODE(0), 0, VMLIST_CYCLE },
	{ "cycle back to the first node", 3, NODE(2), 0, VMLIST_CYCLE },
	{ "node whose next is itself", 1, NODE(2), 0, VMLIST_CYCLE },
	{ "next below PAGE_OFFSET", 2, 0x00300000u, 0, VMLIST_NOT_DIRECT_MAP },
	{ "head below PAGE_OFFSET", 0, 0x00300040u, 0, VMLIST_NOT_DIRECT_MAP },
	{ "next a physical address of a node", 2, NODE(1) - PAGE_OFFSET, 0, VMLIST_NOT_DIRECT_MAP },
	{ "next in vmalloc space", 3, VSTART, 0, VMLIST_NOT_DIRECT_MAP },
	{ "next in the top page", 1, 0xfffffff0u, 0, VMLIST_NOT_DIRECT_MAP },
	{ "next at high_memory", 2, HIGH_MEMORY, 0, VMLIST_NOT_DIRECT_MAP },
	{ "next running 4 bytes past high_memory", 2, HIGH_MEMORY - 12, 0, VMLIST_NOT_DIRECT_MAP },
	{ "next past the largest direct map", 2, PAGE_OFFSET + MAXMEM - 8, PAGE_OFFSET + MAXMEM,
	  VMLIST_NOT_DIRECT_MAP },
	{ "misaligned next", 2, NODE(5) + 2, 0, VMLIST_MISALIGNED },
	{ "misaligned head", 0, NODE(0) + 1, 0, VMLIST_MISALIGNED },
	{ "misaligned next in the last word of RAM", 4, HIGH_MEMORY - 1, 0, VMLIST_MISALIGNED },
	/* A corrupt high_memory that claims more lowmem than there is RAM. */
	{ "next at the end of RAM, high_memory beyond it", 2, HIGH_MEMORY, PAGE_OFFSET + MAXMEM,
	  VMLIST_OUTSIDE_RAM },
	{ "next straddling the end of RAM, high_memory beyond it", 3, HIGH_MEMORY - 8,
	  PAGE_OFFSET + MAXMEM, VMLIST_OUTSIDE_RAM },
	{ "next at the end of the direct map, high_memory beyond RAM", 1,
	  PAGE_OFFSET + MAXMEM - VM_STRUCT_SIZE, PAGE_OFFSET + MAXMEM, VMLIST_OUTSIDE_RAM },
	{ "head past the end of RAM, high_memory beyond it", 0, HIGH_MEMORY + 0x100000,
	  PAGE_OFFSET + MAXMEM, VMLIST_OUTSIDE_RAM },
	/* An unusable high_memory: the bound falls back to the largest direct map. */
	{ "next at the end of RAM, high_memory below PAGE_OFFSET", 1, HIGH_MEMORY, 0x00001000u,
	  VMLIST_OUTSIDE_RAM },
	{ "next past the largest direct map, high_memory beyond it", 1, PAGE_OFFSET + MAXMEM,
	  PAGE_OFFSET + MAXMEM + PAGE_SIZE, VMLIST_NOT_DIRECT_MAP },
};

static void test_vmlist_defects(void **state)
{
	struct fixture *fx = *state;

	for (size_t i = 0; i < ARRAY_SIZE(defect_cases); i++) {
		const struct defect_case *c = &defect_cases[i];
		uint32_t from = c->nr_good ? chain[c->nr_good - 1].node : 0;
		struct vm_area areas[5];
		struct vmlist_info info;
		int ret;

		assert_true(c->nr_good <= 4);
		put32(fx, HIGH_MEMORY_VA, c->high_memory ? c->high_memory : HIGH_MEMORY);
		plant_vmlist(fx, chain, c->nr_good, c->bad);
		memset(areas, 0xa5, sizeof(areas));
		ret = inspect_read_vmlist(&fx->gk, areas, 5, &info);
		check_info(c->what, ret, &info, -EBADMSG, c->defect, c->nr_good, c->bad, from);
		/* areas[] holds the nodes before the bad one. */
		check_areas(c->what, chain, c->nr_good, areas, 5);
		print_message("%-58s -> %s\n", c->what, info.msg);
	}
}

/* The vmlist variable itself unreadable: only a guest_kernel not from inspect_init(). */
static void test_vmlist_head_outside_ram(void **state)
{
	struct fixture *fx = *state;
	const uint64_t heads[] = { RAM - 2, RAM, UINT64_MAX - 1 };
	struct vmlist_info info;
	int ret;

	plant_vmlist(fx, chain, 4, 0);
	for (size_t i = 0; i < ARRAY_SIZE(heads); i++) {
		struct guest_kernel gk = fx->gk;
		char what[128];

		gk.vmlist = heads[i];
		snprintf(what, sizeof(what),
			 "vmlist: the variable at guest-physical 0x%llx is not inside guest RAM",
			 (unsigned long long)heads[i]);
		ret = inspect_read_vmlist(&gk, NULL, 0, &info);
		if (ret != -EBADMSG || info.defect != VMLIST_OUTSIDE_RAM || info.nr ||
		    info.bad_node || info.bad_from || strcmp(info.msg, what)) {
			print_error("expected -EBADMSG, %s, 0 nodes, message \"%s\"\n"
				    "got      %d, %s, %u nodes, message \"%s\"\n",
				    vmlist_defect_str(VMLIST_OUTSIDE_RAM), what, ret,
				    vmlist_defect_str(info.defect), info.nr, info.msg);
			fail();
		}
	}
}

/* INSPECT_VMLIST_MAX nodes are a list; one more is VMLIST_TOO_LONG, named. */
static void test_vmlist_too_long(void **state)
{
	struct fixture *fx = *state;
	const unsigned int max = INSPECT_VMLIST_MAX;
	struct vm_area *areas = malloc((max + 2) * sizeof(*areas));
	struct vm_area last;
	struct vmlist_info info;
	int ret;

	assert_non_null(areas);
	for (unsigned int i = 0; i <= max; i++) {
		const struct vm_area a = { .node = LONG_LIST_VA + i * VM_STRUCT_SIZE,
					   .flags = VM_ALLOC,
					   .addr = VSTART + i * 0x2000u,
					   .size = 0x2000 };

		plant_node(fx, &a, i < max ? a.node + VM_STRUCT_SIZE : 0);
	}
	last = (struct vm_area){ .node = LONG_LIST_VA + (max - 1) * VM_STRUCT_SIZE,
				 .flags = VM_ALLOC,
				 .addr = VSTART + (max - 1) * 0x2000u,
				 .size = 0x2000 };

	/* Exactly INSPECT_VMLIST_MAX: the last node's next is NULL. */
	put32(fx, VMLIST_VA, LONG_LIST_VA);
	put32(fx, last.node + VM_STRUCT_OFF_NEXT, 0);
	memset(areas, 0xa5, (max + 2) * sizeof(*areas));
	ret = inspect_read_vmlist(&fx->gk, areas, max + 2, &info);
	check_info("INSPECT_VMLIST_MAX nodes", ret, &info, 0, VMLIST_OK, max, 0, 0);
	check_areas("INSPECT_VMLIST_MAX nodes, the last", &last, 1, &areas[max - 1], 2);

	/* One more. */
	put32(fx, last.node + VM_STRUCT_OFF_NEXT, last.node + VM_STRUCT_SIZE);
	memset(areas, 0xa5, (max + 2) * sizeof(*areas));
	ret = inspect_read_vmlist(&fx->gk, areas, max + 2, &info);
	check_info("INSPECT_VMLIST_MAX + 1 nodes", ret, &info, -EBADMSG, VMLIST_TOO_LONG, max,
		   last.node + VM_STRUCT_SIZE, last.node);
	check_areas("INSPECT_VMLIST_MAX + 1 nodes, the last", &last, 1, &areas[max - 1], 2);
	free(areas);
}

static void test_vmlist_defect_str(void **state)
{
	const enum vmlist_defect all[] = {
		VMLIST_OK,	   VMLIST_CYCLE,       VMLIST_NOT_DIRECT_MAP,
		VMLIST_MISALIGNED, VMLIST_OUTSIDE_RAM, VMLIST_TOO_LONG
	};
	const size_t n = ARRAY_SIZE(all);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const char *s = vmlist_defect_str(all[i]);

		if (!s || !s[0] || !strcmp(s, "?")) {
			print_error("vmlist_defect_str(%d): expected a description, got \"%s\"\n",
				    (int)all[i], s ? s : "(null)");
			fail();
		}
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(s, vmlist_defect_str(all[j]))) {
				print_error("vmlist_defect_str(%d) and (%d): expected two "
					    "descriptions, got \"%s\" twice\n",
					    (int)all[j], (int)all[i], s);
				fail();
			}
		}
	}
	assert_string_equal(vmlist_defect_str((enum vmlist_defect)99), "?");
}

/* ---- mem_map, zones, counters ---- */

static void plant_page(struct fixture *fx, uint32_t mem_map, uint32_t pfn,
		       const struct guest_page *p)
{
	uint32_t page = mem_map + pfn * PAGE_STRUCT_SIZE;

	put32(fx, page + PAGE_STRUCT_OFF_FLAGS, p->flags);
	put32(fx, page + PAGE_STRUCT_OFF_COUNT, (uint32_t)p->count);
	put32(fx, page + PAGE_STRUCT_OFF_ZONE, p->zone);
	put32(fx, page + PAGE_STRUCT_OFF_ORDER, p->order);
	put32(fx, page + PAGE_STRUCT_OFF_NEXT, 0xdead0000u + pfn); /* not read */
}

static void test_read_page(void **state)
{
	struct fixture *fx = *state;
	const struct {
		uint32_t pfn;
		struct guest_page page;
	} planted[] = {
		{ 0, { 1u << PG_reserved, 1, ZONE_DMA, 0 } },
		{ 0x800, { 1u << PG_buddy, 0, ZONE_DMA, 3 } },
		{ 0x801, { 1u << PG_slab, 2, ZONE_DMA, 0 } },
		{ MAX_MAPNR - 1, { 0, -1, ZONE_NORMAL, 10 } }, /* a count gone negative */
	};
	struct guest_page got;
	uint64_t mapnr = 0;
	char err[200];
	int ret;

	assert_int_equal(inspect_max_mapnr(&fx->gk, &mapnr, err, sizeof(err)), 0);
	if (mapnr != MAX_MAPNR) {
		print_error("inspect_max_mapnr: expected %u, got %llu\n", MAX_MAPNR,
			    (unsigned long long)mapnr);
		fail();
	}
	for (size_t i = 0; i < ARRAY_SIZE(planted); i++)
		plant_page(fx, MEM_MAP_ARRAY_VA, planted[i].pfn, &planted[i].page);
	for (size_t i = 0; i < ARRAY_SIZE(planted); i++) {
		const struct guest_page *w = &planted[i].page;

		memset(&got, 0xa5, sizeof(got));
		ret = inspect_read_page(&fx->gk, planted[i].pfn, &got, NULL, 0);
		if (ret || got.flags != w->flags || got.count != w->count || got.zone != w->zone ||
		    got.order != w->order) {
			print_error(
				"mem_map[0x%x]: expected 0 flags 0x%x count %d zone %u order %u, "
				"got %d flags 0x%x count %d zone %u order %u\n",
				planted[i].pfn, w->flags, w->count, w->zone, w->order, ret,
				got.flags, got.count, got.zone, got.order);
			fail();
		}
	}

	const struct {
		const char *what;
		uint32_t mem_map, max_mapnr;
		uint64_t pfn;
		int ret;
	} errors[] = {
		{ "pfn max_mapnr", MEM_MAP_ARRAY_VA, MAX_MAPNR, MAX_MAPNR, -ERANGE },
		{ "pfn 2^32", MEM_MAP_ARRAY_VA, MAX_MAPNR, 1ull << 32, -ERANGE },
		{ "pfn 2^64 - 1", MEM_MAP_ARRAY_VA, MAX_MAPNR, UINT64_MAX, -ERANGE },
		{ "max_mapnr 0", MEM_MAP_ARRAY_VA, 0, 0, -ERANGE },
		{ "mem_map a physical address", MEM_MAP_ARRAY_VA - PAGE_OFFSET, MAX_MAPNR, 0,
		  -EFAULT },
		{ "mem_map NULL", 0, MAX_MAPNR, 1, -EFAULT },
		{ "mem_map[pfn] in vmalloc space", PAGE_OFFSET + MAXMEM - PAGE_STRUCT_SIZE,
		  MAX_MAPNR, 1, -EFAULT },
		{ "mem_map[pfn] past RAM", HIGH_MEMORY - 10 * PAGE_STRUCT_SIZE, MAX_MAPNR, 10,
		  -EFAULT },
		{ "mem_map[pfn] straddling the end of RAM", HIGH_MEMORY - 8, MAX_MAPNR, 0,
		  -EFAULT },
		{ "mem_map[pfn] beyond 4 GiB", 0xfffffff0u, MAX_MAPNR, 1, -EFAULT },
		{ "mem_map[pfn] in the last 16 bytes of RAM", HIGH_MEMORY - 16, MAX_MAPNR, 0, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(errors); i++) {
		put32(fx, MEM_MAP_VA, errors[i].mem_map);
		put32(fx, MAX_MAPNR_VA, errors[i].max_mapnr);
		char msg[128] = "", want[32];

		ret = inspect_read_page(&fx->gk, errors[i].pfn, &got, msg, sizeof(msg));
		if (ret != errors[i].ret) {
			print_error("inspect_read_page, %s (mem_map 0x%08x, max_mapnr %u, pfn "
				    "0x%llx): expected %d, got %d\n",
				    errors[i].what, errors[i].mem_map, errors[i].max_mapnr,
				    (unsigned long long)errors[i].pfn, errors[i].ret, ret);
			fail();
		}
		/* A refusal names the frame. */
		snprintf(want, sizeof(want), ret == -ERANGE ? "pfn 0x%llx" : "mem_map[0x%llx]",
			 (unsigned long long)errors[i].pfn);
		if (ret && !strstr(msg, want)) {
			print_error("inspect_read_page, %s: message '%s' does not name %s\n",
				    errors[i].what, msg, want);
			fail();
		}
	}

	/* max_mapnr itself unreadable: no frame is in range. */
	fx->gk.max_mapnr = RAM - 2;
	err[0] = 0;
	ret = inspect_max_mapnr(&fx->gk, &mapnr, err, sizeof(err));
	if (mapnr != 0 || ret != -EFAULT ||
	    !strstr(err, "max_mapnr (at guest-physical 0xfffffe): outside guest RAM")) {
		print_error("max_mapnr unreadable: expected 0, -EFAULT and a message naming it, "
			    "got %llu, %d, \"%s\"\n",
			    (unsigned long long)mapnr, ret, err);
		fail();
	}
	ret = inspect_read_page(&fx->gk, 0, &got, NULL, 0);
	if (ret != -ERANGE) {
		print_error("max_mapnr unreadable: inspect_read_page expected -ERANGE, got %d\n",
			    ret);
		fail();
	}
}

/* Zone z: every field a distinct value, so a field read from the wrong offset shows. */
static struct guest_zone zone_of(unsigned int z)
{
	struct guest_zone zone = { .start_pfn = 0x1000 * z + 1,
				   .size = 0x100 * z + 2,
				   .present = 0x100 * z + 3,
				   .managed = 0x100 * z + 4,
				   .free = 10 * (z + 1) };

	for (unsigned int k = 0; k < MAX_ORDER; k++)
		zone.nr_free[k] = 1000 * (z + 1) + k;
	return zone;
}

static void plant_zones(struct fixture *fx)
{
	for (unsigned int z = 0; z < MAX_NR_ZONES; z++) {
		const struct guest_zone zone = zone_of(z);
		uint32_t base = ZONE_TABLE_VA + z * ZONE_STRUCT_SIZE;

		put32(fx, base + ZONE_OFF_NAME, 0xc0100000u + z * 8);
		put32(fx, base + ZONE_OFF_START_PFN, zone.start_pfn);
		put32(fx, base + ZONE_OFF_SIZE, zone.size);
		put32(fx, base + ZONE_OFF_PRESENT, zone.present);
		put32(fx, base + ZONE_OFF_MANAGED, zone.managed);
		put32(fx, base + ZONE_OFF_FREE, zone.free);
		for (unsigned int k = 0; k < MAX_ORDER; k++) {
			uint32_t area = base + ZONE_OFF_FREE_AREA + k * FREE_AREA_SIZE;

			put32(fx, area + FREE_AREA_OFF_LIST, 0xc0500000u + k * 0x40);
			put32(fx, area + FREE_AREA_OFF_NR_FREE, zone.nr_free[k]);
		}
		put32(fx, base + ZONE_OFF_LOCK, 0xffffffffu);
	}
}

static void test_read_zones(void **state)
{
	struct fixture *fx = *state;
	struct guest_zone zones[MAX_NR_ZONES];
	char err[200] = "", want[80];
	unsigned int bad = 0;
	int ret;

	plant_zones(fx);
	memset(zones, 0xa5, sizeof(zones));
	ret = inspect_read_zones(&fx->gk, zones, NULL, 0);
	assert_int_equal(ret, 0);
	for (unsigned int z = 0; z < MAX_NR_ZONES; z++) {
		const struct guest_zone w = zone_of(z);
		const struct guest_zone *g = &zones[z];

		if (g->start_pfn != w.start_pfn || g->size != w.size || g->present != w.present ||
		    g->managed != w.managed || g->free != w.free) {
			print_error("zone %u: expected start_pfn 0x%x size 0x%x present 0x%x "
				    "managed 0x%x free %u, got 0x%x 0x%x 0x%x 0x%x %u\n",
				    z, w.start_pfn, w.size, w.present, w.managed, w.free,
				    g->start_pfn, g->size, g->present, g->managed, g->free);
			bad++;
		}
		for (unsigned int k = 0; k < MAX_ORDER; k++) {
			if (g->nr_free[k] != w.nr_free[k]) {
				print_error("zone %u free_area[%u].nr_free: expected %u, got %u\n",
					    z, k, w.nr_free[k], g->nr_free[k]);
				bad++;
			}
		}
	}
	assert_int_equal(bad, 0);

	/* The last zone_t running past RAM. */
	fx->gk.zone_table = RAM - 2 * ZONE_STRUCT_SIZE;
	ret = inspect_read_zones(&fx->gk, zones, err, sizeof(err));
	snprintf(want, sizeof(want), "zone_table[2] (%u bytes at guest-physical 0x%x)",
		 ZONE_STRUCT_SIZE, RAM);
	if (ret != -EFAULT || !strstr(err, want)) {
		print_error("zone_table at 0x%llx, 2 of 3 zones in RAM: expected %d and \"%s\", "
			    "got %d and \"%s\"\n",
			    (unsigned long long)fx->gk.zone_table, -EFAULT, want, ret, err);
		fail();
	}
}

static void test_read_counters(void **state)
{
	struct fixture *fx = *state;
	struct guest_counters c, want = { .vmalloc_faults = 7 };
	char err[200] = "", wanted[80];
	unsigned int bad = 0;
	int ret;

	for (unsigned int i = 0; i < TLB_CNT_NR; i++) {
		want.tlb[i] = 0x100 + i;
		put32(fx, TLB_COUNTERS_VA + 4 * i, want.tlb[i]);
	}
	for (unsigned int i = 0; i < VMALLOC_CNT_NR; i++) {
		want.vmalloc[i] = 0x200 + i;
		put32(fx, VMALLOC_COUNTERS_VA + 4 * i, want.vmalloc[i]);
	}
	put32(fx, VMALLOC_FAULTS_VA, want.vmalloc_faults);
	plant_zones(fx);
	want.free_pages = 10 + 20 + 30;
	for (unsigned int i = 0; i < KMALLOC_CLASS; i++) {
		uint32_t base = KMALLOC_STATS_VA + i * KMALLOC_STAT_SIZE;

		put32(fx, base + KMALLOC_STAT_OFF_SIZE, 32u << i);
		put32(fx, base + KMALLOC_STAT_OFF_IN_USE, 5 + i);
		put32(fx, base + KMALLOC_STAT_OFF_PAGES, 1 + i);
		put32(fx, base + 12, 1000 + i); /* allocs */
		put32(fx, base + 16, 2000 + i); /* frees */
		want.kmalloc_in_use += 5 + i;
		want.kmalloc_pages += 1 + i;
	}
	/* A fourth class the symbol's size leaves out. */
	put32(fx, KMALLOC_STATS_VA + KMALLOC_CLASS * KMALLOC_STAT_SIZE + KMALLOC_STAT_OFF_IN_USE,
	      100);

	memset(&c, 0xa5, sizeof(c));
	ret = inspect_read_counters(&fx->gk, &c, NULL, 0);
	assert_int_equal(ret, 0);
	for (unsigned int i = 0; i < TLB_CNT_NR; i++) {
		if (c.tlb[i] != want.tlb[i]) {
			print_error("tlb[%u]: expected 0x%x, got 0x%x\n", i, want.tlb[i], c.tlb[i]);
			bad++;
		}
	}
	for (unsigned int i = 0; i < VMALLOC_CNT_NR; i++) {
		if (c.vmalloc[i] != want.vmalloc[i]) {
			print_error("vmalloc[%u]: expected 0x%x, got 0x%x\n", i, want.vmalloc[i],
				    c.vmalloc[i]);
			bad++;
		}
	}
	if (c.vmalloc_faults != want.vmalloc_faults || c.free_pages != want.free_pages ||
	    c.kmalloc_in_use != want.kmalloc_in_use || c.kmalloc_pages != want.kmalloc_pages) {
		print_error("expected vmalloc_faults %u free_pages %u kmalloc_in_use %u "
			    "kmalloc_pages %u, got %u %u %u %u\n",
			    want.vmalloc_faults, want.free_pages, want.kmalloc_in_use,
			    want.kmalloc_pages, c.vmalloc_faults, c.free_pages, c.kmalloc_in_use,
			    c.kmalloc_pages);
		bad++;
	}
	assert_int_equal(bad, 0);

	/* kmalloc_stats[] running past RAM: the third class is not there. */
	fx->gk.kmalloc_stats = RAM - 2 * KMALLOC_STAT_SIZE;
	ret = inspect_read_counters(&fx->gk, &c, err, sizeof(err));
	snprintf(wanted, sizeof(wanted), "kmalloc_stats[2] (%u bytes at guest-physical 0x%x)",
		 KMALLOC_STAT_SIZE, RAM);
	if (ret != -EFAULT || !strstr(err, wanted)) {
		print_error("kmalloc_stats at 0x%llx, 2 of 3 classes in RAM: expected %d and "
			    "\"%s\", got %d and \"%s\"\n",
			    (unsigned long long)fx->gk.kmalloc_stats, -EFAULT, wanted, ret, err);
		fail();
	}
	/* Each variable outside RAM is named. */
	fx->gk.vmalloc_faults = RAM;
	ret = inspect_read_counters(&fx->gk, &c, err, sizeof(err));
	if (ret != -EFAULT || !strstr(err, "vmalloc_faults (4 bytes at guest-physical 0x")) {
		print_error("vmalloc_faults outside RAM: got %d \"%s\"\n", ret, err);
		fail();
	}
	fx->gk.tlb_counters = RAM - 4;
	ret = inspect_read_counters(&fx->gk, &c, err, sizeof(err));
	if (ret != -EFAULT || !strstr(err, "tlb_counters (")) {
		print_error("tlb_counters outside RAM: got %d \"%s\"\n", ret, err);
		fail();
	}
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_init_resolves),
		TEST(test_init_missing_symbol),
		TEST(test_init_checks_symbols),
		TEST(test_init_kmalloc_classes),
		TEST(test_read_kva32),
		TEST(test_lowmem_end),
		TEST(test_vmlist_sound),
		TEST(test_vmlist_empty),
		TEST(test_vmlist_unsorted_overlapping),
		TEST(test_vmlist_defects),
		TEST(test_vmlist_head_outside_ram),
		TEST(test_vmlist_too_long),
		TEST(test_vmlist_defect_str),
		TEST(test_read_page),
		TEST(test_read_zones),
		TEST(test_read_counters),
	};

	return cmocka_run_group_tests_name("inspect", tests, NULL, NULL);
}
