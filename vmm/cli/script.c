// SPDX-License-Identifier: GPL-2.0
#include "vmm/cli/cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKENS     8
#define VMAP_MAX_PAGES 64u /* CMD_VMAP's limit (guest/mm/vmalloc_cmds.c) */

static const char *const kind_names[SOP_NR_KINDS] = {
	[SOP_COMMENT] = "#",
	[SOP_VMALLOC] = "vmalloc",
	[SOP_VMALLOC_DMA] = "vmalloc_dma",
	[SOP_VMALLOC_32] = "vmalloc_32",
	[SOP_VMAP] = "vmap",
	[SOP_VMAP_PUT] = "vmap_put",
	[SOP_VFREE] = "vfree",
	[SOP_PROBE_READ] = "probe read",
	[SOP_PROBE_WRITE] = "probe write",
	[SOP_FILL] = "fill",
	[SOP_CHECK] = "check",
	[SOP_NEW_MM] = "new_mm",
	[SOP_SWITCH_MM] = "switch_mm",
	[SOP_TOUCH] = "touch",
	[SOP_FAULT_INJECT] = "fault_inject",
	[SOP_PURGE] = "purge",
	[SOP_VM_UNMAP_ALIASES] = "vm_unmap_aliases",
};

const char *script_kind_name(enum script_kind kind)
{
	return kind < SOP_NR_KINDS ? kind_names[kind] : "?";
}

bool script_kind_has_result(enum script_kind kind)
{
	return kind == SOP_VMALLOC || kind == SOP_VMALLOC_DMA || kind == SOP_VMALLOC_32 ||
	       kind == SOP_VMAP || kind == SOP_NEW_MM;
}

void script_init(struct script *s, const char *name)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->file, sizeof(s->file), "%s", name ? name : "script");
}

void script_free(struct script *s)
{
	free(s->ops);
	s->ops = NULL;
	s->nr = s->cap = 0;
	s->nr_operations = 0;
}

const struct script_op *script_find_name(const struct script *s, const char *name,
					 unsigned int before_number)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		const struct script_op *op = &s->ops[i];

		if (op->kind != SOP_COMMENT && op->number < before_number && op->def[0] &&
		    !strcmp(op->def, name))
			return op;
	}
	return NULL;
}

/* The parse state of one line. */
struct line_ctx {
	struct script *s;
	unsigned int lineno;
	char *err;
	size_t errlen;
};

static int perr(const struct line_ctx *lc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int perr(const struct line_ctx *lc, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(lc->err, lc->errlen, "%s:%u: %s", lc->s->file, lc->lineno, msg);
	return -EINVAL;
}

/* Decimal or 0x hex, optional K/M/G when sizes; must fit in 32 bits. */
static int parse_num(const struct line_ctx *lc, const char *tok, bool size, uint64_t max,
		     const char *what, uint32_t *out)
{
	unsigned long long v = 0;
	unsigned int shift = 0;
	const char *p = tok;
	int base = 10, digits = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (; *p; p++) {
		int d;

		if (isdigit((unsigned char)*p))
			d = *p - '0';
		else if (base == 16 && isxdigit((unsigned char)*p))
			d = tolower((unsigned char)*p) - 'a' + 10;
		else
			break;
		v = v * (unsigned)base + (unsigned)d;
		if (v > 0xffffffffull)
			return perr(lc, "%s '%s' does not fit in 32 bits", what, tok);
		digits++;
	}
	if (!digits)
		return perr(lc, "%s '%s' is not a number (decimal or 0x hex)", what, tok);
	if (size && *p && !p[1] && strchr("kKmMgG", *p)) {
		shift = strchr("kK", *p) ? 10 : strchr("mM", *p) ? 20 : 30;
		p++;
	}
	if (*p)
		return perr(lc, "%s '%s': unexpected '%c' after the number", what, tok, *p);
	v <<= shift;
	if (v > 0xffffffffull)
		return perr(lc, "%s '%s' does not fit in 32 bits", what, tok);
	if (v > max)
		return perr(lc, "%s '%s' is too large (at most %llu)", what, tok,
			    (unsigned long long)max);
	*out = (uint32_t)v;
	return 0;
}

static bool is_name_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

/* The operation whose name is w ("probe" is read or write: not found), or SOP_NR_KINDS. */
static enum script_kind kind_of(const char *w)
{
	enum script_kind k;

	for (k = SOP_VMALLOC; k < SOP_NR_KINDS; k++)
		if (!strcmp(w, kind_names[k]))
			break;
	return k;
}

/* Words that start an operation, so cannot name a result. */
static bool is_keyword(const char *w)
{
	return kind_of(w) != SOP_NR_KINDS || !strcmp(w, "probe");
}

/* An address: NUMBER, $N or NAME, each with an optional +OFF or -OFF. */
static int parse_operand(const struct line_ctx *lc, const char *tok, unsigned int number,
			 struct script_operand *o)
{
	char head[SCRIPT_LINE_MAX];
	const char *sign;
	size_t hlen;
	uint32_t v;
	int ret;

	memset(o, 0, sizeof(*o));
	sign = strpbrk(tok + 1, "+-"); /* tok[0] may not be the sign */
	hlen = sign ? (size_t)(sign - tok) : strlen(tok);
	memcpy(head, tok, hlen);
	head[hlen] = '\0';
	if (sign) {
		if (!sign[1])
			return perr(lc, "address '%s': nothing after '%c'", tok, *sign);
		ret = parse_num(lc, sign + 1, true, 0xffffffffu, "offset", &v);
		if (ret)
			return ret;
		o->offset = *sign == '-' ? -(int64_t)v : (int64_t)v;
	}
	if (isdigit((unsigned char)head[0])) {
		o->kind = OPND_NUM;
		return parse_num(lc, head, false, 0xffffffffu, "address", &o->value);
	}
	if (head[0] == '$') {
		const struct script_op *ref;
		size_t i;

		if (!head[1])
			return perr(lc, "'$' needs an operation number ($1 is the first)");
		ret = parse_num(lc, head + 1, false, SCRIPT_OPS_MAX, "operation number", &v);
		if (ret)
			return ret;
		if (v == 0)
			return perr(lc, "'%s': operations count from $1", head);
		if (v >= number)
			return perr(lc,
				    "'%s' refers to operation %u, which is not before this one "
				    "(operation %u)",
				    head, v, number);
		for (i = 0, ref = NULL; i < lc->s->nr && !ref; i++)
			if (lc->s->ops[i].number == v)
				ref = &lc->s->ops[i];
		if (!ref || !script_kind_has_result(ref->kind))
			return perr(lc, "'%s' refers to '%s' (line %u), which returns no address",
				    head, ref ? ref->text : "?", ref ? ref->line : 0);
		o->kind = OPND_REF;
		o->ref = v;
		return 0;
	}
	if (!is_name_start(head[0]))
		return perr(lc, "'%s' is not an address (a number, $N or a name)", tok);
	for (hlen = 1; head[hlen]; hlen++)
		if (!is_name_char(head[hlen]))
			return perr(lc, "name '%s': unexpected '%c'", head, head[hlen]);
	if (hlen >= SCRIPT_NAME_MAX)
		return perr(lc, "name '%s' is longer than %d characters", head,
			    SCRIPT_NAME_MAX - 1);
	o->kind = OPND_NAME;
	memcpy(o->name, head, hlen + 1);
	{
		const struct script_op *def = script_find_name(lc->s, head, number);

		o->ref = def ? def->number : 0; /* 0: a guest symbol, resolved later */
	}
	return 0;
}

static int parse_zone(const struct line_ctx *lc, const char *tok, uint32_t *zone)
{
	static const char *const zones[] = { "dma", "normal", "highmem" };
	uint32_t i;

	for (i = 0; i < 3; i++)
		if (!strcmp(tok, zones[i]) || (tok[0] == (char)('0' + i) && !tok[1])) {
			*zone = i;
			return 0;
		}
	return perr(lc, "vmap zone '%s': use dma, normal or highmem", tok);
}

/* "key=value" with a number value, or -ENOENT when tok does not start with "key=". */
static int parse_keyval(const struct line_ctx *lc, const char *tok, const char *key, uint32_t *out)
{
	size_t klen = strlen(key);

	if (strncmp(tok, key, klen) || tok[klen] != '=')
		return -ENOENT;
	if (!tok[klen + 1])
		return perr(lc, "'%s' needs a value", tok);
	return parse_num(lc, tok + klen + 1, false, 0xffffffffu, key, out);
}

static int need_args(const struct line_ctx *lc, const char *what, int have, int min, int max,
		     const char *usage, char **tok)
{
	if (have < min)
		return perr(lc, "'%s' needs %s", what, usage);
	if (have > max && !max)
		return perr(lc, "unexpected '%s' after '%s' (it takes no arguments)", tok[1], what);
	if (have > max)
		return perr(lc, "unexpected '%s' after '%s' (usage: %s %s)", tok[max + 1], what,
			    what, usage);
	return 0;
}

static int parse_tokens(const struct line_ctx *lc, char **tok, int ntok, struct script_op *op)
{
	const char *w = tok[0];
	int nargs = ntok - 1, ret;
	char **a = tok + 1;

	if (!strcmp(w, "probe")) {
		if (nargs < 1 || (strcmp(a[0], "read") && strcmp(a[0], "write")))
			return perr(lc, "'probe' needs 'read ADDR' or 'write ADDR VALUE'");
		if (!strcmp(a[0], "read")) {
			op->kind = SOP_PROBE_READ;
			ret = need_args(lc, "probe read", nargs - 1, 1, 1, "ADDR", a);
		} else {
			op->kind = SOP_PROBE_WRITE;
			ret = need_args(lc, "probe write", nargs - 1, 2, 2, "ADDR VALUE", a);
			if (!ret)
				ret = parse_num(lc, a[2], false, 0xffffffffu, "value", &op->n[0]);
		}
		return ret ? ret : parse_operand(lc, a[1], op->number, &op->addr);
	}
	op->kind = kind_of(w);
	switch (op->kind) {
	case SOP_VMALLOC:
	case SOP_VMALLOC_DMA:
	case SOP_VMALLOC_32:
		ret = need_args(lc, w, nargs, 1, 1, "SIZE", tok);
		return ret ? ret : parse_num(lc, a[0], true, 0xffffffffu, "size", &op->n[0]);
	case SOP_VMAP:
		ret = need_args(lc, w, nargs, 2, 3, "COUNT dma|normal|highmem [prot=P]", tok);
		if (!ret)
			ret = parse_num(lc, a[0], false, VMAP_MAX_PAGES, "vmap count", &op->n[0]);
		if (!ret && op->n[0] == 0)
			ret = perr(lc, "vmap count 0: at least one page");
		if (!ret)
			ret = parse_zone(lc, a[1], &op->n[1]);
		if (!ret && nargs == 3) {
			ret = parse_keyval(lc, a[2], "prot", &op->n[2]);
			if (ret == -ENOENT)
				ret = perr(lc, "vmap: expected prot=P, got '%s'", a[2]);
		}
		return ret;
	case SOP_VFREE:
	case SOP_VMAP_PUT:
	case SOP_TOUCH:
	case SOP_SWITCH_MM:
		ret = need_args(lc, w, nargs, 1, 1, op->kind == SOP_SWITCH_MM ? "ID" : "ADDR", tok);
		return ret ? ret : parse_operand(lc, a[0], op->number, &op->addr);
	case SOP_FILL:
	case SOP_CHECK:
		ret = need_args(lc, w, nargs, 2, 3, "ADDR BYTES [seed=N]", tok);
		if (!ret)
			ret = parse_operand(lc, a[0], op->number, &op->addr);
		if (!ret)
			ret = parse_num(lc, a[1], true, 0xffffffffu, "byte count", &op->n[0]);
		if (!ret && nargs == 3) {
			ret = parse_keyval(lc, a[2], "seed", &op->n[1]);
			if (ret == -ENOENT)
				ret = perr(lc, "%s: expected seed=N, got '%s'", w, a[2]);
		}
		return ret;
	case SOP_NEW_MM:
	case SOP_PURGE:
	case SOP_VM_UNMAP_ALIASES:
		return need_args(lc, w, nargs, 0, 0, "nothing", tok);
	case SOP_FAULT_INJECT:
		ret = need_args(lc, w, nargs, 2, 2, "page|slab N", tok);
		if (ret)
			return ret;
		if (!strcmp(a[0], "page"))
			op->n[0] = FI_ALLOC_PAGE;
		else if (!strcmp(a[0], "slab") || !strcmp(a[0], "kmalloc"))
			op->n[0] = FI_KMALLOC;
		else
			return perr(lc, "fault_inject '%s': use page or slab", a[0]);
		return parse_num(lc, a[1], false, 0xffffffffu, "call number", &op->n[1]);
	default:
		return perr(lc, "unknown operation '%s'", w);
	}
}

static int append_op(const struct line_ctx *lc, const struct script_op *op)
{
	struct script *s = lc->s;

	if (s->nr >= SCRIPT_OPS_MAX) {
		perr(lc, "more than %d lines of operations and comments", SCRIPT_OPS_MAX);
		return -E2BIG;
	}
	if (s->nr == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		struct script_op *ops = realloc(s->ops, cap * sizeof(*ops));

		if (!ops) {
			perr(lc, "out of memory");
			return -ENOMEM;
		}
		s->ops = ops;
		s->cap = cap;
	}
	s->ops[s->nr++] = *op;
	if (op->kind != SOP_COMMENT)
		s->nr_operations++;
	return 0;
}

int script_parse_line(struct script *s, const char *line, unsigned int lineno, char *err,
		      size_t errlen)
{
	struct line_ctx lc = { s, lineno, err, errlen };
	char buf[SCRIPT_LINE_MAX], *tok[MAX_TOKENS + 1], *p, *save = NULL;
	struct script_op op;
	size_t len = strlen(line), i;
	int ntok = 0, ret;

	if (len >= SCRIPT_LINE_MAX)
		return perr(&lc, "line longer than %d characters", SCRIPT_LINE_MAX - 1);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c == '\r' && i + 1 == len)
			break; /* CRLF files */
		if ((c < 0x20 && c != '\t') || c >= 0x7f)
			return perr(&lc,
				    "byte 0x%02x at column %zu: only printable ASCII is allowed", c,
				    i + 1);
	}
	memcpy(buf, line, i);
	buf[i] = '\0';

	memset(&op, 0, sizeof(op));
	op.line = lineno;
	p = buf + strspn(buf, " \t");
	if (*p == '#') {
		p++;
		if (*p == ' ')
			p++;
		op.kind = SOP_COMMENT;
		snprintf(op.text, sizeof(op.text), "%s", p);
		return append_op(&lc, &op);
	}
	if ((p = strchr(buf, '#')))
		*p = '\0'; /* a trailing comment */
	for (p = strtok_r(buf, " \t", &save); p; p = strtok_r(NULL, " \t", &save)) {
		if (ntok == MAX_TOKENS)
			return perr(&lc, "too many words (at most %d)", MAX_TOKENS);
		tok[ntok++] = p;
	}
	if (!ntok)
		return 0;
	op.number = s->nr_operations + 1;
	if (ntok >= 2 && !strcmp(tok[1], "=")) {
		const struct script_op *prev;

		if (!is_name_start(tok[0][0]))
			return perr(&lc, "'%s' cannot be a name (a letter or _ first)", tok[0]);
		for (i = 1; tok[0][i]; i++)
			if (!is_name_char(tok[0][i]))
				return perr(&lc, "name '%s': unexpected '%c'", tok[0], tok[0][i]);
		if (i >= SCRIPT_NAME_MAX)
			return perr(&lc, "name '%s' is longer than %d characters", tok[0],
				    SCRIPT_NAME_MAX - 1);
		if (is_keyword(tok[0]))
			return perr(&lc, "'%s' is an operation and cannot be a name", tok[0]);
		prev = script_find_name(s, tok[0], op.number);
		if (prev)
			return perr(&lc, "name '%s' is already the result of line %u", tok[0],
				    prev->line);
		if (ntok == 2)
			return perr(&lc, "nothing after '%s ='", tok[0]);
		memcpy(op.def, tok[0], i + 1);
		ret = parse_tokens(&lc, tok + 2, ntok - 2, &op);
		if (!ret && !script_kind_has_result(op.kind))
			ret = perr(&lc, "'%s' returns nothing to name '%s'",
				   script_kind_name(op.kind), op.def);
	} else {
		ret = parse_tokens(&lc, tok, ntok, &op);
	}
	if (ret)
		return ret;
	for (i = 0, p = op.text; i < (size_t)ntok; i++) {
		size_t room = sizeof(op.text) - (size_t)(p - op.text);
		int n = snprintf(p, room, "%s%s", i ? " " : "", tok[i]);

		if (n < 0 || (size_t)n >= room)
			break;
		p += n;
	}
	return append_op(&lc, &op);
}

int script_parse_text(struct script *s, const char *name, const char *text, char *err,
		      size_t errlen)
{
	char line[SCRIPT_LINE_MAX + 1];
	unsigned int lineno = 0;
	const char *p = text;
	int ret;

	if (name)
		snprintf(s->file, sizeof(s->file), "%s", name);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		lineno++;
		if (len > SCRIPT_LINE_MAX)
			len = SCRIPT_LINE_MAX; /* still too long: reported as such */
		memcpy(line, p, len);
		line[len] = '\0';
		ret = script_parse_line(s, line, lineno, err, errlen);
		if (ret)
			return ret;
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

#define SCRIPT_FILE_MAX (1u << 20)

int script_parse_file(struct script *s, const char *path, char *err, size_t errlen)
{
	struct line_ctx lc = { s, 0, err, errlen };
	size_t len = 0, n;
	char *text;
	FILE *f;
	int ret;

	snprintf(s->file, sizeof(s->file), "%s", path);
	f = fopen(path, "r");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot open the script: %s", path, strerror(errno));
		return ret;
	}
	text = malloc(SCRIPT_FILE_MAX + 1);
	if (!text) {
		fclose(f);
		return perr(&lc, "out of memory"), -ENOMEM;
	}
	while ((n = fread(text + len, 1, SCRIPT_FILE_MAX + 1 - len, f)) > 0)
		len += n;
	if (ferror(f)) {
		snprintf(err, errlen, "%s: cannot read the script: %s", path, strerror(errno));
		ret = -EIO;
	} else if (len > SCRIPT_FILE_MAX) {
		snprintf(err, errlen, "%s: larger than %u bytes: not a script", path,
			 SCRIPT_FILE_MAX);
		ret = -EINVAL;
	} else if (memchr(text, '\0', len)) {
		lc.lineno = 1;
		for (n = 0; text[n]; n++)
			lc.lineno += text[n] == '\n';
		ret = perr(&lc, "NUL byte: not a text file");
	} else {
		text[len] = '\0';
		ret = script_parse_text(s, NULL, text, err, errlen);
	}
	free(text);
	fclose(f);
	return ret;
}

void script_operand_format(const struct script_operand *o, char *buf, size_t len)
{
	char off[32] = "";

	if (o->offset)
		snprintf(off, sizeof(off), "%c0x%llx", o->offset < 0 ? '-' : '+',
			 (unsigned long long)(o->offset < 0 ? -o->offset : o->offset));
	switch (o->kind) {
	case OPND_NUM:
		snprintf(buf, len, "0x%x%s", o->value, off);
		break;
	case OPND_REF:
		snprintf(buf, len, "$%u%s", o->ref, off);
		break;
	case OPND_NAME:
		snprintf(buf, len, "%s%s", o->name, off);
		break;
	default:
		snprintf(buf, len, "-");
		break;
	}
}
