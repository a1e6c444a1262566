/* store_bench.c -- how fast the store files cases durably, against what the
 * disk allows.  Three figures, each on a new file in a temporary directory,
 * WAL mode with synchronous=FULL (one fsync per commit):
 *   raw       one INSERT per transaction through the plain sqlite3 API into
 *             a table as wide as cases: the ceiling on this disk;
 *   durable   store_case_create() committing each case on its own, as a
 *             caller waits for it (id allocation, dedup lookup, history,
 *             follower, read-back);
 *   grouped   100 store_case_create() per store_begin()/store_commit(), the
 *             group commit of a busy loop iteration.
 * Usage: store_bench [N] (N cases per figure, default 2000).  Prints
 * figures; asserts nothing.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>
#include <osmocom/core/talloc.h>

#include "core/logging.h"
#include "store/store.h"

#define GROUP	100

static char tmpdir[PATH_MAX];

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One durable INSERT per transaction, nothing else: what the disk allows. */
static double bench_raw(const char *path, unsigned n)
{
	static const char *const setup =
		"PRAGMA journal_mode = WAL;"
		"PRAGMA synchronous = FULL;"
		"CREATE TABLE t (id INTEGER PRIMARY KEY, kind TEXT, service_code TEXT,"
		" location TEXT, location_norm TEXT, description TEXT, recording TEXT,"
		" channel TEXT, phone TEXT, lang TEXT, status TEXT, flow_path TEXT,"
		" callback_window TEXT, reason TEXT, created_at INTEGER, updated_at INTEGER);";
	sqlite3 *db;
	sqlite3_stmt *stmt;
	char loc[64];
	double t0, t;
	unsigned i;

	if (sqlite3_open(path, &db) != SQLITE_OK || sqlite3_exec(db, setup, NULL, NULL, NULL) != SQLITE_OK
	    || sqlite3_prepare_v2(db, "INSERT INTO t VALUES (NULL, 'request', 'pothole', ?1, ?1,"
				  " 'a hole in the road', NULL, 'sms', '+15550001111', 'en', 'open',"
				  " 'main.menu>report.pick_service>report.where>report.file', NULL, NULL,"
				  " ?2, ?2)", -1, &stmt, NULL) != SQLITE_OK) {
		fprintf(stderr, "raw: %s\n", sqlite3_errmsg(db));
		sqlite3_close(db);
		return 0;
	}
	t0 = now_s();
	for (i = 0; i < n; i++) {
		snprintf(loc, sizeof(loc), "%u main st", i);
		sqlite3_bind_text(stmt, 1, loc, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 2, time(NULL));
		if (sqlite3_step(stmt) != SQLITE_DONE)
			fprintf(stderr, "raw insert: %s\n", sqlite3_errmsg(db));
		sqlite3_reset(stmt);
	}
	t = now_s() - t0;
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return n / t;
}

/* n cases at distinct locations (no joins), group per commit (1: each on
 * its own). */
static double bench_store(void *ctx, const char *path, unsigned n, unsigned group)
{
	struct store *st = store_open(ctx, path, STORE_SYNC_FULL);
	char loc[64];
	double t0, t;
	unsigned i;

	if (!st)
		return 0;
	t0 = now_s();
	for (i = 0; i < n; i++) {
		struct store_case_new req = {
			.service_code = "pothole",
			.location = loc,
			.description = "a hole in the road",
			.channel = "sms",
			.phone = "+15550001111",
			.lang = "en",
			.flow_path = "main.menu>report.pick_service>report.where>report.file",
		};
		struct store_case *c;
		bool joined;

		if (group > 1 && i % group == 0)
			store_begin(st);
		snprintf(loc, sizeof(loc), "%u Main Street", i);
		if (store_case_create(st, ctx, &req, &c, &joined) != 0)
			fprintf(stderr, "store_case_create failed\n");
		else
			talloc_free(c);
		if (group > 1 && (i % group == group - 1 || i == n - 1))
			store_commit(st);
	}
	t = now_s() - t0;
	store_close(st);
	return n / t;
}

static void remove_tmpdir(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char path[PATH_MAX + 256];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(tmpdir);
}

int main(int argc, char **argv)
{
	const char *base = getenv("TMPDIR");
	unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 2000;
	void *ctx = talloc_named_const(NULL, 0, "store_bench");
	char path[PATH_MAX + 32];
	double raw, durable, grouped;

	if (n == 0)
		n = 2000;
	stoop_log_init(ctx, true);
	snprintf(tmpdir, sizeof(tmpdir), "%s/stoop-bench-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	printf("store benchmark: %u rows each, WAL, synchronous=FULL, in %s\n", n, tmpdir);

	snprintf(path, sizeof(path), "%s/raw.db", tmpdir);
	raw = bench_raw(path, n);
	printf("raw durable inserts: %.0f/s\n", raw);

	snprintf(path, sizeof(path), "%s/durable.db", tmpdir);
	durable = bench_store(ctx, path, n, 1);
	printf("case creation (durable): %.0f/s (%.2f of raw)\n", durable, raw > 0 ? durable / raw : 0);

	snprintf(path, sizeof(path), "%s/grouped.db", tmpdir);
	grouped = bench_store(ctx, path, n, GROUP);
	printf("case creation (%u per commit): %.0f/s (%.2f of raw)\n", GROUP, grouped,
	       raw > 0 ? grouped / raw : 0);

	remove_tmpdir();
	log_fini();
	talloc_free(ctx);
	return 0;
}
