/* rtp_test.c -- tests of gateway/voice/rtp.c over real UDP on 127.0.0.1.
 * The test is the caller: plain sockets of its own (an even RTP port and
 * the RTCP port above it) that read what the engine sends and write RTP
 * the way phones do, with nothing shared with rtp.c.  It checks the 20 ms
 * pacing and the RFC 3550 header rules, fill() and silence, symmetric RTP,
 * RFC 4733 digits (duplicates, lost end packets, 1,000 shuffled events),
 * in-band digits (tones from spandsp's own generator), malformed packets,
 * the port range, hold, a late loop catching up, RTCP reports and BYE, a
 * stream freed from its own callback, and streams spread over the clock's
 * four 5 ms phases.  Every wait is bounded by a guard
 * timer; libosmocore's loop is driven with osmo_select_main_ctx().
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include <spandsp.h>

#include "testlib.h"
#include "core/logging.h"
#include "voice/rtp.h"

#define PT_PCMU		0
#define PT_PCMA		8
#define PT_EVENT	101
#define MAX_PKTS	2048

/* What a peer socket received, in order. */
struct pkt {
	uint8_t data[512];
	unsigned len;
	double t_ms;
};

struct peer_log {
	struct pkt pkts[MAX_PKTS];
	unsigned n;
};

/* A caller: RTP on an even port, RTCP on the odd one above. */
struct peer {
	int rtp, rtcp;
	uint16_t port;
	struct peer_log rx, rx_rtcp;
	/* what the peer sends */
	uint16_t seq;
	uint32_t ts, ssrc;
};

/* The stream's owner, as voice/call.c would be. */
struct owner {
	struct rtp_stream *s;
	bool fill_data;			/* false: let the engine send silence */
	uint8_t fill_n;
	unsigned fills;
	char digits[4096];
	enum rtp_dtmf_source srcs[4096];
	unsigned n_digits, want_digits;
	unsigned audio_calls, audio_samples;
	int16_t last_pcm[160];
	bool free_on_digit;
};

static bool guard_expired;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The clock of the kernel's receive timestamps. */
static double realtime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
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

/*
 * The owner's callbacks.
 */

static bool owner_fill(struct rtp_stream *s, uint8_t *frame, void *priv)
{
	struct owner *o = priv;
	unsigned i;

	o->fills++;
	if (!o->fill_data)
		return false;
	/* frame n: n, n+1, n+2, ... so the peer can check every byte */
	for (i = 0; i < 160; i++)
		frame[i] = o->fill_n + i;
	o->fill_n++;
	return true;
}

static void owner_audio(struct rtp_stream *s, const int16_t *pcm, unsigned n, void *priv)
{
	struct owner *o = priv;

	o->audio_calls++;
	o->audio_samples += n;
	memcpy(o->last_pcm, pcm, (n > 160 ? 160 : n) * sizeof(*pcm));
}

static void owner_dtmf(struct rtp_stream *s, char key, enum rtp_dtmf_source src, void *priv)
{
	struct owner *o = priv;

	if (o->n_digits < sizeof(o->digits) - 1) {
		o->srcs[o->n_digits] = src;
		o->digits[o->n_digits++] = key;
		o->digits[o->n_digits] = 0;
	}
	if (o->free_on_digit) {
		rtp_stream_free(s);
		o->s = NULL;
	}
}

static const struct rtp_stream_ops owner_ops = {
	.fill = owner_fill,
	.audio = owner_audio,
	.dtmf = owner_dtmf,
};

/*
 * The peer's sockets.
 */

static int udp_bind(uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static bool peer_open(struct peer *p, uint16_t from)
{
	uint16_t port;
	int one = 1;

	memset(p, 0, sizeof(*p));
	for (port = from; port < from + 200; port += 2) {
		p->rtp = udp_bind(port);
		if (p->rtp < 0)
			continue;
		p->rtcp = udp_bind(port + 1);
		if (p->rtcp >= 0) {
			setsockopt(p->rtp, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
			p->port = port;
			p->seq = random();
			p->ts = random();
			p->ssrc = random();
			return true;
		}
		close(p->rtp);
	}
	return false;
}

static void peer_close(struct peer *p)
{
	close(p->rtp);
	close(p->rtcp);
}

/* Read what fd has, each datagram with the kernel's time of arrival (on
 * loopback, the time it was sent), so that when the test gets round to
 * reading does not count. */
static void drain(int fd, struct peer_log *log)
{
	char cbuf[CMSG_SPACE(sizeof(struct timespec))];
	struct msghdr mh = { .msg_iovlen = 1, .msg_control = cbuf };
	struct pkt scratch;
	struct cmsghdr *cm;
	struct iovec iov;
	struct pkt *k;
	ssize_t n;

	for (;;) {
		k = log->n < MAX_PKTS ? &log->pkts[log->n] : &scratch;
		iov.iov_base = k->data;
		iov.iov_len = sizeof(k->data);
		mh.msg_iov = &iov;
		mh.msg_controllen = sizeof(cbuf);
		n = recvmsg(fd, &mh, 0);
		if (n < 0)
			return;
		k->len = n;
		k->t_ms = 0;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
				struct timespec ts;

				memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
				k->t_ms = ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
			}
		}
		if (!k->t_ms)
			k->t_ms = realtime_ms();
		if (log->n < MAX_PKTS)
			log->n++;
	}
}

static struct peer *peers[4];

static void drain_peers(void)
{
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(peers); i++) {
		if (!peers[i])
			continue;
		drain(peers[i]->rtp, &peers[i]->rx);
		drain(peers[i]->rtcp, &peers[i]->rx_rtcp);
	}
}

/* Forget the RTP received so far (RTCP is kept: its checks look for a
 * stream's SSRC). */
static void peer_forget(struct peer *p)
{
	drain_peers();
	p->rx.n = 0;
}

/* Send an RTP packet from the peer to the stream's port. */
static bool peer_send_raw(struct peer *p, uint16_t to_port, const void *buf, size_t len)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(to_port) };

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	return sendto(p->rtp, buf, len, 0, (struct sockaddr *)&sin, sizeof(sin)) == (ssize_t)len;
}

static bool peer_send_rtp(struct peer *p, uint16_t to_port, int pt, bool marker, uint32_t ts,
			  const uint8_t *payload, unsigned len)
{
	uint8_t buf[12 + 512];

	buf[0] = 0x80;
	buf[1] = pt | (marker ? 0x80 : 0);
	put16(buf + 2, p->seq++);
	put32(buf + 4, ts);
	put32(buf + 8, p->ssrc);
	memcpy(buf + 12, payload, len);
	return peer_send_raw(p, to_port, buf, 12 + len);
}

/* One RFC 4733 telephone-event packet. */
static bool peer_send_event(struct peer *p, uint16_t to_port, uint32_t ts, uint8_t event, bool end,
			    uint16_t duration, bool marker)
{
	uint8_t ev[4] = { event, (end ? 0x80 : 0) | 10, duration >> 8, duration & 0xff };

	return peer_send_rtp(p, to_port, PT_EVENT, marker, ts, ev, sizeof(ev));
}

/*
 * Driving the loop.
 */

static void guard_cb(void *data)
{
	guard_expired = true;
}

/* Turn the loop until done(arg) or ms passed; true when done. */
static bool turn_until(bool (*done)(const void *), const void *arg, int ms)
{
	struct osmo_timer_list guard = {};
	bool ok;

	guard_expired = false;
	osmo_timer_setup(&guard, guard_cb, NULL);
	osmo_timer_schedule(&guard, ms / 1000, (ms % 1000) * 1000);
	while (!(ok = done(arg)) && !guard_expired) {
		osmo_select_main_ctx(0);
		drain_peers();
	}
	osmo_timer_del(&guard);
	return ok;
}

static bool never(const void *arg)
{
	return false;
}

static void turn_for(int ms)
{
	turn_until(never, NULL, ms);
}

struct count_wait {
	const uint64_t *counter;
	uint64_t want;
};

static bool count_reached(const void *arg)
{
	const struct count_wait *w = arg;

	return *w->counter >= w->want;
}

static bool wait_count(const uint64_t *counter, uint64_t want, int ms)
{
	struct count_wait w = { counter, want };

	return turn_until(count_reached, &w, ms);
}

static bool digits_reached(const void *arg)
{
	const struct owner *o = arg;

	return o->n_digits >= o->want_digits;
}

static bool wait_digits(struct owner *o, unsigned n, int ms)
{
	o->want_digits = n;
	return turn_until(digits_reached, o, ms);
}

static bool log_has(const void *arg)
{
	const struct peer_log *l = arg;

	return l->n > 0;
}

/* Received on the stream's RTP socket: valid or bad. */
static uint64_t seen_by(const struct rtp_stream *s)
{
	const struct rtp_stream_stats *st = rtp_stream_stats(s);

	return st->received + st->bad;
}

struct seen_wait {
	const struct rtp_stream *s;
	uint64_t want;
};

static bool seen_reached(const void *arg)
{
	const struct seen_wait *w = arg;

	return seen_by(w->s) >= w->want;
}

static bool wait_seen(const struct rtp_stream *s, uint64_t want, int ms)
{
	struct seen_wait w = { s, want };

	return turn_until(seen_reached, &w, ms);
}

static bool set_remote(struct rtp_stream *s, struct peer *p, int pt, bool hold)
{
	return rtp_stream_set_remote(s, "127.0.0.1", p->port, pt, PT_EVENT, hold) == 0;
}

/*
 * The tests.
 */

/* ~1 s of frames: pacing, header rules, fill() data. */
static void test_pacing(struct rtp_stream *s, struct owner *o, struct peer *a)
{
	const struct peer_log *l = &a->rx;
	double sum = 0, max_gap = 0, mean;
	bool seq_ok = true, ts_ok = true, ssrc_ok = true, pt_ok = true, marker_ok = true, data_ok = true;
	unsigned i, j;

	o->fill_data = true;
	CHECK(set_remote(s, a, PT_PCMU, false), "set_remote to the peer's port");
	peer_forget(a);
	turn_for(1050);
	CHECK(l->n >= 48 && l->n <= 55, "about 1 s gives about 50 frames (%u)", l->n);
	if (l->n < 2)
		return;
	for (i = 1; i < l->n; i++) {
		const uint8_t *p = l->pkts[i].data, *q = l->pkts[i - 1].data;
		double gap = l->pkts[i].t_ms - l->pkts[i - 1].t_ms;

		sum += gap;
		if (gap > max_gap)
			max_gap = gap;
		seq_ok &= get16(p + 2) == (uint16_t)(get16(q + 2) + 1);
		ts_ok &= get32(p + 4) == get32(q + 4) + 160;
		ssrc_ok &= get32(p + 8) == get32(q + 8);
		marker_ok &= !(p[1] & 0x80);
	}
	for (i = 0; i < l->n; i++) {
		const uint8_t *p = l->pkts[i].data;

		pt_ok &= l->pkts[i].len == 172 && p[0] == 0x80 && (p[1] & 0x7f) == PT_PCMU;
		for (j = 0; j < 160; j++)
			data_ok &= p[12 + j] == (uint8_t)(p[12] + j);
	}
	mean = sum / (l->n - 1);
	CHECK(mean >= 19 && mean <= 21, "frames arrive every %.2f ms on average", mean);
	CHECK(max_gap <= 40, "no gap between frames is longer than 40 ms (longest %.1f ms)", max_gap);
	CHECK(seq_ok, "the sequence number goes up by 1 per frame");
	CHECK(ts_ok, "the timestamp goes up by 160 per frame");
	CHECK(ssrc_ok && get32(l->pkts[0].data + 8) == rtp_stream_stats(s)->ssrc_out,
	      "the SSRC stays the same and is the one in the stats (%08x)", rtp_stream_stats(s)->ssrc_out);
	CHECK(pt_ok, "every frame is version 2, PCMU, 12 + 160 bytes");
	CHECK((l->pkts[0].data[1] & 0x80) && marker_ok, "the marker bit is on the first frame only");
	CHECK(data_ok, "what fill() wrote arrives intact");
}

static bool all_bytes(const struct peer_log *l, unsigned from, uint8_t v)
{
	unsigned i, j;

	if (from >= l->n)
		return false;
	for (i = from; i < l->n; i++) {
		if (l->pkts[i].len != 172)
			return false;
		for (j = 12; j < 172; j++)
			if (l->pkts[i].data[j] != v)
				return false;
	}
	return true;
}

static void test_silence(struct rtp_stream *s, struct owner *o, struct peer *a)
{
	o->fill_data = false;
	peer_forget(a);
	turn_for(100);
	CHECK(all_bytes(&a->rx, 0, 0xff), "fill() returning false sends PCMU silence, 0xFF (%u frames)", a->rx.n);
	CHECK(set_remote(s, a, PT_PCMA, false), "the same stream switched to PCMA");
	turn_for(40);
	peer_forget(a);
	turn_for(100);
	CHECK(all_bytes(&a->rx, 0, 0xd5) && (a->rx.pkts[0].data[1] & 0x7f) == PT_PCMA,
	      "PCMA silence is 0xD5 with payload type 8 (%u frames)", a->rx.n);
	CHECK(set_remote(s, a, PT_PCMU, false), "back to PCMU");
	o->fill_data = true;
}

/* The SDP says port A, the caller's packets come from port B. */
static void test_symmetric(struct rtp_stream *s, struct owner *o, struct peer *a, struct peer *b)
{
	uint8_t frame[160];
	unsigned i;
	bool ok;

	for (i = 0; i < 160; i++)
		frame[i] = 0x80 + (i % 64);	/* a recognisable waveform */
	peer_forget(a);
	peer_forget(b);
	ok = peer_send_rtp(b, rtp_stream_local_port(s), PT_PCMU, true, b->ts, frame, 160);
	b->ts += 160;
	CHECK(ok && wait_count(&rtp_stream_stats(s)->received, 1, 1000), "the stream takes a packet from port B");
	turn_for(30);
	peer_forget(a);
	peer_forget(b);
	turn_for(200);
	CHECK(b->rx.n >= 8 && a->rx.n == 0, "frames now go to B, where the caller's packets come from "
	      "(%u to B, %u to A)", b->rx.n, a->rx.n);
	CHECK(rtp_stream_stats(s)->ssrc_in == b->ssrc, "ssrc_in is the caller's SSRC");
	CHECK(o->audio_calls == 1 && o->audio_samples == 160, "one audio callback of 160 samples (%u, %u)",
	      o->audio_calls, o->audio_samples);
	ok = true;
	for (i = 0; i < 160; i++)
		ok &= o->last_pcm[i] == ulaw_to_linear(frame[i]);
	CHECK(ok, "the audio is the PCMU payload decoded");

	/* after that, packets from elsewhere (here A) are not taken */
	ok = peer_send_rtp(a, rtp_stream_local_port(s), PT_PCMU, false, a->ts, frame, 160);
	CHECK(ok && wait_count(&rtp_stream_stats(s)->bad, 1, 1000) && o->audio_calls == 1,
	      "a packet from another port after that is dropped and counted as bad");
	turn_for(40);
	peer_forget(a);
	turn_for(100);
	CHECK(a->rx.n == 0, "and does not move the stream's frames");
}

/* A digit as phones send it: three start packets, continuations every
 * 50 ms of duration, three end packets. */
static bool send_digit(struct peer *b, uint16_t port, uint8_t event, uint32_t ts, unsigned conts, bool ends)
{
	bool ok = true;
	unsigned i;
	uint16_t d = 0;

	for (i = 0; i < 3; i++)
		ok &= peer_send_event(b, port, ts, event, false, 0, i == 0);
	for (i = 0; i < conts; i++)
		ok &= peer_send_event(b, port, ts, event, false, d += 400, false);
	for (i = 0; ends && i < 3; i++)
		ok &= peer_send_event(b, port, ts, event, true, d + 400, false);
	return ok;
}

static void test_rfc4733(struct rtp_stream *s, struct owner *o, struct peer *b)
{
	uint16_t port = rtp_stream_local_port(s);
	uint64_t before, bad0 = rtp_stream_stats(s)->bad;
	unsigned i;
	bool ok;

	o->n_digits = 0;
	before = seen_by(s);
	ok = send_digit(b, port, 5, b->ts, 4, true);
	CHECK(ok && wait_seen(s, before + 10, 1000), "a digit's 10 event packets arrive");
	turn_for(30);
	CHECK(o->n_digits == 1 && o->digits[0] == '5' && o->srcs[0] == RTP_DTMF_RFC4733,
	      "a digit sent as 3 start, 4 continuation and 3 end packets is one callback ('%s')", o->digits);
	CHECK(rtp_stream_stats(s)->dtmf_duplicates == 9, "the other 9 packets are counted as duplicates (%" PRIu64
	      ")", rtp_stream_stats(s)->dtmf_duplicates);

	o->n_digits = 0;
	b->ts += 8000;
	send_digit(b, port, 3, b->ts, 3, true);
	b->ts += 8000;
	send_digit(b, port, 3, b->ts, 3, true);
	CHECK(wait_digits(o, 2, 1000) && !strcmp(o->digits, "33"),
	      "the same digit twice (two timestamps) is two callbacks ('%s')", o->digits);

	o->n_digits = 0;
	b->ts += 8000;
	send_digit(b, port, 7, b->ts, 3, false);		/* its end packets are lost */
	b->ts += 8000;
	send_digit(b, port, 8, b->ts, 3, true);
	CHECK(wait_digits(o, 2, 1000) && !strcmp(o->digits, "78"),
	      "a digit whose end packets were lost, then a new event: both digits ('%s')", o->digits);
	b->ts += 8000;
	send_digit(b, port, 7, b->ts, 2, false);		/* end lost, then the same key again */
	b->ts += 8000;
	send_digit(b, port, 7, b->ts, 2, true);
	CHECK(wait_digits(o, 4, 1000) && !strcmp(o->digits, "7877"),
	      "the same key after a lost end packet is a new digit ('%s')", o->digits);

	/* a late packet of the ended event: same timestamp, not a new digit */
	before = seen_by(s);
	peer_send_event(b, port, b->ts, 7, false, 1200, false);
	peer_send_event(b, port, b->ts, 7, true, 1600, false);
	peer_send_event(b, port, b->ts - 8000, 7, true, 1600, false);	/* an older event's */
	wait_seen(s, before + 3, 1000);
	turn_for(30);
	CHECK(o->n_digits == 4, "packets of an event that ended, or of an older one, are no new digit (%u)",
	      o->n_digits);

	/* a key held past 8 s: RFC 4733 2.5.1.3 goes on with a new timestamp
	 * once the duration field is full; that is no new digit */
	o->n_digits = 0;
	before = seen_by(s);
	b->ts += 8000;
	peer_send_event(b, port, b->ts, 12, false, 0, true);
	peer_send_event(b, port, b->ts, 12, false, 0xffff, false);
	peer_send_event(b, port, b->ts + 0xffff, 12, false, 800, false);
	peer_send_event(b, port, b->ts + 0xffff, 12, true, 1600, false);
	b->ts += 0xffff;
	wait_seen(s, before + 4, 1000);
	turn_for(30);
	CHECK(o->n_digits == 1 && o->digits[0] == 'A', "a key held longer than the duration field holds is one "
	      "digit ('%s')", o->digits);
	b->ts += 8000;
	send_digit(b, port, 12, b->ts, 1, true);
	CHECK(wait_digits(o, 2, 1000) && !strcmp(o->digits, "AA"), "and the same key pressed again is the next "
	      "('%s')", o->digits);

	/* all 16 events */
	o->n_digits = 0;
	for (i = 0; i < 16; i++) {
		b->ts += 8000;
		send_digit(b, port, i, b->ts, 1, true);
		wait_seen(s, seen_by(s) + 7, 1000);
	}
	CHECK(wait_digits(o, 16, 1000) && !strcmp(o->digits, "0123456789*#ABCD"),
	      "events 0-15 are the keys 0-9 * # A-D ('%s')", o->digits);

	/* an event (17, no key) stamped a quarter of the timestamp space
	 * (37 hours) ahead, then keys on the stream's own clock: still keys */
	o->n_digits = 0;
	before = seen_by(s);
	b->ts += 8000;
	peer_send_event(b, port, b->ts + 0x40000000, 17, false, 160, true);
	wait_seen(s, before + 1, 1000);
	b->ts += 800;
	send_digit(b, port, 4, b->ts, 1, true);
	b->ts += 8000;
	send_digit(b, port, 2, b->ts, 1, true);
	CHECK(wait_digits(o, 2, 1000) && !strcmp(o->digits, "42"),
	      "an event stamped 2^30 ahead does not make the next keys look old ('%s')", o->digits);
	CHECK(rtp_stream_stats(s)->bad == bad0, "no event packet was counted as bad (%" PRIu64 ")",
	      rtp_stream_stats(s)->bad - bad0);
}

/* 1,000 random digits, each event's packets duplicated and shuffled. */
static void test_rfc4733_random(struct rtp_stream *s, struct owner *o, struct peer *b)
{
	static const char keys[] = "0123456789*#ABCD";
	static char want[1001];
	uint16_t port = rtp_stream_local_port(s);
	struct { uint8_t end; uint16_t dur; } ev[64];
	unsigned i, j, n, packets = 0;
	bool sent_ok = true;

	o->n_digits = 0;
	for (i = 0; i < 1000; i++) {
		uint8_t event = random() % 16;
		unsigned conts = random() % 6;
		uint64_t before = seen_by(s);

		want[i] = keys[event];
		b->ts += 1600 + random() % 8000;
		n = 0;
		for (j = 0; j < 3; j++)
			ev[n++] = (typeof(ev[0])){ 0, 0 };
		for (j = 0; j < conts; j++)
			ev[n++] = (typeof(ev[0])){ 0, 400 * (j + 1) };
		for (j = 0; j < 3; j++)
			ev[n++] = (typeof(ev[0])){ 1, 400 * (conts + 1) };
		for (j = random() % 4; j > 0; j--)		/* duplicates */
			ev[n] = ev[random() % n], n++;
		for (j = n - 1; j > 0; j--) {			/* shuffled */
			unsigned k = random() % (j + 1);
			typeof(ev[0]) t = ev[j];
			ev[j] = ev[k];
			ev[k] = t;
		}
		for (j = 0; j < n; j++)
			sent_ok &= peer_send_event(b, port, b->ts, event, ev[j].end, ev[j].dur, j == 0);
		packets += n;
		if (!wait_seen(s, before + n, 1000))
			break;
	}
	want[1000] = 0;
	CHECK(sent_ok && i == 1000, "1000 events, %u packets, each event's duplicated and shuffled, arrive",
	      packets);
	CHECK(o->n_digits == 1000, "exactly 1000 digits are reported (%u)", o->n_digits);
	CHECK(!strcmp(o->digits, want), "in the order they were sent");
}

/* In-band: "123#" as tones from spandsp's generator, sent as PCMU. */
static void test_inband(struct rtp_stream *s, struct owner *o, struct peer *b)
{
	uint16_t port = rtp_stream_local_port(s);
	dtmf_tx_state_t *tx = dtmf_tx_init(NULL);
	int16_t amp[160];
	uint8_t frame[160];
	unsigned frames = 0, i, silent = 0;
	bool ok = true, src_ok = true;
	int n;

	o->n_digits = 0;
	rtp_stream_set_inband_dtmf(s, true);
	dtmf_tx_put(tx, "123#", -1);
	while (silent < 10 && frames < 500) {
		uint64_t before = seen_by(s);

		n = dtmf_tx(tx, amp, 160);
		if (n <= 0)
			silent++;
		for (i = n > 0 ? n : 0; i < 160; i++)
			amp[i] = 0;
		for (i = 0; i < 160; i++)
			frame[i] = linear_to_ulaw(amp[i]);
		ok &= peer_send_rtp(b, port, PT_PCMU, false, b->ts, frame, 160);
		b->ts += 160;
		frames++;
		ok &= wait_seen(s, before + 1, 1000);
	}
	dtmf_tx_free(tx);
	turn_for(30);
	for (i = 0; i < o->n_digits; i++)
		src_ok &= o->srcs[i] == RTP_DTMF_INBAND;
	CHECK(ok, "%u PCMU frames of tones and silence arrive", frames);
	CHECK(!strcmp(o->digits, "123#") && src_ok, "in-band tones give the digits 1 2 3 # in order ('%s')",
	      o->digits);

	/* switched off: the same tones give nothing */
	rtp_stream_set_inband_dtmf(s, false);
	o->n_digits = 0;
	o->digits[0] = 0;
	tx = dtmf_tx_init(NULL);
	dtmf_tx_put(tx, "9", -1);
	for (i = 0; i < 20; i++) {
		uint64_t before = seen_by(s);

		n = dtmf_tx(tx, amp, 160);
		for (n = n > 0 ? n : 0; n < 160; n++)
			amp[n] = 0;
		for (n = 0; n < 160; n++)
			frame[n] = linear_to_ulaw(amp[n]);
		peer_send_rtp(b, port, PT_PCMU, false, b->ts, frame, 160);
		b->ts += 160;
		wait_seen(s, before + 1, 1000);
	}
	dtmf_tx_free(tx);
	CHECK(o->n_digits == 0, "with in-band detection off, tones give no digit ('%s')", o->digits);
}

static void test_malformed(struct rtp_stream *s, struct owner *o, struct peer *b)
{
	uint16_t port = rtp_stream_local_port(s);
	const struct rtp_stream_stats *st = rtp_stream_stats(s);
	uint8_t buf[2000];
	uint64_t bad0 = st->bad, recv_before = st->received, seen0, recv0;
	unsigned i, n, sent;
	struct {
		const char *what;
		unsigned len;
		uint8_t b0, b1;
		uint8_t last;
		uint16_t ext_words;
	} cases[] = {
		{ "5 bytes", 5, 0x80, 0, 0, 0 },
		{ "11 bytes", 11, 0x80, 0, 0, 0 },
		{ "version 1", 172, 0x40, 0, 0, 0 },
		{ "version 3", 172, 0xc0, 0, 0, 0 },
		{ "15 CSRCs in 60 bytes", 60, 0x8f, 0, 0, 0 },
		{ "padding longer than the packet", 40, 0xa0, 0, 200, 0 },
		{ "padding of 0", 40, 0xa0, 0, 0, 0 },
		{ "padding eating the CSRCs", 24, 0xa2, 0, 10, 0 },
		{ "an extension header past the end", 14, 0x90, 0, 0, 0 },
		{ "an extension longer than the packet", 40, 0x90, 0, 0, 100 },
		{ "payload type 18", 172, 0x80, 18, 0, 0 },
		{ "payload type 8 on a PCMU stream", 172, 0x80, 8, 0, 0 },
		{ "a telephone-event of 3 bytes", 15, 0x80, PT_EVENT, 0, 0 },
		{ "a datagram of 1600 bytes", 1600, 0x80, 0, 0, 0 },
		{ "an empty datagram", 0, 0x80, 0, 0, 0 },
	};

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t before = st->bad;

		memset(buf, 0xff, sizeof(buf));
		buf[0] = cases[i].b0;
		buf[1] = cases[i].b1;
		put16(buf + 2, b->seq++);
		put32(buf + 4, b->ts);
		put32(buf + 8, b->ssrc);
		if (cases[i].b0 & 0x10) {
			put16(buf + 12, 0xbede);
			put16(buf + 14, cases[i].ext_words);
		}
		if (cases[i].len)
			buf[cases[i].len - 1] = cases[i].last;
		peer_send_raw(b, port, buf, cases[i].len);
		CHECK(wait_count(&st->bad, before + 1, 1000), "%s: counted as bad", cases[i].what);
	}
	CHECK(st->bad - bad0 == ARRAY_SIZE(cases) && st->received == recv_before,
	      "%zu malformed packets, %" PRIu64 " bad, none received", ARRAY_SIZE(cases), st->bad - bad0);

	/* random bytes: a few may happen to be valid packets, none may crash */
	seen0 = seen_by(s);
	for (sent = 0; sent < 10000; ) {
		unsigned batch = 50;

		for (i = 0; i < batch; i++) {
			n = random() % 300;
			for (unsigned j = 0; j < n; j++)
				buf[j] = random();
			if (peer_send_raw(b, port, buf, n))
				sent++;
		}
		if (!wait_seen(s, seen0 + sent, 1000))
			break;
	}
	CHECK(sent == 10000 && seen_by(s) - seen0 == 10000, "10000 datagrams of random bytes are each taken as "
	      "valid or bad (%" PRIu64 " bad, %" PRIu64 " valid by chance)", st->bad - bad0 - ARRAY_SIZE(cases),
	      seen_by(s) - seen0 - (st->bad - bad0 - ARRAY_SIZE(cases)));

	/* the stream still works */
	recv0 = st->received;
	memset(buf, 0xff, 160);
	b->ssrc++;
	peer_send_rtp(b, port, PT_PCMU, false, b->ts, buf, 160);
	CHECK(wait_count(&st->received, recv0 + 1, 1000), "a valid packet afterwards is taken");
	peer_forget(b);
	turn_for(100);
	CHECK(b->rx.n >= 3, "and frames still go out (%u in 100 ms)", b->rx.n);
}

static void test_hold(struct rtp_stream *s, struct owner *o, struct peer *b)
{
	const struct peer_log *l = &b->rx;
	uint32_t last_ts;
	uint16_t last_seq;
	unsigned sent;

	turn_for(40);
	peer_forget(b);
	turn_for(60);
	if (!l->n) {
		CHECK(0, "frames go out before hold");
		return;
	}
	last_seq = get16(l->pkts[l->n - 1].data + 2);
	last_ts = get32(l->pkts[l->n - 1].data + 4);
	sent = rtp_stream_stats(s)->sent;
	CHECK(rtp_stream_set_remote(s, "127.0.0.1", b->port, PT_PCMU, PT_EVENT, true) == 0, "hold");
	peer_forget(b);
	turn_for(200);
	CHECK(l->n == 0 && rtp_stream_stats(s)->sent == sent, "nothing is sent while on hold (%u)", l->n);
	CHECK(rtp_stream_set_remote(s, "0.0.0.0", b->port, PT_PCMU, PT_EVENT, false) == 0,
	      "0.0.0.0 from the SDP");
	turn_for(100);
	CHECK(l->n == 0, "nothing is sent to 0.0.0.0 either (%u)", l->n);
	CHECK(rtp_stream_set_remote(s, "127.0.0.1", b->port, PT_PCMU, PT_EVENT, false) == 0, "off hold");
	turn_until(log_has, l, 1000);
	CHECK(l->n && (l->pkts[0].data[1] & 0x80), "the first frame after hold has the marker bit");
	CHECK(l->n && get16(l->pkts[0].data + 2) == (uint16_t)(last_seq + 1),
	      "the sequence number goes on from before the hold");
	CHECK(l->n && get32(l->pkts[0].data + 4) - last_ts >= 160 * 14,
	      "the timestamp counts the time on hold (+%u samples)", get32(l->pkts[0].data + 4) - last_ts);
}

/* The loop sleeps for 70 ms, then 300 ms: the frames it owes are sent at
 * once, up to 5, and timestamps keep following the clock. */
static void test_late_loop(struct rtp_stream *s, struct peer *b, struct rtp_engine *e)
{
	const struct peer_log *l = &b->rx;
	uint64_t late0 = rtp_engine_stats(e)->late_ticks;
	bool ts_ok = true, seq_ok = true;
	double t0;
	unsigned i, n_before, burst;

	turn_for(50);
	peer_forget(b);
	turn_for(45);
	n_before = l->n;
	usleep(70000);
	turn_for(10);
	burst = l->n - n_before;
	CHECK(burst >= 3 && burst <= 5, "after the loop slept 70 ms, %u frames go out at once", burst);
	turn_for(100);
	for (i = 1; i < l->n; i++) {
		ts_ok &= get32(l->pkts[i].data + 4) - get32(l->pkts[i - 1].data + 4) == 160;
		seq_ok &= get16(l->pkts[i].data + 2) == (uint16_t)(get16(l->pkts[i - 1].data + 2) + 1);
	}
	CHECK(ts_ok && seq_ok, "with no gap in sequence numbers or timestamps (%u frames)", l->n);

	peer_forget(b);
	turn_for(45);
	n_before = l->n;
	t0 = now_ms();
	usleep(300000);
	turn_for(10);
	burst = l->n - n_before;
	CHECK(burst == 5, "after 300 ms asleep, 5 frames go out at once, not 15 (%u)", burst);
	turn_for(100);
	{
		/* the timestamp follows the clock: ts - ts0 is 8 samples a ms */
		double ms = l->pkts[l->n - 1].t_ms - l->pkts[0].t_ms;
		double ts_ms = (get32(l->pkts[l->n - 1].data + 4) - get32(l->pkts[0].data + 4)) / 8.0;

		CHECK(ms > 300 && ts_ms - ms > -25 && ts_ms - ms < 25, "the timestamp kept following the clock "
		      "(%.0f ms of timestamps in %.0f ms)", ts_ms, ms);
	}
	CHECK(rtp_engine_stats(e)->late_ticks >= late0 + 2, "late ticks are counted (%" PRIu64 ")",
	      rtp_engine_stats(e)->late_ticks - late0);
	(void)t0;
}

static bool rtcp_has_pt(const struct peer_log *l, uint8_t pt, uint32_t ssrc, const char *cname)
{
	unsigned i, off;

	for (i = 0; i < l->n; i++) {
		const uint8_t *p = l->pkts[i].data;
		bool pt_found = false, cname_found = !cname;

		if (l->pkts[i].len < 8 || p[1] != 200)		/* a compound starts with the SR */
			continue;
		for (off = 0; off + 8 <= l->pkts[i].len; off += 4 * (get16(p + off + 2) + 1)) {
			if ((p[off] >> 6) != 2 || get32(p + off + 4) != ssrc)
				break;
			if (p[off + 1] == pt)
				pt_found = true;
			if (cname && p[off + 1] == 202 && p[off + 8] == 1 && p[off + 9] == strlen(cname)
			    && off + 10 + strlen(cname) <= l->pkts[i].len
			    && !memcmp(p + off + 10, cname, strlen(cname)))
				cname_found = true;
		}
		if (pt_found && cname_found)
			return true;
	}
	return false;
}

struct rtcp_wait {
	const struct peer_log *l;
	uint8_t pt;
	uint32_t ssrc;
	const char *cname;
};

static bool rtcp_arrived(const void *arg)
{
	const struct rtcp_wait *w = arg;

	return rtcp_has_pt(w->l, w->pt, w->ssrc, w->cname);
}

static void test_rtcp(struct rtp_stream *s, struct peer *b)
{
	struct rtcp_wait w = { &b->rx_rtcp, 200, rtp_stream_stats(s)->ssrc_out, "stoop@127.0.0.1" };
	uint8_t rr[8] = { 0x80, 201, 0, 1 };
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(rtp_stream_local_port(s) + 1) };
	uint64_t bad0 = rtp_stream_stats(s)->bad;
	double t0 = now_ms();
	bool ok;

	ok = turn_until(rtcp_arrived, &w, 10000);
	CHECK(ok, "a sender report with the CNAME %s reaches the caller's RTCP port within 10 s (%.1f s)", w.cname,
	      (now_ms() - t0) / 1000);

	/* the engine's RTCP socket takes a receiver report, drops garbage */
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	put32(rr + 4, b->ssrc);
	sendto(b->rtcp, rr, sizeof(rr), 0, (struct sockaddr *)&sin, sizeof(sin));
	turn_for(30);
	CHECK(rtp_stream_stats(s)->bad == bad0, "a receiver report from the caller is not bad");
	sendto(b->rtcp, "garbage", 7, 0, (struct sockaddr *)&sin, sizeof(sin));
	CHECK(wait_count(&rtp_stream_stats(s)->bad, bad0 + 1, 1000), "7 bytes of garbage on RTCP are bad");
}

static void test_ports(void *ctx, uint16_t base)
{
	struct rtp_engine_config cfg = { "127.0.0.1", base, base + 5 };
	struct rtp_stream *s[4];
	struct rtp_engine *e;
	struct owner o = {};
	int blocker;
	unsigned i;

	/* the OS has the first pair's RTP port: the engine skips that pair */
	blocker = udp_bind(base);
	e = rtp_engine_alloc(ctx, &cfg);
	CHECK(e != NULL, "an engine on ports %u-%u (3 pairs)", base, base + 5);
	if (!e || blocker < 0)
		return;
	s[0] = rtp_stream_alloc(e, &owner_ops, &o);
	s[1] = rtp_stream_alloc(e, &owner_ops, &o);
	CHECK(s[0] && s[1] && rtp_stream_local_port(s[0]) == base + 2 && rtp_stream_local_port(s[1]) == base + 4,
	      "a pair whose port the OS has is skipped: streams on %u and %u", s[0] ? rtp_stream_local_port(s[0]) : 0,
	      s[1] ? rtp_stream_local_port(s[1]) : 0);
	errno = 0;
	s[2] = rtp_stream_alloc(e, &owner_ops, &o);
	CHECK(!s[2] && errno == EADDRINUSE, "one stream more than the range holds: NULL, EADDRINUSE (%s)",
	      strerror(errno));
	rtp_stream_free(s[0]);
	s[0] = rtp_stream_alloc(e, &owner_ops, &o);
	CHECK(s[0] && rtp_stream_local_port(s[0]) == base + 2, "a freed stream's ports are used again (%u)",
	      s[0] ? rtp_stream_local_port(s[0]) : 0);
	close(blocker);
	rtp_stream_free(s[1]);
	s[1] = rtp_stream_alloc(e, &owner_ops, &o);
	s[2] = rtp_stream_alloc(e, &owner_ops, &o);
	CHECK(s[1] && s[2] && rtp_stream_local_port(s[1]) == base + 4 && rtp_stream_local_port(s[2]) == base,
	      "round robin: the pair freed last comes next, then the one the OS gave back (%u, %u)",
	      s[1] ? rtp_stream_local_port(s[1]) : 0, s[2] ? rtp_stream_local_port(s[2]) : 0);
	CHECK(rtp_engine_stats(e)->streams == 3, "the engine counts 3 streams");
	for (i = 0; i < 3; i++)
		rtp_stream_free(s[i]);
	CHECK(rtp_engine_stats(e)->streams == 0, "and 0 after freeing them");
	rtp_engine_free(e);

	cfg.port_min = base + 1;
	cfg.port_max = base + 2;
	CHECK(rtp_engine_alloc(ctx, &cfg) == NULL, "a range with no even/odd pair (%u-%u) is refused",
	      cfg.port_min, cfg.port_max);
	cfg.port_max = base + 5;
	cfg.local_ip = "not-an-ip";
	CHECK(rtp_engine_alloc(ctx, &cfg) == NULL, "a local address that is no IP address is refused");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Four streams are spread over the four 5 ms phases of the 20 ms period:
 * their frames reach the peer 5 ms apart. */
static void test_phases(struct rtp_engine *e, struct rtp_stream *s0, struct peer *a)
{
	struct owner o[3] = {};
	struct rtp_stream *s[4] = { s0 };
	uint32_t ssrc[4];
	double ref = 0, off[4], seen[4][32];
	bool spread = true;
	unsigned i, k, n[4] = { 0 };

	for (i = 1; i < 4; i++) {
		s[i] = rtp_stream_alloc(e, &owner_ops, &o[i - 1]);
		if (!s[i] || !set_remote(s[i], a, PT_PCMU, false)) {
			CHECK(0, "three more streams for the phase test");
			goto out;
		}
	}
	CHECK(set_remote(s0, a, PT_PCMU, false), "four streams send to the same peer");
	for (i = 0; i < 4; i++)
		ssrc[i] = rtp_stream_stats(s[i])->ssrc_out;
	turn_for(60);
	peer_forget(a);
	turn_for(300);
	/* each frame's arrival as an offset in the 20 ms period from stream
	 * 0's first; a stream's offset is the median of its frames' (a loaded
	 * machine may delay a few) */
	for (k = 0; k < a->rx.n; k++) {
		uint32_t ss = get32(a->rx.pkts[k].data + 8);
		double d;

		if (!ref && ss == ssrc[0])
			ref = a->rx.pkts[k].t_ms;
		for (i = 0; ref && i < 4; i++) {
			if (ss != ssrc[i] || n[i] == ARRAY_SIZE(seen[i]))
				continue;
			d = a->rx.pkts[k].t_ms - ref;
			while (d < 0)
				d += 20;
			while (d >= 20)
				d -= 20;
			seen[i][n[i]++] = d;
		}
	}
	for (i = 0; i < 4; i++) {
		if (n[i] < 5) {
			CHECK(0, "frames of all four streams arrive (stream %u: %u)", i, n[i]);
			goto out;
		}
		qsort(seen[i], n[i], sizeof(seen[i][0]), cmp_double);
		off[i] = seen[i][n[i] / 2];
	}
	/* stream 0's own offsets are near 0 or near 20: put them at 0 */
	off[0] = 0;
	qsort(off, 4, sizeof(off[0]), cmp_double);
	for (i = 1; i < 4; i++)
		spread &= off[i] - off[i - 1] > 3.5 && off[i] - off[i - 1] < 6.5;
	CHECK(spread, "four streams send in four phases 5 ms apart (offsets %.1f %.1f %.1f %.1f ms)", off[0], off[1],
	      off[2], off[3]);
out:
	for (i = 1; i < 4; i++)
		rtp_stream_free(s[i]);
}

/* A digit's callback frees its stream; a BYE goes out. */
static void test_free_in_callback(struct rtp_engine *e, struct peer *b)
{
	struct owner o = { .free_on_digit = true };
	unsigned streams = rtp_engine_stats(e)->streams;
	uint32_t ssrc;
	uint16_t port;
	unsigned i;

	o.s = rtp_stream_alloc(e, &owner_ops, &o);
	if (!o.s) {
		CHECK(0, "a stream for the free test");
		return;
	}
	port = rtp_stream_local_port(o.s);
	ssrc = rtp_stream_stats(o.s)->ssrc_out;
	set_remote(o.s, b, PT_PCMU, false);
	turn_for(50);
	peer_forget(b);
	b->ts += 8000;
	for (i = 0; i < 20; i++)			/* the callback frees after the first */
		peer_send_event(b, port, b->ts + (i / 4) * 1000, 1 + i / 4, i % 4 == 3, 400, false);
	wait_digits(&o, 1, 1000);
	turn_for(30);
	CHECK(o.n_digits == 1 && !o.s, "a stream freed from its dtmf callback: one digit, no crash");
	CHECK(rtp_engine_stats(e)->streams == streams, "the engine's stream count is back to %u", streams);
	CHECK(rtcp_has_pt(&b->rx_rtcp, 203, ssrc, NULL), "an RTCP BYE with the stream's SSRC went to the caller");
}

int main(void)
{
	void *root = talloc_named_const(NULL, 0, "rtp_test");
	struct peer a, b;
	struct owner o = {};
	struct rtp_engine *e;
	struct rtp_engine_config cfg = { .local_ip = "127.0.0.1" };
	uint16_t base;
	unsigned seed = getpid();

	stoop_log_init(root, true);
	srandom(seed);
	printf("# random seed %u\n", seed);
	/* ports of our own, away from other test runs */
	base = 30000 + (getpid() % 500) * 20;
	cfg.port_min = base;
	cfg.port_max = base + 9;
	if (!peer_open(&a, base + 10) || !peer_open(&b, a.port + 2)) {
		printf("1..0 # SKIP no UDP ports on 127.0.0.1\n");
		return 0;
	}
	peers[0] = &a;
	peers[1] = &b;

	e = rtp_engine_alloc(root, &cfg);
	CHECK(e != NULL, "an engine on 127.0.0.1 ports %u-%u", cfg.port_min, cfg.port_max);
	if (!e)
		return test_done();
	CHECK(rtp_engine_start(e) == 0, "its clock starts");
	o.s = rtp_stream_alloc(e, &owner_ops, &o);
	CHECK(o.s && rtp_stream_local_port(o.s) % 2 == 0 && rtp_stream_local_port(o.s) >= base
	      && rtp_stream_local_port(o.s) < base + 9, "a stream on an even port of the range (%u)",
	      o.s ? rtp_stream_local_port(o.s) : 0);
	if (!o.s)
		return test_done();
	CHECK(rtp_stream_set_remote(o.s, "127.0.0.1", a.port, 3, PT_EVENT, false) == -EINVAL,
	      "set_remote refuses a payload type other than 0 and 8");
	CHECK(rtp_stream_set_remote(o.s, "::1", a.port, 0, PT_EVENT, false) < 0,
	      "set_remote refuses an IPv6 address on an IPv4 engine");
	turn_for(60);
	CHECK(o.fills == 0, "no remote yet: fill() is not called, nothing is sent");

	test_pacing(o.s, &o, &a);
	test_silence(o.s, &o, &a);
	test_symmetric(o.s, &o, &a, &b);
	test_rfc4733(o.s, &o, &b);
	test_rfc4733_random(o.s, &o, &b);
	test_inband(o.s, &o, &b);
	test_malformed(o.s, &o, &b);
	test_hold(o.s, &o, &b);
	test_late_loop(o.s, &b, e);
	test_rtcp(o.s, &b);
	test_free_in_callback(e, &b);
	test_phases(e, o.s, &a);
	test_ports(root, base + 200);

	printf("# engine: %" PRIu64 " ticks, %" PRIu64 " late, %" PRIu64 " frames, longest tick %u us\n",
	       rtp_engine_stats(e)->ticks, rtp_engine_stats(e)->late_ticks, rtp_engine_stats(e)->frames_sent,
	       rtp_engine_stats(e)->max_tick_us);
	rtp_stream_free(o.s);
	rtp_engine_free(e);
	peer_close(&a);
	peer_close(&b);
	talloc_free(root);
	return test_done();
}
