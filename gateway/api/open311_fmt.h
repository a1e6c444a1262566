/* open311_fmt.h -- GeoReport v2 documents, JSON (jansson) or XML, from
 * flat records of named fields; api/open311_fmt.c. */
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

/* A list document: JSON [ {...}, ... ]; XML <root><item>...</item></root>.
 * Talloc'd under ctx, *len its length; NULL on allocation failure. */
char *open311_fmt_list(void *ctx, bool xml, const char *root, const char *item,
		       const struct open311_record *recs, unsigned n, size_t *len);
/* The GeoReport error document for one error. */
char *open311_fmt_error(void *ctx, bool xml, unsigned code, const char *description, size_t *len);
