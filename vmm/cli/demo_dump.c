// SPDX-License-Identifier: GPL-2.0
/* The dumps of --dump vmallocinfo and --vtop, over the guest's state. */
#include "vmm/cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shared/layout.h"
#include "shared/mmu.h"
#include "vmm/core/core.h"
#include "vmm/inspect/inspect.h"

int demo_dump_vmallocinfo(FILE *f, struct vm *vm, const struct sym_table *syms, char *err,
			  size_t errlen)
{
	struct vmap_tree_info tinfo;
	struct vmlist_info info;
	struct guest_kernel gk;
	struct vm_area *areas;
	char ierr[256];
	unsigned int i;
	int ret;

	if (inspect_init(&gk, vm, syms, ierr, sizeof(ierr)))
		return vmm_errf(err, errlen, -ENOENT, "vmallocinfo: %s", ierr);
	areas = calloc(INSPECT_VMLIST_MAX, sizeof(*areas));
	if (!areas)
		return vmm_errf(err, errlen, -ENOMEM, "vmallocinfo: out of memory");
	/* vmalloc=modern keeps no vmlist: its areas are the busy tree's. */
	ret = inspect_read_vmap_trees(&gk, syms, areas, INSPECT_VMLIST_MAX, &tinfo);
	if (ret != -ENOENT && tinfo.mode == VMALLOC_MODE_MODERN) {
		memset(&info, 0, sizeof(info));
		info.nr = tinfo.nr_busy;
		snprintf(info.msg, sizeof(info.msg), "corrupt vmap_area trees: %.170s", tinfo.msg);
	} else {
		ret = inspect_read_vmlist(&gk, areas, INSPECT_VMLIST_MAX, &info);
	}
	for (i = 0; (ret == 0 || ret == -EBADMSG) && i < info.nr && i < INSPECT_VMLIST_MAX; i++) {
		const struct vm_area *a = &areas[i];
		char caller[160];

		/* Linux's %pS: the symbol, or the bare address where none covers it. */
		sym_format_addr(syms, a->caller, caller, sizeof(caller));
		/*
		 * 2.4 keeps no page count: a vmalloc or vmap area maps all but its
		 * guard page, holding one reference on each (as Linux's nr_pages
		 * counts them for vmalloc and for vmap with VM_MAP_PUT_PAGES);
		 * get_vm_area() alone maps nothing.
		 */
		dump_vmallocinfo_line(f, a->addr, a->addr + a->size, a->caller ? caller : NULL,
				      (a->flags & (DUMP_VM_ALLOC | DUMP_VM_MAP)) &&
						      a->size > PAGE_SIZE
					      ? (a->size - PAGE_SIZE) / PAGE_SIZE
					      : 0,
				      a->flags);
	}
	free(areas);
	if (ret == -EBADMSG) /* a corrupt vmlist: the areas before the defect were printed */
		return vmm_errf(err, errlen, -EFAULT, "vmallocinfo: %s", info.msg);
	if (ret < 0)
		return vmm_errf(err, errlen, -EFAULT, "vmallocinfo: cannot read the vmlist: %s",
				strerror(-ret));
	return 0;
}

int demo_dump_vtop(FILE *f, struct vm *vm, const struct sym_table *syms,
		   const struct script *script, const struct demo_session *s, const char *addr,
		   char *err, size_t errlen)
{
	const struct script_op *def;
	const char *sign = strpbrk(addr + 1, "+-");
	char name[SCRIPT_NAME_MAX];
	struct walk_result res;
	struct walk_ctx ctx;
	uint64_t va, off = 0;
	int ret;

	if (sign)
		off = strtoull(sign + 1, NULL, 0);
	if (addr[0] >= '0' && addr[0] <= '9') {
		va = strtoull(addr, NULL, 0);
	} else {
		size_t len = sign ? (size_t)(sign - addr) : strlen(addr);

		if (len >= sizeof(name))
			return vmm_errf(err, errlen, -ENOENT, "--vtop %s: name too long", addr);
		memcpy(name, addr, len);
		name[len] = '\0';
		def = script && s ? script_find_name(script, name, SCRIPT_OPS_MAX + 1) : NULL;
		if (def) {
			va = s->results[def->number];
		} else if (sym_lookup(syms, name, &va, NULL)) {
			return vmm_errf(err, errlen, -ENOENT,
					"--vtop %s: neither a script name nor a guest symbol",
					addr);
		}
	}
	va = (uint32_t)(sign && *sign == '-' ? va - off : va + off);
	ret = inspect_walk_ctx(vm, &ctx, err, errlen);
	if (ret)
		return ret;
	walk(&ctx, va, &res);
	dump_vtop(f, &res);
	return 0;
}
