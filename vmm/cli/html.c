// SPDX-License-Identifier: GPL-2.0
/*
 * --html FILE: the page of a run.  The template (vmm/cli/html/view.html,
 * view.css, view.js) is compiled in by the Makefile (xxd -i into
 * build/gen/html_assets.c); view.html holds three markers: the CSS goes at
 * CSS_MARK, the JS at JS_MARK, and the data, one JSON object, at DATA_MARK
 * inside a <script type="application/json">.  The page is written as the run
 * goes: the head at open, one step per operation, the rest at close, so a
 * long run never holds its steps in memory.
 */
#include "vmm/cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shared/layout.h"
#include "shared/mmu.h"
#include "vmm/inspect/inspect.h"

extern const unsigned char html_view_html[], html_view_css[], html_view_js[];
extern const unsigned int html_view_html_len, html_view_css_len, html_view_js_len;

#define CSS_MARK  "/*@CSS@*/"
#define JS_MARK	  "/*@JS@*/"
#define DATA_MARK "@DATA@"

struct html_view {
	FILE *f;
	char path[256];
	char *narration; /* comments since the last step, '\n' separated */
	size_t nlen;
	unsigned int steps;
	bool failed; /* a write failed: close reports it */
};

/* Where mark starts in the template, at or after from (the template is ours: it is there). */
static size_t mark_at(size_t from, const char *mark)
{
	const char *p =
		memmem(html_view_html + from, html_view_html_len - from, mark, strlen(mark));

	return p ? (size_t)(p - (const char *)html_view_html) : html_view_html_len;
}

static void put_bytes(struct html_view *hv, const void *p, size_t len)
{
	if (len && fwrite(p, 1, len, hv->f) != len)
		hv->failed = true;
}

/*
 * obj as compact JSON with every '<' written as \u003c: inside a <script>
 * element the text must not hold "</script" or "<!--" whatever the guest
 * printed ('<' only ever occurs inside JSON strings).  Takes the reference.
 */
static int put_json(struct html_view *hv, json_t *obj)
{
	char *text, *p, *lt;

	if (!obj)
		return -ENOMEM;
	text = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY);
	json_decref(obj);
	if (!text)
		return -ENOMEM;
	for (p = text; (lt = strchr(p, '<')); p = lt + 1) {
		put_bytes(hv, p, (size_t)(lt - p));
		put_bytes(hv, "\\u003c", 6);
	}
	put_bytes(hv, p, strlen(p));
	free(text);
	return hv->failed ? -EIO : 0;
}

int html_view_open(struct html_view **out, const char *path, const char *title, char *err,
		   size_t errlen)
{
	struct html_view *hv = calloc(1, sizeof(*hv));
	size_t css = mark_at(0, CSS_MARK), data = mark_at(css, DATA_MARK);
	json_t *t;

	*out = NULL;
	if (!hv)
		return vmm_errf(err, errlen, -ENOMEM, "--html %s: out of memory", path);
	snprintf(hv->path, sizeof(hv->path), "%s", path);
	hv->f = fopen(path, "w");
	if (!hv->f) {
		int e = errno;

		free(hv);
		return vmm_errf(err, errlen, -e, "--html %s: cannot create the file: %s", path,
				strerror(e));
	}
	put_bytes(hv, html_view_html, css);
	put_bytes(hv, html_view_css, html_view_css_len);
	css += strlen(CSS_MARK);
	put_bytes(hv, html_view_html + css, data - css);
	put_bytes(hv, "{\"title\":", 9);
	t = json_text(title);
	if (put_json(hv, t) || (put_bytes(hv, ",\"steps\":[", 10), hv->failed)) {
		html_view_abort(hv);
		return vmm_errf(err, errlen, -EIO, "--html %s: cannot write the file", path);
	}
	*out = hv;
	return 0;
}

int html_view_comment(struct html_view *hv, const char *text)
{
	size_t len = strlen(text);
	char *n = realloc(hv->narration, hv->nlen + len + 2);

	if (!n)
		return -ENOMEM;
	hv->narration = n;
	if (hv->nlen)
		n[hv->nlen++] = '\n';
	memcpy(n + hv->nlen, text, len + 1);
	hv->nlen += len;
	return 0;
}

/* Entries as [level, va, entry address, value] arrays: the page's compact form. */
static json_t *entries(const struct pt_snap_entry *e, size_t nr)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr && i < nr; i++)
		if (json_array_append_new(arr, json_pack("[s,o,o,o]", walk_level_name(e[i].level),
							 json_hex(e[i].va), json_hex(e[i].addr),
							 json_hex(e[i].value)))) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

int html_view_add(struct html_view *hv, const struct op_outcome *o)
{
	json_t *j = demo_outcome_json(o);
	bool ok = j != NULL;

	if (ok && hv->nlen)
		ok = !json_object_set_new(j, "narration", json_text(hv->narration));
	if (ok)
		ok = !json_object_set_new(j, "tables", entries(o->tables, o->nr_tables));
	if (ok && o->has_initial)
		ok = !json_object_set_new(j, "initial_ptes",
					  entries(o->initial_ptes, o->nr_initial_ptes));
	if (ok && o->nr_by_checks)
		ok = !json_object_set_new(j, "by_checks",
					  demo_changes_json(o->by_checks, o->nr_by_checks));
	if (!ok) {
		json_decref(j);
		return -ENOMEM;
	}
	hv->nlen = 0;
	if (hv->steps++)
		put_bytes(hv, ",\n", 2);
	return put_json(hv, j);
}

int html_view_close(struct html_view *hv, const struct demo_session *s, char *err, size_t errlen)
{
	size_t data = mark_at(0, DATA_MARK), js = mark_at(data, JS_MARK);
	int ret;

	if (!hv)
		return 0;
	put_bytes(hv, "],\"summary\":", 12);
	ret = put_json(hv, json_pack("{s:I, s:b, s:I, s:I, s:o, s:o, s:I}", "operations",
				     (json_int_t)s->nr_ops, "checked", s->checker != NULL, "checks",
				     (json_int_t)s->nr_checks, "violations",
				     (json_int_t)s->nr_violations, "vmalloc_start",
				     json_hex(s->vmalloc_start), "vmalloc_end",
				     json_hex(VMALLOC_END), "page_size", (json_int_t)PAGE_SIZE));
	put_bytes(hv, "}", 1);
	data += strlen(DATA_MARK);
	put_bytes(hv, html_view_html + data, js - data);
	put_bytes(hv, html_view_js, html_view_js_len);
	js += strlen(JS_MARK);
	put_bytes(hv, html_view_html + js, html_view_html_len - js);
	if (fclose(hv->f))
		hv->failed = true;
	hv->f = NULL;
	if (ret || hv->failed)
		ret = vmm_errf(err, errlen, -EIO, "--html %s: cannot write the file", hv->path);
	html_view_abort(hv);
	return ret;
}

void html_view_abort(struct html_view *hv)
{
	if (!hv)
		return;
	if (hv->f)
		fclose(hv->f);
	free(hv->narration);
	free(hv);
}
