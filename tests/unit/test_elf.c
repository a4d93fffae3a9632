// SPDX-License-Identifier: GPL-2.0
/*
 * The guest ELF checks, one defect per row: a well-formed image is built
 * in memory, one field is broken, and elf_image_parse() must refuse it
 * with that defect's code and a message naming the file.
 */
#include <elf.h>
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

#include "shared/layout.h"
#include "vmm/core/core.h"

#define RAM (64ull << 20)
#define NPH 3

/* A small, valid guest: text at 1 MiB (executable, entry inside), data
 * after it with a .bss tail, and a PT_NOTE that must be ignored. */
struct image {
	Elf32_Ehdr eh;
	Elf32_Phdr ph[NPH];
	uint8_t text[64];
	uint8_t data[32];
};

static void build(struct image *im)
{
	memset(im, 0, sizeof(*im));
	memcpy(im->eh.e_ident, ELFMAG, SELFMAG);
	im->eh.e_ident[EI_CLASS] = ELFCLASS32;
	im->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	im->eh.e_ident[EI_VERSION] = EV_CURRENT;
	im->eh.e_type = ET_EXEC;
	im->eh.e_machine = EM_386;
	im->eh.e_version = EV_CURRENT;
	im->eh.e_entry = 0x100010;
	im->eh.e_phoff = offsetof(struct image, ph);
	im->eh.e_ehsize = sizeof(Elf32_Ehdr);
	im->eh.e_phentsize = sizeof(Elf32_Phdr);
	im->eh.e_phnum = NPH;
	im->ph[0] = (Elf32_Phdr){ PT_LOAD,	    offsetof(struct image, text),
				  0xc0100000,	    0x100000,
				  sizeof(im->text), sizeof(im->text),
				  PF_R | PF_X,	    16 };
	im->ph[1] = (Elf32_Phdr){ PT_LOAD,	    offsetof(struct image, data),
				  0xc0101000,	    0x101000,
				  sizeof(im->data), 0x2000,
				  PF_R | PF_W,	    16 };
	im->ph[2] = (Elf32_Phdr){ PT_NOTE, 0, 0, 0, 0, 0, PF_R, 4 };
	memset(im->text, 0x90, sizeof(im->text));
	memset(im->data, 0xab, sizeof(im->data));
}

struct elf_case {
	const char *what;
	void (*breakit)(struct image *im, size_t *size);
	enum elf_defect expect;
	const char *msg_part; /* a phrase the message must contain */
};

static void nothing(struct image *im, size_t *size)
{
	(void)im;
	(void)size;
}
static void empty(struct image *im, size_t *size)
{
	(void)im;
	*size = 0;
}
static void truncated(struct image *im, size_t *size)
{
	(void)im;
	*size = 40;
}
static void tiny(struct image *im, size_t *size)
{
	(void)im;
	*size = 10;
}
static void not_elf(struct image *im, size_t *size)
{
	(void)size;
	im->eh.e_ident[1] = 'X';
}
static void class64(struct image *im, size_t *size)
{
	(void)size;
	im->eh.e_ident[EI_CLASS] = ELFCLASS64;
}
static void big_endian(struct image *im, size_t *size)
{
	(void)size;
	im->eh.e_ident[EI_DATA] = ELFDATA2MSB;
}
static void machine(struct image *im, size_t *size)
{
	(void)size;
	im->eh.e_machine = EM_X86_64;
}
static void dyn(struct image *im, size_t *size)
{
	(void)size;
	im->eh.e_type = ET_DYN;
}
static void phentsize(struct image *im, size_t *size)
{
	(void)size;
	im->eh.e_phentsize = 40;
}
static void ph_past_eof(struct image *im, size_t *size)
{
	(void)size;
	im->eh.e_phoff = 0x10000;
}
static void ph_count_past_eof(struct image *im, size_t *size)
{
	(void)size;
	im->eh.e_phnum = 0x400;
}
static void filesz(struct image *im, size_t *size)
{
	(void)size;
	im->ph[1].p_memsz = 8;
}
static void data_past_eof(struct image *im, size_t *size)
{
	(void)size;
	im->ph[0].p_offset = 0xfffffff0;
}
static void wraps(struct image *im, size_t *size)
{
	(void)size;
	im->ph[1].p_paddr = 0xfffff000;
}
static void outside_ram(struct image *im, size_t *size)
{
	(void)size;
	im->ph[1].p_paddr = RAM - 0x1000;
}
static void boot_area(struct image *im, size_t *size)
{
	(void)size;
	im->ph[1].p_paddr = MB_INFO_PADDR;
}
static void overlap(struct image *im, size_t *size)
{
	(void)size;
	im->ph[1].p_paddr = 0x100020;
}
static void entry_outside(struct image *im, size_t *size)
{
	(void)size;
	im->eh.e_entry = 0x101004;
}
static void entry_virtual(struct image *im, size_t *size)
{
	(void)size;
	im->eh.e_entry = 0xc0100010;
}
static void no_load(struct image *im, size_t *size)
{
	(void)size;
	im->ph[0].p_type = PT_NOTE;
	im->ph[1].p_type = PT_NULL;
}
static void no_phdrs(struct image *im, size_t *size)
{
	(void)size;
	im->eh.e_phnum = 0;
}

static const struct elf_case cases[] = {
	{ "well-formed", nothing, ELF_OK, "" },
	{ "empty file", empty, ELF_ERR_EMPTY, "empty file" },
	{ "truncated header", truncated, ELF_ERR_TRUNCATED, "truncated" },
	{ "shorter than e_ident", tiny, ELF_ERR_TRUNCATED, "truncated" },
	{ "not ELF", not_elf, ELF_ERR_NOT_ELF, "not an ELF file" },
	{ "64-bit", class64, ELF_ERR_CLASS, "not a 32-bit ELF" },
	{ "big-endian", big_endian, ELF_ERR_ENDIAN, "not little-endian" },
	{ "x86-64 machine", machine, ELF_ERR_MACHINE, "not an i386 ELF" },
	{ "shared object", dyn, ELF_ERR_TYPE, "not an executable" },
	{ "phentsize", phentsize, ELF_ERR_PHENTSIZE, "entry size 40" },
	{ "phdrs past EOF", ph_past_eof, ELF_ERR_PH_PAST_EOF, "past the end of the file" },
	{ "phnum past EOF", ph_count_past_eof, ELF_ERR_PH_PAST_EOF, "past the end of the file" },
	{ "filesz > memsz", filesz, ELF_ERR_FILESZ, "p_filesz 0x20 is larger than p_memsz 0x8" },
	{ "data past EOF", data_past_eof, ELF_ERR_DATA_PAST_EOF, "segment 0: file data" },
	{ "paddr+memsz wraps", wraps, ELF_ERR_OUTSIDE_RAM, "wraps past 4 GiB" },
	{ "outside RAM", outside_ram, ELF_ERR_OUTSIDE_RAM, "outside guest RAM" },
	{ "over boot info", boot_area, ELF_ERR_BOOT_AREA, "boot information" },
	{ "overlapping", overlap, ELF_ERR_OVERLAP, "overlap" },
	{ "entry in data", entry_outside, ELF_ERR_ENTRY, "entry point 0x101004" },
	{ "entry virtual", entry_virtual, ELF_ERR_ENTRY, "no executable PT_LOAD" },
	{ "no PT_LOAD", no_load, ELF_ERR_NO_LOAD, "no PT_LOAD" },
	{ "no program headers", no_phdrs, ELF_ERR_NO_LOAD, "no program headers" },
};

static void test_elf_checks_table(void **state)
{
	size_t i, failures = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct elf_case *c = &cases[i];
		struct image im;
		struct elf_image img;
		size_t size = sizeof(im);
		char msg[512] = "";
		enum elf_defect got;
		int ret;

		build(&im);
		c->breakit(&im, &size);
		ret = elf_image_parse("guest.elf", &im, size, RAM, &img, msg, sizeof(msg));
		got = img.defect;
		/* The convention: 0, or -ENOEXEC for a file that is not a loadable guest. */
		if (got != c->expect || ret != (c->expect == ELF_OK ? 0 : -ENOEXEC) ||
		    (c->expect != ELF_OK &&
		     (!strstr(msg, c->msg_part) || strncmp(msg, "guest.elf: ", 11)))) {
			print_error("case '%s': expected defect %d with message containing '%s', "
				    "got defect %d, return %d, message '%s'\n",
				    c->what, c->expect, c->msg_part, got, ret, msg);
			failures++;
		}
		if (got == ELF_OK)
			elf_image_close(&img);
	}
	assert_int_equal(failures, 0);
}

static void test_elf_load_places_segments(void **state)
{
	struct guest_mem gm = { calloc(1, RAM), RAM };
	struct elf_image img;
	struct image im;
	char msg[256];
	size_t i;

	(void)state;
	assert_non_null(gm.base);
	memset(gm.base + 0x101000, 0x5a, 0x2000); /* stale bytes where .bss goes */
	build(&im);
	assert_int_equal(elf_image_parse("guest.elf", &im, sizeof(im), RAM, &img, msg, sizeof(msg)),
			 0);
	assert_int_equal(img.defect, ELF_OK);
	assert_int_equal(img.entry, 0x100010);
	assert_int_equal(img.nr_segments, 2);
	assert_int_equal(elf_image_load(&img, &gm), 0);
	assert_memory_equal(gm.base + 0x100000, im.text, sizeof(im.text));
	assert_memory_equal(gm.base + 0x101000, im.data, sizeof(im.data));
	for (i = sizeof(im.data); i < 0x2000; i++)
		if (gm.base[0x101000 + i] != 0)
			fail_msg(".bss byte at 0x%zx: expected 0, got 0x%02x", 0x101000 + i,
				 gm.base[0x101000 + i]);
	/* A RAM smaller than the image must be refused by the loader too. */
	gm.size = 0x101000;
	assert_int_not_equal(elf_image_load(&img, &gm), 0);
	elf_image_close(&img);
	free(gm.base);
}

static void test_elf_open_errors(void **state)
{
	char path[] = "/tmp/test_elf_XXXXXX";
	struct elf_image img;
	char msg[512];
	int fd;

	(void)state;
	assert_int_equal(elf_image_open("/nonexistent/guest.elf", RAM, &img, msg, sizeof(msg)),
			 -ENOENT);
	assert_int_equal(img.defect, ELF_ERR_OPEN);
	assert_non_null(strstr(msg, "/nonexistent/guest.elf: cannot open"));
	assert_int_equal(elf_image_open("/tmp", RAM, &img, msg, sizeof(msg)), -EINVAL);
	assert_int_equal(img.defect, ELF_ERR_OPEN);

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(elf_image_open(path, RAM, &img, msg, sizeof(msg)), -ENOEXEC);
	assert_int_equal(img.defect, ELF_ERR_EMPTY);
	assert_non_null(strstr(msg, path));
	assert_int_equal(write(fd,
			       "\x7f"
			       "ELF",
			       4),
			 4);
	assert_int_equal(elf_image_open(path, RAM, &img, msg, sizeof(msg)), -ENOEXEC);
	assert_int_equal(img.defect, ELF_ERR_TRUNCATED);
	close(fd);
	unlink(path);
}

/*
 * e_phoff need not be aligned: the program headers at an odd offset must
 * be read as bytes, not through an Elf32_Phdr pointer (libelf on x86 hands
 * out a pointer into the file as it is).  This binary is built with UBSan
 * (tests/unit/elf.mk), which stops it on a misaligned load.
 */
static void test_elf_unaligned_phoff(void **state)
{
	struct image im;
	struct elf_image img;
	uint8_t *buf;
	size_t off = offsetof(struct image, ph), size = sizeof(im) + 1;
	char msg[512] = "";
	int ret;

	(void)state;
	build(&im);
	im.eh.e_phoff = off + 1;
	buf = calloc(1, size);
	assert_non_null(buf);
	memcpy(buf, &im, off);
	memcpy(buf + off + 1, (uint8_t *)&im + off, sizeof(im) - off);
	/* The segment offsets moved by one byte with everything after e_phoff. */
	{
		Elf32_Phdr ph[2];

		memcpy(ph, buf + off + 1, sizeof(ph));
		ph[0].p_offset++;
		ph[1].p_offset++;
		memcpy(buf + off + 1, ph, sizeof(ph));
	}
	ret = elf_image_parse("guest.elf", buf, size, RAM, &img, msg, sizeof(msg));
	assert_int_equal(ret, 0);
	assert_int_equal(img.nr_segments, 2);
	assert_int_equal(img.segments[0].paddr, 0x100000);
	assert_int_equal(img.segments[0].offset, offsetof(struct image, text) + 1);
	assert_int_equal(img.segments[1].memsz, 0x2000);
	elf_image_close(&img);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf_checks_table),
		cmocka_unit_test(test_elf_load_places_segments),
		cmocka_unit_test(test_elf_open_errors),
		cmocka_unit_test(test_elf_unaligned_phoff),
	};

	return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
