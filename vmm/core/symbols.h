/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest kernel symbols, read from the guest ELF's .symtab with libelf, so
 * the host can find swapper_pg_dir, vmlist, mem_map and the zone counters
 * the way a debugger does.  The file is not trusted: every offset, size,
 * link and name is checked before use; a bad file is an error with a
 * message, never a crash or a leak.
 */
#ifndef VMM_SYMBOLS_H
#define VMM_SYMBOLS_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/core/elf.h"

/* The sym_load_*() error for an ELF without .symtab (stripped); the caller
 * decides whether that is fatal (the demo) or not (--cpus 1 self-tests). */
#define SYM_NO_SYMTAB (-ENODATA)

struct sym {
	const char *name;   /* points into sym_table.names */
	uint64_t value;	    /* st_value: the virtual address */
	uint64_t size;	    /* st_size */
	unsigned char type; /* STT_* */
	unsigned char bind; /* STB_* */
};

/* Sorted by name; for equal names, global before weak before local. */
struct sym_table {
	struct sym *syms;
	size_t nr;
	char *names; /* one allocation for all names */
};

/*
 * Load the symbols of the ELF file at path (or open fd, which stays open, or
 * an image elf_image_open() already read: no second read of the file) into
 * *t.  0: loaded; -errno: *t empty and err (if not NULL) holds a message that
 * says what, where and what to do.  SYM_NO_SYMTAB (-ENODATA): the file has
 * no .symtab; -EINVAL: a bad symbol table; others: I/O errors.
 */
int sym_load_path(struct sym_table *t, const char *path, char *err, size_t errlen);
int sym_load_fd(struct sym_table *t, int fd, const char *what, char *err, size_t errlen);
int sym_load_image(struct sym_table *t, const struct elf_image *img, char *err, size_t errlen);

/* Release *t; safe on an empty or already freed table. */
void sym_free(struct sym_table *t);

/* Find name: 0 with its value in *addr and size in *size (either may be NULL), or -ENOENT. */
int sym_lookup(const struct sym_table *t, const char *name, uint64_t *addr, uint64_t *size);

/*
 * Write addr as the kernel's %pS does ("name+0x1c/0x80": offset and size in
 * hex) into buf, using the nearest function or object at or below addr; "0x%x"
 * when none covers it.  Returns 0, or -ENOENT when no symbol covers addr.
 */
int sym_format_addr(const struct sym_table *t, uint64_t addr, char *buf, size_t len);

/* Physical address of a kernel (direct-mapped) virtual address: 0 or -EINVAL
 * when vaddr is below PAGE_OFFSET or beyond the largest lowmem map. */
int sym_virt_to_phys(uint64_t vaddr, uint64_t *paddr);

#endif /* VMM_SYMBOLS_H */
