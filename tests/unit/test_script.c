// SPDX-License-Identifier: GPL-2.0
/*
 * The script parser, table-driven: good lines with what they parse to, bad
 * lines with the message each must give (always "FILE:LINE: ..."), then
 * whole scripts ($N and names across lines), files (missing, NUL bytes,
 * CRLF) and the built-in demo.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "vmm/cli/cli.h"
#include "vmm/core/core.h"

/* Lines parsed after this prefix, so that $1..$3 and a, m exist. */
static const char prefix[] = "a = vmalloc 4096\n"
			     "vmalloc_dma 8K\n"
			     "m = new_mm\n";

struct good_case {
	const char *line;
	enum script_kind kind;
	uint32_t n0, n1, n2;
	enum operand_kind opnd;
	uint32_t value_or_ref; /* OPND_NUM: value; OPND_REF/NAME: ref */
	int64_t offset;
	const char *name;
	const char *text; /* normalised text; NULL: the line itself */
};

static const struct good_case good[] = {
	{ "vmalloc 4096", .kind = SOP_VMALLOC, .n0 = 4096 },
	{ "  vmalloc\t0x2000  ", .kind = SOP_VMALLOC, .n0 = 0x2000, .text = "vmalloc 0x2000" },
	{ "vmalloc 4095M", .kind = SOP_VMALLOC, .n0 = 4095u << 20 },
	{ "vmalloc 0", .kind = SOP_VMALLOC, .n0 = 0 },
	{ "vmalloc_dma 8K", .kind = SOP_VMALLOC_DMA, .n0 = 8192 },
	{ "vmalloc_32 12288 # trailing comment", .kind = SOP_VMALLOC_32, .n0 = 12288,
	  .text = "vmalloc_32 12288" },
	{ "b = vmalloc 4M", .kind = SOP_VMALLOC, .n0 = 4u << 20 },
	{ "vmap 2 normal prot=0x3", .kind = SOP_VMAP, .n0 = 2, .n1 = 1, .n2 = 3 },
	{ "vmap 64 dma", .kind = SOP_VMAP, .n0 = 64, .n1 = 0, .n2 = 0 },
	{ "v = vmap 1 highmem prot=0x103", .kind = SOP_VMAP, .n0 = 1, .n1 = 2, .n2 = 0x103 },
	{ "vfree $1", .kind = SOP_VFREE, .opnd = OPND_REF, .value_or_ref = 1 },
	{ "vfree $2+4", .kind = SOP_VFREE, .opnd = OPND_REF, .value_or_ref = 2, .offset = 4 },
	{ "vfree a", .kind = SOP_VFREE, .opnd = OPND_NAME, .value_or_ref = 1, .name = "a" },
	{ "vfree a-0x10", .kind = SOP_VFREE, .opnd = OPND_NAME, .value_or_ref = 1, .offset = -16,
	  .name = "a" },
	{ "vfree 0xc8800000", .kind = SOP_VFREE, .opnd = OPND_NUM, .value_or_ref = 0xc8800000u },
	{ "vfree vmlist+8", .kind = SOP_VFREE, .opnd = OPND_NAME, .value_or_ref = 0, .offset = 8,
	  .name = "vmlist" },
	{ "vmap_put $1", .kind = SOP_VMAP_PUT, .opnd = OPND_REF, .value_or_ref = 1 },
	{ "probe read a+4096", .kind = SOP_PROBE_READ, .opnd = OPND_NAME, .value_or_ref = 1,
	  .offset = 4096, .name = "a" },
	{ "probe write a 0x12345678", .kind = SOP_PROBE_WRITE, .n0 = 0x12345678, .opnd = OPND_NAME,
	  .value_or_ref = 1, .name = "a" },
	{ "fill a 4096", .kind = SOP_FILL, .n0 = 4096, .n1 = 0, .opnd = OPND_NAME,
	  .value_or_ref = 1, .name = "a" },
	{ "check a 4K seed=7", .kind = SOP_CHECK, .n0 = 4096, .n1 = 7, .opnd = OPND_NAME,
	  .value_or_ref = 1, .name = "a" },
	{ "new_mm", .kind = SOP_NEW_MM },
	{ "switch_mm m", .kind = SOP_SWITCH_MM, .opnd = OPND_NAME, .value_or_ref = 3, .name = "m" },
	{ "switch_mm 0", .kind = SOP_SWITCH_MM, .opnd = OPND_NUM, .value_or_ref = 0 },
	{ "touch a+0x3ff000", .kind = SOP_TOUCH, .opnd = OPND_NAME, .value_or_ref = 1,
	  .offset = 0x3ff000, .name = "a" },
	{ "fault_inject page 3", .kind = SOP_FAULT_INJECT, .n0 = FI_ALLOC_PAGE, .n1 = 3 },
	{ "fault_inject slab 0", .kind = SOP_FAULT_INJECT, .n0 = FI_KMALLOC, .n1 = 0 },
	{ "vmalloc 4294967295", .kind = SOP_VMALLOC, .n0 = 0xffffffffu },
};

struct bad_case {
	const char *line;
	const char *msg; /* after "t.vmm:4: " */
};

static const struct bad_case bad[] = {
	{ "vmaloc 4096", "unknown operation 'vmaloc'" },
	{ "vmalloc", "'vmalloc' needs SIZE" },
	{ "vmalloc 1 2", "unexpected '2' after 'vmalloc'" },
	{ "vmalloc x", "size 'x' is not a number" },
	{ "vmalloc 4096Q", "size '4096Q': unexpected 'Q' after the number" },
	{ "vmalloc 4294967296", "size '4294967296' does not fit in 32 bits" },
	{ "vmalloc 4G", "size '4G' does not fit in 32 bits" },
	{ "vmalloc 0x", "size '0x' is not a number" },
	{ "vmalloc -1", "size '-1' is not a number" },
	{ "vmap 0 normal", "vmap count 0: at least one page" },
	{ "vmap 65 normal", "vmap count '65' is too large (at most 64)" },
	{ "vmap 2 lowmem", "vmap zone 'lowmem': use dma, normal or highmem" },
	{ "vmap 2 normal 3", "vmap: expected prot=P, got '3'" },
	{ "vmap 2 normal prot=", "'prot=' needs a value" },
	{ "vmap 2", "'vmap' needs COUNT dma|normal|highmem [prot=P]" },
	{ "vfree", "'vfree' needs ADDR" },
	{ "vfree $0", "'$0': operations count from $1" },
	{ "vfree $4", "'$4' refers to operation 4, which is not before this one (operation 4)" },
	{ "vfree $9", "'$9' refers to operation 9, which is not before this one" },
	{ "vfree $", "'$' needs an operation number" },
	{ "vfree $x", "operation number 'x' is not a number" },
	{ "vfree a+", "address 'a+': nothing after '+'" },
	{ "vfree a+b", "offset 'b' is not a number" },
	{ "vfree @x", "'@x' is not an address" },
	{ "vfree a.b!c", "name 'a.b!c': unexpected '!'" },
	{ "vfree aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "is longer than 31 characters" },
	{ "probe", "'probe' needs 'read ADDR' or 'write ADDR VALUE'" },
	{ "probe peek a", "'probe' needs 'read ADDR' or 'write ADDR VALUE'" },
	{ "probe write a", "'probe write' needs ADDR VALUE" },
	{ "probe read a 1", "unexpected '1' after 'probe read'" },
	{ "fill a", "'fill' needs ADDR BYTES [seed=N]" },
	{ "check a 4096 salt=1", "check: expected seed=N, got 'salt=1'" },
	{ "new_mm 1", "unexpected '1' after 'new_mm'" },
	{ "fault_inject disk 3", "fault_inject 'disk': use page or slab" },
	{ "fault_inject page", "'fault_inject' needs page|slab N" },
	{ "a = vmalloc 1", "name 'a' is already the result of line 1" },
	{ "x = vfree a", "'vfree' returns nothing to name 'x'" },
	{ "vmalloc = vmalloc 1", "'vmalloc' is an operation and cannot be a name" },
	{ "1x = vmalloc 1", "'1x' cannot be a name" },
	{ "x =", "nothing after 'x ='" },
	{ "vfree $2 extra", "unexpected 'extra' after 'vfree'" },
	{ "vmalloc 1 2 3 4 5 6 7 8 9", "too many words (at most 8)" },
	{ "vmalloc\x01 1", "byte 0x01 at column 8: only printable ASCII is allowed" },
	{ "vmalloc \xc3\xa9", "byte 0xc3 at column 9" },
};

static void parse_prefix(struct script *s)
{
	char err[512] = "";

	script_init(s, "t.vmm");
	if (script_parse_text(s, NULL, prefix, err, sizeof(err)))
		fail_msg("prefix: %s", err);
}

static void test_good_lines(void **state)
{
	size_t i, nbad = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		const struct good_case *c = &good[i];
		const struct script_op *op;
		struct script s;
		char err[512] = "";
		uint32_t got;

		parse_prefix(&s);
		if (script_parse_line(&s, c->line, 4, err, sizeof(err))) {
			print_error("'%s': unexpected error '%s'\n", c->line, err);
			nbad++;
			script_free(&s);
			continue;
		}
		op = &s.ops[s.nr - 1];
		got = op->addr.kind == OPND_NUM ? op->addr.value : op->addr.ref;
		if (op->kind != c->kind || op->n[0] != c->n0 || op->n[1] != c->n1 ||
		    op->n[2] != c->n2 || op->addr.kind != (c->opnd ? c->opnd : OPND_NONE) ||
		    (c->opnd && got != c->value_or_ref) || op->addr.offset != c->offset ||
		    strcmp(op->addr.name, c->name ? c->name : "") ||
		    strcmp(op->text, c->text ? c->text : c->line) || op->line != 4 ||
		    op->number != 4) {
			print_error("'%s': kind %d n %u %u %u operand %d %u%+lld '%s' text '%s' "
				    "number %u\n",
				    c->line, op->kind, op->n[0], op->n[1], op->n[2], op->addr.kind,
				    got, (long long)op->addr.offset, op->addr.name, op->text,
				    op->number);
			nbad++;
		}
		script_free(&s);
	}
	assert_int_equal(nbad, 0);
}

static void test_bad_lines(void **state)
{
	size_t i, nbad = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		const struct bad_case *c = &bad[i];
		struct script s;
		char err[512] = "";
		size_t nr;
		int ret;

		parse_prefix(&s);
		nr = s.nr;
		ret = script_parse_line(&s, c->line, 4, err, sizeof(err));
		if (ret != -EINVAL || strncmp(err, "t.vmm:4: ", 9) || !strstr(err, c->msg) ||
		    s.nr != nr) {
			print_error("'%s': expected -EINVAL 't.vmm:4: ...%s...', got %d '%s'\n",
				    c->line, c->msg, ret, err);
			nbad++;
		}
		script_free(&s);
	}
	assert_int_equal(nbad, 0);
}

static void test_whole_script(void **state)
{
	static const char text[] = "# the demo's syntax\n"
				   "\n"
				   "a = vmalloc 4096\n"
				   "v = vmap 2 normal prot=0x3\n"
				   "   # indented comment\n"
				   "probe read $2\n"
				   "vfree a\n"
				   "vfree $2\n"
				   "vfree $3\n";
	struct script s;
	char err[512] = "";

	(void)state;
	script_init(&s, NULL);
	assert_int_equal(script_parse_text(&s, "w.vmm", text, err, sizeof(err)), -EINVAL);
	/* Line 9: $3 is the probe, which returns no address. */
	assert_string_equal(err, "w.vmm:9: '$3' refers to 'probe read $2' (line 6), which returns "
				 "no address");
	assert_int_equal(s.nr_operations, 5);
	assert_int_equal(s.nr, 7);
	assert_int_equal(s.ops[0].kind, SOP_COMMENT);
	assert_string_equal(s.ops[0].text, "the demo's syntax");
	assert_int_equal(s.ops[3].kind, SOP_COMMENT);
	assert_string_equal(s.ops[3].text, "indented comment");
	assert_int_equal(s.ops[4].number, 3);
	assert_int_equal(s.ops[4].line, 6);
	assert_non_null(script_find_name(&s, "v", 3));
	assert_null(script_find_name(&s, "v", 2));
	script_free(&s);
}

static void test_lines_too_long_and_too_many(void **state)
{
	char line[SCRIPT_LINE_MAX + 8], err[512];
	struct script s;
	unsigned int i;
	int ret = 0;

	(void)state;
	memset(line, ' ', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	memcpy(line, "vmalloc 1", 9);
	script_init(&s, "long.vmm");
	assert_int_equal(script_parse_line(&s, line, 2, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "long.vmm:2: line longer than"));
	for (i = 1; i <= SCRIPT_OPS_MAX + 1 && !ret; i++)
		ret = script_parse_line(&s, "vmalloc 1", i, err, sizeof(err));
	assert_int_equal(ret, -E2BIG);
	assert_int_equal(s.nr, SCRIPT_OPS_MAX);
	snprintf(line, sizeof(line), "long.vmm:%u: more than %u lines", SCRIPT_OPS_MAX + 1,
		 SCRIPT_OPS_MAX);
	assert_non_null(strstr(err, line));
	script_free(&s);
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void test_files(void **state)
{
	char path[] = "/tmp/test_script_XXXXXX";
	struct script s;
	char err[512];
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);

	script_init(&s, NULL);
	write_file(path, "a = vmalloc 4096\r\nvfree a\r\n", 27);
	assert_int_equal(script_parse_file(&s, path, err, sizeof(err)), 0);
	assert_int_equal(s.nr_operations, 2);
	assert_string_equal(s.ops[1].text, "vfree a");
	script_free(&s);

	write_file(path, "vmalloc 1\nvmalloc 2\nvm\0alloc 3\n", 31);
	assert_int_equal(script_parse_file(&s, path, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, ":3: NUL byte"));
	script_free(&s);

	write_file(path, "vmalloc 1\n\nvfree nope+\n", 23);
	assert_int_equal(script_parse_file(&s, path, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, ":3: address 'nope+': nothing after '+'"));
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	script_free(&s);

	unlink(path);
	assert_int_equal(script_parse_file(&s, path, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "cannot open the script"));
	script_free(&s);
}

/* The built-in demo parses, and every name it uses is its own. */
static void test_demo_parses(void **state)
{
	struct script s;
	char err[512] = "";
	size_t i;

	(void)state;
	script_init(&s, NULL);
	if (script_parse_text(&s, "demo", demo_script, err, sizeof(err)))
		fail_msg("the demo does not parse: %s", err);
	/* The README's "demo: 33 operations". */
	assert_int_equal(s.nr_operations, 33);
	for (i = 0; i < s.nr; i++)
		if (s.ops[i].addr.kind == OPND_NAME)
			assert_int_not_equal(s.ops[i].addr.ref, 0);
	script_free(&s);
}

static void test_operand_format(void **state)
{
	struct script_operand o = { .kind = OPND_NAME, .offset = -16, .name = "a" };
	char buf[64];

	(void)state;
	script_operand_format(&o, buf, sizeof(buf));
	assert_string_equal(buf, "a-0x10");
	o = (struct script_operand){ .kind = OPND_REF, .ref = 2, .offset = 4 };
	script_operand_format(&o, buf, sizeof(buf));
	assert_string_equal(buf, "$2+0x4");
	o = (struct script_operand){ .kind = OPND_NUM, .value = 0xc8800000u };
	script_operand_format(&o, buf, sizeof(buf));
	assert_string_equal(buf, "0xc8800000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_lines),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_whole_script),
		cmocka_unit_test(test_lines_too_long_and_too_many),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_demo_parses),
		cmocka_unit_test(test_operand_format),
	};

	return cmocka_run_group_tests_name("script", tests, NULL, NULL);
}
