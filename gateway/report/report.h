/* report.h -- the supervisor's views of the figures store/report.h
 * computes: the text and CSV of `stoopctl report`, and the dashboard page
 * (server-rendered HTML with inline SVG bars, no external assets) that the
 * HTTP server mounts at /dashboard and `stoopctl dashboard` writes to a
 * file.  Rendering only: no SQL here, no sockets.
 */
#pragma once

#include <stdint.h>
#include <time.h>

struct store;
struct store_report;

/* Human-readable report; allocated under ctx, NULL when out of memory. */
char *stoop_report_text(void *ctx, const struct store_report *r);
/* The same figures as CSV: a header "section,key,metric,value", then one
 * figure a line.  Keys are quoted when they hold a comma or a quote. */
char *stoop_report_csv(void *ctx, const struct store_report *r);

/* The dashboard for now: today and the 7 days before now.  Every number
 * is in an element with a stable id and a data-value attribute, e.g.
 * <td id="cases-channel-sms-week" data-value="5">5</td>.  The page
 * reloads itself every 30 s.  NULL when the store cannot be read (logged)
 * or out of memory. */
char *stoop_dashboard_html(void *ctx, struct store *st, time_t now);
/* The page for figures already computed. */
char *stoop_dashboard_render(void *ctx, const struct store_report *r);
