/* http.h -- a small HTTP/1.1 server (libmicrohttpd) inside stoopd's one
 * libosmocore loop: api/http.c owns the MHD daemon, its descriptor and
 * timer, the reading of request bodies (bounded) and form decoding.  It
 * knows nothing of Open311: a handler gets a whole request (method, path,
 * client address, query and form arguments) and returns a response.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct http_server;

struct http_arg {
	char *key;
	char *value;		/* NUL-terminated; value_len counts every byte */
	size_t value_len;
	bool in_body;		/* a form field of the body, not the query string */
};

struct http_request {
	const char *method;	/* "GET", "POST" ... */
	const char *path;	/* decoded path, no query string */
	const char *client;	/* the peer's address, "127.0.0.1" */
	struct http_arg *args;	/* query string first, then body fields */
	unsigned n_args;
	bool has_body;		/* a body came */
	bool body_not_form;	/* a body that is not application/x-www-form-urlencoded */
};

struct http_response {
	unsigned status;
	const char *content_type;
	char *body;		/* talloc'd (or NULL); http.c frees it */
	size_t body_len;
	unsigned retry_after;	/* seconds; 0: no Retry-After header */
};

/* Called once per complete request.  The response body is talloc'd under
 * resp_ctx.  A request whose body exceeds max_body is answered by
 * too_large instead (413) without calling handle. */
struct http_handler {
	void (*handle)(void *data, const struct http_request *req, void *resp_ctx,
		       struct http_response *resp);
	void (*too_large)(void *data, const struct http_request *req, void *resp_ctx,
			  struct http_response *resp);
	void *data;
};

struct http_server *http_server_start(void *ctx, const char *ip, uint16_t port, size_t max_body,
				      const struct http_handler *h);
void http_server_stop(struct http_server *srv);

/* The first argument named key (query string or form field), or NULL. */
const struct http_arg *http_arg_find(const struct http_request *req, const char *key);
