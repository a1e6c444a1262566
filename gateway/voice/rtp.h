/* rtp.h -- RTP and RTCP for the voice channel (RFC 3550, RFC 4733).
 *
 * An engine owns the port range and the one clock: a single timerfd on
 * CLOCK_MONOTONIC, and every 20 ms one G.711 frame on every stream (the
 * frame the stream's owner gives, or silence), so all calls are paced from
 * one clock and none drifts (the clock ticks every 5 ms and each tick serves
 * a quarter of the streams; rtp.c says why).  A stream is one call's RTP
 * socket (even port) and RTCP socket (port + 1), watched by the engine's
 * epoll set, one osmo_fd in the main loop.  It sends to where the caller's
 * packets come from (symmetric RTP) once the first valid packet arrived, to
 * the SDP address before; packets from elsewhere are dropped after that.
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
	 * type) to send now; return false to send silence.  Not called while
	 * nothing is sent (no remote yet, on hold). */
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
/* Frees every stream too (each sends its RTCP BYE).  Not from inside one of
 * the engine's callbacks. */
void rtp_engine_free(struct rtp_engine *e);

/* A new stream on the next free port pair; NULL when the range is used up
 * (errno EADDRINUSE) or a socket failed. */
struct rtp_stream *rtp_stream_alloc(struct rtp_engine *e, const struct rtp_stream_ops *ops, void *priv);
uint16_t rtp_stream_local_port(const struct rtp_stream *s);
/* Where to send (from the SDP), the payload type to send (0 PCMU, 8 PCMA)
 * and the telephone-event payload type (-1: none).  May be called again
 * (re-INVITE; a new address ends the latch of symmetric RTP); 0.0.0.0 or
 * a=sendonly/inactive on hold: pass hold true and nothing is sent until it
 * is false again (the first frame after has the marker bit).  -EINVAL for
 * another payload type or no IP address, -EAFNOSUPPORT for an address of
 * the other family than the engine's. */
int rtp_stream_set_remote(struct rtp_stream *s, const char *ip, uint16_t port, int pt, int dtmf_pt,
			  bool hold);
/* Look for in-band DTMF in what is received (spandsp dtmf_rx). */
void rtp_stream_set_inband_dtmf(struct rtp_stream *s, bool on);
/* Close the sockets (an RTCP BYE is sent first) and free.  May be called
 * from the stream's own callbacks: the memory then goes when the engine's
 * callback returns. */
void rtp_stream_free(struct rtp_stream *s);

struct rtp_stream_stats {
	uint64_t sent, received;	/* RTP packets */
	uint64_t bad;			/* malformed, unknown payload type, from
					 * elsewhere than the latched source */
	uint64_t lost;			/* sequence gaps, less late arrivals */
	uint64_t dtmf_events;		/* digits reported, from either source */
	uint64_t dtmf_duplicates;	/* RFC 4733 packets of a digit already reported */
	uint32_t ssrc_out, ssrc_in;
};
const struct rtp_stream_stats *rtp_stream_stats(const struct rtp_stream *s);

struct rtp_engine_stats {
	uint64_t ticks;			/* clock expirations, every 5 ms */
	uint64_t late_ticks;		/* times the loop read more than one at once */
	uint64_t frames_sent;
	unsigned streams;
	unsigned max_tick_us;		/* the longest time spent in one tick */
};
const struct rtp_engine_stats *rtp_engine_stats(const struct rtp_engine *e);
