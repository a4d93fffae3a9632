/* SPDX-License-Identifier: GPL-2.0 */
/* Direct-map address conversion (Linux 2.4 include/asm-i386/page.h). */
#ifndef GUEST_PAGE_H
#define GUEST_PAGE_H

#include "shared/layout.h"
#include "shared/mmu.h"

/* Same tokens as mm.h's, which defines them too when included first. */
#ifndef __va
#define __pa(x) ((unsigned long)(x)-PAGE_OFFSET)
#define __va(x) ((void *)((unsigned long)(x) + PAGE_OFFSET))
#endif

#define PAGE_ALIGN(addr) (((addr) + PAGE_SIZE - 1) & PAGE_MASK)

#define PFN_UP(x)   (((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_DOWN(x) ((x) >> PAGE_SHIFT)
#define PFN_PHYS(x) ((x) << PAGE_SHIFT)

#endif /* GUEST_PAGE_H */
