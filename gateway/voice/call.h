/* call.h -- the voice channel: each SIP call (voice/sip.c) gets an RTP
 * stream (voice/rtp.c) and a flow instance, and the channel turns one into
 * the other: prompts from the shared table (voice/prompts.c) are played
 * into the stream, digits from RFC 4733, SIP INFO and in-band tones go to
 * the flow (barge-in: the first one stops the prompt), recordings are
 * written with voice/record.c.  The called number selects the entry flow.
 * Implemented in voice/call.c; configured by the `voice` node
 * (voice/voice_vty.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/linuxlist.h>

#include "voice/sip.h"
#include "voice/rtp.h"

struct store;
struct flow_set;
struct sms_channel;
struct voice_prompts;
struct voice_channel;
struct vty;

/* `route NUMBER ENTRY` (called number) and `route diverted NUMBER ENTRY`
 * (the number the call was diverted from: Diversion / History-Info). */
struct voice_route {
	struct llist_head list;
	char *number;
	char *entry;			/* "flow" or "flow.state" */
	bool diverted;
	char *where;			/* "stoop.cfg:12", for start-up errors */
};

struct voice_config {
	struct sip_ua_config sip;	/* peers: a talloc array */
	struct rtp_engine_config rtp;
	const char *entry;		/* when no route matches */
	struct llist_head routes;	/* struct voice_route */
	const char *recordings_dir;
	bool inband_dtmf;		/* look for DTMF tones in the audio too */
	unsigned dtmf_dedup_ms;		/* one key from two sources within this: once */
	struct llist_head agents;	/* struct voice_agent (voice/transfer.h) */
	const char *transfer_header;	/* carries the context: "User-to-User" (hex) or another */
	unsigned transfer_timeout_ms;	/* REFER to final NOTIFY, else the fallback */
	unsigned answer_delay_ms;	/* ring (180) this long before the 200; 0: answer at once */
};

#define VOICE_DEFAULT_RTP_MIN		16384
#define VOICE_DEFAULT_RTP_MAX		32767
#define VOICE_DEFAULT_MAX_CALLS		2000
#define VOICE_DEFAULT_DTMF_DEDUP_MS	400
#define VOICE_DEFAULT_TRANSFER_TIMEOUT_MS 15000

/* cfg (its routes and agents) is read while the channel lives: it must
 * outlive it (stoopd's is g_app->cfg.voice). */
struct voice_channel *voice_channel_alloc(void *ctx, struct store *st, const struct flow_set *fs,
					  const struct voice_prompts *vp, struct sms_channel *sms,
					  const struct voice_config *cfg);
/* Check the routes against the flow set; every problem is logged with its
 * config line.  Returns the number of problems. */
int voice_channel_check(const struct voice_channel *vc);
/* The channel's SIP user agent (to share its port: voice/sip.h sip_ua_host). */
struct sip_ua *voice_channel_sip(struct voice_channel *vc);
/* Open the SIP socket and start the RTP clock (glib_loop_init() first). */
int voice_channel_start(struct voice_channel *vc);
/* Hang up every call and stop SIP; voice_channel_stopped() says when. */
void voice_channel_shutdown(struct voice_channel *vc);
bool voice_channel_stopped(const struct voice_channel *vc);

/* The entry for a call to `called`, diverted from `diverted_from` (NULL). */
const char *voice_route_entry(const struct voice_channel *vc, const char *called,
			      const char *diverted_from);

struct voice_stats {
	uint64_t calls, completed, hangups, refused;
	uint64_t abandoned_ringing;	/* ended before the answer: no flow ran */
	uint64_t digits_rfc4733, digits_info, digits_inband, digits_duplicate, barge_ins;
	uint64_t recordings, recording_errors, prompts_missing;
	uint64_t transfers, transfers_ok, transfers_failed, transfers_timeout, transfers_unavailable;
	unsigned active;		/* calls up, ringing ones too */
	unsigned ringing;
};
const struct voice_stats *voice_channel_stats(const struct voice_channel *vc);
/* `show calls` on the console. */
void voice_channel_show(const struct voice_channel *vc, struct vty *vty);
