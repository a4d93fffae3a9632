/* SPDX-License-Identifier: GPL-2.0 */
/* The error numbers the guest returns (negated), Linux's values. */
#ifndef GUEST_ERRNO_H
#define GUEST_ERRNO_H

#define EPERM  1
#define ENOENT 2
#define EIO    5
#define E2BIG  7
#define ENOMEM 12
#define EFAULT 14
#define EBUSY  16
#define EEXIST 17
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34

#endif /* GUEST_ERRNO_H */
