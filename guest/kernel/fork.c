// SPDX-License-Identifier: GPL-2.0
/*
 * New address spaces (Linux 2.4 kernel/fork.c's mm_alloc, mmdrop).  There
 * are no processes: the host makes them (CMD_NEW_MM) to test the vmalloc
 * fault, and they come from a fixed pool whose index + 1 is the handle.
 *
 * Every address space copies the kernel's PGD entries when it is made.
 * 2-level: vmalloc may later fill a kernel PGD entry that was empty, and
 * an older address space learns of it through the vmalloc fault
 * (mm/fault.c).  PAE: as in 2.4, the kernel PMD page (PDPT slot 3) is
 * shared by every address space, so its entries are seen everywhere at
 * once.
 */
#include <kernel.h>
#include <pgalloc.h>
#include <sched.h>

#define NR_MMS 16
static struct mm_struct mm_pool[NR_MMS];
static spinlock_t mm_pool_lock = SPIN_LOCK_UNLOCKED_CLASS(LOCK_CLASS_MM_POOL);

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = NULL;
	unsigned int i;

	spin_lock(&mm_pool_lock);
	for (i = 0; i < NR_MMS; i++) {
		if (!mm_pool[i].mm_count) {
			mm = &mm_pool[i];
			mm->mm_count = 1; /* claimed */
			break;
		}
	}
	spin_unlock(&mm_pool_lock);
	if (!mm)
		return NULL;

	/* Copying the kernel's entries must not race with vmalloc filling them. */
	spin_lock(&init_mm.page_table_lock);
	mm->pgd = pgd_alloc();
	spin_unlock(&init_mm.page_table_lock);
	if (!mm->pgd) {
		mm->mm_count = 0;
		return NULL;
	}
	spin_lock_init(&mm->page_table_lock, LOCK_CLASS_PAGE_TABLE);
	mm->id = i + 1;
	return mm;
}

void mmdrop(struct mm_struct *mm)
{
	BUG_ON(mm == &init_mm || mm == current_mm || mm->mm_count <= 0);
	if (--mm->mm_count)
		return;
	pgd_free(mm->pgd);
	mm->pgd = NULL;
}

struct mm_struct *find_mm(unsigned int id)
{
	if (id == 0)
		return &init_mm;
	if (id > NR_MMS || !mm_pool[id - 1].mm_count)
		return NULL;
	return &mm_pool[id - 1];
}
