/* open311_fmt.c -- the GeoReport v2 wire formats.  Every response of the
 * API is a list of flat records (services, service requests, errors, the
 * answer to a POST), so one function renders any of them: JSON through
 * jansson, XML by hand (jansson has no XML side, and the documents are
 * flat: elements named after the fields, text escaped, characters XML 1.0
 * forbids dropped).  What goes into a record -- and what never does, like
 * phone numbers -- is decided in api/open311.c.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include <osmocom/core/talloc.h>

#include "api/open311_fmt.h"

static json_t *fmt_json_value(const struct open311_field *f)
{
	switch (f->type) {
	case O311_STR:
		return f->s ? json_string(f->s) : json_null();
	case O311_INT:
		return json_integer(f->i);
	case O311_REAL:
		return json_real(f->d);
	case O311_BOOL:
		return json_boolean(f->b);
	}
	return json_null();
}

static char *fmt_json(void *ctx, const struct open311_record *recs, unsigned n, size_t *len)
{
	json_t *arr = json_array();
	char *out = NULL, *text;
	unsigned r, i;

	for (r = 0; r < n; r++) {
		json_t *obj = json_object();
		for (i = 0; i < recs[r].n; i++) {
			json_t *v = fmt_json_value(&recs[r].f[i]);
			/* json_string() refuses invalid UTF-8: say null, never crash */
			json_object_set_new(obj, recs[r].f[i].key, v ? v : json_null());
		}
		json_array_append_new(arr, obj);
	}
	text = json_dumps(arr, JSON_COMPACT | JSON_REAL_PRECISION(10));
	json_decref(arr);
	if (text) {
		*len = strlen(text);
		out = talloc_memdup(ctx, text, *len + 1);
		free(text);
	}
	return out;
}

/* Append s escaped for XML text; bytes XML 1.0 does not allow are left out. */
static char *fmt_xml_text(char *out, const char *s)
{
	const char *p, *run = s;

	for (p = s; *p; p++) {
		const char *esc = NULL;
		unsigned char c = (unsigned char)*p;

		switch (c) {
		case '&': esc = "&amp;"; break;
		case '<': esc = "&lt;"; break;
		case '>': esc = "&gt;"; break;
		case '"': esc = "&quot;"; break;
		case '\'': esc = "&apos;"; break;
		default:
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				esc = "";
			break;
		}
		if (!esc)
			continue;
		out = talloc_strndup_append_buffer(out, run, p - run);
		out = talloc_strdup_append_buffer(out, esc);
		run = p + 1;
	}
	return talloc_strdup_append_buffer(out, run);
}

static char *fmt_xml(void *ctx, const char *root, const char *item,
		     const struct open311_record *recs, unsigned n, size_t *len)
{
	char *out = talloc_asprintf(ctx, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<%s>", root);
	unsigned r, i;

	for (r = 0; r < n; r++) {
		out = talloc_asprintf_append_buffer(out, "<%s>", item);
		for (i = 0; i < recs[r].n; i++) {
			const struct open311_field *f = &recs[r].f[i];
			out = talloc_asprintf_append_buffer(out, "<%s>", f->key);
			switch (f->type) {
			case O311_STR:
				if (f->s)
					out = fmt_xml_text(out, f->s);
				break;
			case O311_INT:
				out = talloc_asprintf_append_buffer(out, "%lld", (long long)f->i);
				break;
			case O311_REAL:
				out = talloc_asprintf_append_buffer(out, "%.10g", f->d);
				break;
			case O311_BOOL:
				out = talloc_strdup_append_buffer(out, f->b ? "true" : "false");
				break;
			}
			out = talloc_asprintf_append_buffer(out, "</%s>", f->key);
		}
		out = talloc_asprintf_append_buffer(out, "</%s>", item);
	}
	out = talloc_asprintf_append_buffer(out, "</%s>\n", root);
	if (out)
		*len = strlen(out);
	return out;
}

char *open311_fmt_list(void *ctx, bool xml, const char *root, const char *item,
		       const struct open311_record *recs, unsigned n, size_t *len)
{
	return xml ? fmt_xml(ctx, root, item, recs, n, len) : fmt_json(ctx, recs, n, len);
}

char *open311_fmt_error(void *ctx, bool xml, unsigned code, const char *description, size_t *len)
{
	struct open311_field f[2] = {
		{ .key = "code", .type = O311_INT, .i = code },
		{ .key = "description", .type = O311_STR, .s = description },
	};
	struct open311_record rec = { f, 2 };

	return open311_fmt_list(ctx, xml, "errors", "error", &rec, 1, len);
}
