// SPDX-License-Identifier: GPL-2.0
/*
 * The --json trace stays valid UTF-8 JSON whatever bytes the guest prints:
 * an outcome whose guest text holds invalid UTF-8 is written by the same
 * functions as a real run (demo_outcome_json, json_write_line), read back
 * with jansson's strict parser (which refuses invalid UTF-8), and each bad
 * byte must have become U+FFFD while valid text passes unchanged.
 */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/cli/cli.h"

#define FFFD "\xef\xbf\xbd"

static void test_sanitize_cases(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain ascii\n", "plain ascii\n" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
		{ "a\xff"
		  "b",
		  "a" FFFD "b" },			     /* never valid */
		{ "\xc3", FFFD },			     /* truncated at the end */
		{ "\xc3(", FFFD "(" },			     /* bad continuation */
		{ "\xc0\xaf", FFFD FFFD },		     /* overlong '/' */
		{ "\xe0\x80\xaf", FFFD FFFD FFFD },	     /* overlong, 3 bytes */
		{ "\xed\xa0\x80", FFFD FFFD FFFD },	     /* a surrogate */
		{ "\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD }, /* above U+10FFFF */
		{ "\x80x", FFFD "x" },			     /* lone continuation */
	};
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t need = utf8_sanitize(cases[i].in, out, sizeof(out));

		assert_string_equal(out, cases[i].out);
		assert_int_equal(need, strlen(cases[i].out));
	}
	/* Truncation stops before a character that does not fit whole. */
	assert_int_equal(utf8_sanitize("ab\xff", out, 5), 5);
	assert_string_equal(out, "ab");
}

static void test_outcome_json_invalid_utf8(void **state)
{
	static const char guest[] = "vfree: bad \xff\xfe address \xc3(\n\x01 caf\xc3\xa9";
	struct script_op op = { .kind = SOP_VFREE, .number = 3, .line = 7 };
	struct op_outcome o;
	json_error_t jerr;
	json_t *back, *val;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	memset(&o, 0, sizeof(o));
	snprintf(op.text, sizeof(op.text), "vfree \xe9t\xe9");
	o.op = &op;
	o.cmd = CMD_VFREE;
	o.nargs = 1;
	o.args[0] = 0xc8800004;
	o.reply.status = ST_EINVAL;
	snprintf(o.guest_text, sizeof(o.guest_text), "%s", guest);
	o.checked = true;
	o.report.rules_run = 2;
	o.report.nr_observations = 1;
	snprintf(o.report.observations[0], sizeof(o.report.observations[0]), "seen \x80");

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(json_write_line(f, demo_outcome_json(&o)), 0);
	fclose(f);
	assert_true(len > 0 && buf[len - 1] == '\n');

	back = json_loadb(buf, len, JSON_DISABLE_EOF_CHECK, &jerr);
	if (!back)
		fail_msg("trace line is not valid UTF-8 JSON: %s: %s", jerr.text, buf);
	val = json_object_get(back, "guest");
	assert_true(json_is_string(val));
	assert_string_equal(json_string_value(val),
			    "vfree: bad " FFFD FFFD " address " FFFD "(\n\x01 caf\xc3\xa9");
	assert_string_equal(json_string_value(json_object_get(back, "op")), "vfree " FFFD "t" FFFD);
	assert_string_equal(
		json_string_value(json_array_get(
			json_object_get(json_object_get(back, "checks"), "observations"), 0)),
		"seen " FFFD);
	assert_string_equal(json_string_value(json_object_get(back, "type")), "op");
	assert_string_equal(json_string_value(json_object_get(back, "status")),
			    "refused (bad argument, nothing done)");
	json_decref(back);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize_cases),
		cmocka_unit_test(test_outcome_json_invalid_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
