/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scripts of guest operations (--script FILE, and the built-in demo), one
 * operation a line, in the syntax the demo prints:
 *
 *   # a comment (kept: the demo prints it as narration)
 *   vmalloc 4096                   vmalloc_dma 8K      vmalloc_32 12288
 *   a = vmalloc 16K                name the result; `$N` is the result of the Nth operation
 *   vmap 2 normal prot=0x103       COUNT dma|normal|highmem [prot=P] (P 0: PAGE_KERNEL)
 *   vmap_put a                     drop CMD_VMAP's own page references
 *   vfree a                        vfree $1    vfree a+4    vfree 0xc8900000
 *   probe read a+4096              probe write a 0x1234
 *   fill a 4096 [seed=N]           check a 4096 [seed=N]
 *   m = new_mm                     switch_mm m      switch_mm 0 (init_mm)
 *   touch a                        fault_inject page N | fault_inject slab N (0 = off)
 *
 * Numbers are decimal or 0x hex, sizes may end in K or M; every value is
 * 32 bits.  An address is a number, `$N`, or a name (a script name, else a
 * guest symbol, resolved before the guest boots), with an optional +/- offset.
 * The parser trusts nothing: each defect is an error naming FILE:LINE.
 */
#ifndef VMM_SCRIPT_H
#define VMM_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/abi.h"

#define SCRIPT_NAME_MAX 32
#define SCRIPT_LINE_MAX 512  /* longer lines are an error */
#define SCRIPT_OPS_MAX	4096 /* operations (comments included) in one script */

enum script_kind {
	SOP_COMMENT, /* text: the comment without '#' */
	SOP_VMALLOC,
	SOP_VMALLOC_DMA,
	SOP_VMALLOC_32,
	SOP_VMAP,
	SOP_VMAP_PUT,
	SOP_VFREE,
	SOP_PROBE_READ,
	SOP_PROBE_WRITE,
	SOP_FILL,
	SOP_CHECK,
	SOP_NEW_MM,
	SOP_SWITCH_MM,
	SOP_TOUCH,
	SOP_FAULT_INJECT,
	SOP_NR_KINDS
};

enum operand_kind {
	OPND_NONE,
	OPND_NUM,  /* value */
	OPND_REF,  /* result of operation number ref ($N, 1-based) plus offset */
	OPND_NAME, /* name (script name or guest symbol) plus offset */
};

struct script_operand {
	enum operand_kind kind;
	uint32_t value;	  /* OPND_NUM */
	unsigned int ref; /* OPND_REF: operation number; OPND_NAME as a script name: its op */
	int64_t offset;
	char name[SCRIPT_NAME_MAX];
};

struct script_op {
	enum script_kind kind;
	unsigned int line;
	unsigned int number; /* 1-based among operations (comments not counted); 0 for comments */
	char def[SCRIPT_NAME_MAX];  /* "a" in "a = vmalloc 4096", else "" */
	struct script_operand addr; /* vfree, vmap_put, probe, fill, check, switch_mm, touch */
	uint32_t n[3];		    /* size; vmap count, zone, prot; probe value; fill bytes, seed;
			  fault_inject which, nth */
	char text[SCRIPT_LINE_MAX]; /* the comment, or the operation as written (normalised) */
};

struct script {
	char file[256]; /* for messages */
	struct script_op *ops;
	size_t nr, cap;
	unsigned int nr_operations; /* ops that are not comments */
};

/* Which operations give a value that `$N` and names may refer to. */
bool script_kind_has_result(enum script_kind kind);
/* "vmalloc", "probe read", ... */
const char *script_kind_name(enum script_kind kind);

/*
 * Parse one line (no newline) as line number lineno of s, appending what it
 * holds (nothing for a blank line).  0, or -EINVAL with "FILE:LINE: defect"
 * in err; -E2BIG past SCRIPT_OPS_MAX; -ENOMEM.
 */
int script_parse_line(struct script *s, const char *line, unsigned int lineno, char *err,
		      size_t errlen);

/* Parse text (lines separated by '\n') named name; stops at the first error. */
int script_parse_text(struct script *s, const char *name, const char *text, char *err,
		      size_t errlen);

/* Parse the file at path; -errno from open/read (message in err) besides the above. */
int script_parse_file(struct script *s, const char *path, char *err, size_t errlen);

void script_init(struct script *s, const char *name);
void script_free(struct script *s);

/* The op a script name refers to (defined before op number before_number), or NULL. */
const struct script_op *script_find_name(const struct script *s, const char *name,
					 unsigned int before_number);

/* The operand as written: "a+0x4", "$2", "0xc8800000". */
void script_operand_format(const struct script_operand *o, char *buf, size_t len);

#endif /* VMM_SCRIPT_H */
