/* apikey.c -- the Open311 API's keys: making one, and telling whether a
 * key a request carries is one of the valid keys.
 *
 * A key is "s311_" and 48 hex digits from getrandom() (libosmocore's osmo_get_rand_id() stops at 16 bytes),
 * shown once on the console when it is made and never stored: the store
 * (store/api_key.c) keeps a random 16-byte salt and SHA-256(salt ":" key),
 * both in hex.  SHA-256 is GnuTLS's (gnutls_hash_fast), the library
 * libmicrohttpd already links; libosmocore 1.7 has no public SHA-256.
 * The valid keys' salts and hashes are kept in memory and read again after
 * every add or revoke; a check hashes the candidate with each salt and
 * compares in constant time.  A CRM holds a handful of keys, so the loop
 * costs a few microseconds per write request.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "api/api.h"
#include "core/logging.h"
#include "store/store.h"

#define API_KEY_PREFIX		"s311_"
#define API_KEY_RANDOM_BYTES	24
#define API_KEY_SALT_BYTES	16
#define API_KEY_MAX_LEN		128

struct api_keys {
	struct store *st;
	struct store_api_key *valid;	/* talloc array, revoked ones left out */
	unsigned n;
};

/* hex SHA-256 of salt ":" key into out (65 bytes); 0 or -EIO. */
static int api_key_hash(const char *salt, const char *key, char out[65])
{
	uint8_t digest[32];
	char buf[API_KEY_MAX_LEN + 64];
	int len;

	len = snprintf(buf, sizeof(buf), "%s:%s", salt, key);
	if (len < 0 || (size_t)len >= sizeof(buf))
		return -EINVAL;
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, buf, len, digest) < 0)
		return -EIO;
	osmo_hexdump_buf(out, 65, digest, sizeof(digest), "", true);
	return 0;
}

/* Every byte of a and b compared, whatever the first difference. */
static bool api_key_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char diff = la != lb;

	for (i = 0; i < la && i < lb; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

int api_keys_reload(struct api_keys *keys)
{
	struct store_api_key *all;
	unsigned n, i;
	int rc;

	rc = store_api_key_list(keys->st, keys, &all, &n);
	if (rc < 0)
		return rc;
	talloc_free(keys->valid);
	keys->valid = talloc_zero_array(keys, struct store_api_key, n ? n : 1);
	keys->n = 0;
	for (i = 0; i < n; i++) {
		if (all[i].revoked_at)
			continue;
		keys->valid[keys->n].name = talloc_strdup(keys->valid, all[i].name);
		keys->valid[keys->n].salt = talloc_strdup(keys->valid, all[i].salt);
		keys->valid[keys->n].hash = talloc_strdup(keys->valid, all[i].hash);
		keys->n++;
	}
	talloc_free(all);
	return 0;
}

struct api_keys *api_keys_load(void *ctx, struct store *st)
{
	struct api_keys *keys = talloc_zero(ctx, struct api_keys);

	if (!keys)
		return NULL;
	keys->st = st;
	if (api_keys_reload(keys) < 0) {
		talloc_free(keys);
		return NULL;
	}
	return keys;
}

const char *api_keys_check(const struct api_keys *keys, const char *key)
{
	const char *found = NULL;
	char hash[65];
	unsigned i;

	if (!keys || !key || strncmp(key, API_KEY_PREFIX, strlen(API_KEY_PREFIX))
	    || strlen(key) > API_KEY_MAX_LEN)
		return NULL;
	for (i = 0; i < keys->n; i++) {
		if (api_key_hash(keys->valid[i].salt, key, hash) < 0)
			continue;
		if (api_key_equal(hash, keys->valid[i].hash))
			found = keys->valid[i].name;
	}
	return found;
}

char *api_key_create(void *ctx, struct store *st, const char *name, int *rc)
{
	uint8_t rnd[API_KEY_RANDOM_BYTES], salt_bytes[API_KEY_SALT_BYTES];
	char key[sizeof(API_KEY_PREFIX) + 2 * API_KEY_RANDOM_BYTES];
	char salt[2 * API_KEY_SALT_BYTES + 1];
	char hash[65];
	int r;

	if (!name || !*name || strlen(name) > 64) {
		*rc = -EINVAL;
		return NULL;
	}
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)
	    || getrandom(salt_bytes, sizeof(salt_bytes), 0) != sizeof(salt_bytes)) {
		*rc = -EIO;
		return NULL;
	}
	memcpy(key, API_KEY_PREFIX, strlen(API_KEY_PREFIX));
	osmo_hexdump_buf(key + strlen(API_KEY_PREFIX), sizeof(key) - strlen(API_KEY_PREFIX), rnd,
			 sizeof(rnd), "", true);
	osmo_hexdump_buf(salt, sizeof(salt), salt_bytes, sizeof(salt_bytes), "", true);
	r = api_key_hash(salt, key, hash);
	if (r == 0)
		r = store_api_key_add(st, name, salt, hash);
	*rc = r;
	if (r < 0)
		return NULL;
	LOGP(DAPI, LOGL_NOTICE, "api key '%s' added\n", name);
	return talloc_strdup(ctx, key);
}
