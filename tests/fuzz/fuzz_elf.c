// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the guest ELF loader and the symbol reader over an
 * arbitrary file.  The input is the file.  elf_image_parse() must accept or
 * refuse it with a defect and a message; an accepted image is loaded into
 * guest RAM (elf_image_load) and its symbols read (sym_load_image), and
 * every symbol found is looked up and formatted again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/ram.h"
#include "vmm/core/core.h"

#define RAM (16u << 20) /* GUEST_RAM_MIN */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct guest_mem gm;
	struct elf_image img;
	struct sym_table t = { 0 };
	char msg[512] = "", buf[128];
	uint64_t addr, sz;
	int ret;

	if (!gm.base) {
		gm.base = calloc(1, RAM);
		gm.size = RAM;
		if (!gm.base)
			fuzz_abort("setup", "out of memory");
	}
	ret = elf_image_parse("fuzz.elf", data, size, RAM, &img, msg, sizeof(msg));
	if (ret) {
		/* A refusal names the file and its defect. */
		if (img.defect == ELF_OK || !strstr(msg, "fuzz.elf"))
			fuzz_abort("refusal without a defect or the file's name", msg);
		return 0;
	}
	if (img.nr_segments == 0 || img.nr_segments > ELF_MAX_SEGMENTS)
		fuzz_abort("accepted", "segment count out of bounds");
	if (elf_image_load(&img, &gm))
		fuzz_abort("accepted image does not load", "elf_image_load");

	ret = sym_load_image(&t, &img, msg, sizeof(msg));
	if (ret == 0) {
		for (size_t i = 0; i < t.nr; i++) {
			if (sym_lookup(&t, t.syms[i].name, &addr, &sz))
				fuzz_abort("a loaded symbol is not found", t.syms[i].name);
			sym_format_addr(&t, t.syms[i].value, buf, sizeof(buf));
			sym_format_addr(&t, t.syms[i].value + t.syms[i].size, buf, sizeof(buf));
		}
	} else if (!msg[0]) {
		fuzz_abort("sym_load_image", "error without a message");
	}
	sym_free(&t);
	elf_image_close(&img);
	return 0;
}
