// SPDX-License-Identifier: GPL-2.0
#include "vmm/core/core.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

/* The escaped form of byte c into out[4]; its length (1 or 4). */
static size_t escape_byte(unsigned char c, char out[4])
{
	static const char hex[] = "0123456789abcdef";

	if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f)) {
		out[0] = (char)c;
		return 1;
	}
	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[c >> 4];
	out[3] = hex[c & 0xf];
	return 4;
}

size_t vmm_escape_text(char *buf, size_t buflen, const char *text, size_t len)
{
	size_t used = 0, i;

	if (!buflen)
		return 0;
	for (i = 0; i < len; i++) {
		char e[4];
		size_t n = escape_byte((unsigned char)text[i], e);

		if (used + n >= buflen)
			break;
		memcpy(buf + used, e, n);
		used += n;
	}
	buf[used] = '\0';
	return used;
}

size_t vmm_fput_text(FILE *out, const char *text, size_t len)
{
	size_t written = 0, i;

	for (i = 0; i < len; i++) {
		char e[4];
		size_t n = escape_byte((unsigned char)text[i], e);

		written += fwrite(e, 1, n, out);
	}
	return written;
}
