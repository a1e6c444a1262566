/* ratelimit.h -- token buckets by name (a client address, an api key's
 * name) for the Open311 API; api/ratelimit.c. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct rate_buckets;

/* rate tokens per second, at most burst saved up; rate 0: no limit. */
struct rate_buckets *rate_buckets_alloc(void *ctx, unsigned rate, unsigned burst);
/* Take a token for name at now_ms (a monotonic clock): true if there was
 * one; else false and *retry_after_s, the seconds until there is one. */
bool rate_buckets_take(struct rate_buckets *rb, const char *name, uint64_t now_ms,
		       unsigned *retry_after_s);
