// SPDX-License-Identifier: GPL-2.0
/*
 * Guest ELF loading with libelf.  The guest is an ELF32 i386 executable
 * whose PT_LOAD segments are placed at their physical addresses and which
 * starts with paging off, so e_entry is a physical address too.
 *
 * libelf parses; we check.  Every field that decides where bytes go is
 * range-checked here in 64-bit arithmetic, because libelf only checks
 * what it needs for its own reading.
 */
#include "vmm/core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/layout.h"

static enum elf_defect fail(char *msg, size_t msglen, enum elf_defect err, const char *name,
			    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static enum elf_defect fail(char *msg, size_t msglen, enum elf_defect err, const char *name,
			    const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!msg || !msglen)
		return err;
	n = snprintf(msg, msglen, "%s: ", name);
	if (n >= 0 && (size_t)n < msglen) {
		va_start(ap, fmt);
		vsnprintf(msg + n, msglen - n, fmt, ap);
		va_end(ap);
	}
	return err;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* The checks that need only the program headers, in the order a reader
 * would look: each segment alone, then segments against each other. */
static enum elf_defect check_segments(const char *name, struct elf_image *img, uint64_t ram_size,
				      char *msg, size_t msglen)
{
	unsigned int i, j;
	bool entry_ok = false;

	if (img->nr_segments == 0)
		return fail(msg, msglen, ELF_ERR_NO_LOAD, name,
			    "no PT_LOAD segment: nothing to load");

	for (i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *s = &img->segments[i];
		uint64_t end = (uint64_t)s->paddr + s->memsz;

		if (s->filesz > s->memsz)
			return fail(msg, msglen, ELF_ERR_FILESZ, name,
				    "segment %u: p_filesz 0x%x is larger than p_memsz 0x%x", i,
				    s->filesz, s->memsz);
		if ((uint64_t)s->offset + s->filesz > img->size)
			return fail(msg, msglen, ELF_ERR_DATA_PAST_EOF, name,
				    "segment %u: file data [0x%x, 0x%llx) past the end of the file "
				    "(%zu bytes)",
				    i, s->offset, (unsigned long long)s->offset + s->filesz,
				    img->size);
		if (end > UINT32_MAX + 1ull)
			return fail(msg, msglen, ELF_ERR_OUTSIDE_RAM, name,
				    "segment %u: p_paddr 0x%x + p_memsz 0x%x wraps past 4 GiB", i,
				    s->paddr, s->memsz);
		if (end > ram_size)
			return fail(msg, msglen, ELF_ERR_OUTSIDE_RAM, name,
				    "segment %u: [0x%x, 0x%llx) lies outside guest RAM (0x%llx "
				    "bytes; try a larger -m)",
				    i, s->paddr, (unsigned long long)end,
				    (unsigned long long)ram_size);
		if (ranges_overlap(s->paddr, s->memsz, MB_INFO_PADDR, MB_AREA_END - MB_INFO_PADDR))
			return fail(msg, msglen, ELF_ERR_BOOT_AREA, name,
				    "segment %u: [0x%x, 0x%llx) overlaps the boot information at "
				    "[0x%x, 0x%x)",
				    i, s->paddr, (unsigned long long)end, MB_INFO_PADDR,
				    MB_AREA_END);
		if ((s->flags & PF_X) && img->entry >= s->paddr && img->entry - s->paddr < s->memsz)
			entry_ok = true;
	}

	for (i = 0; i < img->nr_segments; i++) {
		for (j = i + 1; j < img->nr_segments; j++) {
			const struct elf_segment *a = &img->segments[i], *b = &img->segments[j];

			if (ranges_overlap(a->paddr, a->memsz, b->paddr, b->memsz))
				return fail(
					msg, msglen, ELF_ERR_OVERLAP, name,
					"segments %u [0x%x, 0x%llx) and %u [0x%x, 0x%llx) overlap",
					i, a->paddr, (unsigned long long)a->paddr + a->memsz, j,
					b->paddr, (unsigned long long)b->paddr + b->memsz);
		}
	}

	if (!entry_ok)
		return fail(msg, msglen, ELF_ERR_ENTRY, name,
			    "entry point 0x%x lies in no executable PT_LOAD segment", img->entry);
	return ELF_OK;
}

static enum elf_defect parse_headers(const char *name, Elf *elf, struct elf_image *img,
				     uint64_t ram_size, char *msg, size_t msglen)
{
	const unsigned char *ident;
	size_t ident_len, phnum, i;
	Elf32_Ehdr *eh;

	if (elf_kind(elf) != ELF_K_ELF)
		return fail(msg, msglen, ELF_ERR_NOT_ELF, name, "not an ELF file (bad magic)");
	ident = (const unsigned char *)elf_getident(elf, &ident_len);
	if (!ident || ident_len < EI_NIDENT)
		return fail(msg, msglen, ELF_ERR_TRUNCATED, name, "truncated ELF identification");
	if (ident[EI_CLASS] != ELFCLASS32)
		return fail(msg, msglen, ELF_ERR_CLASS, name,
			    "not a 32-bit ELF (EI_CLASS %u; the guest must be ELFCLASS32)",
			    ident[EI_CLASS]);
	if (ident[EI_DATA] != ELFDATA2LSB)
		return fail(msg, msglen, ELF_ERR_ENDIAN, name, "not little-endian (EI_DATA %u)",
			    ident[EI_DATA]);
	eh = elf32_getehdr(elf);
	if (!eh)
		return fail(msg, msglen, ELF_ERR_LIBELF, name, "unreadable ELF header: %s",
			    elf_errmsg(-1));
	if (eh->e_machine != EM_386)
		return fail(msg, msglen, ELF_ERR_MACHINE, name,
			    "not an i386 ELF (e_machine %u, expected %u)", eh->e_machine, EM_386);
	if (eh->e_type != ET_EXEC)
		return fail(msg, msglen, ELF_ERR_TYPE, name,
			    "not an executable (e_type %u, expected ET_EXEC)", eh->e_type);
	if (eh->e_phnum == 0)
		return fail(msg, msglen, ELF_ERR_NO_LOAD, name, "no program headers");
	if (eh->e_phentsize != sizeof(Elf32_Phdr))
		return fail(msg, msglen, ELF_ERR_PHENTSIZE, name,
			    "program-header entry size %u, expected %zu", eh->e_phentsize,
			    sizeof(Elf32_Phdr));
	if ((uint64_t)eh->e_phoff + (uint64_t)eh->e_phnum * eh->e_phentsize > img->size)
		return fail(msg, msglen, ELF_ERR_PH_PAST_EOF, name,
			    "program headers [0x%x, 0x%llx) past the end of the file (%zu bytes)",
			    eh->e_phoff,
			    (unsigned long long)eh->e_phoff +
				    (unsigned long long)eh->e_phnum * eh->e_phentsize,
			    img->size);
	if (elf_getphdrnum(elf, &phnum) != 0)
		return fail(msg, msglen, ELF_ERR_LIBELF, name, "cannot count program headers: %s",
			    elf_errmsg(-1));

	img->entry = eh->e_entry;
	img->nr_segments = 0;
	for (i = 0; i < phnum; i++) {
		struct elf_segment *s;
		GElf_Phdr ph;

		/* A copy, not elf32_getphdr(): e_phoff may be unaligned, and
		 * libelf then points into the file as it is. */
		if (!gelf_getphdr(elf, (int)i, &ph))
			return fail(msg, msglen, ELF_ERR_LIBELF, name,
				    "unreadable program header %zu: %s", i, elf_errmsg(-1));
		if (ph.p_type != PT_LOAD)
			continue;
		if (img->nr_segments == ELF_MAX_SEGMENTS)
			return fail(msg, msglen, ELF_ERR_TOO_MANY_SEGMENTS, name,
				    "more than %d PT_LOAD segments", ELF_MAX_SEGMENTS);
		s = &img->segments[img->nr_segments++];
		/* ELFCLASS32: every field fits in 32 bits. */
		s->paddr = (uint32_t)ph.p_paddr;
		s->memsz = (uint32_t)ph.p_memsz;
		s->filesz = (uint32_t)ph.p_filesz;
		s->offset = (uint32_t)ph.p_offset;
		s->flags = ph.p_flags;
	}
	return check_segments(name, img, ram_size, msg, msglen);
}

static enum elf_defect parse(const char *name, const void *buf, size_t size, uint64_t ram_size,
			     struct elf_image *img, char *msg, size_t msglen)
{
	enum elf_defect err;
	Elf *elf;

	memset(img, 0, sizeof(*img));
	img->path = name;
	if (size == 0)
		return fail(msg, msglen, ELF_ERR_EMPTY, name, "empty file");
	if (size > ELF_MAX_FILE_SIZE)
		return fail(msg, msglen, ELF_ERR_TOO_BIG, name,
			    "%zu bytes is too large for a guest", size);
	if (size < EI_NIDENT)
		return fail(msg, msglen, ELF_ERR_TRUNCATED, name,
			    "truncated: %zu bytes, not even an ELF identification", size);
	if (memcmp(buf, ELFMAG, SELFMAG) != 0)
		return fail(msg, msglen, ELF_ERR_NOT_ELF, name, "not an ELF file (bad magic)");
	if (size < sizeof(Elf32_Ehdr))
		return fail(msg, msglen, ELF_ERR_TRUNCATED, name,
			    "truncated: %zu bytes, an ELF32 header needs %zu", size,
			    sizeof(Elf32_Ehdr));

	img->data = malloc(size);
	if (!img->data)
		return fail(msg, msglen, ELF_ERR_OPEN, name, "out of memory");
	memcpy(img->data, buf, size);
	img->size = size;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		elf_image_close(img);
		return fail(msg, msglen, ELF_ERR_LIBELF, name, "libelf: %s", elf_errmsg(-1));
	}
	elf = elf_memory((char *)img->data, img->size);
	if (!elf) {
		elf_image_close(img);
		return fail(msg, msglen, ELF_ERR_LIBELF, name, "libelf: %s", elf_errmsg(-1));
	}
	err = parse_headers(name, elf, img, ram_size, msg, msglen);
	elf_end(elf);
	if (err != ELF_OK)
		elf_image_close(img);
	return err;
}

/* The errno of a refusal: the file's own, or ENOMEM, for ELF_ERR_OPEN (in *sys_errno). */
static int defect_errno(enum elf_defect d, int sys_errno)
{
	if (d == ELF_OK)
		return 0;
	return d == ELF_ERR_OPEN ? -(sys_errno ? sys_errno : ENOMEM) : -ENOEXEC;
}

int elf_image_parse(const char *name, const void *buf, size_t size, uint64_t ram_size,
		    struct elf_image *img, char *msg, size_t msglen)
{
	enum elf_defect d = parse(name, buf, size, ram_size, img, msg, msglen);

	img->defect = d;
	return defect_errno(d, ENOMEM);
}

static enum elf_defect open_file(const char *path, uint64_t ram_size, struct elf_image *img,
				 int *sys_errno, char *msg, size_t msglen)
{
	enum elf_defect err;
	struct stat st;
	uint8_t *buf;
	ssize_t got;
	size_t done = 0;
	int fd;

	memset(img, 0, sizeof(*img));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*sys_errno = errno;
		return fail(msg, msglen, ELF_ERR_OPEN, path, "cannot open: %s", strerror(errno));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*sys_errno = EINVAL;
		close(fd);
		return fail(msg, msglen, ELF_ERR_OPEN, path, "not a regular file");
	}
	if (st.st_size == 0) {
		close(fd);
		return fail(msg, msglen, ELF_ERR_EMPTY, path, "empty file");
	}
	if ((uint64_t)st.st_size > ELF_MAX_FILE_SIZE) {
		close(fd);
		return fail(msg, msglen, ELF_ERR_TOO_BIG, path,
			    "%lld bytes is too large for a guest", (long long)st.st_size);
	}
	buf = malloc(st.st_size);
	if (!buf) {
		close(fd);
		return fail(msg, msglen, ELF_ERR_OPEN, path, "out of memory");
	}
	while (done < (size_t)st.st_size) {
		got = read(fd, buf + done, st.st_size - done);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		done += got;
	}
	close(fd);
	err = parse(path, buf, done, ram_size, img, msg, msglen);
	free(buf);
	return err;
}

int elf_image_open(const char *path, uint64_t ram_size, struct elf_image *img, char *msg,
		   size_t msglen)
{
	int sys_errno = 0;
	enum elf_defect d = open_file(path, ram_size, img, &sys_errno, msg, msglen);

	img->defect = d;
	return defect_errno(d, sys_errno);
}

int elf_image_load(const struct elf_image *img, const struct guest_mem *gm)
{
	unsigned int i;

	for (i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *s = &img->segments[i];
		uint8_t *dst;

		if (s->memsz == 0)
			continue;
		/* Checked at open time against the same RAM size; check again
		 * so this function is safe on its own. */
		dst = gmem_ptr(gm, s->paddr, s->memsz);
		if (!dst || (uint64_t)s->offset + s->filesz > img->size)
			return -EFAULT;
		memcpy(dst, img->data + s->offset, s->filesz);
		memset(dst + s->filesz, 0, s->memsz - s->filesz);
	}
	return 0;
}

void elf_image_close(struct elf_image *img)
{
	free(img->data);
	img->data = NULL;
	img->size = 0;
}
