/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What stands in for the guest kernel when guest/mm/ is built for the
 * host's unit tests: a malloc-free arena plays the direct map of guest
 * RAM (__va(pa) = shim_direct_map + pa), printk goes to a log the tests
 * can search, and free pages are poisoned for AddressSanitizer.
 */
#ifndef GUEST_SHIM_H
#define GUEST_SHIM_H

#include <stddef.h>
#include <stdint.h>

extern char *shim_direct_map;
#define __va(x) ((void *)(shim_direct_map + (uintptr_t)(x)))
#define __pa(x) ((uintptr_t)(x) - (uintptr_t)shim_direct_map)

/*
 * Boot a fake machine: @ram_bytes of RAM laid out as the VMM does (the
 * ISA hole reserved), the first @kernel_pages pages above 1 MiB taken by
 * the "kernel image", then mem_init() and kmem_cache_init().  Returns 0.
 */
int shim_boot(uint64_t ram_bytes);
void shim_shutdown(void);

/* printk log: everything printed since the last shim_log_clear(). */
extern unsigned long shim_log_errors; /* KERN_ERR (or worse) messages */
const char *shim_log(void);
void shim_log_clear(void);
int shim_log_contains(const char *needle);

struct page;
#define kasan_alloc_pages kasan_alloc_pages
#define kasan_free_pages  kasan_free_pages
void kasan_alloc_pages(struct page *page, unsigned int order);
void kasan_free_pages(struct page *page, unsigned int order);

/* What the guest's mailbox tables would hold. */
typedef int (*shim_selftest_fn)(void);
typedef int (*cmd_handler_t)(const uint32_t *args, uint32_t *results);
void shim_register_selftest(const char *name, shim_selftest_fn fn);
void shim_register_cmd(unsigned int cmd, cmd_handler_t fn);
int shim_nr_selftests(void);
const char *shim_selftest_name(int i);
int shim_run_selftest(int i);
/* Runs the registered handler of @cmd; -1 if none. */
int shim_run_cmd(unsigned int cmd, const uint32_t *args, uint32_t *results);

#endif /* GUEST_SHIM_H */
