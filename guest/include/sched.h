/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Address spaces (Linux 2.4 include/linux/sched.h's mm_struct, reduced to
 * what a kernel without processes needs: a PGD to switch to).
 */
#ifndef GUEST_SCHED_H
#define GUEST_SCHED_H

#include <pgtable.h>
#include <spinlock.h>

struct mm_struct {
	pgd_t *pgd;
	spinlock_t page_table_lock; /* protects the page tables below pgd */
	int mm_count;		    /* references; mmdrop() frees at 0 */
	unsigned int id;	    /* the host's handle (CMD_NEW_MM); 0 = init_mm */
};

extern struct mm_struct init_mm;     /* pgd = swapper_pg_dir */
extern struct mm_struct *current_mm; /* whose PGD is in CR3 */

/*
 * A new address space: its PGD copies the kernel's entries (those above
 * TASK_SIZE) as they are now; later kernel entries reach it through the
 * vmalloc fault.  NULL when out of memory or out of slots.
 */
struct mm_struct *mm_alloc(void);
/* Drop a reference; the last one frees the page tables.  Never init_mm, never current_mm. */
void mmdrop(struct mm_struct *mm);
/* The mm with handle @id, or NULL. */
struct mm_struct *find_mm(unsigned int id);

/* Vmalloc faults handled since boot (a PGD/PMD entry copied from swapper_pg_dir; mm/fault.c). */
extern unsigned long vmalloc_faults;
extern int no_vmalloc_fault; /* boot option novmallocfault: the handler does nothing */

#endif /* GUEST_SCHED_H */
