// SPDX-License-Identifier: GPL-2.0
/*
 * vmm --stress, run as a user runs it: 4 vCPUs x K operations each in
 * both paging modes must end with "stress: 4 CPUs, N operations, M
 * checks, 0 violations" and exit 0; the same seed gives the same per-CPU
 * streams; and each negative control (a guest command-line word that
 * breaks one lock or flush) must be caught by the rule it breaks:
 *  - novmlistlock (get_vm_area walks and links vmlist without
 *    vmlist_lock): two CPUs are given the same range, both areas are on
 *    vmlist: A1;
 *  - noptlock (__vmalloc_area_pages without page_table_lock): two CPUs
 *    each give one PMD entry a page table, the second replaces the first,
 *    and the PTEs written into the first are lost: the pages of a live
 *    area are unmapped, M1 (the issue expected M6 or M3: the lost table
 *    is referenced by no entry, so the walk cannot see it; M1 sees what
 *    went with it; README);
 *  - noapflush (an AP's flush handler acknowledges without flushing): T4,
 *    from the hardware evidence of the hot vfree at each quiescent point.
 *    It boots with apnowp, which gives the APs shadow tables of their own
 *    under shadow paging (else CPU 0's flush re-syncs theirs: README,
 *    "Several CPUs").
 * Both lock controls hold their unlocked window open for a while
 * (guest/include/vmalloc.h, *_CONTROL_WINDOW_CYCLES), so that two CPUs meet
 * in it; checks come every CONTROL_EVERY operations, so that a damaged
 * state is seen while it lasts.  make test gives each control up to
 * CONTROL_SEEDS seeds and passes when one shows the rule; `make
 * stress-controls` measures the rate over 10 seeds.
 *
 * TEST_STRESS_CONTROL=word[,word] TEST_STRESS_SEEDS=N: run only those controls over
 * N seeds and print the tally (the stress-controls target).
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

#include "tests/lib/testvm.h"
#include "tests/lib/vmmproc.h"

#define STRESS_CPUS   "4"
#define CONTROL_SEEDS 3u
#define TIMEOUT_SEC   "1800"

/*
 * Operations per CPU: TEST_STRESS_OPS, else the 5000 under nested
 * paging and 2000 under shadow paging.  On four nested CPUs
 * (tools/run-tests) a run of 4 x 5000 takes 19 to 38 s under npt and about
 * 113 s under shadow paging, which traps every write to a page table:
 * both paging modes at 5000 there would take make test past its 15
 * minutes.  `make stress` runs 20000 under both.
 */
static const char *stress_ops(void)
{
	const char *s = getenv("TEST_STRESS_OPS");

	if (s && atoi(s) > 0)
		return s;
	return strstr(testvm_where(), "shadow") ? "2000" : "5000";
}

static long nested_cpus(void)
{
	return sysconf(_SC_NPROCESSORS_ONLN);
}

/* The last line of out that starts with prefix, copied into line; false if none. */
static bool last_line(const char *out, const char *prefix, char *line, size_t len)
{
	const char *p = out, *found = NULL;
	size_t n = strlen(prefix);

	while (p && *p) {
		if (!strncmp(p, prefix, n))
			found = p;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!found)
		return false;
	snprintf(line, len, "%.*s", (int)strcspn(found, "\n"), found);
	return true;
}

/* Whether out has a violation line of rule ("A1 va=..."). */
static bool has_rule(const char *out, const char *rule)
{
	char prefix[24], line[512];

	snprintf(prefix, sizeof(prefix), "%s va=", rule);
	return last_line(out, prefix, line, sizeof(line));
}

/*
 * The controls' runs: CONTROL_OPS operations per CPU, checked every
 * CONTROL_EVERY (each window shows at the first quiescent point in the
 * runs measured; README), and a timeout of their own, since the damage a
 * broken lock does may also hang the guest.
 */
#define CONTROL_OPS	    "400"
#define CONTROL_EVERY	    "100"
#define CONTROL_TIMEOUT_SEC "600"

static void run_stress(struct vmm_child *c, const char *paging, const char *cpus, const char *ops,
		       const char *seed, const char *word)
{
	const char *args[24];
	unsigned int n = 0;

	args[n++] = "-q";
	args[n++] = "--timeout";
	args[n++] = word ? CONTROL_TIMEOUT_SEC : TIMEOUT_SEC;
	args[n++] = "--paging";
	args[n++] = paging;
	args[n++] = "--cpus";
	args[n++] = cpus;
	args[n++] = "--stress";
	args[n++] = ops;
	args[n++] = "--seed";
	args[n++] = seed;
	if (word) {
		args[n++] = "--cmdline";
		args[n++] = word;
		args[n++] = "--stress-every";
		args[n++] = CONTROL_EVERY;
	}
	args[n++] = GUEST_ELF;
	args[n] = NULL;
	vmm_child_run(c, args, NULL);
}

/* 4 x 5,000 with every lock and flush in place: no violation, and the summary line. */
static void stress_clean(const char *paging)
{
	struct vmm_child c;
	unsigned int cpus = 0, total = 0, checks = 0, viol = 0;
	char line[256];

	run_stress(&c, paging, STRESS_CPUS, stress_ops(), "1", NULL);
	vmm_child_expect_status(&c, 0);
	if (!last_line(c.out, "stress: ", line, sizeof(line)) ||
	    sscanf(line, "stress: %u CPUs, %u operations, %u checks, %u violations", &cpus, &total,
		   &checks, &viol) != 4)
		fail_msg("%s: no summary line in:\n%s", paging, c.out);
	printf("%s (%s, %ld nested CPUs): %s\n", paging, testvm_where(), nested_cpus(), line);
	assert_int_equal(cpus, 4);
	assert_int_equal(total, 4u * (unsigned int)atoi(stress_ops()));
	assert_int_equal(viol, 0);
	/* Every rule runs at each quiescent point (at least 2), three times (round, hot
	 * vmalloc, hot vfree): far more than one check's worth. */
	assert_true(checks > 2 * 3 * 10);
	vmm_child_free(&c);
}

static void test_stress_2level(void **state)
{
	(void)state;
	stress_clean("2level");
}

static void test_stress_pae(void **state)
{
	(void)state;
	stress_clean("pae");
}

/* The per-CPU operation columns (vmalloc .. probe) of a run's table. */
static void streams(const char *out, unsigned int ncpu, unsigned int ops[][6])
{
	unsigned int i;

	for (i = 0; i < ncpu; i++) {
		char prefix[8], line[512];
		unsigned int cpu;

		snprintf(prefix, sizeof(prefix), "%-4u", i);
		if (!last_line(out, prefix, line, sizeof(line)) ||
		    sscanf(line, "%u %u %u %u %u %u %u", &cpu, &ops[i][0], &ops[i][1], &ops[i][2],
			   &ops[i][3], &ops[i][4], &ops[i][5]) != 7)
			fail_msg("no row for CPU %u in:\n%s", i, out);
	}
}

/* The same seed gives every CPU the same stream of operations; another seed another. */
static void test_same_seed_same_streams(void **state)
{
	unsigned int a[2][6], b[2][6], d[2][6];
	struct vmm_child c;

	(void)state;
	run_stress(&c, "2level", "2", "1000", "5", NULL);
	vmm_child_expect_status(&c, 0);
	streams(c.out, 2, a);
	vmm_child_free(&c);
	run_stress(&c, "2level", "2", "1000", "5", NULL);
	vmm_child_expect_status(&c, 0);
	streams(c.out, 2, b);
	vmm_child_free(&c);
	run_stress(&c, "2level", "2", "1000", "6", NULL);
	vmm_child_expect_status(&c, 0);
	streams(c.out, 2, d);
	vmm_child_free(&c);
	assert_memory_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, d, sizeof(a));
	/* And the two CPUs' streams differ from each other (seeded by CPU number too). */
	assert_memory_not_equal(a[0], a[1], sizeof(a[0]));
}

struct control {
	const char *word;
	const char *cmdline;  /* the guest words it boots with */
	const char *rules[3]; /* any one is the catch */
};

static const struct control controls[] = {
	{ "novmlistlock", "novmlistlock", { "A1", NULL, NULL } },
	{ "noptlock", "noptlock", { "M1", "M3", "M6" } },
	{ "noapflush", "noapflush apnowp", { "T4", NULL, NULL } },
};

/*
 * Run control k over seeds 1..nseeds (stopping at the first catch unless
 * all), in both paging modes alternately; returns the seeds that caught it.
 * Every run must end in exit 0 or 76 (no crash of the host side), and a
 * catch is exit 76 with a violation line of one of k's rules.
 */
static unsigned int run_control(const struct control *k, unsigned int nseeds, bool all,
				char *last_out, size_t len)
{
	unsigned int seed, caught = 0, r;

	for (seed = 1; seed <= nseeds; seed++) {
		struct vmm_child c;
		char s[16];
		bool hit;

		snprintf(s, sizeof(s), "%u", seed);
		run_stress(&c, seed % 2 ? "2level" : "pae", STRESS_CPUS, CONTROL_OPS, s,
			   k->cmdline);
		hit = false;
		for (r = 0; r < ARRAY_SIZE(k->rules) && k->rules[r]; r++)
			if (c.status == 76 && has_rule(c.out, k->rules[r])) {
				printf("%s seed %u: %s\n", k->word, seed, k->rules[r]);
				hit = true;
			}
		if (c.status != 76 && c.status != 0) {
			/* The damage may crash the guest (an oops, a triple fault) or hang it
			 * (the timeout) before a quiescent point: not a catch. */
			printf("%s seed %u: exit %d\n%s\n", k->word, seed, c.status,
			       c.err ? c.err : "");
		}
		snprintf(last_out, len, "%s", c.out ? c.out : "");
		caught += hit;
		vmm_child_free(&c);
		if (hit && !all)
			break;
	}
	return caught;
}

/* "A1 or T1 or P2" */
static const char *rule_list(const struct control *k)
{
	static char buf[32];
	unsigned int r, n = 0;

	buf[0] = 0;
	for (r = 0; r < ARRAY_SIZE(k->rules) && k->rules[r]; r++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%s", r ? " or " : "", k->rules[r]);
	return buf;
}

static void control(const struct control *k)
{
	static char out[1 << 16];
	unsigned int caught;

	caught = run_control(k, CONTROL_SEEDS, false, out, sizeof(out));

	printf("%s (%s, %ld nested CPUs): %s in %s of up to %u seeds\n", k->word, testvm_where(),
	       nested_cpus(), rule_list(k), caught ? "one" : "none", CONTROL_SEEDS);
	if (!caught)
		fail_msg("%s: no seed of %u gave %s; the last run's output:\n%s", k->word,
			 CONTROL_SEEDS, rule_list(k), out);
}

static void test_control_novmlistlock(void **state)
{
	(void)state;
	control(&controls[0]);
}

static void test_control_noptlock(void **state)
{
	(void)state;
	control(&controls[1]);
}

static void test_control_noapflush(void **state)
{
	(void)state;
	control(&controls[2]);
}

/* TEST_STRESS_CONTROL=word,... TEST_STRESS_SEEDS=N: the tally of each control, nothing asserted. */
static int measure(const char *words, unsigned int nseeds)
{
	static char out[1 << 16];
	size_t i;

	for (i = 0; i < sizeof(controls) / sizeof(controls[0]); i++) {
		const struct control *k = &controls[i];
		unsigned int caught;

		if (!strstr(words, k->word))
			continue;
		caught = run_control(k, nseeds, true, out, sizeof(out));
		printf("%s: %s in %u/%u seeds (%s, %ld nested CPUs)\n", k->word, rule_list(k),
		       caught, nseeds, testvm_where(), nested_cpus());
		fflush(stdout);
	}
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stress_2level),
		cmocka_unit_test(test_stress_pae),
		cmocka_unit_test(test_same_seed_same_streams),
		cmocka_unit_test(test_control_novmlistlock),
		cmocka_unit_test(test_control_noptlock),
		cmocka_unit_test(test_control_noapflush),
	};
	const char *words = getenv("TEST_STRESS_CONTROL");

	testvm_start("stress");
	if (words && *words) {
		const char *n = getenv("TEST_STRESS_SEEDS");

		return measure(words, n && atoi(n) > 0 ? (unsigned int)atoi(n) : 10);
	}
	return cmocka_run_group_tests_name("stress", tests, NULL, NULL);
}
