/* open311_fmt.h -- GeoReport v2 documents, JSON (jansson) or XML, from
 * flat records of named fields, written record by record; api/open311_fmt.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum open311_val {
	O311_STR,	/* s, or null when s is NULL */
	O311_INT,	/* i */
	O311_REAL,	/* d */
	O311_BOOL,	/* b */
};

struct open311_field {
	const char *key;
	enum open311_val type;
	const char *s;
	int64_t i;
	double d;
	bool b;
};

struct open311_record {
	struct open311_field *f;
	unsigned n;
};

/* A list document written one record at a time: start, add each record
 * (the record may go away once added), end.  JSON [ {...}, ... ]; XML
 * <root><item>...</item></root>.  end returns the document talloc'd under
 * the ctx given to start, *len its length, and frees the doc (talloc_free
 * of a doc that is not ended is fine); NULL when memory ran out. */
struct open311_doc;
struct open311_doc *open311_doc_start(void *ctx, bool xml, const char *root, const char *item);
void open311_doc_add(struct open311_doc *doc, const struct open311_record *rec);
char *open311_doc_end(struct open311_doc *doc, size_t *len);

/* A whole list document from an array of records, as above. */
char *open311_fmt_list(void *ctx, bool xml, const char *root, const char *item,
		       const struct open311_record *recs, unsigned n, size_t *len);
/* The GeoReport error document for one error. */
char *open311_fmt_error(void *ctx, bool xml, unsigned code, const char *description, size_t *len);
