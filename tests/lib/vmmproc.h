/* SPDX-License-Identifier: GPL-2.0 */
/* The vmm binary run as a user runs it: a child process, stdout and stderr captured. */
#ifndef TESTS_LIB_VMMPROC_H
#define TESTS_LIB_VMMPROC_H

#define VMM_BIN "build/bin/vmm"

struct vmm_child {
	int status; /* exit status, or -1 when it did not exit normally */
	char *out, *err;
};

/* Run VMM_BIN with args (NULL-terminated, without argv[0]) to its end, with the
 * test's environment plus env_add ("NAME=value", may be NULL), which replaces a
 * variable of the same name; fails the test if it cannot be started. */
void vmm_child_run(struct vmm_child *c, const char *const *args, const char *env_add);
void vmm_child_free(struct vmm_child *c);

/* Fail the test unless it exited with want, showing both streams (stdout's last
 * 2000 bytes). */
void vmm_child_expect_status(const struct vmm_child *c, int want);

#endif /* TESTS_LIB_VMMPROC_H */
