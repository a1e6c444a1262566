/* flow_bench.c -- how fast the interpreter moves and how little an idle
 * session costs.  Three figures, printed, never asserted:
 *   transitions/s   the default flows (flows/ and prompts/ of the source
 *                   tree), an SMS resident walking the menus in a loop
 *                   (main menu -> report menu -> back ...), with a leg that
 *                   discards the actions, then with the SMS text rendered;
 *   sessions        10,000 SMS conversations left waiting at a menu and
 *                   persisted in a real store file (one commit per 500), the
 *                   peak resident memory before and after, and the file size;
 *   restore         sessions restored from the store and answered per second.
 * Usage: flow_bench FLOWS_DIR PROMPTS_DIR [SECONDS | --events N]; with
 * --events, a fixed number of events and nothing else (run it under
 * valgrind --tool=callgrind for an instruction count that does not depend on
 * the machine's load).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <limits.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/application.h>

#include "core/logging.h"
#include "flow/flow.h"
#include "store/store.h"

struct bench_leg {
	struct flow_leg leg;
	const struct flow_set *fs;
	struct flow_inst *fi;
	bool render;
	size_t bytes;
};

static unsigned long long fixed_events;	/* --events N: fixed work, no clock */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long peak_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void b_say(struct flow_leg *leg, const struct flow_item *items, unsigned n)
{
	struct bench_leg *b = (struct bench_leg *)leg;
	char *t;

	if (!b->render)
		return;
	t = flow_render_sms_items(NULL, b->fs, "en", items, n);
	b->bytes += strlen(t);
	talloc_free(t);
}

static void b_ask(struct flow_leg *leg, const struct flow_ask_out *ask)
{
	struct bench_leg *b = (struct bench_leg *)leg;
	char *t;

	if (!b->render)
		return;
	t = flow_render_sms_ask(NULL, b->fs, "en", ask);
	b->bytes += strlen(t);
	talloc_free(t);
}

/* Walk main menu -> report menu -> "9" back to the main menu, for secs. */
static void bench_transitions(const struct flow_set *fs, bool render, double secs)
{
	struct bench_leg b = { .leg = { .say = b_say, .ask = b_ask }, .fs = fs, .render = render };
	struct flow_inst_opts o = { .channel = FLOW_CH_SMS, .caller = "+15550000000", .entry = "main" };
	struct flow_inst *fi = flow_inst_new(NULL, fs, NULL, &b.leg, &o);
	unsigned long long events = 0;
	double t0, t;

	flow_inst_text(fi, "hi");
	t0 = now_s();
	if (fixed_events) {
		/* a fixed amount of work, for instruction counts (callgrind) */
		unsigned long long i;
		for (i = 0; i < fixed_events / 2; i++) {
			flow_inst_text(fi, "1");
			flow_inst_text(fi, "9");
		}
		printf("interpreter (%s): %llu events, %llu transitions (fixed work)\n",
		       render ? "SMS text rendered" : "actions discarded", fixed_events,
		       (unsigned long long)flow_inst_transitions(fi));
		talloc_free(fi);
		return;
	}
	do {
		unsigned i;
		for (i = 0; i < 1000; i++) {
			flow_inst_text(fi, "1");	/* report a problem */
			flow_inst_text(fi, "9");	/* back to the main menu */
		}
		events += 2000;
		t = now_s();
	} while (t - t0 < secs);
	printf("interpreter (%s): %.0f transitions/s, %.0f events/s (%llu transitions, position %s)\n",
	       render ? "SMS text rendered" : "actions discarded",
	       flow_inst_transitions(fi) / (t - t0), events / (t - t0),
	       (unsigned long long)flow_inst_transitions(fi), flow_inst_position(fi));
	talloc_free(fi);
}

static void bench_sessions(const struct flow_set *fs, const char *dir, unsigned n)
{
	struct bench_leg b = { .leg = { .say = b_say, .ask = b_ask }, .fs = fs };
	char *db = talloc_asprintf(NULL, "%s/sessions.db", dir);
	struct store *st = store_open(NULL, db, STORE_SYNC_FULL);
	long rss0 = peak_rss_kb(), rss1;
	double t0, t1;
	unsigned i, restored = 0;
	struct stat sb;

	t0 = now_s();
	store_begin(st);
	for (i = 0; i < n; i++) {
		struct flow_inst_opts o = { .channel = FLOW_CH_SMS, .entry = "main" };
		char caller[32], key[48];
		struct flow_inst *fi;
		uint8_t *blob;
		size_t len;

		snprintf(caller, sizeof(caller), "+1555%07u", i);
		snprintf(key, sizeof(key), "sms:%s", caller);
		o.caller = caller;
		fi = flow_inst_new(NULL, fs, st, &b.leg, &o);
		flow_inst_text(fi, "hi");
		flow_inst_text(fi, "1");
		flow_inst_save(fi, fi, &blob, &len);
		store_session_put(st, key, flow_inst_position(fi), blob, len);
		talloc_free(fi);
		if (i % 500 == 499) {
			store_commit(st);
			store_begin(st);
		}
	}
	store_commit(st);
	t1 = now_s();
	rss1 = peak_rss_kb();
	stat(db, &sb);
	printf("sessions: %u idle SMS sessions persisted in %.2f s (%.0f/s); peak RSS %ld kB -> %ld kB (+%ld kB for %u idle sessions: they live in the store, not in memory); database %.1f MB (%.0f bytes/session)\n",
	       n, t1 - t0, n / (t1 - t0), rss0, rss1, rss1 - rss0, n, sb.st_size / 1e6, (double)sb.st_size / n);

	/* answering: restore from the store, run, save back */
	t0 = now_s();
	store_begin(st);
	for (i = 0; i < n; i += 7) {
		char key[48];
		struct store_session *ss;
		struct flow_inst *fi;
		uint8_t *blob;
		size_t len;

		snprintf(key, sizeof(key), "sms:+1555%07u", i);
		if (store_session_get(st, NULL, key, &ss) < 0)
			continue;
		fi = flow_inst_restore(ss, fs, st, &b.leg, ss->blob, ss->blob_len);
		if (fi) {
			flow_inst_text(fi, "9");
			flow_inst_save(fi, fi, &blob, &len);
			store_session_put(st, key, flow_inst_position(fi), blob, len);
			restored++;
		}
		talloc_free(ss);
	}
	store_commit(st);
	t1 = now_s();
	printf("sessions: %u restored, answered and saved back in one transaction: %.0f/s\n",
	       restored, restored / (t1 - t0));
	store_close(st);
	unlink(db);
	talloc_free(db);
}

int main(int argc, char **argv)
{
	struct flow_load_opts lo = { 0 };
	struct flow_set *fs;
	char dir[PATH_MAX];
	double secs = argc > 3 ? atof(argv[3]) : 2.0;
	char *wal, *shm;

	if (argc < 3) {
		fprintf(stderr, "usage: flow_bench FLOWS_DIR PROMPTS_DIR [SECONDS | --events N]\n");
		return 2;
	}
	if (argc > 4 && !strcmp(argv[3], "--events")) {
		fixed_events = strtoull(argv[4], NULL, 10);
		secs = 0;
	}
	stoop_log_init(NULL, true);
	log_set_category_filter(osmo_stderr_target, DFLOW, 1, LOGL_ERROR);
	lo.flows_dir = argv[1];
	lo.prompts_dir = argv[2];
	if (flow_set_load(NULL, &lo, &fs, stderr))
		return 1;
	printf("flows: %u flows, %u states\n", flow_set_n_flows(fs), flow_set_n_states(fs));
	bench_transitions(fs, false, secs);
	bench_transitions(fs, true, secs);
	if (fixed_events)
		return 0;
	snprintf(dir, sizeof(dir), "%s/stoop-flow-bench.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	bench_sessions(fs, dir, 10000);
	wal = talloc_asprintf(NULL, "%s/sessions.db-wal", dir);
	shm = talloc_asprintf(NULL, "%s/sessions.db-shm", dir);
	unlink(wal);
	unlink(shm);
	rmdir(dir);
	return 0;
}
