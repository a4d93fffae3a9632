// SPDX-License-Identifier: GPL-2.0
/*
 * The "guest: ..." lines of the demo's text: what the guest printed during
 * an operation is shown line by line, escaped (vmm_fput_text), so an
 * escape sequence in it reaches the terminal as \x1b, never as ESC.
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

static void test_guest_lines_escaped(void **state)
{
	struct demo_session s;
	struct op_outcome o;
	char *buf = NULL;
	size_t len = 0, i;

	(void)state;
	memset(&s, 0, sizeof(s));
	memset(&o, 0, sizeof(o));
	s.out = open_memstream(&buf, &len);
	assert_non_null(s.out);
	o.stopped = true; /* only the guest's text is printed */
	snprintf(o.guest_text, sizeof(o.guest_text), "%s",
		 "a\033[2J\033]0;t\007\n\233"
		 "1Jb\r\tc\n");
	demo_print_outcome(&s, &o);
	fclose(s.out);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (!(c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f)))
			fail_msg("byte 0x%02x at %zu: %s", c, i, buf);
	}
	assert_string_equal(buf, "    guest: a\\x1b[2J\\x1b]0;t\\x07\n"
				 "    guest: \\x9b1Jb\\x0d\tc\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_lines_escaped),
	};

	return cmocka_run_group_tests_name("guest-lines", tests, NULL, NULL);
}
