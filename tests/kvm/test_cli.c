// SPDX-License-Identifier: GPL-2.0
/*
 * The vmm binary as a user runs it: build/bin/vmm started with posix_spawn,
 * stdout and stderr captured, exit status checked.  The demo in both paging
 * modes ends with its summary and no violation; a fixed script on a fixed
 * configuration (64M, --no-check, so the text does not depend on which rules
 * the checker has) prints exactly the hand-checked text below, and so do
 * --dump vmallocinfo,tlb,mem and --vtop after it; bad script lines and bad
 * options exit 64 naming what is wrong.
 *
 * The expected texts were checked by hand against the layout: 64M RAM puts
 * high_memory at 0xc4000000 and VMALLOC_START at 0xc4800000 (+8 MiB,
 * 8 MiB aligned); its 2-level PGD entry is swapper_pg_dir + 0x312 * 4; the
 * first free frame after the kernel image is _end's (DMA).  Those two move
 * whenever the guest grows, so the texts name them as {S} (swapper_pg_dir's
 * frame) and {F} (_end's frame), read from guest.elf's symbols; under PAE
 * the kernel PMD page is {F}+3 ({P}) and the first data frame {F}+4 ({Q}),
 * after the boot allocator's PDPT and PMD pages.  Every other digit is fixed.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "shared/layout.h"
#include "tests/lib/testvm.h"
#include "tests/lib/vmmproc.h"
#include "vmm/core/core.h"
#include "vmm/inspect/inspect.h"

/* The line of text that holds offset i, as "%.*s" arguments. */
static int line_len(const char *text, size_t i, const char **start)
{
	size_t b = i, e = i;

	while (b && text[b - 1] != '\n')
		b--;
	while (text[e] && text[e] != '\n')
		e++;
	*start = text + b;
	return (int)(e - b);
}

/* Exact comparison, showing the first differing line of each side, then
 * both whole (CMocka's print_error() cuts long messages, so each part is
 * printed on its own). */
static void expect_text(const char *got, const char *want)
{
	const char *gl, *wl;
	size_t line = 1, i;
	int gn, wn;

	for (i = 0; got[i] && got[i] == want[i]; i++)
		line += got[i] == '\n';
	if (got[i] == want[i])
		return;
	wn = line_len(want, i, &wl);
	gn = line_len(got, i, &gl);
	print_error("output differs at line %zu:\n  expected: %.*s\n  actual:   %.*s\n", line, wn,
		    wl, gn, gl);
	fprintf(stderr, "--- expected:\n%s\n--- actual:\n%s\n", want, got);
	fail();
}

static char script_path[] = "/tmp/test_cli_script_XXXXXX";

static const char script[] = "# a small script\n"
			     "a = vmalloc 8K\n"
			     "v = vmap 1 dma prot=0x103\n"
			     "vfree a+4\n"
			     "vfree a\n"
			     "vfree $2\n"
			     "vmap_put v\n"
			     "b = vmalloc_dma 4096\n";

static const char script_out[] =
	"# a small script\n"
	"[1] a = vmalloc 8K\n"
	"    -> 0xc4800000; frames: pfn 0x3f62 (Normal), pfn 0x3f63 (Normal)\n"
	"    PGD c4800000 @0x00{S}c48: 00000000 -> 03f61063 [P RW A D]\n"
	"    PTE c4800000 @0x03f61000: 00000000 -> 03f62163 [P RW A D G]\n"
	"    PTE c4801000 @0x03f61004: 00000000 -> 03f63163 [P RW A D G]\n"
	"    flushes: none\n"
	"[2] v = vmap 1 dma prot=0x103\n"
	"    -> 0xc4803000; frames: pfn 0x{F} (DMA)\n"
	"    PTE c4803000 @0x03f6100c: 00000000 -> 00{F}103 [P RW G]\n"
	"    flushes: none\n"
	"[3] vfree a+4\n"
	"    -> no area freed\n"
	"    guest: Trying to vfree() bad address (c4800004)\n"
	"    flushes: none\n"
	"[4] vfree a\n"
	"    -> freed 1 area: 2 page references dropped, 2 pages back on the free lists\n"
	"    PTE c4800000 @0x03f61000: 03f62163 -> 00000000 [none]\n"
	"    PTE c4801000 @0x03f61004: 03f63163 -> 00000000 [none]\n"
	"    flushes: 1 flush_tlb_all; cr4_writes +2\n"
	"[5] vfree $2\n"
	"    -> freed 1 area: 1 page reference dropped, 1 page back on the free lists\n"
	"    PTE c4803000 @0x03f6100c: 00{F}103 -> 00000000 [none]\n"
	"    flushes: 1 flush_tlb_all; cr4_writes +2\n"
	"[6] vmap_put v\n"
	"    -> 1 page back on the free lists\n"
	"    flushes: none\n"
	"[7] b = vmalloc_dma 4096\n"
	"    -> 0xc4800000; frames: pfn 0x{F} (DMA)\n"
	"    PTE c4800000 @0x03f61000: 00000000 -> 00{F}163 [P RW A D G]\n"
	"    flushes: none\n"
	"script: 7 operations, checks off\n";

/* After the script: one 1-page area left at 0xc4800000, mapped to pfn 0x{F}. */
static const char dumps_2level[] = "0xc4800000-0xc4802000    8192 cmd_vmalloc_dma+0x13/0x24 "
				   "pages=1 vmalloc\n"
				   "00000000c0000000: 0000000000000000 -GPDA---W\n"
				   "00000000c0400000: 0000000000400000 -GPDA---W\n"
				   "00000000c0800000: 0000000000800000 -GPDA---W\n"
				   "00000000c0c00000: 0000000000c00000 -GPDA---W\n"
				   "00000000c1000000: 0000000001000000 -GPDA---W\n"
				   "00000000c1400000: 0000000001400000 -GPDA---W\n"
				   "00000000c1800000: 0000000001800000 -GPDA---W\n"
				   "00000000c1c00000: 0000000001c00000 -GPDA---W\n"
				   "00000000c2000000: 0000000002000000 -GPDA---W\n"
				   "00000000c2400000: 0000000002400000 -GPDA---W\n"
				   "00000000c2800000: 0000000002800000 -GPDA---W\n"
				   "00000000c2c00000: 0000000002c00000 -GPDA---W\n"
				   "00000000c3000000: 0000000003000000 -GPDA---W\n"
				   "00000000c3400000: 0000000003400000 -GPDA---W\n"
				   "00000000c3800000: 0000000003800000 -GPDA---W\n"
				   "00000000c3c00000: 0000000003c00000 -GPDA---W\n"
				   "00000000c4800000: 0000000000{F}000 -G-DA---W\n"
				   "00000000c0000000-00000000c4000000 0000000004000000 -rw\n"
				   "00000000c4800000-00000000c4801000 0000000000001000 -rw\n"
				   "VIRTUAL   PHYSICAL\n"
				   "c4800000  {F}000  \n"
				   "\n"
				   "PAGE DIRECTORY: c0{S}000\n"
				   "  PGD: c0{S}c48 => 3f61063\n"
				   "  PMD: c0{S}c48 => 3f61063\n"
				   "  PTE:  3f61000 => {F}163\n"
				   " PAGE:   {F}000\n"
				   "\n"
				   " PTE    PHYSICAL  FLAGS\n"
				   "{F}163   {F}000   (PRESENT|RW|ACCESSED|DIRTY|GLOBAL)\n"
				   "\n"
				   "VIRTUAL   PHYSICAL\n"
				   "c4801000  (not mapped)\n"
				   "\n"
				   "PAGE DIRECTORY: c0{S}000\n"
				   "  PGD: c0{S}c48 => 3f61063\n"
				   "  PMD: c0{S}c48 => 3f61063\n"
				   "  PTE:  3f61004 => 0\n"
				   "\n";

/* PAE: the PDPT's slot 3 at 0x{S}018, the kernel PMD page at 0x{P}000 (index 0x24). */
static const char vtop_pae[] = "VIRTUAL   PHYSICAL\n"
			       "c4800000  {Q}000  \n"
			       "\n"
			       "PAGE DIRECTORY: c0{S}000\n"
			       "  PGD: c0{S}018 => {P}001\n"
			       "  PMD:   {P}120 => 3f61063\n"
			       "  PTE:  3f61000 => {Q}163\n"
			       " PAGE:   {Q}000\n"
			       "\n"
			       " PTE    PHYSICAL  FLAGS\n"
			       "{Q}163   {Q}000   (PRESENT|RW|ACCESSED|DIRTY|GLOBAL)\n"
			       "\n";

static unsigned int layout_s, layout_f; /* frames of swapper_pg_dir and _end */

/* tmpl with {S}, {F}, {P}, {Q} replaced by those frames (3 hex digits each,
 * as the texts print them while the kernel image ends below 16 MiB). */
static const char *layout(const char *tmpl)
{
	static char buf[8192];
	size_t o = 0;

	for (; *tmpl && o + 4 < sizeof(buf); tmpl++) {
		unsigned int v = 0;

		if (tmpl[0] == '{' && tmpl[1] && tmpl[2] == '}' && strchr("SFPQ", tmpl[1])) {
			v = tmpl[1] == 'S' ? layout_s
					   : layout_f + (tmpl[1] == 'P'	  ? 3
							 : tmpl[1] == 'Q' ? 4
									  : 0);
			o += snprintf(buf + o, sizeof(buf) - o, "%03x", v);
			tmpl += 2;
		} else {
			buf[o++] = *tmpl;
		}
	}
	assert_true(!*tmpl);
	buf[o] = 0;
	return buf;
}

static int read_layout(void)
{
	struct sym_table t = { 0 };
	uint64_t spd, end;
	char err[256];
	int ret = sym_load_path(&t, GUEST_ELF, err, sizeof(err));

	if (!ret)
		ret = sym_lookup(&t, "swapper_pg_dir", &spd, NULL)
			      ?: sym_lookup(&t, "_end", &end, NULL);
	sym_free(&t);
	if (ret || spd < PAGE_OFFSET || end < PAGE_OFFSET) {
		fprintf(stderr, "%s: swapper_pg_dir and _end: %s\n", GUEST_ELF,
			ret ? err : "below PAGE_OFFSET");
		return -1;
	}
	layout_s = (unsigned int)((spd - PAGE_OFFSET) >> 12);
	layout_f = (unsigned int)((end - PAGE_OFFSET + 4095) >> 12);
	if (layout_s < 0x100 || layout_f + 4 > 0xfff) {
		fprintf(stderr, "%s: frames 0x%x, 0x%x: the texts expect 3 hex digits\n", GUEST_ELF,
			layout_s, layout_f);
		return -1;
	}
	return 0;
}

static int setup(void **state)
{
	int fd = mkstemp(script_path);

	(void)state;
	if (read_layout())
		return -1;
	if (fd < 0 || write(fd, script, sizeof(script) - 1) != (ssize_t)(sizeof(script) - 1))
		return -1;
	return close(fd);
}

static int teardown(void **state)
{
	(void)state;
	unlink(script_path);
	return 0;
}

/* The demo, checked: exit 0 and "demo: N operations, M checks, 0 violations" last. */
static void demo(const char *const *args, bool modern)
{
	unsigned int ops = 0, checks = 0, viol = 1;
	struct vmm_child c;
	const char *last;
	size_t len;

	vmm_child_run(&c, args, NULL);
	vmm_child_expect_status(&c, 0);
	len = strlen(c.out);
	assert_true(len > 1 && c.out[len - 1] == '\n');
	c.out[len - 1] = '\0';
	last = strrchr(c.out, '\n');
	last = last ? last + 1 : c.out;
	if (sscanf(last, "demo: %u operations, %u checks, %u violations", &ops, &checks, &viol) !=
		    3 ||
	    viol != 0 || ops < 17 || checks == 0) {
		print_error("last line: '%s'\n", last);
		fail();
	}
	print_message("[ INFO     ] %s\n", last);
	/* Every rule of checks.md ran in the demo, each a number of times the line gives. */
	{
		const char *line = strstr(c.out, "\nrules run: ");
		unsigned int r, n;
		char want[16];

		assert_non_null(line);
		for (r = 0; r < CHECK_NR_RULES; r++) {
			const char *at;

			/* A3 judges vmalloc=modern's trees: it runs there, and only there. */
			bool runs = strcmp(check_rule_name(r), "A3") || modern;

			snprintf(want, sizeof(want), " %s ", check_rule_name(r));
			at = strstr(line, want);
			if (!at || at > last || sscanf(at + strlen(want), "%u", &n) != 1 ||
			    !n != !runs) {
				print_error("rule %s: expected %s in '%.*s'\n", check_rule_name(r),
					    runs ? "run at least once" : "not run (0)",
					    (int)(last - line), line);
				fail();
			}
		}
	}
	/* The tour's landmarks. */
	assert_non_null(strstr(c.out, "(+D)\n"));
	assert_non_null(strstr(c.out, "by the checks: PTE ")); /* the checker set A first */
	assert_non_null(strstr(c.out, "guest: Trying to vfree() bad address"));
	assert_non_null(strstr(c.out, "guest: Trying to vfree() nonexistent vm area"));
	assert_non_null(strstr(c.out, "(DMA)"));
	assert_non_null(strstr(c.out, "flushes: 1 flush_tlb_all"));
	vmm_child_free(&c);
}

static void test_demo_2level(void **state)
{
	static const char *const args[] = { "-q", GUEST_ELF, NULL };

	(void)state;
	demo(args, false);
}

static void test_demo_pae(void **state)
{
	static const char *const args[] = { "-q", "--paging", "pae", "-m", "1G", GUEST_ELF, NULL };

	(void)state;
	demo(args, false);
}

/* The demo on vmalloc=modern: the areas from the busy tree, 0 violations. */
static void test_demo_modern_2level(void **state)
{
	static const char *const args[] = { "-q", "--cmdline", "vmalloc=modern", GUEST_ELF, NULL };

	(void)state;
	demo(args, true);
}

static void test_demo_modern_pae(void **state)
{
	static const char *const args[] = { "-q",	 "--paging",	   "pae",
					    "--cmdline", "vmalloc=modern", GUEST_ELF,
					    NULL };

	(void)state;
	demo(args, true);
}

/* Unchecked, nothing else touches the vmap: the read sets A, the write D.
 * 2-level: the vmalloc fault copies the PGD entry into the new mm. */
static void test_demo_vmalloc_fault(void **state)
{
	static const char *const args[] = { "-q", "--no-check", GUEST_ELF, NULL };
	struct vmm_child c;

	(void)state;
	vmm_child_run(&c, args, NULL);
	vmm_child_expect_status(&c, 0);
	assert_non_null(strstr(c.out, "[P RW A] (+A)\n"));
	assert_non_null(strstr(c.out, "[P RW A D] (+D)\n"));
	assert_non_null(strstr(c.out, "vmalloc faults taken: 1\n"));
	assert_non_null(strstr(c.out, "flushes: none; vmalloc_faults +1\n"));
	assert_non_null(strstr(c.out, "demo: 33 operations, checks off\n"));
	vmm_child_free(&c);
}

/* novmallocfault (the handler does nothing): the demo's touch faults out, V1 says so, exit 76. */
static void test_demo_novmallocfault(void **state)
{
	static const char *const args[] = { "-q", "--cmdline", "novmallocfault", GUEST_ELF, NULL };
	struct vmm_child c;

	(void)state;
	vmm_child_run(&c, args, NULL);
	vmm_child_expect_status(&c, VMM_EXIT_CHECK_FAILED);
	assert_non_null(strstr(c.out, "V1 va=0x"));
	assert_non_null(strstr(c.out, "actual it faulted out: vector 14"));
	assert_non_null(strstr(c.out, " V1 2, "));
	vmm_child_free(&c);
}

static void test_script_exact(void **state)
{
	const char *const args[] = { "-q",	 "-m",	      "64M",	 "--no-check",
				     "--script", script_path, GUEST_ELF, NULL };
	struct vmm_child c;

	(void)state;
	vmm_child_run(&c, args, NULL);
	vmm_child_expect_status(&c, 0);
	expect_text(c.out, layout(script_out));
	expect_text(c.err, "");
	vmm_child_free(&c);
}

static void test_script_checked(void **state)
{
	const char *const args[] = { "-q", "-m", "64M", "--script", script_path, GUEST_ELF, NULL };
	struct vmm_child c;

	(void)state;
	vmm_child_run(&c, args, NULL);
	vmm_child_expect_status(&c, 0);
	assert_non_null(strstr(c.out, "script: 7 operations, "));
	assert_non_null(strstr(c.out, " checks, 0 violations\n"));
	vmm_child_free(&c);
}

static void test_dumps_after_script(void **state)
{
	const char *const args[] = { "-q",	 "-m",	      "64M",	 "--no-check",
				     "--script", script_path, "--dump",	 "vmallocinfo,tlb",
				     "--dump",	 "mem",	      "--vtop",	 "b",
				     "--vtop",	 "b+0x1000",  GUEST_ELF, NULL };
	char *want;
	struct vmm_child c;

	(void)state;
	vmm_child_run(&c, args, NULL);
	vmm_child_expect_status(&c, 0);
	want = malloc(strlen(script_out) + strlen(dumps_2level) + 1);
	assert_non_null(want);
	strcpy(want, script_out);
	strcat(want, dumps_2level);
	expect_text(c.out, layout(want));
	free(want);
	vmm_child_free(&c);
}

static void test_vtop_pae(void **state)
{
	const char *const args[] = { "-q",     "-m",	     "64M",	 "--paging",
				     "pae",    "--no-check", "--script", script_path,
				     "--vtop", "b",	     GUEST_ELF,	 NULL };
	struct vmm_child c;
	const char *v;
	char *p;

	(void)state;
	vmm_child_run(&c, args, NULL);
	vmm_child_expect_status(&c, 0);
	v = strstr(c.out, "VIRTUAL");
	assert_non_null(v);
	/* The one value that legitimately varies: bit 5 of the PDPT entry (ignored by the
	 * CPU in PAE) comes back set under KVM's nested-paging MMU, clear under shadow. */
	p = strstr(c.out, layout("  PGD: c0{S}018 => {P}021\n"));
	if (p)
		p[23] = '0';
	expect_text(v, layout(vtop_pae));
	vmm_child_free(&c);
}

/* --dump alone: boot, dump, exit; nothing vmalloc'd yet. */
static void test_dump_alone(void **state)
{
	static const char *const args[] = { "-q",      "-m", "64M", "--dump", "vmallocinfo,mem",
					    GUEST_ELF, NULL };
	struct vmm_child c;

	(void)state;
	vmm_child_run(&c, args, NULL);
	vmm_child_expect_status(&c, 0);
	expect_text(c.out, "00000000c0000000-00000000c4000000 0000000004000000 -rw\n");
	vmm_child_free(&c);
}

static void test_json(void **state)
{
	const char *const args[] = { "-q",	  "-m",	    "64M", "--no-check", "--script",
				     script_path, "--json", "-",   GUEST_ELF,	 NULL };
	unsigned int objects = 0;
	struct vmm_child c;
	char *p;

	(void)state;
	vmm_child_run(&c, args, NULL);
	vmm_child_expect_status(&c, 0);
	for (p = c.out; (p = strstr(p, "\n{\"type\":")); p++)
		objects++;
	assert_int_equal(objects, 8); /* 7 operations and the summary */
	assert_non_null(strstr(c.out, "\"guest\":\"Trying to vfree() bad address (c4800004)\\n\""));
	assert_non_null(strstr(c.out, "{\"type\":\"summary\",\"operations\":7,\"checked\":false,"
				      "\"checks\":0,\"violations\":0}\n"));
	vmm_child_free(&c);
}

/*
 * vmalloc=modern: the trace's areas come from the busy tree (vmlist stays
 * NULL).  a and v wait on the purge list, so b goes after them.
 */
static void test_json_modern(void **state)
{
	const char *const args[] = { "-q",	   "-m",	"64M",
				     "--no-check", "--cmdline", "vmalloc=modern",
				     "--script",   script_path, "--json",
				     "-",	   GUEST_ELF,	NULL };
	struct vmm_child c;
	char *last;

	(void)state;
	vmm_child_run(&c, args, NULL);
	vmm_child_expect_status(&c, 0);
	last = strstr(c.out, "\"op\":\"b = vmalloc_dma 4096\"");
	assert_non_null(last);
	if (!strstr(last, "\"areas\":[{\"addr\":\"0xc4805000\",\"size\":8192,")) {
		print_error("%s\n", last);
		fail_msg("the last operation's areas: expected b alone at 0xc4805000");
	}
	vmm_child_free(&c);
}

struct bad_run {
	const char *script; /* NULL: no script file */
	const char *args[8];
	int status;
	const char *err; /* in stderr; "%s" is replaced by the script path */
};

static const struct bad_run bad_runs[] = {
	{ "vmalloc 4096\n\nvmaloc 1\n", { NULL }, 64, "%s:3: unknown operation 'vmaloc'" },
	{ "a = vmalloc 1\nvfree b\n",
	  { NULL },
	  64,
	  "%s:2: 'b' is neither a name given earlier in the script nor a guest symbol" },
	{ "vfree $1\n", { NULL }, 64, "%s:1: '$1' refers to operation 1, which is not before" },
	{ "vmap 99 normal\n", { NULL }, 64, "%s:1: vmap count '99' is too large" },
	{ NULL, { "--script", "/nonexistent/x.vmm" }, 66, "/nonexistent/x.vmm: cannot open" },
	{ NULL, { "--dump", "slab" }, 64, "--dump slab: 'slab' is not vmallocinfo, tlb or mem" },
	{ NULL, { "--vtop", "12zz" }, 64, "--vtop 12zz: not a 32-bit address" },
	{ NULL, { "--frobnicate" }, 64, "unknown option '--frobnicate'" },
	{ NULL, { "--selftest", "--demo" }, 64, "--selftest cannot be combined" },
	{ NULL, { "--json" }, 64, "option --json needs a value" },
};

/*
 * The post-mortem of a run an AP stopped: every vCPU stopped and dumped, the
 * one it happened on first (with vCPU 0's alone, an AP's triple fault or a
 * CPU that never answered showed nothing of it), and the reset state of a
 * triple-faulted vCPU said to be one.
 */
static void test_post_mortem_every_vcpu(void **state)
{
	static const char *const args[] = { "--cpus", "2", TEST_GUEST("ap_triple_fault"), NULL };
	const char *ap, *boot;
	struct vmm_child c;

	(void)state;
	vmm_child_run(&c, args, NULL);
	vmm_child_expect_status(&c, VMM_EXIT_TRIPLE_FAULT);
	ap = strstr(c.err, "--- vCPU 1 state ---");
	boot = strstr(c.err, "--- vCPU 0 state ---");
	if (!ap || !boot || ap > boot || !strstr(c.err, "vCPU 1's registers below are its reset"))
		fail_msg("expected vCPU 1's state, said to be its reset state, then vCPU 0's; "
			 "stderr:\n%s",
			 c.err);
	vmm_child_free(&c);
}

/*
 * A triple fault's vCPU has lost its registers, but not its stack: the
 * post-mortem finds it through the guest's symbols and names the calls on
 * it.  crash=stack on the boot CPU of a one-vCPU guest, crash=ap_stack on
 * vCPU 1 of two (guest/kernel/main.c: %esp gone wild, then a push).  A
 * guest without symbols (ap_triple_fault above) gets a line saying why not.
 */
static void expect_stack(const char *cpus, const char *kind, const char *header,
			 const char *frame)
{
	const char *args[] = { "--cpus", cpus, "--cmdline", kind, GUEST_ELF, NULL };
	struct vmm_child c;
	const char *h;

	vmm_child_run(&c, args, NULL);
	vmm_child_expect_status(&c, VMM_EXIT_TRIPLE_FAULT);
	h = strstr(c.err, header);
	if (!h || !strstr(h, frame))
		fail_msg("%s: expected \"%s\", then a frame of %s; stderr:\n%s", kind, header,
			 frame, c.err);
	vmm_child_free(&c);
}

static void test_post_mortem_stack(void **state)
{
	static const char *const args[] = { "--cpus", "2", TEST_GUEST("ap_triple_fault"), NULL };
	struct vmm_child c;

	(void)state;
	expect_stack("1", "crash=stack", "vCPU 0's kernel stack [0xc", " start_kernel+0x");
	expect_stack("2", "crash=ap_stack",
		     "vCPU 1's kernel stack [0xc7", "bottom word 1 (its CPU number)");
	expect_stack("2", "crash=ap_stack", "vCPU 1's kernel stack [0xc7", " ap_start_kernel+0x");
	vmm_child_run(&c, args, NULL);
	vmm_child_expect_status(&c, VMM_EXIT_TRIPLE_FAULT);
	if (!strstr(c.err, "(no stack of vCPU 1: guest has no symbol"))
		fail_msg("expected why a guest without symbols has no stack shown; stderr:\n%s",
			 c.err);
	vmm_child_free(&c);
}

static void test_bad_input(void **state)
{
	size_t i, j, nbad = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad_runs); i++) {
		const struct bad_run *b = &bad_runs[i];
		char path[] = "/tmp/test_cli_bad_XXXXXX", want[512];
		const char *args[16];
		struct vmm_child c;
		int n = 0;

		if (b->script) {
			int fd = mkstemp(path);

			assert_true(fd >= 0);
			assert_int_equal(write(fd, b->script, strlen(b->script)),
					 (ssize_t)strlen(b->script));
			close(fd);
			args[n++] = "--script";
			args[n++] = path;
		}
		for (j = 0; b->args[j]; j++)
			args[n++] = b->args[j];
		if (strcmp(b->args[0] ? b->args[0] : "", "--json"))
			args[n++] = GUEST_ELF;
		args[n] = NULL;
		vmm_child_run(&c, args, NULL);
		snprintf(want, sizeof(want), b->err, path);
		if (c.status != b->status || !strstr(c.err, want)) {
			print_error("case %zu: expected status %d and '%s' in stderr;\n"
				    "got %d, stderr: %s\n",
				    i, b->status, want, c.status, c.err);
			nbad++;
		}
		vmm_child_free(&c);
		if (b->script)
			unlink(path);
	}
	assert_int_equal(nbad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_post_mortem_every_vcpu),
		cmocka_unit_test(test_post_mortem_stack),
		cmocka_unit_test(test_script_exact),
		cmocka_unit_test(test_dumps_after_script),
		cmocka_unit_test(test_vtop_pae),
		cmocka_unit_test(test_dump_alone),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_modern),
		cmocka_unit_test(test_script_checked),
		cmocka_unit_test(test_demo_vmalloc_fault),
		cmocka_unit_test(test_demo_novmallocfault),
		cmocka_unit_test(test_demo_2level),
		cmocka_unit_test(test_demo_pae),
		cmocka_unit_test(test_demo_modern_2level),
		cmocka_unit_test(test_demo_modern_pae),
	};

	testvm_start("cli");
	return cmocka_run_group_tests_name("cli", tests, setup, teardown);
}
