/* sms_text.c -- SMS text sizing: GSM 03.38 or UCS-2, and accent folding.
 *
 * The GSM 03.38 alphabet comes from libosmocore: gsm_septet_encode() maps a
 * Latin-1 character to its septet(s) (escape-table characters such as [ ] {
 * } ~ take two) and to 0xff when GSM 03.38 has no such character.  A Unicode
 * code point below 256 is its Latin-1 byte, so no charset table is needed
 * here.  Two GSM characters lie outside Latin-1 and outside libosmocore's
 * table: the euro sign (escape + 0x65) is handled below, the Greek capitals
 * are left out as libosmocore does (a text with them goes as UCS-2).
 *
 * Folding is a policy, not a charset: Spanish á í ó ú are not GSM 03.38 and
 * would force a 70-character UCS-2 message, so replies fold them to their
 * base letter (as most SMS gateways do) while the GSM letters stay.  The
 * segment arithmetic (160/153, 70/67) is the one of 3GPP TS 23.040.
 */
#include <string.h>
#include <errno.h>
#include <stdint.h>

#include <osmocom/core/talloc.h>
#include <osmocom/gsm/gsm_utils.h>

#include "sms/sms_text.h"

#define GSM_EXT_EURO 0x20ac

/* Folding: code point -> replacement (ASCII or a GSM letter, UTF-8). */
static const struct {
	uint32_t cp;
	const char *to;
} fold_table[] = {
	{ 0x00e1, "a" }, { 0x00e2, "a" }, { 0x00e3, "a" }, { 0x00c1, "A" }, { 0x00c0, "A" },
	{ 0x00c2, "A" }, { 0x00c3, "A" }, { 0x00ea, "e" }, { 0x00eb, "e" }, { 0x00c8, "E" },
	{ 0x00ca, "E" }, { 0x00cb, "E" }, { 0x00ed, "i" }, { 0x00ee, "i" }, { 0x00ef, "i" },
	{ 0x00cd, "I" }, { 0x00cc, "I" }, { 0x00ce, "I" }, { 0x00cf, "I" }, { 0x00f3, "o" },
	{ 0x00f4, "o" }, { 0x00f5, "o" }, { 0x00d3, "O" }, { 0x00d2, "O" }, { 0x00d4, "O" },
	{ 0x00d5, "O" }, { 0x00fa, "u" }, { 0x00fb, "u" }, { 0x00da, "U" }, { 0x00d9, "U" },
	{ 0x00db, "U" }, { 0x00e7, "\xc3\x87" }, { 0x00fd, "y" }, { 0x00ff, "y" },
	{ 0x00a0, " " }, { 0x2018, "'" }, { 0x2019, "'" }, { 0x201c, "\"" }, { 0x201d, "\"" },
	{ 0x2013, "-" }, { 0x2014, "-" }, { 0x2026, "..." }, { 0x0060, "'" },
};

/* Decode one code point; returns its byte length, 0 when invalid. */
static unsigned utf8_decode(const unsigned char *s, uint32_t *cp)
{
	unsigned len, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, *cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, *cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, *cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 2 && *cp < 0x80) || (len == 3 && *cp < 0x800) || (len == 4 && *cp < 0x10000)
	    || (*cp >= 0xd800 && *cp <= 0xdfff) || *cp > 0x10ffff)
		return 0;
	return len;
}

static const char *fold_of(uint32_t cp)
{
	size_t i;

	for (i = 0; i < sizeof(fold_table) / sizeof(fold_table[0]); i++)
		if (fold_table[i].cp == cp)
			return fold_table[i].to;
	return NULL;
}

/* Septets of one code point in GSM 03.38, 0 if it has none. */
static unsigned gsm_septets(uint32_t cp)
{
	uint8_t out[4];
	char in[2];
	int n;

	if (cp == GSM_EXT_EURO)
		return 2;
	if (cp == 0 || cp > 0xff)
		return 0;
	in[0] = (char)cp;	/* a code point below 256 is its Latin-1 byte */
	in[1] = '\0';
	n = gsm_septet_encode(out, in);
	if (n < 1 || n > 2 || out[n - 1] == 0xff)
		return 0;
	return n;
}

char *sms_text_fold(void *ctx, const char *utf8)
{
	const unsigned char *s = (const unsigned char *)utf8;
	char *out = talloc_strdup(ctx, "");
	uint32_t cp;
	unsigned n;

	while (*s) {
		const char *f;
		n = utf8_decode(s, &cp);
		if (!n) {
			out = talloc_strdup_append_buffer(out, "?");
			s++;
			continue;
		}
		f = fold_of(cp);
		if (f)
			out = talloc_strdup_append_buffer(out, f);
		else
			out = talloc_strndup_append_buffer(out, (const char *)s, n);
		s += n;
	}
	return out;
}

int sms_text_size(const char *utf8, bool fold, struct sms_size *out)
{
	const unsigned char *s;
	unsigned septets = 0, utf16 = 0, n;
	bool gsm = true;
	char *folded = NULL;
	uint32_t cp;

	for (s = (const unsigned char *)utf8; *s; s += n) {
		n = utf8_decode(s, &cp);
		if (!n)
			return -EINVAL;
	}
	if (fold)
		folded = sms_text_fold(NULL, utf8);
	s = (const unsigned char *)(folded ? folded : utf8);
	while (*s) {
		unsigned sep;
		n = utf8_decode(s, &cp);
		if (!n) {
			talloc_free(folded);
			return -EINVAL;
		}
		sep = gsm_septets(cp);
		if (!sep)
			gsm = false;
		septets += sep;
		utf16 += cp > 0xffff ? 2 : 1;
		s += n;
	}
	talloc_free(folded);
	if (gsm) {
		out->coding = SMS_CODING_GSM7;
		out->units = septets;
		out->segments = septets <= SMS_GSM7_SINGLE ? 1 : (septets + SMS_GSM7_PART - 1) / SMS_GSM7_PART;
	} else {
		out->coding = SMS_CODING_UCS2;
		out->units = utf16;
		out->segments = utf16 <= SMS_UCS2_SINGLE ? 1 : (utf16 + SMS_UCS2_PART - 1) / SMS_UCS2_PART;
	}
	if (!out->units)
		out->segments = 1;
	return 0;
}
