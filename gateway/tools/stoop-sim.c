/* stoop-sim.c -- the console channel: runs the flows and the real store from
 * a terminal, so every flow can be tried and tested without a network.
 *
 * It is a third channel beside SMS and voice, built on the same struct
 * flow_leg: `--channel sms` reads one inbound text per line and prints the
 * reply a resident would get; `--channel voice` reads keys and call events
 * and prints what would be played.  SMS sessions are persisted in the store
 * exactly as the SMS channel does, so a conversation survives a restart of
 * the simulator.  Input and output formats are documented in README.md
 * ("Console simulator"); golden transcripts in tests/transcripts/ are its
 * output with --echo.  Business hours come from --hours (the `hours` node of
 * a stoop.cfg, core/hours.c), the overflow reason of a call from
 * --overflow, and '@announce' lines play the supervisor between texts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <getopt.h>
#include <time.h>
#include <ctype.h>
#include <sys/stat.h>

#include <sndfile.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "core/hours.h"
#include "core/logging.h"
#include "flow/flow.h"
#include "store/store.h"

struct sim {
	void *ctx;
	struct flow_set *fs;
	struct store *st;
	enum flow_channel ch;
	const char *from;
	const char *lang;
	const char *entry;
	const char *recdir;
	const char *overflow;	/* --overflow: why the call came here */
	bool echo;
	bool agents;
	unsigned expiry_s;
	struct flow_inst *fi;
	struct flow_leg leg;
	char *reply;		/* SMS: the reply being assembled */
	char **extra;		/* SMS: further messages (send sms) */
	unsigned n_extra;
	unsigned n_recordings;
	unsigned last_timeout_ms;
	unsigned last_interdigit_ms;
	bool transfer_pending;
	const char *outcome;
};

static void out_lines(const char *prefix, const char *text)
{
	const char *p = text;

	do {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		printf("%s%.*s\n", prefix, (int)len, p);
		p = nl ? nl + 1 : NULL;
	} while (p);
}

/* Voice: the prompt ids of items, digits spelled as digit.N (flow_digit_prompt). */
static void print_play(struct sim *s, const struct flow_item *items, unsigned n)
{
	unsigned i;
	const char *p;
	bool any = false;

	for (i = 0; i < n; i++) {
		switch (items[i].kind) {
		case FLOW_ITEM_PROMPT:
			printf("%s%s", any ? " " : "< play ", items[i].value);
			any = true;
			break;
		case FLOW_ITEM_DIGITS:
			for (p = items[i].value; *p; p++) {
				const char *id = flow_digit_prompt(*p);
				if (!id)
					continue;
				printf("%s%s", any ? " " : "< play ", id);
				any = true;
			}
			break;
		case FLOW_ITEM_RECORDING:
			printf("%s(recording)", any ? " " : "< play ");
			any = true;
			break;
		case FLOW_ITEM_TEXT:
			break;
		}
	}
	if (any)
		printf("\n");
}

static void leg_say(struct flow_leg *leg, const struct flow_item *items, unsigned n)
{
	struct sim *s = leg->priv;

	if (s->ch == FLOW_CH_VOICE) {
		print_play(s, items, n);
		return;
	}
	char *text = flow_render_sms_items(s->ctx, s->fs, flow_inst_lang(s->fi), items, n);

	s->reply = flow_render_sms_reply_add(s->ctx, s->reply, text);
	talloc_free(text);
}

static const char *ms_str(unsigned ms)
{
	static char buf[32];

	if (ms % 1000)
		snprintf(buf, sizeof(buf), "%ums", ms);
	else
		snprintf(buf, sizeof(buf), "%us", ms / 1000);
	return buf;
}

static void leg_ask(struct flow_leg *leg, const struct flow_ask_out *ask)
{
	struct sim *s = leg->priv;
	struct flow_item *items;
	unsigned n, i;

	if (s->ch == FLOW_CH_SMS) {
		char *text = flow_render_sms_ask(s->ctx, s->fs, flow_inst_lang(s->fi), ask);

		s->reply = flow_render_sms_reply_add(s->ctx, s->reply, text);
		talloc_free(text);
		return;
	}
	items = flow_render_voice_ask(s->ctx, ask, &n);
	print_play(s, items, n);
	talloc_free(items);
	s->last_timeout_ms = ask->timeout_ms;
	s->last_interdigit_ms = ask->interdigit_ms;
	switch (ask->kind) {
	case FLOW_ASK_MENU:
	case FLOW_ASK_YESNO:
		printf("< listen keys=");
		for (i = 0; i < ask->n_choices; i++)
			putchar(ask->choices[i].key);
		printf(" timeout=%s\n", ms_str(ask->timeout_ms));
		break;
	case FLOW_ASK_DIGITS:
		printf("< listen digits=%u-%u", ask->min_digits, ask->max_digits);
		if (ask->term)
			printf(" term=%c", ask->term);
		printf(" timeout=%s", ms_str(ask->timeout_ms));
		printf(" interdigit=%s\n", ms_str(ask->interdigit_ms));
		break;
	case FLOW_ASK_TEXT:
	case FLOW_ASK_RECORD:
		printf("< record max=%s", ms_str(ask->max_record_ms));
		printf(" silence=%s%s\n", ms_str(ask->silence_ms), ask->optional ? " optional" : "");
		break;
	}
}

static void leg_transfer(struct flow_leg *leg, const char *queue, const char *case_id, const char *path)
{
	struct sim *s = leg->priv;

	printf("< transfer queue=%s%s%s\n", queue, *case_id ? " case=" : "", case_id);
	s->transfer_pending = true;
}

static void leg_send_sms(struct flow_leg *leg, const struct flow_item *items, unsigned n)
{
	struct sim *s = leg->priv;
	char *text = flow_render_sms_items(s->ctx, s->fs, flow_inst_lang(s->fi), items, n);

	if (s->ch == FLOW_CH_VOICE) {
		out_lines("< sms ", text);
		talloc_free(text);
		return;
	}
	s->extra = talloc_realloc(s->ctx, s->extra, char *, s->n_extra + 1);
	s->extra[s->n_extra++] = text;
}

static void leg_end(struct flow_leg *leg, const char *outcome)
{
	struct sim *s = leg->priv;

	s->outcome = outcome;
}

/* SMS: print the reply of one turn and the messages sent after it. */
static void flush_sms(struct sim *s)
{
	unsigned i;

	if (s->reply && *s->reply)
		out_lines("< ", s->reply);
	for (i = 0; i < s->n_extra; i++) {
		printf("<\n");
		out_lines("< ", s->extra[i]);
		talloc_free(s->extra[i]);
	}
	talloc_free(s->reply);
	s->reply = NULL;
	s->n_extra = 0;
}

static void print_end(struct sim *s)
{
	if (s->transfer_pending) {
		/* --agents: the agent takes the call */
		s->transfer_pending = false;
		flow_inst_transfer_result(s->fi, true);
	}
	if (s->outcome && s->ch == FLOW_CH_VOICE) {
		char key[96];
		snprintf(key, sizeof(key), "voice:%s", s->from);
		store_session_log_end_overflow(s->st, key, "voice", flow_inst_entry(s->fi),
					       flow_inst_position(s->fi), s->outcome,
					       flow_inst_started_at(s->fi), flow_inst_overflow(s->fi));
	}
	if (s->outcome) {
		if (s->ch == FLOW_CH_VOICE && strcmp(s->outcome, "hangup") && strcmp(s->outcome, "transferred"))
			printf("< hangup\n");
		printf("# end %s at %s\n", s->outcome, flow_inst_position(s->fi));
	}
}

static const char *session_key(struct sim *s)
{
	static char key[96];

	snprintf(key, sizeof(key), "sms:%s", s->from);
	return key;
}

static struct flow_inst *sim_new_inst(struct sim *s)
{
	struct flow_inst_opts opts = {
		.channel = s->ch,
		.caller = s->from,
		.lang = s->lang,
		.entry = s->entry,
		.recordings_dir = s->recdir,
		.overflow = s->overflow,
	};
	return flow_inst_new(s->ctx, s->fs, s->st, &s->leg, &opts);
}

static void session_end(struct sim *s)
{
	store_session_log_end_overflow(s->st, session_key(s), flow_channel_name(s->ch),
				       flow_inst_entry(s->fi), flow_inst_position(s->fi),
				       s->outcome ? s->outcome : "expired", flow_inst_started_at(s->fi),
				       flow_inst_overflow(s->fi));
	store_session_delete(s->st, session_key(s));
}

/* SMS: the resident's session, restored from the store, or new. */
static int sms_load(struct sim *s)
{
	struct store_session *ss;
	int rc;

	rc = store_session_get(s->st, s->ctx, session_key(s), &ss);
	if (rc == 0) {
		s->fi = flow_inst_restore(s->ctx, s->fs, s->st, &s->leg, ss->blob, ss->blob_len);
		if (s->fi && store_now() - ss->updated_at > (int64_t)s->expiry_s) {
			/* too old: close it, say so, start afresh in the
			 * language the resident was using */
			s->outcome = "expired";
			session_end(s);
			printf("# end expired at %s\n", flow_inst_position(s->fi));
			s->lang = talloc_strdup(s->ctx, flow_inst_lang(s->fi));
			s->reply = flow_render_sms_reply_add(s->ctx, s->reply, flow_catalog_text(s->fs, flow_inst_lang(s->fi),
									      FLOW_CH_SMS, "common.expired"));
			talloc_free(s->fi);
			s->fi = NULL;
		} else if (!s->fi) {
			store_session_delete(s->st, session_key(s));
		}
		talloc_free(ss);
	} else if (rc != -ENOENT) {
		fprintf(stderr, "stoop-sim: cannot read the session (%d)\n", rc);
		return rc;
	}
	s->outcome = NULL;
	if (!s->fi)
		s->fi = sim_new_inst(s);
	return s->fi ? 0 : -EINVAL;
}

static int sms_save(struct sim *s)
{
	uint8_t *blob;
	size_t len;
	int rc;

	if (flow_inst_ended(s->fi)) {
		session_end(s);
		return 0;
	}
	flow_inst_save(s->fi, s->ctx, &blob, &len);
	rc = store_session_put(s->st, session_key(s), flow_inst_position(s->fi), blob, len);
	talloc_free(blob);
	return rc;
}

static int parse_wait(const char *arg, unsigned *secs)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (end == arg)
		return -EINVAL;
	if (!strcmp(end, "s"))
		*secs = v;
	else if (!strcmp(end, "m"))
		*secs = v * 60;
	else if (!strcmp(end, "h"))
		*secs = v * 3600;
	else if (!strcmp(end, "d"))
		*secs = v * 86400;
	else
		return -EINVAL;
	return 0;
}

static void advance_clock(unsigned secs, unsigned ms)
{
	if (osmo_clock_override_gettimespec(CLOCK_REALTIME))
		osmo_clock_override_add(CLOCK_REALTIME, secs + ms / 1000, (ms % 1000) * 1000000L);
}

static int set_clock(const char *iso);

/* "@announce NAME text LANG TEXT...", "... audio LANG PATH", "... case ID",
 * "... on", "... off": what a supervisor does with stoopctl, between two
 * texts of a transcript.  Prints nothing; a refusal goes to stderr. */
static void announce_directive(struct sim *s, const char *args)
{
	char name[64], what[16], lang[16];
	int used = 0, rc = -EINVAL;
	uint64_t id;

	if (sscanf(args, "%63s %15s %n", name, what, &used) < 2) {
		fprintf(stderr, "stoop-sim: @announce NAME text|audio|case|on|off ...\n");
		return;
	}
	args += used;
	if (!strcmp(what, "on") || !strcmp(what, "off")) {
		rc = store_announcement_set_active(s->st, name, what[1] == 'n', "stoop-sim");
	} else if (!strcmp(what, "case")) {
		rc = case_id_parse(args, &id);
		rc = rc ? : store_announcement_set_case(s->st, name, id);
	} else if ((!strcmp(what, "text") || !strcmp(what, "audio"))
		   && sscanf(args, "%15s %n", lang, &used) == 1) {
		rc = store_announcement_set(s->st, name, lang, what[0] == 't' ? args + used : NULL,
					    what[0] == 'a' ? args + used : NULL);
	}
	if (rc < 0)
		fprintf(stderr, "stoop-sim: @announce %s %s: refused (%s)\n", name, what, strerror(-rc));
}

/* Lines starting with '@' on either channel: true when line was one. */
static bool directive(struct sim *s, const char *line)
{
	unsigned secs;

	if (line[0] != '@')
		return false;
	if (!strncmp(line, "@wait ", 6) && !parse_wait(line + 6, &secs))
		advance_clock(secs, 0);
	else if (!strncmp(line, "@clock ", 7) && !set_clock(line + 7))
		;
	else if (!strncmp(line, "@announce ", 10))
		announce_directive(s, line + 10);
	else
		fprintf(stderr, "stoop-sim: unknown directive '%s' (@wait 30m, @clock ISO, @announce ...)\n",
			line);
	return true;
}

static void sms_line(struct sim *s, const char *line)
{
	if (directive(s, line))
		return;
	if (sms_load(s) < 0)
		return;
	flow_inst_text(s->fi, line);
	if (sms_save(s) < 0)
		fprintf(stderr, "stoop-sim: cannot save the session\n");
	flush_sms(s);
	print_end(s);
	talloc_free(s->fi);
	s->fi = NULL;
	s->outcome = NULL;
}

/* Voice: a recording of secs seconds of (quiet) audio, as the recorder
 * would leave it. */
static char *sim_record(struct sim *s, unsigned secs)
{
	SF_INFO info = { .samplerate = 8000, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
	short frame[160] = { 0 };
	char *path;
	SNDFILE *sf;
	unsigned i;

	mkdir(s->recdir, 0755);
	path = talloc_asprintf(s->ctx, "%s/sim-%ld-%u.wav", s->recdir, (long)store_now(), ++s->n_recordings);
	sf = sf_open(path, SFM_WRITE, &info);
	if (!sf) {
		fprintf(stderr, "stoop-sim: cannot write %s: %s\n", path, sf_strerror(NULL));
		return NULL;
	}
	for (i = 0; i < secs * 50; i++) {
		frame[i % 160] = (short)((i % 7) * 40);	/* a little noise, not silence */
		sf_write_short(sf, frame, 160);
	}
	sf_close(sf);
	return path;
}

static void voice_line(struct sim *s, const char *line)
{
	unsigned secs;
	const char *p;

	if (directive(s, line))
		return;
	if (flow_inst_ended(s->fi)) {
		fprintf(stderr, "stoop-sim: the call has ended\n");
		return;
	}
	if (!strcmp(line, "wait")) {
		advance_clock(0, flow_inst_collecting(s->fi) ? s->last_interdigit_ms : s->last_timeout_ms);
		flow_inst_timeout(s->fi);
	} else if (!strcmp(line, "hangup")) {
		flow_inst_hangup(s->fi);
	} else if (!strncmp(line, "record ", 7) && !parse_wait(line + 7, &secs)) {
		char *path = secs ? sim_record(s, secs) : NULL;
		advance_clock(secs, 0);
		flow_inst_recorded(s->fi, path ? path : "", secs * 1000);
	} else if (strspn(line, "0123456789*#") == strlen(line) && *line) {
		for (p = line; *p && !flow_inst_ended(s->fi); p++)
			flow_inst_digit(s->fi, *p);
	} else {
		fprintf(stderr, "stoop-sim: '%s' is not a key, wait, record Ns or hangup\n", line);
		return;
	}
	print_end(s);
}

static int set_clock(const char *iso)
{
	struct timespec now;
	int64_t t;

	if (stoop_hours_parse_clock(iso, &t) < 0)
		return -EINVAL;
	osmo_clock_override_enable(CLOCK_REALTIME, true);
	now = *osmo_clock_override_gettimespec(CLOCK_REALTIME);
	osmo_clock_override_add(CLOCK_REALTIME, t - now.tv_sec, -now.tv_nsec);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: stoop-sim --channel sms|voice --from NUMBER [options]\n"
		"  --db PATH          the store (default $STOOP_DB or the daemon's database)\n"
		"  --flows DIR        flow files (default $STOOP_DATADIR/flows)\n"
		"  --prompts DIR      prompt catalogs (default $STOOP_DATADIR/prompts)\n"
		"  --lang LANG        the caller's language (default: the catalogs' default, en)\n"
		"  --entry FLOW       the entry flow (default main)\n"
		"  --recordings DIR   where voice recordings go (default /tmp)\n"
		"  --session-expiry N SMS session expiry, e.g. 30m (default 30m)\n"
		"  --clock ISO        fix the clock, e.g. 2026-11-23T10:00:00Z\n"
		"  --hours FILE       business hours: the `hours` node of a stoop.cfg\n"
		"                     (default: none, always open)\n"
		"  --overflow REASON  the call overflowed from the contact center:\n"
		"                     closed, queue_full or no_answer ($overflow)\n"
		"  --agents           agents answer transfers (default: none available)\n"
		"  --echo             print each input line as '> line' (transcripts)\n"
		"SMS input: one text per line; '@wait 40m' lets time pass.\n"
		"Either channel: '@clock ISO' sets the clock, '@announce NAME text LANG TEXT',\n"
		"'@announce NAME audio LANG PATH', '@announce NAME case ID', '@announce NAME on|off'.\n"
		"Voice input: keys (1, 123#), 'wait' (the timeout fires), 'record 8s', 'hangup'.\n");
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "channel", 1, NULL, 'c' }, { "from", 1, NULL, 'f' }, { "db", 1, NULL, 'd' },
		{ "flows", 1, NULL, 'F' }, { "prompts", 1, NULL, 'P' }, { "lang", 1, NULL, 'l' },
		{ "entry", 1, NULL, 'e' }, { "recordings", 1, NULL, 'r' }, { "session-expiry", 1, NULL, 'x' },
		{ "clock", 1, NULL, 'k' }, { "agents", 0, NULL, 'a' }, { "echo", 0, NULL, 'E' },
		{ "hours", 1, NULL, 'H' }, { "overflow", 1, NULL, 'o' },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct sim s = { .expiry_s = 1800, .entry = "main", .recdir = "/tmp" };
	const char *datadir = getenv("STOOP_DATADIR") ? getenv("STOOP_DATADIR") : STOOP_DATADIR;
	const char *db = getenv("STOOP_DB"), *flows = NULL, *prompts = NULL, *channel = NULL;
	const char *hours_file = NULL;
	struct stoop_hours *hours;
	struct flow_load_opts lo = { 0 };
	char line[8192];
	int c, rc = 0;

	s.ctx = talloc_named_const(NULL, 0, "stoop-sim");
	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'c': channel = optarg; break;
		case 'f': s.from = optarg; break;
		case 'd': db = optarg; break;
		case 'F': flows = optarg; break;
		case 'P': prompts = optarg; break;
		case 'l': s.lang = optarg; break;
		case 'e': s.entry = optarg; break;
		case 'r': s.recdir = optarg; break;
		case 'x':
			if (parse_wait(optarg, &s.expiry_s) < 0) {
				fprintf(stderr, "stoop-sim: bad --session-expiry '%s' (e.g. 30m)\n", optarg);
				return 2;
			}
			break;
		case 'k':
			if (set_clock(optarg) < 0) {
				fprintf(stderr, "stoop-sim: bad --clock '%s' (e.g. 2026-11-23T10:00:00Z)\n", optarg);
				return 2;
			}
			break;
		case 'a': s.agents = true; break;
		case 'H': hours_file = optarg; break;
		case 'o':
			if (strcmp(optarg, STORE_OVERFLOW_CLOSED) && strcmp(optarg, STORE_OVERFLOW_QUEUE_FULL)
			    && strcmp(optarg, STORE_OVERFLOW_NO_ANSWER)) {
				fprintf(stderr, "stoop-sim: --overflow is closed, queue_full or no_answer\n");
				return 2;
			}
			s.overflow = optarg;
			break;
		case 'E': s.echo = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!channel || !s.from || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(channel, "sms"))
		s.ch = FLOW_CH_SMS;
	else if (!strcmp(channel, "voice"))
		s.ch = FLOW_CH_VOICE;
	else {
		fprintf(stderr, "stoop-sim: --channel is sms or voice\n");
		return 2;
	}
	stoop_log_init(s.ctx, true);
	lo.flows_dir = flows ? flows : talloc_asprintf(s.ctx, "%s/flows", datadir);
	lo.prompts_dir = prompts ? prompts : talloc_asprintf(s.ctx, "%s/prompts", datadir);
	if (flow_set_load(s.ctx, &lo, &s.fs, stderr)) {
		fprintf(stderr, "stoop-sim: the flows have errors\n");
		return 1;
	}
	hours = stoop_hours_alloc(s.ctx);
	if (hours_file && stoop_hours_read_file(hours, hours_file, stderr) != 0) {
		fprintf(stderr, "stoop-sim: the hours in %s have errors\n", hours_file);
		return 1;
	}
	flow_set_use_hours(s.fs, hours);
	if (!db)
		db = STOOP_STATEDIR "/stoop.db";
	s.st = store_open(s.ctx, db, STORE_SYNC_FULL);
	if (!s.st) {
		fprintf(stderr, "stoop-sim: cannot open the store %s\n", db);
		return 1;
	}
	s.leg = (struct flow_leg){
		.say = leg_say, .ask = leg_ask, .send_sms = leg_send_sms, .end = leg_end,
		.transfer = s.agents ? leg_transfer : NULL, .priv = &s,
	};
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (s.ch == FLOW_CH_VOICE) {
		s.fi = sim_new_inst(&s);
		if (!s.fi)
			return 1;
		printf("# call from %s\n", s.from);
		flow_inst_start(s.fi);
		print_end(&s);
	}
	while (fgets(line, sizeof(line), stdin)) {
		size_t len = strlen(line);
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (len == sizeof(line) - 1) {
			/* an over-long line: take what fits, drop the rest */
			int ch;
			while ((ch = getchar()) != EOF && ch != '\n')
				;
		}
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		if (s.echo)
			printf("> %s\n", line);
		if (s.ch == FLOW_CH_SMS)
			sms_line(&s, line);
		else
			voice_line(&s, line);
		if (s.ch == FLOW_CH_VOICE && flow_inst_ended(s.fi))
			break;
	}
	if (s.ch == FLOW_CH_VOICE && !flow_inst_ended(s.fi)) {
		flow_inst_hangup(s.fi);
		print_end(&s);
	}
	store_close(s.st);
	talloc_free(s.ctx);
	return rc;
}
