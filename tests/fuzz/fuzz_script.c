// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the script parser (script_parse_text) over arbitrary
 * text.  The input is the script (a NUL is added; an embedded NUL ends the
 * text, as it would in a file read by script_parse_file).  A refusal must
 * say "fuzz.vmm:LINE: ..."; an accepted script's operations are formatted
 * back (script_operand_format, script_kind_name) and their names resolved
 * (script_find_name), which reads every field the parser filled.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/ram.h"
#include "vmm/cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct script s;
	char err[512] = "", buf[SCRIPT_LINE_MAX + 64];
	char *text = malloc(size + 1);
	int ret;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	script_init(&s, "fuzz.vmm");
	ret = script_parse_text(&s, "fuzz.vmm", text, err, sizeof(err));
	if (ret) {
		if (strncmp(err, "fuzz.vmm", 8) != 0)
			fuzz_abort("a refusal that does not name the script", err);
	} else {
		unsigned int ops = 0;

		for (size_t i = 0; i < s.nr; i++) {
			const struct script_op *op = &s.ops[i];

			if (op->kind >= SOP_NR_KINDS)
				fuzz_abort("parsed", "operation kind out of range");
			if (!script_kind_name(op->kind))
				fuzz_abort("parsed", "operation kind without a name");
			script_operand_format(&op->addr, buf, sizeof(buf));
			if (op->addr.kind == OPND_NAME)
				script_find_name(&s, op->addr.name, op->number);
			if (op->def[0])
				script_find_name(&s, op->def, op->number + 1);
			ops += op->kind != SOP_COMMENT;
		}
		if (ops != s.nr_operations)
			fuzz_abort("parsed", "nr_operations disagrees with the operations");
	}
	script_free(&s);
	free(text);
	return 0;
}
