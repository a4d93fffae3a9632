/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer for --json: one object per line (JSON
 * lines).  Strings are escaped per RFC 8259 (quote, backslash, control
 * characters as \uXXXX; bytes >= 0x80 that are not UTF-8 become \u00XX
 * so the output is always valid).  Nesting is bounded; misuse is a bug
 * caught by assertions, never malformed output.
 */
#ifndef VMM_JSON_H
#define VMM_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 8

struct json {
	FILE *f;
	int depth;
	bool first[JSON_MAX_DEPTH + 1]; /* no member written yet at this depth */
};

void json_init(struct json *j, FILE *f);

/* Containers: key is NULL inside an array or at the top level. */
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j); /* at depth 0: also writes the newline */
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);

void json_str(struct json *j, const char *key, const char *val);
void json_u64(struct json *j, const char *key, uint64_t val);
void json_bool(struct json *j, const char *key, bool val);
/* An address or entry as a "0x..." string (JSON numbers lose 64-bit precision). */
void json_hex(struct json *j, const char *key, uint64_t val);

/* The escaped form of s (without quotes) into out; returns the length it needs. */
size_t json_escape(const char *s, char *out, size_t len);

#endif /* VMM_JSON_H */
