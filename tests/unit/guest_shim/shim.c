// SPDX-License-Identifier: GPL-2.0
/* The host side of the guest shim (see shim.h). */
#include <bootmem.h>
#include <kernel.h>
#include <mm.h>
#include <slab.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "shared/abi.h"
#include "shared/multiboot.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#else
#define ASAN_POISON_MEMORY_REGION(addr, size)	((void)(addr), (void)(size))
#define ASAN_UNPOISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#endif

#define SHIM_KERNEL_PAGES 64 /* the "kernel image" above 1 MiB */

char *shim_direct_map;
static size_t shim_direct_map_size;

struct boot_mem_range boot_mem_map[8];
int boot_mem_map_nr;
unsigned long max_pfn, max_low_pfn, min_low_pfn;
unsigned long bootmem_next_pfn;
unsigned long bootmem_top_pfn = ~0ul; /* the shim hands out bottom-up only */
static int bootmem_closed;

void *alloc_bootmem_low_pages(unsigned long size)
{
	unsigned long pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
	void *p;

	if (bootmem_closed)
		panic("alloc_bootmem_low_pages after bootmem_done");
	if (bootmem_next_pfn + pages > max_low_pfn)
		return NULL;
	p = __va(bootmem_next_pfn << PAGE_SHIFT);
	ASAN_UNPOISON_MEMORY_REGION(p, pages * PAGE_SIZE);
	memset(p, 0, pages * PAGE_SIZE);
	bootmem_next_pfn += pages;
	return p;
}

void *alloc_bootmem_pages(unsigned long size)
{
	return alloc_bootmem_low_pages(size);
}

unsigned long bootmem_done(void)
{
	bootmem_closed = 1;
	return bootmem_next_pfn;
}

int shim_boot(uint64_t ram_bytes)
{
	uint64_t lowmem = ram_bytes < MAXMEM ? ram_bytes : MAXMEM;

	shim_direct_map_size = lowmem;
	shim_direct_map = mmap(NULL, lowmem, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (shim_direct_map == MAP_FAILED) {
		perror("shim_boot: mmap");
		abort();
	}
	boot_mem_map[0] = (struct boot_mem_range){ 0, LOW_RAM_END, MULTIBOOT_MEMORY_AVAILABLE };
	boot_mem_map[1] = (struct boot_mem_range){ LOW_RAM_END, ISA_HOLE_END - LOW_RAM_END,
						   MULTIBOOT_MEMORY_RESERVED };
	boot_mem_map[2] = (struct boot_mem_range){ ISA_HOLE_END, ram_bytes - ISA_HOLE_END,
						   MULTIBOOT_MEMORY_AVAILABLE };
	boot_mem_map_nr = 3;
	max_pfn = ram_bytes >> PAGE_SHIFT;
	max_low_pfn = lowmem >> PAGE_SHIFT;
	bootmem_next_pfn = (ISA_HOLE_END >> PAGE_SHIFT) + SHIM_KERNEL_PAGES;
	min_low_pfn = bootmem_next_pfn;
	bootmem_closed = 0;
	ASAN_POISON_MEMORY_REGION(__va(bootmem_next_pfn << PAGE_SHIFT),
				  lowmem - (bootmem_next_pfn << PAGE_SHIFT));

	fail_page_alloc_nth = fail_page_alloc_calls = fail_page_alloc_injected = 0;
	failslab_nth = failslab_calls = failslab_injected = 0;
	page_alloc_errors = kmalloc_errors = 0;
	shim_log_clear();
	mem_init();
	kmem_cache_init();
	return 0;
}

void shim_shutdown(void)
{
	ASAN_UNPOISON_MEMORY_REGION(shim_direct_map, shim_direct_map_size);
	munmap(shim_direct_map, shim_direct_map_size);
	shim_direct_map = NULL;
	mem_map = NULL;
}

void kasan_alloc_pages(struct page *page, unsigned int order)
{
	if (!PageHighMem(page))
		ASAN_UNPOISON_MEMORY_REGION(page_address(page), (size_t)PAGE_SIZE << order);
}

void kasan_free_pages(struct page *page, unsigned int order)
{
	if (!PageHighMem(page))
		ASAN_POISON_MEMORY_REGION(page_address(page), (size_t)PAGE_SIZE << order);
}

static char log_buf[1 << 16];
static size_t log_len;
unsigned long shim_log_errors;

const char *shim_log(void)
{
	return log_buf;
}

void shim_log_clear(void)
{
	log_len = 0;
	log_buf[0] = '\0';
	shim_log_errors = 0;
}

int shim_log_contains(const char *needle)
{
	return strstr(log_buf, needle) != NULL;
}

static void log_vprintf(const char *fmt, va_list ap)
{
	char line[1024];
	int n = vsnprintf(line, sizeof(line), fmt, ap);

	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (log_len + n + 1 > sizeof(log_buf))
		log_len = 0; /* keep the recent part */
	memcpy(log_buf + log_len, line, n + 1);
	log_len += n;
	if (line[0] == '<' && line[1] >= '0' && line[1] <= '3' && line[2] == '>')
		shim_log_errors++;
	if (getenv("SHIM_VERBOSE"))
		fputs(line, stderr);
}

int printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(fmt, ap);
	va_end(ap);
	return 0;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("Kernel panic: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

#define SHIM_MAX_SELFTESTS 64

static struct {
	const char *name;
	shim_selftest_fn fn;
} selftests[SHIM_MAX_SELFTESTS];
static int nr_selftests;
static cmd_handler_t cmds[CMD_MAX];

void shim_register_selftest(const char *name, shim_selftest_fn fn)
{
	if (nr_selftests == SHIM_MAX_SELFTESTS)
		panic("too many self-tests");
	selftests[nr_selftests].name = name;
	selftests[nr_selftests++].fn = fn;
}

void shim_register_cmd(unsigned int cmd, cmd_handler_t fn)
{
	if (cmd >= CMD_MAX || cmds[cmd])
		panic("command %u registered twice or out of range", cmd);
	cmds[cmd] = fn;
}

int shim_nr_selftests(void)
{
	return nr_selftests;
}

const char *shim_selftest_name(int i)
{
	return selftests[i].name;
}

int shim_run_selftest(int i)
{
	return selftests[i].fn();
}

int shim_run_cmd(unsigned int cmd, const uint32_t *args, uint32_t *results)
{
	if (cmd >= CMD_MAX || !cmds[cmd])
		return -1;
	return cmds[cmd](args, results);
}
