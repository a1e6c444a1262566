/* sms.h -- the SMS channel's core, between the transports (sms/smpp.c, later
 * SIP MESSAGE) and the flows: what happens to one inbound text, and how
 * queued replies leave.
 *
 * A transport hands over each inbound message (sms_mo_receive()) inside a
 * batch (sms_batch_begin/commit): the message is stored, the transport-level
 * keywords (STOP, START, HELP) and the rate limit are applied, the resident's
 * flow session is run and saved, and every reply is queued -- all in the
 * batch's one transaction.  Only after sms_batch_commit() returned 0 may the
 * transport acknowledge the messages of the batch (deliver_sm_resp): nothing
 * acknowledged is ever lost.  Replies then leave through the transport's
 * submit() as the queue is drained (sms_sender_kick()).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct store;
struct flow_set;
struct sms_channel;
struct sms_concat;
struct store_sms_out;

struct sms_config {
	const char *entry;		/* entry flow of a new conversation */
	unsigned session_expiry_s;	/* an idle conversation ends after this */
	unsigned dedup_window_s;	/* same text, same number: processed once */
	unsigned rate_per_minute;	/* texts per number and minute; 0: no limit */
	unsigned parts_timeout_s;	/* wait this long for the parts of a long text */
	bool fold;			/* fold accents GSM 03.38 lacks (á -> a) */
};

/* The side of a transport the channel calls to send. */
struct sms_transport {
	const char *name;		/* "smpp:<name>", "sip" */
	/* Is there room to submit now (bound, window not full, not throttled)? */
	bool (*ready)(struct sms_transport *t);
	/* Submit one queued message (split into parts by the transport);
	 * report the outcome later with sms_out_result().  msg->via is this
	 * transport or NULL; msg->route what the inbound text's route was. */
	int (*submit)(struct sms_transport *t, const struct store_sms_out *msg);
	void *priv;
};

struct sms_mo {
	const char *transport;	/* the transport's name */
	const char *msg_ref;	/* a message id unique per transport, or NULL */
	const char *route;	/* where in the transport it came from (a SIP peer), or NULL */
	const char *from;	/* the resident's number */
	const char *text;	/* UTF-8 */
	const struct sms_concat *concat;	/* part of a long text, or NULL */
};

struct sms_channel *sms_channel_alloc(void *ctx, struct store *st, const struct flow_set *fs,
				      const struct sms_config *cfg);
void sms_channel_add_transport(struct sms_channel *sc, struct sms_transport *t);

int sms_batch_begin(struct sms_channel *sc);
/* Commit the batch; 0 means every message received in it may be
 * acknowledged.  On error nothing of the batch is kept: do not ack. */
int sms_batch_commit(struct sms_channel *sc);

/* One inbound message.  Returns 0 (stored; processed or waiting for its
 * other parts), -EEXIST (already had it: acknowledge, nothing else), or a
 * negative errno (not stored: do not acknowledge, the SMSC will retry). */
int sms_mo_receive(struct sms_channel *sc, const struct sms_mo *mo);

/* Send what is due (from the main loop, after a commit or a timer). */
void sms_sender_kick(struct sms_channel *sc);

enum sms_out_result {
	SMS_OUT_OK,		/* accepted; msg_ref is the SMSC's id(s) */
	SMS_OUT_TEMPORARY,	/* throttled, SMSC busy, link down: retry later */
	SMS_OUT_PERMANENT,	/* refused for good */
};
void sms_out_result(struct sms_channel *sc, int64_t out_id, enum sms_out_result res,
		    const char *msg_ref, const char *error);

/* A delivery receipt arrived for msg_ref. */
void sms_receipt(struct sms_channel *sc, const char *msg_ref, bool delivered, const char *detail);

/* Queue a notification (e.g. a case status change) to a number, unless it
 * opted out.  Commits on its own. */
int sms_notify(struct sms_channel *sc, const char *msisdn, const char *text, const char *reason);

/* Periodic work: parts that timed out, expired sessions.  Called by a
 * timer of the owner. */
void sms_channel_tick(struct sms_channel *sc);

struct sms_stats {
	uint64_t mo_in, mo_duplicate, mo_rate_limited, opt_outs, opt_ins, help;
	uint64_t mt_queued, mt_sent, mt_failed, mt_retried;
	uint64_t parts_in, parts_missing;
};
const struct sms_stats *sms_channel_stats(const struct sms_channel *sc);

/* sms/sms_notify.c: a case's status changed; queue one text to each
 * follower that has not opted out, in its language (inside the caller's
 * transaction).  Returns the number queued or a negative errno. */
int sms_case_status_notify(struct store *st, const struct flow_set *fs, uint64_t id, const char *status);
/* The same with a public note (Open311 status_notes) after "Note:"; NULL:
 * as sms_case_status_notify(). */
int sms_case_update_notify(struct store *st, const struct flow_set *fs, uint64_t id, const char *status,
			   const char *public_note);
/* The text of such an update, allocated under ctx. */
char *sms_case_update_text(void *ctx, const struct flow_set *fs, const char *lang, uint64_t id,
			   const char *status);
char *sms_case_update_text_note(void *ctx, const struct flow_set *fs, const char *lang, uint64_t id,
				const char *status, const char *note);
