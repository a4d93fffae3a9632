// SPDX-License-Identifier: GPL-2.0
#include "vmm/core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/layout.h"

#define FIX_REBUILD "rebuild the guest (make guest.elf) or pass an unmodified ELF"

void sym_free(struct sym_table *t)
{
	if (!t)
		return;
	free(t->syms);
	free(t->names);
	t->syms = NULL;
	t->names = NULL;
	t->nr = 0;
}

static int bind_rank(unsigned char bind)
{
	switch (bind) {
	case STB_GLOBAL:
		return 0;
	case STB_WEAK:
		return 1;
	default:
		return 2;
	}
}

static int sym_cmp(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (bind_rank(x->bind) != bind_rank(y->bind))
		return bind_rank(x->bind) - bind_rank(y->bind);
	return x->value < y->value ? -1 : x->value > y->value;
}

/* True if [off, off + size) lies inside a file of fsize bytes. */
static int in_file(uint64_t off, uint64_t size, uint64_t fsize)
{
	return off <= fsize && size <= fsize - off;
}

static int wanted(const GElf_Sym *s)
{
	unsigned char type = GELF_ST_TYPE(s->st_info);

	return s->st_name != 0 && type != STT_SECTION && type != STT_FILE &&
	       s->st_shndx != SHN_UNDEF;
}

/* Reads the symbols of the validated symtab section into *t. */
static int read_symtab(struct sym_table *t, Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh,
		       const GElf_Shdr *strsh, const char *what, char *err, size_t errlen)
{
	size_t n = sh->sh_size / sh->sh_entsize, count = 0, pool = 0, off = 0;
	Elf_Data *data = elf_getdata(scn, NULL);
	GElf_Sym s;

	if (!data || data->d_size != sh->sh_size)
		return vmm_errf(err, errlen, -EINVAL, "guest ELF %s: cannot read .symtab: %s; %s",
				what, elf_errmsg(-1), FIX_REBUILD);

	/* Pass 1: validate every name and size the tables. */
	for (size_t i = 1; i < n; i++) {
		const char *name;

		if (!gelf_getsym(data, (int)i, &s))
			return vmm_errf(err, errlen, -EINVAL,
					"guest ELF %s: cannot read symbol %zu: %s; %s", what, i,
					elf_errmsg(-1), FIX_REBUILD);
		if (!wanted(&s))
			continue;
		if (s.st_name >= strsh->sh_size)
			return vmm_errf(
				err, errlen, -EINVAL,
				"guest ELF %s: symbol %zu has name offset %u past the end of "
				"its string table (%ju bytes); %s",
				what, i, (unsigned)s.st_name, (uintmax_t)strsh->sh_size,
				FIX_REBUILD);
		name = elf_strptr(elf, sh->sh_link, s.st_name);
		if (!name)
			return vmm_errf(
				err, errlen, -EINVAL,
				"guest ELF %s: symbol %zu has an unterminated name (offset %u "
				"of a %ju-byte string table); %s",
				what, i, (unsigned)s.st_name, (uintmax_t)strsh->sh_size,
				FIX_REBUILD);
		count++;
		pool += strlen(name) + 1;
	}

	if (count == 0)
		return 0;
	t->syms = calloc(count, sizeof(*t->syms));
	t->names = malloc(pool);
	if (!t->syms || !t->names) {
		sym_free(t);
		return vmm_errf(err, errlen, -ENOMEM, "guest ELF %s: out of memory for %zu symbols",
				what, count);
	}

	/* Pass 2: copy; everything was checked in pass 1. */
	for (size_t i = 1; i < n && t->nr < count; i++) {
		const char *name;
		size_t len;

		if (!gelf_getsym(data, (int)i, &s) || !wanted(&s))
			continue;
		name = elf_strptr(elf, sh->sh_link, s.st_name);
		len = name ? strlen(name) + 1 : 0;
		if (!name || len > pool - off)
			break;
		memcpy(t->names + off, name, len);
		t->syms[t->nr] = (struct sym){
			.name = t->names + off,
			.value = s.st_value,
			.size = s.st_size,
			.type = GELF_ST_TYPE(s.st_info),
			.bind = GELF_ST_BIND(s.st_info),
		};
		t->nr++;
		off += len;
	}
	qsort(t->syms, t->nr, sizeof(*t->syms), sym_cmp);
	return 0;
}

/* Finds and checks .symtab and its string table, then reads it. */
static int load_elf(struct sym_table *t, Elf *elf, uint64_t fsize, const char *what, char *err,
		    size_t errlen)
{
	size_t shnum, entsize;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh, strsh;

	if (elf_kind(elf) != ELF_K_ELF)
		return vmm_errf(err, errlen, -EINVAL, "guest ELF %s: not an ELF file; %s", what,
				FIX_REBUILD);
	if (elf_getshdrnum(elf, &shnum))
		return vmm_errf(err, errlen, -EINVAL,
				"guest ELF %s: bad section header table: %s; %s", what,
				elf_errmsg(-1), FIX_REBUILD);
	entsize = gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);

	/* libelf quietly drops a section header table cut off by the end of the file. */
	GElf_Ehdr eh;

	if (!gelf_getehdr(elf, &eh))
		return vmm_errf(err, errlen, -EINVAL, "guest ELF %s: bad ELF header: %s; %s", what,
				elf_errmsg(-1), FIX_REBUILD);
	if (eh.e_shoff && eh.e_shnum &&
	    !in_file(eh.e_shoff, (uint64_t)eh.e_shnum * eh.e_shentsize, fsize))
		return vmm_errf(
			err, errlen, -EINVAL,
			"guest ELF %s: section header table at offset %ju (%u entries of %u "
			"bytes) runs past the end of the file (%ju bytes): truncated file; %s",
			what, (uintmax_t)eh.e_shoff, (unsigned)eh.e_shnum, (unsigned)eh.e_shentsize,
			(uintmax_t)fsize, FIX_REBUILD);

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			return vmm_errf(err, errlen, -EINVAL,
					"guest ELF %s: bad section header %zu: %s; %s", what,
					elf_ndxscn(scn), elf_errmsg(-1), FIX_REBUILD);
		if (sh.sh_type == SHT_SYMTAB)
			break;
	}
	if (!scn)
		return SYM_NO_SYMTAB;

	size_t idx = elf_ndxscn(scn);

	if (sh.sh_entsize != entsize || entsize == 0 || sh.sh_size % entsize)
		return vmm_errf(err, errlen, -EINVAL,
				"guest ELF %s: .symtab (section %zu) has entry size %ju and size "
				"%ju, expected entries of %zu bytes; %s",
				what, idx, (uintmax_t)sh.sh_entsize, (uintmax_t)sh.sh_size, entsize,
				FIX_REBUILD);
	if (!in_file(sh.sh_offset, sh.sh_size, fsize))
		return vmm_errf(
			err, errlen, -EINVAL,
			"guest ELF %s: .symtab (section %zu) at offset %ju size %ju runs past "
			"the end of the file (%ju bytes): truncated file; %s",
			what, idx, (uintmax_t)sh.sh_offset, (uintmax_t)sh.sh_size, (uintmax_t)fsize,
			FIX_REBUILD);
	if (sh.sh_link == 0 || sh.sh_link >= shnum)
		return vmm_errf(
			err, errlen, -EINVAL,
			"guest ELF %s: .symtab (section %zu) links to string table %u, which "
			"does not exist (sections 1..%zu); %s",
			what, idx, (unsigned)sh.sh_link, shnum - 1, FIX_REBUILD);

	Elf_Scn *strscn = elf_getscn(elf, sh.sh_link);

	if (!strscn || !gelf_getshdr(strscn, &strsh) || strsh.sh_type != SHT_STRTAB)
		return vmm_errf(err, errlen, -EINVAL,
				"guest ELF %s: .symtab (section %zu) links to section %u, which is "
				"not a string table; %s",
				what, idx, (unsigned)sh.sh_link, FIX_REBUILD);
	if (strsh.sh_size == 0 || !in_file(strsh.sh_offset, strsh.sh_size, fsize))
		return vmm_errf(err, errlen, -EINVAL,
				"guest ELF %s: string table (section %u) at offset %ju size %ju is "
				"empty or runs past the end of the file (%ju bytes); %s",
				what, (unsigned)sh.sh_link, (uintmax_t)strsh.sh_offset,
				(uintmax_t)strsh.sh_size, (uintmax_t)fsize, FIX_REBUILD);

	return read_symtab(t, elf, scn, &sh, &strsh, what, err, errlen);
}

static int finish_load(struct sym_table *t, Elf *elf, uint64_t fsize, const char *what, char *err,
		       size_t errlen)
{
	int ret = load_elf(t, elf, fsize, what, err, errlen);

	if (ret == SYM_NO_SYMTAB)
		vmm_errf(err, errlen, SYM_NO_SYMTAB,
			 "guest ELF %s has no .symtab (stripped?): no symbols, guest inspection "
			 "off; build the guest without stripping to enable it",
			 what);
	if (ret < 0)
		sym_free(t);
	return ret;
}

int sym_load_fd(struct sym_table *t, int fd, const char *what, char *err, size_t errlen)
{
	struct stat st;
	Elf *elf;
	int ret;

	if (!t)
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	if (!what)
		what = "(fd)";
	if (fstat(fd, &st))
		return vmm_errf(err, errlen, -errno, "guest ELF %s: cannot stat: %s", what,
				strerror(errno));
	if (!S_ISREG(st.st_mode))
		return vmm_errf(err, errlen, -EINVAL,
				"guest ELF %s: not a regular file; pass the guest kernel image",
				what);
	if (elf_version(EV_CURRENT) == EV_NONE)
		return vmm_errf(err, errlen, -EINVAL, "libelf is too old: %s", elf_errmsg(-1));
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf)
		return vmm_errf(err, errlen, -EINVAL, "guest ELF %s: libelf cannot open it: %s; %s",
				what, elf_errmsg(-1), FIX_REBUILD);

	ret = finish_load(t, elf, (uint64_t)st.st_size, what, err, errlen);
	elf_end(elf);
	return ret;
}

int sym_load_image(struct sym_table *t, const struct elf_image *img, char *err, size_t errlen)
{
	const char *what;
	Elf *elf;
	int ret;

	if (!t || !img || !img->data)
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	what = img->path ? img->path : "(image)";
	if (elf_version(EV_CURRENT) == EV_NONE)
		return vmm_errf(err, errlen, -EINVAL, "libelf is too old: %s", elf_errmsg(-1));
	/* Read-only use of the image elf_image_parse() also reads with libelf. */
	elf = elf_memory((char *)img->data, img->size);
	if (!elf)
		return vmm_errf(err, errlen, -EINVAL, "guest ELF %s: libelf cannot open it: %s; %s",
				what, elf_errmsg(-1), FIX_REBUILD);
	ret = finish_load(t, elf, img->size, what, err, errlen);
	elf_end(elf);
	return ret;
}

int sym_load_path(struct sym_table *t, const char *path, char *err, size_t errlen)
{
	int fd, ret;

	if (!t || !path)
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vmm_errf(err, errlen, -errno,
				"guest ELF %s: cannot open: %s; check the path", path,
				strerror(errno));
	ret = sym_load_fd(t, fd, path, err, errlen);
	close(fd);
	return ret;
}

int sym_lookup(const struct sym_table *t, const char *name, uint64_t *addr, uint64_t *size)
{
	size_t lo = 0, hi;

	if (!t || !name || !t->syms)
		return -ENOENT;
	/* Lower bound: the first entry of an equal run is the preferred binding. */
	hi = t->nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(t->syms[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == t->nr || strcmp(t->syms[lo].name, name))
		return -ENOENT;
	if (addr)
		*addr = t->syms[lo].value;
	if (size)
		*size = t->syms[lo].size;
	return 0;
}

int sym_format_addr(const struct sym_table *t, uint64_t addr, char *buf, size_t len)
{
	const struct sym *best = NULL;

	for (size_t i = 0; t && i < t->nr; i++) {
		const struct sym *s = &t->syms[i];

		if ((s->type != STT_FUNC && s->type != STT_OBJECT) || s->value > addr)
			continue;
		if (!best || s->value > best->value ||
		    (s->value == best->value && bind_rank(s->bind) < bind_rank(best->bind)))
			best = s;
	}
	if (!best || (best->size && addr - best->value >= best->size)) {
		snprintf(buf, len, "0x%jx", (uintmax_t)addr);
		return -ENOENT;
	}
	/* kallsyms' sprint_symbol(): "%s+%#lx/%#lx", and the kernel prints 0 as 0x0. */
	snprintf(buf, len, "%s+0x%jx/0x%jx", best->name, (uintmax_t)(addr - best->value),
		 (uintmax_t)best->size);
	return 0;
}

int sym_virt_to_phys(uint64_t vaddr, uint64_t *paddr)
{
	if (vaddr < PAGE_OFFSET || vaddr - PAGE_OFFSET >= MAXMEM)
		return -EINVAL;
	if (paddr)
		*paddr = vaddr - PAGE_OFFSET;
	return 0;
}
