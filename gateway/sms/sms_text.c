/* sms_text.c -- SMS text: sizing, accent folding, and the encoding of
 * replies into SMPP parts and of received short_message bytes into UTF-8.
 * The SMPP session itself (binds, PDUs, windows) is sms/smpp.c; what a text
 * says is the flow's business.
 *
 * The GSM 03.38 alphabet comes from libosmocore: gsm_septet_encode() maps a
 * Latin-1 character to its septet(s) (escape-table characters such as [ ] {
 * } ~ take two).  A Unicode code point below 256 is its Latin-1 byte, so no
 * charset table of our own is needed: gsm_alphabet() asks libosmocore once
 * for every Latin-1 character and keeps both directions.  libosmocore 1.7's
 * table needs care, and its decoder cannot be used at all:
 *  - the table merges its septet -> Latin-1 entries for the extension
 *    characters into the Latin-1 -> septet range, at 0x7f + septet, so
 *    gsm_septet_encode() sends "¿" as ö, "§" as ä, "»" as Ä; those slots (and
 *    the C1 controls) are skipped here;
 *  - it has 255 entries, so "ÿ" (0xff) reads past it: never asked;
 *  - gsm_septet_lookup(), behind gsm_7bit_decode_n_hdr(), returns the first
 *    Latin-1 byte with a septet, a reverse slot as often as not: ñ comes back
 *    as "¨", ä as "§"; and after an escape it indexes the reverse slots with
 *    any septet.  So decoding uses our inverse of the encode direction.
 * Four GSM characters are outside libosmocore's table and added here: the
 * euro sign (escape + 0x65, outside Latin-1), and ¤ § ¿ which it lacks or
 * maps wrongly (¿ matters: Spanish questions start with it).  The Greek
 * capitals are left out as libosmocore does: a text with them goes as UCS-2,
 * and a received one decodes to U+FFFD.
 *
 * Folding is a policy, not a charset: Spanish á í ó ú are not GSM 03.38 and
 * would force a 70-character UCS-2 message, so replies fold them to their
 * base letter (as most SMS gateways do) while the GSM letters stay.  A text
 * that needs UCS-2 anyway (an emoji, say) is not folded: nothing is saved.  The
 * segment arithmetic (160/153, 70/67) is the one of 3GPP TS 23.040; a long
 * text is cut at character boundaries, so an escape pair or a surrogate pair
 * moves whole to the next part and a part may carry 152 septets / 66 units.
 */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <stdint.h>
#include <stdbool.h>

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

unsigned sms_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
	unsigned len, i;

	if (!avail)
		return 0;
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
	if (len > avail)
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

/* The same on a NUL-terminated string (a NUL is never a continuation
 * byte, so a sequence cut short by the end is refused there). */
static unsigned utf8_decode(const unsigned char *s, uint32_t *cp)
{
	return sms_utf8_decode(s, SIZE_MAX, cp);
}

static const char *fold_of(uint32_t cp)
{
	size_t i;

	for (i = 0; i < sizeof(fold_table) / sizeof(fold_table[0]); i++)
		if (fold_table[i].cp == cp)
			return fold_table[i].to;
	return NULL;
}

/* GSM 03.38 as libosmocore's table knows it, in both directions. */
struct gsm_alphabet {
	bool ready;
	uint8_t n[256];			/* Latin-1 -> 1 or 2 septets, 0: not GSM */
	uint8_t septets[256][2];	/* escape 0x1b first when n is 2 */
	uint16_t basic[128];		/* septet -> code point, 0: unknown */
	uint16_t ext[128];		/* septet after an escape -> code point */
};

#define GSM_ESCAPE	0x1b
#define GSM_EURO_SEPTET	0x65

/* GSM 03.38 characters of Latin-1 that libosmocore 1.7 lacks or maps to
 * another letter; used only while its own answer is missing. */
static const struct {
	uint8_t latin1;
	uint8_t septet;
} gsm_libosmocore_gaps[] = {
	{ 0xa4, 0x24 },	/* ¤ */
	{ 0xa7, 0x5f },	/* § (libosmocore: 0x7b, ä) */
	{ 0xbf, 0x60 },	/* ¿ (libosmocore: 0x7c, ö) */
};

static unsigned latin1_septets(uint8_t c, uint8_t out[4])
{
	char in[2] = { (char)c, '\0' };

	return gsm_septet_encode(out, in);
}

/* Ask libosmocore, on first use, for every Latin-1 character (see the top
 * of the file for the slots skipped); a septet claimed twice keeps its
 * first character, so that decoding is always the inverse of encoding. */
static const struct gsm_alphabet *gsm_alphabet(void)
{
	static struct gsm_alphabet a;
	bool reverse_slot[256] = { false };
	uint8_t out[4];
	unsigned c, n, i;

	if (a.ready)
		return &a;
	for (c = 1; c < 0x80; c++) {
		n = latin1_septets(c, out);
		if (n != 2 || out[0] != GSM_ESCAPE || out[1] > 0x7f || a.ext[out[1]])
			continue;
		a.n[c] = 2;
		a.septets[c][0] = GSM_ESCAPE;
		a.septets[c][1] = out[1];
		a.ext[out[1]] = c;
		reverse_slot[0x7f + out[1]] = true;
	}
	a.ext[GSM_EURO_SEPTET] = GSM_EXT_EURO;
	for (c = 1; c < 0xff; c++) {
		if ((c >= 0x80 && c < 0xa0) || reverse_slot[c])
			continue;
		n = latin1_septets(c, out);
		if (n != 1 || out[0] > 0x7f || out[0] == GSM_ESCAPE || a.basic[out[0]])
			continue;
		a.n[c] = 1;
		a.septets[c][0] = out[0];
		a.basic[out[0]] = c;
	}
	for (i = 0; i < sizeof(gsm_libosmocore_gaps) / sizeof(gsm_libosmocore_gaps[0]); i++) {
		uint8_t sep = gsm_libosmocore_gaps[i].septet;
		c = gsm_libosmocore_gaps[i].latin1;
		if (a.n[c] || a.basic[sep])
			continue;
		a.n[c] = 1;
		a.septets[c][0] = sep;
		a.basic[sep] = c;
	}
	a.ready = true;
	return &a;
}

/* Septets of one code point in GSM 03.38 (written to sep when not NULL),
 * 0 if it has none. */
static unsigned gsm_septets(uint32_t cp, uint8_t sep[2])
{
	const struct gsm_alphabet *a = gsm_alphabet();

	if (cp == GSM_EXT_EURO) {
		if (sep) {
			sep[0] = GSM_ESCAPE;
			sep[1] = GSM_EURO_SEPTET;
		}
		return 2;
	}
	if (cp > 0xff || !a->n[cp])
		return 0;
	if (sep)
		memcpy(sep, a->septets[cp], a->n[cp]);
	return a->n[cp];
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
		sep = gsm_septets(cp, NULL);
		if (!sep)
			gsm = false;
		septets += sep;
		utf16 += cp > 0xffff ? 2 : 1;
		s += n;
	}
	talloc_free(folded);
	/* folding only helps when it makes the text GSM 03.38: a text that
	 * needs UCS-2 anyway (an emoji) keeps its accents */
	if (fold && !gsm)
		return sms_text_size(utf8, false, out);
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

/* Encoding.  The text becomes one array of units (septets, or UTF-16
 * units) and is then cut into parts; a unit that needs the next one (an
 * escape, a high surrogate) never ends a part that has more to follow. */

#define SMS_MAX_PARTS		255

static bool unit_needs_next(enum sms_coding coding, uint16_t u)
{
	if (coding == SMS_CODING_GSM7)
		return u == GSM_ESCAPE;
	return u >= 0xd800 && u <= 0xdbff;
}

/* The end of the part that starts at pos: at most max units. */
static size_t part_end(enum sms_coding coding, const uint16_t *units, size_t total,
		       size_t pos, size_t max)
{
	size_t end = pos + max;

	if (end >= total)
		return total;
	if (unit_needs_next(coding, units[end - 1]))
		end--;
	return end;
}

/* The units of a valid UTF-8 text: septets when every character is GSM,
 * else UTF-16.  Returns the unit count; *units is allocated under ctx. */
static size_t text_units(void *ctx, const char *utf8, enum sms_coding *coding, uint16_t **units)
{
	const unsigned char *s;
	size_t len = strlen(utf8), k = 0;
	uint8_t sep[2];
	uint32_t cp;
	unsigned n, i;

	*coding = SMS_CODING_GSM7;
	for (s = (const unsigned char *)utf8; *s; s += n) {
		n = utf8_decode(s, &cp);
		if (!gsm_septets(cp, NULL)) {
			*coding = SMS_CODING_UCS2;
			break;
		}
	}
	/* a character takes at most two units and at least one byte */
	*units = talloc_array(ctx, uint16_t, 2 * len + 1);
	for (s = (const unsigned char *)utf8; *s; s += n) {
		n = utf8_decode(s, &cp);
		if (*coding == SMS_CODING_GSM7) {
			unsigned m = gsm_septets(cp, sep);
			for (i = 0; i < m; i++)
				(*units)[k++] = sep[i];
		} else if (cp > 0xffff) {
			cp -= 0x10000;
			(*units)[k++] = 0xd800 | (cp >> 10);
			(*units)[k++] = 0xdc00 | (cp & 0x3ff);
		} else {
			(*units)[k++] = cp;
		}
	}
	return k;
}

static void part_fill(struct sms_part *p, enum sms_coding coding, const uint16_t *units,
		      size_t count, bool udhi, uint8_t ref, unsigned total, unsigned seq)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	p->data_coding = coding == SMS_CODING_GSM7 ? SMS_DCS_DEFAULT : SMS_DCS_UCS2;
	p->udhi = udhi;
	if (udhi) {
		p->data[p->len++] = 0x05;	/* UDH length */
		p->data[p->len++] = 0x00;	/* IE: concatenation, 8-bit reference */
		p->data[p->len++] = 0x03;	/* IE length */
		p->data[p->len++] = ref;
		p->data[p->len++] = total;
		p->data[p->len++] = seq;
	}
	for (i = 0; i < count; i++) {
		if (coding == SMS_CODING_GSM7) {
			p->data[p->len++] = units[i];
		} else {
			p->data[p->len++] = units[i] >> 8;
			p->data[p->len++] = units[i] & 0xff;
		}
	}
}

int sms_text_encode(void *ctx, const char *utf8, bool fold, uint8_t ref,
		    struct sms_part **parts, unsigned *n)
{
	const unsigned char *s;
	enum sms_coding coding;
	size_t total, pos, end, single, max;
	unsigned count, i, len;
	uint16_t *units;
	char *text;
	void *tmp;
	uint32_t cp;

	*parts = NULL;
	*n = 0;
	for (s = (const unsigned char *)utf8; *s; s += len) {
		len = utf8_decode(s, &cp);
		if (!len)
			return -EINVAL;
	}
	tmp = talloc_new(NULL);
	text = fold ? sms_text_fold(tmp, utf8) : talloc_strdup(tmp, utf8);
	total = text_units(tmp, text, &coding, &units);
	if (fold && coding == SMS_CODING_UCS2) {
		/* as in sms_text_size(): UCS-2 anyway, so keep the accents */
		text = talloc_strdup(tmp, utf8);
		total = text_units(tmp, text, &coding, &units);
	}
	single = coding == SMS_CODING_GSM7 ? SMS_GSM7_SINGLE : SMS_UCS2_SINGLE;
	max = coding == SMS_CODING_GSM7 ? SMS_GSM7_PART : SMS_UCS2_PART;

	if (total <= single) {
		*parts = talloc_array(ctx, struct sms_part, 1);
		part_fill(&(*parts)[0], coding, units, total, false, 0, 1, 1);
		*n = 1;
		talloc_free(tmp);
		return 0;
	}
	for (count = 0, pos = 0; pos < total; count++)
		pos = part_end(coding, units, total, pos, max);
	if (count > SMS_MAX_PARTS) {
		talloc_free(tmp);
		return -E2BIG;
	}
	*parts = talloc_array(ctx, struct sms_part, count);
	for (i = 0, pos = 0; i < count; i++, pos = end) {
		end = part_end(coding, units, total, pos, max);
		part_fill(&(*parts)[i], coding, units + pos, end - pos, true, ref, count, i + 1);
	}
	*n = count;
	talloc_free(tmp);
	return 0;
}

/* Decoding.  Every read below is bounded by the length it was given. */

static size_t utf8_put(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = 0xc0 | (cp >> 6);
		out[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = 0xe0 | (cp >> 12);
		out[1] = 0x80 | ((cp >> 6) & 0x3f);
		out[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	out[0] = 0xf0 | (cp >> 18);
	out[1] = 0x80 | ((cp >> 12) & 0x3f);
	out[2] = 0x80 | ((cp >> 6) & 0x3f);
	out[3] = 0x80 | (cp & 0x3f);
	return 4;
}

/* The user data header: its length octet and information elements.  On
 * success *hdr_len is the octets it takes, length octet included. */
static int udh_parse(const uint8_t *data, size_t len, struct sms_concat *concat,
		     size_t *hdr_len, const char **why)
{
	size_t end, i;

	if (len < 1) {
		*why = "UDHI set but no user data header";
		return -EINVAL;
	}
	end = 1 + (size_t)data[0];
	if (end > len) {
		*why = "user data header longer than the message";
		return -EINVAL;
	}
	for (i = 1; i < end; ) {
		uint8_t iei, iel;
		const uint8_t *v;

		if (end - i < 2) {
			*why = "user data header information element cut short";
			return -EINVAL;
		}
		iei = data[i];
		iel = data[i + 1];
		v = data + i + 2;
		if (iel > end - i - 2) {
			*why = "user data header information element runs past the header";
			return -EINVAL;
		}
		if (iei == 0x00 || iei == 0x08) {
			if (iel != (iei == 0x00 ? 3 : 4)) {
				*why = "concatenation element of the wrong length";
				return -EINVAL;
			}
			if (iei == 0x00) {
				concat->ref = v[0];
				v += 1;
			} else {
				concat->ref = (v[0] << 8) | v[1];
				v += 2;
			}
			concat->total = v[0];
			concat->seq = v[1];
			concat->present = true;
			if (!concat->total) {
				*why = "concatenation with 0 parts";
				return -EINVAL;
			}
			if (!concat->seq || concat->seq > concat->total) {
				*why = "concatenation sequence number outside 1..total";
				return -EINVAL;
			}
		}
		i += 2 + iel;
	}
	*hdr_len = end;
	return 0;
}

/* GSM 03.38, one septet per octet.  An escape before a septet the
 * extension table lacks stands for nothing (TS 23.038 6.2.1.1: show the
 * basic character); one at the end or before another escape, for a space.
 * Septets libosmocore's table lacks (the Greek capitals) become U+FFFD. */
static int decode_gsm(char *out, size_t *k, const uint8_t *p, size_t len, const char **why)
{
	const struct gsm_alphabet *a = gsm_alphabet();
	size_t i;

	for (i = 0; i < len; i++) {
		uint32_t cp;

		if (p[i] > 0x7f) {
			*why = "GSM 7-bit text with an octet above 0x7f";
			return -EINVAL;
		}
		if (p[i] == GSM_ESCAPE && i + 1 < len && p[i + 1] != GSM_ESCAPE) {
			uint8_t e = p[++i];
			if (e > 0x7f) {
				*why = "GSM 7-bit text with an octet above 0x7f";
				return -EINVAL;
			}
			cp = a->ext[e] ? a->ext[e] : a->basic[e];
		} else if (p[i] == GSM_ESCAPE) {
			cp = ' ';
		} else {
			cp = a->basic[p[i]];
		}
		*k += utf8_put(out + *k, cp ? cp : 0xfffd);
	}
	return 0;
}

static int decode_ucs2(char *out, size_t *k, const uint8_t *p, size_t len, const char **why)
{
	size_t i;

	if (len % 2) {
		*why = "UCS-2 text of odd length";
		return -EINVAL;
	}
	for (i = 0; i < len; i += 2) {
		uint32_t cp = (p[i] << 8) | p[i + 1];

		if (cp >= 0xdc00 && cp <= 0xdfff) {
			*why = "UCS-2 text with an unpaired low surrogate";
			return -EINVAL;
		}
		if (cp >= 0xd800 && cp <= 0xdbff) {
			uint32_t lo = i + 3 < len ? (uint32_t)(p[i + 2] << 8) | p[i + 3] : 0;
			if (lo < 0xdc00 || lo > 0xdfff) {
				*why = "UCS-2 text with an unpaired high surrogate";
				return -EINVAL;
			}
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		}
		if (!cp) {
			*why = "NUL character in the text";
			return -EINVAL;
		}
		*k += utf8_put(out + *k, cp);
	}
	return 0;
}

/* IA5 (ASCII) or Latin-1: one octet, one code point. */
static int decode_octets(char *out, size_t *k, const uint8_t *p, size_t len, bool ia5,
			 const char **why)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (ia5 && p[i] > 0x7f) {
			*why = "IA5 text with an octet above 0x7f";
			return -EINVAL;
		}
		if (!p[i]) {
			*why = "NUL character in the text";
			return -EINVAL;
		}
		*k += utf8_put(out + *k, p[i]);
	}
	return 0;
}

int sms_text_decode(void *ctx, uint8_t data_coding, bool udhi, const uint8_t *data, size_t len,
		    char **utf8, struct sms_concat *concat, const char **why)
{
	struct sms_concat unused;
	const char *unused_why;
	size_t hdr = 0, k = 0;
	char *out;
	int rc;

	*utf8 = NULL;
	if (!concat)
		concat = &unused;
	if (!why)
		why = &unused_why;
	memset(concat, 0, sizeof(*concat));
	*why = NULL;
	if (!data)
		len = 0;

	if (data_coding != SMS_DCS_DEFAULT && data_coding != SMS_DCS_IA5
	    && data_coding != SMS_DCS_LATIN1 && data_coding != SMS_DCS_UCS2
	    && (data_coding & 0xfc) != 0xf0) {
		/* valid until the next call, as osmo_hexdump()'s buffer is */
		static char unsupported[40];
		snprintf(unsupported, sizeof(unsupported), "unsupported data_coding 0x%02x", data_coding);
		*why = unsupported;
		return -EINVAL;
	}
	if (udhi) {
		rc = udh_parse(data, len, concat, &hdr, why);
		if (rc < 0)
			goto fail;
		data += hdr;
		len -= hdr;
	}

	/* worst case: a septet or an octet becomes three bytes (U+FFFD, €) */
	out = talloc_size(ctx, 3 * len + 1);
	if (!out) {
		*why = "out of memory";
		rc = -ENOMEM;
		goto fail;
	}
	switch (data_coding) {
	case SMS_DCS_IA5:
		rc = decode_octets(out, &k, data, len, true, why);
		break;
	case SMS_DCS_LATIN1:
		rc = decode_octets(out, &k, data, len, false, why);
		break;
	case SMS_DCS_UCS2:
		rc = decode_ucs2(out, &k, data, len, why);
		break;
	default:	/* 0x00 and 0xf0..0xf3: GSM 7-bit, message class in the low bits */
		rc = decode_gsm(out, &k, data, len, why);
		break;
	}
	if (rc < 0) {
		talloc_free(out);
		goto fail;
	}
	out[k] = '\0';
	*utf8 = out;
	return 0;

fail:
	memset(concat, 0, sizeof(*concat));
	return rc;
}
