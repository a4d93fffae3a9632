// SPDX-License-Identifier: GPL-2.0
/*
 * The walker's cost per translation on synthetic tables in a host buffer:
 * guest-memory reads per translation (counted in the read callback) for
 * each paging mode and page size, and a loop of translations that
 * bench/run.sh runs under callgrind with --toggle-collect=walk to get the
 * instructions per translation.  Counts only; nothing is timed.
 *
 *   bench_walk reads            the table of reads per translation
 *   bench_walk loop MODE N      N translations (MODE: 2level-4k, pae-4k, 2level-4m, pae-2m)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/mmu.h"
#include "vmm/core/core.h"
#include "vmm/inspect/inspect.h"

#define RAM (16u << 20)
#define KPG (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define VA  0xc8800000u

struct mem {
	struct guest_mem gm;
	unsigned long reads;
};

static int counting_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	struct mem *m = ctx;

	m->reads++;
	return walk_read_gmem(&m->gm, gpa, buf, len);
}

struct setup {
	const char *name;
	enum walk_mode mode;
	bool large;
};

static const struct setup setups[] = {
	{ "2level-4k", WALK_2LEVEL, false },
	{ "2level-4m", WALK_2LEVEL, true },
	{ "pae-4k", WALK_PAE, false },
	{ "pae-2m", WALK_PAE, true },
};

/* Tables mapping [VA, VA + 4 MiB) in the given mode; returns the walk context. */
static struct walk_ctx build(struct mem *m, const struct setup *s)
{
	struct walk_ctx ctx = {
		.read = counting_read, .read_ctx = m, .mode = s->mode, .ram_size = RAM, .pse = true
	};
	unsigned int i;

	memset(m->gm.base, 0, RAM);
	if (s->mode == WALK_2LEVEL) {
		ctx.cr3 = 0x1000;
		if (s->large) {
			gmem_write32(&m->gm, 0x1000 + (VA >> 22) * 4, 0x400000 | KPG | _PAGE_PSE);
		} else {
			gmem_write32(&m->gm, 0x1000 + (VA >> 22) * 4, 0x2000 | KPG);
			for (i = 0; i < 1024; i++)
				gmem_write32(&m->gm, 0x2000 + i * 4, (0x800000 + i * 4096) | KPG);
		}
	} else {
		ctx.cr3 = 0x1000;
		gmem_write64(&m->gm, 0x1000 + 3 * 8, 0x3000 | _PAGE_PRESENT);
		for (i = 0; i < 2; i++) {
			uint64_t pmd = 0x3000 + (((VA >> 21) & 511) + i) * 8;

			if (s->large)
				gmem_write64(&m->gm, pmd,
					     (0x400000 + i * 0x200000) | KPG | _PAGE_PSE);
			else
				gmem_write64(&m->gm, pmd, (0x4000 + i * 0x1000) | KPG);
		}
		for (i = 0; i < 1024 && !s->large; i++)
			gmem_write64(&m->gm, 0x4000 + i * 8, (0x800000 + i * 4096) | KPG);
	}
	return ctx;
}

int main(int argc, char **argv)
{
	struct mem m = { .gm = { .base = calloc(1, RAM), .size = RAM } };
	struct walk_result r;
	size_t i, j;

	if (!m.gm.base)
		return 1;
	if (argc == 4 && !strcmp(argv[1], "loop")) {
		unsigned long n = strtoul(argv[3], NULL, 0), k, bad = 0;

		for (i = 0; i < ARRAY_SIZE(setups); i++)
			if (!strcmp(argv[2], setups[i].name))
				break;
		if (i == ARRAY_SIZE(setups))
			return 2;
		struct walk_ctx ctx = build(&m, &setups[i]);

		for (k = 0; k < n; k++)
			bad += walk(&ctx, VA + (k % 1024) * 4096, &r) != WALK_OK;
		printf("%lu translations, %lu failed\n", n, bad);
		return bad != 0;
	}
	printf("%-10s %22s %22s %22s\n", "mode", "reads/translation(ok)", "reads/unmapped PMD",
	       "reads/not-present PGD");
	for (i = 0; i < ARRAY_SIZE(setups); i++) {
		struct walk_ctx ctx = build(&m, &setups[i]);
		unsigned long ok, np_pte, np_pgd;

		m.reads = 0;
		for (j = 0; j < 1024; j++)
			walk(&ctx, VA + j * 4096, &r);
		ok = m.reads;
		m.reads = 0;
		walk(&ctx, VA + 0x400000, &r); /* past the mapping: its PGD/PMD entry is empty */
		np_pte = m.reads;
		m.reads = 0;
		walk(&ctx, 0x10000000u, &r);
		np_pgd = m.reads;
		printf("%-10s %22.2f %22lu %22lu\n", setups[i].name, ok / 1024.0, np_pte, np_pgd);
	}
	free(m.gm.base);
	return 0;
}
