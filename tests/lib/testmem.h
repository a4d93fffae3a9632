/* SPDX-License-Identifier: GPL-2.0 */
/* Synthetic guest RAM in a host buffer, for the unit tests that build page
 * tables by hand (walker, diff, dumps). */
#ifndef TESTS_LIB_TESTMEM_H
#define TESTS_LIB_TESTMEM_H

#include <stdint.h>

#include "vmm/core/core.h"

/* size bytes of zeroed guest RAM at gm; fails the test if out of memory. */
void testmem_init(struct guest_mem *gm, uint64_t size);
void testmem_free(struct guest_mem *gm);

/* Store v at gpa; fails the test, naming gpa, v and the error, if the
 * store does not fit in RAM. */
void testmem_put32(struct guest_mem *gm, uint64_t gpa, uint32_t v);
void testmem_put64(struct guest_mem *gm, uint64_t gpa, uint64_t v);

#endif /* TESTS_LIB_TESTMEM_H */
