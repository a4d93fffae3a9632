/* SPDX-License-Identifier: GPL-2.0 */
/* Command-line parsing for ./vmm, kept apart from main() so tests can call it. */
#ifndef VMM_OPTIONS_H
#define VMM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vmm/core/vm.h"

#define OPT_VTOP_MAX 16

/* --dump WHAT, repeatable or comma separated. */
#define OPT_DUMP_VMALLOCINFO 0x1u
#define OPT_DUMP_TLB	     0x2u
#define OPT_DUMP_MEM	     0x4u

struct vmm_options {
	struct vm_config vm;
	const char *guest_path;
	bool quiet;
	bool selftest; /* run the guest's self-tests instead of the demo */
	bool help;
	bool version;

	/* What to do with the guest (main.c decides: see vmm_options_mode()). */
	const char *script_path; /* --script FILE */
	bool demo;		 /* --demo: the built-in demo even with --dump/--vtop */
	bool check;		 /* run the checker after each operation (default on; --no-check) */
	unsigned int dumps;	 /* OPT_DUMP_* from --dump */
	unsigned int nr_vtop;
	const char *vtop[OPT_VTOP_MAX]; /* --vtop ADDR: a number or a guest symbol[+off] */
	const char *json_path;		/* --json FILE, "-" for stdout */
};

/* vCPUs of the demo when --cpus is not given. */
#define DEMO_CPUS 2u

/* What main() runs, from the options. */
enum vmm_mode {
	MODE_DEMO,     /* no --script/--dump/--vtop/--selftest, or --demo */
	MODE_SCRIPT,   /* --script FILE */
	MODE_SELFTEST, /* --selftest */
	MODE_INSPECT,  /* only --dump/--vtop: boot, dump, exit */
};

enum vmm_mode vmm_options_mode(const struct vmm_options *opts);

/* Parse "128M", "1G", "65536K", "16777216" into bytes.  0 on success,
 * else -EINVAL with a message in err naming the value and the defect. */
int parse_size(const char *str, uint64_t *bytes, char *err, size_t errlen);

/* Parse argv into opts (defaults first).  0 on success; -EINVAL with a
 * message in err on any bad option or value. */
int parse_options(int argc, char **argv, struct vmm_options *opts, char *err, size_t errlen);

void print_usage(FILE *out, const char *prog);

#endif /* VMM_OPTIONS_H */
