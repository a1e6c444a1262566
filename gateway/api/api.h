/* api.h -- the public surface of gateway/api/, stoopd's Open311 GeoReport v2
 * HTTP API: its configuration (the `open311` VTY node, api/api_vty.c), the
 * server's life cycle (api/open311.c), its api keys (api/apikey.c) and
 * counters.  The HTTP server under it is api/http.h; the JSON and XML
 * renderings are api/open311_fmt.c; the token buckets api/ratelimit.c.
 * Cases are the store's (store/store.h): the API files and changes them
 * through the same functions the flows and the console use.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/linuxlist.h>

struct store;
struct flow_set;
struct sms_channel;
struct open311;

#define OPEN311_DEFAULT_IP		"127.0.0.1"
#define OPEN311_DEFAULT_PORT		8311
#define OPEN311_DEFAULT_AGENCY		"City 311"
#define OPEN311_DEFAULT_GROUP		"311"
#define OPEN311_DEFAULT_PAGE_SIZE	1000	/* the spec's "1000 requests by default" */
#define OPEN311_MAX_PAGE_SIZE		1000
#define OPEN311_DEFAULT_ADDR_RATE	20	/* requests per second per client address */
#define OPEN311_DEFAULT_ADDR_BURST	40
#define OPEN311_DEFAULT_KEY_RATE	10	/* requests per second per api key */
#define OPEN311_DEFAULT_KEY_BURST	20

/* Per service_code settings: `service-target CODE DURATION`,
 * `service-group CODE NAME`. */
struct open311_service_cfg {
	struct llist_head list;
	char *code;
	unsigned target_s;		/* expected_datetime = requested + this; 0: none */
	char *group;			/* NULL: OPEN311_DEFAULT_GROUP */
};

struct open311_config {
	char *bind_ip;
	uint16_t port;
	char *agency;			/* agency_responsible until an update names one */
	unsigned page_size;		/* requests.json without page_size */
	unsigned addr_rate, addr_burst;	/* 0 rate: no limit */
	unsigned key_rate, key_burst;
	struct llist_head services;	/* struct open311_service_cfg */
};

struct open311_stats {
	uint64_t requests;
	uint64_t status_2xx, status_4xx, status_5xx;
	uint64_t rate_limited;
	uint64_t too_large;
	uint64_t key_refused;
	uint64_t created, joined, updated;
};

/* Fill in cfg's defaults (the node's values before any line of it). */
void open311_config_defaults(void *ctx, struct open311_config *cfg);
struct open311_service_cfg *open311_config_service(void *ctx, struct open311_config *cfg,
						   const char *code, bool create);

/* Listen and serve in stoopd's loop.  sms may be NULL (no SMS channel:
 * notifications stay queued for stoopd's next start with one).  NULL and
 * logged when it cannot listen. */
struct open311 *open311_start(void *ctx, const struct open311_config *cfg, struct store *st,
			      const struct flow_set *fs, struct sms_channel *sms);
void open311_stop(struct open311 *api);
const struct open311_stats *open311_stats(const struct open311 *api);

/*
 * api/apikey.c: keys are "s311_" and 48 hex digits, shown once when made;
 * the store keeps a random salt and SHA-256(salt ":" key) in hex.
 */
struct api_keys;
struct api_keys *api_keys_load(void *ctx, struct store *st);
/* Re-read the valid keys after an add or revoke. */
int api_keys_reload(struct api_keys *keys);
/* The name of the valid key that key is, or NULL. */
const char *api_keys_check(const struct api_keys *keys, const char *key);
/* Make a key for name, store its hash and return the key (under ctx), or
 * NULL with *rc: -EEXIST (a valid key has the name), -EINVAL, -EIO. */
char *api_key_create(void *ctx, struct store *st, const char *name, int *rc);
/* The api keys of the running API (NULL when it is not running). */
struct api_keys *open311_keys(struct open311 *api);
