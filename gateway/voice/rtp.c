/* rtp.c -- the voice channel's RTP and RTCP (RFC 3550), DTMF from RFC 4733
 * events and from in-band tones.  Owns the port range, the sockets, the
 * one 20 ms clock, packet validation and the per-stream counters.  It does
 * not own what is played (the stream's owner fills each frame, usually
 * from voice/prompts.c's pre-encoded prompts), nor SDP (voice/sip.c parses
 * it and calls rtp_stream_set_remote()), nor what a digit means
 * (voice/call.c and the flow).
 *
 * Pacing: one timerfd on CLOCK_MONOTONIC is the only clock.  It expires
 * every 5 ms: the streams are spread over the four 5 ms phases of the 20 ms
 * frame period (a new stream joins the emptiest), and each expiration sends
 * one frame on every stream of its phase.  2,000 calls are then four bursts
 * of 500 packets, not one of 2,000: a stream's send time owes less to the
 * streams sent before it, and the loop reads what came in between bursts
 * (rtp_bench measured p99 jitter 0.6 ms this way against 0.9-2.1 ms with
 * one 20 ms burst, at the same CPU).  When the loop was late the timerfd
 * reports several expirations; each phase whose turn came sends one frame
 * per 20 ms it owes (at most RTP_CATCH_UP; beyond that the timestamp jumps
 * as if the frames were lost), so RTP timestamps follow the clock and no
 * stream drifts.  Nothing is allocated per packet.
 *
 * Receiving: the streams' sockets are in one epoll set of the engine's, and
 * that set is the one osmo_fd libosmocore's loop watches for them.
 * libosmocore 1.7's loop polls every registered descriptor on every turn
 * and finds the osmo_fd of each ready one by walking its whole list
 * (osmo_fd_get_by_fd(); indexed only from 1.10), so 4,000 registered
 * sockets cost O(n) per turn and per packet: tests/bench/rtp_bench.c saw 2,000
 * calls miss their 20 ms ticks by up to 100 ms that way.  With the set, a
 * turn costs the same with 10 calls or 2,000, and a packet costs one
 * epoll_wait() share and one recvmmsg().
 *
 * Symmetric RTP: the first valid packet after an address from the SDP
 * latches the stream to its source; from then on frames go there and
 * packets from anywhere else are dropped (counted as bad), so a stray or
 * forged packet cannot move the call or inject digits.  A new address from
 * the SDP (re-INVITE) unlatches.
 *
 * Freeing a stream from inside one of its own callbacks (a digit ends the
 * call) is allowed: while the engine is inside the tick or a receive
 * callback, rtp_stream_free() closes the sockets at once and leaves the
 * memory to be reaped when the engine's own callback returns.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

/* spandsp.h is the header spandsp supports including (its parts need each
 * other); it also pulls in tiffio.h, from libtiff-dev. */
#include <spandsp.h>

#include "core/logging.h"
#include "voice/rtp.h"

#define RTP_FRAME_SAMPLES	160		/* 20 ms at 8 kHz */
#define RTP_PHASES		4		/* the 20 ms frame period in 4 phases */
#define RTP_TICK_NS		(20000000L / RTP_PHASES)
#define RTP_HDR_LEN		12
#define RTP_CATCH_UP		5		/* frames per stream per tick at most */
#define RTP_RX_BATCH		16		/* datagrams per recvmmsg() */
#define RTP_RX_ROUNDS		4		/* recvmmsg() calls per wake-up: 64 datagrams */
#define RTP_RX_MAX		1500		/* a bigger datagram is bad */
#define RTP_EPOLL_EVENTS	64		/* ready sockets served per wake-up */
#define RTP_MAX_DROPOUT		3000		/* RFC 3550 A.1: a bigger jump is a restart */
#define RTP_MAX_MISORDER	100
#define RTCP_INTERVAL_PERIODS	250		/* 5 s; each report is sent after 0.5..1.5 of it */
#define RTCP_MAX		256
#define RTP_DSCP_EF		0xb8		/* IP TOS byte of expedited forwarding */
#define RTP_EVENT_MAX_DURATION	0xffff		/* RFC 4733 2.5.1.3: a longer event is continued */
#define RTP_EVENT_LATE_WINDOW	(2 * RTP_EVENT_MAX_DURATION)	/* how far (samples) behind the
						 * current event a late packet may be */

enum rtp_sock_kind {
	RTP_SOCK_RTP,
	RTP_SOCK_RTCP,
};

struct rtp_engine {
	struct llist_head phase[RTP_PHASES];	/* the streams, each sending in one phase */
	unsigned phase_size[RTP_PHASES];
	unsigned next_phase;		/* the phase the next expiration serves */
	struct osmo_fd clock;		/* the timerfd */
	struct osmo_fd sockets;		/* the epoll set of every stream's sockets */
	bool started;
	struct rtp_engine_stats stats;

	struct sockaddr_storage local;	/* port 0 */
	socklen_t local_len;
	char cname[80];			/* RTCP SDES CNAME, shared by every stream */
	uint8_t cname_len;

	uint16_t port_first;		/* even */
	unsigned n_pairs, next_pair;
	bool *pair_used;

	unsigned busy;			/* depth of the engine's own callbacks */
	unsigned n_dead;		/* streams freed while busy, to reap */

	/* the receive buffers, shared: one callback runs at a time */
	struct mmsghdr rx_msg[RTP_RX_BATCH];
	struct iovec rx_iov[RTP_RX_BATCH];
	struct sockaddr_storage rx_from[RTP_RX_BATCH];
	uint8_t rx_buf[RTP_RX_BATCH][RTP_RX_MAX];
};

struct rtp_stream {
	struct llist_head entry;	/* in engine->phase[phase] */
	unsigned phase;
	struct rtp_engine *e;
	const struct rtp_stream_ops *ops;
	void *priv;
	struct osmo_fd rtp, rtcp;
	unsigned pair;
	uint16_t port;
	bool dead;

	/* sending */
	int pt, dtmf_pt;		/* -1 until set_remote */
	bool have_remote;		/* a usable address (not 0.0.0.0) */
	bool hold;
	bool have_sdp;
	bool latched;			/* remote is where the caller's RTP comes from */
	bool rtcp_latched;
	struct sockaddr_storage sdp;	/* the address the SDP gave */
	struct sockaddr_storage remote, remote_rtcp;
	socklen_t remote_len;
	uint16_t seq;
	uint32_t ts;
	bool marker;
	uint32_t octets_sent;
	unsigned rtcp_countdown;	/* frame periods to the next sender report */

	/* receiving */
	bool seq_init;
	uint16_t max_seq;
	struct {
		bool have, ended;
		uint8_t event;
		uint16_t duration;
		uint32_t ts;
	} event;
	dtmf_rx_state_t *inband;
	bool inband_on;

	struct rtp_stream_stats stats;
};

static uint32_t rtp_random32(void)
{
	uint32_t v;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != sizeof(v))
		v = (uint32_t)random() ^ ((uint32_t)random() << 16);
	return v;
}

static uint64_t rtp_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* "1.2.3.4" or "::1" with a port; the length, or 0 when it is no address. */
static socklen_t rtp_addr_parse(struct sockaddr_storage *ss, const char *ip, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, ip, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		return sizeof(*sin);
	}
	if (inet_pton(AF_INET6, ip, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		return sizeof(*sin6);
	}
	return 0;
}

static uint16_t rtp_addr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static void rtp_addr_set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(port);
}

static bool rtp_addr_is_any(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)ss)->sin6_addr);
	return ((const struct sockaddr_in *)ss)->sin_addr.s_addr == htonl(INADDR_ANY);
}

static bool rtp_addr_same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr));
	return ((const struct sockaddr_in *)a)->sin_addr.s_addr == ((const struct sockaddr_in *)b)->sin_addr.s_addr;
}

static bool rtp_addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	return rtp_addr_same_host(a, b) && rtp_addr_port(a) == rtp_addr_port(b);
}

/* "1.2.3.4:5678" in a static buffer, for the log. */
static const char *rtp_addr_str(const struct sockaddr_storage *ss)
{
	static char buf[INET6_ADDRSTRLEN + 8];
	char ip[INET6_ADDRSTRLEN];
	const void *a = ss->ss_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr
						  : (const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	if (!inet_ntop(ss->ss_family, a, ip, sizeof(ip)))
		snprintf(ip, sizeof(ip), "?");
	snprintf(buf, sizeof(buf), ss->ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip, rtp_addr_port(ss));
	return buf;
}

/*
 * RTCP: a compound of a sender report without report blocks, an SDES with
 * the CNAME and, when the stream ends, a BYE.
 */

static unsigned rtcp_put_sr(const struct rtp_stream *s, uint8_t *p)
{
	struct timespec now;
	uint64_t frac;

	clock_gettime(CLOCK_REALTIME, &now);
	frac = ((uint64_t)now.tv_nsec << 32) / 1000000000;
	p[0] = 0x80;					/* V=2, no report blocks */
	p[1] = 200;
	put16(p + 2, 6);				/* 28 bytes */
	put32(p + 4, s->stats.ssrc_out);
	put32(p + 8, (uint32_t)(now.tv_sec + 2208988800u));	/* NTP seconds */
	put32(p + 12, (uint32_t)frac);
	put32(p + 16, s->ts);
	put32(p + 20, (uint32_t)s->stats.sent);
	put32(p + 24, s->octets_sent);
	return 28;
}

static unsigned rtcp_put_sdes(const struct rtp_stream *s, uint8_t *p)
{
	const struct rtp_engine *e = s->e;
	unsigned len = 8 + 2 + e->cname_len + 1;	/* header, SSRC, item, END */

	len = (len + 3) & ~3u;
	memset(p, 0, len);
	p[0] = 0x81;					/* V=2, one chunk */
	p[1] = 202;
	put16(p + 2, len / 4 - 1);
	put32(p + 4, s->stats.ssrc_out);
	p[8] = 1;					/* CNAME */
	p[9] = e->cname_len;
	memcpy(p + 10, e->cname, e->cname_len);
	return len;
}

static unsigned rtcp_put_bye(const struct rtp_stream *s, uint8_t *p)
{
	p[0] = 0x81;
	p[1] = 203;
	put16(p + 2, 1);
	put32(p + 4, s->stats.ssrc_out);
	return 8;
}

static void rtcp_send(struct rtp_stream *s, bool bye)
{
	uint8_t buf[RTCP_MAX];
	unsigned len;

	if (!s->have_remote || s->rtcp.fd < 0)
		return;
	len = rtcp_put_sr(s, buf);
	len += rtcp_put_sdes(s, buf + len);
	if (bye)
		len += rtcp_put_bye(s, buf + len);
	if (sendto(s->rtcp.fd, buf, len, 0, (struct sockaddr *)&s->remote_rtcp, s->remote_len) < 0)
		LOGP(DRTP, LOGL_DEBUG, "rtp %u: RTCP to %s: %s\n", s->port, rtp_addr_str(&s->remote_rtcp),
		     strerror(errno));
}

/*
 * Sending: one frame per stream per 20 ms, in the stream's phase.
 */

static void rtp_send_frame(struct rtp_stream *s)
{
	struct rtp_engine *e = s->e;
	uint8_t pkt[RTP_HDR_LEN + RTP_FRAME_SAMPLES];
	uint32_t ts = s->ts;

	s->ts += RTP_FRAME_SAMPLES;
	if (!s->have_remote || s->hold)
		return;
	if (!s->ops->fill || !s->ops->fill(s, pkt + RTP_HDR_LEN, s->priv))
		memset(pkt + RTP_HDR_LEN, s->pt == 8 ? 0xd5 : 0xff, RTP_FRAME_SAMPLES);
	if (s->dead)
		return;
	pkt[0] = 0x80;
	pkt[1] = s->pt | (s->marker ? 0x80 : 0);
	put16(pkt + 2, s->seq++);
	put32(pkt + 4, ts);
	put32(pkt + 8, s->stats.ssrc_out);
	s->marker = false;
	if (sendto(s->rtp.fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&s->remote, s->remote_len) < 0) {
		LOGP(DRTP, LOGL_DEBUG, "rtp %u: RTP to %s: %s\n", s->port, rtp_addr_str(&s->remote),
		     strerror(errno));
		return;
	}
	s->stats.sent++;
	s->octets_sent += RTP_FRAME_SAMPLES;
	e->stats.frames_sent++;
}

/* The stream's turn: periods of 20 ms have passed since the last, and
 * frames of them (the latest) are sent. */
static void rtp_stream_tick(struct rtp_stream *s, uint64_t periods, unsigned frames)
{
	unsigned i;

	s->ts += (uint32_t)((periods - frames) * RTP_FRAME_SAMPLES);	/* too late to send */
	for (i = 0; i < frames && !s->dead; i++)
		rtp_send_frame(s);
	if (periods < s->rtcp_countdown) {
		s->rtcp_countdown -= periods;
		return;
	}
	s->rtcp_countdown = RTCP_INTERVAL_PERIODS / 2 + rtp_random32() % RTCP_INTERVAL_PERIODS;
	if (!s->hold && !s->dead)
		rtcp_send(s, false);
}

static void rtp_engine_reap(struct rtp_engine *e)
{
	struct rtp_stream *s, *tmp;
	unsigned ph;

	if (e->busy || !e->n_dead)
		return;
	for (ph = 0; ph < RTP_PHASES; ph++) {
		llist_for_each_entry_safe(s, tmp, &e->phase[ph], entry) {
			if (s->dead)
				talloc_free(s);
		}
	}
	e->n_dead = 0;
}

static int rtp_clock_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct rtp_engine *e = ofd->data;
	struct rtp_stream *s;
	uint64_t n, periods, t0, us;
	unsigned j, ph, frames;

	if (read(ofd->fd, &n, sizeof(n)) != sizeof(n) || !n)
		return 0;
	t0 = rtp_now_us();
	e->stats.ticks += n;
	if (n > 1)
		e->stats.late_ticks++;

	/* each phase whose turn came, as many periods as it came */
	e->busy++;
	for (j = 0; j < RTP_PHASES && j < n; j++) {
		ph = (e->next_phase + j) % RTP_PHASES;
		periods = n / RTP_PHASES + (j < n % RTP_PHASES);
		frames = periods > RTP_CATCH_UP ? RTP_CATCH_UP : periods;
		llist_for_each_entry(s, &e->phase[ph], entry) {
			if (!s->dead)
				rtp_stream_tick(s, periods, frames);
		}
	}
	e->next_phase = (e->next_phase + n % RTP_PHASES) % RTP_PHASES;
	e->busy--;
	rtp_engine_reap(e);

	us = rtp_now_us() - t0;
	if (us > e->stats.max_tick_us)
		e->stats.max_tick_us = us;
	return 0;
}

/*
 * Receiving.
 */

static void rtp_dtmf_report(struct rtp_stream *s, char key, enum rtp_dtmf_source src)
{
	s->stats.dtmf_events++;
	LOGP(DRTP, LOGL_DEBUG, "rtp %u: digit %c (%s)\n", s->port, key,
	     src == RTP_DTMF_RFC4733 ? "RFC 4733" : "in-band");
	if (s->ops->dtmf)
		s->ops->dtmf(s, key, src, s->priv);
}

/* spandsp's digits callback: what the in-band detector found. */
static void rtp_inband_digits_cb(void *data, const char *digits, int len)
{
	struct rtp_stream *s = data;
	int i;

	for (i = 0; i < len && !s->dead; i++)
		rtp_dtmf_report(s, digits[i], RTP_DTMF_INBAND);
}

/* RFC 4733: an event is known by its RTP timestamp, the same on all its
 * packets (start, continuations, the three end packets).  A timestamp newer
 * than the current event's starts a new digit, whether or not the current
 * one's end packets arrived; the same or an older one is a duplicate --
 * older by at most RTP_EVENT_LATE_WINDOW (two longest events, 16 s): a
 * timestamp further behind is a new digit too, so that one event stamped
 * far ahead (a broken phone, a corrupt packet) cannot make every later key
 * of the call look old. */
static void rtp_rx_event(struct rtp_stream *s, uint32_t ts, const uint8_t *p)
{
	static const char keys[] = "0123456789*#ABCD";
	uint8_t event;
	uint16_t duration;
	bool end;

	event = p[0];
	end = p[1] & 0x80;
	duration = get16(p + 2);

	if (s->event.have && (int32_t)(s->event.ts - ts) >= 0 && s->event.ts - ts <= RTP_EVENT_LATE_WINDOW) {
		if (ts == s->event.ts) {
			s->event.ended |= end;
			if (duration > s->event.duration)
				s->event.duration = duration;
		}
		s->stats.dtmf_duplicates++;
		return;
	}
	/* the continuation of an event longer than the duration field holds
	 * is a new timestamp too, with the same event still going */
	if (s->event.have && !s->event.ended && event == s->event.event
	    && s->event.duration == RTP_EVENT_MAX_DURATION && ts - s->event.ts == RTP_EVENT_MAX_DURATION) {
		s->event.ts = ts;
		s->event.duration = duration;
		s->event.ended = end;
		s->stats.dtmf_duplicates++;
		return;
	}
	s->event.have = true;
	s->event.ts = ts;
	s->event.event = event;
	s->event.duration = duration;
	s->event.ended = end;
	if (event < sizeof(keys) - 1)
		rtp_dtmf_report(s, keys[event], RTP_DTMF_RFC4733);
}

static void rtp_rx_audio(struct rtp_stream *s, const uint8_t *p, unsigned len)
{
	int16_t pcm[RTP_FRAME_SAMPLES];
	unsigned i, n;

	while (len && !s->dead) {
		n = len > RTP_FRAME_SAMPLES ? RTP_FRAME_SAMPLES : len;
		if (s->pt == 8) {
			for (i = 0; i < n; i++)
				pcm[i] = alaw_to_linear(p[i]);
		} else {
			for (i = 0; i < n; i++)
				pcm[i] = ulaw_to_linear(p[i]);
		}
		if (s->ops->audio)
			s->ops->audio(s, pcm, n, s->priv);
		if (s->inband_on && s->inband && !s->dead)
			dtmf_rx(s->inband, pcm, n);
		p += n;
		len -= n;
	}
}

/* RFC 3550 A.1, simplified: a gap counts as lost, a late packet takes one
 * back, a big jump is the sender starting over. */
static void rtp_rx_seq(struct rtp_stream *s, uint16_t seq)
{
	uint16_t delta = seq - s->max_seq;

	if (!s->seq_init) {
		s->seq_init = true;
		s->max_seq = seq;
	} else if (delta == 0) {
		return;
	} else if (delta < RTP_MAX_DROPOUT) {
		s->stats.lost += delta - 1;
		s->max_seq = seq;
	} else if (delta >= 65536 - RTP_MAX_MISORDER) {
		if (s->stats.lost)
			s->stats.lost--;
	} else {
		s->max_seq = seq;
	}
}

/* The payload of a valid RTP packet, or NULL.  Every length is checked
 * against the datagram. */
static const uint8_t *rtp_parse(const uint8_t *p, unsigned len, unsigned *payload_len)
{
	unsigned hdr, pad = 0;

	if (len < RTP_HDR_LEN || (p[0] >> 6) != 2)
		return NULL;
	hdr = RTP_HDR_LEN + 4 * (p[0] & 0x0f);
	if (hdr > len)
		return NULL;
	if (p[0] & 0x10) {				/* header extension */
		if (hdr + 4 > len)
			return NULL;
		hdr += 4 + 4 * get16(p + hdr + 2);
		if (hdr > len)
			return NULL;
	}
	if (p[0] & 0x20) {				/* padding */
		pad = p[len - 1];
		if (!pad || pad > len - hdr)
			return NULL;
	}
	*payload_len = len - hdr - pad;
	return p + hdr;
}

static void rtp_rx_packet(struct rtp_stream *s, const uint8_t *p, unsigned len,
			  const struct sockaddr_storage *from, socklen_t from_len)
{
	const uint8_t *payload;
	unsigned plen;
	int pt;
	uint32_t ssrc;

	payload = rtp_parse(p, len, &plen);
	pt = payload ? p[1] & 0x7f : -1;
	if (!payload || s->pt < 0 || (pt != s->pt && pt != s->dtmf_pt) || (pt == s->dtmf_pt && plen < 4)) {
		s->stats.bad++;
		LOGP(DRTP, LOGL_DEBUG, "rtp %u: dropped a bad packet of %u bytes (pt %d)\n", s->port, len, pt);
		return;
	}
	if (s->latched && !rtp_addr_equal(from, &s->remote)) {
		s->stats.bad++;
		LOGP(DRTP, LOGL_DEBUG, "rtp %u: dropped a packet from %s\n", s->port, rtp_addr_str(from));
		return;
	}
	if (!s->latched) {
		if (!s->have_remote || !rtp_addr_equal(from, &s->remote))
			LOGP(DRTP, LOGL_INFO, "rtp %u: the caller's RTP comes from %s, sending there\n", s->port,
			     rtp_addr_str(from));
		s->latched = true;
		memcpy(&s->remote, from, from_len);
		s->remote_len = from_len;
		if (!s->rtcp_latched) {
			memcpy(&s->remote_rtcp, from, from_len);
			rtp_addr_set_port(&s->remote_rtcp, rtp_addr_port(from) + 1);
		}
		s->have_remote = true;
	}

	ssrc = get32(p + 8);
	if (!s->stats.received || ssrc != s->stats.ssrc_in) {
		if (s->stats.received)
			LOGP(DRTP, LOGL_DEBUG, "rtp %u: SSRC %08x -> %08x\n", s->port, s->stats.ssrc_in, ssrc);
		s->stats.ssrc_in = ssrc;
		s->seq_init = false;
		s->event.have = false;
	}
	s->stats.received++;
	rtp_rx_seq(s, get16(p + 2));

	if (pt == s->pt)
		rtp_rx_audio(s, payload, plen);
	else
		rtp_rx_event(s, get32(p + 4), payload);
}

static void rtcp_rx_packet(struct rtp_stream *s, const uint8_t *p, unsigned len,
			   const struct sockaddr_storage *from, socklen_t from_len)
{
	/* light validation: a compound starts with a report of this length */
	if (len < 8 || (p[0] >> 6) != 2 || p[1] < 200 || p[1] > 204 || 4u * (get16(p + 2) + 1) > len) {
		s->stats.bad++;
		return;
	}
	if (s->have_remote && rtp_addr_same_host(from, &s->remote) && !s->rtcp_latched) {
		memcpy(&s->remote_rtcp, from, from_len);
		s->rtcp_latched = true;
	}
}

/* Read what one socket has, up to RTP_RX_BATCH * RTP_RX_ROUNDS datagrams. */
static void rtp_sock_read(struct osmo_fd *ofd)
{
	struct rtp_stream *s = ofd->data;
	struct rtp_engine *e = s->e;
	unsigned round, i;
	int n;

	for (round = 0; round < RTP_RX_ROUNDS && !s->dead; round++) {
		for (i = 0; i < RTP_RX_BATCH; i++)
			e->rx_msg[i].msg_hdr.msg_namelen = sizeof(e->rx_from[i]);
		n = recvmmsg(ofd->fd, e->rx_msg, RTP_RX_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;
		for (i = 0; i < (unsigned)n && !s->dead; i++) {
			struct msghdr *h = &e->rx_msg[i].msg_hdr;

			if (h->msg_flags & MSG_TRUNC) {
				s->stats.bad++;
				continue;
			}
			if (ofd->priv_nr == RTP_SOCK_RTP)
				rtp_rx_packet(s, e->rx_buf[i], e->rx_msg[i].msg_len, &e->rx_from[i], h->msg_namelen);
			else
				rtcp_rx_packet(s, e->rx_buf[i], e->rx_msg[i].msg_len, &e->rx_from[i], h->msg_namelen);
		}
		if (n < RTP_RX_BATCH)
			break;
	}
}

/* The engine's epoll set is readable: serve up to RTP_EPOLL_EVENTS ready
 * sockets.  Any left are still ready on the next turn of the loop (level
 * triggered), after the clock had its turn. */
static int rtp_sockets_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct rtp_engine *e = ofd->data;
	struct epoll_event ev[RTP_EPOLL_EVENTS];
	int n, i;

	n = epoll_wait(ofd->fd, ev, RTP_EPOLL_EVENTS, 0);
	if (n <= 0)
		return 0;
	e->busy++;
	for (i = 0; i < n; i++) {
		struct osmo_fd *sock = ev[i].data.ptr;
		struct rtp_stream *s = sock->data;

		/* freed by a callback earlier in this batch: closed, not reaped */
		if (!s->dead)
			rtp_sock_read(sock);
	}
	e->busy--;
	rtp_engine_reap(e);
	return 0;
}

/*
 * Streams: sockets and ports.
 */

static int rtp_sock_open(struct rtp_engine *e, uint16_t port, int *fd)
{
	struct sockaddr_storage addr = e->local;
	int tos = RTP_DSCP_EF;

	*fd = socket(e->local.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (*fd < 0)
		return -errno;
	rtp_addr_set_port(&addr, port);
	if (bind(*fd, (struct sockaddr *)&addr, e->local_len) < 0) {
		int rc = -errno;
		close(*fd);
		*fd = -1;
		return rc;
	}
	if (e->local.ss_family == AF_INET6)
		setsockopt(*fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
	else
		setsockopt(*fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	return 0;
}

static int rtp_sock_watch(struct rtp_engine *e, struct osmo_fd *ofd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = ofd };

	return epoll_ctl(e->sockets.fd, EPOLL_CTL_ADD, ofd->fd, &ev) < 0 ? -errno : 0;
}

static void rtp_sock_close(struct rtp_engine *e, struct osmo_fd *ofd)
{
	if (ofd->fd < 0)
		return;
	epoll_ctl(e->sockets.fd, EPOLL_CTL_DEL, ofd->fd, NULL);
	close(ofd->fd);
	ofd->fd = -1;
}

/* Bind the pair's two sockets; -EADDRINUSE when the OS has either port. */
static int rtp_stream_bind(struct rtp_stream *s, unsigned pair)
{
	struct rtp_engine *e = s->e;
	uint16_t port = e->port_first + 2 * pair;
	int rtp_fd, rtcp_fd, rc;

	rc = rtp_sock_open(e, port, &rtp_fd);
	if (rc < 0)
		return rc;
	rc = rtp_sock_open(e, port + 1, &rtcp_fd);
	if (rc < 0) {
		close(rtp_fd);
		return rc;
	}
	/* osmo_fds that libosmocore never sees: the engine's epoll set
	 * watches them (the top of this file says why) */
	osmo_fd_setup(&s->rtp, rtp_fd, OSMO_FD_READ, NULL, s, RTP_SOCK_RTP);
	osmo_fd_setup(&s->rtcp, rtcp_fd, OSMO_FD_READ, NULL, s, RTP_SOCK_RTCP);
	rc = rtp_sock_watch(e, &s->rtp);
	if (rc == 0)
		rc = rtp_sock_watch(e, &s->rtcp);
	if (rc < 0) {
		rtp_sock_close(e, &s->rtp);
		rtp_sock_close(e, &s->rtcp);
		return rc;
	}
	s->pair = pair;
	s->port = port;
	e->pair_used[pair] = true;
	return 0;
}

/* Close the sockets and give the ports back: at once on free, even when
 * the memory waits to be reaped. */
static void rtp_stream_close(struct rtp_stream *s)
{
	if (s->rtp.fd < 0)
		return;
	rtcp_send(s, true);
	rtp_sock_close(s->e, &s->rtp);
	rtp_sock_close(s->e, &s->rtcp);
	s->e->pair_used[s->pair] = false;
	s->e->phase_size[s->phase]--;
	s->e->stats.streams--;
	LOGP(DRTP, LOGL_INFO, "rtp %u: closed (sent %" PRIu64 ", received %" PRIu64 ", lost %" PRIu64
	     ", bad %" PRIu64 ")\n", s->port, s->stats.sent, s->stats.received, s->stats.lost, s->stats.bad);
}

static int rtp_stream_destructor(struct rtp_stream *s)
{
	rtp_stream_close(s);
	if (s->inband)
		dtmf_rx_free(s->inband);
	llist_del(&s->entry);
	return 0;
}

struct rtp_stream *rtp_stream_alloc(struct rtp_engine *e, const struct rtp_stream_ops *ops, void *priv)
{
	struct rtp_stream *s;
	unsigned tries, pair, ph;
	int rc = -EADDRINUSE;

	s = talloc_zero(e, struct rtp_stream);
	if (!s) {
		errno = ENOMEM;
		return NULL;
	}
	s->e = e;
	s->ops = ops;
	s->priv = priv;
	s->rtp.fd = s->rtcp.fd = -1;
	s->pt = s->dtmf_pt = -1;

	for (tries = 0; tries < e->n_pairs; tries++) {
		pair = e->next_pair;
		e->next_pair = (e->next_pair + 1) % e->n_pairs;
		if (e->pair_used[pair])
			continue;
		rc = rtp_stream_bind(s, pair);
		if (rc == 0 || rc != -EADDRINUSE)
			break;
		LOGP(DRTP, LOGL_DEBUG, "ports %u/%u are taken, trying the next pair\n", e->port_first + 2 * pair,
		     e->port_first + 2 * pair + 1);
	}
	if (rc < 0) {
		LOGP(DRTP, LOGL_ERROR, "no RTP port pair for a new stream: %s\n", strerror(-rc));
		talloc_free(s);
		errno = -rc;
		return NULL;
	}

	s->seq = rtp_random32();
	s->ts = rtp_random32();
	s->stats.ssrc_out = rtp_random32();
	s->marker = true;
	s->rtcp_countdown = 1 + rtp_random32() % RTCP_INTERVAL_PERIODS;
	for (ph = 0; ph < RTP_PHASES; ph++) {
		if (e->phase_size[ph] < e->phase_size[s->phase])
			s->phase = ph;
	}
	e->phase_size[s->phase]++;
	llist_add_tail(&s->entry, &e->phase[s->phase]);
	talloc_set_destructor(s, rtp_stream_destructor);
	e->stats.streams++;
	LOGP(DRTP, LOGL_DEBUG, "rtp %u: new stream, SSRC %08x\n", s->port, s->stats.ssrc_out);
	return s;
}

uint16_t rtp_stream_local_port(const struct rtp_stream *s)
{
	return s->port;
}

int rtp_stream_set_remote(struct rtp_stream *s, const char *ip, uint16_t port, int pt, int dtmf_pt,
			  bool hold)
{
	struct sockaddr_storage addr;
	socklen_t len;
	bool was_silent = s->hold || !s->have_remote;
	bool usable;

	if ((pt != 0 && pt != 8) || dtmf_pt < -1 || dtmf_pt > 127 || dtmf_pt == pt)
		return -EINVAL;
	len = rtp_addr_parse(&addr, ip, port);
	if (!len)
		return -EINVAL;
	if (addr.ss_family != s->e->local.ss_family)
		return -EAFNOSUPPORT;

	s->pt = pt;
	s->dtmf_pt = dtmf_pt;
	usable = !rtp_addr_is_any(&addr) && port;
	if (usable && (!s->have_sdp || !rtp_addr_equal(&addr, &s->sdp))) {
		/* a new address from the SDP: send there until the caller's
		 * packets show where they come from */
		s->sdp = addr;
		s->have_sdp = true;
		s->remote = addr;
		s->remote_rtcp = addr;
		rtp_addr_set_port(&s->remote_rtcp, port + 1);
		s->remote_len = len;
		s->latched = s->rtcp_latched = false;
		s->have_remote = true;
		LOGP(DRTP, LOGL_INFO, "rtp %u: remote %s, pt %d, telephone-event %d%s\n", s->port,
		     rtp_addr_str(&addr), pt, dtmf_pt, hold ? ", on hold" : "");
	}
	s->hold = hold || !usable;
	if (was_silent && !s->hold)
		s->marker = true;
	return 0;
}

void rtp_stream_set_inband_dtmf(struct rtp_stream *s, bool on)
{
	if (on) {
		/* a fresh detector each time it is switched on */
		s->inband = dtmf_rx_init(s->inband, rtp_inband_digits_cb, s);
		if (!s->inband)
			LOGP(DRTP, LOGL_ERROR, "rtp %u: no in-band DTMF detector\n", s->port);
	}
	s->inband_on = on && s->inband;
}

void rtp_stream_free(struct rtp_stream *s)
{
	struct rtp_engine *e;

	if (!s)
		return;
	e = s->e;
	if (!e->busy) {
		talloc_free(s);
		return;
	}
	/* inside the engine's callback: the memory goes when it returns */
	if (!s->dead) {
		rtp_stream_close(s);
		s->dead = true;
		e->n_dead++;
	}
}

const struct rtp_stream_stats *rtp_stream_stats(const struct rtp_stream *s)
{
	return &s->stats;
}

/*
 * The engine.
 */

static int rtp_engine_destructor(struct rtp_engine *e)
{
	struct rtp_stream *s, *tmp;
	unsigned ph;

	for (ph = 0; ph < RTP_PHASES; ph++) {
		llist_for_each_entry_safe(s, tmp, &e->phase[ph], entry)
			talloc_free(s);
	}
	if (e->clock.fd >= 0) {
		osmo_timerfd_disable(&e->clock);
		osmo_fd_close(&e->clock);
	}
	if (e->sockets.fd >= 0)
		osmo_fd_close(&e->sockets);
	return 0;
}

struct rtp_engine *rtp_engine_alloc(void *ctx, const struct rtp_engine_config *cfg)
{
	struct rtp_engine *e;
	unsigned i;
	int rc;

	e = talloc_zero(ctx, struct rtp_engine);
	if (!e)
		return NULL;
	for (i = 0; i < RTP_PHASES; i++)
		INIT_LLIST_HEAD(&e->phase[i]);
	e->clock.fd = -1;
	e->sockets.fd = -1;
	talloc_set_destructor(e, rtp_engine_destructor);

	e->local_len = rtp_addr_parse(&e->local, cfg->local_ip, 0);
	if (!e->local_len) {
		LOGP(DRTP, LOGL_ERROR, "RTP: local address '%s' is not an IP address\n", cfg->local_ip);
		errno = EINVAL;
		goto fail;
	}
	e->port_first = cfg->port_min + (cfg->port_min & 1);
	if (!cfg->port_min || cfg->port_max < e->port_first + 1) {
		LOGP(DRTP, LOGL_ERROR, "RTP: port range %u-%u holds no even/odd pair\n", cfg->port_min,
		     cfg->port_max);
		errno = EINVAL;
		goto fail;
	}
	e->n_pairs = (cfg->port_max - e->port_first + 1) / 2;
	e->pair_used = talloc_zero_array(e, bool, e->n_pairs);
	if (!e->pair_used) {
		errno = ENOMEM;
		goto fail;
	}
	snprintf(e->cname, sizeof(e->cname), "stoop@%s", cfg->local_ip);
	e->cname_len = strlen(e->cname);

	for (i = 0; i < RTP_RX_BATCH; i++) {
		e->rx_iov[i].iov_base = e->rx_buf[i];
		e->rx_iov[i].iov_len = sizeof(e->rx_buf[i]);
		e->rx_msg[i].msg_hdr.msg_iov = &e->rx_iov[i];
		e->rx_msg[i].msg_hdr.msg_iovlen = 1;
		e->rx_msg[i].msg_hdr.msg_name = &e->rx_from[i];
	}
	/* the clock first: in a turn where both are ready, libosmocore
	 * serves them in the order they were registered, and frames go out
	 * before what came in is read */
	if (osmo_timerfd_setup(&e->clock, rtp_clock_cb, e) < 0) {
		LOGP(DRTP, LOGL_ERROR, "RTP: no timerfd: %s\n", strerror(errno));
		goto fail;
	}
	osmo_fd_setup(&e->sockets, epoll_create1(EPOLL_CLOEXEC), OSMO_FD_READ, rtp_sockets_cb, e, 0);
	if (e->sockets.fd < 0 || osmo_fd_register(&e->sockets) < 0) {
		LOGP(DRTP, LOGL_ERROR, "RTP: no epoll set: %s\n", strerror(errno));
		goto fail;
	}
	LOGP(DRTP, LOGL_INFO, "RTP on %s, ports %u-%u (%u calls)\n", cfg->local_ip, e->port_first,
	     e->port_first + 2 * e->n_pairs - 1, e->n_pairs);
	return e;
fail:
	rc = errno;
	talloc_free(e);
	errno = rc;
	return NULL;
}

int rtp_engine_start(struct rtp_engine *e)
{
	const struct timespec interval = { .tv_sec = 0, .tv_nsec = RTP_TICK_NS };
	int rc;

	if (e->started)
		return 0;
	rc = osmo_timerfd_schedule(&e->clock, NULL, &interval);
	if (rc < 0) {
		rc = -errno;
		LOGP(DRTP, LOGL_ERROR, "RTP: cannot start the clock: %s\n", strerror(errno));
		return rc;
	}
	e->started = true;
	return 0;
}

void rtp_engine_free(struct rtp_engine *e)
{
	talloc_free(e);
}

const struct rtp_engine_stats *rtp_engine_stats(const struct rtp_engine *e)
{
	return &e->stats;
}
