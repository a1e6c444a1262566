/* rtp_bench.c -- how many calls the RTP engine paces on one core, and how
 * evenly.  The process forks: the child runs voice/rtp.c with N streams
 * (pinned to core 0), each filling every frame from a prompt-like buffer;
 * the parent (pinned to core 1) plays the N callers, each sending its own
 * 20 ms PCMU frames to its stream.  The callers share a few sockets (50
 * callers a socket, batched with sendmmsg/recvmmsg) so that the generator
 * costs less than what it measures; the engine still has its two sockets a
 * call, and each stream latches to its callers' socket as it would to a
 * phone.  What comes back is told apart by SSRC and timestamped by the
 * kernel on arrival (SO_TIMESTAMPNS), so the callers' own scheduling is not
 * counted as the engine's jitter; the callers read every 5 ms instead of
 * waiting on their sockets, because on loopback the sender pays for waking
 * the receiver, and that is no cost of the engine's.  After a second of warm-up the callers
 * measure for the given time.  Printed, never asserted:
 *   engine    packets sent and received per second, lost and bad as the
 *             engine counted them, late ticks, the longest tick, CPU time
 *             as a share of one core (getrusage of the child) and how often
 *             something else took its core (involuntary context switches);
 *   callers   frames received, lost by sequence gaps, |interval - 20 ms|
 *             p50 / p90 / p99 / max, and the callers' own CPU share;
 *   floor     the same figures for a process that does nothing but wake
 *             on a 20 ms timerfd on core 0 for 2 s before the engine starts:
 *             what the machine's scheduling adds to any timer (a virtual
 *             machine whose host schedules in 4 ms slices shows it there).
 * Usage: rtp_bench [-n STREAMS] [-t SECONDS] [-d PERCENT] (-d: in-band DTMF
 * detection on that share of the streams; default 2000 streams, 10 s, 0 %).
 * Loopback charges the receiver's kernel work to the sender, so both CPU
 * figures include delivering what they send.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "core/logging.h"
#include "voice/rtp.h"

#define ENGINE_PORT_BASE	10000
#define CALLERS_PER_SOCKET	50
#define RX_BATCH		64
#define HIST_US			100000		/* |interval - 20 ms| up to 100 ms, 1 us buckets */
#define WARMUP_S		1

struct child_report {
	unsigned floor_p50, floor_p90, floor_p99, floor_max;	/* us */
	uint64_t sent, received, lost, bad;
	uint64_t ticks, late_ticks, turns;
	unsigned max_tick_us, streams;
	double cpu_s, wall_s;
	long preempted;
};

/* What the child tells the parent about each stream. */
struct stream_info {
	uint16_t port;
	uint32_t ssrc;
};

/* Callers share sockets: a group is one RTP/RTCP pair. */
struct group {
	int rtp, rtcp;
	uint16_t port;
};

struct caller {
	unsigned group;
	struct stream_info engine;
	uint16_t seq;
	uint32_t ts, ssrc;
	/* what came back */
	bool have_last;
	int64_t last_ns;
	uint16_t last_seq;
	uint64_t received, lost;
};

static unsigned n_streams = 2000, seconds = 10, inband_pct;
static uint8_t prompt[8000];			/* one second of "audio" */

static int64_t ns_of(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

static int64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ns_of(&ts);
}

static double cpu_s(long *nivcsw)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	if (nivcsw)
		*nivcsw = ru.ru_nivcsw;
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static bool pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0;
}

static int udp_bind(uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static bool write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n <= 0)
			return false;
		p += n;
		len -= n;
	}
	return true;
}

static bool read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len) {
		n = read(fd, p, len);
		if (n <= 0)
			return false;
		p += n;
		len -= n;
	}
	return true;
}

/*
 * The child: the engine.
 */

struct bench_stream {
	struct rtp_stream *s;
	unsigned pos;
};

static bool bench_fill(struct rtp_stream *s, uint8_t *frame, void *priv)
{
	struct bench_stream *bs = priv;

	memcpy(frame, prompt + bs->pos, 160);
	bs->pos = (bs->pos + 160) % sizeof(prompt);
	return true;
}

static void bench_audio(struct rtp_stream *s, const int16_t *pcm, unsigned n, void *priv)
{
}

static void bench_dtmf(struct rtp_stream *s, char key, enum rtp_dtmf_source src, void *priv)
{
}

static const struct rtp_stream_ops bench_ops = {
	.fill = bench_fill,
	.audio = bench_audio,
	.dtmf = bench_dtmf,
};

static bool child_done;

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* 2 s of an idle 20 ms timerfd: the wake-up intervals' |deviation|. */
static void measure_floor(struct child_report *rep)
{
	struct itimerspec its = { { 0, 20000000 }, { 0, 20000000 } };
	uint32_t dev[100];
	int64_t last = 0, t;
	uint64_t exp;
	unsigned n = 0;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);

	if (fd < 0 || timerfd_settime(fd, 0, &its, NULL) < 0)
		return;
	while (n < 100 && read(fd, &exp, sizeof(exp)) == sizeof(exp)) {
		t = now_ns(CLOCK_MONOTONIC);
		if (last) {
			int64_t d = t - last - 20000000;
			dev[n++] = (d < 0 ? -d : d) / 1000;
		}
		last = t;
	}
	close(fd);
	if (!n)
		return;
	qsort(dev, n, sizeof(dev[0]), cmp_u32);
	rep->floor_p50 = dev[n / 2];
	rep->floor_p90 = dev[n * 90 / 100];
	rep->floor_p99 = dev[n * 99 / 100];
	rep->floor_max = dev[n - 1];
}

static void child_stop_cb(void *data)
{
	child_done = true;
}

static int run_engine(const struct caller *callers, const struct group *groups, int report_fd)
{
	void *ctx = talloc_named_const(NULL, 0, "rtp_bench");
	struct rtp_engine_config cfg = {
		.local_ip = "127.0.0.1",
		.port_min = ENGINE_PORT_BASE,
		.port_max = ENGINE_PORT_BASE + 2 * n_streams + 199,
	};
	struct osmo_timer_list stop = {};
	struct bench_stream *bs;
	struct child_report rep = {};
	const struct rtp_engine_stats *es;
	struct rtp_engine *e;
	double cpu0, wall0;
	long preempted0;
	unsigned i;

	stoop_log_init(ctx, true);
	measure_floor(&rep);
	e = rtp_engine_alloc(ctx, &cfg);
	bs = talloc_zero_array(ctx, struct bench_stream, n_streams);
	if (!e || !bs)
		return 1;
	for (i = 0; i < n_streams; i++) {
		struct stream_info info;

		bs[i].s = rtp_stream_alloc(e, &bench_ops, &bs[i]);
		if (!bs[i].s) {
			fprintf(stderr, "stream %u: %s\n", i, strerror(errno));
			return 1;
		}
		bs[i].pos = (i * 160) % sizeof(prompt);
		rtp_stream_set_remote(bs[i].s, "127.0.0.1", groups[callers[i].group].port, 0, 101, false);
		if (i * 100 < inband_pct * n_streams)
			rtp_stream_set_inband_dtmf(bs[i].s, true);
		info.port = rtp_stream_local_port(bs[i].s);
		info.ssrc = rtp_stream_stats(bs[i].s)->ssrc_out;
		if (!write_all(report_fd, &info, sizeof(info)))
			return 1;
	}
	if (rtp_engine_start(e) < 0)
		return 1;
	cpu0 = cpu_s(&preempted0);
	wall0 = now_ns(CLOCK_MONOTONIC) / 1e9;
	osmo_timer_setup(&stop, child_stop_cb, NULL);
	osmo_timer_schedule(&stop, WARMUP_S + seconds + 1, 0);
	while (!child_done) {
		osmo_select_main_ctx(0);
		rep.turns++;
	}

	rep.cpu_s = cpu_s(&rep.preempted) - cpu0;
	rep.preempted -= preempted0;
	rep.wall_s = now_ns(CLOCK_MONOTONIC) / 1e9 - wall0;
	for (i = 0; i < n_streams; i++) {
		const struct rtp_stream_stats *st = rtp_stream_stats(bs[i].s);

		rep.sent += st->sent;
		rep.received += st->received;
		rep.lost += st->lost;
		rep.bad += st->bad;
	}
	es = rtp_engine_stats(e);
	rep.ticks = es->ticks;
	rep.late_ticks = es->late_ticks;
	rep.max_tick_us = es->max_tick_us;
	rep.streams = es->streams;
	write_all(report_fd, &rep, sizeof(rep));
	rtp_engine_free(e);
	talloc_free(ctx);
	return 0;
}

/*
 * The parent: the callers.
 */

static struct {
	struct caller *callers;
	struct group *groups;
	unsigned n_groups;
	/* SSRC -> caller index + 1, open addressing */
	uint32_t *ssrc_key, *ssrc_val;
	unsigned ssrc_mask;
	/* the batches */
	struct mmsghdr *tx_msg;
	struct iovec *tx_iov;
	struct sockaddr_in *tx_to;
	uint8_t (*tx_pkt)[172];
	struct mmsghdr rx_msg[RX_BATCH];
	struct iovec rx_iov[RX_BATCH];
	uint8_t rx_buf[RX_BATCH][512];
	char rx_cmsg[RX_BATCH][CMSG_SPACE(sizeof(struct timespec))];
	/* the measure */
	uint32_t *hist;
	uint64_t over, unknown, tx_failed;
} g;

static void ssrc_put(uint32_t ssrc, unsigned idx)
{
	unsigned h = (ssrc * 2654435761u) & g.ssrc_mask;

	while (g.ssrc_val[h])
		h = (h + 1) & g.ssrc_mask;
	g.ssrc_key[h] = ssrc;
	g.ssrc_val[h] = idx + 1;
}

static struct caller *ssrc_get(uint32_t ssrc)
{
	unsigned h = (ssrc * 2654435761u) & g.ssrc_mask;

	while (g.ssrc_val[h]) {
		if (g.ssrc_key[h] == ssrc)
			return &g.callers[g.ssrc_val[h] - 1];
		h = (h + 1) & g.ssrc_mask;
	}
	return NULL;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Every caller sends one frame: one sendmmsg() per group. */
static void callers_send(void)
{
	unsigned i, first = 0, grp;

	for (i = 0; i < n_streams; i++) {
		struct caller *c = &g.callers[i];
		uint8_t *p = g.tx_pkt[i];

		p[0] = 0x80;
		p[1] = 0;
		p[2] = c->seq >> 8;
		p[3] = c->seq;
		put32(p + 4, c->ts);
		put32(p + 8, c->ssrc);
		c->seq++;
		c->ts += 160;
	}
	for (grp = 0; grp < g.n_groups; grp++) {
		unsigned n = 0, done = 0;
		int rc;

		while (first + n < n_streams && g.callers[first + n].group == grp)
			n++;
		while (done < n) {
			rc = sendmmsg(g.groups[grp].rtp, g.tx_msg + first + done, n - done, 0);
			if (rc <= 0) {
				g.tx_failed += n - done;
				break;
			}
			done += rc;
		}
		first += n;
	}
}

static void callers_read(int fd, bool measuring)
{
	unsigned round, i;
	int n;

	for (round = 0; round < 16; round++) {
		for (i = 0; i < RX_BATCH; i++)
			g.rx_msg[i].msg_hdr.msg_controllen = sizeof(g.rx_cmsg[i]);
		n = recvmmsg(fd, g.rx_msg, RX_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (i = 0; i < (unsigned)n; i++) {
			struct msghdr *h = &g.rx_msg[i].msg_hdr;
			const uint8_t *p = g.rx_buf[i];
			struct cmsghdr *cm;
			struct caller *c;
			uint16_t seq;
			int64_t t = 0;

			if (g.rx_msg[i].msg_len < 12)
				continue;
			c = ssrc_get((uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 | (uint32_t)p[10] << 8 | p[11]);
			if (!c) {
				g.unknown++;
				continue;
			}
			for (cm = CMSG_FIRSTHDR(h); cm; cm = CMSG_NXTHDR(h, cm)) {
				if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
					struct timespec ts;

					memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
					t = ns_of(&ts);
				}
			}
			if (!t)
				t = now_ns(CLOCK_REALTIME);
			seq = (uint16_t)p[2] << 8 | p[3];
			if (measuring && c->have_last) {
				int64_t dev = (t - c->last_ns) - 20000000;
				uint64_t us = (dev < 0 ? -dev : dev) / 1000;
				uint16_t gap = seq - c->last_seq;

				if (us < HIST_US)
					g.hist[us]++;
				else
					g.over++;
				if (gap > 1 && gap < 3000)
					c->lost += gap - 1;
				c->received++;
			}
			c->have_last = true;
			c->last_ns = t;
			c->last_seq = seq;
		}
		if (n < RX_BATCH)
			return;
	}
}

static unsigned percentile(uint64_t total, double q)
{
	uint64_t want = (uint64_t)(q * total), sum = 0;
	unsigned i;

	for (i = 0; i < HIST_US; i++) {
		sum += g.hist[i];
		if (sum > want)
			return i;
	}
	return HIST_US;
}

static bool raise_nofile(rlim_t want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return false;
	if (rl.rlim_cur >= want)
		return true;
	if (rl.rlim_max < want)
		return false;
	rl.rlim_cur = want;
	return setrlimit(RLIMIT_NOFILE, &rl) == 0;
}

static bool callers_open(void)
{
	uint16_t port = ENGINE_PORT_BASE + 2 * n_streams + 200;
	int one = 1;
	unsigned i;

	g.n_groups = (n_streams + CALLERS_PER_SOCKET - 1) / CALLERS_PER_SOCKET;
	g.callers = calloc(n_streams, sizeof(*g.callers));
	g.groups = calloc(g.n_groups, sizeof(*g.groups));
	g.tx_msg = calloc(n_streams, sizeof(*g.tx_msg));
	g.tx_iov = calloc(n_streams, sizeof(*g.tx_iov));
	g.tx_to = calloc(n_streams, sizeof(*g.tx_to));
	g.tx_pkt = calloc(n_streams, sizeof(*g.tx_pkt));
	g.hist = calloc(HIST_US, sizeof(*g.hist));
	for (g.ssrc_mask = 1; g.ssrc_mask < 4 * n_streams; g.ssrc_mask <<= 1)
		;
	g.ssrc_key = calloc(g.ssrc_mask, sizeof(uint32_t));
	g.ssrc_val = calloc(g.ssrc_mask, sizeof(uint32_t));
	g.ssrc_mask--;
	if (!g.callers || !g.groups || !g.tx_msg || !g.tx_iov || !g.tx_to || !g.tx_pkt || !g.hist || !g.ssrc_key
	    || !g.ssrc_val)
		return false;

	for (i = 0; i < g.n_groups; i++, port += 2) {
		struct group *gr = &g.groups[i];

		for (; port < 32000; port += 2) {
			gr->rtp = udp_bind(port);
			gr->rtcp = gr->rtp >= 0 ? udp_bind(port + 1) : -1;
			if (gr->rtcp >= 0)
				break;
			if (gr->rtp >= 0)
				close(gr->rtp);
		}
		if (port >= 32000)
			return false;
		gr->port = port;
		setsockopt(gr->rtp, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	}
	for (i = 0; i < n_streams; i++) {
		struct caller *c = &g.callers[i];

		c->group = i / CALLERS_PER_SOCKET;
		c->seq = random();
		c->ts = random();
		c->ssrc = random();
		memset(g.tx_pkt[i] + 12, 0xff, 160);
		g.tx_iov[i].iov_base = g.tx_pkt[i];
		g.tx_iov[i].iov_len = sizeof(g.tx_pkt[i]);
		g.tx_to[i].sin_family = AF_INET;
		g.tx_to[i].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		g.tx_msg[i].msg_hdr.msg_iov = &g.tx_iov[i];
		g.tx_msg[i].msg_hdr.msg_iovlen = 1;
		g.tx_msg[i].msg_hdr.msg_name = &g.tx_to[i];
		g.tx_msg[i].msg_hdr.msg_namelen = sizeof(g.tx_to[i]);
	}
	for (i = 0; i < RX_BATCH; i++) {
		g.rx_iov[i].iov_base = g.rx_buf[i];
		g.rx_iov[i].iov_len = sizeof(g.rx_buf[i]);
		g.rx_msg[i].msg_hdr.msg_iov = &g.rx_iov[i];
		g.rx_msg[i].msg_hdr.msg_iovlen = 1;
		g.rx_msg[i].msg_hdr.msg_control = g.rx_cmsg[i];
	}
	return true;
}

int main(int argc, char **argv)
{
	struct child_report rep;
	struct epoll_event ev, evs[64];
	struct itimerspec its = { { 0, 20000000 }, { 0, 20000000 } };
	struct itimerspec rits = { { 0, 5000000 }, { 0, 5000000 } };
	uint64_t total = 0, lost = 0, max_us = 0;
	int pipefd[2], ep, tfd, rfd, opt, status;
	int64_t start, measure_from, measure_to;
	double cpu0 = 0, cpu1 = 0;
	bool pinned = false, measuring = false;
	unsigned i;
	pid_t pid;

	while ((opt = getopt(argc, argv, "n:t:d:")) != -1) {
		switch (opt) {
		case 'n': n_streams = atoi(optarg); break;
		case 't': seconds = atoi(optarg); break;
		case 'd': inband_pct = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: rtp_bench [-n STREAMS] [-t SECONDS] [-d INBAND_PERCENT]\n");
			return 2;
		}
	}
	if (n_streams < 1 || n_streams > 10000 || seconds < 1 || seconds > 600 || inband_pct > 100) {
		fprintf(stderr, "rtp_bench: 1-10000 streams, 1-600 s, 0-100 %%\n");
		return 2;
	}
	if (!raise_nofile(2 * n_streams + 256)) {
		fprintf(stderr, "rtp_bench: cannot open %u descriptors (ulimit -n)\n", 2 * n_streams + 256);
		return 1;
	}
	for (i = 0; i < sizeof(prompt); i++)
		prompt[i] = 0x80 | (i * 7 % 64);
	signal(SIGPIPE, SIG_IGN);
	if (!callers_open()) {
		fprintf(stderr, "rtp_bench: no memory or ports for the callers\n");
		return 1;
	}

	if (pipe(pipefd) < 0)
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		close(pipefd[0]);
		for (i = 0; i < g.n_groups; i++) {
			close(g.groups[i].rtp);
			close(g.groups[i].rtcp);
		}
		if (sysconf(_SC_NPROCESSORS_ONLN) >= 2)
			pin_to(0);
		_exit(run_engine(g.callers, g.groups, pipefd[1]));
	}
	close(pipefd[1]);
	if (sysconf(_SC_NPROCESSORS_ONLN) >= 2)
		pinned = pin_to(1);
	for (i = 0; i < n_streams; i++) {
		struct caller *c = &g.callers[i];

		if (!read_all(pipefd[0], &c->engine, sizeof(c->engine))) {
			fprintf(stderr, "rtp_bench: the engine did not start its streams\n");
			waitpid(pid, &status, 0);
			return 1;
		}
		g.tx_to[i].sin_port = htons(c->engine.port);
		ssrc_put(c->engine.ssrc, i);
	}

	ep = epoll_create1(EPOLL_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	timerfd_settime(tfd, 0, &its, NULL);
	rfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	timerfd_settime(rfd, 0, &rits, NULL);
	ev.events = EPOLLIN;
	ev.data.u32 = 0;
	epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
	ev.data.u32 = 1;
	epoll_ctl(ep, EPOLL_CTL_ADD, rfd, &ev);

	start = now_ns(CLOCK_MONOTONIC);
	measure_from = start + WARMUP_S * 1000000000LL;
	measure_to = measure_from + seconds * 1000000000LL;
	for (;;) {
		int64_t now = now_ns(CLOCK_MONOTONIC);
		int n, k;

		if (!measuring && now >= measure_from) {
			measuring = true;
			cpu0 = cpu_s(NULL);
		}
		if (now >= measure_to)
			break;
		n = epoll_wait(ep, evs, 64, 100);
		for (k = 0; k < n; k++) {
			uint64_t exp;

			if (evs[k].data.u32 == 0) {
				if (read(tfd, &exp, sizeof(exp)) == sizeof(exp))
					callers_send();
			} else if (read(rfd, &exp, sizeof(exp)) == sizeof(exp)) {
				for (i = 0; i < g.n_groups; i++) {
					char b[512];

					callers_read(g.groups[i].rtp, measuring);
					while (recv(g.groups[i].rtcp, b, sizeof(b), 0) > 0)
						;
				}
			}
		}
	}
	cpu1 = cpu_s(NULL);

	if (!read_all(pipefd[0], &rep, sizeof(rep))) {
		fprintf(stderr, "rtp_bench: no report from the engine\n");
		waitpid(pid, &status, 0);
		return 1;
	}
	waitpid(pid, &status, 0);

	for (i = 0; i < n_streams; i++) {
		total += g.callers[i].received;
		lost += g.callers[i].lost;
	}
	for (i = HIST_US; i-- > 0; )
		if (g.hist[i]) {
			max_us = i;
			break;
		}
	if (g.over)
		max_us = HIST_US;
	printf("rtp: %u streams, %u s measured after %u s warm-up; engine %s core 0, callers %s core 1 "
	       "(%u callers a socket)\n", n_streams, seconds, WARMUP_S, pinned ? "on" : "not pinned to",
	       pinned ? "on" : "not pinned to", CALLERS_PER_SOCKET);
	printf("rtp engine: %.0f packets/s sent, %.0f/s received, lost %llu, bad %llu; ticks %llu, %llu late, "
	       "longest %u us; %.0f loop turns/s; CPU %.1f%% of a core, preempted %ld times\n",
	       rep.sent / rep.wall_s, rep.received / rep.wall_s, (unsigned long long)rep.lost,
	       (unsigned long long)rep.bad, (unsigned long long)rep.ticks, (unsigned long long)rep.late_ticks,
	       rep.max_tick_us, rep.turns / rep.wall_s, 100 * rep.cpu_s / rep.wall_s, rep.preempted);
	printf("rtp callers: %llu frames received (%.0f/s), lost %llu; send-interval jitter |interval - 20 ms| "
	       "p50 %u us, p90 %u us, p99 %u us, max %s%llu us; callers' CPU %.1f%% of a core%s\n",
	       (unsigned long long)total, total / (double)seconds, (unsigned long long)lost, percentile(total, 0.5),
	       percentile(total, 0.9), percentile(total, 0.99), g.over ? ">" : "", (unsigned long long)max_us,
	       100 * (cpu1 - cpu0) / seconds, g.tx_failed ? " (some sends failed)" : "");
	printf("rtp floor: an idle 20 ms timerfd on core 0 wakes with |interval - 20 ms| p50 %u us, p90 %u us, "
	       "p99 %u us, max %u us\n", rep.floor_p50, rep.floor_p90, rep.floor_p99, rep.floor_max);
	if (inband_pct)
		printf("rtp: in-band DTMF detection on %u%% of the streams\n", inband_pct);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
