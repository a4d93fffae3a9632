// SPDX-License-Identifier: GPL-2.0
/*
 * `--json -` puts the trace on stdout, so the guest's text in it must not
 * reach the terminal as control bytes either: a trace line is printable
 * ASCII only (jansson escapes C0 controls; ENSURE_ASCII makes C1 controls
 * such as U+009B, a one-byte CSI, and all other non-ASCII \uXXXX too) and
 * reads back as the same text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/cli/cli.h"

static void test_trace_line_is_ascii(void **state)
{
	static const char text[] = "esc \033[2J csi \xc2\x9b"
				   "1J caf\xc3\xa9 bel \a";
	json_t *back;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;

	(void)state;
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(json_write_line(f, json_pack("{s:o}", "guest", json_text(text))), 0);
	fclose(f);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (!(c == '\n' || (c >= 0x20 && c < 0x7f)))
			fail_msg("byte 0x%02x at %zu of the trace line: %s", c, i, buf);
	}
	back = json_loadb(buf, len, JSON_DISABLE_EOF_CHECK, NULL);
	assert_non_null(back);
	assert_string_equal(json_string_value(json_object_get(back, "guest")), text);
	json_decref(back);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_line_is_ascii),
	};

	return cmocka_run_group_tests_name("json-ascii", tests, NULL, NULL);
}
