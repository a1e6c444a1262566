/* stats.h -- stoopd's counters and gauges: one libosmocore rate_ctr group
 * and one osmo_stat_item group that core/stats.c owns, the one-line hooks
 * the channels, the interpreter and the store call where an event happens,
 * and the Prometheus text rendering of both (for /metrics and the
 * console's `show metrics`).  Export to statsd is libosmocore's own
 * reporter (`stats reporter statsd` in stoop.cfg).
 *
 * Before stoop_stats_init() every hook does nothing, so stoop-sim, stoopctl
 * and the unit tests that never call it count nothing and need nothing.
 */
#pragma once

#include <stdint.h>

/* Counters.  Members of one Prometheus family are contiguous. */
enum stoop_ctr {
	STOOP_CTR_CALLS_TAKEN,		/* a call rang or was answered */
	STOOP_CTR_CALLS_COMPLETED,	/* its flow ended other than by a hang-up */
	STOOP_CTR_CALLS_HANGUP,		/* the caller hung up during the flow */
	STOOP_CTR_CALLS_REFUSED,	/* 403 / 503 / 488 */
	STOOP_CTR_SMS_IN_SMPP,		/* deliver_sm with a text (not receipts) */
	STOOP_CTR_SMS_IN_SIP,		/* MESSAGE accepted (202) */
	STOOP_CTR_SMS_OUT_SMPP,		/* messages handed to an SMSC */
	STOOP_CTR_SMS_OUT_SIP,		/* MESSAGEs sent */
	STOOP_CTR_SEGMENTS_SMPP,	/* submit_sm sent (one per part) */
	STOOP_CTR_SEGMENTS_SIP,		/* the parts an SMS of that text would take */
	STOOP_CTR_CASES_CREATED,
	STOOP_CTR_CASES_JOINED,		/* a report joined an open case */
	STOOP_CTR_CALLBACKS_BOOKED,
	STOOP_CTR_TRANSFERS_ASKED,
	STOOP_CTR_TRANSFERS_OK,
	STOOP_CTR_TRANSFERS_FAILED,
	STOOP_CTR_TRANSFERS_TIMEOUT,
	STOOP_CTR_TRANSFERS_UNAVAILABLE,	/* no agent line for the queue */
	STOOP_CTR_OPT_OUTS,
	STOOP_CTR_OPT_INS,
	STOOP_CTR_ERR_STORE,		/* an SQLite statement failed */
	STOOP_CTR_ERR_SMPP,		/* submit refused, bind failed, malformed PDU */
	STOOP_CTR_ERR_SIP_SMS,		/* MESSAGE refused for good, or not stored */
	STOOP_CTR_ERR_PROMPT_MISSING,	/* a prompt to play was not loaded */
	STOOP_CTR_ERR_RECORDING,	/* a recording could not be written */
	STOOP_CTR_ERR_FLOW,		/* a flow ended with outcome "error" */
	STOOP_CTR_API_2XX,		/* Open311 API and pages: answered 2xx */
	STOOP_CTR_API_4XX,		/* 4xx but the two below */
	STOOP_CTR_API_5XX,
	STOOP_CTR_API_RATE_LIMITED,	/* 429 */
	STOOP_CTR_API_KEY_REFUSED,	/* 403: no, a wrong or a revoked api_key */
	_STOOP_CTR_NUM
};

/* Gauges: what is in progress now. */
enum stoop_gauge {
	STOOP_GAUGE_CALLS_ACTIVE,	/* calls up, ringing ones too */
	STOOP_GAUGE_SMS_SESSIONS,	/* SMS conversations in the store */
	STOOP_GAUGE_SMS_QUEUED,		/* texts waiting in the outbound queue */
	_STOOP_GAUGE_NUM
};

/* Called right before gauges are read (rendering, and every few seconds
 * for statsd): fills in the gauges it can only read from elsewhere. */
typedef void (*stoop_gauge_refresh_fn)(void *data);

/* Allocate the groups under ctx (rate_ctr and stat_item must be initialised:
 * osmo_stats_init(), rate_ctr_init()).  refresh may be NULL.  0 or -ENOMEM. */
int stoop_stats_init(void *ctx, stoop_gauge_refresh_fn refresh, void *data);
/* Free the groups; the hooks do nothing again. */
void stoop_stats_fini(void);

void stoop_ctr_inc(enum stoop_ctr ctr);
void stoop_ctr_add(enum stoop_ctr ctr, unsigned n);
void stoop_gauge_set(enum stoop_gauge g, int64_t val);

/* Current values (0 before stoop_stats_init()), for tests and the console. */
uint64_t stoop_ctr_get(enum stoop_ctr ctr);
int64_t stoop_gauge_get(enum stoop_gauge g);

/* Every counter and gauge in the Prometheus text exposition format
 * (version 0.0.4): "# HELP", "# TYPE", then one sample a line, e.g.
 * stoop_calls_total{event="taken"} 3.  Gauges are refreshed first.
 * Allocated under ctx; NULL when out of memory. */
char *stoop_metrics_prometheus(void *ctx);
