/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading the guest ELF.  The file is untrusted: elf_image_open() checks
 * every header field it uses and refuses the file, with a message that
 * names the file and the defect, before any VM exists.  Errors follow the
 * vmm convention: -errno and a message; img->defect says which defect.
 */
#ifndef VMM_ELF_H
#define VMM_ELF_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/core/guestmem.h"

#define ELF_MAX_FILE_SIZE (64u << 20)
#define ELF_MAX_SEGMENTS  16

/* Why a guest ELF was refused (img->defect); one code per defect, for tests. */
enum elf_defect {
	ELF_OK = 0,
	ELF_ERR_OPEN, /* cannot open or read the file */
	ELF_ERR_EMPTY,
	ELF_ERR_TOO_BIG,
	ELF_ERR_TRUNCATED, /* shorter than an ELF header */
	ELF_ERR_NOT_ELF,
	ELF_ERR_CLASS,	 /* not ELFCLASS32 */
	ELF_ERR_ENDIAN,	 /* not little-endian */
	ELF_ERR_MACHINE, /* not EM_386 */
	ELF_ERR_TYPE,	 /* not ET_EXEC */
	ELF_ERR_PHENTSIZE,
	ELF_ERR_PH_PAST_EOF, /* program headers past the end of the file */
	ELF_ERR_TOO_MANY_SEGMENTS,
	ELF_ERR_FILESZ,	       /* p_filesz > p_memsz */
	ELF_ERR_DATA_PAST_EOF, /* p_offset + p_filesz past the end of the file */
	ELF_ERR_OUTSIDE_RAM,   /* [p_paddr, p_paddr + p_memsz) wraps or leaves RAM */
	ELF_ERR_BOOT_AREA,     /* segment would overwrite the boot information */
	ELF_ERR_OVERLAP,       /* two PT_LOAD segments overlap */
	ELF_ERR_NO_LOAD,       /* no PT_LOAD segment */
	ELF_ERR_ENTRY,	       /* entry point in no executable segment */
	ELF_ERR_LIBELF,	       /* libelf refused the file */
};

struct elf_segment {
	uint32_t paddr;
	uint32_t memsz;
	uint32_t filesz;
	uint32_t offset;
	uint32_t flags; /* PF_X, PF_W, PF_R */
};

struct elf_image {
	const char *path;
	uint8_t *data; /* the whole file */
	size_t size;
	uint32_t entry;		/* physical: the guest starts with paging off */
	enum elf_defect defect; /* ELF_OK, or why elf_image_*() refused the file */
	unsigned int nr_segments;
	struct elf_segment segments[ELF_MAX_SEGMENTS];
};

/*
 * Read and validate a guest ELF for a guest of ram_size bytes: 0, or -errno
 * with a message naming the file and the defect in msg and the defect in
 * img->defect (nothing else of *img is valid then).  -ENOEXEC: the file is
 * not a guest this VMM can load; another -errno (ELF_ERR_OPEN): it could
 * not be read (the open(2) errno, or -ENOMEM).
 */
int elf_image_open(const char *path, uint64_t ram_size, struct elf_image *img, char *msg,
		   size_t msglen);
/* Same, for a file already in memory (copied; used by tests and fuzzing). */
int elf_image_parse(const char *name, const void *buf, size_t size, uint64_t ram_size,
		    struct elf_image *img, char *msg, size_t msglen);
/* Copy the segments into guest RAM and zero their .bss parts. */
int elf_image_load(const struct elf_image *img, const struct guest_mem *gm);
void elf_image_close(struct elf_image *img);

#endif /* VMM_ELF_H */
