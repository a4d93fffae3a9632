// SPDX-License-Identifier: GPL-2.0
#include "tests/lib/testmem.h"

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

void testmem_init(struct guest_mem *gm, uint64_t size)
{
	gm->base = calloc(1, size);
	gm->size = size;
	if (!gm->base)
		fail_msg("cannot allocate %" PRIu64 " bytes of test guest RAM", size);
}

void testmem_free(struct guest_mem *gm)
{
	free(gm->base);
	gm->base = NULL;
	gm->size = 0;
}

void testmem_put32(struct guest_mem *gm, uint64_t gpa, uint32_t v)
{
	int ret = gmem_write32(gm, gpa, v);

	if (ret)
		fail_msg("writing 0x%08" PRIx32 " at gpa 0x%" PRIx64 " (RAM 0x%" PRIx64 "): %d", v,
			 gpa, gm->size, ret);
}

void testmem_put64(struct guest_mem *gm, uint64_t gpa, uint64_t v)
{
	int ret = gmem_write64(gm, gpa, v);

	if (ret)
		fail_msg("writing 0x%016" PRIx64 " at gpa 0x%" PRIx64 " (RAM 0x%" PRIx64 "): %d", v,
			 gpa, gm->size, ret);
}
