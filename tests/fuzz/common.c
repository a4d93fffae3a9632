// SPDX-License-Identifier: GPL-2.0
/*
 * Linked into every harness: UBSan findings are fatal (a crash libFuzzer
 * records), with a stack.  The build keeps UBSan recoverable only so that
 * UBSAN_OPTIONS=suppressions=... (tests/fuzz/known-ubsan.supp) can set known,
 * reported findings aside during long runs; UBSAN_OPTIONS replaces these
 * defaults, so it must repeat halt_on_error=1.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests/fuzz/ram.h"

const char *__ubsan_default_options(void);
const char *__asan_default_options(void);

const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

/* Leaks are findings too (the untrusted-input contract: no leak). */
const char *__asan_default_options(void)
{
	return "detect_leaks=1";
}

void fuzz_abort(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz: %s: %s\n", what, msg);
	abort();
}
