/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The --json trace: JSON lines (one object per line) written with jansson.
 * jansson refuses strings that are not UTF-8, and the guest may print any
 * bytes, so every string from outside goes through json_text(), which
 * replaces each byte that does not belong to a valid UTF-8 sequence with
 * U+FFFD: the trace is valid UTF-8 JSON whatever the guest prints.
 */
#ifndef VMM_JSON_H
#define VMM_JSON_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

/*
 * s as a JSON string, invalid UTF-8 replaced (NULL s: JSON null); NULL only
 * when out of memory.  The caller owns the reference.
 */
json_t *json_text(const char *s);

/* An address or entry as a "0x..." string (JSON numbers lose 64-bit precision). */
json_t *json_hex(uint64_t val);

/*
 * Write obj as one compact line to f and flush; takes the reference (obj may
 * be NULL: out of memory).  0, or -ENOMEM / -EIO.
 */
int json_write_line(FILE *f, json_t *obj);

/*
 * Copy s into out (outlen bytes, NUL-terminated, truncated only at a
 * character boundary) with every invalid UTF-8 byte replaced by U+FFFD;
 * returns the length the whole result needs, without the NUL.
 */
size_t utf8_sanitize(const char *s, char *out, size_t outlen);

#endif /* VMM_JSON_H */
