// SPDX-License-Identifier: GPL-2.0
#include "vmm/cli/cli.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/layout.h"
#include "shared/mmu.h"
#include "vmm/core/core.h"

#define DEFAULT_TIMEOUT_SEC 60u
/* A stress run of the largest K takes hours in a nested machine; a stuck one still ends. */
#define STRESS_TIMEOUT_SEC 3600u

static int bad(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int parse_size(const char *str, uint64_t *bytes, char *err, size_t errlen)
{
	unsigned long long n;
	unsigned int shift = 0;
	char *end;

	if (!str || !*str || *str == '-' || *str == '+' || *str == ' ')
		return bad(err, errlen, "'%s' is not a size (a number with K, M or G)",
			   str ? str : "");
	errno = 0;
	n = strtoull(str, &end, 10);
	if (end == str)
		return bad(err, errlen, "'%s' is not a size (a number with K, M or G)", str);
	if (errno == ERANGE)
		return bad(err, errlen, "'%s' is too large", str);
	switch (*end) {
	case '\0':
		break;
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	default:
		return bad(err, errlen, "'%s': unknown size suffix '%c' (use K, M or G)", str,
			   *end);
	}
	if (*end != '\0')
		return bad(err, errlen, "'%s': trailing characters after the size", str);
	if (n > (UINT64_MAX >> shift))
		return bad(err, errlen, "'%s' is too large", str);
	*bytes = (uint64_t)n << shift;
	return 0;
}

static int parse_uint(const char *opt, const char *str, unsigned int max, unsigned int *out,
		      char *err, size_t errlen)
{
	unsigned long v;
	char *end;

	errno = 0;
	if (!*str || *str == '-' || *str == '+')
		return bad(err, errlen, "%s '%s': not a number", opt, str);
	v = strtoul(str, &end, 10);
	if (*end || errno)
		return bad(err, errlen, "%s '%s': not a number", opt, str);
	if (v > max)
		return bad(err, errlen, "%s %lu: at most %u", opt, v, max);
	*out = (unsigned int)v;
	return 0;
}

void print_usage(FILE *out, const char *prog)
{
	fprintf(out,
		"usage: %s [OPTIONS] GUEST.ELF\n"
		"Boot a Multiboot i386 guest on /dev/kvm and drive its vmalloc subsystem.\n"
		"\n"
		"  -m, --memory SIZE    guest RAM, with K/M/G suffix (default 128M; 16M..3G)\n"
		"      --paging MODE    guest paging: 2level (default) or pae\n"
		"      --cmdline STR    extra guest command line (after paging=...)\n"
		"      --cpus N         vCPUs, at most 8 (default: 2 for the demo, so that\n"
		"                       rule T4 runs; 1 otherwise)\n"
		"      --timeout SEC    stop a guest still running after SEC seconds\n"
		"                       (default %u, with --stress %u; 0 = never); exit status "
		"124\n"
		"      --selftest       run the guest's self-tests and report each\n"
		"\n"
		"With no --script, --selftest, --dump or --vtop: the demo, a built-in script\n"
		"that walks through vmalloc, vmap, vfree, their errors and the vmalloc fault.\n"
		"      --script FILE    run the operations in FILE (the demo's syntax) instead\n"
		"      --demo           run the demo even with --dump or --vtop\n"
		"      --no-check       do not check the page tables after each operation\n"
		"      --check          check them (the default)\n"
		"      --dump WHAT      after the demo or script (alone: right after boot) print\n"
		"                       vmallocinfo, tlb (QEMU info tlb) or mem (QEMU info mem);\n"
		"                       repeatable, or comma separated\n"
		"      --vtop ADDR      after the same, translate ADDR (number or symbol[+off])\n"
		"                       as crash's vtop; repeatable\n"
		"      --json FILE      a JSON-lines trace of every operation ('-': stdout)\n"
		"      --html FILE      one self-contained HTML page of the run (the same "
		"outcomes)\n"
		"      --stress K       the stress run instead: every vCPU runs K seeded\n"
		"                       vmalloc/vmap/vfree/probe operations at once (K <= %u),\n"
		"                       all rules checked every M operations; 2 vCPUs unless\n"
		"                       --cpus (1..8); prints per-CPU counts and a summary\n"
		"      --seed S         the stress streams' seed (default 1)\n"
		"      --stress-every M operations per CPU between checks (default %u)\n"
		"      --no-sandbox     no seccomp allowlists (for debugging; README, Sandbox)\n"
		"  -q, --quiet          do not echo the guest console\n"
		"  -h, --help           this text\n"
		"      --version        print the host/guest ABI version\n"
		"\n"
		"Exit status: the guest's own status (0..63), or 64 usage, 65 bad ELF,\n"
		"66 unreadable file, 69 no usable /dev/kvm, 70 host/KVM failure, 71 triple\n"
		"fault, 72 KVM internal error or failed entry, 73 unexpected port/MMIO access,\n"
		"74 host/guest protocol error, 75 guest oops or panic, 76 check failed,\n"
		"77 guest halted, 78 forbidden system call (sandbox), 124 timeout.  A demo\n"
		"or script exits 0 when every check passed, else 76; a bad script line is 64.\n"
		"So does --stress.\n",
		prog, DEFAULT_TIMEOUT_SEC, STRESS_TIMEOUT_SEC, STRESS_OPS_MAX,
		STRESS_EVERY_DEFAULT);
}

enum {
	OPT_PAGING = 256,
	OPT_CMDLINE,
	OPT_CPUS,
	OPT_TIMEOUT,
	OPT_SELFTEST,
	OPT_VERSION,
	OPT_SCRIPT,
	OPT_DEMO,
	OPT_CHECK,
	OPT_NO_CHECK,
	OPT_NO_SANDBOX,
	OPT_DUMP,
	OPT_VTOP,
	OPT_JSON,
	OPT_HTML,
	OPT_STRESS,
	OPT_SEED,
	OPT_STRESS_EVERY,
};

enum vmm_mode vmm_options_mode(const struct vmm_options *opts)
{
	if (opts->stress_ops)
		return MODE_STRESS;
	if (opts->selftest)
		return MODE_SELFTEST;
	if (opts->script_path)
		return MODE_SCRIPT;
	if ((opts->dumps || opts->nr_vtop) && !opts->demo)
		return MODE_INSPECT;
	return MODE_DEMO;
}

/* "vmallocinfo,tlb" -> OPT_DUMP_* bits. */
static int parse_dump(const char *arg, unsigned int *dumps, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		unsigned int bit;
	} kinds[] = { { "vmallocinfo", OPT_DUMP_VMALLOCINFO },
		      { "tlb", OPT_DUMP_TLB },
		      { "mem", OPT_DUMP_MEM } };
	const char *p = arg;

	do {
		size_t len = strcspn(p, ","), i;

		for (i = 0; i < ARRAY_SIZE(kinds); i++)
			if (strlen(kinds[i].name) == len && !strncmp(p, kinds[i].name, len))
				break;
		if (i == ARRAY_SIZE(kinds))
			return bad(err, errlen, "--dump %s: '%.*s' is not vmallocinfo, tlb or mem",
				   arg, (int)len, p);
		*dumps |= kinds[i].bit;
		p += len;
	} while (*p++ == ',');
	return 0;
}

/* A number (decimal, 0x hex) or an identifier, with an optional +/-number. */
static int check_vtop_arg(const char *arg, char *err, size_t errlen)
{
	const char *p = arg, *sign;
	char *end;

	if (!*p)
		return bad(err, errlen, "--vtop: empty address");
	sign = strpbrk(p + 1, "+-");
	if (isdigit((unsigned char)*p)) {
		errno = 0;
		if (strtoull(p, &end, 0) > 0xffffffffull || errno ||
		    end != (sign ? sign : p + strlen(p)))
			return bad(err, errlen, "--vtop %s: not a 32-bit address", arg);
	} else if (isalpha((unsigned char)*p) || *p == '_') {
		for (p++; *p && p != sign; p++)
			if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.')
				return bad(err, errlen, "--vtop %s: not an address or a symbol",
					   arg);
	} else {
		return bad(err, errlen, "--vtop %s: not an address or a symbol", arg);
	}
	if (sign) {
		errno = 0;
		if (!isdigit((unsigned char)sign[1]) ||
		    strtoull(sign + 1, &end, 0) > 0xffffffffull || errno || *end)
			return bad(err, errlen, "--vtop %s: bad offset '%s'", arg, sign);
	}
	return 0;
}

int parse_options(int argc, char **argv, struct vmm_options *opts, char *err, size_t errlen)
{
	static const struct option longopts[] = {
		{ "memory", required_argument, NULL, 'm' },
		{ "paging", required_argument, NULL, OPT_PAGING },
		{ "cmdline", required_argument, NULL, OPT_CMDLINE },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "selftest", no_argument, NULL, OPT_SELFTEST },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "script", required_argument, NULL, OPT_SCRIPT },
		{ "demo", no_argument, NULL, OPT_DEMO },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "no-check", no_argument, NULL, OPT_NO_CHECK },
		{ "no-sandbox", no_argument, NULL, OPT_NO_SANDBOX },
		{ "dump", required_argument, NULL, OPT_DUMP },
		{ "vtop", required_argument, NULL, OPT_VTOP },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "html", required_argument, NULL, OPT_HTML },
		{ "stress", required_argument, NULL, OPT_STRESS },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "stress-every", required_argument, NULL, OPT_STRESS_EVERY },
		{ NULL, 0, NULL, 0 },
	};
	char sizeerr[256];
	bool cpus_given = false, seed_given = false, every_given = false, timeout_given = false;
	int c, ret;

	memset(opts, 0, sizeof(*opts));
	opts->vm.ram_size = GUEST_RAM_DEFAULT;
	opts->vm.nr_vcpus = 1;
	opts->vm.paging = PAGING_2LEVEL;
	opts->vm.timeout_sec = DEFAULT_TIMEOUT_SEC;
	opts->check = true;
	opts->vm.sandbox = true;
	opts->stress_every = STRESS_EVERY_DEFAULT;
	opts->stress_seed = 1;

	optind = 0; /* full reset: parse_options may be called more than once */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":m:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (parse_size(optarg, &opts->vm.ram_size, sizeerr, sizeof(sizeerr)))
				return bad(err, errlen, "-m %s: %s", optarg, sizeerr);
			if (opts->vm.ram_size < GUEST_RAM_MIN || opts->vm.ram_size > GUEST_RAM_MAX)
				return bad(err, errlen,
					   "-m %s: guest RAM must be between 16M and 3G (a 32-bit "
					   "guest; the top GiB is kept for devices)",
					   optarg);
			if (opts->vm.ram_size % PAGE_SIZE)
				return bad(err, errlen, "-m %s: not a whole number of 4K pages",
					   optarg);
			break;
		case OPT_PAGING:
			if (!strcmp(optarg, "2level"))
				opts->vm.paging = PAGING_2LEVEL;
			else if (!strcmp(optarg, "pae"))
				opts->vm.paging = PAGING_PAE;
			else
				return bad(err, errlen, "--paging %s: use 2level or pae", optarg);
			break;
		case OPT_CMDLINE:
			if (strlen(optarg) > MB_CMDLINE_MAX - 128)
				return bad(err, errlen, "--cmdline: longer than %u bytes",
					   MB_CMDLINE_MAX - 128);
			opts->vm.cmdline = optarg;
			break;
		case OPT_CPUS:
			ret = parse_uint("--cpus", optarg, VM_MAX_VCPUS, &opts->vm.nr_vcpus, err,
					 errlen);
			if (ret)
				return ret;
			if (opts->vm.nr_vcpus == 0)
				return bad(err, errlen, "--cpus 0: at least one vCPU");
			cpus_given = true;
			break;
		case OPT_TIMEOUT:
			ret = parse_uint("--timeout", optarg, 24 * 3600, &opts->vm.timeout_sec, err,
					 errlen);
			if (ret)
				return ret;
			timeout_given = true;
			break;
		case OPT_SELFTEST:
			opts->selftest = true;
			break;
		case 'q':
			opts->quiet = true;
			break;
		case OPT_SCRIPT:
			if (opts->script_path)
				return bad(err, errlen, "--script given twice");
			if (!*optarg)
				return bad(err, errlen, "--script: empty file name");
			opts->script_path = optarg;
			break;
		case OPT_DEMO:
			opts->demo = true;
			break;
		case OPT_CHECK:
			opts->check = true;
			break;
		case OPT_NO_CHECK:
			opts->check = false;
			break;
		case OPT_NO_SANDBOX:
			opts->vm.sandbox = false;
			break;
		case OPT_DUMP:
			ret = parse_dump(optarg, &opts->dumps, err, errlen);
			if (ret)
				return ret;
			break;
		case OPT_VTOP:
			if (opts->nr_vtop == OPT_VTOP_MAX)
				return bad(err, errlen, "--vtop: at most %d addresses",
					   OPT_VTOP_MAX);
			ret = check_vtop_arg(optarg, err, errlen);
			if (ret)
				return ret;
			opts->vtop[opts->nr_vtop++] = optarg;
			break;
		case OPT_JSON:
			if (!*optarg)
				return bad(err, errlen,
					   "--json: empty file name (use - for stdout)");
			opts->json_path = optarg;
			break;
		case OPT_HTML:
			if (!*optarg)
				return bad(err, errlen, "--html: empty file name");
			opts->html_path = optarg;
			break;
		case OPT_STRESS:
			ret = parse_uint("--stress", optarg, STRESS_OPS_MAX, &opts->stress_ops, err,
					 errlen);
			if (ret)
				return ret;
			if (!opts->stress_ops)
				return bad(err, errlen,
					   "--stress 0: at least one operation per CPU");
			break;
		case OPT_SEED:
			ret = parse_uint("--seed", optarg, UINT32_MAX, &opts->stress_seed, err,
					 errlen);
			if (ret)
				return ret;
			seed_given = true;
			break;
		case OPT_STRESS_EVERY:
			ret = parse_uint("--stress-every", optarg, STRESS_OPS_MAX,
					 &opts->stress_every, err, errlen);
			if (ret)
				return ret;
			if (!opts->stress_every)
				return bad(err, errlen, "--stress-every 0: at least one operation");
			every_given = true;
			break;
		case 'h':
			opts->help = true;
			return 0;
		case OPT_VERSION:
			opts->version = true;
			return 0;
		case ':':
			return bad(err, errlen, "option %s needs a value", argv[optind - 1]);
		default:
			return bad(err, errlen, "unknown option '%s' (see --help)",
				   argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return bad(err, errlen, "no guest ELF given (usage: vmm [OPTIONS] GUEST.ELF)");
	if (optind + 1 < argc)
		return bad(err, errlen, "unexpected argument '%s' after the guest ELF",
			   argv[optind + 1]);
	opts->guest_path = argv[optind];
	if (opts->selftest && (opts->script_path || opts->demo))
		return bad(err, errlen, "--selftest cannot be combined with --script or --demo");
	if (opts->script_path && opts->demo)
		return bad(err, errlen, "--script and --demo: choose one");
	if (!opts->stress_ops && (seed_given || every_given))
		return bad(err, errlen, "--%s needs --stress",
			   seed_given ? "seed" : "stress-every");
	if (opts->stress_ops && (opts->selftest || opts->script_path || opts->demo ||
				 opts->html_path || opts->dumps || opts->nr_vtop || !opts->check))
		return bad(err, errlen,
			   "--stress runs alone: not with --selftest, --script, --demo, --html, "
			   "--dump, --vtop or --no-check");
	/* The stress run is about several CPUs at once. */
	if (!cpus_given && opts->stress_ops)
		opts->vm.nr_vcpus = DEMO_CPUS;
	if (!timeout_given && opts->stress_ops)
		opts->vm.timeout_sec = STRESS_TIMEOUT_SEC;
	/* The demo shows every rule of checks.md, and T4 needs a second vCPU. */
	if (!cpus_given && vmm_options_mode(opts) == MODE_DEMO)
		opts->vm.nr_vcpus = DEMO_CPUS;
	return 0;
}
