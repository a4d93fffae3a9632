/* SPDX-License-Identifier: GPL-2.0 */
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
#ifndef VMM_GUESTMEM_H
#define VMM_GUESTMEM_H

#include <stddef.h>
#include <stdint.h>

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

#endif /* VMM_GUESTMEM_H */
