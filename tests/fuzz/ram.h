/* SPDX-License-Identifier: GPL-2.0 */
/* Turning a fuzz input into a guest: header fields, then guest RAM. */
#ifndef TESTS_FUZZ_RAM_H
#define TESTS_FUZZ_RAM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A finding that is no crash (a broken contract): say what, then abort(),
 * which libFuzzer records as a crash with its input. */
void fuzz_abort(const char *what, const char *msg) __attribute__((noreturn));

/* Consumes the input front to back; reads past its end give zeros. */
struct fuzz_input {
	const uint8_t *p;
	size_t left;
};

static inline uint8_t fuzz_u8(struct fuzz_input *in)
{
	uint8_t v = 0;

	if (in->left) {
		v = *in->p++;
		in->left--;
	}
	return v;
}

/* Little-endian, as the guest stores it. */
static inline uint32_t fuzz_u32(struct fuzz_input *in)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < 4; i++)
		v |= (uint32_t)fuzz_u8(in) << (8 * i);
	return v;
}

/* The rest of the input copied to buf (zeroed first) of len bytes. */
static inline void fuzz_fill(struct fuzz_input *in, uint8_t *buf, size_t len)
{
	size_t n = in->left < len ? in->left : len;

	memset(buf, 0, len);
	memcpy(buf, in->p, n);
	in->p += n;
	in->left -= n;
}

#endif /* TESTS_FUZZ_RAM_H */
