/* sip_dtmf.c -- a digit out of a SIP INFO body: application/dtmf-relay
 * (Cisco's "Signal=5\r\nDuration=160", the common one) and
 * application/dtmf (the digit alone).  Lines end in CRLF or LF, keys are
 * matched without regard to case, blanks around '=' are allowed, other
 * lines are ignored; a signal may be the character or its RFC 4733 event
 * number (10 is '*', 11 '#', 12..15 'A'..'D').  Anything else -- no
 * signal, two signals, a duration that is not a number -- is not a digit,
 * and voice/sip.c answers it with 400.  Every read is bounded by the
 * body's length; the body need not end in NUL.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "voice/sip_int.h"

/* A key from text [s, e): "5", "*", "a", "11". */
static bool key_parse(const char *s, const char *e, char *key)
{
	static const char events[] = "0123456789*#ABCD";
	unsigned v = 0;
	size_t n = e - s;

	if (n == 1) {
		char c = toupper((unsigned char)*s);
		if (!strchr(events, c) || !c)
			return false;
		*key = c;
		return true;
	}
	if (n != 2 || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
		return false;
	v = (s[0] - '0') * 10 + (s[1] - '0');
	if (v >= sizeof(events) - 1)
		return false;
	*key = events[v];
	return true;
}

static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

bool sip_dtmf_relay_parse(const char *body, size_t len, char *key, unsigned *duration_ms)
{
	const char *p = body, *end = body + len, *line_end, *eq, *ks, *ke, *vs, *ve;
	bool have_key = false;
	unsigned long ms = 0;

	*duration_ms = 0;
	if (!body || !len || len > SIP_DTMF_MAX_BODY)
		return false;
	for (; p < end; p = line_end + 1) {
		line_end = memchr(p, '\n', end - p);
		if (!line_end)
			line_end = end;
		eq = memchr(p, '=', line_end - p);
		if (!eq)
			continue;
		ks = p, ke = eq, vs = eq + 1, ve = line_end;
		trim(&ks, &ke);
		trim(&vs, &ve);
		if (ke - ks == 6 && !strncasecmp(ks, "Signal", 6)) {
			if (have_key || !key_parse(vs, ve, key))
				return false;
			have_key = true;
		} else if (ke - ks == 8 && !strncasecmp(ks, "Duration", 8)) {
			if (vs == ve || ve - vs > 6)
				return false;
			for (ms = 0; vs < ve; vs++) {
				if (!isdigit((unsigned char)*vs))
					return false;
				ms = ms * 10 + (*vs - '0');
			}
			if (ms > SIP_DTMF_MAX_MS)
				return false;
		}
	}
	*duration_ms = ms;
	return have_key;
}

bool sip_dtmf_parse(const char *body, size_t len, char *key)
{
	const char *s = body, *e = body + len;

	if (!body || !len || len > SIP_DTMF_MAX_BODY)
		return false;
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	return key_parse(s, e, key);
}
