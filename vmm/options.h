/* SPDX-License-Identifier: GPL-2.0 */
/* Command-line parsing for ./vmm, kept apart from main() so tests can call it. */
#ifndef VMM_OPTIONS_H
#define VMM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/vm.h"

struct vmm_options {
	struct vm_config vm;
	const char *guest_path;
	bool quiet;
	bool selftest; /* run the guest's self-tests instead of the demo */
	bool help;
	bool version;
};

/* Parse "128M", "1G", "65536K", "16777216" into bytes.  0 on success,
 * else -EINVAL with a message in err naming the value and the defect. */
int parse_size(const char *str, uint64_t *bytes, char *err, size_t errlen);

/* Parse argv into opts (defaults first).  0 on success; -EINVAL with a
 * message in err on any bad option or value. */
int parse_options(int argc, char **argv, struct vmm_options *opts, char *err, size_t errlen);

void print_usage(FILE *out, const char *prog);

#endif /* VMM_OPTIONS_H */
