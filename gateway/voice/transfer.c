/* transfer.c -- the agent lookup, the context and the REFER headers of a
 * transfer (voice/transfer.h).  The context is built from what the flow
 * controls (a case id, a language code, state names), so it is plain
 * ASCII; it is still escaped for the URI and checked for the header. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <osmocom/core/talloc.h>

#include "voice/transfer.h"

const struct voice_agent *voice_agent_find(const struct llist_head *agents, const char *queue,
					   const char *lang)
{
	const struct voice_agent *a, *any = NULL;

	llist_for_each_entry(a, agents, list) {
		if (strcmp(a->queue, queue))
			continue;
		if (!a->lang)
			any = any ? any : a;
		else if (lang && !strcmp(a->lang, lang))
			return a;
	}
	return any;
}

char *voice_transfer_context(void *ctx, const char *case_id, const char *lang, const char *path,
			     size_t max)
{
	char *head, *out;
	size_t room;

	head = talloc_asprintf(ctx, "%s%s%slang=%s", case_id && *case_id ? "case=" : "",
			       case_id && *case_id ? case_id : "", case_id && *case_id ? ";" : "",
			       lang ? lang : "");
	if (!path || !*path || strlen(head) + strlen(";path=") >= max)
		return head;
	room = max - strlen(head) - strlen(";path=");
	if (strlen(path) > room) {
		/* drop whole states from the start until the rest fits after "..>" */
		const char *rest = path;
		while ((rest = strchr(rest, '>')) && strlen(rest + 1) + 3 > room)
			rest++;
		if (!rest)
			return head;
		out = talloc_asprintf(ctx, "%s;path=..>%s", head, rest + 1);
		talloc_free(head);
		return out;
	}
	out = talloc_asprintf(ctx, "%s;path=%s", head, path);
	talloc_free(head);
	return out;
}

/* RFC 3261 token characters: what a header name is made of. */
static int header_name_ok(const char *s)
{
	if (!*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')
		      || strchr("-.!%*_+`'~", *s)))
			return 0;
	return 1;
}

/* A URI header value: unreserved characters as they are, the rest %XX. */
static char *uri_escape(void *ctx, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = talloc_array(ctx, char, 3 * strlen(s) + 1), *o = out;

	for (; *s; s++) {
		unsigned char ch = *s;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
		    || strchr("-_.!~*'()", ch)) {
			*o++ = ch;
		} else {
			*o++ = '%';
			*o++ = hex[ch >> 4];
			*o++ = hex[ch & 15];
		}
	}
	*o = '\0';
	return out;
}

int voice_transfer_refer(void *ctx, const char *uri, const char *header, const char *context,
			 char **refer_to, char **header_line)
{
	char *value, *esc;
	const char *p;

	if (!header_name_ok(header))
		return -EINVAL;
	for (p = context; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return -EINVAL;
	if (!strcasecmp(header, VOICE_UUI_HEADER)) {
		static const char hex[] = "0123456789abcdef";
		char *h = talloc_array(ctx, char, 2 * strlen(context) + 1), *o = h;
		for (p = context; *p; p++) {
			*o++ = hex[(unsigned char)*p >> 4];
			*o++ = hex[*p & 15];
		}
		*o = '\0';
		value = talloc_asprintf(ctx, "%s;encoding=hex", h);
		talloc_free(h);
	} else {
		value = talloc_strdup(ctx, context);
	}
	esc = uri_escape(ctx, value);
	*refer_to = talloc_asprintf(ctx, "<%s%c%s=%s>", uri, strchr(uri, '?') ? '&' : '?', header, esc);
	*header_line = talloc_asprintf(ctx, "%s: %s", header, value);
	talloc_free(esc);
	talloc_free(value);
	return 0;
}

void voice_latency_add(struct voice_latency *l, uint32_t us)
{
	l->us[l->n++ % VOICE_LAT_SAMPLES] = us;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

uint32_t voice_latency_pct(const struct voice_latency *l, unsigned p)
{
	unsigned n = l->n < VOICE_LAT_SAMPLES ? l->n : VOICE_LAT_SAMPLES, i;
	uint32_t sorted[VOICE_LAT_SAMPLES], v;

	if (!n)
		return 0;
	memcpy(sorted, l->us, n * sizeof(sorted[0]));
	qsort(sorted, n, sizeof(sorted[0]), cmp_u32);
	i = (unsigned)(((uint64_t)p * n + 99) / 100);
	v = sorted[i ? i - 1 : 0];
	return v;
}
