/* transfer_test.c -- what a transfer carries (voice/transfer.c): the agent
 * line for a queue and language, the context an agent sees and how it is
 * cut to size, the User-to-User header (RFC 7433, hex) and the Refer-To
 * URI with the same value escaped, another header name in plain text, and
 * the key-to-REFER percentiles. */
#include <errno.h>
#include <string.h>

#include <osmocom/core/talloc.h>

#include "voice/transfer.h"
#include "testlib.h"

static void add_agent(void *ctx, struct llist_head *l, const char *queue, const char *lang, const char *uri)
{
	struct voice_agent *a = talloc_zero(ctx, struct voice_agent);

	a->queue = talloc_strdup(a, queue);
	a->lang = lang ? talloc_strdup(a, lang) : NULL;
	a->uri = talloc_strdup(a, uri);
	llist_add_tail(&a->list, l);
}

/* hex "6c61" -> "la" */
static char *unhex(void *ctx, const char *hex, size_t len)
{
	char *out = talloc_zero_size(ctx, len / 2 + 1);
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		unsigned v;
		sscanf(hex + i, "%2x", &v);
		out[i / 2] = (char)v;
	}
	return out;
}

static void test_agents(void *ctx)
{
	LLIST_HEAD(agents);
	const struct voice_agent *a;

	CHECK(!voice_agent_find(&agents, "agents", "en"), "no agent lines: no agent");
	add_agent(ctx, &agents, "agents", "es", "sip:agentes@pbx");
	a = voice_agent_find(&agents, "agents", "en");
	CHECK(!a, "only a Spanish line: an English caller has none");
	add_agent(ctx, &agents, "agents", NULL, "sip:agents@pbx");
	add_agent(ctx, &agents, "streets", NULL, "sip:streets@pbx");
	a = voice_agent_find(&agents, "agents", "es");
	CHECK(a && !strcmp(a->uri, "sip:agentes@pbx"), "a Spanish caller gets the Spanish line (listed first)");
	a = voice_agent_find(&agents, "agents", "en");
	CHECK(a && !strcmp(a->uri, "sip:agents@pbx"), "an English caller gets the line without a language");
	a = voice_agent_find(&agents, "streets", "es");
	CHECK(a && !strcmp(a->uri, "sip:streets@pbx"), "another queue, any language");
	CHECK(!voice_agent_find(&agents, "water", "en"), "a queue nobody configured: none");
}

static void test_context(void *ctx)
{
	char *s;
	char path[400] = "main.start";
	unsigned i;

	s = voice_transfer_context(ctx, "1000002", "en", "main.menu>agent.connect", 128);
	CHECK(!strcmp(s, "case=1000002;lang=en;path=main.menu>agent.connect"), "case, language and path: %s", s);
	s = voice_transfer_context(ctx, NULL, "es", "main.menu>agent.connect", 128);
	CHECK(!strcmp(s, "lang=es;path=main.menu>agent.connect"), "no case yet: language and path: %s", s);
	s = voice_transfer_context(ctx, "", "en", NULL, 128);
	CHECK(!strcmp(s, "lang=en"), "no case, no path: the language: %s", s);
	for (i = 0; i < 20; i++)
		strcat(path, i % 2 ? ">report.where" : ">main.menu");
	strcat(path, ">agent.connect");
	s = voice_transfer_context(ctx, "1000002", "en", path, 128);
	CHECK(strlen(s) <= 128, "a long path is cut to 128 bytes (%zu)", strlen(s));
	CHECK(!strncmp(s, "case=1000002;lang=en;path=..>", 29), "the oldest states go, '..>' marks the cut: %s", s);
	CHECK(strlen(s) > 13 && !strcmp(s + strlen(s) - 13, "agent.connect"), "the newest state stays");
	CHECK(!strstr(s, "path=..>" "ain.") && !strstr(s, ">>"), "only whole states are dropped: %s", s);
	s = voice_transfer_context(ctx, "1000002", "en", "a_state_name_far_too_long_to_fit_in_what_is_left_of_"
				   "the_context_even_alone_so_the_path_is_left_out_entirely_x", 64);
	CHECK(!strcmp(s, "case=1000002;lang=en"), "a path whose last state alone does not fit is left out: %s", s);
}

static void test_refer(void *ctx)
{
	char *to, *hdr, *v;
	const char *p;
	int rc;

	rc = voice_transfer_refer(ctx, "sip:agents@10.0.0.5", "User-to-User", "case=1000002;lang=en", &to, &hdr);
	CHECK(rc == 0, "User-to-User: built");
	CHECK(!strncmp(hdr, "User-to-User: ", 14) && strstr(hdr, ";encoding=hex"), "the header line: %s", hdr);
	p = hdr + 14;
	v = unhex(ctx, p, strcspn(p, ";"));
	CHECK(!strcmp(v, "case=1000002;lang=en"), "its hex is the context: %s", v);
	CHECK(!strncmp(to, "<sip:agents@10.0.0.5?User-to-User=", 34) && to[strlen(to) - 1] == '>',
	      "Refer-To: the agents' URI with the header: %s", to);
	CHECK(strstr(to, "%3Bencoding%3Dhex>") != NULL, "the ';' and '=' of the value are escaped in the URI");
	CHECK(!strncmp(to + 34, p, strcspn(p, ";")), "the URI carries the same hex as the header");

	rc = voice_transfer_refer(ctx, "sip:agents@pbx;transport=tcp?X-A=1", "X-Stoop-Context",
				  "case=1;path=main.menu>agent.connect", &to, &hdr);
	CHECK(rc == 0 && !strcmp(hdr, "X-Stoop-Context: case=1;path=main.menu>agent.connect"),
	      "another header carries the context as text: %s", rc ? "" : hdr);
	CHECK(rc == 0 && !strcmp(to, "<sip:agents@pbx;transport=tcp?X-A=1&X-Stoop-Context="
				      "case%3D1%3Bpath%3Dmain.menu%3Eagent.connect>"),
	      "a URI with headers already gets '&', the value escaped: %s", rc ? "" : to);
	CHECK(voice_transfer_refer(ctx, "sip:a@b", "Bad Header", "x", &to, &hdr) == -EINVAL,
	      "a header name with a space is refused");
	CHECK(voice_transfer_refer(ctx, "sip:a@b", "", "x", &to, &hdr) == -EINVAL, "an empty header name is refused");
	CHECK(voice_transfer_refer(ctx, "sip:a@b", "X-C", "a\r\nInjected: 1", &to, &hdr) == -EINVAL,
	      "a context with a line break is refused (no header injection)");
}

static void test_latency(void)
{
	static struct voice_latency l;
	unsigned i;

	CHECK(voice_latency_pct(&l, 50) == 0, "no samples: 0");
	for (i = 1; i <= 100; i++)
		voice_latency_add(&l, i * 10);
	CHECK(voice_latency_pct(&l, 50) == 500, "p50 of 10..1000 is 500 (%u)", voice_latency_pct(&l, 50));
	CHECK(voice_latency_pct(&l, 99) == 990, "p99 is 990 (%u)", voice_latency_pct(&l, 99));
	CHECK(voice_latency_pct(&l, 100) == 1000, "p100 is the largest (%u)", voice_latency_pct(&l, 100));
	for (i = 0; i < VOICE_LAT_SAMPLES; i++)
		voice_latency_add(&l, 7);
	CHECK(voice_latency_pct(&l, 99) == 7, "the ring keeps the last %u samples", VOICE_LAT_SAMPLES);
}

int main(void)
{
	void *ctx = talloc_named_const(NULL, 0, "transfer_test");

	test_agents(ctx);
	test_context(ctx);
	test_refer(ctx);
	test_latency();
	talloc_free(ctx);
	return test_done();
}
