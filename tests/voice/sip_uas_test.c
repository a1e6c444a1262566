/* sip_uas_test.c -- gateway/voice/sip.c in a test program that real SIP
 * peers (sipp, sipsak, raw datagrams) call: a sip_ua on 127.0.0.1 in the
 * libosmocore+glib loop whose owner prints each thing it hears as one line
 * on stdout, for tests/voice/sip_uas.sh to read:
 *   ready PORT
 *   incoming id=N called=311 caller=+1555... diverted_from=- reason=- remote=IP:PORT pt=0 dtmf_pt=101 hold=0
 *   media id=N remote=IP:PORT pt=0 dtmf_pt=101 hold=1
 *   dtmf id=N key=5 duration=160
 *   ended id=N reason=bye
 *   stats invites=... / stopped / calls-left N / talloc-blocks-left N
 * What the owner does is chosen by the called number, so one program
 * serves every scenario: "ring<ms>" answers after <ms> (180 first),
 * "hangup<ms>" answers and hangs up after <ms>, "reject<ms>" hangs up
 * unanswered after <ms> (480), "refuse" refuses (503), anything else is
 * answered at once with RTP port --rtp-port.  It stops on SIGTERM or
 * after --lifetime seconds, shutting the ua down (every wait bounded).
 */
#include <errno.h>
#include <inttypes.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/application.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "core/glib_loop.h"
#include "core/logging.h"
#include "core/peers.h"
#include "voice/sip.h"

#define MAX_PEERS	4

enum test_action {
	ACT_ANSWER,
	ACT_RING,
	ACT_HANGUP,
	ACT_REJECT,
};

struct test_call {
	unsigned id;
	struct sip_call *c;
	enum test_action action;
	struct osmo_timer_list timer;
};

static struct {
	void *ctx;
	struct sip_ua *ua;
	uint16_t rtp_port;
	unsigned next_id;
	unsigned live_calls;		/* incoming() took, ended() not yet */
	volatile sig_atomic_t quit;
	bool expired;
} t;

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static void print_media(const char *what, unsigned id, const struct sip_call_info *info)
{
	printf("%s id=%u remote=%s:%u pt=%d dtmf_pt=%d hold=%d\n", what, id, or_dash(info->remote_ip),
	       info->remote_port, info->pt, info->dtmf_pt, info->hold);
}

static void call_timer_cb(void *data)
{
	struct test_call *tc = data;

	switch (tc->action) {
	case ACT_RING:
		printf("answer id=%u rc=%d\n", tc->id, sip_call_answer(tc->c, t.rtp_port));
		break;
	case ACT_HANGUP:
	case ACT_REJECT:
		printf("hangup id=%u\n", tc->id);
		sip_call_hangup(tc->c);
		break;
	default:
		break;
	}
}

/* "ring2000" -> ACT_RING, 2000 */
static enum test_action action_of(const char *called, unsigned *ms)
{
	static const struct {
		const char *prefix;
		enum test_action action;
	} prefixes[] = {
		{ "ring", ACT_RING },
		{ "hangup", ACT_HANGUP },
		{ "reject", ACT_REJECT },
	};
	unsigned i;
	size_t n;

	*ms = 0;
	for (i = 0; i < ARRAY_SIZE(prefixes); i++) {
		n = strlen(prefixes[i].prefix);
		if (!strncmp(called, prefixes[i].prefix, n)) {
			*ms = atoi(called + n);
			return prefixes[i].action;
		}
	}
	return ACT_ANSWER;
}

static int on_incoming(struct sip_call *c, const struct sip_call_info *info, void *priv)
{
	struct test_call *tc;
	unsigned ms;

	if (!strcmp(info->called, "refuse")) {
		printf("refuse called=%s\n", info->called);
		return -EBUSY;
	}
	tc = talloc_zero(t.ctx, struct test_call);
	tc->id = ++t.next_id;
	t.live_calls++;
	tc->c = c;
	tc->action = action_of(info->called, &ms);
	sip_call_set_priv(c, tc);
	printf("incoming id=%u called=%s caller=%s diverted_from=%s reason=%s call_id=%s\n", tc->id,
	       or_dash(info->called), or_dash(info->caller), or_dash(info->diverted_from),
	       or_dash(info->diversion_reason), or_dash(info->call_id));
	print_media("offer", tc->id, info);
	osmo_timer_setup(&tc->timer, call_timer_cb, tc);
	if (tc->action != ACT_ANSWER)
		osmo_timer_schedule(&tc->timer, ms / 1000, (ms % 1000) * 1000);
	return tc->action == ACT_RING || tc->action == ACT_REJECT ? 0 : t.rtp_port;
}

static void on_media(struct sip_call *c, const struct sip_call_info *info)
{
	struct test_call *tc = sip_call_priv(c);

	print_media("media", tc->id, info);
}

static void on_dtmf(struct sip_call *c, char key, unsigned duration_ms)
{
	struct test_call *tc = sip_call_priv(c);

	printf("dtmf id=%u key=%c duration=%u\n", tc->id, key, duration_ms);
}

static void on_ended(struct sip_call *c, const char *reason)
{
	struct test_call *tc = sip_call_priv(c);

	printf("ended id=%u reason=%s\n", tc->id, reason);
	osmo_timer_del(&tc->timer);
	talloc_free(tc);
	t.live_calls--;
}

static const struct sip_ua_ops test_ops = {
	.incoming = on_incoming,
	.media = on_media,
	.dtmf = on_dtmf,
	.ended = on_ended,
};

static void on_signal(int sig)
{
	t.quit = 1;
}

static void tick_cb(void *data)
{
	struct osmo_timer_list *tick = data;

	osmo_timer_schedule(tick, 0, 100000);	/* wakes the loop to see t.quit */
}

static void expire_cb(void *data)
{
	t.expired = true;
}

static void usage(void)
{
	fprintf(stderr, "usage: sip_uas_test --port N [--ip A] [--peer A]... [--max-calls N] [--rtp-port N]\n"
		"                    [--timeout-ms N] [--lifetime S] [--debug]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "ip", required_argument, NULL, 'i' },
		{ "peer", required_argument, NULL, 'P' },
		{ "max-calls", required_argument, NULL, 'm' },
		{ "rtp-port", required_argument, NULL, 'r' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "lifetime", required_argument, NULL, 'l' },
		{ "debug", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct sip_peer peers[MAX_PEERS];
	struct sip_ua_config cfg = { .local_ip = "127.0.0.1" };
	struct osmo_timer_list tick, lifetime, stop_guard;
	const struct sip_ua_stats *st;
	unsigned lifetime_s = 120, n_peers = 0;
	size_t blocks_before;
	bool debug = false;
	int opt;

	memset(peers, 0, sizeof(peers));
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			cfg.local_port = atoi(optarg);
			break;
		case 'i':
			cfg.local_ip = optarg;
			break;
		case 'P':
			if (n_peers == MAX_PEERS)
				usage();
			snprintf(peers[n_peers++].ip, sizeof(peers[0].ip), "%s", optarg);
			break;
		case 'm':
			cfg.max_calls = atoi(optarg);
			break;
		case 'r':
			t.rtp_port = atoi(optarg);
			break;
		case 't':
			cfg.timeout_ms = atoi(optarg);
			break;
		case 'l':
			lifetime_s = atoi(optarg);
			break;
		case 'd':
			debug = true;
			break;
		default:
			usage();
		}
	}
	if (!cfg.local_port)
		usage();
	if (!t.rtp_port)
		t.rtp_port = 40000;
	cfg.peers = peers;
	cfg.n_peers = n_peers;
	setvbuf(stdout, NULL, _IOLBF, 0);

	t.ctx = talloc_named_const(NULL, 0, "sip_uas_test");
	stoop_log_init(t.ctx, true);
	log_set_category_filter(osmo_stderr_target, DSIP, 1, debug ? LOGL_DEBUG : LOGL_INFO);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (glib_loop_init(t.ctx) < 0)
		return 1;

	blocks_before = talloc_total_blocks(t.ctx);
	t.ua = sip_ua_alloc(t.ctx, &cfg, &test_ops, NULL);
	if (sip_ua_start(t.ua) < 0) {
		printf("cannot start\n");
		sip_ua_free(t.ua);
		glib_loop_fini();
		return 3;
	}
	printf("ready %u\n", cfg.local_port);

	osmo_timer_setup(&tick, tick_cb, &tick);
	osmo_timer_schedule(&tick, 0, 100000);
	osmo_timer_setup(&lifetime, expire_cb, NULL);
	osmo_timer_schedule(&lifetime, lifetime_s, 0);
	while (!t.quit && !t.expired)
		glib_loop_iterate();
	printf("stopping (%s)\n", t.quit ? "signal" : "lifetime");

	/* bounded: the BYEs of a shutdown give up after 64*T1 */
	t.expired = false;
	osmo_timer_setup(&stop_guard, expire_cb, NULL);
	osmo_timer_schedule(&stop_guard, 40, 0);
	sip_ua_shutdown(t.ua);
	while (!sip_ua_stopped(t.ua) && !t.expired)
		glib_loop_iterate();
	osmo_timer_del(&stop_guard);
	osmo_timer_del(&lifetime);
	osmo_timer_del(&tick);

	st = sip_ua_stats(t.ua);
	printf("stats invites=%" PRIu64 " answered=%" PRIu64 " refused_peer=%" PRIu64 " refused_busy=%" PRIu64
	       " refused_codec=%" PRIu64 " refused_other=%" PRIu64 " cancelled=%" PRIu64 " byes_in=%" PRIu64
	       " byes_out=%" PRIu64 " reinvites=%" PRIu64 " infos=%" PRIu64 " options=%" PRIu64
	       " malformed=%" PRIu64 " calls=%u\n", st->invites, st->answered, st->refused_peer,
	       st->refused_busy, st->refused_codec, st->refused_other, st->cancelled, st->byes_in, st->byes_out,
	       st->reinvites, st->infos, st->options, st->malformed, st->calls);
	printf("%s\n", sip_ua_stopped(t.ua) ? "stopped" : "not stopped in time");
	sip_ua_free(t.ua);
	printf("calls-left %u\n", t.live_calls);
	printf("talloc-blocks-left %zu\n", talloc_total_blocks(t.ctx) - blocks_before);
	glib_loop_fini();
	return 0;
}
