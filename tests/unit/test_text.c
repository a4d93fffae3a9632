// SPDX-License-Identifier: GPL-2.0
/*
 * The filter on guest text (vmm_escape_text, vmm_fput_text): printable
 * ASCII, newline and tab pass; every other byte, escape sequences and C1
 * controls included, comes out as \xNN; a short buffer never gets half an
 * escape.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/core/core.h"

static void test_escape_every_byte(void **state)
{
	char in[256], out[4 * 256 + 1];
	size_t i, n, raw = 0;

	(void)state;
	for (i = 0; i < 256; i++)
		in[i] = (char)i;
	n = vmm_escape_text(out, sizeof(out), in, sizeof(in));
	assert_int_equal(n, strlen(out));
	/* 95 printable + \n + \t pass; the other 159 bytes take 4 each. */
	assert_int_equal(n, 97 + 159 * 4);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)out[i];

		if (!(c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f)))
			raw++;
	}
	assert_int_equal(raw, 0);
	assert_non_null(strstr(out, "\\x1b"));
	assert_non_null(strstr(out, "\\x9b"));
	assert_non_null(strstr(out, "\\x7f"));
	assert_non_null(strstr(out, "\\x00"));
	assert_non_null(strstr(out, "\\x0d"));
}

static void test_escape_sequence(void **state)
{
	static const char csi[] = "a\033[2J\tb\n\r";
	char out[64];

	(void)state;
	vmm_escape_text(out, sizeof(out), csi, sizeof(csi) - 1);
	assert_string_equal(out, "a\\x1b[2J\tb\n\\x0d");
}

static void test_escape_short_buffer(void **state)
{
	char out[6];

	(void)state;
	/* "ab" fits, the escape of ESC (4 bytes) would not fit whole with the NUL. */
	assert_int_equal(vmm_escape_text(out, sizeof(out), "ab\033c", 4), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(vmm_escape_text(out, 1, "ab", 2), 0);
	assert_string_equal(out, "");
	assert_int_equal(vmm_escape_text(out, 0, "ab", 2), 0);
}

static void test_fput_text(void **state)
{
	char *buf = NULL;
	size_t len = 0, n;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	n = vmm_fput_text(f, "x\033]0;t\007y", 8);
	fclose(f);
	assert_string_equal(buf, "x\\x1b]0;t\\x07y");
	assert_int_equal(n, strlen(buf));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_every_byte),
		cmocka_unit_test(test_escape_sequence),
		cmocka_unit_test(test_escape_short_buffer),
		cmocka_unit_test(test_fput_text),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
