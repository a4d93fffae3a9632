// SPDX-License-Identifier: GPL-2.0
/*
 * A small vsnprintf (Linux lib/vsprintf.c): %d %i %u %x %X %o %s %c %p %%,
 * flags "-0+ #", width and precision (numbers or '*'), length h, hh, l,
 * ll, z.  %p prints 8 hex digits without 0x, as 2.4 does.
 */
#include <kernel.h>
#include <string.h>

#define ZEROPAD 1
#define SIGN	2
#define PLUS	4
#define SPACE	8
#define LEFT	16
#define SPECIAL 32 /* '#': 0x / 0 prefix */
#define LARGE	64 /* upper-case hex digits */

struct outbuf {
	char *buf;
	size_t size, len; /* len counts everything, even what did not fit */
};

static void put(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void number(struct outbuf *o, unsigned long long num, unsigned int base, int width,
		   int precision, int flags)
{
	const char *digits = (flags & LARGE) ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24], sign = 0;
	int i = 0, prefix = 0;

	if (flags & LEFT)
		flags &= ~ZEROPAD;
	if (flags & SIGN) {
		if ((long long)num < 0) {
			sign = '-';
			num = -(long long)num;
		} else if (flags & PLUS) {
			sign = '+';
		} else if (flags & SPACE) {
			sign = ' ';
		}
	}
	if (sign)
		width--;
	if ((flags & SPECIAL) && num) {
		prefix = base == 16 ? 2 : base == 8 ? 1 : 0;
		width -= prefix;
	}
	do {
		tmp[i++] = digits[num % base];
		num /= base;
	} while (num);
	if (precision < i)
		precision = i;
	width -= precision;
	if (!(flags & (ZEROPAD | LEFT)))
		while (width-- > 0)
			put(o, ' ');
	if (sign)
		put(o, sign);
	if (prefix) {
		put(o, '0');
		if (prefix == 2)
			put(o, (flags & LARGE) ? 'X' : 'x');
	}
	if (flags & ZEROPAD)
		while (width-- > 0)
			put(o, '0');
	while (precision-- > i)
		put(o, '0');
	while (i-- > 0)
		put(o, tmp[i]);
	while (width-- > 0)
		put(o, ' ');
}

static int skip_atoi(const char **s)
{
	int i = 0;

	while (**s >= '0' && **s <= '9')
		i = i * 10 + *((*s)++) - '0';
	return i;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	struct outbuf o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		int flags = 0, width = -1, precision = -1, qualifier = 0;
		unsigned int base = 10;
		unsigned long long num;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		for (;;) {
			fmt++;
			if (*fmt == '-')
				flags |= LEFT;
			else if (*fmt == '+')
				flags |= PLUS;
			else if (*fmt == ' ')
				flags |= SPACE;
			else if (*fmt == '#')
				flags |= SPECIAL;
			else if (*fmt == '0')
				flags |= ZEROPAD;
			else
				break;
		}
		if (*fmt >= '0' && *fmt <= '9') {
			width = skip_atoi(&fmt);
		} else if (*fmt == '*') {
			fmt++;
			width = va_arg(args, int);
			if (width < 0) {
				width = -width;
				flags |= LEFT;
			}
		}
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				fmt++;
				precision = va_arg(args, int);
			} else {
				precision = skip_atoi(&fmt);
			}
			if (precision < 0)
				precision = 0;
		}
		if (*fmt == 'h' || *fmt == 'l' || *fmt == 'z') {
			qualifier = *fmt++;
			if (qualifier == 'l' && *fmt == 'l') {
				qualifier = 'L';
				fmt++;
			} else if (qualifier == 'h' && *fmt == 'h') {
				qualifier = 'H';
				fmt++;
			}
		}

		switch (*fmt) {
		case 'c':
			if (!(flags & LEFT))
				while (--width > 0)
					put(&o, ' ');
			put(&o, (char)va_arg(args, int));
			while (--width > 0)
				put(&o, ' ');
			continue;
		case 's': {
			const char *s = va_arg(args, const char *);
			int len;

			if (!s)
				s = "<NULL>";
			len = (int)strnlen(s, precision < 0 ? (size_t)-1 : (size_t)precision);
			if (!(flags & LEFT))
				while (len < width--)
					put(&o, ' ');
			for (int i = 0; i < len; i++)
				put(&o, s[i]);
			while (len < width--)
				put(&o, ' ');
			continue;
		}
		case 'p':
			if (width == -1) {
				width = 2 * sizeof(void *);
				flags |= ZEROPAD;
			}
			number(&o, (unsigned long)va_arg(args, void *), 16, width, precision,
			       flags);
			continue;
		case '%':
			put(&o, '%');
			continue;
		case 'o':
			base = 8;
			break;
		case 'X':
			flags |= LARGE;
			/* fall through */
		case 'x':
			base = 16;
			break;
		case 'd':
		case 'i':
			flags |= SIGN;
			break;
		case 'u':
			break;
		default:
			/* Unknown conversion: print it as it stands. */
			put(&o, '%');
			if (!*fmt)
				goto out;
			put(&o, *fmt);
			continue;
		}

		if (qualifier == 'L')
			num = va_arg(args, unsigned long long);
		else if (qualifier == 'l' || qualifier == 'z')
			num = (flags & SIGN) ? (unsigned long long)va_arg(args, long)
					     : va_arg(args, unsigned long);
		else if (qualifier == 'h')
			num = (flags & SIGN) ? (unsigned long long)(short)va_arg(args, int)
					     : (unsigned short)va_arg(args, int);
		else if (qualifier == 'H')
			num = (flags & SIGN) ? (unsigned long long)(signed char)va_arg(args, int)
					     : (unsigned char)va_arg(args, int);
		else
			num = (flags & SIGN) ? (unsigned long long)va_arg(args, int)
					     : va_arg(args, unsigned int);
		number(&o, num, base, width, precision, flags);
	}
out:
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vsnprintf(buf, size, fmt, args);
	va_end(args);
	return n;
}
