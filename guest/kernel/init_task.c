// SPDX-License-Identifier: GPL-2.0
/* The kernel's own address space (Linux 2.4 arch/i386/kernel/init_task.c). */
#include <pgtable.h>
#include <sched.h>

struct mm_struct init_mm = {
	.pgd = (pgd_t *)swapper_pg_dir,
	.page_table_lock = SPIN_LOCK_UNLOCKED_CLASS(LOCK_CLASS_PAGE_TABLE),
	.mm_count = 1,
	.id = 0,
};
struct mm_struct *current_mm = &init_mm;
