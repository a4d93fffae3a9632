// SPDX-License-Identifier: GPL-2.0
/*
 * stress_state_check: the struct stress_state a guest writes is believed
 * only when every field agrees with what the host asked for; each defect a
 * hostile guest could plant is refused with a message naming the field.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/cli/cli.h"

/* A sound state after round 2 of a run on CPUs 0 and 1, 100 operations each. */
static void sound(struct stress_state *st, struct stress_expect *x)
{
	unsigned int i;

	memset(st, 0, sizeof(*st));
	memset(x, 0, sizeof(*x));
	st->magic = STRESS_MAGIC;
	st->rounds = x->rounds = 2;
	st->cpus = x->cpus = 0x3;
	st->seed = x->seed = 42;
	x->issued = 100;
	for (i = 0; i < 2; i++) {
		struct stress_cpu *c = &st->cpu[i];

		c->ops[STRESS_VMALLOC] = 30;
		c->ops[STRESS_VMAP] = 10;
		c->ops[STRESS_VFREE] = 25;
		c->ops[STRESS_PROBE] = 35;
		c->failed = 2;
		c->live = 13;
		c->lock_acquires = 400;
		c->lock_spins = 17;
	}
}

static void test_sound_state(void **state)
{
	struct stress_state st;
	struct stress_expect x;
	char err[256] = "";

	(void)state;
	sound(&st, &x);
	assert_int_equal(stress_state_check(&st, &x, err, sizeof(err)), 0);
	/* The last round: each CPU's frees on top, nothing held after. */
	x.final = true;
	x.rounds = st.rounds;
	x.held[0] = x.held[1] = 13;
	st.cpu[0].ops[STRESS_VFREE] += 13;
	st.cpu[1].ops[STRESS_VFREE] += 13;
	st.cpu[0].live = st.cpu[1].live = 0;
	assert_int_equal(stress_state_check(&st, &x, err, sizeof(err)), 0);
	/* A stale read in the vmalloc range is a finding, not a defect of the state. */
	st.cpu[1].stale = 1;
	st.cpu[1].stale_va = 0xc8801000u;
	assert_int_equal(stress_state_check(&st, &x, err, sizeof(err)), 0);
}

/* Each case breaks one field of a sound state; the message must name it. */
static void test_hostile_fields(void **state)
{
	static const struct {
		const char *field;
	} cases[] = {
		{ "stress_state.magic" },
		{ "stress_state.rounds" },
		{ "stress_state.cpus" },
		{ "stress_state.seed" },
		{ "stress_state.inversion.found" },
		{ "stress_state.inversion: lock classes" },
		{ "stress_state.inversion: CPUs" },
		{ "stress_state.cpu[5].ops" },
		{ "stress_state.cpu[0].ops" },
		{ "stress_state.cpu[1].failed" },
		{ "stress_state.cpu[1].live" },
		{ "stress_state.cpu[0]: probe_bad" },
		{ "stress_state.cpu[1].stale_va" },
		{ "stress_state.cpu[0].lock_spins" },
		{ "stress_state.cpu[0].live" },
	};
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct stress_state st;
		struct stress_expect x;
		char err[256] = "";
		int ret;

		sound(&st, &x);
		switch (i) {
		case 0:
			st.magic ^= 1;
			break;
		case 1:
			st.rounds = 7;
			break;
		case 2:
			st.cpus = 0xff;
			break;
		case 3:
			st.seed = 43;
			break;
		case 4:
			st.inversion.found = 1;
			break;
		case 5:
			st.inversion.found = x.inversions_seen = 1;
			st.inversion.held = 1;
			st.inversion.taken = LOCK_CLASS_NR;
			break;
		case 6:
			st.inversion.found = x.inversions_seen = 1;
			st.inversion.held = 1;
			st.inversion.taken = 2;
			st.inversion.cpu = 9;
			break;
		case 7:
			st.cpu[5].ops[STRESS_PROBE] = 1;
			break;
		case 8:
			st.cpu[0].ops[STRESS_PROBE] += 1;
			break;
		case 9:
			st.cpu[1].failed = 41;
			break;
		case 10:
			st.cpu[1].live = 39;
			break;
		case 11:
			st.cpu[0].probe_bad = 36;
			break;
		case 12:
			st.cpu[1].stale = 1;
			st.cpu[1].stale_va = 0x1000;
			break;
		case 13:
			st.cpu[0].lock_acquires = 0;
			break;
		case 14:
			x.final = true;
			x.held[0] = x.held[1] = 13;
			break;
		}
		ret = stress_state_check(&st, &x, err, sizeof(err));
		if (ret != -EBADMSG || !strstr(err, cases[i].field)) {
			print_error("case %zu: expected -EBADMSG naming '%s', got %d '%s'\n", i,
				    cases[i].field, ret, err);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sound_state),
		cmocka_unit_test(test_hostile_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
