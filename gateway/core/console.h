/* console.h -- the text views of cases, sessions and flows that operators
 * read, shared by stoopd's telnet console (core/vty.c) and stoopctl
 * (tools/stoopctl.c) so both print exactly the same thing.
 *
 * Every view is a talloc'd string of lines, each ending in '\n'; the VTY
 * turns the line ends into VTY_NEWLINE.  Phone numbers never appear unmasked
 * (stoop_mask_number()), free text is cleaned of control characters, and
 * times are UTC ISO 8601, so the output is safe to paste into a ticket and
 * stable enough for tests.  The data comes from store/store.h; this file
 * only formats.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct store;
struct store_announcement;
struct stoop_hours;
struct store_case;
struct store_session;
struct flow_set;

/* "2024-05-01T12:34:56Z" */
char *console_time_iso(void *ctx, int64_t unix_seconds);
/* "45s", "12m03s", "3h05m", "2d04h" */
char *console_duration(void *ctx, int64_t seconds);
/* "sms:+1555***4567": a session key with its number masked. */
char *console_session_key(void *ctx, const char *key);

/* What an operator should read for an error of case_id_parse() or of a
 * lookup: "Invalid case number (check digit)", "No such case" ... */
const char *console_case_error(int rc);

/* One line per case, with a header: id, service, status, channel, created,
 * location (truncated); never a phone number. */
char *console_cases_table(void *ctx, struct store_case *const *cases, unsigned n);
/* Every field of one case (phone masked), its history and follower count.
 * Returns 0 or the negative errno of the store (-ENOENT: no such case). */
int console_case_detail(void *ctx, struct store *st, uint64_t id, char **out);
/* One line per session: masked key, position, age and idle time. */
char *console_sessions_table(void *ctx, const struct store_session *sessions, unsigned n,
			     int64_t now);
/* Counts of a loaded flow set and its languages. */
char *console_flows_summary(void *ctx, const struct flow_set *fs);

/* Open callbacks, oldest first as given, two lines each: id, time waiting,
 * window, language, number (masked unless full_numbers: stoopctl, whose
 * user must dial it), overflow reason, reason; then the flow path. */
char *console_callbacks_table(void *ctx, struct store_case *const *cases, unsigned n, int64_t now,
			      bool full_numbers);
/* What an operator reads for an error of store_callback_mark(). */
const char *console_callback_error(int rc);
/* Announcements: name, on/off, case, updated, languages (+audio). */
char *console_announcements_table(void *ctx, struct store_announcement *const *a, unsigned n);
/* One announcement: its texts and recordings per language and history. */
int console_announcement_detail(void *ctx, struct store *st, const char *name, char **out);
const char *console_announcement_error(int rc);
/* Open or closed now, the next change in local time, and the hours. */
char *console_hours_summary(void *ctx, const struct stoop_hours *h);
