/* open311_fmt.c -- the GeoReport v2 wire formats.  Every response of the
 * API is a list of flat records (services, service requests, errors, the
 * answer to a POST), so one writer renders any of them, as JSON or XML.
 * What goes into a record -- and what never does, like phone numbers -- is
 * decided in api/open311.c.
 *
 * A document is written record by record into one growing buffer, which
 * becomes the response body: a page of a thousand cases is never held as
 * records, nor as a tree of JSON objects.  JSON goes through jansson one
 * record at a time: the document keeps one object, cleared and refilled
 * for each record, and json_dumpb() writes it straight into the buffer
 * between the "[", "," and "]" written here.  The flags are those the API
 * always dumped its arrays with, so the text is the same byte for byte:
 * jansson's escapes, null for a string that is not UTF-8 (json_string()
 * refuses it) or a real that is not finite (json_real() does).
 *
 * XML is flat and jansson has no XML side: elements named after the
 * fields, text escaped here, characters XML 1.0 forbids dropped.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include <osmocom/core/talloc.h>

#include "api/open311_fmt.h"

#define FMT_JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(10))

struct open311_doc {
	void *ctx;		/* where the finished document goes */
	bool xml;
	char *root;		/* element of the list (XML) */
	char *item;		/* element of one record (XML) */
	char *buf;		/* the document so far: len bytes of cap */
	size_t len, cap;
	unsigned n;		/* records written */
	bool failed;		/* memory ran out on the way */
	json_t *json;		/* the record being dumped (JSON) */
	size_t json_last;	/* length of the last record's dump */
};

/*
 * The buffer
 */

/* Room for more bytes at buf + len, or NULL once memory ran out. */
static char *fmt_room(struct open311_doc *doc, size_t more)
{
	size_t cap = doc->cap ? doc->cap : 4096;
	char *grown;

	if (doc->failed)
		return NULL;
	if (doc->len + more <= doc->cap)
		return doc->buf + doc->len;
	while (cap < doc->len + more)
		cap *= 2;
	grown = talloc_realloc(doc, doc->buf, char, cap);
	if (!grown) {
		doc->failed = true;
		return NULL;
	}
	doc->buf = grown;
	doc->cap = cap;
	return doc->buf + doc->len;
}

static void fmt_put(struct open311_doc *doc, const char *s, size_t n)
{
	char *p = fmt_room(doc, n);

	if (!p)
		return;
	memcpy(p, s, n);
	doc->len += n;
}

static void fmt_puts(struct open311_doc *doc, const char *s)
{
	fmt_put(doc, s, strlen(s));
}

/*
 * JSON
 */

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

/* The record as the document's one object, dumped at the end of the buffer.
 * json_dumpb() says how long the text is when the room was too small: grow
 * and dump again (room for twice the last record makes that rare). */
static void fmt_json_record(struct open311_doc *doc, const struct open311_record *rec)
{
	size_t want = doc->json_last * 2 + 256, n;
	unsigned i;
	char *p;

	json_object_clear(doc->json);
	for (i = 0; i < rec->n; i++) {
		json_t *v = fmt_json_value(&rec->f[i]);
		/* json_string() refuses invalid UTF-8: say null, never crash */
		json_object_set_new(doc->json, rec->f[i].key, v ? v : json_null());
	}
	if (doc->n)
		fmt_put(doc, ",", 1);
	p = fmt_room(doc, want);
	if (!p)
		return;
	n = json_dumpb(doc->json, p, doc->cap - doc->len, FMT_JSON_FLAGS);
	if (n > doc->cap - doc->len) {
		p = fmt_room(doc, n);
		if (!p)
			return;
		n = json_dumpb(doc->json, p, n, FMT_JSON_FLAGS);
	}
	if (!n) {
		doc->failed = true;
		return;
	}
	doc->len += n;
	doc->json_last = n;
}

/*
 * XML
 */

/* s escaped for XML text; bytes XML 1.0 does not allow are left out. */
static void fmt_xml_text(struct open311_doc *doc, const char *s)
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
		fmt_put(doc, run, p - run);
		fmt_puts(doc, esc);
		run = p + 1;
	}
	fmt_put(doc, run, p - run);
}

static void fmt_xml_tag(struct open311_doc *doc, bool end, const char *name)
{
	fmt_puts(doc, end ? "</" : "<");
	fmt_puts(doc, name);
	fmt_put(doc, ">", 1);
}

static void fmt_xml_record(struct open311_doc *doc, const struct open311_record *rec)
{
	char num[40];
	unsigned i;

	fmt_xml_tag(doc, false, doc->item);
	for (i = 0; i < rec->n; i++) {
		const struct open311_field *f = &rec->f[i];
		fmt_xml_tag(doc, false, f->key);
		switch (f->type) {
		case O311_STR:
			if (f->s)
				fmt_xml_text(doc, f->s);
			break;
		case O311_INT:
			snprintf(num, sizeof(num), "%" PRId64, f->i);
			fmt_puts(doc, num);
			break;
		case O311_REAL:
			snprintf(num, sizeof(num), "%.10g", f->d);
			fmt_puts(doc, num);
			break;
		case O311_BOOL:
			fmt_puts(doc, f->b ? "true" : "false");
			break;
		}
		fmt_xml_tag(doc, true, f->key);
	}
	fmt_xml_tag(doc, true, doc->item);
}

/*
 * Documents
 */

static int fmt_doc_free(struct open311_doc *doc)
{
	json_decref(doc->json);
	return 0;
}

struct open311_doc *open311_doc_start(void *ctx, bool xml, const char *root, const char *item)
{
	struct open311_doc *doc = talloc_zero(ctx, struct open311_doc);

	if (!doc)
		return NULL;
	talloc_set_destructor(doc, fmt_doc_free);
	doc->ctx = ctx;
	doc->xml = xml;
	doc->root = talloc_strdup(doc, root);
	doc->item = talloc_strdup(doc, item);
	if (!xml)
		doc->json = json_object();
	if (!doc->root || !doc->item || (!xml && !doc->json)) {
		talloc_free(doc);
		return NULL;
	}
	if (xml) {
		fmt_puts(doc, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
		fmt_xml_tag(doc, false, root);
	} else {
		fmt_put(doc, "[", 1);
	}
	return doc;
}

void open311_doc_add(struct open311_doc *doc, const struct open311_record *rec)
{
	if (doc->xml)
		fmt_xml_record(doc, rec);
	else
		fmt_json_record(doc, rec);
	doc->n++;
}

char *open311_doc_end(struct open311_doc *doc, size_t *len)
{
	char *text = NULL;

	if (doc->xml) {
		fmt_xml_tag(doc, true, doc->root);
		fmt_put(doc, "\n", 1);
	} else {
		fmt_put(doc, "]", 1);
	}
	fmt_put(doc, "", 1);	/* the NUL after the text */
	if (!doc->failed) {
		text = talloc_steal(doc->ctx, doc->buf);
		*len = doc->len - 1;
	}
	talloc_free(doc);
	return text;
}

char *open311_fmt_list(void *ctx, bool xml, const char *root, const char *item,
		       const struct open311_record *recs, unsigned n, size_t *len)
{
	struct open311_doc *doc = open311_doc_start(ctx, xml, root, item);
	unsigned r;

	if (!doc)
		return NULL;
	for (r = 0; r < n; r++)
		open311_doc_add(doc, &recs[r]);
	return open311_doc_end(doc, len);
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
