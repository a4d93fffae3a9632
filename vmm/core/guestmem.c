// SPDX-License-Identifier: GPL-2.0
#include "vmm/core/core.h"

#include <errno.h>
#include <string.h>

void *gmem_ptr(const struct guest_mem *gm, uint64_t gpa, uint64_t len)
{
	/* Written so that no sum can overflow: gpa < size, len <= size - gpa. */
	if (!gm || !gm->base || len == 0 || gpa >= gm->size || len > gm->size - gpa)
		return NULL;
	return gm->base + gpa;
}

int gmem_read(const struct guest_mem *gm, uint64_t gpa, void *buf, size_t len)
{
	const void *src = gmem_ptr(gm, gpa, len);

	if (!src)
		return -EFAULT;
	memcpy(buf, src, len);
	return 0;
}

int gmem_write(const struct guest_mem *gm, uint64_t gpa, const void *buf, size_t len)
{
	void *dst = gmem_ptr(gm, gpa, len);

	if (!dst)
		return -EFAULT;
	memcpy(dst, buf, len);
	return 0;
}

/* x86 hosts only (the VMM drives /dev/kvm on x86): host order is little-endian. */
int gmem_read32(const struct guest_mem *gm, uint64_t gpa, uint32_t *val)
{
	return gmem_read(gm, gpa, val, sizeof(*val));
}

int gmem_read64(const struct guest_mem *gm, uint64_t gpa, uint64_t *val)
{
	return gmem_read(gm, gpa, val, sizeof(*val));
}

int gmem_write32(const struct guest_mem *gm, uint64_t gpa, uint32_t val)
{
	return gmem_write(gm, gpa, &val, sizeof(val));
}

int gmem_write64(const struct guest_mem *gm, uint64_t gpa, uint64_t val)
{
	return gmem_write(gm, gpa, &val, sizeof(val));
}
