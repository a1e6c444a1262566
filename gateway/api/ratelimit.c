/* ratelimit.c -- the Open311 API's token buckets: one per client address
 * and one per api key, each filling at `rate` tokens a second up to
 * `burst`; a request takes one token or is refused (429, Retry-After).
 *
 * Buckets live in a list, most recently used first, at most
 * RATE_BUCKETS_MAX of them: a bucket unused long enough to fall off the end
 * was full anyway (a client gone quiet for burst / rate seconds), so
 * forgetting it forgets nothing.  The list is short in practice (a CRM, a
 * few dashboards); a linear walk is cheaper than hashing at that size.
 * Time is the caller's (milliseconds of a monotonic clock), so tests can
 * drive it.
 */
#include <stdint.h>
#include <string.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/talloc.h>

#include "api/ratelimit.h"

#define RATE_BUCKETS_MAX	4096

struct rate_bucket {
	struct llist_head list;
	char *name;
	uint64_t tokens_milli;		/* thousandths of a token */
	uint64_t at_ms;			/* when tokens_milli was right */
};

struct rate_buckets {
	unsigned rate, burst;
	struct llist_head buckets;	/* most recently used first */
	unsigned n;
};

struct rate_buckets *rate_buckets_alloc(void *ctx, unsigned rate, unsigned burst)
{
	struct rate_buckets *rb = talloc_zero(ctx, struct rate_buckets);

	if (!rb)
		return NULL;
	rb->rate = rate;
	rb->burst = burst ? burst : 1;
	INIT_LLIST_HEAD(&rb->buckets);
	return rb;
}

static struct rate_bucket *rate_bucket_get(struct rate_buckets *rb, const char *name, uint64_t now_ms)
{
	struct rate_bucket *b;

	llist_for_each_entry(b, &rb->buckets, list) {
		if (!strcmp(b->name, name)) {
			llist_del(&b->list);
			llist_add(&b->list, &rb->buckets);
			return b;
		}
	}
	if (rb->n >= RATE_BUCKETS_MAX) {
		b = llist_last_entry(&rb->buckets, struct rate_bucket, list);
		llist_del(&b->list);
		talloc_free(b);
		rb->n--;
	}
	b = talloc_zero(rb, struct rate_bucket);
	b->name = talloc_strdup(b, name);
	b->tokens_milli = (uint64_t)rb->burst * 1000;
	b->at_ms = now_ms;
	llist_add(&b->list, &rb->buckets);
	rb->n++;
	return b;
}

bool rate_buckets_take(struct rate_buckets *rb, const char *name, uint64_t now_ms,
		       unsigned *retry_after_s)
{
	struct rate_bucket *b;
	uint64_t full;

	if (!rb || !rb->rate)
		return true;
	b = rate_bucket_get(rb, name, now_ms);
	full = (uint64_t)rb->burst * 1000;
	if (now_ms > b->at_ms) {
		/* rate tokens a second is rate milli-tokens a millisecond */
		b->tokens_milli += (now_ms - b->at_ms) * rb->rate;
		if (b->tokens_milli > full)
			b->tokens_milli = full;
		b->at_ms = now_ms;
	}
	if (b->tokens_milli >= 1000) {
		b->tokens_milli -= 1000;
		return true;
	}
	if (retry_after_s) {
		uint64_t missing_ms = (1000 - b->tokens_milli + rb->rate - 1) / rb->rate;
		*retry_after_s = (unsigned)((missing_ms + 999) / 1000);
		if (!*retry_after_s)
			*retry_after_s = 1;
	}
	return false;
}
