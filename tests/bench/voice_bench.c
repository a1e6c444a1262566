/* voice_bench.c -- the load generator of the voice bench: many phones
 * calling a real stoopd (started by tests/bench/run.sh with a bench
 * configuration and tests/bench/flows/bench.flow, a menu played over and
 * over).  It owns the callers' side only: hand-written SIP over UDP (INVITE
 * with an SDP offer of PCMU and telephone-event/8000, ACK, BYE, and a 200
 * to whatever stoopd asks), each call's 20 ms PCMU frames and RFC 4733
 * digits, and the measuring.  It reads stoopd's side from outside: CPU and
 * memory from /proc/PID, the RFC 4733 key count and the calls up from the
 * console (`show calls` over the VTY's telnet port).  Nothing of gateway/
 * is linked in.  Printed, never asserted:
 *   setup    N calls INVITE -> 200 -> ACK with at most W INVITEs
 *            outstanding: calls/s, set-up latency p50/p99;
 *   held     the N calls for T s: frames received against expected, how
 *            many carried prompt audio, stoopd's send-interval jitter (from
 *            kernel arrival times, per stream), stoopd's CPU share (/proc
 *            utime+stime) and the generator's own (getrusage), and the
 *            generator's own timer lateness (its noise);
 *   floor    before the first call, what the machine adds to any timer on
 *            stoopd's core (a child pinned there wakes on a 20 ms timerfd
 *            for 2 s), and during the window how often something else took
 *            stoopd's core (its involuntary context switches) and stoopd's
 *            own count of late clock ticks (`show calls`): 2 cores shared
 *            with other work make the jitter figures the machine's as much
 *            as stoopd's;
 *   dtmf     D digits over the held calls, as many as stoopd counted; then
 *            stoopd's CPU for AFTER_KEYS_S more (no in-band detection on a
 *            call that sent RFC 4733 keys);
 *   memory   stoopd's VmRSS before the first call and with N calls held;
 *   teardown BYE for every call, then stoopd's calls up (0 expected).
 * The callers share RTP sockets (CALLERS_PER_SOCKET a pair, batched with
 * sendmmsg/recvmmsg, as tests/bench/rtp_bench.c does) so that the
 * generator costs less than what it measures; stoopd's packets are told
 * apart by their source port, which the 200's SDP gave.  Everything is on
 * 127.0.0.1 and every loop is bounded in count and time.
 * Usage: voice_bench -s SIP_PORT -p STOOPD_PID -v VTY_PORT [-n CALLS]
 *        [-w WINDOW] [-t SECONDS] [-d DIGITS] [-l LOCAL_SIP_PORT]
 *        [-r LOCAL_RTP_BASE]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#define CALLERS_PER_SOCKET	50
#define PHASES			4		/* the 20 ms frame period in 5 ms ticks */
#define TICK_NS			5000000LL
#define FRAME			160
#define RTP_HDR			12
#define RX_BATCH		64
#define RX_ROUNDS		32		/* recvmmsg() calls per socket per tick */
#define SIP_MAX			4096
#define SIP_T1_NS		500000000LL
#define SIP_RETRIES		6		/* 0.5 + 1 + 2 + 4 + 4 + 4 s */
#define HIST_US			100000		/* |interval - 20 ms| up to 100 ms, 1 us buckets */
#define DTMF_PT			101
#define DTMF_SPACING_MS		1000		/* from one digit's start to the next on a call */
#define WARMUP_S		2
#define DTMF_LATE_S		3		/* a second look at stoopd's key count */
#define AFTER_KEYS_S		5		/* held again once every call sent keys */
#define SETUP_LIMIT_S		60
#define TEARDOWN_LIMIT_S	30

enum call_state {
	CALL_IDLE,
	CALL_INVITING,
	CALL_UP,
	CALL_BYEING,
	CALL_DONE,
	CALL_FAILED,
};

struct call {
	enum call_state state;
	unsigned idx;
	uint32_t nonce;
	unsigned status;		/* the INVITE's final status */
	char to_tag[64];
	char ruri[160];			/* the 200's Contact: ACK and BYE go there */
	struct sockaddr_in media;	/* stoopd's RTP, from the 200's SDP */
	int64_t t_invite, t_answer, next_retx;
	unsigned retx;
	bool ended_by_stoopd;
	/* what we send */
	uint16_t seq;
	uint32_t ts, ssrc;
	unsigned digits_left;
	int digit_step;			/* -1: none under way, else 0..4 */
	uint8_t digit_event;
	uint32_t digit_ts;
	int64_t next_digit;
	/* what comes back */
	bool have_last;
	int64_t last_ns;
	uint16_t last_seq;
	uint64_t rx, rx_window, rx_prompt, lost;
};

static struct {
	/* options */
	uint16_t sip_port, local_sip_port, rtp_base;
	unsigned n, window, seconds, digits;
	int pid, vty_port;
	/* sockets */
	int sip, ep, timer;
	unsigned n_groups;
	int *rtp, *rtcp;
	struct call *calls;
	int32_t by_port[65536];		/* stoopd's RTP port -> call index + 1 */
	struct sockaddr_in stoopd;
	/* the clock */
	int64_t t0_tick;
	uint64_t ticks;
	/* what is under way */
	unsigned next_invite, outstanding, up, failed, done;
	bool media_on, dtmf_on;
	/* measuring */
	bool measuring;
	int64_t w0, w1;
	uint32_t *hist, *tick_hist;
	uint64_t hist_n, hist_over, tick_n, unknown_rx, tx_failed, sip_bad, sip_retx, bye_from_stoopd;
	uint64_t digits_sent;
	/* batches */
	struct mmsghdr tx_msg[CALLERS_PER_SOCKET];
	struct iovec tx_iov[CALLERS_PER_SOCKET];
	uint8_t tx_pkt[CALLERS_PER_SOCKET][RTP_HDR + FRAME];
	struct mmsghdr rx_msg[RX_BATCH];
	struct iovec rx_iov[RX_BATCH];
	struct sockaddr_in rx_from[RX_BATCH];
	uint8_t rx_buf[RX_BATCH][512];
	char rx_cmsg[RX_BATCH][CMSG_SPACE(sizeof(struct timespec))];
	uint8_t audio[8000];		/* a second of PCMU to send */
	uint8_t silence[FRAME];
} g;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static double rusage_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* stoopd's utime + stime in seconds, from /proc/PID/stat; -1 if gone. */
static double proc_cpu_s(int pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* the command name may hold blanks: fields count from the last ')' */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / sysconf(_SC_CLK_TCK);
}

/* stoopd's VmRSS in KB, or 0. */
static unsigned long proc_rss_kb(int pid)
{
	char path[64], line[256];
	unsigned long kb = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile (0..1) of a histogram of n values in 1 us buckets. */
static unsigned hist_quantile(const uint32_t *h, uint64_t n, double q)
{
	uint64_t want = (uint64_t)(q * (n ? n - 1 : 0)), seen = 0;
	unsigned i;

	for (i = 0; i < HIST_US; i++) {
		seen += h[i];
		if (seen > want)
			return i;
	}
	return HIST_US;
}

static uint8_t linear_to_ulaw(int pcm)
{
	int sign = pcm < 0 ? 0x80 : 0, exp, mant;

	if (pcm < 0)
		pcm = -pcm;
	if (pcm > 32635)
		pcm = 32635;
	pcm += 0x84;
	for (exp = 7; exp > 0 && !(pcm & (0x4000 >> (7 - exp))); exp--)
		;
	mant = (pcm >> (exp + 3)) & 0x0f;
	return ~(sign | exp << 4 | mant);
}

/* stoopd's involuntary context switches (something else took its core). */
static unsigned long proc_preempted(int pid)
{
	char path[64], line[256];
	unsigned long n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "nonvoluntary_ctxt_switches: %lu", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* A child pinned to cpu wakes on a 20 ms timerfd 100 times: |interval -
 * 20 ms| p50 and p99 in us, what the machine adds to any timer there. */
static bool measure_floor(int cpu, unsigned *p50, unsigned *p99)
{
	int pfd[2], status;
	unsigned res[2] = { 0, 0 };
	pid_t child;

	if (pipe(pfd) < 0)
		return false;
	child = fork();
	if (child < 0)
		return false;
	if (child == 0) {
		struct itimerspec its = { { 0, 20000000 }, { 0, 20000000 } };
		uint64_t dev[100], exp;
		int64_t last = 0, t;
		unsigned n = 0;
		cpu_set_t set;
		int fd;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
		if (sched_setaffinity(0, sizeof(set), &set) < 0 || fd < 0 || timerfd_settime(fd, 0, &its, NULL) < 0)
			_exit(1);
		while (n < 100 && read(fd, &exp, sizeof(exp)) == sizeof(exp)) {
			t = now_ns();
			if (last)
				dev[n++] = (t - last > 20000000 ? t - last - 20000000 : 20000000 - (t - last)) / 1000;
			last = t;
		}
		qsort(dev, n, sizeof(dev[0]), cmp_u64);
		if (n) {
			res[0] = dev[n / 2];
			res[1] = dev[n * 99 / 100];
		}
		_exit(write(pfd[1], res, sizeof(res)) == sizeof(res) ? 0 : 1);
	}
	close(pfd[1]);
	if (read(pfd[0], res, sizeof(res)) != sizeof(res))
		res[0] = res[1] = 0;
	close(pfd[0]);
	waitpid(child, &status, 0);
	*p50 = res[0];
	*p99 = res[1];
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * The console: `show calls` over telnet.
 */

/* Read until the prompt ("stoopd> ") or the time is up; the text read, NUL
 * terminated, without telnet negotiation. */
static size_t vty_read_prompt(int fd, char *buf, size_t size, int64_t deadline)
{
	size_t len = 0;
	ssize_t n;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (len + 1 < size && now_ns() < deadline) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(fd, buf + len, size - 1 - len);
		if (n <= 0)
			break;
		len += n;
		buf[len] = '\0';
		if (len >= 2 && buf[len - 2] == '>' && buf[len - 1] == ' ')
			break;
	}
	buf[len] = '\0';
	return len;
}

/* `show calls`: the calls up and the RFC 4733 keys counted, and (rtp, if
 * not NULL) the line with stoopd's RTP clock counters; false if the console
 * did not answer. */
static char keys_line[256];		/* the last `show calls` keys line */

static bool vty_show_calls(unsigned *calls_up, uint64_t *rfc4733, char *rtp, size_t rtp_size)
{
	size_t n_keys_line;
	static char buf[1 << 20];
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(g.vty_port) };
	int64_t deadline = now_ns() + 10000000000LL;
	unsigned long long keys;
	const char *p;
	bool ok = false;
	int fd;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		goto out;
	vty_read_prompt(fd, buf, sizeof(buf), deadline);
	if (write(fd, "show calls\r\n", 12) != 12)
		goto out;
	vty_read_prompt(fd, buf, sizeof(buf), deadline);
	p = strstr(buf, " calls up;");
	if (!p)
		goto out;
	while (p > buf && isdigit((unsigned char)p[-1]))
		p--;
	*calls_up = strtoul(p, NULL, 10);
	p = strstr(buf, "keys: ");
	if (!p || sscanf(p, "keys: %llu RFC 4733", &keys) != 1)
		goto out;
	*rfc4733 = keys;
	n_keys_line = strcspn(p, "\r\n");
	snprintf(keys_line, sizeof(keys_line), "%.*s", (int)(n_keys_line < sizeof(keys_line) ? n_keys_line :
								sizeof(keys_line) - 1), p);
	if (rtp && (p = strstr(buf, "RTP: "))) {
		size_t n = strcspn(p, "\r\n");

		snprintf(rtp, rtp_size, "%.*s", (int)(n < rtp_size ? n : rtp_size - 1), p);
	}
	ok = true;
out:
	close(fd);
	return ok;
}

/*
 * SIP: what we send.
 */

static void sip_send(const char *msg, size_t len)
{
	if (sendto(g.sip, msg, len, 0, (struct sockaddr *)&g.stoopd, sizeof(g.stoopd)) < 0)
		g.sip_bad++;
}

static const char *call_number(const struct call *c, char *buf, size_t size)
{
	snprintf(buf, size, "+1555%07u", c->idx);
	return buf;
}

static void send_invite(struct call *c)
{
	char msg[SIP_MAX], sdp[512], num[16];
	unsigned group = c->idx / CALLERS_PER_SOCKET;
	int slen, len;

	slen = snprintf(sdp, sizeof(sdp),
			"v=0\r\n"
			"o=- %u 1 IN IP4 127.0.0.1\r\n"
			"s=-\r\n"
			"c=IN IP4 127.0.0.1\r\n"
			"t=0 0\r\n"
			"m=audio %u RTP/AVP 0 %u\r\n"
			"a=rtpmap:0 PCMU/8000\r\n"
			"a=rtpmap:%u telephone-event/8000\r\n"
			"a=fmtp:%u 0-15\r\n"
			"a=ptime:20\r\n"
			"a=sendrecv\r\n",
			c->nonce, g.rtp_base + 2 * group, DTMF_PT, DTMF_PT, DTMF_PT);
	call_number(c, num, sizeof(num));
	len = snprintf(msg, sizeof(msg),
		       "INVITE sip:311@127.0.0.1:%u SIP/2.0\r\n"
		       "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bKvb%ui%08x;rport\r\n"
		       "Max-Forwards: 70\r\n"
		       "From: <sip:%s@127.0.0.1:%u>;tag=vb%u\r\n"
		       "To: <sip:311@127.0.0.1:%u>\r\n"
		       "Call-ID: vb%u.%08x@127.0.0.1\r\n"
		       "CSeq: 1 INVITE\r\n"
		       "Contact: <sip:%s@127.0.0.1:%u>\r\n"
		       "User-Agent: voice_bench\r\n"
		       "Content-Type: application/sdp\r\n"
		       "Content-Length: %d\r\n"
		       "\r\n%s",
		       g.sip_port, g.local_sip_port, c->idx, c->nonce, num, g.local_sip_port, c->idx, g.sip_port,
		       c->idx, c->nonce, num, g.local_sip_port, slen, sdp);
	sip_send(msg, len);
}

/* ACK of a 2xx (a transaction of its own, to the Contact) or BYE, in the
 * dialog; or (failure) the ACK of a final failure, which belongs to the
 * INVITE's transaction: its branch and request-URI. */
static void send_in_dialog(struct call *c, const char *method, bool failure)
{
	char msg[SIP_MAX], num[16];
	bool bye = !strcmp(method, "BYE");
	char ruri[64];
	int len;

	if (failure)
		snprintf(ruri, sizeof(ruri), "sip:311@127.0.0.1:%u", g.sip_port);
	call_number(c, num, sizeof(num));
	len = snprintf(msg, sizeof(msg),
		       "%s %s SIP/2.0\r\n"
		       "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bKvb%u%c%08x;rport\r\n"
		       "Max-Forwards: 70\r\n"
		       "From: <sip:%s@127.0.0.1:%u>;tag=vb%u\r\n"
		       "To: <sip:311@127.0.0.1:%u>%s%s\r\n"
		       "Call-ID: vb%u.%08x@127.0.0.1\r\n"
		       "CSeq: %u %s\r\n"
		       "Content-Length: 0\r\n"
		       "\r\n",
		       method, failure ? ruri : c->ruri, g.local_sip_port, c->idx,
		       failure ? 'i' : bye ? 'b' : 'a', c->nonce, num, g.local_sip_port, c->idx, g.sip_port,
		       c->to_tag[0] ? ";tag=" : "", c->to_tag, c->idx, c->nonce, bye ? 2 : 1, method);
	sip_send(msg, len);
}

/*
 * SIP: what we read.  Every read is bounded by the datagram.
 */

struct sip_hdr {
	const char *s;
	size_t len;
};

struct sip_msg {
	bool response;
	unsigned status;
	struct sip_hdr method;		/* a request's */
	struct sip_hdr call_id, cseq, from, to, contact;
	struct sip_hdr via[8];
	unsigned n_via;
	const char *body;
	size_t body_len;
};

static bool hdr_is(const char *name, size_t len, const char *full, char compact)
{
	return (len == strlen(full) && !strncasecmp(name, full, len)) ||
	       (compact && len == 1 && tolower((unsigned char)name[0]) == compact);
}

/* Find needle (case-insensitive) in [s, s + len). */
static const char *memcasestr(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (!strncasecmp(s + i, needle, n))
			return s + i;
	return NULL;
}

static bool sip_parse(const char *buf, size_t len, struct sip_msg *m)
{
	const char *p = buf, *end = buf + len, *eol, *colon, *sp;
	bool first = true;

	memset(m, 0, sizeof(*m));
	while (p < end) {
		eol = memchr(p, '\n', end - p);
		if (!eol)
			return false;
		size_t l = eol - p;
		if (l && p[l - 1] == '\r')
			l--;
		if (!l) {			/* the blank line */
			m->body = eol + 1;
			m->body_len = end - m->body;
			return !first && m->call_id.s && m->cseq.s;
		}
		if (first) {
			first = false;
			if (l > 12 && !strncmp(p, "SIP/2.0 ", 8)) {
				m->response = true;
				m->status = strtoul(p + 8, NULL, 10);
				if (m->status < 100 || m->status > 699)
					return false;
			} else {
				sp = memchr(p, ' ', l);
				if (!sp || sp == p)
					return false;
				m->method = (struct sip_hdr){ p, sp - p };
			}
		} else {
			colon = memchr(p, ':', l);
			if (colon) {
				size_t nl = colon - p;
				const char *v = colon + 1, *ve = p + l;
				struct sip_hdr h;

				while (nl && (p[nl - 1] == ' ' || p[nl - 1] == '\t'))
					nl--;
				while (v < ve && (*v == ' ' || *v == '\t'))
					v++;
				h = (struct sip_hdr){ v, ve - v };
				if (hdr_is(p, nl, "Call-ID", 'i'))
					m->call_id = h;
				else if (hdr_is(p, nl, "CSeq", 0))
					m->cseq = h;
				else if (hdr_is(p, nl, "From", 'f'))
					m->from = h;
				else if (hdr_is(p, nl, "To", 't'))
					m->to = h;
				else if (hdr_is(p, nl, "Contact", 'm'))
					m->contact = h;
				else if (hdr_is(p, nl, "Via", 'v') && m->n_via < 8)
					m->via[m->n_via++] = h;
			}
		}
		p = eol + 1;
	}
	return false;
}

/* The call a Call-ID names ("vbN.NONCE@..."), or NULL. */
static struct call *call_by_id(const struct sip_hdr *h)
{
	char buf[64], *e;
	unsigned long idx, nonce;

	if (h->len < 4 || h->len >= sizeof(buf) || strncmp(h->s, "vb", 2))
		return NULL;
	memcpy(buf, h->s, h->len);
	buf[h->len] = '\0';
	idx = strtoul(buf + 2, &e, 10);
	if (*e != '.' || idx >= g.n)
		return NULL;
	nonce = strtoul(e + 1, &e, 16);
	if (*e != '@' || nonce != g.calls[idx].nonce)
		return NULL;
	return &g.calls[idx];
}

/* The tag= of a To header into out. */
static void to_tag(const struct sip_hdr *to, char *out, size_t size)
{
	const char *t = memcasestr(to->s, to->len, ";tag="), *e = to->s + to->len;
	size_t n = 0;

	out[0] = '\0';
	if (!t)
		return;
	t += 5;
	while (t + n < e && n + 1 < size && !strchr(";,> \t", t[n]))
		n++;
	memcpy(out, t, n);
	out[n] = '\0';
}

/* The URI of a Contact header into out ("sip:..."); false if none. */
static bool contact_uri(const struct sip_hdr *h, char *out, size_t size)
{
	const char *s = h->s, *e = h->s + h->len, *lt = memchr(s, '<', h->len), *gt;
	size_t n;

	if (lt) {
		gt = memchr(lt, '>', e - lt);
		if (!gt)
			return false;
		s = lt + 1;
		e = gt;
	} else {
		const char *semi = memchr(s, ';', h->len);
		if (semi)
			e = semi;
	}
	n = e - s;
	if (n < 5 || n + 1 > size || strncasecmp(s, "sip:", 4))
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

/* c= and the audio m= port of an SDP body into sin. */
static bool sdp_media(const char *body, size_t len, struct sockaddr_in *sin)
{
	const char *p = body, *end = body + len, *eol;
	char ip[32] = "", line[128];
	unsigned port = 0;

	while (p < end) {
		eol = memchr(p, '\n', end - p);
		size_t l = (eol ? eol : end) - p;
		if (l >= sizeof(line))
			l = sizeof(line) - 1;
		memcpy(line, p, l);
		line[l] = '\0';
		if (l && line[l - 1] == '\r')
			line[l - 1] = '\0';
		if (!strncmp(line, "c=IN IP4 ", 9))
			snprintf(ip, sizeof(ip), "%.31s", line + 9);
		else if (!strncmp(line, "m=audio ", 8) && !port)
			port = strtoul(line + 8, NULL, 10);
		if (!eol)
			break;
		p = eol + 1;
	}
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	return port && port < 65536 && inet_pton(AF_INET, ip, &sin->sin_addr) == 1;
}

/* A request from stoopd (a BYE, an OPTIONS): 200 with its own headers. */
static void answer_request(const struct sip_msg *m)
{
	char msg[SIP_MAX];
	int len = 0;
	unsigned i;
	struct call *c;

	len += snprintf(msg + len, sizeof(msg) - len, "SIP/2.0 200 OK\r\n");
	for (i = 0; i < m->n_via && len < (int)sizeof(msg); i++)
		len += snprintf(msg + len, sizeof(msg) - len, "Via: %.*s\r\n", (int)m->via[i].len, m->via[i].s);
	if (len < (int)sizeof(msg))
		len += snprintf(msg + len, sizeof(msg) - len,
				"From: %.*s\r\nTo: %.*s\r\nCall-ID: %.*s\r\nCSeq: %.*s\r\nContent-Length: 0\r\n\r\n",
				(int)m->from.len, m->from.s, (int)m->to.len, m->to.s, (int)m->call_id.len,
				m->call_id.s, (int)m->cseq.len, m->cseq.s);
	if (len >= (int)sizeof(msg))
		return;
	sip_send(msg, len);
	c = call_by_id(&m->call_id);
	if (c && m->method.len == 3 && !strncmp(m->method.s, "BYE", 3) && c->state == CALL_UP) {
		g.bye_from_stoopd++;
		c->ended_by_stoopd = true;
		c->state = CALL_DONE;
		g.up--;
		g.done++;
		if (c->media.sin_port)
			g.by_port[ntohs(c->media.sin_port)] = 0;
	}
}

static void invite_final(struct call *c)
{
	c->retx = 0;
	g.outstanding--;
}

static void handle_response(const struct sip_msg *m)
{
	struct call *c = call_by_id(&m->call_id);
	bool invite = memcasestr(m->cseq.s, m->cseq.len, "INVITE") != NULL;
	bool bye = memcasestr(m->cseq.s, m->cseq.len, "BYE") != NULL;

	if (!c) {
		g.sip_bad++;
		return;
	}
	if (invite) {
		if (m->status < 200) {
			if (c->state == CALL_INVITING)
				c->next_retx = 0;	/* provisional: no more retransmissions */
			return;
		}
		if (m->status >= 300) {
			to_tag(&m->to, c->to_tag, sizeof(c->to_tag));
			send_in_dialog(c, "ACK", true);
			if (c->state == CALL_INVITING) {
				c->status = m->status;
				c->state = CALL_FAILED;
				g.failed++;
				invite_final(c);
			}
			return;
		}
		if (c->state == CALL_INVITING) {
			c->status = m->status;
			to_tag(&m->to, c->to_tag, sizeof(c->to_tag));
			if (!c->to_tag[0] || !contact_uri(&m->contact, c->ruri, sizeof(c->ruri)) ||
			    !sdp_media(m->body, m->body_len, &c->media)) {
				g.sip_bad++;
				c->state = CALL_FAILED;
				g.failed++;
				invite_final(c);
				return;
			}
			c->t_answer = now_ns();
			c->state = CALL_UP;
			g.up++;
			g.by_port[ntohs(c->media.sin_port)] = c->idx + 1;
			invite_final(c);
		}
		/* the first 200 or a retransmission of it: ACK each */
		if (c->state == CALL_UP || c->state == CALL_BYEING)
			send_in_dialog(c, "ACK", false);
		return;
	}
	if (bye && m->status >= 200 && c->state == CALL_BYEING) {
		c->state = CALL_DONE;
		c->retx = 0;
		g.done++;
		g.outstanding--;
	}
}

static void sip_read_all(void)
{
	char buf[SIP_MAX + 1];
	struct sip_msg m;
	unsigned i;
	ssize_t n;

	for (i = 0; i < 1000; i++) {
		n = recv(g.sip, buf, SIP_MAX, MSG_DONTWAIT);
		if (n <= 0)
			return;
		buf[n] = '\0';
		if (!sip_parse(buf, n, &m)) {
			g.sip_bad++;
			continue;
		}
		if (m.response)
			handle_response(&m);
		else if (!(m.method.len == 3 && !strncmp(m.method.s, "ACK", 3)))
			answer_request(&m);
	}
}

/* New INVITEs while fewer than the window are outstanding. */
static void invite_pump(void)
{
	while (g.next_invite < g.n && g.outstanding < g.window) {
		struct call *c = &g.calls[g.next_invite++];

		c->state = CALL_INVITING;
		c->t_invite = now_ns();
		c->next_retx = c->t_invite + SIP_T1_NS;
		c->retx = 0;
		g.outstanding++;
		send_invite(c);
	}
}

/* BYE the calls up, with the same window. */
static void bye_pump(unsigned *next)
{
	while (*next < g.n && g.outstanding < g.window) {
		struct call *c = &g.calls[(*next)++];

		if (c->state != CALL_UP)
			continue;
		c->state = CALL_BYEING;
		g.up--;
		if (c->media.sin_port)
			g.by_port[ntohs(c->media.sin_port)] = 0;
		c->t_invite = now_ns();
		c->next_retx = c->t_invite + SIP_T1_NS;
		c->retx = 0;
		g.outstanding++;
		send_in_dialog(c, "BYE", false);
	}
}

/* Retransmit INVITEs and BYEs that got no answer (RFC 3261 timer A/E,
 * capped at 4 s); give up after SIP_RETRIES. */
static void sip_retransmit(int64_t now)
{
	unsigned i;

	for (i = 0; i < g.n; i++) {
		struct call *c = &g.calls[i];
		int64_t wait;

		if ((c->state != CALL_INVITING && c->state != CALL_BYEING) || !c->next_retx || now < c->next_retx)
			continue;
		if (c->retx >= SIP_RETRIES) {
			c->status = 408;
			c->next_retx = 0;
			if (c->state == CALL_INVITING)
				g.failed++;
			else
				g.done++;
			c->state = c->state == CALL_INVITING ? CALL_FAILED : CALL_DONE;
			g.outstanding--;
			continue;
		}
		c->retx++;
		g.sip_retx++;
		wait = SIP_T1_NS << (c->retx < 3 ? c->retx : 3);
		c->next_retx = now + wait;
		if (c->state == CALL_INVITING)
			send_invite(c);
		else
			send_in_dialog(c, "BYE", false);
	}
}

/*
 * RTP
 */

static void rtp_put_hdr(uint8_t *p, bool marker, uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc)
{
	p[0] = 0x80;
	p[1] = pt | (marker ? 0x80 : 0);
	p[2] = seq >> 8;
	p[3] = seq;
	p[4] = ts >> 24;
	p[5] = ts >> 16;
	p[6] = ts >> 8;
	p[7] = ts;
	p[8] = ssrc >> 24;
	p[9] = ssrc >> 16;
	p[10] = ssrc >> 8;
	p[11] = ssrc;
}

/* The call's next 20 ms packet into p: a frame of audio, or the digit
 * under way (start, continuation, three end packets, one timestamp);
 * the length. */
static unsigned call_packet(struct call *c, uint8_t *p, int64_t now)
{
	uint16_t dur;

	if (g.dtmf_on && c->digit_step < 0 && c->digits_left && now >= c->next_digit) {
		c->digit_step = 0;
		c->digit_ts = c->ts;
		c->digit_event = (c->idx + c->digits_left) % 10;
		c->digits_left--;
		c->next_digit = now + DTMF_SPACING_MS * 1000000LL;
		g.digits_sent++;
	}
	if (c->digit_step >= 0) {
		dur = FRAME * (c->digit_step < 2 ? c->digit_step + 1 : 3);
		rtp_put_hdr(p, c->digit_step == 0, DTMF_PT, c->seq++, c->digit_ts, c->ssrc);
		p[12] = c->digit_event;
		p[13] = (c->digit_step >= 2 ? 0x80 : 0) | 10;	/* E, volume -10 dBm0 */
		p[14] = dur >> 8;
		p[15] = dur;
		if (++c->digit_step > 4) {
			c->digit_step = -1;
			c->ts = c->digit_ts + 5 * FRAME;
		}
		return RTP_HDR + 4;
	}
	rtp_put_hdr(p, false, 0, c->seq++, c->ts, c->ssrc);
	memcpy(p + RTP_HDR, g.audio + (c->ts / FRAME) % (sizeof(g.audio) / FRAME) * FRAME, FRAME);
	c->ts += FRAME;
	return RTP_HDR + FRAME;
}

/* The calls of this 5 ms phase send one packet each: one sendmmsg() per
 * socket. */
static void rtp_send(unsigned phase, int64_t now)
{
	unsigned grp, i;

	for (grp = 0; grp < g.n_groups; grp++) {
		unsigned n = 0, done = 0;
		int rc;

		for (i = grp * CALLERS_PER_SOCKET; i < g.n && i < (grp + 1) * CALLERS_PER_SOCKET; i++) {
			struct call *c = &g.calls[i];

			if (c->state != CALL_UP || i % PHASES != phase)
				continue;
			g.tx_iov[n].iov_base = g.tx_pkt[n];
			g.tx_iov[n].iov_len = call_packet(c, g.tx_pkt[n], now);
			g.tx_msg[n].msg_hdr = (struct msghdr){
				.msg_name = &c->media,
				.msg_namelen = sizeof(c->media),
				.msg_iov = &g.tx_iov[n],
				.msg_iovlen = 1,
			};
			n++;
		}
		while (done < n) {
			rc = sendmmsg(g.rtp[grp], g.tx_msg + done, n - done, MSG_DONTWAIT);
			if (rc <= 0) {
				g.tx_failed += n - done;
				break;
			}
			done += rc;
		}
	}
}

static void rtp_rx_packet(const uint8_t *p, unsigned len, const struct sockaddr_in *from, int64_t at)
{
	int32_t idx = g.by_port[ntohs(from->sin_port)];
	struct call *c;
	uint16_t seq;

	if (!idx || len < RTP_HDR + FRAME || (p[0] >> 6) != 2 || (p[1] & 0x7f) != 0) {
		g.unknown_rx++;
		return;
	}
	c = &g.calls[idx - 1];
	seq = (uint16_t)(p[2] << 8 | p[3]);
	c->rx++;
	if (g.measuring && at >= g.w0) {
		c->rx_window++;
		if (memcmp(p + RTP_HDR, g.silence, FRAME))
			c->rx_prompt++;
		if (c->have_last && c->last_ns >= g.w0) {
			uint16_t gap = seq - c->last_seq;

			if (gap == 1) {
				int64_t dev = at - c->last_ns - 20000000;
				uint64_t us = (dev < 0 ? -dev : dev) / 1000;

				if (us < HIST_US)
					g.hist[us]++;
				else
					g.hist_over++;
				g.hist_n++;
			} else if (gap && gap < 3000) {
				c->lost += gap - 1;
			}
		}
	}
	c->have_last = true;
	c->last_ns = at;
	c->last_seq = seq;
}

/* Read what every socket has: arrival times are the kernel's. */
static void rtp_read_all(void)
{
	unsigned grp, round, i;
	int n;

	for (grp = 0; grp < g.n_groups; grp++) {
		for (round = 0; round < RX_ROUNDS; round++) {
			for (i = 0; i < RX_BATCH; i++) {
				g.rx_msg[i].msg_hdr.msg_namelen = sizeof(g.rx_from[i]);
				g.rx_msg[i].msg_hdr.msg_controllen = sizeof(g.rx_cmsg[i]);
			}
			n = recvmmsg(g.rtp[grp], g.rx_msg, RX_BATCH, MSG_DONTWAIT, NULL);
			if (n <= 0)
				break;
			for (i = 0; i < (unsigned)n; i++) {
				struct msghdr *h = &g.rx_msg[i].msg_hdr;
				struct cmsghdr *cm;
				int64_t at = 0;

				for (cm = CMSG_FIRSTHDR(h); cm; cm = CMSG_NXTHDR(h, cm)) {
					if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
						struct timespec ts;

						memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
						at = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
					}
				}
				rtp_rx_packet(g.rx_buf[i], g.rx_msg[i].msg_len, &g.rx_from[i], at);
			}
			if (n < RX_BATCH)
				break;
		}
		/* RTCP: read and dropped */
		for (round = 0; round < RX_ROUNDS; round++) {
			n = recvmmsg(g.rtcp[grp], g.rx_msg, RX_BATCH, MSG_DONTWAIT, NULL);
			if (n < RX_BATCH)
				break;
		}
	}
}

/*
 * The loop: the 5 ms clock and the SIP socket.
 */

static void tick(void)
{
	uint64_t exp;
	int64_t now, late;
	unsigned k;

	if (read(g.timer, &exp, sizeof(exp)) != sizeof(exp) || !exp)
		return;
	now = now_ns();
	/* the generator's own noise: how late this wake-up is */
	g.ticks += exp;
	late = now - (g.t0_tick + (int64_t)g.ticks * TICK_NS);
	if (g.measuring && now >= g.w0) {
		uint64_t us = late < 0 ? 0 : late / 1000;

		g.tick_hist[us < HIST_US ? us : HIST_US - 1]++;
		g.tick_n++;
	}
	rtp_read_all();
	if (g.media_on) {
		/* a late wake-up owes every phase it missed, at most one round */
		for (k = exp > PHASES ? exp - PHASES : 0; k < exp; k++)
			rtp_send((g.ticks - exp + k + 1) % PHASES, now);
	}
	if (g.ticks % PHASES == 0)
		sip_retransmit(now);
}

/* Turn the loop until done() or the deadline. */
static void loop_until(bool (*done)(void), int64_t deadline, void (*pump)(void))
{
	struct epoll_event ev[4];
	int n, i;

	while (!(done && done()) && now_ns() < deadline) {
		if (pump)
			pump();
		n = epoll_wait(g.ep, ev, 4, 5);
		for (i = 0; i < n; i++) {
			if (ev[i].data.fd == g.sip)
				sip_read_all();
			else
				tick();
		}
	}
}

static bool setup_done(void)
{
	return g.next_invite >= g.n && !g.outstanding;
}

static bool digits_done(void)
{
	unsigned i;

	for (i = 0; i < g.n; i++)
		if (g.calls[i].state == CALL_UP && (g.calls[i].digits_left || g.calls[i].digit_step >= 0))
			return false;
	return true;
}

static unsigned bye_next;

static void bye_pump_cb(void)
{
	bye_pump(&bye_next);
}

static bool teardown_done(void)
{
	return bye_next >= g.n && !g.outstanding;
}

/*
 * Set-up of sockets.
 */

static int udp_bind(uint16_t port, int rcvbuf)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), on = 1;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return -1;
	if (rcvbuf && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int open_sockets(void)
{
	struct itimerspec its = { { 0, TICK_NS }, { 0, TICK_NS } };
	struct epoll_event ev = { .events = EPOLLIN };
	unsigned grp, i;

	g.stoopd = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(g.sip_port) };
	g.stoopd.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	g.sip = udp_bind(g.local_sip_port, 4 << 20);
	if (g.sip < 0) {
		fprintf(stderr, "voice_bench: SIP port %u: %s\n", g.local_sip_port, strerror(errno));
		return -1;
	}
	g.n_groups = (g.n + CALLERS_PER_SOCKET - 1) / CALLERS_PER_SOCKET;
	g.rtp = calloc(g.n_groups, sizeof(int));
	g.rtcp = calloc(g.n_groups, sizeof(int));
	if (!g.rtp || !g.rtcp)
		return -1;
	for (grp = 0; grp < g.n_groups; grp++) {
		g.rtp[grp] = udp_bind(g.rtp_base + 2 * grp, 1 << 20);
		g.rtcp[grp] = udp_bind(g.rtp_base + 2 * grp + 1, 0);
		if (g.rtp[grp] < 0 || g.rtcp[grp] < 0) {
			fprintf(stderr, "voice_bench: RTP ports %u/%u: %s\n", g.rtp_base + 2 * grp,
				g.rtp_base + 2 * grp + 1, strerror(errno));
			return -1;
		}
	}
	for (i = 0; i < RX_BATCH; i++) {
		g.rx_iov[i].iov_base = g.rx_buf[i];
		g.rx_iov[i].iov_len = sizeof(g.rx_buf[i]);
		g.rx_msg[i].msg_hdr.msg_iov = &g.rx_iov[i];
		g.rx_msg[i].msg_hdr.msg_iovlen = 1;
		g.rx_msg[i].msg_hdr.msg_name = &g.rx_from[i];
		g.rx_msg[i].msg_hdr.msg_control = g.rx_cmsg[i];
	}
	g.timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	g.ep = epoll_create1(EPOLL_CLOEXEC);
	if (g.timer < 0 || g.ep < 0)
		return -1;
	ev.data.fd = g.sip;
	epoll_ctl(g.ep, EPOLL_CTL_ADD, g.sip, &ev);
	ev.data.fd = g.timer;
	epoll_ctl(g.ep, EPOLL_CTL_ADD, g.timer, &ev);
	g.t0_tick = now_ns();
	return timerfd_settime(g.timer, 0, &its, NULL);
}

static void usage(void)
{
	fprintf(stderr, "usage: voice_bench -s SIP_PORT -p STOOPD_PID -v VTY_PORT [-n CALLS] [-w WINDOW] "
		"[-t SECONDS] [-d DIGITS] [-l LOCAL_SIP_PORT] [-r LOCAL_RTP_BASE]\n");
}

int main(int argc, char **argv)
{
	uint64_t *lat, keys0 = 0, keys1 = 0, keys_late = 0;
	unsigned i, n_lat = 0, calls_up = 0, held;
	unsigned long rss0, rssn, pre0, pre1;
	unsigned floor50 = 0, floor99 = 0;
	char rtp_line[256] = "";
	double cpu_s0, cpu_s1, gen0, gen1, wall, dtmf_s;
	int64_t t_first, t_last, t;
	uint64_t rx = 0, rx_prompt = 0, lost = 0, expected;
	int opt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	g.n = 2000;
	g.window = 100;
	g.seconds = 15;
	g.digits = 10000;
	g.local_sip_port = 15060;
	g.rtp_base = 14000;
	while ((opt = getopt(argc, argv, "s:p:v:n:w:t:d:l:r:")) != -1) {
		switch (opt) {
		case 's': g.sip_port = atoi(optarg); break;
		case 'p': g.pid = atoi(optarg); break;
		case 'v': g.vty_port = atoi(optarg); break;
		case 'n': g.n = atoi(optarg); break;
		case 'w': g.window = atoi(optarg); break;
		case 't': g.seconds = atoi(optarg); break;
		case 'd': g.digits = atoi(optarg); break;
		case 'l': g.local_sip_port = atoi(optarg); break;
		case 'r': g.rtp_base = atoi(optarg); break;
		default: usage(); return 1;
		}
	}
	if (!g.sip_port || g.pid <= 0 || !g.vty_port || !g.n || g.n > 10000 || !g.window || g.window > 1000 ||
	    !g.seconds || g.seconds > 120 || g.digits > 100000 || g.rtp_base & 1 ||
	    g.rtp_base + 2 * (g.n / CALLERS_PER_SOCKET + 1) > 65535) {
		usage();
		return 1;
	}
	g.calls = calloc(g.n, sizeof(*g.calls));
	lat = calloc(g.n, sizeof(*lat));
	g.hist = calloc(HIST_US, sizeof(*g.hist));
	g.tick_hist = calloc(HIST_US, sizeof(*g.tick_hist));
	if (!g.calls || !lat || !g.hist || !g.tick_hist)
		return 1;
	srandom(getpid() ^ time(NULL));
	for (i = 0; i < sizeof(g.audio); i++)	/* a quiet 300 Hz tone: no touch tone */
		g.audio[i] = linear_to_ulaw((int)(2000 * sin(2 * M_PI * 300 * i / 8000.0)));
	memset(g.silence, 0xff, sizeof(g.silence));
	for (i = 0; i < g.n; i++) {
		struct call *c = &g.calls[i];

		c->idx = i;
		c->nonce = (uint32_t)random();
		c->ssrc = (uint32_t)random();
		c->seq = random();
		c->ts = random();
		c->digit_step = -1;
		c->digits_left = g.digits / g.n + (i < g.digits % g.n);
	}
	if (open_sockets() < 0)
		return 1;

	/* before the first call */
	if (!vty_show_calls(&calls_up, &keys0, NULL, 0)) {
		fprintf(stderr, "voice_bench: stoopd's console on port %d did not answer `show calls`\n", g.vty_port);
		return 1;
	}
	rss0 = proc_rss_kb(g.pid);
	if (!measure_floor(0, &floor50, &floor99))
		printf("voice floor: not measured (cannot pin a child to core 0)\n");

	/* 1. set-up */
	g.media_on = true;
	t_first = now_ns();
	loop_until(setup_done, t_first + SETUP_LIMIT_S * 1000000000LL, invite_pump);
	t_last = t_first;
	for (i = 0; i < g.n; i++) {
		if (g.calls[i].state != CALL_UP)
			continue;
		lat[n_lat++] = g.calls[i].t_answer - g.calls[i].t_invite;
		if (g.calls[i].t_answer > t_last)
			t_last = g.calls[i].t_answer;
	}
	qsort(lat, n_lat, sizeof(*lat), cmp_u64);
	printf("voice setup: %u calls INVITE->200->ACK, at most %u INVITEs outstanding: %u up, %u failed, "
	       "%.0f calls/s; set-up latency p50 %.1f ms, p99 %.1f ms, max %.1f ms; %llu SIP retransmissions\n",
	       g.n, g.window, g.up, g.failed, n_lat ? n_lat / ((t_last - t_first) / 1e9) : 0.0,
	       n_lat ? lat[n_lat / 2] / 1e6 : 0, n_lat ? lat[n_lat * 99 / 100] / 1e6 : 0,
	       n_lat ? lat[n_lat - 1] / 1e6 : 0, (unsigned long long)g.sip_retx);
	if (g.failed) {
		unsigned shown = 0;

		for (i = 0; i < g.n && shown < 5; i++)
			if (g.calls[i].state == CALL_FAILED) {
				printf("voice setup: call %u failed with %u\n", i, g.calls[i].status);
				shown++;
			}
	}

	/* 2. held: warm up, then measure */
	loop_until(NULL, now_ns() + WARMUP_S * 1000000000LL, NULL);
	held = g.up;
	g.w0 = now_ns();
	g.measuring = true;
	cpu_s0 = proc_cpu_s(g.pid);
	pre0 = proc_preempted(g.pid);
	gen0 = rusage_s();
	loop_until(NULL, g.w0 + g.seconds * 1000000000LL, NULL);
	g.w1 = now_ns();
	cpu_s1 = proc_cpu_s(g.pid);
	pre1 = proc_preempted(g.pid);
	gen1 = rusage_s();
	rtp_read_all();
	g.measuring = false;
	rssn = proc_rss_kb(g.pid);
	vty_show_calls(&calls_up, &keys1, rtp_line, sizeof(rtp_line));
	wall = (g.w1 - g.w0) / 1e9;
	for (i = 0; i < g.n; i++) {
		rx += g.calls[i].rx_window;
		rx_prompt += g.calls[i].rx_prompt;
		lost += g.calls[i].lost;
	}
	expected = (uint64_t)(held * wall * 50);
	printf("voice held: %u calls for %.1f s: frames received %llu of %llu expected (%.2f %%), %.1f %% of "
	       "them prompt audio, %llu lost by sequence gaps, %llu unknown\n",
	       held, wall, (unsigned long long)rx, (unsigned long long)expected,
	       expected ? 100.0 * rx / expected : 0.0, rx ? 100.0 * rx_prompt / rx : 0.0,
	       (unsigned long long)lost, (unsigned long long)g.unknown_rx);
	printf("voice held: stoopd's send interval |interval - 20 ms| p50 %u us, p99 %u us, p99.9 %u us "
	       "(%llu intervals, %llu over 100 ms; kernel arrival times)\n",
	       hist_quantile(g.hist, g.hist_n, 0.5), hist_quantile(g.hist, g.hist_n, 0.99),
	       hist_quantile(g.hist, g.hist_n, 0.999), (unsigned long long)g.hist_n,
	       (unsigned long long)g.hist_over);
	printf("voice held: stoopd CPU %.1f %% of one core; generator CPU %.1f %% (its 5 ms timer late by "
	       "p50 %u us, p99 %u us: the generator's own noise, it paces the frames it sends, not the "
	       "arrival times measured); %llu sends failed\n",
	       cpu_s0 >= 0 && cpu_s1 >= 0 ? 100.0 * (cpu_s1 - cpu_s0) / wall : -1.0, 100.0 * (gen1 - gen0) / wall,
	       hist_quantile(g.tick_hist, g.tick_n, 0.5), hist_quantile(g.tick_hist, g.tick_n, 0.99),
	       (unsigned long long)g.tx_failed);

	printf("voice held: the machine: an idle 20 ms timer on core 0 wakes |interval - 20 ms| p50 %u us, "
	       "p99 %u us (before the calls); stoopd preempted %lu times in the window; stoopd's own %s\n",
	       floor50, floor99, pre1 - pre0, rtp_line[0] ? rtp_line : "RTP counters: not read");

	/* 3. DTMF over the held calls */
	t = now_ns();
	for (i = 0; i < g.n; i++)	/* each call starts at its own point of the spacing */
		g.calls[i].next_digit = t + (int64_t)(i % 1000) * DTMF_SPACING_MS * 1000;
	g.dtmf_on = true;
	loop_until(digits_done, t + (g.digits / (g.n ? g.n : 1) + 2) * 2 * DTMF_SPACING_MS * 1000000LL, NULL);
	g.dtmf_on = false;
	dtmf_s = (now_ns() - t) / 1e9;
	loop_until(NULL, now_ns() + 1000000000LL, NULL);	/* the last end packets land */
	if (!vty_show_calls(&calls_up, &keys1, NULL, 0))
		printf("voice dtmf: stoopd's console did not answer\n");
	keys_late = keys1;
	if (keys1 - keys0 < g.digits_sent) {
		/* late or lost: a loop that is behind reads its sockets late */
		loop_until(NULL, now_ns() + DTMF_LATE_S * 1000000000LL, NULL);
		vty_show_calls(&calls_up, &keys_late, NULL, 0);
	}
	printf("voice dtmf: %llu RFC 4733 digits sent over %u calls in %.1f s (start, continuation, 3 end "
	       "packets each, %u ms apart on a call); stoopd counted %llu within 1 s, %llu within %u s: "
	       "%lld lost (stoopd's %s; %llu of the generator's sends failed)\n",
	       (unsigned long long)g.digits_sent, held, dtmf_s, DTMF_SPACING_MS,
	       (unsigned long long)(keys1 - keys0), (unsigned long long)(keys_late - keys0), 1 + DTMF_LATE_S,
	       (long long)g.digits_sent - (long long)(keys_late - keys0), keys_line,
	       (unsigned long long)g.tx_failed);

	/* the same calls once each has sent a key: stoopd stops looking for
	 * in-band tones on a call that sends RFC 4733 events */
	t = now_ns();
	cpu_s0 = proc_cpu_s(g.pid);
	gen0 = rusage_s();
	loop_until(NULL, t + AFTER_KEYS_S * 1000000000LL, NULL);
	wall = (now_ns() - t) / 1e9;
	cpu_s1 = proc_cpu_s(g.pid);
	gen1 = rusage_s();
	printf("voice held after the keys: %u calls for %.1f s: stoopd CPU %.1f %% of one core, generator %.1f %%\n",
	       g.up, wall, cpu_s0 >= 0 && cpu_s1 >= 0 ? 100.0 * (cpu_s1 - cpu_s0) / wall : -1.0,
	       100.0 * (gen1 - gen0) / wall);

	/* 4. memory */
	printf("voice memory: stoopd RSS %lu KB with prompts loaded and no call, %lu KB with %u calls held: "
	       "%.1f KB per call\n", rss0, rssn, held, held ? (double)((long)rssn - (long)rss0) / held : 0.0);

	/* 5. teardown */
	g.outstanding = 0;
	t = now_ns();
	loop_until(teardown_done, t + TEARDOWN_LIMIT_S * 1000000000LL, bye_pump_cb);
	t_last = now_ns();
	g.media_on = false;
	for (i = 0; i < 50; i++) {		/* the release is deferred: up to 5 s */
		if (vty_show_calls(&calls_up, &keys1, NULL, 0) && !calls_up)
			break;
		usleep(100000);
	}
	printf("voice teardown: BYE for %u calls in %.2f s (%.0f/s), %llu ended by stoopd before; stoopd "
	       "has %u calls up after\n", held, (t_last - t) / 1e9, held / ((t_last - t) / 1e9),
	       (unsigned long long)g.bye_from_stoopd, calls_up);
	return 0;
}
