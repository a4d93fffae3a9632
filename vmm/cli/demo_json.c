// SPDX-License-Identifier: GPL-2.0
/* One JSON object per operation of the --json trace (fields: README, "The JSON trace"). */
#include "vmm/cli/cli.h"

#include "vmm/inspect/inspect.h"

/* Build helpers: a NULL value (out of memory) makes the whole object fail, never a half one. */
static void put(json_t *obj, const char *key, json_t *val, bool *ok)
{
	if (!val || json_object_set_new(obj, key, val))
		*ok = false;
}

static void append(json_t *arr, json_t *val, bool *ok)
{
	if (!val || json_array_append_new(arr, val))
		*ok = false;
}

static json_t *counters(const char *const *names, unsigned int n, const uint32_t *delta, bool *ok)
{
	json_t *obj = json_object();
	unsigned int i;

	if (!obj)
		*ok = false;
	for (i = 0; obj && i < n; i++)
		put(obj, names[i], json_integer(delta[i]), ok);
	return obj;
}

json_t *demo_changes_json(const struct pt_change *chs, size_t nr)
{
	bool ok = true;
	json_t *arr = json_array();
	char flags[80];
	size_t k;

	for (k = 0; arr && k < nr; k++) {
		const struct pt_change *ch = &chs[k];
		json_t *c = json_object();

		if (c) {
			put(c, "level", json_string(walk_level_name(ch->level)), &ok);
			put(c, "va", json_hex(ch->va), &ok);
			put(c, "entry", json_hex(ch->addr), &ok);
			put(c, "old", json_hex(ch->old_value), &ok);
			put(c, "new", json_hex(ch->new_value), &ok);
			pt_flags_str(ch->new_value, ch->level, flags, sizeof(flags));
			put(c, "flags", json_string(flags), &ok);
		}
		append(arr, c, &ok);
	}
	if (arr && !ok) {
		json_decref(arr);
		arr = NULL;
	}
	return arr;
}

static json_t *checks(const struct check_report *rep, bool *ok)
{
	json_t *obj = json_object(), *details = json_array(), *obs = json_array();
	unsigned int i;

	for (i = 0; details && i < rep->nr_violations && i < CHECK_MAX_VIOLATIONS; i++) {
		const struct check_violation *v = &rep->v[i];
		json_t *d = json_object();

		if (d) {
			put(d, "rule", json_text(v->rule), ok);
			put(d, "va", json_hex(v->va), ok);
			put(d, "level",
			    v->level >= 0 && v->level < WALK_NR_LEVELS
				    ? json_string(walk_level_name((enum walk_level)v->level))
				    : json_null(),
			    ok);
			put(d, "entry", json_hex(v->entry_addr), ok);
			put(d, "value", json_hex(v->entry_value), ok);
			put(d, "expected", json_text(v->expected), ok);
			put(d, "actual", json_text(v->actual), ok);
		}
		append(details, d, ok);
	}
	for (i = 0; obs && i < rep->nr_observations && i < CHECK_MAX_OBSERVATIONS; i++)
		append(obs, json_text(rep->observations[i]), ok);
	if (obj) {
		put(obj, "rules", json_integer(rep->rules_run), ok);
		put(obj, "violations", json_integer(rep->nr_violations), ok);
		put(obj, "details", details, ok);
		put(obj, "observations", obs, ok);
	} else {
		json_decref(details);
		json_decref(obs);
		*ok = false;
	}
	return obj;
}

/* The areas, zone use and IPIs of o as JSON members of j; false: no memory. */
static bool demo_outcome_json_state(json_t *j, const struct op_outcome *o)
{
	json_t *areas = o->areas_read ? json_array() : json_null();
	json_t *zones = o->zones_read ? json_array() : json_null();
	bool ok = areas && zones;
	unsigned int i;

	for (i = 0; o->areas_read && areas && i < o->nr_areas; i++) {
		const struct outcome_area *a = &o->areas[i];

		append(areas,
		       json_pack("{s:o, s:I, s:I, s:o}", "addr", json_hex(a->a.addr), "size",
				 (json_int_t)a->a.size, "flags", (json_int_t)a->a.flags, "name",
				 json_text(a->name)),
		       &ok);
	}
	for (i = 0; o->zones_read && zones && i < MAX_NR_ZONES; i++) {
		const struct guest_zone *z = &o->zone_use[i];

		append(zones,
		       json_pack("{s:s, s:I, s:I, s:I, s:I}", "name", demo_zone_name(i), "size",
				 (json_int_t)z->size, "present", (json_int_t)z->present, "managed",
				 (json_int_t)z->managed, "free", (json_int_t)z->free),
		       &ok);
	}
	put(j, "areas", areas, &ok);
	put(j, "zones", zones, &ok);
	put(j, "ipis", json_integer((json_int_t)o->ipis), &ok);
	return ok;
}

json_t *demo_outcome_json(const struct op_outcome *o)
{
	const struct script_op *op = o->op;
	json_t *j = json_object(), *args = json_array(), *results = json_array();
	bool ok = j && args && results;
	unsigned int i;

	for (i = 0; args && i < o->nargs; i++)
		append(args, json_integer(o->args[i]), &ok);
	for (i = 0; results && i < MBOX_RESULTS; i++)
		append(results, json_integer(o->reply.results[i]), &ok);
	if (!j) {
		json_decref(args);
		json_decref(results);
		return NULL;
	}
	put(j, "type", json_string("op"), &ok);
	put(j, "n", json_integer(op->number), &ok);
	put(j, "line", json_integer(op->line), &ok);
	put(j, "op", json_text(op->text), &ok);
	put(j, "kind", json_string(script_kind_name(op->kind)), &ok);
	put(j, "cmd", json_integer(o->cmd), &ok);
	put(j, "args", args, &ok);
	put(j, "status", json_string(demo_status_name(o->reply.status)), &ok);
	put(j, "results", results, &ok);
	if (o->has_value)
		put(j, "value", json_hex(o->value), &ok);
	put(j, "guest", json_text(o->guest_text), &ok);
	put(j, "paging", json_string(walk_mode_name(o->mode)), &ok);
	put(j, "cr3_before", json_hex(o->cr3_before), &ok);
	put(j, "cr3_after", json_hex(o->cr3_after), &ok);
	put(j, "changes", demo_changes_json(o->changes, o->nr_changes), &ok);
	put(j, "tlb", counters(outcome_tlb_names, OUTCOME_NR_TLB, o->tlb, &ok), &ok);
	put(j, "vmalloc", counters(outcome_vmalloc_names, OUTCOME_NR_VMALLOC, o->vmalloc, &ok),
	    &ok);
	put(j, "vm_exits", json_integer((json_int_t)o->vm_exits), &ok);
	if (o->checked)
		put(j, "checks", checks(&o->report, &ok), &ok);
	if (o->measured && !demo_outcome_json_state(j, o))
		ok = false;
	if (!ok) {
		json_decref(j);
		return NULL;
	}
	return j;
}
