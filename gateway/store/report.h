/* report.h -- the supervisor's figures, read from the store: volumes by
 * channel, service and language (today and since a date), containment, the
 * drop-off funnel, open callbacks, active announcements, the median time
 * to file a report per channel and the SMS cost in segments.
 *
 * store/report.c computes them (read-only SQL, parameters bound); they are
 * rendered by report/ (stoopctl report's text and CSV, the dashboard's
 * HTML), so every view shows the same numbers.  Kept apart from store.h
 * because nothing on a call's or a text's path needs it.
 */
#pragma once

#include <stdint.h>

struct store;

/* One row of a volume table: cases filed today and since the start. */
struct store_report_volume {
	char *key;		/* channel, service_code or language ("-" for none) */
	unsigned today;
	unsigned since;
};

/* Sessions that ended since the start, by channel ("all" first). */
struct store_report_containment {
	char *channel;
	unsigned sessions;	/* ended (any outcome) */
	unsigned transferred;	/* handed to an agent */
	unsigned contained;	/* sessions - transferred */
};

/* Where residents left: sessions that ended by a hang-up (voice) or ran
 * out of time (SMS), by their last flow.state, most first. */
struct store_report_dropoff {
	char *position;
	unsigned hangups;
	unsigned expired;
	unsigned total;
};

/* From the start of the session to the case being filed. */
struct store_report_ttf {
	char *channel;
	unsigned cases;		/* cases matched to their session */
	int64_t median_s;
};

struct store_report {
	int64_t now, since, today;	/* unix seconds; today = local midnight */

	struct store_report_volume *by_channel, *by_service, *by_lang;
	unsigned n_by_channel, n_by_service, n_by_lang;
	unsigned cases_today, cases_since;

	struct store_report_containment *containment;	/* [0] is "all" */
	unsigned n_containment;

	struct store_report_dropoff *dropoff;
	unsigned n_dropoff;

	unsigned open_callbacks;	/* kind callback, not closed */
	int active_announcements;	/* -1: this store has no announcements */
	char *announcement;		/* the active one's name, or NULL */

	struct store_report_ttf *ttf;
	unsigned n_ttf;

	unsigned sms_out;		/* texts queued since the start */
	unsigned sms_segments;		/* the SMS segments they take */
};

/* The figures for [since, now) ("today" from the local midnight before
 * now), allocated under ctx.  0, -EINVAL, -ENOMEM or -EIO (logged). */
int store_report(struct store *st, void *ctx, int64_t now, int64_t since,
		 struct store_report **out);

/* Containment as a percentage with one decimal, times ten (1000 = 100.0%);
 * -1 without sessions. */
int store_report_permille(unsigned part, unsigned whole);
