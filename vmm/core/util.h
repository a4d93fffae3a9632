/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the VMM library. */
#ifndef VMM_UTIL_H
#define VMM_UTIL_H

#include <stddef.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Format a message into err (if given) and return ret: library functions
 * report a failure and return its negative errno in one statement. */
int vmm_errf(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif /* VMM_UTIL_H */
