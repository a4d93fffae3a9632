/* SPDX-License-Identifier: GPL-2.0 */
/* The string functions of a freestanding kernel (Linux lib/string.c). */
#ifndef GUEST_STRING_H
#define GUEST_STRING_H

#include <stddef.h>

void *memset(void *s, int c, size_t n);
void *memcpy(void *dest, const void *src, size_t n);
void *memmove(void *dest, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copies at most size - 1 bytes and always terminates (size > 0); returns strlen(src). */
size_t strlcpy(char *dest, const char *src, size_t size);
/* Parses an unsigned number in base 10, 16 ("0x") or 8 ("0"), as the kernel's simple_strtoul. */
unsigned long simple_strtoul(const char *cp, char **endp, unsigned int base);

#endif /* GUEST_STRING_H */
