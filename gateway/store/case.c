/* case.c -- cases: filing one (with dedup), reading and listing them, their
 * status history and their followers.
 *
 * Filing happens in one transaction: look for an open case with the same
 * service and normalized location (store/location.c) and join it, or
 * allocate the next base number, insert the case, write its "opened"
 * history line and make the reporter its first follower.  The next base is
 * max(id) / 10 + 1 read inside the write transaction (BEGIN IMMEDIATE), so
 * two writers cannot take the same id, and ids grow in filing order, which
 * is why lists sort by id.  A case is never deleted: closing it is a status.
 *
 * The Open311 list (store_case_query()) is the one read that lends SQLite's
 * own row to a callback instead of copying cases out: a page is up to a
 * thousand rows, and the API only formats them.  It reads the public
 * columns only.
 *
 * The SQL is in db.c's stmt_sql[]; notifications of followers are the SMS
 * channel's job, this file only records who follows what.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/talloc.h>

#include "core/logging.h"
#include "core/stats.h"
#include "db_int.h"

/* The first base number: ids start at 7 digits, 100000 + check digit. */
#define CASE_ID_FIRST_BASE	100000

/* Default and largest number of cases store_case_list() returns. */
#define CASE_LIST_DEFAULT	100

bool case_status_valid(const char *status)
{
	return status && (strcmp(status, CASE_STATUS_OPEN) == 0
			  || strcmp(status, CASE_STATUS_IN_PROGRESS) == 0
			  || strcmp(status, CASE_STATUS_CLOSED) == 0);
}

static bool case_kind_valid(const char *kind)
{
	return kind && (strcmp(kind, CASE_KIND_REQUEST) == 0 || strcmp(kind, CASE_KIND_CALLBACK) == 0);
}

/* A row of the CASE_COLUMNS statements as a case under ctx. */
static struct store_case *case_from_row(void *ctx, sqlite3_stmt *stmt)
{
	struct store_case *c = talloc_zero(ctx, struct store_case);

	if (!c)
		return NULL;
	c->id = sqlite3_column_int64(stmt, DB_CASE_COL_ID);
	c->kind = db_column_strdup(c, stmt, DB_CASE_COL_KIND);
	c->service_code = db_column_strdup(c, stmt, DB_CASE_COL_SERVICE_CODE);
	c->location = db_column_strdup(c, stmt, DB_CASE_COL_LOCATION);
	c->location_norm = db_column_strdup(c, stmt, DB_CASE_COL_LOCATION_NORM);
	c->description = db_column_strdup(c, stmt, DB_CASE_COL_DESCRIPTION);
	c->recording = db_column_strdup(c, stmt, DB_CASE_COL_RECORDING);
	c->channel = db_column_strdup(c, stmt, DB_CASE_COL_CHANNEL);
	c->phone = db_column_strdup(c, stmt, DB_CASE_COL_PHONE);
	c->lang = db_column_strdup(c, stmt, DB_CASE_COL_LANG);
	c->status = db_column_strdup(c, stmt, DB_CASE_COL_STATUS);
	c->flow_path = db_column_strdup(c, stmt, DB_CASE_COL_FLOW_PATH);
	c->callback_window = db_column_strdup(c, stmt, DB_CASE_COL_CALLBACK_WINDOW);
	c->reason = db_column_strdup(c, stmt, DB_CASE_COL_REASON);
	c->created_at = sqlite3_column_int64(stmt, DB_CASE_COL_CREATED_AT);
	c->updated_at = sqlite3_column_int64(stmt, DB_CASE_COL_UPDATED_AT);
	c->followers = sqlite3_column_int(stmt, DB_CASE_COL_FOLLOWERS);
	c->overflow = db_column_strdup(c, stmt, DB_CASE_COL_OVERFLOW);
	c->has_position = sqlite3_column_type(stmt, DB_CASE_COL_LAT) != SQLITE_NULL
			  && sqlite3_column_type(stmt, DB_CASE_COL_LON) != SQLITE_NULL;
	c->lat = sqlite3_column_double(stmt, DB_CASE_COL_LAT);
	c->lon = sqlite3_column_double(stmt, DB_CASE_COL_LON);
	c->media_url = db_column_strdup(c, stmt, DB_CASE_COL_MEDIA_URL);
	c->status_notes = db_column_strdup(c, stmt, DB_CASE_COL_STATUS_NOTES);
	c->agency_responsible = db_column_strdup(c, stmt, DB_CASE_COL_AGENCY);
	return c;
}

static int case_read(struct store *st, void *ctx, uint64_t id, struct store_case **out)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_CASE_BY_ID];
	int rc;

	rc = db_bind_int64(stmt, "$id", (int64_t)id);
	if (rc)
		goto out;
	switch (sqlite3_step(stmt)) {
	case SQLITE_ROW:
		*out = case_from_row(ctx, stmt);
		rc = *out ? 0 : -ENOMEM;
		break;
	case SQLITE_DONE:
		rc = -ENOENT;
		break;
	default:
		rc = db_error(stmt, "reading a case");
		break;
	}
out:
	db_reset(stmt);
	return rc;
}

/* The status of case id into buf: 0, -ENOENT, -EIO. */
static int case_status(struct store *st, uint64_t id, char *buf, size_t len)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_CASE_STATUS];
	int rc;

	rc = db_bind_int64(stmt, "$id", (int64_t)id);
	if (rc)
		goto out;
	switch (sqlite3_step(stmt)) {
	case SQLITE_ROW:
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(stmt, 0));
		break;
	case SQLITE_DONE:
		rc = -ENOENT;
		break;
	default:
		rc = db_error(stmt, "reading a case's status");
		break;
	}
out:
	db_reset(stmt);
	return rc;
}

static int history_add(struct store *st, uint64_t id, int64_t now, const char *status,
		       const char *note, const char *actor)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_HISTORY_INSERT];
	int rc;

	rc = db_bind_int64(stmt, "$case_id", (int64_t)id);
	rc = rc ? : db_bind_int64(stmt, "$now", now);
	rc = rc ? : db_bind_text(stmt, "$status", status);
	rc = rc ? : db_bind_text(stmt, "$note", note);
	rc = rc ? : db_bind_text(stmt, "$actor", actor);
	rc = rc ? : db_step_done(stmt, "writing case history");
	db_reset(stmt);
	return rc;
}

static int follower_add(struct store *st, uint64_t id, int64_t now, const char *phone,
			const char *lang, const char *channel)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_FOLLOWER_INSERT];
	int rc;

	rc = db_bind_int64(stmt, "$case_id", (int64_t)id);
	rc = rc ? : db_bind_int64(stmt, "$now", now);
	rc = rc ? : db_bind_text(stmt, "$phone", phone);
	rc = rc ? : db_bind_text(stmt, "$lang", lang);
	rc = rc ? : db_bind_text(stmt, "$channel", channel);
	rc = rc ? : db_step_done(stmt, "adding a follower");
	db_reset(stmt);
	return rc;
}

/* The oldest open case this request duplicates: 0 and *id, -ENOENT, -EIO. */
static int case_find_open(struct store *st, const char *service_code, const char *location_norm,
			  uint64_t *id, char *status, size_t status_len)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_CASE_FIND_OPEN];
	int rc;

	rc = db_bind_text(stmt, "$service_code", service_code);
	rc = rc ? : db_bind_text(stmt, "$location_norm", location_norm);
	if (rc)
		goto out;
	switch (sqlite3_step(stmt)) {
	case SQLITE_ROW:
		*id = sqlite3_column_int64(stmt, 0);
		snprintf(status, status_len, "%s", (const char *)sqlite3_column_text(stmt, 1));
		break;
	case SQLITE_DONE:
		rc = -ENOENT;
		break;
	default:
		rc = db_error(stmt, "looking for an open case");
		break;
	}
out:
	db_reset(stmt);
	return rc;
}

/* The id of the next case; only inside the write transaction. */
static int case_next_id(struct store *st, uint64_t *id)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_CASE_MAX_ID];
	int64_t max_id = 0;
	uint64_t base;
	int rc;

	rc = db_step_int64(stmt, "allocating a case id", &max_id);
	db_reset(stmt);
	if (rc)
		return rc;
	base = max_id > 0 ? (uint64_t)max_id / 10 : 0;
	if (base < CASE_ID_FIRST_BASE - 1)
		base = CASE_ID_FIRST_BASE - 1;
	*id = case_id_from_base(base + 1);
	return *id ? 0 : -ENOSPC;
}

static int case_insert(struct store *st, uint64_t id, int64_t now, const char *kind,
		       const char *location_norm, const struct store_case_new *req)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_CASE_INSERT];
	int rc;

	rc = db_bind_int64(stmt, "$id", (int64_t)id);
	rc = rc ? : db_bind_int64(stmt, "$now", now);
	rc = rc ? : db_bind_text(stmt, "$kind", kind);
	rc = rc ? : db_bind_text(stmt, "$service_code", req->service_code);
	rc = rc ? : db_bind_text(stmt, "$location", req->location);
	rc = rc ? : db_bind_text(stmt, "$location_norm", location_norm);
	rc = rc ? : db_bind_text(stmt, "$description", req->description);
	rc = rc ? : db_bind_text(stmt, "$recording", req->recording);
	rc = rc ? : db_bind_text(stmt, "$channel", req->channel);
	rc = rc ? : db_bind_text(stmt, "$phone", req->phone);
	rc = rc ? : db_bind_text(stmt, "$lang", req->lang);
	rc = rc ? : db_bind_text(stmt, "$flow_path", req->flow_path);
	rc = rc ? : db_bind_text(stmt, "$callback_window", req->callback_window);
	rc = rc ? : db_bind_text(stmt, "$reason", req->reason);
	rc = rc ? : db_bind_text(stmt, "$overflow", req->overflow);
	rc = rc ? : db_bind_text(stmt, "$media_url", req->media_url);
	if (req->has_position) {
		rc = rc ? : db_bind_double(stmt, "$lat", req->lat);
		rc = rc ? : db_bind_double(stmt, "$lon", req->lon);
	} else {
		rc = rc ? : db_bind_null(stmt, "$lat");
		rc = rc ? : db_bind_null(stmt, "$lon");
	}
	rc = rc ? : db_step_done(stmt, "inserting a case");
	db_reset(stmt);
	return rc;
}

static int case_touch(struct store *st, uint64_t id, int64_t now)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_CASE_TOUCH];
	int rc;

	rc = db_bind_int64(stmt, "$id", (int64_t)id);
	rc = rc ? : db_bind_int64(stmt, "$now", now);
	rc = rc ? : db_step_done(stmt, "updating a case");
	db_reset(stmt);
	return rc;
}

/* Add the request's reporter to case id and write "joined by <channel>". */
static int case_join(struct store *st, uint64_t id, const char *status, int64_t now,
		     const struct store_case_new *req)
{
	const char *channel = req->channel ? req->channel : "unknown";
	char note[64];
	int rc = 0;

	snprintf(note, sizeof(note), "joined by %s", channel);
	if (req->phone)
		rc = follower_add(st, id, now, req->phone, req->lang, req->channel);
	rc = rc ? : history_add(st, id, now, status, note, channel);
	rc = rc ? : case_touch(st, id, now);
	return rc;
}

static int case_open(struct store *st, uint64_t *id, int64_t now, const char *kind,
		     const char *location_norm, const struct store_case_new *req)
{
	int rc;

	rc = case_next_id(st, id);
	rc = rc ? : case_insert(st, *id, now, kind, location_norm, req);
	rc = rc ? : history_add(st, *id, now, CASE_STATUS_OPEN, "opened", req->channel);
	if (!rc && req->phone)
		rc = follower_add(st, *id, now, req->phone, req->lang, req->channel);
	return rc;
}

int store_case_create(struct store *st, void *ctx, const struct store_case_new *req,
		      struct store_case **out, bool *joined)
{
	const char *kind;
	char *location_norm = NULL;
	struct store_case *c = NULL;
	char status[16];
	bool found = false;
	uint64_t id = 0;
	int64_t now;
	int rc;

	if (out)
		*out = NULL;
	if (joined)
		*joined = false;
	if (!req)
		return -EINVAL;
	kind = req->kind ? req->kind : CASE_KIND_REQUEST;
	if (!case_kind_valid(kind))
		return -EINVAL;
	if (req->location) {
		location_norm = store_location_norm(st, req->location);
		if (!location_norm)
			return -ENOMEM;
	}
	now = store_now();

	rc = store_begin(st);
	if (rc)
		goto out_free;
	if (!req->no_dedup && strcmp(kind, CASE_KIND_REQUEST) == 0 && req->service_code
	    && location_norm && *location_norm) {
		rc = case_find_open(st, req->service_code, location_norm, &id, status, sizeof(status));
		if (rc == 0)
			found = true;
		else if (rc != -ENOENT)
			goto out_rollback;
	}
	if (found)
		rc = case_join(st, id, status, now, req);
	else
		rc = case_open(st, &id, now, kind, location_norm, req);
	if (rc)
		goto out_rollback;
	if (out) {
		rc = case_read(st, ctx, id, &c);
		if (rc)
			goto out_rollback;
	}
	rc = store_commit(st);
	if (rc) {
		talloc_free(c);
		goto out_free;
	}

	LOGP(DSTORE, LOGL_INFO, "case(%" PRIu64 "): %s (%s, %s, %s)\n", id,
	     found ? "joined" : "filed", req->service_code ? : kind,
	     req->channel ? : "-", stoop_mask_number(req->phone));
	LOGP(DSTORE, LOGL_DEBUG, "case(%" PRIu64 "): location '%s' -> '%s', phone %s\n", id,
	     req->location ? : "", location_norm ? : "", req->phone ? : "-");
	stoop_ctr_inc(found ? STOOP_CTR_CASES_JOINED : strcmp(kind, CASE_KIND_CALLBACK)
		      ? STOOP_CTR_CASES_CREATED : STOOP_CTR_CALLBACKS_BOOKED);
	if (out)
		*out = c;
	if (joined)
		*joined = found;
	talloc_free(location_norm);
	return 0;

out_rollback:
	store_rollback(st);
out_free:
	talloc_free(location_norm);
	return rc;
}

int store_case_get(struct store *st, void *ctx, uint64_t id, struct store_case **out)
{
	return case_read(st, ctx, id, out);
}

/* A db_collect() row of the CASE_COLUMNS statements: a case, child of the array. */
static int case_list_row(void *list, void *elem, sqlite3_stmt *stmt)
{
	struct store_case **c = elem;

	*c = case_from_row(list, stmt);
	return *c ? 0 : -ENOMEM;
}

int store_case_list(struct store *st, void *ctx, const struct store_case_filter *f,
		    struct store_case ***out, unsigned *n)
{
	static const struct store_case_filter all = {};
	sqlite3_stmt *stmt;
	void *list;
	int rc;

	*out = NULL;
	*n = 0;
	if (!f)
		f = &all;
	if ((f->status && !case_status_valid(f->status)) || (f->kind && !case_kind_valid(f->kind)))
		return -EINVAL;

	if (f->phone && f->oldest_first)
		return -EINVAL;
	stmt = st->stmt[f->phone ? DB_STMT_CASE_LIST_BY_PHONE
			: f->oldest_first ? DB_STMT_CASE_LIST_OLDEST : DB_STMT_CASE_LIST];
	rc = f->phone ? db_bind_text(stmt, "$phone", f->phone) : 0;
	rc = rc ? : db_bind_text(stmt, "$status", f->status);
	rc = rc ? : db_bind_text(stmt, "$kind", f->kind);
	rc = rc ? : db_bind_int64(stmt, "$limit", f->limit ? f->limit : CASE_LIST_DEFAULT);
	rc = rc ? : db_bind_int64(stmt, "$offset", f->offset);
	rc = rc ? : db_collect(stmt, ctx, sizeof(struct store_case *), case_list_row,
			       "listing cases", &list, n);
	db_reset(stmt);
	if (rc)
		return rc;
	*out = list;
	return 0;
}

/* A row of DB_STMT_CASE_QUERY as a case whose strings are SQLite's: the
 * public columns only (enum db_case_pub_col), valid until the next step. */
static void case_public_from_row(sqlite3_stmt *stmt, struct store_case *c)
{
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(stmt, DB_CASE_PUB_COL_ID);
	c->kind = (char *)sqlite3_column_text(stmt, DB_CASE_PUB_COL_KIND);
	c->service_code = (char *)sqlite3_column_text(stmt, DB_CASE_PUB_COL_SERVICE_CODE);
	c->location = (char *)sqlite3_column_text(stmt, DB_CASE_PUB_COL_LOCATION);
	c->description = (char *)sqlite3_column_text(stmt, DB_CASE_PUB_COL_DESCRIPTION);
	c->status = (char *)sqlite3_column_text(stmt, DB_CASE_PUB_COL_STATUS);
	c->created_at = sqlite3_column_int64(stmt, DB_CASE_PUB_COL_CREATED_AT);
	c->updated_at = sqlite3_column_int64(stmt, DB_CASE_PUB_COL_UPDATED_AT);
	c->has_position = sqlite3_column_type(stmt, DB_CASE_PUB_COL_LAT) != SQLITE_NULL
			  && sqlite3_column_type(stmt, DB_CASE_PUB_COL_LON) != SQLITE_NULL;
	c->lat = sqlite3_column_double(stmt, DB_CASE_PUB_COL_LAT);
	c->lon = sqlite3_column_double(stmt, DB_CASE_PUB_COL_LON);
	c->media_url = (char *)sqlite3_column_text(stmt, DB_CASE_PUB_COL_MEDIA_URL);
	c->status_notes = (char *)sqlite3_column_text(stmt, DB_CASE_PUB_COL_STATUS_NOTES);
	c->agency_responsible = (char *)sqlite3_column_text(stmt, DB_CASE_PUB_COL_AGENCY);
}

/* Rows go to fn one at a time, straight from SQLite: a page of the API
 * costs no copy of its strings and no array of cases. */
int store_case_query(struct store *st, const struct store_case_query *q, store_case_fn fn, void *data)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_CASE_QUERY];
	const char *kind = q->kind ? q->kind : CASE_KIND_REQUEST;
	struct store_case c;
	int rc, step = SQLITE_DONE;

	if (!case_kind_valid(kind))
		return -EINVAL;
	rc = db_bind_text(stmt, "$kind", kind);
	rc = rc ? : db_bind_text(stmt, "$service_code", q->service_code);
	rc = rc ? : (q->start ? db_bind_int64(stmt, "$start", q->start) : db_bind_null(stmt, "$start"));
	rc = rc ? : (q->end ? db_bind_int64(stmt, "$end", q->end) : db_bind_null(stmt, "$end"));
	rc = rc ? : (q->closed >= 0 ? db_bind_int64(stmt, "$closed", q->closed ? 1 : 0)
		     : db_bind_null(stmt, "$closed"));
	rc = rc ? : db_bind_int64(stmt, "$limit", q->limit ? q->limit : CASE_LIST_DEFAULT);
	rc = rc ? : db_bind_int64(stmt, "$offset", q->offset);
	while (!rc && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		case_public_from_row(stmt, &c);
		rc = fn(data, &c);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(stmt, "querying cases");
	db_reset(stmt);
	return rc;
}

int store_case_set_public(struct store *st, uint64_t id, const char *status_notes,
			  const char *agency_responsible)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_CASE_SET_PUBLIC];
	int rc;

	rc = db_bind_int64(stmt, "$id", (int64_t)id);
	rc = rc ? : db_bind_int64(stmt, "$now", store_now());
	rc = rc ? : db_bind_text(stmt, "$status_notes", status_notes);
	rc = rc ? : db_bind_text(stmt, "$agency", agency_responsible);
	rc = rc ? : db_step_done(stmt, "changing a case's public notes");
	if (!rc && sqlite3_changes(st->db) == 0)
		rc = -ENOENT;
	db_reset(stmt);
	return rc;
}

int store_case_count(struct store *st, unsigned *n)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_CASE_COUNT];
	int64_t val = 0;
	int rc;

	rc = db_step_int64(stmt, "counting cases", &val);
	db_reset(stmt);
	if (rc)
		return rc;
	*n = (unsigned)val;
	return 0;
}

/* Case id's new status and its history line, inside a transaction; what
 * names the change for the log.  0, -ENOENT, -EIO. */
static int case_status_change(struct store *st, uint64_t id, int64_t now, const char *status,
			      const char *note, const char *actor, const char *what)
{
	sqlite3_stmt *stmt = st->stmt[DB_STMT_CASE_SET_STATUS];
	int rc;

	rc = db_bind_int64(stmt, "$id", (int64_t)id);
	rc = rc ? : db_bind_int64(stmt, "$now", now);
	rc = rc ? : db_bind_text(stmt, "$status", status);
	rc = rc ? : db_step_done(stmt, what);
	if (!rc && sqlite3_changes(st->db) == 0)
		rc = -ENOENT;
	db_reset(stmt);
	return rc ? : history_add(st, id, now, status, note, actor);
}

int store_case_set_status(struct store *st, uint64_t id, const char *status,
			  const char *note, const char *actor)
{
	int rc;

	if (!case_status_valid(status))
		return -EINVAL;
	rc = store_begin(st);
	if (rc)
		return rc;
	rc = case_status_change(st, id, store_now(), status, note, actor, "changing a case's status");
	if (rc) {
		store_rollback(st);
		return rc;
	}
	rc = store_commit(st);
	if (rc)
		return rc;
	LOGP(DSTORE, LOGL_INFO, "case(%" PRIu64 "): status %s by %s\n", id, status, actor ? : "-");
	return 0;
}

/* A db_collect() row of DB_STMT_HISTORY_BY_CASE; its strings are children of the array. */
static int history_row(void *list, void *elem, sqlite3_stmt *stmt)
{
	struct store_case_event *ev = elem;

	ev->at = sqlite3_column_int64(stmt, 0);
	ev->status = db_column_strdup(list, stmt, 1);
	ev->note = db_column_strdup(list, stmt, 2);
	ev->actor = db_column_strdup(list, stmt, 3);
	return 0;
}

/* The rows of a statement of one case's lines ($case_id: its history, its
 * followers) as a db_collect() array under ctx in *list; NULL and 0 on an
 * error. */
static int case_lines(struct store *st, enum db_stmt which, void *ctx, uint64_t id, size_t elem_size,
		      db_row_fn row, const char *what, void **list, unsigned *n)
{
	sqlite3_stmt *stmt = st->stmt[which];
	int rc;

	*list = NULL;
	*n = 0;
	rc = db_bind_int64(stmt, "$case_id", (int64_t)id);
	rc = rc ? : db_collect(stmt, ctx, elem_size, row, what, list, n);
	db_reset(stmt);
	return rc;
}

int store_case_history(struct store *st, void *ctx, uint64_t id,
		       struct store_case_event **out, unsigned *n)
{
	void *list;
	int rc;

	rc = case_lines(st, DB_STMT_HISTORY_BY_CASE, ctx, id, sizeof(struct store_case_event), history_row,
			"reading case history", &list, n);
	*out = list;
	return rc;
}

int store_case_follow(struct store *st, uint64_t id, const char *phone,
		      const char *lang, const char *channel)
{
	char status[16];
	int rc;

	if (!phone || !*phone)
		return -EINVAL;
	rc = store_begin(st);
	if (rc)
		return rc;
	rc = case_status(st, id, status, sizeof(status));
	rc = rc ? : follower_add(st, id, store_now(), phone, lang, channel);
	if (rc) {
		store_rollback(st);
		return rc;
	}
	rc = store_commit(st);
	if (rc)
		return rc;
	LOGP(DSTORE, LOGL_INFO, "case(%" PRIu64 "): followed by %s\n", id, stoop_mask_number(phone));
	return 0;
}

/* A db_collect() row of DB_STMT_FOLLOWERS_BY_CASE; its strings are children of the array. */
static int follower_row(void *list, void *elem, sqlite3_stmt *stmt)
{
	struct store_follower *fl = elem;

	fl->phone = db_column_strdup(list, stmt, 0);
	fl->lang = db_column_strdup(list, stmt, 1);
	fl->channel = db_column_strdup(list, stmt, 2);
	fl->since = sqlite3_column_int64(stmt, 3);
	return 0;
}

int store_case_followers(struct store *st, void *ctx, uint64_t id,
			 struct store_follower **out, unsigned *n)
{
	void *list;
	int rc;

	rc = case_lines(st, DB_STMT_FOLLOWERS_BY_CASE, ctx, id, sizeof(struct store_follower), follower_row,
			"reading followers", &list, n);
	*out = list;
	return rc;
}

int store_callback_mark(struct store *st, uint64_t id, bool done, const char *note,
			const char *actor)
{
	struct store_case *c = NULL;
	char *line;
	int rc;

	rc = store_begin(st);
	if (rc)
		return rc;
	rc = case_read(st, NULL, id, &c);
	if (rc)
		goto out_rollback;
	if (strcmp(c->kind, CASE_KIND_CALLBACK) || !strcmp(c->status, CASE_STATUS_CLOSED)) {
		rc = -EINVAL;
		goto out_rollback;
	}
	line = talloc_asprintf(c, "callback %s%s%s", done ? "done" : "failed",
			       note && *note ? ": " : "", note && *note ? note : "");
	rc = case_status_change(st, id, store_now(), CASE_STATUS_CLOSED, line, actor, "closing a callback");
	if (rc)
		goto out_rollback;
	rc = store_commit(st);
	talloc_free(c);
	if (rc)
		return rc;
	LOGP(DSTORE, LOGL_INFO, "case(%" PRIu64 "): callback %s by %s\n", id,
	     done ? "done" : "failed", actor ? : "-");
	return 0;

out_rollback:
	talloc_free(c);
	store_rollback(st);
	return rc;
}
