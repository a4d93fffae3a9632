// SPDX-License-Identifier: GPL-2.0
#include "vmm/core/core.h"

#include <stdarg.h>
#include <stdio.h>

int vmm_errf(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}
