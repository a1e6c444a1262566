/* sip_divert.c -- who called which number, and who sent the call here: the
 * user parts the voice channel passes to its owner, read from the
 * request-URI, From, and the Diversion (RFC 5806) and History-Info
 * (RFC 7044) headers, which sofia-sip leaves as text.
 *
 * A user part reaches the owner unescaped, without its parameters, made
 * of [0-9A-Za-z+*#._-] only (a phone number loses its visual separators),
 * or not at all: flows and logs never see stray bytes.  Header lists are
 * split on commas outside <> and quotes; every read stays within the
 * text it was given, and no more than SIP_DIVERT_MAX_ENTRIES are looked
 * at.  A History-Info cause (RFC 4458 cause= or an escaped Reason) is
 * mapped to the Diversion reason RFC 7544 gives it.
 *
 * Not here: the SIP side that finds the headers (voice/sip.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "voice/sip_int.h"

#define SIP_DIVERT_MAX_ENTRIES	32

/* One entry of a name-addr list: its URI and its header parameters. */
struct divert_entry {
	const char *uri, *uri_end;
	const char *params, *params_end;
};

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool user_char_ok(char c)
{
	return c && (isalnum((unsigned char)c) || strchr("+*#._-", c));
}

bool sip_user_clean(const char *user, size_t len, char *out, size_t size)
{
	char tmp[SIP_USER_MAX * 3 + 1];
	size_t i, n = 0, o = 0;
	bool phone;
	int hi, lo;

	if (!user || !out || size < 2)
		return false;
	out[0] = '\0';
	for (i = 0; i < len && user[i] && user[i] != ';'; i++) {
		char c = user[i];

		if (c == '%' && i + 2 < len && (hi = hex_value(user[i + 1])) >= 0 &&
		    (lo = hex_value(user[i + 2])) >= 0) {
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (n >= sizeof(tmp) - 1)
			return false;
		tmp[n++] = c;
	}
	tmp[n] = '\0';
	phone = n && (tmp[0] == '+' || isdigit((unsigned char)tmp[0]));
	for (i = 0; i < n; i++) {
		if (phone && tmp[i] && strchr("-.()", tmp[i]))
			continue;	/* RFC 3966 visual separators */
		if (!user_char_ok(tmp[i]) || o >= SIP_USER_MAX || o >= size - 1) {
			out[0] = '\0';
			return false;
		}
		out[o++] = tmp[i];
	}
	out[o] = '\0';
	return o > 0;
}

/* The scheme's length if uri starts with sip:, sips: or tel: (*tel set). */
static size_t uri_scheme(const char *uri, size_t len, bool *tel)
{
	*tel = false;
	if (len >= 4 && !strncasecmp(uri, "sip:", 4))
		return 4;
	if (len >= 5 && !strncasecmp(uri, "sips:", 5))
		return 5;
	if (len >= 4 && !strncasecmp(uri, "tel:", 4)) {
		*tel = true;
		return 4;
	}
	return 0;
}

bool sip_uri_user(const char *uri, size_t len, char *out, size_t size)
{
	const char *u, *end, *at;
	size_t skip;
	bool tel;

	out[0] = '\0';
	while (len && isspace((unsigned char)*uri))
		uri++, len--;
	skip = uri_scheme(uri, len, &tel);
	if (!skip)
		return false;
	u = uri + skip;
	end = uri + len;
	if (tel) {
		const char *e = u;
		while (e < end && *e != ';' && *e != '?' && *e != '>')
			e++;
		return sip_user_clean(u, e - u, out, size);
	}
	at = memchr(u, '@', end - u);
	if (!at)
		return false;
	return sip_user_clean(u, at - u, out, size);
}

/* The next entry of a comma-separated name-addr list in [*p, end). */
static bool next_entry(const char **p, const char *end, const char **es, const char **ee)
{
	const char *s = *p;
	bool quoted = false, angle = false;

	while (s < end && (isspace((unsigned char)*s) || *s == ','))
		s++;
	if (s >= end)
		return false;
	*es = s;
	for (; s < end; s++) {
		if (quoted) {
			if (*s == '\\' && s + 1 < end)
				s++;
			else if (*s == '"')
				quoted = false;
		} else if (*s == '"') {
			quoted = true;
		} else if (*s == '<') {
			angle = true;
		} else if (*s == '>') {
			angle = false;
		} else if (*s == ',' && !angle) {
			break;
		}
	}
	*ee = s;
	*p = s;
	return true;
}

/* Split an entry into its URI and its parameters. */
static bool entry_split(const char *s, const char *end, struct divert_entry *e)
{
	const char *lt, *gt;

	while (s < end && isspace((unsigned char)*s))
		s++;
	if (s < end && *s == '"') {	/* display name */
		for (s++; s < end && *s != '"'; s++)
			if (*s == '\\' && s + 1 < end)
				s++;
		if (s < end)
			s++;
	}
	lt = memchr(s, '<', end - s);
	if (lt) {
		gt = memchr(lt, '>', end - lt);
		if (!gt)
			return false;
		e->uri = lt + 1;
		e->uri_end = gt;
		e->params = gt + 1;
	} else {
		while (s < end && isspace((unsigned char)*s))
			s++;
		e->uri = s;
		e->uri_end = memchr(s, ';', end - s);
		if (!e->uri_end)
			e->uri_end = end;
		e->params = e->uri_end;
	}
	e->params_end = end;
	return e->uri < e->uri_end;
}

/* The value of parameter name in a ;-separated list in [s, end), quotes
 * removed; false if it is not there or does not fit. */
static bool param_get(const char *s, const char *end, const char *name, char *out, size_t size)
{
	size_t nlen = strlen(name), o;
	const char *v, *ve;

	while (s < end) {
		while (s < end && (*s == ';' || isspace((unsigned char)*s)))
			s++;
		if ((size_t)(end - s) > nlen && !strncasecmp(s, name, nlen)) {
			v = s + nlen;
			while (v < end && isspace((unsigned char)*v))
				v++;
			if (v < end && *v == '=') {
				v++;
				while (v < end && isspace((unsigned char)*v))
					v++;
				if (v < end && *v == '"') {
					v++;
					ve = memchr(v, '"', end - v);
					if (!ve)
						ve = end;
				} else {
					for (ve = v; ve < end && *ve != ';' && !isspace((unsigned char)*ve); ve++)
						;
				}
				if ((size_t)(ve - v) >= size)
					return false;
				for (o = 0; v < ve; v++)
					out[o++] = *v;
				out[o] = '\0';
				return o > 0;
			}
		}
		while (s < end && *s != ';')
			s++;
	}
	return false;
}

/* "no-answer": a reason as we pass it on (lower case, [a-z0-9-]). */
static void reason_clean(const char *in, char *out, size_t size)
{
	size_t o = 0;

	for (; *in && o < size - 1; in++) {
		char c = tolower((unsigned char)*in);
		if (!isalnum((unsigned char)c) && c != '-')
			break;
		out[o++] = c;
	}
	out[o] = '\0';
	if (*in)
		out[0] = '\0';	/* something odd in it: say nothing rather than half */
}

/* The entries of all the values, in order. */
static unsigned entries_collect(const char *const *values, unsigned n, struct divert_entry *e, unsigned max)
{
	const char *p, *end, *es, *ee;
	unsigned i, k = 0;

	for (i = 0; i < n && k < max; i++) {
		if (!values[i])
			continue;
		p = values[i];
		end = p + strlen(p);
		while (k < max && next_entry(&p, end, &es, &ee))
			if (entry_split(es, ee, &e[k]))
				k++;
	}
	return k;
}

bool sip_divert_diversion(const char *const *values, unsigned n, struct sip_divert *d)
{
	struct divert_entry e[SIP_DIVERT_MAX_ENTRIES];
	char reason[SIP_REASON_MAX + 1];
	unsigned k, i;

	memset(d, 0, sizeof(*d));
	k = entries_collect(values, n, e, SIP_DIVERT_MAX_ENTRIES);
	for (i = 0; i < k; i++) {
		if (!sip_uri_user(e[i].uri, e[i].uri_end - e[i].uri, d->from, sizeof(d->from)))
			continue;
		if (param_get(e[i].params, e[i].params_end, "reason", reason, sizeof(reason)))
			reason_clean(reason, d->reason, sizeof(d->reason));
		return true;
	}
	return false;
}

/* The Diversion reason for a SIP cause (RFC 7544, section 5). */
static const char *cause_reason(int cause)
{
	switch (cause) {
	case 302:
		return "unconditional";
	case 486:
		return "user-busy";
	case 408:
		return "no-answer";
	case 480:
	case 487:
		return "deflection";
	case 503:
		return "unavailable";
	default:
		return "unknown";
	}
}

/* cause= among the URI parameters (RFC 4458), after the host. */
static int uri_cause_param(const struct divert_entry *e)
{
	const char *s = e->uri, *end = e->uri_end, *q, *at;
	char val[8];

	q = memchr(s, '?', end - s);
	if (q)
		end = q;
	at = memchr(s, '@', end - s);
	if (at)
		s = at;
	s = memchr(s, ';', end - s);
	if (!s || !param_get(s, end, "cause", val, sizeof(val)))
		return -1;
	return atoi(val);
}

/* The cause in an escaped Reason header of the URI (?Reason=SIP%3Bcause%3D486). */
static int uri_reason_cause(const struct divert_entry *e)
{
	const char *q = memchr(e->uri, '?', e->uri_end - e->uri);
	char hdrs[256], *r, *c;
	size_t i, o = 0;
	int hi, lo;

	if (!q)
		return -1;
	for (i = 1; q + i < e->uri_end && o < sizeof(hdrs) - 1; i++) {
		char ch = q[i];
		if (ch == '%' && q + i + 2 < e->uri_end && (hi = hex_value(q[i + 1])) >= 0 &&
		    (lo = hex_value(q[i + 2])) >= 0) {
			ch = (char)(hi * 16 + lo);
			i += 2;
		}
		hdrs[o++] = ch ? ch : ' ';
	}
	hdrs[o] = '\0';
	r = strcasestr(hdrs, "reason=");
	if (!r)
		return -1;
	c = strcasestr(r, "cause=");
	if (!c || !isdigit((unsigned char)c[6]))
		return -1;
	return atoi(c + 6);
}

bool sip_divert_history(const char *const *values, unsigned n, const char *called, struct sip_divert *d)
{
	struct divert_entry e[SIP_DIVERT_MAX_ENTRIES];
	char user[SIP_USER_MAX + 1];
	unsigned k, i, j;
	int cause = -1;

	memset(d, 0, sizeof(*d));
	k = entries_collect(values, n, e, SIP_DIVERT_MAX_ENTRIES);
	for (i = k; i-- > 0;) {
		if (!sip_uri_user(e[i].uri, e[i].uri_end - e[i].uri, user, sizeof(user)))
			continue;
		if (called && !strcmp(user, called))
			continue;
		snprintf(d->from, sizeof(d->from), "%s", user);
		for (j = i + 1; j < k && cause < 0; j++)
			cause = uri_cause_param(&e[j]);
		if (cause < 0)
			cause = uri_reason_cause(&e[i]);
		if (cause >= 0)
			snprintf(d->reason, sizeof(d->reason), "%s", cause_reason(cause));
		return true;
	}
	return false;
}
