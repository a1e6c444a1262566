/* glib_loop_test.c -- tests of gateway/core/glib_loop.c, the turn that runs
 * libosmocore's poll() and glib's main context together, with descriptors
 * numbered past select()'s limit of 1024 on both sides (the reason the join
 * goes this way round): each side's callbacks run, glib sees the exact
 * poll result (a hang-up as G_IO_HUP, not as "readable"), glib's timeouts
 * and idle sources neither starve nor spin, a descriptor glib dropped and
 * libosmocore reused in the same turn is served by libosmocore, and a
 * diagnostic line gives the cost of a turn with a few thousand idle
 * sockets registered.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <glib.h>
#include <glib-unix.h>

#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "testlib.h"
#include "core/glib_loop.h"
#include "core/logging.h"

#define IDLE_PAIRS	1500	/* idle socketpairs registered with libosmocore */

static struct {
	unsigned osmo_reads, glib_reads, glib_hups, glib_timeouts, idles, osmo_timers;
	GIOCondition last_cond;
	bool expired;
} seen;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int osmo_read_cb(struct osmo_fd *ofd, unsigned int what)
{
	char c;

	if (read(ofd->fd, &c, 1) == 1)
		seen.osmo_reads++;
	return 0;
}

static gboolean glib_read_cb(gint fd, GIOCondition cond, gpointer data)
{
	char c;

	seen.last_cond = cond;
	if (cond & G_IO_HUP) {
		seen.glib_hups++;
		return G_SOURCE_REMOVE;
	}
	if ((cond & G_IO_IN) && read(fd, &c, 1) == 1)
		seen.glib_reads++;
	return G_SOURCE_CONTINUE;
}

static gboolean glib_timeout_cb(gpointer data)
{
	seen.glib_timeouts++;
	return G_SOURCE_REMOVE;
}

static gboolean glib_idle_cb(gpointer data)
{
	seen.idles++;
	return seen.idles < 3 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void osmo_timer_cb(void *data)
{
	seen.osmo_timers++;
}

/* The reuse case: a timer callback (inside libosmocore's half of a turn)
 * removes glib's source, closes its descriptor, puts a new socket under
 * the same number, registers it with libosmocore and makes it readable. */
struct reuse {
	int num, peer;
	guint src;
	struct osmo_fd ofd;
};

static void reuse_cb(void *data)
{
	struct reuse *r = data;
	int np[2];
	char c = 'r';

	g_source_remove(r->src);
	close(r->num);
	close(r->peer);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, np) < 0)
		return;
	if (np[0] != r->num) {	/* usually the kernel gives the same number */
		if (dup2(np[0], r->num) < 0)
			return;
		close(np[0]);
	}
	r->peer = np[1];
	osmo_fd_setup(&r->ofd, r->num, OSMO_FD_READ, osmo_read_cb, NULL, 0);
	osmo_fd_register(&r->ofd);
	if (write(r->peer, &c, 1) != 1)
		return;
}

static void guard_cb(void *data)
{
	seen.expired = true;
}

/* Turn the loop until *counter reaches want or 3 s passed; the number of
 * turns it took, or -1. */
static int turn_until(unsigned *counter, unsigned want)
{
	struct osmo_timer_list guard = {};
	int turns = 0;

	seen.expired = false;
	osmo_timer_setup(&guard, guard_cb, NULL);
	osmo_timer_schedule(&guard, 3, 0);
	while (*counter < want && !seen.expired) {
		glib_loop_iterate();
		turns++;
	}
	osmo_timer_del(&guard);
	return *counter >= want ? turns : -1;
}

/* Make glib's descriptor readable n times, a turn each; how many were
 * served. */
static int wake_glib(int fd, int n)
{
	unsigned before;
	char c = 'w';
	int i;

	for (i = 0; i < n; i++) {
		before = seen.glib_reads;
		if (write(fd, &c, 1) != 1 || turn_until(&seen.glib_reads, before + 1) < 0)
			break;
	}
	return i;
}

/* Push the next descriptor numbers past 1024. */
static bool fill_low_descriptors(void)
{
	int fd;

	do {
		fd = open("/dev/null", O_RDONLY);
		if (fd < 0)
			return false;
	} while (fd < 1100);
	return true;
}

static bool raise_nofile(rlim_t want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_max < want)
		return false;
	rl.rlim_cur = rl.rlim_max;
	return setrlimit(RLIMIT_NOFILE, &rl) == 0;
}

int main(void)
{
	void *root = talloc_named_const(NULL, 0, "glib_loop_test");
	struct osmo_fd ofd, *idle;
	struct osmo_timer_list timer;
	struct reuse reuse;
	int op[2], gp[2], hp[2], rp[2];
	unsigned before, glib_before;
	guint gsrc;
	double t0, t1;
	int turns, i;
	char c = 'x';

	stoop_log_init(root, true);
	signal(SIGPIPE, SIG_IGN);
	if (!raise_nofile(1100 + 2 * IDLE_PAIRS + 64) || !fill_low_descriptors()) {
		printf("1..0 # SKIP cannot open %d descriptors here\n", 1100 + 2 * IDLE_PAIRS);
		return 0;
	}
	CHECK(glib_loop_init(root) == 0, "glib_loop_init takes glib's default main context");

	/* one socketpair on each side, both numbered past 1024 */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, op) < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, gp) < 0)
		return 1;
	CHECK(op[0] >= 1024 && gp[0] >= 1024, "the test's descriptors are numbered past select()'s 1024 "
	      "(%d, %d)", op[0], gp[0]);
	osmo_fd_setup(&ofd, op[0], OSMO_FD_READ, osmo_read_cb, NULL, 0);
	osmo_fd_register(&ofd);
	gsrc = g_unix_fd_add(gp[0], G_IO_IN | G_IO_HUP, glib_read_cb, NULL);

	if (write(op[1], &c, 1) != 1 || write(gp[1], &c, 1) != 1)
		return 1;
	turns = turn_until(&seen.glib_reads, 1);
	CHECK(turns > 0, "glib's callback runs for its readable descriptor past 1024");
	turn_until(&seen.osmo_reads, 1);
	CHECK(seen.osmo_reads == 1, "libosmocore's callback runs for its readable descriptor past 1024");
	CHECK(seen.last_cond == G_IO_IN, "glib is told G_IO_IN, nothing else (condition 0x%x)", seen.last_cond);

	/* a timeout: the loop sleeps until it is due, it does not spin */
	t0 = now_ms();
	g_timeout_add(80, glib_timeout_cb, NULL);
	turns = turn_until(&seen.glib_timeouts, 1);
	t1 = now_ms();
	CHECK(turns > 0 && t1 - t0 >= 70 && t1 - t0 < 1000, "a glib timeout of 80 ms fires after %.0f ms",
	      t1 - t0);
	CHECK(turns > 0 && turns <= 5, "waiting for it took %d turns of the loop (it sleeps in poll)", turns);

	/* libosmocore's timers fire while glib has sources */
	osmo_timer_setup(&timer, osmo_timer_cb, NULL);
	osmo_timer_schedule(&timer, 0, 30000);
	CHECK(turn_until(&seen.osmo_timers, 1) > 0, "a libosmocore timer fires while glib watches a descriptor");

	/* an idle source is run at once, turn after turn */
	t0 = now_ms();
	g_idle_add(glib_idle_cb, NULL);
	turns = turn_until(&seen.idles, 3);
	t1 = now_ms();
	CHECK(turns >= 3 && t1 - t0 < 100, "a glib idle source runs on each turn without waiting (%.1f ms)",
	      t1 - t0);

	/* a hang-up reaches glib as G_IO_HUP */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, hp) < 0)
		return 1;
	g_unix_fd_add(hp[0], G_IO_IN | G_IO_HUP, glib_read_cb, NULL);
	close(hp[1]);
	turns = turn_until(&seen.glib_hups, 1);
	CHECK(turns > 0 && (seen.last_cond & G_IO_HUP),
	      "glib is told G_IO_HUP when the peer hangs up (condition 0x%x)", seen.last_cond);
	close(hp[0]);

	/* glib drops a descriptor and libosmocore reuses its number in the
	 * middle of a turn (from a timer callback): the reused one is served
	 * by libosmocore, glib is not woken for a source it no longer has */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, rp) < 0)
		return 1;
	reuse.num = rp[0];
	reuse.src = g_unix_fd_add(rp[0], G_IO_IN, glib_read_cb, NULL);
	reuse.peer = rp[1];
	osmo_timer_setup(&timer, reuse_cb, &reuse);
	osmo_timer_schedule(&timer, 0, 10000);
	before = seen.osmo_reads;
	glib_before = seen.glib_reads;
	turns = turn_until(&seen.osmo_reads, before + 1);
	CHECK(turns > 0 && reuse.ofd.fd == reuse.num, "a descriptor number glib gave up and libosmocore reused "
	      "in the same turn is served by libosmocore (%d turns)", turns);
	CHECK(seen.glib_reads == glib_before, "glib's callback for the removed source does not run");
	osmo_fd_unregister(&reuse.ofd);
	close(reuse.num);
	close(reuse.peer);

	/* the cost of a turn: glib's descriptor woken 2000 times, first with
	 * only the test's sockets, then with many idle ones registered */
	t0 = now_ms();
	i = wake_glib(gp[1], 2000);
	t1 = now_ms();
	CHECK(i == 2000, "2000 wake-ups of glib's descriptor are each served");
	printf("# a turn with 2 descriptors polled: %.1f us\n", (t1 - t0) * 1000 / 2000);
	idle = talloc_zero_array(root, struct osmo_fd, IDLE_PAIRS);
	for (i = 0; i < IDLE_PAIRS; i++) {
		int sp[2];
		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sp) < 0)
			break;
		osmo_fd_setup(&idle[i], sp[0], OSMO_FD_READ, osmo_read_cb, NULL, 0);
		osmo_fd_register(&idle[i]);
	}
	CHECK(i == IDLE_PAIRS, "%d more sockets registered with libosmocore", i);
	t0 = now_ms();
	i = wake_glib(gp[1], 2000);
	t1 = now_ms();
	CHECK(i == 2000, "2000 wake-ups of glib's descriptor are each served with them registered");
	printf("# a turn with %d descriptors polled: %.1f us\n", IDLE_PAIRS + 2, (t1 - t0) * 1000 / 2000);

	g_source_remove(gsrc);
	osmo_fd_unregister(&ofd);
	glib_loop_fini();
	return test_done();
}
