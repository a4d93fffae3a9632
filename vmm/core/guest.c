// SPDX-License-Identifier: GPL-2.0
#include "vmm/core/core.h"

#include <errno.h>
#include <string.h>

int guest_wait_ready(struct vm *vm, struct vm_event *ev)
{
	if (vm_run(vm, ev) == 0 && ev->kind == VM_EV_READY)
		return 0;
	return -ECANCELED;
}

int guest_call(struct vm *vm, uint32_t cmd, const uint32_t *args, unsigned int nargs,
	       struct guest_reply *reply, struct vm_event *ev)
{
	struct mailbox mb;

	memset(reply, 0, sizeof(*reply));
	if (vm_mailbox_write_cmd(vm, cmd, args, nargs)) {
		ev->kind = VM_EV_PROTOCOL;
		snprintf(ev->msg, sizeof(ev->msg), "no mailbox to send command %u to", cmd);
		return -ECANCELED;
	}
	if (vm_run(vm, ev) != 0 || ev->kind != VM_EV_READY)
		return -ECANCELED;
	if (vm_mailbox_read(vm, &mb)) {
		ev->kind = VM_EV_PROTOCOL;
		snprintf(ev->msg, sizeof(ev->msg), "mailbox unreadable after command %u", cmd);
		return -ECANCELED;
	}
	reply->status = mb.status;
	memcpy(reply->results, mb.results, sizeof(reply->results));
	reply->text_len = mb.text_len; /* clamped to MBOX_TEXT by vm_mailbox_read */
	memcpy(reply->text, mb.text, reply->text_len);
	reply->text[reply->text_len] = '\0';
	return 0;
}

int guest_selftest(struct vm *vm, uint32_t idx, uint32_t *count, struct guest_reply *reply,
		   struct vm_event *ev)
{
	int ret = guest_call(vm, CMD_SELFTEST, &idx, 1, reply, ev);

	if (ret == 0)
		*count = reply->results[0];
	return ret;
}

int guest_exit(struct vm *vm, uint32_t status, struct vm_event *ev)
{
	struct guest_reply reply;

	if (guest_call(vm, CMD_EXIT, &status, 1, &reply, ev) == 0) {
		/* The guest answered instead of exiting. */
		ev->kind = VM_EV_PROTOCOL;
		snprintf(ev->msg, sizeof(ev->msg), "guest did not exit on CMD_EXIT (status %u)",
			 reply.status);
		return -ECANCELED;
	}
	return ev->kind == VM_EV_EXIT ? 0 : -ECANCELED;
}

int guest_vmalloc(struct vm *vm, uint32_t cmd, uint32_t size, uint32_t *addr,
		  struct guest_reply *reply, struct vm_event *ev)
{
	int ret = guest_call(vm, cmd, &size, 1, reply, ev);

	*addr = ret == 0 && reply->status == ST_OK ? reply->results[0] : 0;
	return ret;
}

int guest_vfree(struct vm *vm, uint32_t addr, struct guest_reply *reply, struct vm_event *ev)
{
	return guest_call(vm, CMD_VFREE, &addr, 1, reply, ev);
}

int guest_vfree_hot(struct vm *vm, uint32_t addr, uint32_t cpus, struct guest_reply *reply,
		    struct vm_event *ev)
{
	const uint32_t args[2] = { addr, cpus };

	return guest_call(vm, CMD_VFREE_HOT, args, 2, reply, ev);
}

/* A command the guest must accept: -EREMOTEIO with ev explaining when it did not. */
static int call_ok(struct vm *vm, uint32_t cmd, const uint32_t *args, unsigned int nargs,
		   struct guest_reply *reply, struct vm_event *ev)
{
	int ret = guest_call(vm, cmd, args, nargs, reply, ev);

	if (ret)
		return ret;
	if (reply->status == ST_OK)
		return 0;
	ev->kind = VM_EV_READY;
	snprintf(ev->msg, sizeof(ev->msg), "command %u refused with status %u", cmd, reply->status);
	return -EREMOTEIO;
}

int guest_probe_cpu(struct vm *vm, uint32_t cpu, uint32_t addr, enum probe_kind kind,
		    uint32_t value, struct guest_probe *probe, struct vm_event *ev)
{
	const uint32_t args[] = { addr, kind, value, cpu };
	struct guest_reply reply;

	memset(probe, 0, sizeof(*probe));
	int ret = call_ok(vm, CMD_PROBE, args, 4, &reply, ev);

	if (ret)
		return ret;
	probe->faulted = reply.results[0] != 0;
	if (probe->faulted) {
		probe->vector = reply.results[1];
		probe->error_code = reply.results[2];
		probe->cr2 = reply.results[3];
	} else {
		probe->value = reply.results[1];
	}
	return 0;
}

int guest_probe(struct vm *vm, uint32_t addr, enum probe_kind kind, uint32_t value,
		struct guest_probe *probe, struct vm_event *ev)
{
	return guest_probe_cpu(vm, 0, addr, kind, value, probe, ev);
}
