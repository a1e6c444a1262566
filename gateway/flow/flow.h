/* flow.h -- the public surface of the flow language: loading and validating
 * the flows/ directory (NAME.flow files) with the prompt catalogs, and running a caller's flow instance.
 *
 * The interpreter is channel-agnostic: a channel (SMS, voice, the console
 * simulator) feeds it events (a text, a digit, a timeout, a hang-up ...) and
 * it calls back the channel's struct flow_leg with actions (say these prompts,
 * wait for input, record, transfer, send an SMS, end).  It never touches a
 * socket and never arms a timer: it tells the channel how long to wait, and the
 * channel reports flow_inst_timeout() when that time is up.
 *
 * Inside: flow/lex.c (tokens), flow/parse.c (files -> struct flow), flow/load.c
 * (a directory of flows + catalogs), flow/validate.c, flow/interp.c,
 * flow/catalog.c, flow/render.c (actions -> SMS text / voice prompt files).
 */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct flow_set;
struct flow_inst;
struct store;
struct stoop_hours;

enum flow_channel {
	FLOW_CH_SMS = 1,
	FLOW_CH_VOICE = 2,
};
#define FLOW_CH_ALL (FLOW_CH_SMS | FLOW_CH_VOICE)
const char *flow_channel_name(enum flow_channel ch);

struct flow_load_opts {
	const char *flows_dir;		/* every *.flow in it */
	const char *prompts_dir;	/* <lang>/catalog below it */
	const char *default_lang;	/* NULL: "en" */
};

/* Load, parse and validate.  Every problem is written to err as
 * "file:line:col: message\n" (err may be NULL).  Returns the number of errors;
 * *out is set only when there were none. */
int flow_set_load(void *ctx, const struct flow_load_opts *opts, struct flow_set **out, FILE *err);

/* The same for one flow file given as text, with catalogs from prompts_dir
 * (NULL: no prompt checks).  Used by tests and by stoopctl check FILE. */
int flow_set_load_files(void *ctx, const char *const *paths, unsigned n_paths,
			const char *prompts_dir, const char *default_lang,
			struct flow_set **out, FILE *err);

unsigned flow_set_n_flows(const struct flow_set *fs);
unsigned flow_set_n_states(const struct flow_set *fs);
const char *flow_set_default_lang(const struct flow_set *fs);
bool flow_set_has_lang(const struct flow_set *fs, const char *lang);
/* Languages with a catalog, default first; NULL after the last. */
const char *flow_set_lang(const struct flow_set *fs, unsigned idx);
/* The SMS keywords whose line sets var to the literal value (`keyword
 * POTHOLE BACHE -> report.quick service=pothole`: "service", "pothole"),
 * upper case, in file order: at most max into words (pointers into fs).
 * Returns how many.  The Open311 API lists them as a service's keywords. */
unsigned flow_set_keyword_words(const struct flow_set *fs, const char *var, const char *value,
				const char **words, unsigned max);
/* Does "flow" or "flow.state" name an entry point? */
bool flow_set_has_target(const struct flow_set *fs, const char *target);
/* The business hours $hours is read against (core/hours.h); NULL or never
 * called: always "open".  The set keeps the pointer, so a change of the
 * hours (the console) is seen at the next read. */
void flow_set_use_hours(struct flow_set *fs, const struct stoop_hours *hours);

/* The idx-th entry id of lang's catalog, as written ("report.where",
 * "main.menu@voice", "sms.help@sms"), sorted; NULL after the last.  A call
 * plays every id without "@sms" (prompts/<lang>/<id>.wav). */
const char *flow_catalog_id(const struct flow_set *fs, const char *lang, unsigned idx);

/* A catalog text for a prompt id on a channel (the id@sms / id@voice variant
 * first), or NULL. */
const char *flow_catalog_text(const struct flow_set *fs, const char *lang,
			      enum flow_channel ch, const char *prompt_id);

/*
 * Actions, as the interpreter hands them to a channel.
 */
enum flow_item_kind {
	FLOW_ITEM_PROMPT,	/* value is a prompt id */
	FLOW_ITEM_DIGITS,	/* value is digits to read one by one */
	FLOW_ITEM_TEXT,		/* value is text (SMS only; a call leaves it out) */
	FLOW_ITEM_RECORDING,	/* value is the path of a recording (a caller's, or an
				 * announcement's $announce.audio): a call plays it */
};

struct flow_item {
	enum flow_item_kind kind;
	const char *value;
};

enum flow_ask_kind {
	FLOW_ASK_MENU,
	FLOW_ASK_YESNO,
	FLOW_ASK_DIGITS,
	FLOW_ASK_TEXT,
	FLOW_ASK_RECORD,
};

struct flow_choice_out {
	char key;		/* '0'..'9', '*', '#' */
	const char *word;
	const char *label;	/* prompt id */
};

/* What the caller is being asked: the channel renders the prompt (and the
 * choices) and waits.  On a call, the channel waits timeout_ms for the first
 * key and interdigit_ms between keys, then calls flow_inst_timeout(). */
struct flow_ask_out {
	enum flow_ask_kind kind;
	const char *prompt;			/* prompt id */
	const struct flow_choice_out *choices;	/* menu / yesno */
	unsigned n_choices;
	unsigned min_digits, max_digits;
	char term;				/* 0: none */
	unsigned max_chars;			/* text */
	unsigned max_record_ms, silence_ms;	/* record */
	bool optional;
	unsigned timeout_ms, interdigit_ms;
	bool repeat;				/* asked again after noinput/nomatch */
};

/* The channel side of a flow instance (cf. osmo-sip-connector's call_leg):
 * each channel fills in these callbacks; a callback may be NULL when the
 * channel has nothing to do for it. */
struct flow_leg {
	/* Say these items, in order. */
	void (*say)(struct flow_leg *leg, const struct flow_item *items, unsigned n);
	/* Ask; the instance now waits for input. */
	void (*ask)(struct flow_leg *leg, const struct flow_ask_out *ask);
	/* Hand the call to an agent queue; report flow_inst_transfer_result(). */
	void (*transfer)(struct flow_leg *leg, const char *queue, const char *case_id,
			 const char *path);
	/* Send a text to the caller (on SMS: after the reply). */
	void (*send_sms)(struct flow_leg *leg, const struct flow_item *items, unsigned n);
	/* The flow ended (outcome "completed", "transferred", ...). */
	void (*end)(struct flow_leg *leg, const char *outcome);
	void *priv;
};

struct flow_inst_opts {
	enum flow_channel channel;
	const char *caller;	/* the caller's number */
	const char *lang;	/* NULL: the set's default */
	const char *entry;	/* "flow" or "flow.state" */
	const char *recordings_dir; /* where the channel puts recordings */
	/* Why the call came to Stoop and not to an agent: "closed",
	 * "queue_full", "no_answer" (store.h STORE_OVERFLOW_*), or NULL.  The
	 * flow reads it as $overflow; it is stored with every case or callback
	 * the session files and with the session log
	 * (store_session_log_end_overflow()). */
	const char *overflow;
};

/* A new instance at opts->entry; nothing runs until flow_inst_start(). */
struct flow_inst *flow_inst_new(void *ctx, const struct flow_set *fs, struct store *st,
				struct flow_leg *leg, const struct flow_inst_opts *opts);
/* Restore a saved instance (flow_inst_save()).  Returns NULL when the blob is
 * damaged or names a flow state that no longer exists. */
struct flow_inst *flow_inst_restore(void *ctx, const struct flow_set *fs, struct store *st,
				    struct flow_leg *leg, const uint8_t *blob, size_t len);
/* Serialize the instance (position, variables, language, retry count). */
int flow_inst_save(const struct flow_inst *fi, void *ctx, uint8_t **blob, size_t *len);

/* Events.  Each runs the flow until it waits or ends and returns 0, or a
 * negative errno when the event makes no sense now (-EAGAIN: not waiting). */
int flow_inst_start(struct flow_inst *fi);
/* SMS: one inbound text.  At session start and when answering a menu, a
 * keyword of the flow set (first word) jumps to its target. */
int flow_inst_text(struct flow_inst *fi, const char *text);
/* Call: one key, '0'..'9', '*', '#'. */
int flow_inst_digit(struct flow_inst *fi, char key);
/* Call: the wait the last ask asked for is over. */
int flow_inst_timeout(struct flow_inst *fi);
/* Call: the recording asked for is done ("" path: nothing was said). */
int flow_inst_recorded(struct flow_inst *fi, const char *path, unsigned ms);
int flow_inst_transfer_result(struct flow_inst *fi, bool ok);
int flow_inst_hangup(struct flow_inst *fi);

/* Would this text, at this point, be taken by a keyword? (SMS, new session) */
bool flow_set_keyword_match(const struct flow_set *fs, const char *text);

bool flow_inst_ended(const struct flow_inst *fi);
/* Call: keys of a digits ask are being collected (wait interdigit_ms). */
bool flow_inst_collecting(const struct flow_inst *fi);
/* Unix seconds when the conversation started. */
int64_t flow_inst_started_at(const struct flow_inst *fi);
/* "flow.state" of the current position. */
const char *flow_inst_position(const struct flow_inst *fi);
const char *flow_inst_lang(const struct flow_inst *fi);
const char *flow_inst_entry(const struct flow_inst *fi);
/* The states visited, '>'-separated, as stored with a case. */
const char *flow_inst_path(const struct flow_inst *fi);
/* The overflow reason given at flow_inst_new(), or NULL. */
const char *flow_inst_overflow(const struct flow_inst *fi);
/* A variable's value, or NULL. */
const char *flow_inst_var(const struct flow_inst *fi, const char *name);
/* Number of state transitions run so far (benchmarks). */
uint64_t flow_inst_transitions(const struct flow_inst *fi);

/*
 * Rendering helpers shared by the channels (flow/render.c).
 */
/* The SMS text of items in lang: catalog texts joined by spaces, no space
 * before punctuation.  Allocated under ctx. */
char *flow_render_sms_items(void *ctx, const struct flow_set *fs, const char *lang,
			    const struct flow_item *items, unsigned n);
/* Add one part (a say, an ask) to the SMS reply of a turn: parts are
 * separated by a line break.  reply may be NULL; returns the new reply. */
char *flow_render_sms_reply_add(void *ctx, char *reply, const char *part);
/* The SMS text of an ask: its prompt and, for menus and yes/no, one line
 * "KEY Label" per choice. */
char *flow_render_sms_ask(void *ctx, const struct flow_set *fs, const char *lang,
			  const struct flow_ask_out *ask);
/* The prompt ids a call plays for an ask (prompt, then per choice
 * common.for LABEL common.press digit.KEY).  Returns a talloc array of
 * struct flow_item under ctx, *n set. */
struct flow_item *flow_render_voice_ask(void *ctx, const struct flow_ask_out *ask, unsigned *n);
/* The prompt a call plays for one key of a number or case id said digit
 * by digit: "digit.0".."digit.9", "digit.star", "digit.hash"; NULL for
 * any other character (left out). */
const char *flow_digit_prompt(char key);
