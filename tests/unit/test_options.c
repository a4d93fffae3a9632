// SPDX-License-Identifier: GPL-2.0
/* The vmm binary's command line: good values parse, bad ones are refused by name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/cli/cli.h"
#include "vmm/core/core.h"

struct size_case {
	const char *str;
	int ok;
	uint64_t bytes;
};

static const struct size_case size_cases[] = {
	{ "128M", 1, 128ull << 20 },
	{ "1G", 1, 1ull << 30 },
	{ "65536K", 1, 64ull << 20 },
	{ "16777216", 1, 16ull << 20 },
	{ "3g", 1, 3ull << 30 },
	{ "", 0, 0 },
	{ "abc", 0, 0 },
	{ "5T", 0, 0 },
	{ "-1M", 0, 0 },
	{ "12MB", 0, 0 },
	{ "99999999999999999999", 0, 0 },
	{ "17179869184G", 0, 0 }, /* 2^34 G overflows 64 bits */
};

static void test_parse_size(void **state)
{
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(size_cases); i++) {
		char err[256] = "";
		uint64_t got = 0;
		int ret = parse_size(size_cases[i].str, &got, err, sizeof(err));

		if ((ret == 0) != size_cases[i].ok || (ret == 0 && got != size_cases[i].bytes)) {
			print_error(
				"parse_size('%s'): expected %s %llu, got ret %d value %llu (%s)\n",
				size_cases[i].str, size_cases[i].ok ? "ok" : "error",
				(unsigned long long)size_cases[i].bytes, ret,
				(unsigned long long)got, err);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

struct argv_case {
	const char *argv[6];
	int ok;
	const char *msg_part;
};

static const struct argv_case argv_cases[] = {
	{ { "vmm", "guest.elf" }, 1, "" },
	{ { "vmm", "-m", "1G", "--paging", "pae", "guest.elf" }, 1, "" },
	{ { "vmm", "-m", "0", "guest.elf" }, 0, "-m 0: guest RAM must be between 16M and 3G" },
	{ { "vmm", "-m", "5T", "guest.elf" }, 0, "unknown size suffix 'T'" },
	{ { "vmm", "-m", "abc", "guest.elf" }, 0, "-m abc: 'abc' is not a size" },
	{ { "vmm", "-m", "4G", "guest.elf" }, 0, "between 16M and 3G" },
	{ { "vmm", "--bogus", "guest.elf" }, 0, "unknown option '--bogus'" },
	{ { "vmm", "--paging", "3level", "guest.elf" }, 0, "use 2level or pae" },
	{ { "vmm", "--timeout", "x", "guest.elf" }, 0, "--timeout 'x': not a number" },
	{ { "vmm", "--cpus", "0", "guest.elf" }, 0, "at least one vCPU" },
	{ { "vmm", "--cpus", "99", "guest.elf" }, 0, "at most 8" },
	{ { "vmm" }, 0, "no guest ELF given" },
	{ { "vmm", "a.elf", "b.elf" }, 0, "unexpected argument 'b.elf'" },
	{ { "vmm", "guest.elf", "-m" }, 0, "needs a value" },
	{ { "vmm", "--stress", "5000", "--seed", "7", "guest.elf" }, 1, "" },
	{ { "vmm", "--stress", "0", "guest.elf" }, 0, "--stress 0: at least one operation" },
	{ { "vmm", "--stress", "1000001", "guest.elf" }, 0, "--stress 1000001: at most 1000000" },
	{ { "vmm", "--stress", "-3", "guest.elf" }, 0, "--stress '-3': not a number" },
	{ { "vmm", "--seed", "3", "guest.elf" }, 0, "--seed needs --stress" },
	{ { "vmm", "--stress-every", "3", "guest.elf" }, 0, "--stress-every needs --stress" },
	{ { "vmm", "--stress", "9", "--stress-every", "0", "guest.elf" }, 0, "at least one" },
	{ { "vmm", "--stress", "9", "--seed", "4294967296", "guest.elf" },
	  0,
	  "at most 4294967295" },
	{ { "vmm", "--stress", "9", "--selftest", "guest.elf" }, 0, "--stress runs alone" },
	{ { "vmm", "--stress", "9", "--no-check", "guest.elf" }, 0, "--stress runs alone" },
};

static void test_parse_options_table(void **state)
{
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(argv_cases); i++) {
		const struct argv_case *c = &argv_cases[i];
		char *argv[7] = { 0 };
		struct vmm_options opts;
		char err[256] = "";
		int argc = 0, ret;

		while (argc < 6 && c->argv[argc]) {
			argv[argc] = (char *)c->argv[argc];
			argc++;
		}
		ret = parse_options(argc, argv, &opts, err, sizeof(err));
		if ((ret == 0) != c->ok || (!c->ok && !strstr(err, c->msg_part))) {
			print_error("case %zu (%s ...): expected %s '%s', got ret %d '%s'\n", i,
				    c->argv[1] ? c->argv[1] : "", c->ok ? "success" : "error",
				    c->msg_part, ret, err);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_parse_options_values(void **state)
{
	char *argv[] = { "vmm",	       "-m",	    "1G", "--paging", "pae",   "--cmdline",
			 "failslab=3", "--timeout", "5",  "-q",	      "g.elf", NULL };
	struct vmm_options opts;
	char err[256];

	(void)state;
	assert_int_equal(parse_options(11, argv, &opts, err, sizeof(err)), 0);
	assert_int_equal(opts.vm.ram_size, 1ull << 30);
	assert_int_equal(opts.vm.paging, PAGING_PAE);
	assert_string_equal(opts.vm.cmdline, "failslab=3");
	assert_int_equal(opts.vm.timeout_sec, 5);
	assert_true(opts.quiet);
	assert_string_equal(opts.guest_path, "g.elf");
}

/* The demo runs on two vCPUs unless --cpus says otherwise (rule T4); the rest on one. */
static void test_default_cpus(void **state)
{
	static const struct {
		const char *argv[6];
		unsigned int cpus;
	} cases[] = {
		{ { "vmm", "g.elf" }, DEMO_CPUS },
		{ { "vmm", "--cpus", "1", "g.elf" }, 1 },
		{ { "vmm", "--demo", "--cpus", "3", "g.elf" }, 3 },
		{ { "vmm", "--script", "s.txt", "g.elf" }, 1 },
		{ { "vmm", "--selftest", "g.elf" }, 1 },
		{ { "vmm", "--dump", "tlb", "g.elf" }, 1 },
		{ { "vmm", "--stress", "10", "g.elf" }, DEMO_CPUS },
		{ { "vmm", "--stress", "10", "--cpus", "4", "g.elf" }, 4 },
	};
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *argv[7] = { NULL };
		struct vmm_options opts;
		char err[256] = "";
		int argc = 0;

		while (argc < 6 && cases[i].argv[argc]) {
			argv[argc] = (char *)cases[i].argv[argc];
			argc++;
		}
		if (parse_options(argc, argv, &opts, err, sizeof(err)) ||
		    opts.vm.nr_vcpus != cases[i].cpus) {
			print_error("case %zu: expected %u vCPUs, got %u (%s)\n", i, cases[i].cpus,
				    opts.vm.nr_vcpus, err);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* --stress's values and defaults, and the mode it selects. */
static void test_stress_values(void **state)
{
	char *argv[] = { "vmm", "--stress", "20", "--seed", "9", "--stress-every", "5", "g.elf" };
	char *dflt[] = { "vmm", "--stress", "20", "g.elf" };
	struct vmm_options opts;
	char err[256];

	(void)state;
	assert_int_equal(parse_options(8, argv, &opts, err, sizeof(err)), 0);
	assert_int_equal(vmm_options_mode(&opts), MODE_STRESS);
	assert_int_equal(opts.stress_ops, 20);
	assert_int_equal(opts.stress_seed, 9);
	assert_int_equal(opts.stress_every, 5);
	assert_int_equal(parse_options(4, dflt, &opts, err, sizeof(err)), 0);
	assert_int_equal(opts.stress_seed, 1);
	assert_int_equal(opts.stress_every, STRESS_EVERY_DEFAULT);
}

static void test_guest_cmdline(void **state)
{
	struct vm_config cfg = { .paging = PAGING_PAE, .cmdline = "failslab=2" };
	char buf[2048];

	(void)state;
	assert_int_equal(vm_guest_cmdline(&cfg, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "paging=pae failslab=2");
	cfg.paging = PAGING_2LEVEL;
	cfg.cmdline = NULL;
	assert_int_equal(vm_guest_cmdline(&cfg, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "paging=2level");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_options_table),
		cmocka_unit_test(test_parse_options_values),
		cmocka_unit_test(test_default_cpus),
		cmocka_unit_test(test_stress_values),
		cmocka_unit_test(test_guest_cmdline),
	};

	return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
