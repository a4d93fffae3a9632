/* SPDX-License-Identifier: GPL-2.0 */
/* Shared pieces of the purpose-built test guests (assembly only). */
#include "shared/abi.h"
#include "shared/multiboot.h"

#define MB_FLAGS (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO)

/* The Multiboot v1 header: must sit in the first 8 KiB of the file. */
.macro multiboot_header.section.multiboot,
	"a".balign 4.long MULTIBOOT_HEADER_MAGIC.long MB_FLAGS.long -
		(MULTIBOOT_HEADER_MAGIC + MB_FLAGS)
			.text
			.endm

			/* Print a NUL-terminated string to the debug console; clobbers eax, edx, esi. */
			.macro puts str movl $\str,
	% esi movw $PORT_CONSOLE, % dx 1 : lodsb testb % al, % al jz 2f outb % al,
	% dx jmp 1b 2 :.endm
