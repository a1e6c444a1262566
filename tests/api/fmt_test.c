/* fmt_test.c -- the Open311 document writer (gateway/api/open311_fmt.c).
 * Its JSON is jansson's dump of one reused object per record, put between
 * "[", "," and "]" by the writer: lists of 0 to 3 records, with different
 * keys one after the other, a string that is not UTF-8 and a real that is
 * not finite, must read as jansson's dump of the whole list as one array
 * (what the API answered before the writer streamed).  The XML, written
 * by hand, is checked against the text it must be: escapes, dropped
 * characters, empty elements.  tests/api/open311.sh tests the API.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "testlib.h"
#include "api/open311_fmt.h"

static void *root;

/* The records as the API's JSON was made before: a jansson tree. */
static char *jansson_list(const struct open311_record *recs, unsigned n)
{
	json_t *arr = json_array();
	char *text, *out;
	unsigned r, i;

	for (r = 0; r < n; r++) {
		json_t *obj = json_object();
		for (i = 0; i < recs[r].n; i++) {
			const struct open311_field *f = &recs[r].f[i];
			json_t *v = NULL;
			switch (f->type) {
			case O311_STR: v = f->s ? json_string(f->s) : json_null(); break;
			case O311_INT: v = json_integer(f->i); break;
			case O311_REAL: v = json_real(f->d); break;
			case O311_BOOL: v = json_boolean(f->b); break;
			}
			json_object_set_new(obj, f->key, v ? v : json_null());
		}
		json_array_append_new(arr, obj);
	}
	text = json_dumps(arr, JSON_COMPACT | JSON_REAL_PRECISION(10));
	json_decref(arr);
	out = talloc_strdup(root, text);
	free(text);
	return out;
}

/* Both renderings of recs agree; what the writer wrote. */
static bool same_json(const struct open311_record *recs, unsigned n, const char *what)
{
	size_t len = 0;
	char *ours = open311_fmt_list(root, false, "r", "i", recs, n, &len);
	char *theirs = jansson_list(recs, n);
	bool ok = ours && theirs && len == strlen(ours) && !strcmp(ours, theirs);

	if (!ok)
		printf("# %s\n#  ours:    %s\n#  jansson: %s\n", what, ours ? ours : "(NULL)", theirs);
	talloc_free(ours);
	talloc_free(theirs);
	return ok;
}

static void test_records(void)
{
	struct open311_field f[] = {
		{ .key = "service_request_id", .type = O311_STR, .s = "1000017" },
		{ .key = "status_notes", .type = O311_STR, .s = NULL },
		{ .key = "code", .type = O311_INT, .i = -9223372036854775807LL - 1 },
		{ .key = "big", .type = O311_INT, .i = 9223372036854775807LL },
		{ .key = "metadata", .type = O311_BOOL, .b = false },
		{ .key = "open", .type = O311_BOOL, .b = true },
		{ .key = "lat", .type = O311_REAL, .d = 37.77 },
		{ .key = "k\xc3\xa9y \"q\"", .type = O311_STR, .s = "v" },
		{ .key = "description", .type = O311_STR, .s = "ok \xc3\xa9 then \xc3(" },
		{ .key = "long", .type = O311_REAL, .d = INFINITY },
	};
	struct open311_record recs[3] = {
		{ f, ARRAY_SIZE(f) }, { f + 1, 3 }, { f, 0 },
	};

	CHECK(same_json(recs, 0, "no record"), "json: an empty list");
	CHECK(same_json(recs, 1, "one record"), "json: one record of every type");
	CHECK(same_json(recs, 3, "three records"), "json: three records, one of them empty");
}

/* A record far longer than the one before it and than the buffer so far:
 * the dump that did not fit is made again in a grown buffer. */
static void test_long_record(void)
{
	static char text[20001];
	struct open311_field f[] = {
		{ .key = "id", .type = O311_STR, .s = "1" },
		{ .key = "description", .type = O311_STR, .s = text },
	};
	struct open311_record recs[3] = { { f, 1 }, { f, 2 }, { f, 1 } };

	memset(text, '"', sizeof(text) - 1);
	CHECK(same_json(recs, 3, "a long record"), "json: a record longer than the buffer");
}

static bool xml_is(const struct open311_record *recs, unsigned n, const char *want)
{
	size_t len = 0;
	char *ours = open311_fmt_list(root, true, "service_requests", "request", recs, n, &len);
	bool ok = ours && len == strlen(want) && !strcmp(ours, want);

	if (!ok)
		printf("#  got:  %s#  want: %s", ours ? ours : "(NULL)\n", want);
	talloc_free(ours);
	return ok;
}

static void test_xml(void)
{
	struct open311_field f[] = {
		{ .key = "description", .type = O311_STR, .s = "a<b>&'\"\tc\x01\x1f\n" },
		{ .key = "media_url", .type = O311_STR, .s = NULL },
		{ .key = "lat", .type = O311_REAL, .d = 40.0999 },
		{ .key = "long", .type = O311_REAL, .d = 1e21 },
		{ .key = "code", .type = O311_INT, .i = 404 },
		{ .key = "metadata", .type = O311_BOOL, .b = false },
	};
	struct open311_record rec = { f, ARRAY_SIZE(f) };

	CHECK(xml_is(&rec, 0, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			     "<service_requests></service_requests>\n"), "xml: an empty list");
	CHECK(xml_is(&rec, 1, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_requests><request>"
			     "<description>a&lt;b&gt;&amp;&apos;&quot;\tc\n</description><media_url></media_url>"
			     "<lat>40.0999</lat><long>1e+21</long><code>404</code><metadata>false</metadata>"
			     "</request></service_requests>\n"),
	      "xml: text escaped, forbidden characters dropped, %%.10g reals, empty element for null");
}

int main(void)
{
	root = talloc_named_const(NULL, 0, "fmt_test");
	test_records();
	test_long_record();
	test_xml();
	talloc_free(root);
	return test_done();
}
