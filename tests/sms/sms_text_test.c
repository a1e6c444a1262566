/* sms_text_test.c -- unit tests of SMS text encoding and decoding
 * (gateway/sms/sms_text.c): round trips through the parts a reply becomes,
 * the exact 160/153 and 70/67 boundaries with escape and surrogate pairs
 * at a part's end, the user data header, every data_coding Stoop reads,
 * malformed input, and bounded random runs of both directions.  Run under
 * ASan: every decoded buffer is allocated at its exact length, so a read
 * past it is a crash.  Sizing is tested in tests/flow/flow_test.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "testlib.h"
#include "sms/sms_text.h"

static void *root;	/* every allocation of the test hangs off it */

/* A text of n copies of one UTF-8 character, then tail. */
static char *repeat(const char *ch, unsigned n, const char *tail)
{
	char *s = talloc_strdup(root, "");
	unsigned i;

	for (i = 0; i < n; i++)
		s = talloc_strdup_append_buffer(s, ch);
	return talloc_strdup_append_buffer(s, tail);
}

/* Decode every part and join the texts, checking that each part's header
 * says seq i+1 of n with reference ref.  NULL when a part fails. */
static char *decode_parts(const struct sms_part *parts, unsigned n, uint8_t ref)
{
	char *joined = talloc_strdup(root, "");
	unsigned i;

	for (i = 0; i < n; i++) {
		struct sms_concat c;
		const char *why;
		char *text;
		uint8_t *copy = malloc(parts[i].len ? parts[i].len : 1);

		memcpy(copy, parts[i].data, parts[i].len);
		if (sms_text_decode(root, parts[i].data_coding, parts[i].udhi, copy, parts[i].len,
				    &text, &c, &why) < 0) {
			printf("# part %u: %s\n", i + 1, why);
			free(copy);
			return NULL;
		}
		free(copy);
		if (n > 1 && (!c.present || c.ref != ref || c.total != n || c.seq != i + 1)) {
			printf("# part %u: concat %d ref %u %u/%u\n", i + 1, c.present, c.ref, c.seq, c.total);
			return NULL;
		}
		if (n == 1 && c.present)
			return NULL;
		joined = talloc_strdup_append_buffer(joined, text);
	}
	return joined;
}

/* Encode, check the coding and part count, decode and compare with want
 * (the text itself when want is NULL). */
static void round_trip(const char *what, const char *text, bool fold, uint8_t dcs,
		       unsigned want_parts, const char *want)
{
	struct sms_part *parts;
	unsigned n, i;
	char *back;
	int rc;
	bool dcs_ok = true;

	rc = sms_text_encode(root, text, fold, 0x5a, &parts, &n);
	if (!CHECK(rc == 0, "%s: encodes", what))
		return;
	for (i = 0; i < n; i++)
		dcs_ok &= parts[i].data_coding == dcs;
	CHECK(dcs_ok, "%s: data_coding 0x%02x", what, dcs);
	CHECK(n == want_parts, "%s: %u part(s) (got %u)", what, want_parts, n);
	back = decode_parts(parts, n, 0x5a);
	if (!CHECK(back && !strcmp(back, want ? want : text), "%s: decodes back", what) && back)
		printf("# got: %s\n", osmo_escape_str(back, -1));
}

static void test_round_trips(void)
{
	const char *es = "¿Dónde está el bache? Calle Peñón 12, señal rota. ¡Gracias!";
	struct sms_part *parts;
	unsigned n;

	round_trip("ASCII", "Your case 311-2024-0042 is open. Reply STATUS for news.", false,
		   SMS_DCS_DEFAULT, 1, NULL);
	round_trip("empty text", "", false, SMS_DCS_DEFAULT, 1, NULL);
	round_trip("Spanish, not folded", es, false, SMS_DCS_UCS2, 1, NULL);
	round_trip("Spanish, folded", es, true, SMS_DCS_DEFAULT, 1,
		   "¿Donde esta el bache? Calle Peñon 12, señal rota. ¡Gracias!");
	round_trip("every extension character", "^{}\\[~]|€", false, SMS_DCS_DEFAULT, 1, NULL);
	round_trip("GSM letters of Latin-1", "@£$¥èéùìòÇ\nØø\rÅå_ÆæßÉ!\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà",
		   false, SMS_DCS_DEFAULT, 1, NULL);
	round_trip("emoji and other astral characters", "Bache \xf0\x9f\x9a\xa7 en la calle \xf0\x9f\x98\x80 \xf0\x9d\x84\x9e \xf0\xa0\x80\x8b",
		   false, SMS_DCS_UCS2, 1, NULL);
	round_trip("Greek capital (not in libosmocore's table)", "\xce\x94 delta", false, SMS_DCS_UCS2, 1, NULL);
	round_trip("Latin-1 that is not GSM: » ÿ ®", "» ÿ ®", false, SMS_DCS_UCS2, 1, NULL);

	/* the septets on the wire, not just a consistent round trip */
	sms_text_encode(root, "[€]¿ñ§", false, 0, &parts, &n);
	CHECK(n == 1 && parts[0].len == 9 && !memcmp(parts[0].data, "\x1b\x3c\x1b\x65\x1b\x3e\x60\x7d\x5f", 9),
	      "[€]¿ñ§ is 1B 3C 1B 65 1B 3E 60 7D 5F (¿ 0x60 and § 0x5f, not libosmocore's ö and ä)");
	sms_text_encode(root, "A\xf0\x9f\x9a\xa7", false, 0, &parts, &n);
	CHECK(n == 1 && parts[0].len == 6 && !memcmp(parts[0].data, "\x00\x41\xd8\x3d\xde\xa7", 6),
	      "A + U+1F6A7 is 0041 D83D DEA7");
	sms_text_encode(root, "\xc3\xbf", true, 0, &parts, &n);
	CHECK(n == 1 && parts[0].data_coding == SMS_DCS_DEFAULT && parts[0].len == 1 && parts[0].data[0] == 'y',
	      "ÿ folded is y");
	sms_text_encode(root, "\xc3\xbf", false, 0, &parts, &n);
	CHECK(n == 1 && parts[0].data_coding == SMS_DCS_UCS2 && parts[0].len == 2
	      && parts[0].data[0] == 0x00 && parts[0].data[1] == 0xff, "ÿ not folded is UCS-2 00FF");
}

/* Encode and return the parts; n parts checked, each part's payload (after
 * its header) of the given sizes in units. */
static struct sms_part *encode_sizes(const char *what, const char *text, uint8_t dcs,
				     unsigned want_n, const unsigned *sizes)
{
	struct sms_part *parts;
	unsigned n, i, unit = dcs == SMS_DCS_UCS2 ? 2 : 1;
	bool ok = true;

	if (!CHECK(sms_text_encode(root, text, false, 7, &parts, &n) == 0 && n == want_n,
		   "%s: %u part(s)", what, want_n))
		return NULL;
	for (i = 0; i < n; i++) {
		size_t hdr = n > 1 ? 6 : 0;
		if (parts[i].data_coding != dcs || parts[i].udhi != (n > 1)
		    || parts[i].len != hdr + sizes[i] * unit) {
			printf("# part %u: dcs 0x%02x udhi %d len %zu\n", i + 1, parts[i].data_coding,
			       parts[i].udhi, parts[i].len);
			ok = false;
		}
	}
	CHECK(ok, "%s: part sizes and headers", what);
	CHECK(decode_parts(parts, n, 7) && !strcmp(decode_parts(parts, n, 7), text),
	      "%s: decodes back", what);
	return parts;
}

static void test_boundaries(void)
{
	struct sms_part *p;
	unsigned n;
	int rc;

	encode_sizes("160 septets", repeat("a", 160, ""), SMS_DCS_DEFAULT, 1, (unsigned[]){ 160 });
	encode_sizes("161 septets", repeat("a", 161, ""), SMS_DCS_DEFAULT, 2, (unsigned[]){ 153, 8 });
	encode_sizes("158 septets + one escape pair = 160", repeat("a", 158, "€"), SMS_DCS_DEFAULT, 1,
		     (unsigned[]){ 160 });
	encode_sizes("159 septets + one escape pair = 161", repeat("a", 159, "€"), SMS_DCS_DEFAULT, 2,
		     (unsigned[]){ 153, 8 });
	encode_sizes("306 septets: two full parts of 153", repeat("a", 306, ""), SMS_DCS_DEFAULT, 2,
		     (unsigned[]){ 153, 153 });
	encode_sizes("307 septets: a 154th goes to a third part", repeat("a", 307, ""), SMS_DCS_DEFAULT, 3,
		     (unsigned[]){ 153, 153, 1 });
	encode_sizes("70 UCS-2 units", repeat("á", 70, ""), SMS_DCS_UCS2, 1, (unsigned[]){ 70 });
	encode_sizes("71 UCS-2 units", repeat("á", 71, ""), SMS_DCS_UCS2, 2, (unsigned[]){ 67, 4 });
	encode_sizes("134 UCS-2 units: two full parts of 67", repeat("á", 134, ""), SMS_DCS_UCS2, 2,
		     (unsigned[]){ 67, 67 });
	encode_sizes("135 UCS-2 units: a 68th goes to a third part", repeat("á", 135, ""), SMS_DCS_UCS2, 3,
		     (unsigned[]){ 67, 67, 1 });
	encode_sizes("35 emoji = 70 units", repeat("\xf0\x9f\x98\x80", 35, ""), SMS_DCS_UCS2, 1,
		     (unsigned[]){ 70 });

	/* an escape pair that would straddle septets 153/154 moves whole */
	p = encode_sizes("escape pair at the part boundary", repeat("a", 152, repeat("€", 1, repeat("b", 10, ""))),
			 SMS_DCS_DEFAULT, 2, (unsigned[]){ 152, 12 });
	CHECK(p && p[0].data[p[0].len - 1] == 'a' && p[1].data[6] == 0x1b && p[1].data[7] == 0x65,
	      "escape pair at the boundary: part 1 ends with 'a', part 2 starts with 1B 65");
	p = encode_sizes("escape pair ending exactly at septet 153", repeat("a", 151, repeat("]", 1, repeat("b", 10, ""))),
			 SMS_DCS_DEFAULT, 2, (unsigned[]){ 153, 10 });
	CHECK(p && p[0].data[p[0].len - 2] == 0x1b && p[0].data[p[0].len - 1] == 0x3e,
	      "escape pair at septets 152-153 stays in part 1");
	/* a surrogate pair that would straddle units 67/68 moves whole */
	p = encode_sizes("surrogate pair at the part boundary", repeat("á", 66, repeat("\xf0\x9f\x98\x80", 1, "xxxxx")),
			 SMS_DCS_UCS2, 2, (unsigned[]){ 66, 7 });
	CHECK(p && p[1].data[6] == 0xd8 && p[1].data[7] == 0x3d && p[1].data[8] == 0xde && p[1].data[9] == 0x00,
	      "surrogate pair at the boundary: part 2 starts with D83D DE00");
	p = encode_sizes("surrogate pair ending exactly at unit 67", repeat("á", 65, repeat("\xf0\x9f\x98\x80", 1, "xxxxx")),
			 SMS_DCS_UCS2, 2, (unsigned[]){ 67, 5 });
	CHECK(p && p[0].data[p[0].len - 4] == 0xd8 && p[0].data[p[0].len - 2] == 0xde,
	      "surrogate pair at units 66-67 stays in part 1");

	/* a 400-character reply: three parts 05 00 03 ref 03 seq */
	{
		char *text = repeat("x", 400, "");
		bool hdr_ok = true;
		unsigned i;

		rc = sms_text_encode(root, text, true, 0xa7, &p, &n);
		CHECK(rc == 0 && n == 3, "a 400-character reply is 3 parts");
		for (i = 0; rc == 0 && i < n; i++) {
			uint8_t want[6] = { 0x05, 0x00, 0x03, 0xa7, 0x03, i + 1 };
			hdr_ok &= p[i].udhi && !memcmp(p[i].data, want, 6);
		}
		CHECK(rc == 0 && hdr_ok, "each part starts 05 00 03 A7 03 seq");
		CHECK(rc == 0 && p[0].len == 159 && p[1].len == 159 && p[2].len == 6 + 94,
		      "parts carry 153 + 153 + 94 septets");
		CHECK(rc == 0 && decode_parts(p, n, 0xa7) && !strcmp(decode_parts(p, n, 0xa7), text),
		      "the 400-character reply decodes back");
	}

	/* 255 parts at most */
	rc = sms_text_encode(root, repeat("a", 153 * 255, ""), false, 1, &p, &n);
	CHECK(rc == 0 && n == 255 && p[254].data[5] == 255, "153 x 255 septets: 255 parts");
	rc = sms_text_encode(root, repeat("a", 153 * 255 + 1, ""), false, 1, &p, &n);
	CHECK(rc == -E2BIG && p == NULL && n == 0, "one septet more: -E2BIG");
	rc = sms_text_encode(root, repeat("á", 67 * 256, ""), false, 1, &p, &n);
	CHECK(rc == -E2BIG, "67 x 256 UCS-2 units: -E2BIG");
}

static void test_encode_invalid(void)
{
	static const char *bad[] = {
		"abc\xff", "abc\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82",
	};
	struct sms_part *p;
	unsigned n, i;
	bool ok = true;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok &= sms_text_encode(root, bad[i], true, 0, &p, &n) == -EINVAL && !p && !n;
	CHECK(ok, "invalid UTF-8 (stray, cut, overlong, surrogate, above U+10FFFF): -EINVAL");
}

/* Decode len bytes from an exact-size heap copy. */
static int decode(uint8_t dcs, bool udhi, const void *bytes, size_t len, char **out,
		  struct sms_concat *c, const char **why)
{
	uint8_t *copy = len ? malloc(len) : NULL;
	int rc;

	if (len)
		memcpy(copy, bytes, len);
	rc = sms_text_decode(root, dcs, udhi, copy, len, out, c, why);
	free(copy);
	return rc;
}

static void decode_ok(const char *what, uint8_t dcs, bool udhi, const void *bytes, size_t len,
		      const char *want)
{
	struct sms_concat c;
	const char *why = "";
	char *out = NULL;
	int rc = decode(dcs, udhi, bytes, len, &out, &c, &why);

	CHECK(rc == 0 && out && !strcmp(out, want) && !why, "%s: \"%s\"%s%s", what, want,
	      rc ? ", got error: " : "", rc ? why : "");
}

static void decode_bad(const char *what, uint8_t dcs, bool udhi, const void *bytes, size_t len,
		       const char *why_part)
{
	struct sms_concat c;
	const char *why = NULL;
	char *out = (char *)"unset";
	int rc = decode(dcs, udhi, bytes, len, &out, &c, &why);

	CHECK(rc == -EINVAL && !out && why && strstr(why, why_part) && !c.present,
	      "%s: -EINVAL (%s)", what, why ? why : "no why");
}

static void test_decode(void)
{
	struct sms_concat c;
	const char *why;
	char *out;
	int rc;

	decode_ok("GSM text", 0x00, false, "Hola", 4, "Hola");
	decode_ok("GSM @ is septet 0", 0x00, false, "\x00x\x02", 3, "@x$");
	decode_ok("GSM letters libosmocore 1.7 decodes wrongly", 0x00, false,
		  "\x5b\x5c\x5d\x5e\x5f\x60\x7b\x7c\x7d\x7e\x7f\x40\x24\x0c", 14, "ÄÖÑÜ§¿äöñüà¡¤ø");
	decode_ok("GSM escapes", 0x00, false, "\x1b\x14\x1b\x28\x1b\x29\x1b\x2f\x1b\x3c\x1b\x3d\x1b\x3e\x1b\x40\x1b\x65", 18,
		  "^{}\\[~]|€");
	decode_ok("GSM escape before a septet the extension table lacks: the basic character", 0x00, false,
		  "a\x1b\x41" "b", 4, "aAb");
	decode_ok("GSM escape at the end: a space", 0x00, false, "ab\x1b", 3, "ab ");
	decode_ok("GSM escape escape: a space, then the escape applies", 0x00, false, "\x1b\x1b\x65", 3, " €");
	decode_ok("GSM Greek capital: U+FFFD", 0x00, false, "\x10", 1, "\xef\xbf\xbd");
	decode_bad("GSM octet above 0x7f", 0x00, false, "ab\x80", 3, "above 0x7f");
	decode_bad("GSM escape then an octet above 0x7f", 0x00, false, "\x1b\xe5", 2, "above 0x7f");
	decode_ok("data_coding 0xf0 (class 0, GSM)", 0xf0, false, "\x7d", 1, "ñ");
	decode_ok("data_coding 0xf1 (class 1, GSM)", 0xf1, false, "ok", 2, "ok");
	decode_ok("data_coding 0xf3 (class 3, GSM)", 0xf3, false, "\x1b\x65", 2, "€");
	decode_ok("empty GSM", 0x00, false, NULL, 0, "");

	decode_ok("IA5", 0x01, false, "Hello [1]", 9, "Hello [1]");
	decode_bad("IA5 with a high octet", 0x01, false, "Se\xf1or", 5, "IA5");
	decode_bad("IA5 with NUL", 0x01, false, "a\0b", 3, "NUL");
	decode_ok("Latin-1", 0x03, false, "Se\xf1" "al \xbf" "d\xf3nde? \xff", 15, "Señal ¿dónde? ÿ");
	decode_bad("Latin-1 with NUL", 0x03, false, "\0", 1, "NUL");

	decode_ok("UCS-2", 0x08, false, "\x00H\x00\xf1\x20\xac", 6, "Hñ€");
	decode_ok("UCS-2 surrogate pair", 0x08, false, "\xd8\x3d\xde\xa7\x00!", 6, "\xf0\x9f\x9a\xa7!");
	decode_bad("UCS-2 odd length", 0x08, false, "\x00H\x00", 3, "odd length");
	decode_bad("UCS-2 high surrogate at the end", 0x08, false, "\x00H\xd8\x3d", 4, "unpaired high");
	decode_bad("UCS-2 high surrogate then a letter", 0x08, false, "\xd8\x3d\x00\x41", 4, "unpaired high");
	decode_bad("UCS-2 high surrogate then a high surrogate", 0x08, false, "\xd8\x3d\xd8\x3d\xde\x00", 6, "unpaired high");
	decode_bad("UCS-2 lone low surrogate", 0x08, false, "\xde\xa7\x00\x41", 4, "unpaired low");
	decode_bad("UCS-2 high surrogate, odd tail", 0x08, false, "\xd8\x3d\xde", 3, "odd length");
	decode_bad("UCS-2 NUL", 0x08, false, "\x00\x00", 2, "NUL");

	decode_bad("data_coding 0x02 (8-bit binary)", 0x02, false, "ab", 2, "unsupported data_coding 0x02");
	decode_bad("data_coding 0x04", 0x04, false, "ab", 2, "unsupported data_coding 0x04");
	decode_bad("data_coding 0xf4 (8-bit, class 0)", 0xf4, false, "ab", 2, "unsupported data_coding 0xf4");
	decode_bad("data_coding 0x11 (compressed)", 0x11, false, "ab", 2, "unsupported data_coding 0x11");

	/* user data headers */
	rc = decode(0x00, true, "\x05\x00\x03\x7f\x02\x01" "Hi", 8, &out, &c, &why);
	CHECK(rc == 0 && !strcmp(out, "Hi") && c.present && c.ref == 0x7f && c.total == 2 && c.seq == 1,
	      "UDH 8-bit concatenation: ref 0x7f, 1 of 2, text after it");
	rc = decode(0x08, true, "\x06\x08\x04\x12\x34\x03\x03\x00\xf1", 9, &out, &c, &why);
	CHECK(rc == 0 && !strcmp(out, "ñ") && c.present && c.ref == 0x1234 && c.total == 3 && c.seq == 3,
	      "UDH 16-bit concatenation: ref 0x1234, 3 of 3, UCS-2 after it");
	rc = decode(0x00, true, "\x09\x24\x01\x02\x05\x04\x0b\x84\x23\xf0" "x", 11, &out, &c, &why);
	CHECK(rc == 0 && !strcmp(out, "x") && !c.present, "UDH with other elements only: skipped, no concatenation");
	rc = decode(0x00, true, "\x08\x24\x01\x02\x00\x03\x10\x04\x02" "y", 10, &out, &c, &why);
	CHECK(rc == 0 && !strcmp(out, "y") && c.present && c.ref == 0x10 && c.total == 4 && c.seq == 2,
	      "UDH: an element before the concatenation is skipped");
	rc = decode(0x00, true, "\x00" "z", 2, &out, &c, &why);
	CHECK(rc == 0 && !strcmp(out, "z") && !c.present, "empty UDH (length 0)");
	rc = decode(0x00, true, "\x05\x00\x03\x01\x01\x01", 6, &out, &c, &why);
	CHECK(rc == 0 && !strcmp(out, "") && c.present, "UDH with no text after it");
	rc = decode(0x00, false, "\x05\x00\x03\x01\x01\x01", 6, &out, &c, &why);
	CHECK(rc == 0 && !c.present && !strcmp(out, "é@¥£££"), "without udhi the same bytes are GSM text");

	decode_bad("udhi with no data", 0x00, true, NULL, 0, "no user data header");
	decode_bad("UDH longer than the data", 0x00, true, "\x05\x00\x03\x01", 4, "longer than the message");
	decode_bad("UDH length 0xff over 3 bytes", 0x08, true, "\xff\x00\x03", 3, "longer than the message");
	decode_bad("UDH element length past the header", 0x00, true, "\x05\x00\x07\x01\x02\x01" "abc", 9,
		   "runs past the header");
	decode_bad("UDH element header cut short", 0x00, true, "\x01\x00" "abc", 5, "cut short");
	decode_bad("UDH element header cut short after an element", 0x00, true, "\x06\x00\x03\x01\x02\x01\x24" "a", 8,
		   "cut short");
	decode_bad("8-bit concatenation of length 2", 0x00, true, "\x04\x00\x02\x01\x01" "a", 6, "wrong length");
	decode_bad("16-bit concatenation of length 3", 0x00, true, "\x05\x08\x03\x01\x01\x01" "a", 7, "wrong length");
	decode_bad("concatenation total 0", 0x00, true, "\x05\x00\x03\x01\x00\x00" "a", 7, "0 parts");
	decode_bad("concatenation seq 0", 0x00, true, "\x05\x00\x03\x01\x02\x00" "a", 7, "outside 1..total");
	decode_bad("concatenation seq > total", 0x00, true, "\x06\x08\x04\x00\x01\x02\x03" "a", 8, "outside 1..total");
	decode_bad("UDH fine, UCS-2 text after it odd", 0x08, true, "\x05\x00\x03\x01\x01\x01\x00", 7, "odd length");
}

static uint32_t rnd_state = 20261123;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* 20000 random buffers with random data_coding and udhi: decode returns 0
 * with valid UTF-8, or -EINVAL with a reason, and never reads past len. */
static void test_decode_fuzz(void)
{
	static const uint8_t dcs_pool[] = { 0x00, 0x01, 0x03, 0x08, 0xf0, 0xf1, 0xf2, 0xf3 };
	unsigned i, ok = 0, bad = 0, wrong = 0, concat = 0;
	void *ctx = talloc_named_const(root, 0, "fuzz");

	for (i = 0; i < 20000; i++) {
		size_t len = rnd() % 180, j;
		uint8_t *buf = len ? malloc(len) : NULL;
		uint8_t dcs = rnd() % 8 ? dcs_pool[rnd() % sizeof(dcs_pool)] : rnd() & 0xff;
		bool udhi = rnd() % 2;
		struct sms_concat c;
		struct sms_size sz;
		const char *why = NULL;
		char *out = NULL;
		int rc;

		unsigned mode = rnd() % 4;

		for (j = 0; j < len; j++) {
			if (mode == 0)		/* any octet */
				buf[j] = rnd() & 0xff;
			else if (mode == 1)	/* septets, IA5 */
				buf[j] = rnd() % 0x80;
			else if (mode == 2)	/* septets with a rare high octet */
				buf[j] = rnd() % 64 ? rnd() % 0x80 : rnd() & 0xff;
			else			/* UTF-16BE-like: BMP, surrogates */
				buf[j] = j % 2 ? rnd() & 0xff : rnd() % 2 ? 0x00 : 0xd8 + rnd() % 8;
		}
		if (udhi && len > 7 && rnd() % 2) {
			/* a concatenation header, one octet of it mutated now and then,
			 * so the element walk and its checks are exercised */
			static const uint8_t udh[][7] = {
				{ 0x05, 0x00, 0x03, 0x11, 0x03, 0x02 },
				{ 0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x01 },
				{ 0x06, 0x24, 0x01, 0x02, 0x00, 0x01, 0x01 },
			};
			unsigned t = rnd() % 3;
			memcpy(buf, udh[t], udh[t][0] + 1);
			if (rnd() % 2)
				buf[rnd() % (udh[t][0] + 1)] = rnd() & 0xff;
		}
		rc = sms_text_decode(ctx, dcs, udhi, buf, len, &out, &c, &why);
		if (rc == 0 && out && !why && sms_text_size(out, false, &sz) == 0) {
			ok++;
			concat += c.present;
		} else if (rc == -EINVAL && !out && why) {
			bad++;
		} else {
			wrong++;
		}
		free(buf);
		if (i % 1000 == 999)
			talloc_free_children(ctx);
	}
	talloc_free(ctx);
	printf("# decode fuzz: %u decoded (%u with concatenation), %u rejected\n", ok, concat, bad);
	CHECK(wrong == 0 && ok > 1000 && bad > 1000 && concat > 50,
	      "20000 random buffers: decoded to valid UTF-8 or rejected with a reason (%u wrong)", wrong);
}

/* 3000 random texts from GSM, extension, accented, astral and CJK
 * characters: encode (not folded), decode the parts, get the text back;
 * no part over its limit, no part ending in an escape or high surrogate. */
static void test_encode_fuzz(void)
{
	static const char *pool[] = {
		"a", "Z", "7", " ", "\n", ".", "@", "$", "_", "{", "}", "[", "]", "~", "|", "\\", "^", "€",
		"ñ", "¿", "¡", "é", "Ä", "ü", "§", "á", "ó", "ç", "»", "\xf0\x9f\x98\x80", "\xf0\x9f\x9a\xa7",
		"\xe4\xb8\xad", "\xce\xa9",
	};
	unsigned i, wrong = 0, parts_total = 0;
	void *ctx = talloc_named_const(root, 0, "encode fuzz");

	for (i = 0; i < 3000; i++) {
		unsigned len = rnd() % 500, j, n;
		/* mostly GSM, so both codings get long texts */
		unsigned range = rnd() % 2 ? 19 : sizeof(pool) / sizeof(pool[0]);
		char *text = talloc_strdup(ctx, "");
		struct sms_part *p;
		char *back;

		for (j = 0; j < len; j++)
			text = talloc_strdup_append_buffer(text, pool[rnd() % range]);
		if (sms_text_encode(ctx, text, false, i & 0xff, &p, &n) < 0) {
			wrong++;
			continue;
		}
		parts_total += n;
		for (j = 0; j < n; j++) {
			size_t payload = p[j].len - (p[j].udhi ? 6 : 0);
			bool gsm = p[j].data_coding == SMS_DCS_DEFAULT;
			size_t max = n == 1 ? (gsm ? 160 : 140) : (gsm ? 153 : 134);

			if (payload > max || p[j].udhi != (n > 1))
				wrong++;
			if (j + 1 < n && payload && (gsm ? p[j].data[p[j].len - 1] == 0x1b
						      : (p[j].data[p[j].len - 2] & 0xfc) == 0xd8))
				wrong++;
		}
		back = decode_parts(p, n, i & 0xff);
		if (!back || strcmp(back, text))
			wrong++;
		if (i % 100 == 99)
			talloc_free_children(ctx);
	}
	talloc_free(ctx);
	printf("# encode fuzz: %u parts\n", parts_total);
	CHECK(wrong == 0, "3000 random texts: parts within limits, pairs never split, decode back (%u wrong)", wrong);
}

int main(void)
{
	root = talloc_named_const(NULL, 0, "sms_text_test");
	test_round_trips();
	test_boundaries();
	test_encode_invalid();
	test_decode();
	test_decode_fuzz();
	test_encode_fuzz();
	talloc_free(root);
	return test_done();
}
