// SPDX-License-Identifier: GPL-2.0
#include "vmm/cli/json.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void json_init(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->first[0] = true;
}

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

size_t json_escape(const char *s, char *out, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t need = 0;

	while (*p) {
		char tmp[8];
		const char *rep = tmp;
		size_t n, u = *p >= 0x80 ? utf8_len(p) : 0;

		if (u) {
			n = u;
			memcpy(tmp, p, n);
			p += n;
		} else {
			switch (*p) {
			case '"':
				rep = "\\\"";
				break;
			case '\\':
				rep = "\\\\";
				break;
			case '\n':
				rep = "\\n";
				break;
			case '\r':
				rep = "\\r";
				break;
			case '\t':
				rep = "\\t";
				break;
			default:
				if (*p < 0x20 || *p >= 0x7f)
					snprintf(tmp, sizeof(tmp), "\\u%04x", *p);
				else
					tmp[0] = (char)*p, tmp[1] = '\0';
			}
			n = strlen(rep);
			p++;
		}
		if (out && need + n < len)
			memcpy(out + need, rep, n);
		need += n;
	}
	if (out && len)
		out[need < len ? need : len - 1] = '\0';
	return need;
}

static void put_escaped(FILE *f, const char *s)
{
	char buf[512];
	size_t need = json_escape(s, buf, sizeof(buf));

	if (need < sizeof(buf)) {
		fprintf(f, "\"%s\"", buf);
	} else {
		char *big = malloc(need + 1);

		if (big) {
			json_escape(s, big, need + 1);
			fprintf(f, "\"%s\"", big);
			free(big);
		} else {
			fprintf(f, "\"%s\"", buf); /* truncated, still valid */
		}
	}
}

/* Separator and key before a value. */
static void member(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
	if (key) {
		put_escaped(j->f, key);
		fputc(':', j->f);
	}
}

static void json_open(struct json *j, const char *key, char c)
{
	assert(j->depth < JSON_MAX_DEPTH);
	if (j->depth)
		member(j, key);
	fputc(c, j->f);
	j->first[++j->depth] = true;
}

static void json_close(struct json *j, char c)
{
	assert(j->depth > 0);
	fputc(c, j->f);
	if (--j->depth == 0) {
		fputc('\n', j->f);
		fflush(j->f);
	}
}

void json_object_begin(struct json *j, const char *key)
{
	json_open(j, key, '{');
}

void json_object_end(struct json *j)
{
	json_close(j, '}');
}

void json_array_begin(struct json *j, const char *key)
{
	json_open(j, key, '[');
}

void json_array_end(struct json *j)
{
	json_close(j, ']');
}

void json_str(struct json *j, const char *key, const char *val)
{
	member(j, key);
	if (val)
		put_escaped(j->f, val);
	else
		fputs("null", j->f);
}

void json_u64(struct json *j, const char *key, uint64_t val)
{
	member(j, key);
	fprintf(j->f, "%" PRIu64, val);
}

void json_bool(struct json *j, const char *key, bool val)
{
	member(j, key);
	fputs(val ? "true" : "false", j->f);
}

void json_hex(struct json *j, const char *key, uint64_t val)
{
	member(j, key);
	fprintf(j->f, "\"0x%" PRIx64 "\"", val);
}
