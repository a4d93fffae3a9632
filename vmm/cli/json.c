// SPDX-License-Identifier: GPL-2.0
#include "vmm/cli/cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/*
 * Length of the well-formed UTF-8 sequence at s (Unicode 15, table 3-7: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0.
 */
static size_t utf8_seq_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0; /* overlong below U+0800 */
		else if (s[0] == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90; /* overlong below U+10000 */
		else if (s[0] == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else {
		return 0;
	}
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0; /* also stops at the NUL */
	return n;
}

size_t utf8_sanitize(const char *s, char *out, size_t outlen)
{
	static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */
	const unsigned char *p = (const unsigned char *)s;
	size_t need = 0, written = 0;

	while (*p) {
		size_t n = utf8_seq_len(p), len = n ? n : 3;

		/* Nothing after the first character that does not fit whole. */
		if (out && written == need && need + len < outlen) {
			memcpy(out + need, n ? (const char *)p : replacement, len);
			written += len;
		}
		need += len;
		p += n ? n : 1;
	}
	if (out && outlen)
		out[written] = '\0';
	return need;
}

json_t *json_text(const char *s)
{
	size_t need;
	json_t *j;
	char *buf;

	if (!s)
		return json_null();
	need = utf8_sanitize(s, NULL, 0);
	buf = malloc(need + 1);
	if (!buf)
		return NULL;
	utf8_sanitize(s, buf, need + 1);
	j = json_stringn(buf, need);
	free(buf);
	return j;
}

json_t *json_hex(uint64_t val)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, val);
	return json_string(buf);
}

int json_write_line(FILE *f, json_t *obj)
{
	int ret = 0;

	if (!obj)
		return -ENOMEM;
	/* ENSURE_ASCII: with `--json -` the trace goes to a terminal; no guest byte
	 * may reach it as a control character (C1 included). */
	if (json_dumpf(obj, f, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) ||
	    fputc('\n', f) == EOF || fflush(f))
		ret = -EIO;
	json_decref(obj);
	return ret;
}
