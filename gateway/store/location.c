/* location.c -- the normalized form of a location a resident gave, which is
 * what dedup compares: "12 Main Street." and "12 main st" are one pothole.
 *
 * Two passes.  The first folds the text character by character: ASCII to
 * lower case, Latin letters with accents (UTF-8, U+00C0..U+017F, and
 * combining marks) to their base letters, apostrophes dropped ("O'Hara"),
 * a period dropped after a lone letter ("N.W.") and otherwise a word break
 * like every other punctuation mark; letters of other scripts are kept as
 * they are.  The second works on words: street words and compass points are
 * abbreviated the way US addresses write them ("avenue" -> "ave", "north" ->
 * "n", "first" -> "1st", "&" -> "and"), "n w" becomes "nw", and the words
 * are joined by single spaces.  It does not geocode: "12 Main St" and
 * "the corner of Main and 1st" stay different places.
 */
#include <string.h>
#include <stdint.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "store.h"

/* Base letters of U+00C0..U+017F; '*' is a letter folding to two
 * (see fold_pair()), ' ' a symbol (multiplication and division signs). */
static const char latin_fold[] =
	"aaaaaa*ceeeeiiiidnooooo ouuuuy**"	/* U+00C0 */
	"aaaaaa*ceeeeiiiidnooooo ouuuuy*y"	/* U+00E0 */
	"aaaaaaccccccccddddeeeeeeeeeegggg"	/* U+0100 */
	"gggghhhhiiiiiiiiii**jjkkklllllll"	/* U+0120 */
	"lllnnnnnnnnnoooooo**rrrrrrssssss"	/* U+0140 */
	"ssttttttuuuuuuuuuuuuwwyyyzzzzzzs";	/* U+0160 */

static const char *fold_pair(uint32_t cp)
{
	switch (cp) {
	case 0xc6: case 0xe6:
		return "ae";
	case 0xde: case 0xfe:
		return "th";
	case 0xdf:
		return "ss";
	case 0x132: case 0x133:
		return "ij";
	case 0x152: case 0x153:
		return "oe";
	default:
		return " ";
	}
}

/* Words as residents write them -> as the normalized form writes them. */
struct word_abbr {
	const char *word;
	const char *abbr;
};

static const struct word_abbr word_abbrs[] = {
	{ "street", "st" }, { "str", "st" }, { "saint", "st" },
	{ "avenue", "ave" }, { "av", "ave" }, { "aven", "ave" },
	{ "road", "rd" },
	{ "boulevard", "blvd" }, { "boul", "blvd" }, { "blv", "blvd" },
	{ "drive", "dr" },
	{ "lane", "ln" },
	{ "place", "pl" },
	{ "court", "ct" },
	{ "terrace", "ter" },
	{ "square", "sq" },
	{ "circle", "cir" },
	{ "highway", "hwy" },
	{ "parkway", "pkwy" },
	{ "expressway", "expy" },
	{ "freeway", "fwy" },
	{ "alley", "aly" },
	{ "plaza", "plz" },
	{ "trail", "trl" },
	{ "crescent", "cres" },
	{ "heights", "hts" },
	{ "center", "ctr" }, { "centre", "ctr" },
	{ "mount", "mt" },
	{ "apartment", "apt" },
	{ "suite", "ste" },
	{ "building", "bldg" },
	{ "north", "n" }, { "south", "s" }, { "east", "e" }, { "west", "w" },
	{ "northeast", "ne" }, { "northwest", "nw" },
	{ "southeast", "se" }, { "southwest", "sw" },
	{ "&", "and" },
	{ "first", "1st" }, { "second", "2nd" }, { "third", "3rd" },
	{ "fourth", "4th" }, { "fifth", "5th" }, { "sixth", "6th" },
	{ "seventh", "7th" }, { "eighth", "8th" }, { "ninth", "9th" },
	{ "tenth", "10th" },
};

static const char *abbreviate(const char *word)
{
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(word_abbrs); i++) {
		if (strcmp(word, word_abbrs[i].word) == 0)
			return word_abbrs[i].abbr;
	}
	return word;
}

/* Decode one UTF-8 sequence at s (NUL-terminated).  Returns its length and
 * sets *cp, or returns 1 with *cp = UINT32_MAX for a byte that starts no
 * valid sequence.  Never reads past the terminating NUL: a NUL is no
 * continuation byte. */
static int utf8_next(const unsigned char *s, uint32_t *cp)
{
	uint32_t c, min;
	int n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 1; c = s[0] & 0x1f; min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 2; c = s[0] & 0x0f; min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 3; c = s[0] & 0x07; min = 0x10000;
	} else {
		*cp = UINT32_MAX;
		return 1;
	}
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = UINT32_MAX;
			return 1;
		}
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
		*cp = UINT32_MAX;
		return 1;
	}
	*cp = c;
	return n + 1;
}

/* The first pass's output: words separated by single spaces. */
struct fold_buf {
	char *buf;
	size_t len;
	size_t word_len;	/* bytes of the word being written */
};

static void fold_put(struct fold_buf *f, const char *s, size_t n)
{
	memcpy(f->buf + f->len, s, n);
	f->len += n;
	f->word_len += n;
}

static void fold_break(struct fold_buf *f)
{
	if (f->len && f->buf[f->len - 1] != ' ')
		f->buf[f->len++] = ' ';
	f->word_len = 0;
}

static void fold_ascii(struct fold_buf *f, char c)
{
	if (c >= 'A' && c <= 'Z')
		c = c - 'A' + 'a';
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
		fold_put(f, &c, 1);
		return;
	}
	switch (c) {
	case '\'':
	case '`':
		return;
	case '.':
		/* "N.W." is one word, "St.Mark" two */
		if (f->word_len == 1 && f->buf[f->len - 1] >= 'a' && f->buf[f->len - 1] <= 'z')
			return;
		fold_break(f);
		return;
	case '&':
		fold_break(f);
		fold_put(f, "&", 1);
		fold_break(f);
		return;
	default:
		fold_break(f);
		return;
	}
}

static void fold_char(struct fold_buf *f, const unsigned char *s, int n, uint32_t cp)
{
	if (cp < 0x80) {
		fold_ascii(f, (char)cp);
	} else if (cp >= 0xc0 && cp <= 0x17f) {
		char c = latin_fold[cp - 0xc0];
		const char *pair;

		if (c == '*') {
			pair = fold_pair(cp);
			fold_put(f, pair, 2);
		} else if (c == ' ') {
			fold_break(f);
		} else {
			fold_put(f, &c, 1);
		}
	} else if (cp >= 0x300 && cp <= 0x36f) {
		/* combining accents of decomposed text */
	} else if (cp == 0x2018 || cp == 0x2019) {
		/* typographic apostrophes */
	} else if (cp < 0xc0 || (cp >= 0x2000 && cp <= 0x206f) || cp == UINT32_MAX) {
		/* Latin-1 symbols, no-break space, general punctuation */
		fold_break(f);
	} else {
		/* a letter of another script: kept as written */
		fold_put(f, (const char *)s, n);
	}
}

static bool is_ns(const char *w)
{
	return strcmp(w, "n") == 0 || strcmp(w, "s") == 0;
}

static bool is_ew(const char *w)
{
	return strcmp(w, "e") == 0 || strcmp(w, "w") == 0;
}

char *store_location_norm(void *ctx, const char *location)
{
	struct fold_buf f = {};
	const unsigned char *s;
	const char *prev = NULL;
	char *out, *word, *save = NULL;
	uint32_t cp;
	int n;

	if (!location)
		return talloc_strdup(ctx, "");

	/* every input byte gives at most 3 bytes (" & ") */
	f.buf = talloc_size(ctx, strlen(location) * 3 + 1);
	if (!f.buf)
		return NULL;
	for (s = (const unsigned char *)location; *s; s += n) {
		n = utf8_next(s, &cp);
		fold_char(&f, s, n, cp);
	}
	f.buf[f.len] = '\0';

	out = talloc_strdup(ctx, "");
	for (word = strtok_r(f.buf, " ", &save); word && out; word = strtok_r(NULL, " ", &save)) {
		const char *w = abbreviate(word);

		if (prev && is_ns(prev) && is_ew(w)) {
			/* "n w" -> "nw": drop the space before it */
			out = talloc_strdup_append_buffer(out, w);
			prev = NULL;
			continue;
		}
		if (*out)
			out = talloc_strdup_append_buffer(out, " ");
		if (out)
			out = talloc_strdup_append_buffer(out, w);
		prev = w;
	}
	talloc_free(f.buf);
	return out;
}
