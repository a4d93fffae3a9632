// SPDX-License-Identifier: GPL-2.0
/* Self-tests of the kernel library: vsnprintf and the locks. */
#include <kernel.h>
#include <mailbox.h>
#include <spinlock.h>
#include <string.h>

static int check_fmt(const char *expect, const char *got, int ret)
{
	if (!strcmp(expect, got) && ret == (int)strlen(expect))
		return 0;
	printk(KERN_ERR "vsnprintf: got \"%s\" (%d), expected \"%s\"\n", got, ret, expect);
	return 1;
}

#define FMT(expect, ...)                                                                           \
	do {                                                                                       \
		char b[64];                                                                        \
		int r = snprintf(b, sizeof(b), __VA_ARGS__);                                       \
		failed += check_fmt(expect, b, r);                                                 \
	} while (0)

static int selftest_vsnprintf(void)
{
	char small[5];
	int failed = 0;

	FMT("42 -7 4294967295", "%d %i %u", 42, -7, 4294967295u);
	FMT("c0100000 C0100000 0xc01", "%x %X %#x", 0xc0100000u, 0xc0100000u, 0xc01);
	FMT("00001234|  1234|1234  |", "%08x|%6x|%-6x|", 0x1234, 0x1234, 0x1234);
	FMT("-0042 +5", "%05d %+d", -42, 5);
	FMT("fedcba9876543210 0000000012345678", "%llx %016llx", 0xfedcba9876543210ull,
	    0x12345678ull);
	FMT("18446744073709551615 -9", "%llu %lld", ~0ull, -9ll);
	FMT("ffffffff 4294967295", "%lx %lu", ~0ul, ~0ul);
	FMT("c0101000", "%p", (void *)0xc0101000);
	FMT("x|  ab|ab  |abc", "%c|%4s|%-4s|%.3s", 'x', "ab", "ab", "abcdef");
	FMT("100% 17", "100%% %o", 017);
	FMT("  7|007", "%*d|%.3d", 3, 7, 7);

	/* Truncation keeps the terminator and returns the full length. */
	if (snprintf(small, sizeof(small), "%s", "abcdefgh") != 8 || strcmp(small, "abcd")) {
		printk(KERN_ERR "vsnprintf: truncation gave \"%s\"\n", small);
		failed++;
	}
	return failed;
}
DEFINE_SELFTEST(vsnprintf, selftest_vsnprintf);

static int selftest_locks(void)
{
	spinlock_t s = SPIN_LOCK_UNLOCKED_CLASS(LOCK_CLASS_NONE);
	rwlock_t rw = RW_LOCK_UNLOCKED_CLASS(LOCK_CLASS_NONE);

	if (spin_is_locked(&s) || !spin_trylock(&s) || spin_trylock(&s) || !spin_is_locked(&s)) {
		printk(KERN_ERR "spinlock: trylock semantics\n");
		return 1;
	}
	spin_unlock(&s);
	spin_lock(&s);
	spin_unlock(&s);
	if (spin_is_locked(&s)) {
		printk(KERN_ERR "spinlock: still locked after unlock\n");
		return 1;
	}

	read_lock(&rw);
	read_lock(&rw);
	if (rw.lock != RW_LOCK_BIAS - 2) {
		printk(KERN_ERR "rwlock: two readers left %#x\n", rw.lock);
		return 1;
	}
	read_unlock(&rw);
	read_unlock(&rw);
	write_lock(&rw);
	if (rw.lock != 0) {
		printk(KERN_ERR "rwlock: writer left %#x\n", rw.lock);
		return 1;
	}
	write_unlock(&rw);
	if (rw.lock != RW_LOCK_BIAS) {
		printk(KERN_ERR "rwlock: unlocked is %#x\n", rw.lock);
		return 1;
	}
	return 0;
}
DEFINE_SELFTEST(locks, selftest_locks);
