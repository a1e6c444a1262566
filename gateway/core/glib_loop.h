/* glib_loop.h -- the one place where libosmocore's main loop and glib's
 * meet: each turn of stoopd's loop also runs one iteration of glib's
 * default main context, which is where sofia-sip's su_root lives (see
 * core/glib_loop.c for why it is this way round). */
#pragma once

/* Take ownership of glib's default main context for this thread.  Call once
 * at start-up, before anything attaches a GSource to it. */
int glib_loop_init(void *ctx);

/* One turn of the main loop: prepare glib's sources, poll glib's and
 * libosmocore's descriptors together (osmo_select_main_ctx), then let glib
 * check and dispatch what became ready.  Blocks until something happens. */
void glib_loop_iterate(void);

/* Release the context and free what glib_loop_init() made. */
void glib_loop_fini(void);
