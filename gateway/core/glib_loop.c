/* glib_loop.c -- libosmocore's main loop drives glib's, once per turn.
 *
 * sofia-sip (the SIP stack of sms/sip_message.c and, later, the voice
 * channel) runs its timers and sockets in an su_root; the su_root that
 * shares a thread with another event loop is the glib one
 * (su_glib_root_create()), a GSource attached to glib's default main
 * context.  Someone has to run both loops in one thread, and there are
 * two ways round:
 *
 *   glib owns the process (osmo-sip-connector, src/evpoll.c): glib's poll
 *   function is replaced by one that also waits on libosmocore's
 *   descriptors.  libosmocore 1.7 only exports its descriptors as fd_sets
 *   (osmo_fd_fill_fds / osmo_fd_disp_fds; the poll() array behind
 *   osmo_select_main() is private), so that poll function is select(),
 *   which cannot watch a descriptor numbered 1024 or more.  A few hundred
 *   calls' RTP sockets reach that (glibc's fortified FD_SET aborts there).
 *
 *   libosmocore owns the process (this file): each turn asks glib what it
 *   wants (g_main_context_prepare, _query: a handful of descriptors and a
 *   timeout), registers those descriptors as osmo_fds and the timeout as an
 *   osmo_timer, runs osmo_select_main_ctx() -- libosmocore's poll(), no
 *   descriptor limit -- and hands the results back (_check, _dispatch).
 *
 * We take the second: every socket stays on poll(), glib adds two or three
 * descriptors per turn, and start-up, signals, timers and the console keep
 * working exactly as in the daemons without SIP.  The price is a little
 * work per turn: glib's descriptors are registered before the poll and
 * unregistered after it (so none is ever left registered after sofia-sip
 * closed it and the number is reused), and the few that fired are polled
 * once more with a zero timeout, because libosmocore folds POLLHUP and
 * POLLERR into "readable" and sofia-sip's transports must see an error as
 * an error.  If glib's descriptors change while libosmocore's callbacks run
 * (a callback sends a SIP request), g_main_context_check() notices and the
 * next turn starts afresh.
 *
 * sofia-sip reads one datagram each time its socket is reported readable,
 * so one glib dispatch a turn took one SIP message a turn: with 2,000
 * calls' RTP a turn lasts 2-3 ms, and INVITE + ACK of a call took two of
 * them (tests/bench/voice_bench.c saw ~370 SIP messages/s in, set-up p99
 * of seconds).  After a dispatch, while a descriptor of glib's that fired
 * is still readable, glib runs again without waiting (its own poll() over
 * its few descriptors, zero timeout), at most GLIB_LOOP_MAX_AGAIN times a
 * turn: a burst is read in one turn, the RTP clock still gets its turn
 * soon, and an idle source still runs once a turn, not in a spin.
 *
 * tests/core/glib_loop_test.c runs the join with descriptors above 1024.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include <glib.h>
#include <talloc.h>

#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "core/glib_loop.h"
#include "core/logging.h"

#define GLIB_LOOP_MAX_AGAIN	32	/* extra glib dispatches a turn, see above */

/* One of glib's descriptors for the length of one poll. */
struct glib_watch {
	struct osmo_fd ofd;
	bool registered;
	bool fired;
};

static struct {
	GMainContext *gctx;
	bool acquired;
	void *ctx;
	GPollFD *fds;			/* what glib asked for this turn */
	struct glib_watch *watches;	/* parallel to fds */
	struct pollfd *again;		/* the second look at those that fired */
	unsigned alloc;
	struct osmo_timer_list wakeup;	/* glib's timeout */
} g_loop;

static int glib_watch_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct glib_watch *w = ofd->data;

	w->fired = true;
	return 0;
}

static void glib_wakeup_cb(void *data)
{
	/* nothing to do: expiring ends the poll, glib's check does the rest */
}

int glib_loop_init(void *ctx)
{
	g_loop.gctx = g_main_context_default();
	if (!g_main_context_acquire(g_loop.gctx)) {
		LOGP(DMAIN, LOGL_ERROR, "glib's main context is owned by another thread\n");
		return -EBUSY;
	}
	g_loop.acquired = true;
	g_loop.ctx = talloc_named_const(ctx, 0, "glib_loop");
	g_loop.alloc = 8;
	g_loop.fds = talloc_zero_array(g_loop.ctx, GPollFD, g_loop.alloc);
	g_loop.watches = talloc_zero_array(g_loop.ctx, struct glib_watch, g_loop.alloc);
	g_loop.again = talloc_zero_array(g_loop.ctx, struct pollfd, g_loop.alloc);
	osmo_timer_setup(&g_loop.wakeup, glib_wakeup_cb, NULL);
	return 0;
}

static int glib_loop_grow(unsigned n)
{
	GPollFD *fds = talloc_realloc(g_loop.ctx, g_loop.fds, GPollFD, n);
	struct glib_watch *w;
	struct pollfd *again;

	if (!fds)
		return -ENOMEM;
	g_loop.fds = fds;
	w = talloc_realloc(g_loop.ctx, g_loop.watches, struct glib_watch, n);
	if (!w)
		return -ENOMEM;
	g_loop.watches = w;
	again = talloc_realloc(g_loop.ctx, g_loop.again, struct pollfd, n);
	if (!again)
		return -ENOMEM;
	g_loop.again = again;
	g_loop.alloc = n;
	return 0;
}

/* Register the descriptors glib asked for; a descriptor glib lists twice
 * is registered once (libosmocore finds callbacks by descriptor). */
static void glib_watch_register(unsigned n)
{
	unsigned i, j;

	for (i = 0; i < n; i++) {
		GPollFD *p = &g_loop.fds[i];
		struct glib_watch *w = &g_loop.watches[i];
		unsigned when = 0;

		memset(w, 0, sizeof(*w));
		p->revents = 0;
		if (p->fd < 0)
			continue;
		for (j = 0; j < i; j++)
			if (g_loop.fds[j].fd == p->fd && g_loop.watches[j].registered)
				break;
		if (p->events & (G_IO_IN | G_IO_HUP | G_IO_ERR))
			when |= OSMO_FD_READ;
		if (p->events & G_IO_OUT)
			when |= OSMO_FD_WRITE;
		if (p->events & G_IO_PRI)
			when |= OSMO_FD_EXCEPT;
		if (j < i) {
			g_loop.watches[j].ofd.when |= when;
			continue;
		}
		osmo_fd_setup(&w->ofd, p->fd, when, glib_watch_cb, w, 0);
		if (osmo_fd_register(&w->ofd) < 0) {
			LOGP(DMAIN, LOGL_ERROR, "cannot watch glib's descriptor %d\n", p->fd);
			continue;
		}
		w->registered = true;
	}
}

/* Unregister them again; ask the kernel once more what exactly happened on
 * the ones that fired (zero timeout, so this never waits).  Returns how
 * many fired: they are in g_loop.again. */
static unsigned glib_watch_collect(unsigned n)
{
	struct pollfd *pfd = g_loop.again;
	unsigned i, j, k = 0;

	for (i = 0; i < n; i++) {
		struct glib_watch *w = &g_loop.watches[i];

		if (!w->registered)
			continue;
		osmo_fd_unregister(&w->ofd);
		w->registered = false;
		if (!w->fired)
			continue;
		pfd[k].fd = w->ofd.fd;
		pfd[k].events = 0;
		for (j = i; j < n; j++)
			if (g_loop.fds[j].fd == w->ofd.fd)
				pfd[k].events |= g_loop.fds[j].events & (G_IO_IN | G_IO_OUT | G_IO_PRI);
		pfd[k].revents = 0;
		k++;
	}
	if (!k || poll(pfd, k, 0) <= 0)
		return k;
	for (i = 0; i < k; i++) {
		if (!pfd[i].revents)
			continue;
		for (j = 0; j < n; j++) {
			if (g_loop.fds[j].fd != pfd[i].fd)
				continue;
			/* G_IO_* are the POLL* values on every glib platform */
			g_loop.fds[j].revents = pfd[i].revents & (g_loop.fds[j].events | G_IO_ERR | G_IO_HUP | G_IO_NVAL);
		}
	}
	return k;
}

/* Is one of the k descriptors that fired readable still? */
static bool glib_more_input(unsigned k)
{
	unsigned i;

	for (i = 0; i < k; i++) {
		g_loop.again[i].events = POLLIN;
		g_loop.again[i].revents = 0;
	}
	if (!k || poll(g_loop.again, k, 0) <= 0)
		return false;
	for (i = 0; i < k; i++)
		if (g_loop.again[i].revents & POLLIN)
			return true;
	return false;
}

void glib_loop_iterate(void)
{
	gint max_prio = 0, timeout_ms = -1;
	gint n;
	bool ready;
	unsigned i, fired;

	if (!g_loop.acquired) {
		osmo_select_main_ctx(0);
		return;
	}
	g_main_context_prepare(g_loop.gctx, &max_prio);
	while ((n = g_main_context_query(g_loop.gctx, max_prio, &timeout_ms, g_loop.fds, g_loop.alloc))
	       > (gint)g_loop.alloc) {
		if (glib_loop_grow(n) < 0) {
			n = g_loop.alloc;
			break;
		}
	}
	glib_watch_register(n);
	if (timeout_ms >= 0)
		osmo_timer_schedule(&g_loop.wakeup, timeout_ms / 1000, (timeout_ms % 1000) * 1000);

	osmo_select_main_ctx(0);

	osmo_timer_del(&g_loop.wakeup);
	fired = glib_watch_collect(n);
	ready = g_main_context_check(g_loop.gctx, max_prio, g_loop.fds, n);
	if (!ready)
		return;
	g_main_context_dispatch(g_loop.gctx);
	for (i = 0; i < GLIB_LOOP_MAX_AGAIN && glib_more_input(fired); i++)
		g_main_context_iteration(g_loop.gctx, FALSE);
}

void glib_loop_fini(void)
{
	if (!g_loop.acquired)
		return;
	osmo_timer_del(&g_loop.wakeup);
	g_main_context_release(g_loop.gctx);
	g_loop.acquired = false;
	TALLOC_FREE(g_loop.ctx);
	g_loop.fds = NULL;
	g_loop.watches = NULL;
	g_loop.again = NULL;
	g_loop.alloc = 0;
}
