/* flow_test.c -- unit tests of the flow interpreter and of SMS text sizing,
 * on small flows written here, with a real store file.  The default flows
 * are tested end to end by the golden transcripts (tests/transcripts/); the
 * validator's messages by tests/flow/errors.sh.  This file checks what those
 * cannot see well: the retry model's counting, voice digit collection,
 * keywords, sub-flow calls, save/restore, runaway loops, and a bounded
 * random-input run of the parser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/application.h>

#include "testlib.h"
#include "core/logging.h"
#include "core/hours.h"
#include "flow/flow.h"
#include "store/store.h"
#include "sms/sms_text.h"

static char tmpdir[256];
static void *root;	/* every allocation of the test hangs off it */

/* A leg that writes every action into one log string. */
struct rec_leg {
	struct flow_leg leg;
	char *log;
	const char *ended;
	bool transfer_asked;
};

static void log_items(struct rec_leg *r, const char *what, const struct flow_item *items, unsigned n)
{
	unsigned i;

	r->log = talloc_asprintf_append(r->log, "%s", what);
	for (i = 0; i < n; i++)
		r->log = talloc_asprintf_append(r->log, " %s%s",
						items[i].kind == FLOW_ITEM_DIGITS ? "#" :
						items[i].kind == FLOW_ITEM_TEXT ? "~" :
						items[i].kind == FLOW_ITEM_RECORDING ? "@" : "", items[i].value);
	r->log = talloc_strdup_append(r->log, ";");
}

static void rec_say(struct flow_leg *leg, const struct flow_item *items, unsigned n)
{
	log_items((struct rec_leg *)leg, "say", items, n);
}

static void rec_send(struct flow_leg *leg, const struct flow_item *items, unsigned n)
{
	log_items((struct rec_leg *)leg, "sms", items, n);
}

static void rec_ask(struct flow_leg *leg, const struct flow_ask_out *ask)
{
	struct rec_leg *r = (struct rec_leg *)leg;
	r->log = talloc_asprintf_append(r->log, "ask %s%s;", ask->prompt, ask->repeat ? " again" : "");
}

static void rec_transfer(struct flow_leg *leg, const char *queue, const char *case_id, const char *path)
{
	struct rec_leg *r = (struct rec_leg *)leg;
	r->log = talloc_asprintf_append(r->log, "transfer %s;", queue);
	r->transfer_asked = true;
}

static void rec_end(struct flow_leg *leg, const char *outcome)
{
	struct rec_leg *r = (struct rec_leg *)leg;
	r->ended = outcome;
	r->log = talloc_asprintf_append(r->log, "end %s;", outcome);
}

static void rec_reset(struct rec_leg *r)
{
	talloc_free(r->log);
	r->log = talloc_strdup(root, "");
	r->ended = NULL;
}

static void rec_init(struct rec_leg *r)
{
	memset(r, 0, sizeof(*r));
	r->leg.say = rec_say;
	r->leg.ask = rec_ask;
	r->leg.send_sms = rec_send;
	r->leg.transfer = rec_transfer;
	r->leg.end = rec_end;
	r->log = talloc_strdup(root, "");
}

static char *write_file(const char *name, const char *text)
{
	char *path = talloc_asprintf(root, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

/* A flow set from one flow text, no catalogs. */
static struct flow_set *load_text(const char *name, const char *text, FILE *err)
{
	struct flow_set *fs = NULL;
	char *path = write_file(name, text);
	const char *paths[] = { path };
	int rc = flow_set_load_files(root, paths, 1, NULL, "en", &fs, err);
	talloc_free(path);
	return rc ? NULL : fs;
}

static const char test_flow[] =
	"flow t\n"
	"keyword STATUS ESTADO -> lookup\n"
	"keyword POTHOLE -> where service=pothole\n"
	"defaults\n"
	"  nomatch t.nomatch\n"
	"  noinput t.noinput\n"
	"  failures 3 -> helpme\n"
	"state menu\n"
	"  say t.welcome\n"
	"  ask menu prompt=t.menu var=service\n"
	"    1 pothole t.pothole -> where\n"
	"    2 graffiti t.graffiti -> where\n"
	"    * sub t.sub -> callsub\n"
	"state where\n"
	"  ask text prompt=t.where max=20 -> file\n"
	"state file\n"
	"  create case service=$service location=$where\n"
	"  if $case.joined goto joined\n"
	"  say t.filed $case.id:digits\n"
	"  send sms t.filed $case.id\n"
	"  end\n"
	"state joined\n"
	"  say t.joined $case.id:digits\n"
	"  end\n"
	"state lookup\n"
	"  set caseid = $args\n"
	"  if $caseid goto find\n"
	"  ask digits prompt=t.number min=7 max=7 term=# var=caseid -> find\n"
	"state find\n"
	"  find case id=$caseid\n"
	"  if $case.found goto found\n"
	"  say t.error.$case.error\n"
	"  end\n"
	"state found\n"
	"  say t.status $case.status\n"
	"  end\n"
	"state helpme\n"
	"  transfer queue=agents fallback=nohelp\n"
	"state nohelp\n"
	"  say t.sorry\n"
	"  end\n"
	"state callsub\n"
	"  call sub.start\n"
	"  say t.back\n"
	"  goto menu\n";

static const char sub_flow[] =
	"flow sub\n"
	"state start\n"
	"  say t.insub\n"
	"  on voice: ask yesno prompt=t.sure\n"
	"    yes -> done\n"
	"    no -> done\n"
	"  on sms: return\n"
	"state done\n"
	"  return\n";

static struct flow_set *load_test_set(void)
{
	struct flow_set *fs = NULL;
	char *p1 = write_file("t.flow", test_flow), *p2 = write_file("sub.flow", sub_flow);
	const char *paths[] = { p1, p2 };
	int rc = flow_set_load_files(root, paths, 2, NULL, "en", &fs, stderr);
	CHECK(rc == 0, "the test flows load without errors");
	talloc_free(p1);
	talloc_free(p2);
	return fs;
}

static struct flow_inst *inst(struct flow_set *fs, struct store *st, struct rec_leg *r,
			      enum flow_channel ch, const char *caller)
{
	struct flow_inst_opts o = { .channel = ch, .caller = caller, .entry = "t" };
	return flow_inst_new(root, fs, st, &r->leg, &o);
}

static void test_sms_menu(struct flow_set *fs, struct store *st)
{
	struct rec_leg r;
	struct flow_inst *fi;

	rec_init(&r);
	fi = inst(fs, st, &r, FLOW_CH_SMS, "+15550000001");
	flow_inst_text(fi, "hello");
	CHECK(!strcmp(r.log, "say t.welcome;ask t.menu;"), "sms: a first text that is no keyword starts the menu (%s)", r.log);
	rec_reset(&r);
	flow_inst_text(fi, "  GRAFFITI! ");
	CHECK(!strcmp(r.log, "ask t.where;"), "sms: a menu choice by its word, any case, blanks and ! ignored (%s)", r.log);
	CHECK(!strcmp(flow_inst_var(fi, "service"), "graffiti"), "sms: the menu word is stored in var=");
	rec_reset(&r);
	flow_inst_text(fi, "a location that is far too long for twenty");
	CHECK(!strcmp(r.log, "say t.nomatch;ask t.where again;"), "sms: text over max= is a nomatch (%s)", r.log);
	rec_reset(&r);
	flow_inst_text(fi, "5th & Main");
	CHECK(strstr(r.log, "say t.filed #") && strstr(r.log, "sms t.filed ~") && r.ended && !strcmp(r.ended, "completed"),
	      "sms: create case, say the id as digits, send an sms, end (%s)", r.log);
	CHECK(strlen(flow_inst_var(fi, "case.id")) == 7, "a case id has 7 digits");
	CHECK(!strcmp(flow_inst_path(fi), "t.menu>t.where>t.file"), "the path lists the states visited (%s)",
	      flow_inst_path(fi));
	talloc_free(fi);

	/* the same report from another number joins the case */
	rec_init(&r);
	fi = inst(fs, st, &r, FLOW_CH_SMS, "+15550000002");
	flow_inst_text(fi, "pothole");
	flow_inst_text(fi, "5th and Main");
	flow_inst_text(fi, "x");
	rec_reset(&r);
	fi = inst(fs, st, &r, FLOW_CH_SMS, "+15550000003");
	flow_inst_text(fi, "POTHOLE");
	CHECK(!strcmp(r.log, "ask t.where;") && !strcmp(flow_inst_var(fi, "service"), "pothole"),
	      "sms: a keyword jumps to its target and sets its variables (%s)", r.log);
	rec_reset(&r);
	flow_inst_text(fi, "5TH  and  main.");
	CHECK(!strncmp(r.log, "say t.joined #", 14), "sms: same service + same normalized location joins the open case (%s)", r.log);
	talloc_free(fi);
}

static void test_failures(struct flow_set *fs)
{
	struct rec_leg r;
	struct flow_inst *fi;

	rec_init(&r);
	fi = inst(fs, NULL, &r, FLOW_CH_VOICE, "+15550000001");
	flow_inst_start(fi);
	rec_reset(&r);
	flow_inst_timeout(fi);
	CHECK(!strcmp(r.log, "say t.noinput;ask t.menu again;"), "voice: noinput says its prompt and asks again (%s)", r.log);
	rec_reset(&r);
	flow_inst_digit(fi, '9');
	CHECK(!strcmp(r.log, "say t.nomatch;ask t.menu again;"), "voice: a wrong key is a nomatch (%s)", r.log);
	rec_reset(&r);
	flow_inst_digit(fi, '7');
	CHECK(!strcmp(r.log, "transfer agents;"), "voice: the third failure goes to the failures target (%s)", r.log);
	rec_reset(&r);
	flow_inst_transfer_result(fi, false);
	CHECK(!strcmp(r.log, "say t.sorry;end completed;"), "voice: a failed transfer goes on at the fallback (%s)", r.log);
	talloc_free(fi);

	/* SMS never transfers */
	rec_init(&r);
	fi = inst(fs, NULL, &r, FLOW_CH_SMS, "+15550000001");
	flow_inst_text(fi, "hi");
	flow_inst_text(fi, "x");
	flow_inst_text(fi, "y");
	rec_reset(&r);
	flow_inst_text(fi, "z");
	CHECK(!strcmp(r.log, "say t.sorry;end completed;"), "sms: transfer goes straight to its fallback (%s)", r.log);
	talloc_free(fi);
}

static void test_digits(struct flow_set *fs, struct store *st)
{
	struct rec_leg r;
	struct flow_inst *fi;
	char id[16];

	rec_init(&r);
	fi = inst(fs, st, &r, FLOW_CH_VOICE, "+15550000009");
	flow_inst_start(fi);
	flow_inst_digit(fi, '1');
	flow_inst_recorded(fi, "/tmp/x.wav", 4000);
	CHECK(strstr(r.log, "say t.filed #") != NULL, "voice: a recording answers a text ask (%s)", r.log);
	snprintf(id, sizeof(id), "%s", flow_inst_var(fi, "case.id"));
	talloc_free(fi);

	/* STATUS by keyword with the id after it */
	rec_init(&r);
	fi = inst(fs, st, &r, FLOW_CH_SMS, "+15550000009");
	{
		char text[64];
		snprintf(text, sizeof(text), "status %s", id);
		flow_inst_text(fi, text);
	}
	CHECK(!strcmp(r.log, "say t.status ~open;end completed;"), "sms: STATUS <id> finds the case (%s)", r.log);
	talloc_free(fi);

	/* voice digits: collected one by one, the terminator ends them */
	rec_init(&r);
	fi = inst(fs, st, &r, FLOW_CH_VOICE, "+15550000009");
	flow_inst_text(fi, "STATUS");	/* a keyword on a new instance */
	CHECK(!strcmp(r.log, "ask t.number;"), "keyword without args asks for the number (%s)", r.log);
	rec_reset(&r);
	flow_inst_digit(fi, id[0]);
	flow_inst_digit(fi, id[1]);
	CHECK(flow_inst_collecting(fi) && !strcmp(r.log, ""), "voice: digits are being collected");
	flow_inst_timeout(fi);
	CHECK(!strcmp(r.log, "say t.nomatch;ask t.number again;"), "voice: too few digits at the inter-digit timeout is a nomatch (%s)", r.log);
	rec_reset(&r);
	{
		unsigned i;
		for (i = 0; i < 7; i++) {
			char d = id[i];
			if (i == 3)
				d = d == '9' ? '0' : d + 1;
			flow_inst_digit(fi, d);
		}
	}
	CHECK(!strcmp(r.log, "say t.error.checkdigit;end completed;"), "voice: a mistyped digit is caught by the check digit (%s)", r.log);
	talloc_free(fi);

	rec_init(&r);
	fi = inst(fs, st, &r, FLOW_CH_SMS, "+15550000009");
	{
		char text[64];
		snprintf(text, sizeof(text), "estado %llu", (unsigned long long)case_id_from_base(100500));
		flow_inst_text(fi, text);
	}
	CHECK(!strcmp(r.log, "say t.error.notfound;end completed;"), "sms: a valid id that does not exist (%s)", r.log);
	rec_reset(&r);
	talloc_free(fi);
	fi = inst(fs, st, &r, FLOW_CH_SMS, "+15550000009");
	flow_inst_text(fi, "ESTADO 12ab");
	CHECK(!strcmp(r.log, "say t.error.format;end completed;"), "sms: text that is not a case number (%s)", r.log);
	talloc_free(fi);
	{
		uint64_t parsed = 0;
		char text[32];
		snprintf(text, sizeof(text), "#%s.", id);
		CHECK(case_id_parse(text, &parsed) == 0 && parsed == strtoull(id, NULL, 10),
		      "a case number typed as '#%s.' is read without the # and the dot", id);
	}
}

static void test_call_return_and_save(struct flow_set *fs)
{
	struct rec_leg r;
	struct flow_inst *fi, *fi2;
	uint8_t *blob;
	size_t len;

	rec_init(&r);
	fi = inst(fs, NULL, &r, FLOW_CH_VOICE, "+15550000001");
	flow_inst_start(fi);
	rec_reset(&r);
	flow_inst_digit(fi, '*');
	CHECK(!strcmp(r.log, "say t.insub;ask t.sure;"), "call runs the sub-flow (%s)", r.log);
	/* save in the middle of the sub-flow, restore, answer */
	flow_inst_save(fi, root, &blob, &len);
	fi2 = flow_inst_restore(root, fs, NULL, &r.leg, blob, len);
	CHECK(fi2 != NULL, "a saved instance restores");
	rec_reset(&r);
	if (fi2)
		flow_inst_digit(fi2, '1');
	CHECK(!strcmp(r.log, "say t.back;say t.welcome;ask t.menu;"), "return comes back after the call, across a save/restore (%s)", r.log);
	/* a damaged blob is refused */
	CHECK(flow_inst_restore(root, fs, NULL, &r.leg, (const uint8_t *)"garbage", 7) == NULL,
	      "a damaged blob is refused");
	CHECK(flow_inst_restore(root, fs, NULL, &r.leg,
				(const uint8_t *)"stoop-flow=1\nposition=t.gone\nwait=ask\n", 40) == NULL,
	      "a blob naming a state that no longer exists is refused");
	talloc_free(blob);
	talloc_free(fi);
	talloc_free(fi2);
}

/* The contact center's built-ins: $hours against the set's hours,
 * $announce.* from the store, $overflow from the channel (kept across a
 * save/restore and filed with a callback), and `follow case=`. */
static const char cc_flow[] =
	"flow cc\n"
	"state start\n"
	"  if $hours == closed goto closed\n"
	"  say t.open\n"
	"  goto news\n"
	"state closed\n"
	"  say t.closed\n"
	"  goto news\n"
	"state news\n"
	"  if not $announce goto ask\n"
	"  say $announce.text $announce.audio\n"
	"  set c = $announce.case\n"
	"  goto ask\n"
	"state ask\n"
	"  ask digits prompt=t.id min=1 max=9 var=id -> follow\n"
	"state follow\n"
	"  if $id == 1 goto book\n"
	"  follow case=$id\n"
	"  say t.follow $case.error $case.found\n"
	"  goto ask\n"
	"state book\n"
	"  callback window=any reason=$overflow\n"
	"  say t.booked $case.id\n"
	"  end\n";

static void test_contact_center(struct store *st)
{
	struct flow_set *fs = load_text("cc.flow", cc_flow, stderr);
	struct flow_set *bad = NULL;
	struct stoop_hours *h = stoop_hours_alloc(root);
	struct flow_inst_opts o = { .channel = FLOW_CH_SMS, .caller = "+15550000077", .entry = "cc",
				    .overflow = "queue_full" };
	struct store_case_new req = { .service_code = "water", .location = "Broad St", .channel = "sms" };
	struct store_case *c = NULL, *cb = NULL;
	struct store_follower *fl = NULL;
	struct flow_inst *fi, *fi2;
	struct rec_leg r;
	const char *why;
	char *expect, *path;
	uint8_t *blob;
	size_t len;
	unsigned n = 0;
	uint64_t id;

	CHECK(fs != NULL, "a flow with $hours, $announce.*, $overflow and follow loads");
	path = write_file("setbuiltin.flow", "flow sb\nstate a\n  set hours = open\n  end\n");
	CHECK(flow_set_load_files(root, (const char *[]){ path }, 1, NULL, "en", &bad, NULL) == 1,
	      "a flow cannot set a built-in variable");
	if (!fs)
		return;
	store_case_create(st, root, &req, &c, NULL);
	id = c ? c->id : 0;

	/* always open without hours; closed with hours that have no open day */
	rec_init(&r);
	fi = flow_inst_new(root, fs, st, &r.leg, &o);
	flow_inst_text(fi, "hi");
	CHECK(!strcmp(r.log, "say t.open;ask t.id;"), "no hours: open, no announcement (%s)", r.log);
	CHECK(!strcmp(flow_inst_var(fi, "overflow"), "queue_full")
	      && !strcmp(flow_inst_overflow(fi), "queue_full"), "$overflow is the channel's reason");
	talloc_free(fi);
	stoop_hours_set_timezone(h, "America/New_York", &why);
	stoop_hours_set_closed(h, 0x7f);
	flow_set_use_hours(fs, h);
	store_announcement_set(st, "water", "en", "Water main break on Broad St.", "/rec/w.wav");
	store_announcement_set_case(st, "water", id);
	store_announcement_set_active(st, "water", true, "test");
	rec_init(&r);
	fi = flow_inst_new(root, fs, st, &r.leg, &o);
	flow_inst_text(fi, "hi");
	expect = talloc_asprintf(root, "say t.closed;say ~Water main break on Broad St. @/rec/w.wav;ask t.id;");
	CHECK(!strcmp(r.log, expect), "closed, and the announcement: its text, its audio as a recording (%s)",
	      r.log);
	CHECK(!strcmp(flow_inst_var(fi, "c"), talloc_asprintf(root, "%llu", (unsigned long long)id)),
	      "$announce.case is the case number");
	flow_set_use_hours(fs, NULL);

	/* follow: a typo, an unknown case, the announcement's case */
	rec_reset(&r);
	flow_inst_text(fi, "1000003");
	CHECK(strstr(r.log, "say t.follow ~checkdigit ~no;") != NULL, "follow: a mistyped id (%s)", r.log);
	rec_reset(&r);
	flow_inst_text(fi, talloc_asprintf(root, "%llu", (unsigned long long)case_id_from_base(999999)));
	CHECK(strstr(r.log, "say t.follow ~notfound ~no;") != NULL, "follow: no such case (%s)", r.log);
	rec_reset(&r);
	flow_inst_text(fi, talloc_asprintf(root, "%llu", (unsigned long long)id));
	CHECK(strstr(r.log, "say t.follow ~ ~yes;") != NULL, "follow: found, no error (%s)", r.log);
	CHECK(store_case_followers(st, root, id, &fl, &n) == 0 && n == 1
	      && !strcmp(fl[0].phone, "+15550000077") && !strcmp(fl[0].channel, "sms"),
	      "the caller follows the case now");

	/* the reason survives a save/restore and goes with the callback */
	flow_inst_save(fi, root, &blob, &len);
	fi2 = flow_inst_restore(root, fs, st, &r.leg, blob, len);
	CHECK(fi2 && flow_inst_overflow(fi2) && !strcmp(flow_inst_overflow(fi2), "queue_full"),
	      "the overflow reason is saved with the session");
	rec_reset(&r);
	if (fi2)
		flow_inst_text(fi2, "1");
	CHECK(r.ended && !strcmp(r.ended, "completed"), "the callback is booked (%s)", r.log);
	CHECK(fi2 && store_case_get(st, root, strtoull(flow_inst_var(fi2, "case.id"), NULL, 10), &cb) == 0
	      && !strcmp(cb->overflow, "queue_full") && !strcmp(cb->reason, "queue_full")
	      && !strcmp(cb->kind, CASE_KIND_CALLBACK) && strstr(cb->flow_path, "cc.book"),
	      "the callback keeps the overflow reason and the flow path");
	store_announcement_set_active(st, "water", false, "test");
	talloc_free(fi);
	talloc_free(fi2);
}

static void test_loop_guard(void)
{
	struct flow_set *fs = load_text("loop.flow",
		"flow loop\nstate a\n  goto b\nstate b\n  goto a\n", stderr);
	struct rec_leg r;
	struct flow_inst *fi;
	struct flow_inst_opts o = { .channel = FLOW_CH_SMS, .entry = "loop" };

	CHECK(fs != NULL, "a flow that loops without asking still loads");
	if (!fs)
		return;
	rec_init(&r);
	fi = flow_inst_new(root, fs, NULL, &r.leg, &o);
	flow_inst_start(fi);
	CHECK(r.ended && !strcmp(r.ended, "error"), "a flow looping without waiting is stopped with outcome error");
	talloc_free(fi);
	talloc_free(fs);
}

static void test_sms_size(void)
{
	struct sms_size sz;
	char buf[400];
	char *folded;

	memset(buf, 'a', 160);
	buf[160] = '\0';
	sms_text_size(buf, true, &sz);
	CHECK(sz.coding == SMS_CODING_GSM7 && sz.units == 160 && sz.segments == 1, "160 GSM characters fit one SMS");
	strcat(buf, "b");
	sms_text_size(buf, true, &sz);
	CHECK(sz.units == 161 && sz.segments == 2, "161 GSM characters take two parts");
	sms_text_size("[x]{y}~\\|^", true, &sz);
	CHECK(sz.coding == SMS_CODING_GSM7 && sz.units == 18, "escape-table characters count two septets (%u)", sz.units);
	sms_text_size("\xe2\x82\xac 5", true, &sz);
	CHECK(sz.coding == SMS_CODING_GSM7 && sz.units == 4, "the euro sign is GSM, two septets (%u)", sz.units);
	sms_text_size("Calle Peñón, señal rota, ¿cuándo?", true, &sz);
	CHECK(sz.coding == SMS_CODING_GSM7, "Spanish with á folded stays GSM 03.38");
	sms_text_size("é ñ Ñ ü £ ¿ ¡ à Ä ø", false, &sz);
	CHECK(sz.coding == SMS_CODING_GSM7 && sz.units == 19, "é ñ ü £ ¿ ¡ à Ä ø are GSM 03.38 letters, one septet each (%u)", sz.units);
	sms_text_size("tab\there", false, &sz);
	CHECK(sz.coding == SMS_CODING_UCS2, "a tab is not GSM 03.38");
	sms_text_size("cuándo", false, &sz);
	CHECK(sz.coding == SMS_CODING_UCS2 && sz.units == 6, "without folding, á needs UCS-2");
	sms_text_size("Water \xf0\x9f\x8c\x8a ok", true, &sz);
	CHECK(sz.coding == SMS_CODING_UCS2 && sz.units == 11, "an emoji needs UCS-2 and counts two units (%u)", sz.units);
	memset(buf, 0, sizeof(buf));
	strcpy(buf, "\xf0\x9f\x8c\x8a");
	memset(buf + 4, 'x', 68);
	sms_text_size(buf, true, &sz);
	CHECK(sz.units == 70 && sz.segments == 1, "70 UCS-2 units fit one SMS");
	strcat(buf, "y");
	sms_text_size(buf, true, &sz);
	CHECK(sz.units == 71 && sz.segments == 2, "71 UCS-2 units take two parts");
	CHECK(sms_text_size("bad \xff utf8", true, &sz) == -EINVAL, "invalid UTF-8 is refused");
	folded = sms_text_fold(root, "Ángel, está aquí: ñandú");
	CHECK(!strcmp(folded, "Angel, esta aqui: ñandu"), "folding keeps ñ and drops the other accents (%s)", folded);
	talloc_free(folded);
}

/* Random lines of flow-ish tokens and bytes: the parser must report errors,
 * never crash or hang (bounded: 300 files). */
static void test_parser_fuzz(void)
{
	static const char *const words[] = {
		"flow", "state", "say", "ask", "menu", "digits", "text", "->", "=", "==", "\"", "$x",
		"on", "sms:", "voice:", "goto", "if", "not", "prompt=a.b", "1", "#", "keyword", "defaults",
		"failures", "3", "timeout", "6s", "call", "return", "end", "create", "case", "\t", "\xff", "é",
	};
	unsigned f, l, w, crashes = 0;
	char *text;

	srandom(311);
	for (f = 0; f < 300; f++) {
		struct flow_set *fs;
		FILE *devnull = fopen("/dev/null", "w");
		text = talloc_strdup(root, "flow fuzz\n");
		for (l = 0; l < 30; l++) {
			unsigned n = random() % 8;
			if (random() % 2)
				text = talloc_strdup_append(text, "  ");
			for (w = 0; w < n; w++) {
				text = talloc_strdup_append(text, words[random() % (sizeof(words) / sizeof(words[0]))]);
				if (random() % 4)
					text = talloc_strdup_append(text, " ");
			}
			text = talloc_strdup_append(text, "\n");
		}
		fs = load_text("fuzz.flow", text, devnull);
		fclose(devnull);
		talloc_free(fs);
		talloc_free(text);
	}
	CHECK(crashes == 0, "300 random flow files parse without a crash");
}

int main(void)
{
	struct flow_set *fs;
	struct store *st;
	char *db;

	snprintf(tmpdir, sizeof(tmpdir), "%s/stoop-flow-test.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	root = talloc_named_const(NULL, 0, "flow_test");
	stoop_log_init(root, true);
	log_set_category_filter(osmo_stderr_target, DFLOW, 1, LOGL_FATAL);
	fs = load_test_set();
	db = talloc_asprintf(root, "%s/flow_test.db", tmpdir);
	st = store_open(root, db, STORE_SYNC_NORMAL);
	CHECK(st != NULL, "the store opens on a real file");
	if (fs && st) {
		test_sms_menu(fs, st);
		test_failures(fs);
		test_digits(fs, st);
		test_call_return_and_save(fs);
		test_contact_center(st);
	}
	test_loop_guard();
	test_sms_size();
	test_parser_fuzz();
	store_close(st);
	{
		char cmd[300];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmpdir);
	}
	talloc_free(root);
	return test_done();
}
