/* sip_parse_test.c -- the voice channel's SIP parsing without the network
 * (gateway/voice/sip_int.h): SDP offers and answers as carriers and
 * softphones write them (codec choice in the offer's order, rtpmap names,
 * telephone-event, hold in its three spellings, several m= lines, SRTP,
 * IPv6, garbage), our answer and offer texts, user parts, Diversion and
 * History-Info, and the DTMF bodies of SIP INFO.  TAP lines on stdout.
 */
#include <stdio.h>
#include <string.h>

#include <talloc.h>

#include "testlib.h"
#include "voice/sip_int.h"

#define HEAD "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"

static void *ctx;

#define URI_USER(s, out) sip_uri_user(s, strlen(s), out, sizeof(out))
#define RELAY(s, k, ms) sip_dtmf_relay_parse(s, strlen(s), k, ms)

static enum sip_sdp_error read_offer(const char *sdp, struct sip_sdp_offer *offer, char *why, size_t size)
{
	struct sip_sdp_media m;

	return sip_sdp_read(ctx, sdp, strlen(sdp), offer, &m, why, size);
}

static void test_offers(void)
{
	struct sip_sdp_offer o;
	struct sip_sdp_local local = { .ip = "198.51.100.7", .port = 40000, .sess_id = 42, .sess_version = 43 };
	enum sip_sdp_error e;
	char why[160], *a;

	e = read_offer(HEAD "m=audio 5004 RTP/AVP 8 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"
		       "a=fmtp:101 0-15\r\n", &o, why, sizeof(why));
	CHECK(e == SIP_SDP_OK && o.media.pt == 8 && o.media.dtmf_pt == 101 && o.media.port == 5004 &&
	      !strcmp(o.media.ip, "192.0.2.1") && !o.media.hold,
	      "PCMA first in the offer is taken, with telephone-event 101 (%s)", why);
	a = sip_sdp_answer(ctx, &o, &local);
	CHECK(a && strstr(a, "m=audio 40000 RTP/AVP 8 101\r\n") && strstr(a, "a=rtpmap:8 PCMA/8000\r\n") &&
	      strstr(a, "a=rtpmap:101 telephone-event/8000\r\n") && strstr(a, "a=fmtp:101 0-16\r\n") &&
	      strstr(a, "a=ptime:20\r\n") && strstr(a, "a=sendrecv\r\n") && strstr(a, "c=IN IP4 198.51.100.7\r\n") &&
	      strstr(a, "o=stoop 42 43 IN IP4 198.51.100.7\r\n") && !strncmp(a, "v=0\r\n", 5),
	      "the answer: our port, PCMA and telephone-event, ptime 20, sendrecv, o= with id and version");

	e = read_offer(HEAD "m=audio 5004 RTP/AVP 18 0\r\na=rtpmap:18 G729/8000\r\n", &o, why, sizeof(why));
	CHECK(e == SIP_SDP_OK && o.media.pt == 0 && o.media.dtmf_pt == -1, "PCMU after G.729 is found; no "
	      "telephone-event is -1");
	a = sip_sdp_answer(ctx, &o, &local);
	CHECK(a && strstr(a, "m=audio 40000 RTP/AVP 0\r\n") && !strstr(a, "telephone-event"),
	      "the answer has no telephone-event when the offer had none");

	e = read_offer(HEAD "m=audio 5004 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n", &o, why, sizeof(why));
	CHECK(e == SIP_SDP_NO_CODEC && strstr(why, "G729"), "G.729 alone: no codec, and the log says what was "
	      "offered (%s)", why);
	e = read_offer(HEAD "m=audio 5004 RTP/AVP 96\r\na=rtpmap:96 PCMU/8000\r\n", &o, why, sizeof(why));
	CHECK(e == SIP_SDP_NO_CODEC, "PCMU on a dynamic payload type is not taken (the RTP engine sends 0/8)");
	e = read_offer(HEAD "m=audio 5004 RTP/AVP 0\r\na=rtpmap:0 opus/48000\r\n", &o, why, sizeof(why));
	CHECK(e == SIP_SDP_NO_CODEC, "payload type 0 that an rtpmap calls opus is not PCMU");
	e = read_offer(HEAD "m=audio 5004 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n", &o,
		       why, sizeof(why));
	CHECK(e == SIP_SDP_OK && o.media.pt == 0, "PCMU and PCMA with their rtpmaps: PCMU, the first");
	e = read_offer(HEAD "m=video 5006 RTP/AVP 31\r\n", &o, why, sizeof(why));
	CHECK(e == SIP_SDP_NO_AUDIO, "video only: no audio (%s)", why);
	e = read_offer(HEAD "m=audio 0 RTP/AVP 0\r\n", &o, why, sizeof(why));
	CHECK(e == SIP_SDP_NO_AUDIO, "audio with port 0 (rejected stream): no audio");
	e = read_offer(HEAD "m=audio 5004 RTP/SAVP 0\r\n", &o, why, sizeof(why));
	CHECK(e == SIP_SDP_UNSUPPORTED && strstr(why, "SAVP"), "SRTP: not supported (%s)", why);
	e = read_offer("v=0\r\no=- 1 1 IN IP6 2001:db8::1\r\ns=-\r\nc=IN IP6 2001:db8::1\r\nt=0 0\r\n"
		       "m=audio 5004 RTP/AVP 0\r\n", &o, why, sizeof(why));
	CHECK(e == SIP_SDP_UNSUPPORTED, "IPv6: not supported (%s)", why);
	e = read_offer("v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nc=IN IP4 pbx.example.com\r\nt=0 0\r\n"
		       "m=audio 5004 RTP/AVP 0\r\n", &o, why, sizeof(why));
	CHECK(e == SIP_SDP_UNSUPPORTED, "a host name in c=: not looked up (%s)", why);

	/* hold */
	e = read_offer(HEAD "m=audio 5004 RTP/AVP 0\r\na=sendonly\r\n", &o, why, sizeof(why));
	a = e == SIP_SDP_OK ? sip_sdp_answer(ctx, &o, &local) : NULL;
	CHECK(a && o.media.hold && strstr(a, "a=recvonly\r\n"), "a=sendonly is hold, answered recvonly");
	e = read_offer("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\na=inactive\r\n"
		       "m=audio 5004 RTP/AVP 0\r\n", &o, why, sizeof(why));
	a = e == SIP_SDP_OK ? sip_sdp_answer(ctx, &o, &local) : NULL;
	CHECK(a && o.media.hold && strstr(a, "a=inactive\r\n"), "a session-level a=inactive is hold, answered "
	      "inactive");
	e = read_offer("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
		       "m=audio 5004 RTP/AVP 0\r\n", &o, why, sizeof(why));
	CHECK(e == SIP_SDP_OK && o.media.hold && !strcmp(o.media.ip, "0.0.0.0"), "c=0.0.0.0 is hold");
	e = read_offer(HEAD "m=audio 5004 RTP/AVP 0\r\na=recvonly\r\n", &o, why, sizeof(why));
	a = e == SIP_SDP_OK ? sip_sdp_answer(ctx, &o, &local) : NULL;
	CHECK(a && !o.media.hold && strstr(a, "a=sendonly\r\n"), "a=recvonly is not hold, answered sendonly");

	/* several m= lines */
	e = read_offer(HEAD "m=video 5006 RTP/AVP 31\r\nm=audio 5004 RTP/AVP 0\r\nc=IN IP4 192.0.2.9\r\n"
		       "m=image 5008 udptl t38\r\n", &o, why, sizeof(why));
	a = e == SIP_SDP_OK ? sip_sdp_answer(ctx, &o, &local) : NULL;
	CHECK(a && !strcmp(o.media.ip, "192.0.2.9") && o.n_mlines == 3 && o.audio == 1,
	      "audio second of three, with its own c=: taken (%s)", why);
	CHECK(a && strstr(a, "m=video 0 RTP/AVP 31\r\nm=audio 40000 RTP/AVP 0\r\n") &&
	      strstr(a, "m=image 0 udptl t38\r\n"), "the answer keeps the other m= lines in place, port 0");

	/* garbage */
	e = read_offer("hello world", &o, why, sizeof(why));
	CHECK(e == SIP_SDP_UNPARSABLE, "garbage does not parse (%s)", why);
	e = read_offer("v=0\r\ns=-\r\nm=audio 5004 RTP/AVP 0\r\n", &o, why, sizeof(why));
	CHECK(e == SIP_SDP_UNPARSABLE, "no o= and no c=: does not parse (%s)", why);
	e = read_offer(HEAD "m=audio 99999999999999999999 RTP/AVP 0\r\n", &o, why, sizeof(why));
	CHECK(e != SIP_SDP_OK, "a port out of range is refused (%s)", why);
	e = read_offer(HEAD "m=audio 70000 RTP/AVP 0\r\n", &o, why, sizeof(why));
	CHECK(e != SIP_SDP_OK, "port 70000 is refused (%s)", why);
	e = read_offer(HEAD "m=audio 5004 RTP/AVP 300 0\r\n", &o, why, sizeof(why));
	CHECK(e != SIP_SDP_OK || o.media.pt == 0, "payload type 300 does not crash (%s)", why);
	e = sip_sdp_read(ctx, HEAD "m=audio 5004 RTP/AVP 0\r\n", 20, &o, &o.media, why, sizeof(why));
	CHECK(e == SIP_SDP_UNPARSABLE, "a body cut short is read only as far as its length (%s)", why);
	{
		char big[SIP_SDP_MAX + 200];
		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		e = read_offer(big, &o, why, sizeof(why));
		CHECK(e == SIP_SDP_UNPARSABLE, "an SDP over %u bytes is refused (%s)", SIP_SDP_MAX, why);
	}
	{
		char *many = talloc_strdup(ctx, HEAD);
		int i;
		for (i = 0; i < 20; i++)
			many = talloc_asprintf_append(many, "m=video %d RTP/AVP 31\r\n", 6000 + 2 * i);
		many = talloc_asprintf_append(many, "m=audio 5004 RTP/AVP 0\r\n");
		e = read_offer(many, &o, why, sizeof(why));
		CHECK(e == SIP_SDP_UNSUPPORTED, "21 m= lines: refused (%s)", why);
	}

	/* our offer, and reading an answer to it */
	a = sip_sdp_offer(ctx, &local);
	CHECK(a && strstr(a, "m=audio 40000 RTP/AVP 0 8 101\r\n") && strstr(a, "a=rtpmap:0 PCMU/8000\r\n") &&
	      strstr(a, "a=rtpmap:8 PCMA/8000\r\n") && strstr(a, "a=rtpmap:101 telephone-event/8000\r\n") &&
	      strstr(a, "a=fmtp:101 0-16\r\n"), "our offer: PCMU, PCMA, telephone-event 101");
	{
		struct sip_sdp_media m;
		const char *ans = HEAD "m=audio 6000 RTP/AVP 8 101\r\na=rtpmap:101 telephone-event/8000\r\n";
		e = sip_sdp_read(ctx, ans, strlen(ans), NULL, &m, why, sizeof(why));
		CHECK(e == SIP_SDP_OK && m.pt == 8 && m.dtmf_pt == 101 && m.port == 6000,
		      "an answer choosing PCMA is read");
	}
}

static void test_users(void)
{
	char u[SIP_USER_MAX + 1];
	struct sip_divert d;
	const char *v[3];

	CHECK(URI_USER("sip:%2B15551230001@carrier.example;user=phone", u) &&
	      !strcmp(u, "+15551230001"), "an escaped + in a SIP URI's user part (%s)", u);
	CHECK(URI_USER("tel:+1-555-123-0001;phone-context=x", u) && !strcmp(u, "+15551230001"),
	      "a tel URI loses its visual separators and parameters (%s)", u);
	CHECK(URI_USER("sip:+15551230001;npdi;rn=+1555@x", u) && !strcmp(u, "+15551230001"),
	      "user parameters are cut (%s)", u);
	CHECK(!URI_USER("sip:carrier.example", u), "a URI without a user part has none");
	CHECK(!URI_USER("sip:a%00b@x", u), "an escaped NUL is not a user part");
	CHECK(!URI_USER("sip:<script>@x", u), "markup is not a user part");
	CHECK(!URI_USER("sip:123456789012345678901234567890123@x", u),
	      "33 characters are too many");
	CHECK(!URI_USER("http://x", u), "another scheme has no user part for us");

	v[0] = "\"Sanitation\" <sip:+15552000100@carrier.example>;reason=no-answer;counter=1;privacy=off, "
	       "<sip:+15552000999@carrier.example>;reason=unconditional";
	CHECK(sip_divert_diversion(v, 1, &d) && !strcmp(d.from, "+15552000100") && !strcmp(d.reason, "no-answer"),
	      "Diversion: the top-most entry and its reason (%s, %s)", d.from, d.reason);
	v[0] = "<tel:+15552000100>;reason=\"user-busy\"";
	CHECK(sip_divert_diversion(v, 1, &d) && !strcmp(d.from, "+15552000100") && !strcmp(d.reason, "user-busy"),
	      "Diversion with a tel URI and a quoted reason");
	v[0] = "<sip:+15552000100@x>;reason=no_answer";
	CHECK(sip_divert_diversion(v, 1, &d) && !d.reason[0], "a reason with odd characters is dropped, the "
	      "number kept");
	v[0] = "<sip:+15552000100@x";
	CHECK(!sip_divert_diversion(v, 1, &d), "an unclosed < is no entry");
	v[0] = ",,,;;;<>";
	CHECK(!sip_divert_diversion(v, 1, &d), "commas and nothing else");

	v[0] = "<sip:+15552000100@carrier.example?Reason=SIP%3Bcause%3D408%3Btext%3D%22No%20answer%22>;index=1";
	v[1] = "<sip:311@stoop.example;cause=408>;index=1.1;mp=1";
	CHECK(sip_divert_history(v, 2, "311", &d) && !strcmp(d.from, "+15552000100") &&
	      !strcmp(d.reason, "no-answer"), "History-Info: the entry before ours, cause 408 is no-answer "
	      "(%s, %s)", d.from, d.reason);
	v[0] = "<sip:+15552000100@carrier.example?Reason=SIP%3Bcause%3D486>;index=1, "
	       "<sip:311@stoop.example>;index=1.1;rc=1";
	CHECK(sip_divert_history(v, 1, "311", &d) && !strcmp(d.reason, "user-busy"),
	      "History-Info: the cause in the escaped Reason (486: user-busy)");
	v[0] = "<sip:311@stoop.example>;index=1";
	CHECK(!sip_divert_history(v, 1, "311", &d), "History-Info naming only us: no diversion");
	v[0] = "<sip:+15552000100@x>;index=1";
	v[1] = "<sip:311@y;cause=302>;index=1.1";
	v[2] = "<sip:311@z>;index=1.1.1";
	CHECK(sip_divert_history(v, 3, "311", &d) && !strcmp(d.reason, "unconditional"),
	      "History-Info over three headers, cause 302 is unconditional");
}

static void test_dtmf(void)
{
	unsigned ms;
	char k;

	CHECK(RELAY("Signal=5\r\nDuration=160\r\n", &k, &ms) && k == '5' && ms == 160,
	      "dtmf-relay Signal=5 Duration=160");
	CHECK(RELAY("signal = #\nduration= 250", &k, &ms) && k == '#' && ms == 250,
	      "dtmf-relay in lower case with blanks and LF");
	CHECK(RELAY("Signal=11\r\nDuration=100", &k, &ms) && k == '#',
	      "dtmf-relay event number 11 is #");
	CHECK(RELAY("Signal=a", &k, &ms) && k == 'A' && ms == 0, "Signal=a is A, no duration 0");
	CHECK(!RELAY("Signal=Z\r\nDuration=160", &k, &ms), "Signal=Z is no digit");
	CHECK(!RELAY("Duration=160", &k, &ms), "no signal is no digit");
	CHECK(!RELAY("Signal=1\r\nSignal=2", &k, &ms), "two signals are not one digit");
	CHECK(!RELAY("Signal=1\r\nDuration=abc", &k, &ms), "a duration that is no number");
	CHECK(!RELAY("Signal=1\r\nDuration=9999999", &k, &ms), "a duration of hours");
	CHECK(!RELAY("Signal=16", &k, &ms), "event 16 (flash) is no digit");
	CHECK(!sip_dtmf_relay_parse("Signal=5", 6, &k, &ms), "a body cut before its value is read as cut");
	CHECK(sip_dtmf_parse("7\r\n", strlen("7\r\n"), &k) && k == '7', "application/dtmf 7");
	CHECK(sip_dtmf_parse("10", strlen("10"), &k) && k == '*', "application/dtmf 10 is *");
	CHECK(!sip_dtmf_parse("77", strlen("77"), &k), "application/dtmf 77 is no digit");
	CHECK(!sip_dtmf_parse("", strlen(""), &k), "an empty body is no digit");
}

int main(void)
{
	ctx = talloc_named_const(NULL, 0, "sip_parse_test");
	test_offers();
	test_users();
	test_dtmf();
	talloc_free(ctx);
	return test_done();
}
