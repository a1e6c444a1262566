/* stats.c -- the counters and gauges of stoopd (core/stats.h): one
 * rate_ctr group "stoop" and one osmo_stat_item group "stoop", their
 * descriptions, the hooks that bump them, and their rendering as
 * Prometheus text.
 *
 * The groups are libosmocore's, so everything libosmocore does with
 * counters works on them unchanged: `show rate-counters` and `show stats`
 * on the console, and the statsd (or log) reporter configured with
 * `stats reporter statsd` (libosmovty's stats_vty, added in core/main.c).
 * The events are counted where they happen -- sms/, voice/call.c,
 * flow/interp.c, store/ -- each by a one-line stoop_ctr_inc(); nothing
 * here knows the channels.
 *
 * Prometheus wants families with labels (stoop_calls_total{event="taken"})
 * where libosmocore has flat names ("calls:taken"): prom_ctr[] maps each
 * counter to its family and label value, and the families' members are
 * contiguous in enum stoop_ctr so that each "# TYPE" line is printed once.
 * The gauges that live elsewhere (calls up, sessions and queue in the
 * store) are read through the refresh callback stoopd registers.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>

#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stat_item.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "core/stats.h"

static const struct rate_ctr_desc ctr_desc[_STOOP_CTR_NUM] = {
	[STOOP_CTR_CALLS_TAKEN] = { "calls:taken", "Calls taken (rang or answered)" },
	[STOOP_CTR_CALLS_COMPLETED] = { "calls:completed", "Calls whose flow ended other than by a hang-up" },
	[STOOP_CTR_CALLS_HANGUP] = { "calls:hangup", "Calls the caller hung up during the flow" },
	[STOOP_CTR_CALLS_REFUSED] = { "calls:refused", "Calls refused (403, 503, 488)" },
	[STOOP_CTR_SMS_IN_SMPP] = { "sms:in:smpp", "Texts received from an SMSC (deliver_sm)" },
	[STOOP_CTR_SMS_IN_SIP] = { "sms:in:sip", "Texts received by SIP MESSAGE and accepted" },
	[STOOP_CTR_SMS_OUT_SMPP] = { "sms:out:smpp", "Texts handed to an SMSC" },
	[STOOP_CTR_SMS_OUT_SIP] = { "sms:out:sip", "Texts sent by SIP MESSAGE" },
	[STOOP_CTR_SEGMENTS_SMPP] = { "sms:segments:smpp", "SMS segments submitted to an SMSC" },
	[STOOP_CTR_SEGMENTS_SIP] = { "sms:segments:sip", "SMS segments the texts sent by SIP would take" },
	[STOOP_CTR_CASES_CREATED] = { "cases:created", "Cases filed" },
	[STOOP_CTR_CASES_JOINED] = { "cases:joined", "Reports that joined an open case" },
	[STOOP_CTR_CALLBACKS_BOOKED] = { "callbacks:booked", "Callbacks booked" },
	[STOOP_CTR_TRANSFERS_ASKED] = { "transfers:asked", "Transfers to an agent asked for" },
	[STOOP_CTR_TRANSFERS_OK] = { "transfers:ok", "Transfers that reached an agent" },
	[STOOP_CTR_TRANSFERS_FAILED] = { "transfers:failed", "Transfers refused or failed" },
	[STOOP_CTR_TRANSFERS_TIMEOUT] = { "transfers:timeout", "Transfers with no answer in time" },
	[STOOP_CTR_TRANSFERS_UNAVAILABLE] = { "transfers:unavailable", "Transfers with no agent line" },
	[STOOP_CTR_OPT_OUTS] = { "sms:opt-outs", "Numbers that opted out (STOP)" },
	[STOOP_CTR_OPT_INS] = { "sms:opt-ins", "Opt-ins (START, UNSTOP)" },
	[STOOP_CTR_ERR_STORE] = { "errors:store", "Store (SQLite) errors" },
	[STOOP_CTR_ERR_SMPP] = { "errors:smpp", "SMPP errors (submit refused, bind failed, malformed)" },
	[STOOP_CTR_ERR_SIP_SMS] = { "errors:sip-sms", "SIP MESSAGE errors (refused for good, not stored)" },
	[STOOP_CTR_ERR_PROMPT_MISSING] = { "errors:prompt-missing", "Prompts to play that were not loaded" },
	[STOOP_CTR_ERR_RECORDING] = { "errors:recording", "Recordings that could not be written" },
	[STOOP_CTR_ERR_FLOW] = { "errors:flow", "Flows that ended in an error" },
	[STOOP_CTR_API_2XX] = { "api:2xx", "Open311 API requests answered 2xx" },
	[STOOP_CTR_API_4XX] = { "api:4xx", "Open311 API requests answered 4xx (but 429 and key refusals)" },
	[STOOP_CTR_API_5XX] = { "api:5xx", "Open311 API requests answered 5xx" },
	[STOOP_CTR_API_RATE_LIMITED] = { "api:rate-limited", "Open311 API requests refused with 429" },
	[STOOP_CTR_API_KEY_REFUSED] = { "api:key-refused", "Open311 API requests with no or a bad api_key" },
};

static const struct rate_ctr_group_desc ctrg_desc = {
	.group_name_prefix = "stoop",
	.group_description = "Stoop 311 gateway",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(ctr_desc),
	.ctr_desc = ctr_desc,
};

static const struct osmo_stat_item_desc gauge_desc[_STOOP_GAUGE_NUM] = {
	[STOOP_GAUGE_CALLS_ACTIVE] = { "calls:active", "Calls up (ringing ones too)",
				       OSMO_STAT_ITEM_NO_UNIT, 0, 0 },
	[STOOP_GAUGE_SMS_SESSIONS] = { "sms:sessions", "SMS conversations in progress",
				       OSMO_STAT_ITEM_NO_UNIT, 0, 0 },
	[STOOP_GAUGE_SMS_QUEUED] = { "sms:queued", "Texts waiting in the outbound queue",
				     OSMO_STAT_ITEM_NO_UNIT, 0, 0 },
};

static const struct osmo_stat_item_group_desc statg_desc = {
	.group_name_prefix = "stoop",
	.group_description = "Stoop 311 gateway",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_items = ARRAY_SIZE(gauge_desc),
	.item_desc = gauge_desc,
};

/* A Prometheus family: its metric name, the label its members differ by
 * (NULL: a family of one), and its help line. */
struct prom_family {
	const char *name;
	const char *label;
	const char *help;
};

enum prom_fam {
	FAM_CALLS,
	FAM_SMS_IN,
	FAM_SMS_OUT,
	FAM_SEGMENTS,
	FAM_CASES,
	FAM_CALLBACKS,
	FAM_TRANSFERS,
	FAM_OPT_OUTS,
	FAM_OPT_INS,
	FAM_ERRORS,
	FAM_API,
};

static const struct prom_family prom_fams[] = {
	[FAM_CALLS] = { "stoop_calls_total", "event", "Calls by what happened to them." },
	[FAM_SMS_IN] = { "stoop_sms_in_total", "transport", "Texts received, by transport." },
	[FAM_SMS_OUT] = { "stoop_sms_out_total", "transport", "Texts sent, by transport." },
	[FAM_SEGMENTS] = { "stoop_sms_segments_sent_total", "transport",
			   "SMS segments sent (the cost of texting), by transport." },
	[FAM_CASES] = { "stoop_cases_total", "event", "Reports filed as new cases or joined to open ones." },
	[FAM_CALLBACKS] = { "stoop_callbacks_booked_total", NULL, "Callbacks booked." },
	[FAM_TRANSFERS] = { "stoop_transfers_total", "result", "Transfers to an agent, by result." },
	[FAM_OPT_OUTS] = { "stoop_sms_optouts_total", NULL, "Numbers that opted out of texts." },
	[FAM_OPT_INS] = { "stoop_sms_optins_total", NULL, "Numbers that opted in again." },
	[FAM_ERRORS] = { "stoop_errors_total", "kind", "Errors, by kind." },
	[FAM_API] = { "stoop_api_requests_total", "result", "Open311 API requests, by how they were answered." },
};

static const struct {
	enum prom_fam fam;
	const char *value;	/* the label's value; NULL for a family of one */
} prom_ctr[_STOOP_CTR_NUM] = {
	[STOOP_CTR_CALLS_TAKEN] = { FAM_CALLS, "taken" },
	[STOOP_CTR_CALLS_COMPLETED] = { FAM_CALLS, "completed" },
	[STOOP_CTR_CALLS_HANGUP] = { FAM_CALLS, "hangup" },
	[STOOP_CTR_CALLS_REFUSED] = { FAM_CALLS, "refused" },
	[STOOP_CTR_SMS_IN_SMPP] = { FAM_SMS_IN, "smpp" },
	[STOOP_CTR_SMS_IN_SIP] = { FAM_SMS_IN, "sip" },
	[STOOP_CTR_SMS_OUT_SMPP] = { FAM_SMS_OUT, "smpp" },
	[STOOP_CTR_SMS_OUT_SIP] = { FAM_SMS_OUT, "sip" },
	[STOOP_CTR_SEGMENTS_SMPP] = { FAM_SEGMENTS, "smpp" },
	[STOOP_CTR_SEGMENTS_SIP] = { FAM_SEGMENTS, "sip" },
	[STOOP_CTR_CASES_CREATED] = { FAM_CASES, "created" },
	[STOOP_CTR_CASES_JOINED] = { FAM_CASES, "joined" },
	[STOOP_CTR_CALLBACKS_BOOKED] = { FAM_CALLBACKS, NULL },
	[STOOP_CTR_TRANSFERS_ASKED] = { FAM_TRANSFERS, "asked" },
	[STOOP_CTR_TRANSFERS_OK] = { FAM_TRANSFERS, "ok" },
	[STOOP_CTR_TRANSFERS_FAILED] = { FAM_TRANSFERS, "failed" },
	[STOOP_CTR_TRANSFERS_TIMEOUT] = { FAM_TRANSFERS, "timeout" },
	[STOOP_CTR_TRANSFERS_UNAVAILABLE] = { FAM_TRANSFERS, "unavailable" },
	[STOOP_CTR_OPT_OUTS] = { FAM_OPT_OUTS, NULL },
	[STOOP_CTR_OPT_INS] = { FAM_OPT_INS, NULL },
	[STOOP_CTR_ERR_STORE] = { FAM_ERRORS, "store" },
	[STOOP_CTR_ERR_SMPP] = { FAM_ERRORS, "smpp" },
	[STOOP_CTR_ERR_SIP_SMS] = { FAM_ERRORS, "sip_sms" },
	[STOOP_CTR_ERR_PROMPT_MISSING] = { FAM_ERRORS, "prompt_missing" },
	[STOOP_CTR_ERR_RECORDING] = { FAM_ERRORS, "recording" },
	[STOOP_CTR_ERR_FLOW] = { FAM_ERRORS, "flow" },
	[STOOP_CTR_API_2XX] = { FAM_API, "2xx" },
	[STOOP_CTR_API_4XX] = { FAM_API, "4xx" },
	[STOOP_CTR_API_5XX] = { FAM_API, "5xx" },
	[STOOP_CTR_API_RATE_LIMITED] = { FAM_API, "rate_limited" },
	[STOOP_CTR_API_KEY_REFUSED] = { FAM_API, "key_refused" },
};

static const struct {
	const char *name;
	const char *help;
} prom_gauge[_STOOP_GAUGE_NUM] = {
	[STOOP_GAUGE_CALLS_ACTIVE] = { "stoop_calls_active", "Calls up now (ringing ones too)." },
	[STOOP_GAUGE_SMS_SESSIONS] = { "stoop_sms_sessions", "SMS conversations in progress." },
	[STOOP_GAUGE_SMS_QUEUED] = { "stoop_sms_queued", "Texts waiting in the outbound queue." },
};

static struct {
	struct rate_ctr_group *ctrg;
	struct osmo_stat_item_group *statg;
	stoop_gauge_refresh_fn refresh;
	void *refresh_data;
} stats;

int stoop_stats_init(void *ctx, stoop_gauge_refresh_fn refresh, void *data)
{
	if (stats.ctrg)
		return 0;
	stats.ctrg = rate_ctr_group_alloc(ctx, &ctrg_desc, 0);
	if (!stats.ctrg)
		return -ENOMEM;
	stats.statg = osmo_stat_item_group_alloc(ctx, &statg_desc, 0);
	if (!stats.statg) {
		rate_ctr_group_free(stats.ctrg);
		stats.ctrg = NULL;
		return -ENOMEM;
	}
	stats.refresh = refresh;
	stats.refresh_data = data;
	return 0;
}

void stoop_stats_fini(void)
{
	if (stats.ctrg)
		rate_ctr_group_free(stats.ctrg);
	if (stats.statg)
		osmo_stat_item_group_free(stats.statg);
	stats.ctrg = NULL;
	stats.statg = NULL;
	stats.refresh = NULL;
}

void stoop_ctr_inc(enum stoop_ctr ctr)
{
	if (stats.ctrg)
		rate_ctr_inc2(stats.ctrg, ctr);
}

void stoop_ctr_add(enum stoop_ctr ctr, unsigned n)
{
	if (stats.ctrg)
		rate_ctr_add(rate_ctr_group_get_ctr(stats.ctrg, ctr), (int)n);
}

void stoop_gauge_set(enum stoop_gauge g, int64_t val)
{
	if (!stats.statg)
		return;
	if (val > INT32_MAX)
		val = INT32_MAX;
	osmo_stat_item_set(osmo_stat_item_group_get_item(stats.statg, g), (int32_t)val);
}

uint64_t stoop_ctr_get(enum stoop_ctr ctr)
{
	if (!stats.ctrg)
		return 0;
	return rate_ctr_group_get_ctr(stats.ctrg, ctr)->current;
}

int64_t stoop_gauge_get(enum stoop_gauge g)
{
	if (!stats.statg)
		return 0;
	return osmo_stat_item_get_last(osmo_stat_item_group_get_item(stats.statg, g));
}

char *stoop_metrics_prometheus(void *ctx)
{
	char *out = talloc_strdup(ctx, "");
	int fam = -1;
	unsigned i;

	if (stats.refresh)
		stats.refresh(stats.refresh_data);
	for (i = 0; out && i < _STOOP_CTR_NUM; i++) {
		const struct prom_family *f = &prom_fams[prom_ctr[i].fam];

		if ((int)prom_ctr[i].fam != fam) {
			fam = prom_ctr[i].fam;
			out = talloc_asprintf_append(out, "# HELP %s %s\n# TYPE %s counter\n",
						     f->name, f->help, f->name);
		}
		if (!out)
			break;
		if (f->label)
			out = talloc_asprintf_append(out, "%s{%s=\"%s\"} %" PRIu64 "\n", f->name,
						     f->label, prom_ctr[i].value, stoop_ctr_get(i));
		else
			out = talloc_asprintf_append(out, "%s %" PRIu64 "\n", f->name, stoop_ctr_get(i));
	}
	for (i = 0; out && i < _STOOP_GAUGE_NUM; i++)
		out = talloc_asprintf_append(out, "# HELP %s %s\n# TYPE %s gauge\n%s %" PRId64 "\n",
					     prom_gauge[i].name, prom_gauge[i].help, prom_gauge[i].name,
					     prom_gauge[i].name, stoop_gauge_get(i));
	return out;
}
