/* open311.c -- the Open311 GeoReport v2 endpoints stoopd serves under
 * /open311/v2/, and the one extension: updating a case.
 *
 *   GET  services.{json,xml}              the service types the flows offer
 *   GET  services/CODE.{json,xml}         404: no service has metadata
 *   GET  requests.{json,xml}              cases, filtered and paged
 *   GET  requests/ID.{json,xml}           one case
 *   POST requests.json                    file a case (api_key)
 *   POST requests/ID.{json,xml}           extension: status, status_notes,
 *                                         agency_responsible (api_key)
 *
 * Services come from what the flows use: each `svc.CODE` prompt of the
 * default language's catalog is a service_code (the report flow's menu
 * words), its SMS text the service_name, its voice text the description,
 * the SMS keywords that set service=CODE its keywords; group and the target
 * time that makes expected_datetime are the `open311` node's.
 *
 * Cases are the store's: a POST files through store_case_create() -- the
 * same call the flows make, so a report of the same service at the same
 * address joins the open case, and ids carry their check digit -- and an
 * update goes through store_case_set_status() (the history line) and, when
 * the status changed or public status_notes came, sms_case_update_notify()
 * in the same transaction (the notes go in the text: they are public); the
 * SMS channel sends at once.  A change of agency_responsible alone is
 * history, not news: no text.  Public reads show no
 * phone number, recording or flow path.  Every parameter is checked before
 * anything is read or written (UTF-8, lengths, numbers, dates, ids with
 * their check digit), and every failure is a GeoReport error document with
 * the matching HTTP status.  Logs carry the method, path and status, never
 * a query string, a body or a number.
 */
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "api/api.h"
#include "api/http.h"
#include "api/open311_fmt.h"
#include "api/ratelimit.h"
#include "core/logging.h"
#include "flow/flow.h"
#include "sms/sms.h"
#include "sms/sms_text.h"
#include "store/store.h"
#include "core/stats.h"
#include "report/report.h"

#define O311_PREFIX		"/open311/v2/"
#define O311_MAX_BODY		16384
#define O311_MAX_DESCRIPTION	4000	/* characters */
#define O311_MAX_ADDRESS	500
#define O311_MAX_NOTES		4000
#define O311_MAX_AGENCY		200
#define O311_MAX_URL		2048
#define O311_MAX_IDS		100
#define O311_DEFAULT_DAYS	90

struct o311_service {
	const char *code;
	const char *name;
	const char *description;
	char *keywords;		/* comma-separated, lower case */
	const char *group;
	unsigned target_s;
};

struct open311 {
	const struct open311_config *cfg;
	struct store *st;
	const struct flow_set *fs;
	struct sms_channel *sms;
	struct http_server *http;
	struct api_keys *keys;
	struct rate_buckets *by_addr, *by_key;
	struct o311_service *services;
	unsigned n_services;
	struct open311_stats stats;
};

/* What one request is being answered with, and where its strings live. */
struct o311_call {
	struct open311 *api;
	const struct http_request *req;
	void *ctx;
	struct http_response *resp;
	bool xml;
	struct open311_doc *doc;	/* the requests list being written */
};

/*
 * Answers
 */

static void o311_error(struct o311_call *c, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void o311_error(struct o311_call *c, unsigned status, const char *fmt, ...)
{
	char desc[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	c->resp->status = status;
	c->resp->content_type = c->xml ? "text/xml; charset=utf-8" : "application/json; charset=utf-8";
	c->resp->body = open311_fmt_error(c->ctx, c->xml, status, desc, &c->resp->body_len);
}

static void o311_list(struct o311_call *c, unsigned status, const char *root, const char *item,
		      const struct open311_record *recs, unsigned n)
{
	c->resp->status = status;
	c->resp->content_type = c->xml ? "text/xml; charset=utf-8" : "application/json; charset=utf-8";
	c->resp->body = open311_fmt_list(c->ctx, c->xml, root, item, recs, n, &c->resp->body_len);
	if (!c->resp->body)
		o311_error(c, 500, "out of memory");
}

/*
 * Parameters
 */

static const char *o311_arg(const struct o311_call *c, const char *key)
{
	const struct http_arg *a = http_arg_find(c->req, key);

	return a ? a->value : NULL;
}

/* Optional text argument: NULL when absent or empty. */
static const char *o311_arg_text(const struct o311_call *c, const char *key)
{
	const char *v = o311_arg(c, key);

	return v && *v ? v : NULL;
}

/* Characters (code points) of valid UTF-8 s of len bytes, or -1. */
static long o311_utf8_chars(const char *s, size_t len)
{
	size_t off = 0;
	long n = 0;
	uint32_t cp;

	while (off < len) {
		unsigned l = sms_utf8_decode((const unsigned char *)s + off, len - off, &cp);
		if (!l || cp == 0)
			return -1;
		off += l;
		n++;
	}
	return n;
}

/* Every argument's name and value is UTF-8 without NUL bytes. */
static int o311_check_args(struct o311_call *c)
{
	unsigned i;

	for (i = 0; i < c->req->n_args; i++) {
		const struct http_arg *a = &c->req->args[i];
		if (o311_utf8_chars(a->key, strlen(a->key)) < 0) {
			o311_error(c, 400, "a parameter name is not valid UTF-8");
			return -EINVAL;
		}
		if (o311_utf8_chars(a->value, a->value_len) < 0) {
			o311_error(c, 400, "%s is not valid UTF-8 text", a->key);
			return -EINVAL;
		}
	}
	return 0;
}

/* A decimal integer in [min, max], nothing else. */
static int o311_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	const char *p;

	if (!s || !*s || strlen(s) > 9)
		return -EINVAL;
	for (p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		v = v * 10 + (*p - '0');
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* A decimal number ("-122.4194", "37.77"), finite, in [min, max]. */
static int o311_parse_coord(const char *s, double min, double max, double *out)
{
	const char *p;
	char *end;
	double v;

	if (!s || !*s || strlen(s) > 32)
		return -EINVAL;
	for (p = s; *p; p++)
		if (!isdigit((unsigned char)*p) && *p != '.' && *p != '-' && *p != '+')
			return -EINVAL;
	v = strtod(s, &end);
	if (*end || !isfinite(v))
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* n digits at s into *v. */
static bool o311_digits(const char *s, unsigned n, int *v)
{
	unsigned i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* ISO 8601 / W3C datetime: YYYY-MM-DD, optionally THH:MM, :SS, .fraction,
 * and Z or +HH:MM / -HH:MM / +HHMM (no zone: UTC).  Unix seconds. */
static int o311_parse_datetime(const char *s, int64_t *out)
{
	struct tm tm = {};
	int y, mo, d, h = 0, mi = 0, sec = 0, zh = 0, zm = 0, sign = 0;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = s;
	time_t t;

	if (strlen(s) > 40 || !o311_digits(p, 4, &y) || p[4] != '-' || !o311_digits(p + 5, 2, &mo)
	    || p[7] != '-' || !o311_digits(p + 8, 2, &d))
		return -EINVAL;
	p += 10;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		if (!o311_digits(p + 1, 2, &h) || p[3] != ':' || !o311_digits(p + 4, 2, &mi))
			return -EINVAL;
		p += 6;
		if (*p == ':') {
			if (!o311_digits(p + 1, 2, &sec))
				return -EINVAL;
			p += 3;
			if (*p == '.' || *p == ',') {
				p++;
				if (!isdigit((unsigned char)*p))
					return -EINVAL;
				while (isdigit((unsigned char)*p))
					p++;
			}
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p == '+' ? 1 : -1;
			if (!o311_digits(p + 1, 2, &zh))
				return -EINVAL;
			p += 3;
			if (*p == ':')
				p++;
			if (!o311_digits(p, 2, &zm))
				return -EINVAL;
			p += 2;
		}
	}
	if (*p)
		return -EINVAL;
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1]
	    || (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100) || y % 400 == 0))
	    || h > 23 || mi > 59 || sec > 60 || zh > 14 || zm > 59)
		return -EINVAL;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	*out = (int64_t)t - sign * (zh * 3600 + zm * 60);
	return 0;
}

/* t as "2026-11-23T10:00:00Z" in buf (32 bytes): buf, or NULL. */
static const char *o311_datetime(char *buf, size_t len, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm))
		return NULL;
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* A service_request_id: digits only, with a right check digit. 0, -EINVAL
 * (not an id), -EBADMSG (check digit). */
static int o311_parse_id(const char *s, uint64_t *id)
{
	const char *p;

	if (!s || !*s || strlen(s) > 18)
		return -EINVAL;
	for (p = s; *p; p++)
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
	return case_id_parse(s, id);
}

static const struct o311_service *o311_service(const struct open311 *api, const char *code)
{
	unsigned i;

	for (i = 0; code && i < api->n_services; i++)
		if (!strcmp(api->services[i].code, code))
			return &api->services[i];
	return NULL;
}

/* The api key a write carries, checked and rate-limited: its name, or NULL
 * after answering 403 / 429. */
static const char *o311_key(struct o311_call *c)
{
	const char *name = api_keys_check(c->api->keys, o311_arg(c, "api_key"));
	struct timespec now;
	unsigned retry = 0;

	if (!name) {
		c->api->stats.key_refused++;
		o311_error(c, 403, "api_key is missing or not valid");
		return NULL;
	}
	osmo_clock_gettime(CLOCK_MONOTONIC, &now);
	if (!rate_buckets_take(c->api->by_key, name, (uint64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000,
			       &retry)) {
		c->api->stats.rate_limited++;
		c->resp->retry_after = retry;
		o311_error(c, 429, "too many requests for this api_key: retry after %u s", retry);
		return NULL;
	}
	return name;
}

/*
 * Records
 */

static void o311_field_str(struct open311_record *r, const char *key, const char *s)
{
	r->f[r->n++] = (struct open311_field){ .key = key, .type = O311_STR, .s = s };
}

static void o311_field_real(struct open311_record *r, const char *key, bool has, double d)
{
	if (has)
		r->f[r->n++] = (struct open311_field){ .key = key, .type = O311_REAL, .d = d };
	else
		o311_field_str(r, key, NULL);
}

/* A request record: its fields, and the texts they show that are not the
 * case's own strings.  One lives on the stack while a record is written. */
struct o311_request_rec {
	struct open311_record r;
	struct open311_field f[17];
	char id[24];
	char requested[32], updated[32], expected[32];
};

/* The public view of a case: never its phone, recording or flow path.  The
 * record points into k and rec, and lives as long as both. */
static void o311_request_record(struct o311_call *c, const struct store_case *k, struct o311_request_rec *rec)
{
	const struct o311_service *svc = o311_service(c->api, k->service_code);
	const char *notes = k->status_notes;
	struct open311_record *r = &rec->r;

	r->f = rec->f;
	r->n = 0;
	if (!notes && !strcmp(k->status, CASE_STATUS_IN_PROGRESS))
		notes = "in progress";
	snprintf(rec->id, sizeof(rec->id), "%" PRIu64, k->id);
	o311_field_str(r, "service_request_id", rec->id);
	o311_field_str(r, "status", strcmp(k->status, CASE_STATUS_CLOSED) ? "open" : "closed");
	o311_field_str(r, "status_notes", notes);
	o311_field_str(r, "service_name", svc ? svc->name : k->service_code);
	o311_field_str(r, "service_code", k->service_code);
	o311_field_str(r, "description", k->description);
	o311_field_str(r, "agency_responsible",
		       k->agency_responsible ? k->agency_responsible : c->api->cfg->agency);
	o311_field_str(r, "service_notice", NULL);
	o311_field_str(r, "requested_datetime",
		       o311_datetime(rec->requested, sizeof(rec->requested), k->created_at));
	o311_field_str(r, "updated_datetime", o311_datetime(rec->updated, sizeof(rec->updated), k->updated_at));
	o311_field_str(r, "expected_datetime", svc && svc->target_s
		       ? o311_datetime(rec->expected, sizeof(rec->expected), k->created_at + svc->target_s)
		       : NULL);
	o311_field_str(r, "address", k->location);
	o311_field_str(r, "address_id", NULL);
	o311_field_str(r, "zipcode", NULL);
	o311_field_real(r, "lat", k->has_position, k->lat);
	o311_field_real(r, "long", k->has_position, k->lon);
	o311_field_str(r, "media_url", k->media_url);
}

static struct open311_doc *o311_requests_start(struct o311_call *c)
{
	return open311_doc_start(c->ctx, c->xml, "service_requests", "request");
}

static void o311_requests_add(struct o311_call *c, struct open311_doc *doc, const struct store_case *k)
{
	struct o311_request_rec rec;

	o311_request_record(c, k, &rec);
	open311_doc_add(doc, &rec.r);
}

/* 200 with the document, or 500 when memory ran out on the way. */
static void o311_requests_end(struct o311_call *c, struct open311_doc *doc)
{
	c->resp->status = 200;
	c->resp->content_type = c->xml ? "text/xml; charset=utf-8" : "application/json; charset=utf-8";
	c->resp->body = doc ? open311_doc_end(doc, &c->resp->body_len) : NULL;
	if (!c->resp->body)
		o311_error(c, 500, "out of memory");
}

static void o311_requests_answer(struct o311_call *c, struct store_case **cases, unsigned n)
{
	struct open311_doc *doc = o311_requests_start(c);
	unsigned i;

	for (i = 0; doc && i < n; i++)
		o311_requests_add(c, doc, cases[i]);
	o311_requests_end(c, doc);
}

/* A store_case_query() row: the case is the store's until this returns. */
static int o311_requests_row(void *data, const struct store_case *k)
{
	struct o311_call *c = data;

	o311_requests_add(c, c->doc, k);
	return 0;
}

/*
 * Endpoints
 */

static void o311_get_services(struct o311_call *c)
{
	struct open311 *api = c->api;
	struct open311_record *recs = talloc_zero_array(c->ctx, struct open311_record,
							 api->n_services ? api->n_services : 1);
	unsigned i;

	for (i = 0; i < api->n_services; i++) {
		const struct o311_service *s = &api->services[i];
		struct open311_record *r = &recs[i];
		r->f = talloc_zero_array(c->ctx, struct open311_field, 7);
		o311_field_str(r, "service_code", s->code);
		o311_field_str(r, "service_name", s->name);
		o311_field_str(r, "description", s->description);
		r->f[r->n++] = (struct open311_field){ .key = "metadata", .type = O311_BOOL, .b = false };
		o311_field_str(r, "type", "realtime");
		o311_field_str(r, "keywords", s->keywords);
		o311_field_str(r, "group", s->group);
	}
	o311_list(c, 200, "services", "service", recs, api->n_services);
}

static void o311_get_request(struct o311_call *c, const char *id_text)
{
	struct store_case *k;
	uint64_t id;
	int rc;

	rc = o311_parse_id(id_text, &id);
	if (rc == -EINVAL) {
		o311_error(c, 400, "service_request_id must be a case number (digits)");
		return;
	}
	if (rc == -EBADMSG) {
		o311_error(c, 404, "no service request %s: its check digit does not match", id_text);
		return;
	}
	rc = store_case_get(c->api->st, c->ctx, id, &k);
	if (rc == -ENOENT || (rc == 0 && strcmp(k->kind, CASE_KIND_REQUEST))) {
		o311_error(c, 404, "no service request %s", id_text);
		return;
	}
	if (rc < 0) {
		o311_error(c, 500, "the store failed");
		return;
	}
	o311_requests_answer(c, &k, 1);
}

/* service_request_id=ID,ID,...: those found, in the order asked. */
static void o311_get_requests_by_id(struct o311_call *c, const char *list)
{
	struct store_case **found = talloc_zero_array(c->ctx, struct store_case *, O311_MAX_IDS);
	char *copy = talloc_strdup(c->ctx, list), *tok, *save = NULL;
	unsigned n = 0, asked = 0;
	uint64_t id;
	int rc;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct store_case *k;
		while (*tok == ' ')
			tok++;
		if (++asked > O311_MAX_IDS) {
			o311_error(c, 400, "service_request_id: at most %u ids", O311_MAX_IDS);
			return;
		}
		rc = o311_parse_id(tok, &id);
		if (rc == -EINVAL) {
			o311_error(c, 400, "service_request_id: '%s' is not a case number", tok);
			return;
		}
		if (rc == -EBADMSG)
			continue;
		rc = store_case_get(c->api->st, found, id, &k);
		if (rc == -ENOENT)
			continue;
		if (rc < 0) {
			o311_error(c, 500, "the store failed");
			return;
		}
		if (strcmp(k->kind, CASE_KIND_REQUEST))
			continue;
		found[n++] = k;
	}
	if (!asked) {
		o311_error(c, 400, "service_request_id: no id given");
		return;
	}
	o311_requests_answer(c, found, n);
}

static void o311_get_requests(struct o311_call *c)
{
	struct store_case_query q = { .closed = -1 };
	const char *v, *ids = o311_arg_text(c, "service_request_id");
	unsigned long page = 1, page_size = c->api->cfg->page_size;
	int rc;

	if (ids) {
		o311_get_requests_by_id(c, ids);
		return;
	}
	if ((v = o311_arg_text(c, "service_code"))) {
		if (!o311_service(c->api, v)) {
			o311_error(c, 400, "service_code: no service with that code (see services.json)");
			return;
		}
		q.service_code = v;
	}
	if ((v = o311_arg_text(c, "start_date")) && o311_parse_datetime(v, &q.start) < 0) {
		o311_error(c, 400, "start_date: not a W3C datetime (e.g. 2026-11-23T10:00:00Z)");
		return;
	}
	if ((v = o311_arg_text(c, "end_date")) && o311_parse_datetime(v, &q.end) < 0) {
		o311_error(c, 400, "end_date: not a W3C datetime (e.g. 2026-11-23T10:00:00Z)");
		return;
	}
	if (q.start && q.end && q.start > q.end) {
		o311_error(c, 400, "start_date is after end_date");
		return;
	}
	/* the spec's default window: the last 90 days */
	if (!q.start && !q.end)
		q.start = store_now() - O311_DEFAULT_DAYS * 86400;
	if ((v = o311_arg_text(c, "status"))) {
		bool open = false, closed = false, bad = false;
		char *copy = talloc_strdup(c->ctx, v), *tok, *save = NULL;
		for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			if (!strcmp(tok, "open"))
				open = true;
			else if (!strcmp(tok, "closed"))
				closed = true;
			else
				bad = true;
		}
		if (bad || (!open && !closed)) {
			o311_error(c, 400, "status: open, closed, or both comma-separated");
			return;
		}
		q.closed = open && closed ? -1 : closed ? 1 : 0;
	}
	if ((v = o311_arg(c, "page_size")) && o311_parse_uint(v, 1, OPEN311_MAX_PAGE_SIZE, &page_size) < 0) {
		o311_error(c, 400, "page_size: a whole number from 1 to %u", OPEN311_MAX_PAGE_SIZE);
		return;
	}
	if ((v = o311_arg(c, "page")) && o311_parse_uint(v, 1, 100000, &page) < 0) {
		o311_error(c, 400, "page: a whole number from 1");
		return;
	}
	q.limit = page_size;
	q.offset = (page - 1) * page_size;
	c->doc = o311_requests_start(c);
	if (!c->doc) {
		o311_error(c, 500, "out of memory");
		return;
	}
	rc = store_case_query(c->api->st, &q, o311_requests_row, c);
	if (rc < 0) {
		talloc_free(c->doc);
		o311_error(c, 500, "the store failed");
		return;
	}
	o311_requests_end(c, c->doc);
}

/* A phone number for notifications: "+", digits, and the separators
 * people type (space, "-", ".", "(", ")"), 7 to 15 digits.  The number as
 * the store keeps it (separators gone) under ctx, or NULL. */
static char *o311_phone(void *ctx, const char *s)
{
	char buf[24];
	size_t n = 0, digits = 0;
	const char *p;

	for (p = s; *p; p++) {
		if (*p == '+' && n == 0) {
			buf[n++] = '+';
		} else if (isdigit((unsigned char)*p)) {
			if (n >= sizeof(buf) - 1)
				return NULL;
			buf[n++] = *p;
			digits++;
		} else if (!strchr(" -.()", *p)) {
			return NULL;
		}
	}
	buf[n] = '\0';
	if (digits < 7 || digits > 15)
		return NULL;
	return talloc_strdup(ctx, buf);
}

static bool o311_url_ok(const char *s)
{
	const char *p;

	if (strlen(s) > O311_MAX_URL || (strncmp(s, "http://", 7) && strncmp(s, "https://", 8)))
		return false;
	for (p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '"' || *p == '<' || *p == '>')
			return false;
	return strlen(s) > 8;
}

/* The length checks of a text argument; -1 after answering 400. */
static int o311_text_len(struct o311_call *c, const char *key, const char *v, long max)
{
	long chars;

	if (!v)
		return 0;
	chars = o311_utf8_chars(v, strlen(v));
	if (chars > max) {
		o311_error(c, 400, "%s: at most %ld characters (got %ld)", key, max, chars);
		return -1;
	}
	return 0;
}

static void o311_post_request(struct o311_call *c)
{
	struct store_case_new req = { .channel = "api" };
	const char *key_name, *lat, *lon, *v;
	struct store_case *k = NULL;
	struct open311_record rec;
	bool joined = false;
	int rc;

	if (!(key_name = o311_key(c)))
		return;
	req.service_code = o311_arg_text(c, "service_code");
	if (!req.service_code) {
		o311_error(c, 400, "service_code is required");
		return;
	}
	if (!o311_service(c->api, req.service_code)) {
		o311_error(c, 400, "service_code: no service with that code (see services.json)");
		return;
	}
	req.location = o311_arg_text(c, "address_string");
	if (o311_text_len(c, "address_string", req.location, O311_MAX_ADDRESS) < 0)
		return;
	lat = o311_arg_text(c, "lat");
	lon = o311_arg_text(c, "long");
	if (lat || lon) {
		if (!lat || !lon) {
			o311_error(c, 400, "lat and long go together");
			return;
		}
		if (o311_parse_coord(lat, -90, 90, &req.lat) < 0) {
			o311_error(c, 400, "lat: a decimal number from -90 to 90");
			return;
		}
		if (o311_parse_coord(lon, -180, 180, &req.lon) < 0) {
			o311_error(c, 400, "long: a decimal number from -180 to 180");
			return;
		}
		req.has_position = true;
	}
	if (o311_arg_text(c, "address_id") && !req.location && !req.has_position) {
		o311_error(c, 400, "address_id is not supported: give address_string or lat and long");
		return;
	}
	if (!req.location && !req.has_position) {
		o311_error(c, 400, "a location is required: address_string, or lat and long");
		return;
	}
	req.description = o311_arg_text(c, "description");
	if (o311_text_len(c, "description", req.description, O311_MAX_DESCRIPTION) < 0)
		return;
	if ((v = o311_arg_text(c, "phone")) && !(req.phone = o311_phone(c->ctx, v))) {
		o311_error(c, 400, "phone: a phone number of 7 to 15 digits");
		return;
	}
	if ((v = o311_arg_text(c, "media_url"))) {
		if (!o311_url_ok(v)) {
			o311_error(c, 400, "media_url: an http or https URL");
			return;
		}
		req.media_url = v;
	}
	req.lang = flow_set_default_lang(c->api->fs);

	rc = store_case_create(c->api->st, c->ctx, &req, &k, &joined);
	if (rc < 0) {
		o311_error(c, 500, "the store failed: the request was not filed");
		return;
	}
	if (joined)
		c->api->stats.joined++;
	else
		c->api->stats.created++;
	LOGP(DAPI, LOGL_INFO, "api: case %" PRIu64 " %s by key '%s' (%s)\n", k->id,
	     joined ? "joined" : "filed", key_name, req.service_code);
	rec.f = talloc_zero_array(c->ctx, struct open311_field, 3);
	rec.n = 0;
	o311_field_str(&rec, "service_request_id", talloc_asprintf(c->ctx, "%" PRIu64, k->id));
	o311_field_str(&rec, "service_notice", joined
		       ? "An open request for this service at this address exists; this report joined it." : "");
	o311_field_str(&rec, "account_id", NULL);
	o311_list(c, joined ? 200 : 201, "service_requests", "request", &rec, 1);
}

/* The extension: POST requests/ID.json with status, status_notes,
 * agency_responsible.  One history line per update; the followers' texts
 * when the status changed, in the same transaction. */
static void o311_post_update(struct o311_call *c, const char *id_text)
{
	const char *key_name, *status = NULL, *notes, *agency, *v;
	struct store_case *k;
	char *actor, *note;
	bool notify;
	uint64_t id;
	int rc;

	if (!(key_name = o311_key(c)))
		return;
	rc = o311_parse_id(id_text, &id);
	if (rc == -EINVAL) {
		o311_error(c, 400, "service_request_id must be a case number (digits)");
		return;
	}
	if (rc == -EBADMSG) {
		o311_error(c, 404, "no service request %s: its check digit does not match", id_text);
		return;
	}
	if ((v = o311_arg_text(c, "status"))) {
		if (!strcmp(v, "open"))
			status = CASE_STATUS_OPEN;
		else if (!strcmp(v, "in_progress") || !strcmp(v, "in-progress"))
			status = CASE_STATUS_IN_PROGRESS;
		else if (!strcmp(v, "closed"))
			status = CASE_STATUS_CLOSED;
		else {
			o311_error(c, 400, "status: open, in_progress or closed");
			return;
		}
	}
	notes = o311_arg_text(c, "status_notes");
	agency = o311_arg_text(c, "agency_responsible");
	if (o311_text_len(c, "status_notes", notes, O311_MAX_NOTES) < 0
	    || o311_text_len(c, "agency_responsible", agency, O311_MAX_AGENCY) < 0)
		return;
	if (!status && !notes && !agency) {
		o311_error(c, 400, "nothing to update: give status, status_notes or agency_responsible");
		return;
	}
	rc = store_case_get(c->api->st, c->ctx, id, &k);
	if (rc == -ENOENT || (rc == 0 && strcmp(k->kind, CASE_KIND_REQUEST))) {
		o311_error(c, 404, "no service request %s", id_text);
		return;
	}
	if (rc < 0) {
		o311_error(c, 500, "the store failed");
		return;
	}
	if (!status)
		status = k->status;
	actor = talloc_asprintf(c->ctx, "api:%s", key_name);
	note = notes ? talloc_strdup(c->ctx, notes)
	       : agency ? talloc_asprintf(c->ctx, "agency responsible: %s", agency) : NULL;

	rc = store_begin(c->api->st);
	if (rc == 0)
		rc = store_case_set_status(c->api->st, id, status, note, actor);
	if (rc == 0 && (notes || agency))
		rc = store_case_set_public(c->api->st, id, notes, agency);
	/* a new status or a public note is news to the followers; a change of
	 * the agency responsible alone is only history */
	notify = strcmp(k->status, status) || notes;
	if (rc == 0 && notify)
		rc = sms_case_update_notify(c->api->st, c->api->fs, id, status, notes);
	if (rc >= 0)
		rc = store_commit(c->api->st);
	else
		store_rollback(c->api->st);
	if (rc < 0) {
		o311_error(c, 500, "the store failed: nothing was changed");
		return;
	}
	if (c->api->sms && notify)
		sms_sender_kick(c->api->sms);
	c->api->stats.updated++;
	LOGP(DAPI, LOGL_NOTICE, "api: case %" PRIu64 " status %s -> %s by key '%s'\n", id, k->status,
	     status, key_name);
	talloc_free(k);
	o311_get_request(c, id_text);
}

/*
 * Routing
 */

/* path after the prefix: "NAME.json" or "NAME.xml" -> NAME (under ctx). */
static char *o311_strip_format(struct o311_call *c, const char *rest)
{
	size_t len = strlen(rest);

	if (len > 5 && !strcmp(rest + len - 5, ".json"))
		return talloc_strndup(c->ctx, rest, len - 5);
	if (len > 4 && !strcmp(rest + len - 4, ".xml")) {
		c->xml = true;
		return talloc_strndup(c->ctx, rest, len - 4);
	}
	return NULL;
}

static void o311_text(struct o311_call *c, unsigned status, const char *type, char *body)
{
	c->resp->status = status;
	c->resp->content_type = type;
	c->resp->body = body;
	c->resp->body_len = body ? strlen(body) : 0;
}

/* The supervisor's pages beside the API: /dashboard (HTML, report/) and
 * /metrics (Prometheus text, core/stats.c).  A client on the loopback
 * sees them; any other needs a valid api_key in the query string.  true
 * when the path was one of them. */
static bool o311_pages(struct o311_call *c)
{
	const char *path = c->req->path;
	bool dash = !strcmp(path, "/dashboard"), metrics = !strcmp(path, "/metrics");
	char *body;

	if (!dash && !metrics)
		return false;
	if (strcmp(c->req->method, "GET")) {
		o311_text(c, 405, "text/plain; charset=utf-8", talloc_strdup(c->ctx, "only GET\n"));
		return true;
	}
	if (strncmp(c->req->client, "127.", 4) && !api_keys_check(c->api->keys, o311_arg(c, "api_key"))) {
		o311_text(c, 403, "text/plain; charset=utf-8",
			  talloc_strdup(c->ctx, "from another host: add ?api_key=KEY\n"));
		return true;
	}
	if (dash) {
		body = stoop_dashboard_html(c->ctx, c->api->st, time(NULL));
		if (!body)
			o311_text(c, 500, "text/plain; charset=utf-8",
				  talloc_strdup(c->ctx, "the store cannot be read (see stoopd's log)\n"));
		else
			o311_text(c, 200, "text/html; charset=utf-8", body);
	} else {
		body = stoop_metrics_prometheus(c->ctx);
		o311_text(c, body ? 200 : 500, "text/plain; version=0.0.4; charset=utf-8", body);
	}
	return true;
}

static void o311_route(struct o311_call *c)
{
	const char *method = c->req->method;
	bool get = !strcmp(method, "GET"), post = !strcmp(method, "POST");
	const char *rest;
	char *name;

	if (strncmp(c->req->path, O311_PREFIX, strlen(O311_PREFIX))) {
		o311_error(c, 404, "not found: the API is under " O311_PREFIX);
		return;
	}
	rest = c->req->path + strlen(O311_PREFIX);
	name = o311_strip_format(c, rest);
	if (!name) {
		o311_error(c, 404, "not found: ask for .json or .xml");
		return;
	}
	if (o311_check_args(c) < 0)
		return;
	if (post && c->req->body_not_form) {
		o311_error(c, 400, "the body must be application/x-www-form-urlencoded");
		return;
	}
	if (!strcmp(name, "services")) {
		if (!get)
			goto not_allowed;
		o311_get_services(c);
	} else if (!strncmp(name, "services/", 9) && !strchr(name + 9, '/')) {
		if (!get)
			goto not_allowed;
		if (!o311_service(c->api, name + 9))
			o311_error(c, 404, "no service with that service_code");
		else
			o311_error(c, 404, "service %s has no service definition (metadata is false)",
				   name + 9);
	} else if (!strcmp(name, "requests")) {
		if (get)
			o311_get_requests(c);
		else if (post) {
			if (c->xml) {
				o311_error(c, 404, "not found: POST requests.json");
				return;
			}
			o311_post_request(c);
		} else
			goto not_allowed;
	} else if (!strncmp(name, "requests/", 9) && !strchr(name + 9, '/')) {
		if (get)
			o311_get_request(c, name + 9);
		else if (post)
			o311_post_update(c, name + 9);
		else
			goto not_allowed;
	} else {
		o311_error(c, 404, "not found");
	}
	return;
not_allowed:
	o311_error(c, 405, "method %s not allowed here", method);
}

static void o311_count(struct open311 *api, unsigned status)
{
	if (status < 300) {
		api->stats.status_2xx++;
		stoop_ctr_inc(STOOP_CTR_API_2XX);
	} else if (status < 500) {
		api->stats.status_4xx++;
		stoop_ctr_inc(status == 429 ? STOOP_CTR_API_RATE_LIMITED
			      : status == 403 ? STOOP_CTR_API_KEY_REFUSED : STOOP_CTR_API_4XX);
	} else {
		api->stats.status_5xx++;
		stoop_ctr_inc(STOOP_CTR_API_5XX);
	}
}

static void o311_handle(void *data, const struct http_request *req, void *resp_ctx,
			struct http_response *resp)
{
	struct open311 *api = data;
	struct o311_call c = { .api = api, .req = req, .ctx = resp_ctx, .resp = resp };
	struct timespec now;
	unsigned retry = 0;

	api->stats.requests++;
	osmo_clock_gettime(CLOCK_MONOTONIC, &now);
	if (!rate_buckets_take(api->by_addr, req->client,
			       (uint64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000, &retry)) {
		size_t len = strlen(req->path);
		c.xml = len > 4 && !strcmp(req->path + len - 4, ".xml");
		api->stats.rate_limited++;
		resp->retry_after = retry;
		o311_error(&c, 429, "too many requests from this address: retry after %u s", retry);
	} else if (!o311_pages(&c)) {
		o311_route(&c);
	}
	o311_count(api, resp->status);
	LOGP(DAPI, resp->status >= 500 ? LOGL_ERROR : LOGL_DEBUG, "api(%s): %s %s -> %u\n",
	     req->client, req->method, req->path, resp->status);
}

static void o311_too_large(void *data, const struct http_request *req, void *resp_ctx,
			   struct http_response *resp)
{
	struct open311 *api = data;
	struct o311_call c = { .api = api, .req = req, .ctx = resp_ctx, .resp = resp };
	size_t len = strlen(req->path);

	api->stats.requests++;
	api->stats.too_large++;
	c.xml = len > 4 && !strcmp(req->path + len - 4, ".xml");
	o311_error(&c, 413, "the request body is larger than %u bytes", O311_MAX_BODY);
	o311_count(api, resp->status);
	LOGP(DAPI, LOGL_NOTICE, "api(%s): %s %s -> 413 (body too large)\n", req->client, req->method,
	     req->path);
}

/*
 * Set-up
 */

/* "A pothole" from the voice label "a pothole". */
static char *o311_sentence(void *ctx, const char *text)
{
	char *s = talloc_strdup(ctx, text);

	if (s && *s)
		s[0] = toupper((unsigned char)s[0]);
	return s;
}

static int o311_services_build(struct open311 *api)
{
	const char *lang = flow_set_default_lang(api->fs), *id;
	unsigned i;

	for (i = 0; (id = flow_catalog_id(api->fs, lang, i)); i++) {
		const struct open311_service_cfg *sc;
		struct o311_service *s;
		const char *words[16];
		unsigned nw, w;

		if (strncmp(id, "svc.", 4) || strchr(id, '@') || !id[4])
			continue;
		api->services = talloc_realloc(api, api->services, struct o311_service, api->n_services + 1);
		s = &api->services[api->n_services++];
		memset(s, 0, sizeof(*s));
		s->code = talloc_strdup(api, id + 4);
		s->name = flow_catalog_text(api->fs, lang, FLOW_CH_SMS, id);
		s->description = o311_sentence(api, flow_catalog_text(api->fs, lang, FLOW_CH_VOICE, id));
		s->keywords = talloc_strdup(api, "");
		nw = flow_set_keyword_words(api->fs, "service", s->code, words, ARRAY_SIZE(words));
		for (w = 0; w < nw; w++) {
			char *lower = talloc_strdup(api, words[w]), *p;
			for (p = lower; *p; p++)
				*p = tolower((unsigned char)*p);
			s->keywords = talloc_asprintf_append(s->keywords, "%s%s", w ? "," : "", lower);
			talloc_free(lower);
		}
		s->group = OPEN311_DEFAULT_GROUP;
		sc = open311_config_service(NULL, (struct open311_config *)api->cfg, s->code, false);
		if (sc) {
			s->target_s = sc->target_s;
			if (sc->group)
				s->group = sc->group;
		}
	}
	return api->n_services;
}

struct open311 *open311_start(void *ctx, const struct open311_config *cfg, struct store *st,
			      const struct flow_set *fs, struct sms_channel *sms)
{
	struct open311 *api = talloc_zero(ctx, struct open311);
	struct http_handler h = { .handle = o311_handle, .too_large = o311_too_large };

	if (!api)
		return NULL;
	api->cfg = cfg;
	api->st = st;
	api->fs = fs;
	api->sms = sms;
	api->keys = api_keys_load(api, st);
	api->by_addr = rate_buckets_alloc(api, cfg->addr_rate, cfg->addr_burst);
	api->by_key = rate_buckets_alloc(api, cfg->key_rate, cfg->key_burst);
	if (!api->keys || !api->by_addr || !api->by_key)
		goto err;
	if (o311_services_build(api) == 0)
		LOGP(DAPI, LOGL_NOTICE, "open311: no svc.* prompts in the catalog: services.json is empty\n");
	h.data = api;
	api->http = http_server_start(api, cfg->bind_ip, cfg->port, O311_MAX_BODY, &h);
	if (!api->http)
		goto err;
	LOGP(DAPI, LOGL_NOTICE, "open311: listening on http://%s:%u" O311_PREFIX " (%u services)\n",
	     cfg->bind_ip, cfg->port, api->n_services);
	return api;
err:
	talloc_free(api);
	return NULL;
}

void open311_stop(struct open311 *api)
{
	if (!api)
		return;
	http_server_stop(api->http);
	talloc_free(api);
}

const struct open311_stats *open311_stats(const struct open311 *api)
{
	return &api->stats;
}

struct api_keys *open311_keys(struct open311 *api)
{
	return api ? api->keys : NULL;
}
