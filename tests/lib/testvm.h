/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the KVM tests: boot a guest ELF, describe where we run. */
#ifndef TESTS_LIB_TESTVM_H
#define TESTS_LIB_TESTVM_H

#include "vmm/core/core.h"
#include "vmm/inspect/inspect.h"

/* Paths of built guests, relative to the repository root (where tests run). */
#define GUEST_ELF	 "guest.elf"
#define TEST_GUEST(name) "build/tests/guests/" name ".elf"

struct testvm {
	struct vm *vm;
	struct elf_image img;
	/* Read from img by testvm_boot(); empty if the file has none (sym_ret, sym_err). */
	struct sym_table syms;
	int sym_ret;
	char sym_err[256];
};

/* Load path and boot it with cfg: 0, or -errno with err naming the file and
 * the defect and nothing left allocated (for fixtures, which must not fail). */
int testvm_try_boot(struct testvm *t, const char *path, const struct vm_config *cfg, char *err,
		    size_t errlen);
/* Same, then run to the guest's first DB_READY (path must have symbols). */
int testvm_try_boot_ready(struct testvm *t, const char *path, const struct vm_config *cfg,
			  char *err, size_t errlen);

/* Load path and boot it with cfg; fails the current test on any error. */
void testvm_boot(struct testvm *t, const char *path, const struct vm_config *cfg);
void testvm_destroy(struct testvm *t);

/* Boot and run to the guest's first DB_READY; fails the test otherwise. */
void testvm_boot_ready(struct testvm *t, const char *path, const struct vm_config *cfg);

/* A walker context for vCPU 0's current CR3/CR4/EFER over guest RAM. */
void testvm_walk_ctx(struct testvm *t, struct walk_ctx *ctx);

/* Guest-physical address of a kernel symbol (fails the test if absent). */
uint64_t testvm_sym_phys(struct testvm *t, const char *name, uint64_t *size);

/* Send a command; fails the test if the VM stops instead of answering. */
void testvm_call(struct testvm *t, uint32_t cmd, const uint32_t *args, unsigned int nargs,
		 struct guest_reply *reply);

/* A default configuration: 64M, one vCPU, 2-level paging, 30 s timeout,
 * console captured only (set TEST_VERBOSE=1 to echo it). */
struct vm_config testvm_config(void);

/* "nested KVM, npt" / "nested KVM, shadow" / "host KVM": printed by each
 * test binary so logs say which MMU the results came from. */
const char *testvm_where(void);

/* Honour TEST_FILTER (a CMocka pattern, e.g. '*pae_1G') and print where
 * the tests run; call first thing in a KVM test's main(). */
void testvm_start(const char *suite);

/* This process's peak resident set (VmHWM) in KiB, after resetting the peak
 * to the current RSS: call it before a step (the start) and
 * testvm_peak_rss_since() after it (the peak since).  Earlier tests' larger
 * peaks, which getrusage() would keep, do not hide the step's growth.
 * -1 when /proc cannot say. */
long testvm_peak_rss_kib(void);
long testvm_peak_rss_since(void);
/* CPU time in seconds, printed beside the bound tests' counts. */
double testvm_cpu_seconds(void);

#endif /* TESTS_LIB_TESTVM_H */
