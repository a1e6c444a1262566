/* rtp.h -- RTP and RTCP for the voice channel (RFC 3550, RFC 4733).
 *
 * An engine owns the port range and the one clock: a single timerfd on
 * CLOCK_MONOTONIC ticks every 20 ms, and each tick sends one G.711 frame on
 * every stream (the frame the stream's owner gives, or silence), so all
 * calls are paced from one clock and none drifts.  A stream is one call's
 * RTP socket (even port) and RTCP socket (port + 1), both osmo_fds in the
 * main loop.  It sends to where the caller's packets come from (symmetric
 * RTP) once the first valid packet arrived, to the SDP address before.
 *
 * What comes in is handed to the owner: decoded audio (for recordings and
 * in-band DTMF), RFC 4733 digits (once per event, on its first packet,
 * duplicates and retransmitted end packets ignored, a lost end packet
 * handled), and in-band digits found by spandsp's DTMF detector.  The owner
 * (voice/call.c) decides what a digit means and drops a digit that one
 * source already gave.  Implemented in voice/rtp.c.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct rtp_engine;
struct rtp_stream;

enum rtp_dtmf_source {
	RTP_DTMF_RFC4733,
	RTP_DTMF_INBAND,
};

struct rtp_stream_ops {
	/* Fill one 20 ms frame (160 bytes, encoded in the stream's payload
	 * type) to send now; return false to send silence. */
	bool (*fill)(struct rtp_stream *s, uint8_t *frame, void *priv);
	/* 160 decoded samples received (in arrival order; lost packets are
	 * not filled in). */
	void (*audio)(struct rtp_stream *s, const int16_t *pcm, unsigned n, void *priv);
	/* A digit began ('0'..'9', '*', '#', 'A'..'D'). */
	void (*dtmf)(struct rtp_stream *s, char key, enum rtp_dtmf_source src, void *priv);
};

struct rtp_engine_config {
	const char *local_ip;		/* address the sockets bind to */
	uint16_t port_min, port_max;	/* even ports from this range */
};

struct rtp_engine *rtp_engine_alloc(void *ctx, const struct rtp_engine_config *cfg);
/* Start the clock (called once the main loop runs). */
int rtp_engine_start(struct rtp_engine *e);
void rtp_engine_free(struct rtp_engine *e);

/* A new stream on the next free port pair; NULL when the range is used up
 * (errno EADDRINUSE) or a socket failed. */
struct rtp_stream *rtp_stream_alloc(struct rtp_engine *e, const struct rtp_stream_ops *ops, void *priv);
uint16_t rtp_stream_local_port(const struct rtp_stream *s);
/* Where to send (from the SDP), the payload type to send (0 PCMU, 8 PCMA)
 * and the telephone-event payload type (-1: none).  May be called again
 * (re-INVITE); 0.0.0.0 or a=sendonly/inactive on hold: pass hold true and
 * nothing is sent until it is false again. */
int rtp_stream_set_remote(struct rtp_stream *s, const char *ip, uint16_t port, int pt, int dtmf_pt,
			  bool hold);
/* Look for in-band DTMF in what is received (spandsp dtmf_rx). */
void rtp_stream_set_inband_dtmf(struct rtp_stream *s, bool on);
/* Close the sockets (an RTCP BYE is sent first) and free. */
void rtp_stream_free(struct rtp_stream *s);

struct rtp_stream_stats {
	uint64_t sent, received, bad, lost, dtmf_events, dtmf_duplicates;
	uint32_t ssrc_out, ssrc_in;
};
const struct rtp_stream_stats *rtp_stream_stats(const struct rtp_stream *s);

struct rtp_engine_stats {
	uint64_t ticks, late_ticks, frames_sent;
	unsigned streams, max_tick_us;
};
const struct rtp_engine_stats *rtp_engine_stats(const struct rtp_engine *e);
