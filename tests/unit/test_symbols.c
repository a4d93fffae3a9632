// SPDX-License-Identifier: GPL-2.0
/*
 * Guest symbols through libelf, on small ELF files written into a temp
 * directory: a good one, one without .symtab, and corrupt ones (section
 * past the end of the file, bad sh_link, bad sh_entsize, names outside or
 * unterminated in the string table, truncated file, not an ELF at all).
 * Each must load or fail with its own result and a message, never crash.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
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

/* Symbol names, packed into .strtab in this order (offsets computed below). */
static const char strtab[] = "\0swapper_pg_dir\0vmlist\0dup\0test_vmalloc\0guest.c\0last";
#define N_SWAPPER 1
#define N_VMLIST  16
#define N_DUP	  23
#define N_TESTVM  27
#define N_FILE	  40
#define N_LAST	  48

static const char shstrtab[] = "\0.strtab\0.symtab\0.shstrtab\0.text";
#define SH_STRTAB   1
#define SH_SYMTAB   9
#define SH_SHSTRTAB 17
#define SH_TEXT	    27

/* Section indices in the files written here. */
enum {
	SEC_TEXT = 1,
	SEC_STRTAB = 2,
	SEC_SYMTAB = 3,
	SEC_SHSTRTAB = 4
};

static char dir[64];

static int setup_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_symbols.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static Elf_Scn *add_section(Elf *elf, Elf32_Word name, Elf32_Word type, const void *buf,
			    size_t size, Elf_Type dtype)
{
	Elf_Scn *scn = elf_newscn(elf);
	Elf_Data *d;
	Elf32_Shdr *sh;

	assert_non_null(scn);
	d = elf_newdata(scn);
	assert_non_null(d);
	d->d_buf = (void *)buf;
	d->d_size = size;
	d->d_type = dtype;
	d->d_align = dtype == ELF_T_SYM ? 4 : 1;
	d->d_version = EV_CURRENT;
	sh = elf32_getshdr(scn);
	assert_non_null(sh);
	sh->sh_name = name;
	sh->sh_type = type;
	return scn;
}

/* Write an i386 ELF to dir/name; with_symtab adds .strtab and .symtab. */
static void write_elf(const char *path, int with_symtab)
{
	static const unsigned char text[16] = { 0x90 };
	static Elf32_Sym syms[] = {
		{ 0 },
		{ .st_name = N_SWAPPER,
		  .st_value = 0xc0101000,
		  .st_size = 4096,
		  .st_info = ELF32_ST_INFO(STB_GLOBAL, STT_OBJECT),
		  .st_shndx = SEC_TEXT },
		{ .st_name = N_VMLIST,
		  .st_value = 0xc0200000,
		  .st_size = 4,
		  .st_info = ELF32_ST_INFO(STB_GLOBAL, STT_OBJECT),
		  .st_shndx = SEC_TEXT },
		{ .st_name = N_DUP,
		  .st_value = 0x1111,
		  .st_size = 4,
		  .st_info = ELF32_ST_INFO(STB_LOCAL, STT_OBJECT),
		  .st_shndx = SEC_TEXT },
		{ .st_name = N_DUP,
		  .st_value = 0x2222,
		  .st_size = 4,
		  .st_info = ELF32_ST_INFO(STB_GLOBAL, STT_OBJECT),
		  .st_shndx = SEC_TEXT },
		{ .st_name = N_TESTVM,
		  .st_value = 0xc0100100,
		  .st_size = 0x40,
		  .st_info = ELF32_ST_INFO(STB_GLOBAL, STT_FUNC),
		  .st_shndx = SEC_TEXT },
		{ .st_name = N_FILE,
		  .st_info = ELF32_ST_INFO(STB_LOCAL, STT_FILE),
		  .st_shndx = SHN_ABS },
		{ .st_name = 0,
		  .st_info = ELF32_ST_INFO(STB_LOCAL, STT_SECTION),
		  .st_shndx = SEC_TEXT },
		{ .st_name = N_LAST,
		  .st_value = 0xc0300000,
		  .st_size = 8,
		  .st_info = ELF32_ST_INFO(STB_GLOBAL, STT_OBJECT),
		  .st_shndx = SEC_TEXT },
	};
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	Elf32_Ehdr *eh;
	Elf_Scn *scn;
	Elf *elf;

	assert_true(fd >= 0);
	assert_int_not_equal(elf_version(EV_CURRENT), EV_NONE);
	elf = elf_begin(fd, ELF_C_WRITE, NULL);
	assert_non_null(elf);
	eh = elf32_newehdr(elf);
	assert_non_null(eh);
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_version = EV_CURRENT;

	scn = add_section(elf, SH_TEXT, SHT_PROGBITS, text, sizeof(text), ELF_T_BYTE);
	assert_int_equal(elf_ndxscn(scn), SEC_TEXT);
	if (with_symtab) {
		Elf_Scn *str =
			add_section(elf, SH_STRTAB, SHT_STRTAB, strtab, sizeof(strtab), ELF_T_BYTE);
		Elf_Scn *sym =
			add_section(elf, SH_SYMTAB, SHT_SYMTAB, syms, sizeof(syms), ELF_T_SYM);
		Elf32_Shdr *sh = elf32_getshdr(sym);

		assert_int_equal(elf_ndxscn(str), SEC_STRTAB);
		assert_int_equal(elf_ndxscn(sym), SEC_SYMTAB);
		sh->sh_link = SEC_STRTAB;
		sh->sh_info = 1;
		sh->sh_entsize = sizeof(Elf32_Sym);
	}
	scn = add_section(elf, SH_SHSTRTAB, SHT_STRTAB, shstrtab, sizeof(shstrtab), ELF_T_BYTE);
	eh->e_shstrndx = (Elf32_Half)elf_ndxscn(scn);
	assert_true(elf_update(elf, ELF_C_WRITE) > 0);
	elf_end(elf);
	close(fd);
}

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

/* Patch a 32-bit field of the .symtab section header (offset within Elf32_Shdr). */
static void patch_symtab_shdr(const char *path, size_t field, uint32_t val)
{
	Elf32_Ehdr eh;
	int fd = open(path, O_RDWR);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &eh, sizeof(eh), 0), sizeof(eh));
	assert_int_equal(pwrite(fd, &val, 4, eh.e_shoff + SEC_SYMTAB * eh.e_shentsize + field), 4);
	close(fd);
}

/* Read a field of a section header of the file. */
static Elf32_Shdr read_shdr(const char *path, unsigned idx)
{
	Elf32_Ehdr eh;
	Elf32_Shdr sh;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &eh, sizeof(eh), 0), sizeof(eh));
	assert_int_equal(pread(fd, &sh, sizeof(sh), eh.e_shoff + idx * eh.e_shentsize), sizeof(sh));
	close(fd);
	return sh;
}

static void patch_bytes(const char *path, off_t off, const void *buf, size_t len)
{
	int fd = open(path, O_RDWR);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, buf, len, off), (ssize_t)len);
	close(fd);
}

static void check_lookup(const struct sym_table *t, const char *name, uint64_t want_addr,
			 uint64_t want_size)
{
	uint64_t addr = 0, size = 0;
	int ret = sym_lookup(t, name, &addr, &size);

	if (ret || addr != want_addr || size != want_size) {
		print_error(
			"sym_lookup(%s): expected 0 0x%llx size %llu, got %d 0x%llx size %llu\n",
			name, (unsigned long long)want_addr, (unsigned long long)want_size, ret,
			(unsigned long long)addr, (unsigned long long)size);
		fail();
	}
}

static void test_good(void **state)
{
	struct sym_table t;
	char path[128], err[256] = "", buf[64];
	int ret;

	(void)state;
	path_of(path, sizeof(path), "good.elf");
	write_elf(path, 1);
	ret = sym_load_path(&t, path, err, sizeof(err));
	if (ret) {
		print_error("sym_load_path(%s): expected 0, got %d: %s\n", path, ret, err);
		fail();
	}
	/* swapper_pg_dir, vmlist, dup x2, test_vmalloc, last: no FILE or SECTION symbols. */
	assert_int_equal(t.nr, 6);
	check_lookup(&t, "swapper_pg_dir", 0xc0101000, 4096);
	check_lookup(&t, "vmlist", 0xc0200000, 4);
	check_lookup(&t, "dup", 0x2222, 4); /* the global wins over the local */
	check_lookup(&t, "last", 0xc0300000, 8);
	assert_int_equal(sym_lookup(&t, "guest.c", NULL, NULL), -ENOENT);
	assert_int_equal(sym_lookup(&t, "nosuch", NULL, NULL), -ENOENT);
	assert_int_equal(sym_lookup(&t, "", NULL, NULL), -ENOENT);

	assert_int_equal(sym_format_addr(&t, 0xc010011c, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "test_vmalloc+0x1c/0x40");
	assert_int_equal(sym_format_addr(&t, 0xc0100100, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "test_vmalloc+0x0/0x40");
	assert_int_equal(sym_format_addr(&t, 0xc0100140, buf, sizeof(buf)), -ENOENT);
	assert_string_equal(buf, "0xc0100140");

	sym_free(&t);
	sym_free(&t); /* twice is harmless */
	assert_int_equal(sym_lookup(&t, "vmlist", NULL, NULL), -ENOENT);

	/* The same through an fd, which stays open. */
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(sym_load_fd(&t, fd, path, err, sizeof(err)), 0);
	check_lookup(&t, "swapper_pg_dir", 0xc0101000, 4096);
	sym_free(&t);
	assert_true(fcntl(fd, F_GETFD) >= 0); /* still open */
	close(fd);
}

static void test_no_symtab(void **state)
{
	struct sym_table t;
	char path[128], err[256] = "";

	(void)state;
	path_of(path, sizeof(path), "stripped.elf");
	write_elf(path, 0);
	assert_int_equal(sym_load_path(&t, path, err, sizeof(err)), -ENODATA);
	assert_int_equal(SYM_NO_SYMTAB, -ENODATA);
	assert_int_equal(t.nr, 0);
	assert_null(t.syms);
	assert_non_null(strstr(err, "inspection off"));
	assert_int_equal(sym_lookup(&t, "swapper_pg_dir", NULL, NULL), -ENOENT);
	sym_free(&t);
}

struct corrupt_case {
	const char *what;
	const char *file;
	void (*corrupt)(const char *path);
	const char *message; /* a fragment the error message must contain */
};

static void offset_past_eof(const char *path)
{
	patch_symtab_shdr(path, offsetof(Elf32_Shdr, sh_offset), 0x100000);
}

static void size_past_eof(const char *path)
{
	patch_symtab_shdr(path, offsetof(Elf32_Shdr, sh_size), 0x7ffffff0);
}

static void link_out_of_range(const char *path)
{
	patch_symtab_shdr(path, offsetof(Elf32_Shdr, sh_link), 99);
}

static void link_zero(const char *path)
{
	patch_symtab_shdr(path, offsetof(Elf32_Shdr, sh_link), 0);
}

static void link_not_strtab(const char *path)
{
	patch_symtab_shdr(path, offsetof(Elf32_Shdr, sh_link), SEC_TEXT);
}

static void bad_entsize(const char *path)
{
	patch_symtab_shdr(path, offsetof(Elf32_Shdr, sh_entsize), 12);
}

static void name_past_strtab(const char *path)
{
	Elf32_Shdr sh = read_shdr(path, SEC_SYMTAB);
	uint32_t name = 0x7fffff;

	/* st_name of symbol 2 (vmlist) */
	patch_bytes(path, sh.sh_offset + 2 * sizeof(Elf32_Sym) + offsetof(Elf32_Sym, st_name),
		    &name, sizeof(name));
}

static void name_unterminated(const char *path)
{
	Elf32_Shdr sh = read_shdr(path, SEC_STRTAB);
	char x = 'X';

	/* Overwrite the final NUL: "last" now runs off the end of .strtab. */
	patch_bytes(path, sh.sh_offset + sh.sh_size - 1, &x, 1);
}

static void truncated(const char *path)
{
	assert_int_equal(truncate(path, 200), 0);
}

static void not_elf(const char *path)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("#!/bin/sh\necho this is not an ELF file\n", f);
	fclose(f);
}

static const struct corrupt_case corrupt_cases[] = {
	{ "sh_offset past EOF", "c1.elf", offset_past_eof, "past the end of the file" },
	{ "sh_size past EOF", "c2.elf", size_past_eof, "past the end of the file" },
	{ "sh_link out of range", "c3.elf", link_out_of_range, "links to string table 99" },
	{ "sh_link 0", "c4.elf", link_zero, "links to string table 0" },
	{ "sh_link to .text", "c5.elf", link_not_strtab, "not a string table" },
	{ "sh_entsize 12", "c6.elf", bad_entsize, "entry size 12" },
	{ "st_name past .strtab", "c7.elf", name_past_strtab, "past the end of its string table" },
	{ "unterminated name", "c8.elf", name_unterminated, "unterminated" },
	{ "truncated file", "c9.elf", truncated, "truncated" },
	{ "not an ELF", "c10.elf", not_elf, "not an ELF" },
};

static void test_corrupt(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(corrupt_cases); i++) {
		const struct corrupt_case *c = &corrupt_cases[i];
		struct sym_table t;
		char path[128], err[512] = "";
		int ret;

		path_of(path, sizeof(path), c->file);
		write_elf(path, 1);
		c->corrupt(path);
		ret = sym_load_path(&t, path, err, sizeof(err));
		if (ret >= 0 || t.nr != 0 || t.syms || !err[0] || !strstr(err, c->message)) {
			print_error("%s: expected a negative result, an empty table and a message "
				    "containing \"%s\"; got %d, %zu symbols, message \"%s\"\n",
				    c->what, c->message, ret, t.nr, err);
			fail();
		}
		print_message("%-22s -> %d: %s\n", c->what, ret, err);
		sym_free(&t);
	}
}

static void test_missing_file(void **state)
{
	struct sym_table t;
	char path[128], err[256] = "";

	(void)state;
	path_of(path, sizeof(path), "does-not-exist.elf");
	assert_int_equal(sym_load_path(&t, path, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "cannot open"));
	assert_int_equal(sym_load_path(&t, dir, err, sizeof(err)), -EINVAL); /* a directory */
}

static void test_virt_to_phys(void **state)
{
	const struct {
		uint64_t va;
		int ret;
		uint64_t pa;
	} cases[] = {
		{ 0xc0101000, 0, 0x101000 },
		{ PAGE_OFFSET, 0, 0 },
		{ PAGE_OFFSET - 1, -EINVAL, 0 },
		{ 0x00101000, -EINVAL, 0 },
		{ PAGE_OFFSET + MAXMEM - 1, 0, MAXMEM - 1 },
		{ PAGE_OFFSET + MAXMEM, -EINVAL, 0 }, /* vmalloc space: not direct-mapped */
		{ 0xffffffff, -EINVAL, 0 },
		{ 0x1c0000000ull, -EINVAL, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t pa = 0;
		int ret = sym_virt_to_phys(cases[i].va, &pa);

		if (ret != cases[i].ret || pa != cases[i].pa) {
			print_error("sym_virt_to_phys(0x%llx): expected %d 0x%llx, got %d 0x%llx\n",
				    (unsigned long long)cases[i].va, cases[i].ret,
				    (unsigned long long)cases[i].pa, ret, (unsigned long long)pa);
			fail();
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),	     cmocka_unit_test(test_no_symtab),
		cmocka_unit_test(test_corrupt),	     cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_virt_to_phys),
	};

	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
