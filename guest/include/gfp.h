/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allocation flags (Linux 2.4 include/linux/mm.h).  The zone modifiers pick
 * where a request may be served from; the rest only document what the
 * caller allows: this kernel never sleeps, does I/O or reclaims, so they
 * change nothing here.
 */
#ifndef GUEST_GFP_H
#define GUEST_GFP_H

/* Zone modifiers. */
#define __GFP_DMA     0x01u /* ZONE_DMA only */
#define __GFP_HIGHMEM 0x02u /* HIGHMEM, then NORMAL, then DMA */

/* Action modifiers (accepted, without effect here). */
#define __GFP_WAIT   0x10u  /* may sleep */
#define __GFP_HIGH   0x20u  /* may use emergency pools */
#define __GFP_IO     0x40u  /* may start low-level I/O */
#define __GFP_HIGHIO 0x80u  /* may start high-memory I/O */
#define __GFP_FS     0x100u /* may call into the filesystem */

#define GFP_NOHIGHIO (__GFP_HIGH | __GFP_WAIT | __GFP_IO)
#define GFP_NOIO     (__GFP_HIGH | __GFP_WAIT)
#define GFP_NOFS     (__GFP_HIGH | __GFP_WAIT | __GFP_IO | __GFP_HIGHIO)
#define GFP_ATOMIC   (__GFP_HIGH)
#define GFP_USER     (__GFP_WAIT | __GFP_IO | __GFP_HIGHIO | __GFP_FS)
#define GFP_HIGHUSER (GFP_USER | __GFP_HIGHMEM)
#define GFP_KERNEL   (__GFP_HIGH | __GFP_WAIT | __GFP_IO | __GFP_HIGHIO | __GFP_FS)

/* As in 2.4, a modifier meant to be or-ed in: GFP_KERNEL | GFP_DMA. */
#define GFP_DMA __GFP_DMA

#endif /* GUEST_GFP_H */
