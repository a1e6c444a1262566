/* http.c -- libmicrohttpd inside stoopd's one libosmocore loop.
 *
 * MHD runs in its external mode: no thread of its own, nothing runs unless
 * stoopd calls MHD_run().  Of MHD's external modes this uses epoll
 * (MHD_USE_EPOLL): MHD keeps its listening socket and every connection in an
 * epoll set of its own and hands out that one descriptor, which is pollable.
 * It is registered as an osmo_fd, so libosmocore's poll() sees one
 * descriptor however many clients are connected (no FD_SETSIZE cap, no
 * re-registering descriptors every turn, the pitfall DESIGN.md names), and
 * MHD's own deadlines (connection timeouts, data it has buffered) come from
 * MHD_get_timeout() as an osmo_timer.  After every run the timer is set
 * again.  A request is answered synchronously in the access handler: the
 * handler (api/open311.c) reads the store and renders the body in the same
 * loop turn, so no connection is ever suspended.
 *
 * Bodies are bounded: a Content-Length over max_body is answered 413 before
 * the body is read; a chunked body that grows past it is read to its end,
 * thrown away and answered 413.  Form bodies (application/x-www-form-
 * urlencoded, multipart/form-data) are decoded by MHD's post processor into
 * the request's argument list after the query string's arguments.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "api/http.h"
#include "core/logging.h"

struct http_server {
	struct MHD_Daemon *mhd;
	struct osmo_fd ofd;		/* MHD's epoll descriptor */
	struct osmo_timer_list timer;	/* MHD's next deadline */
	size_t max_body;
	struct http_handler h;
};

/* One request being read; freed when MHD says it completed. */
struct http_conn {
	struct http_server *srv;
	struct http_request req;
	struct MHD_PostProcessor *pp;
	size_t body_len;
	bool too_large;
	bool form_broken;
};

static void http_schedule(struct http_server *srv);

const struct http_arg *http_arg_find(const struct http_request *req, const char *key)
{
	unsigned i;

	for (i = 0; i < req->n_args; i++)
		if (!strcmp(req->args[i].key, key))
			return &req->args[i];
	return NULL;
}

static struct http_arg *http_arg_add(struct http_conn *hc, const char *key, size_t key_len,
				     const char *value, size_t value_len, bool in_body)
{
	struct http_request *r = &hc->req;
	struct http_arg *a;

	/* a request with hundreds of arguments is not a client of ours */
	if (r->n_args >= 64)
		return NULL;
	r->args = talloc_realloc(hc, r->args, struct http_arg, r->n_args + 1);
	if (!r->args)
		return NULL;
	a = &r->args[r->n_args++];
	a->key = talloc_strndup(r->args, key ? key : "", key_len);
	a->value = talloc_size(r->args, value_len + 1);
	if (value_len)
		memcpy(a->value, value, value_len);
	a->value[value_len] = '\0';
	a->value_len = value_len;
	a->in_body = in_body;
	return a;
}

static enum MHD_Result http_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				      size_t key_size, const char *value, size_t value_size)
{
	http_arg_add(cls, key, key_size, value, value ? value_size : 0, false);
	return MHD_YES;
}

/* The post processor hands a field's value in pieces (off grows). */
static enum MHD_Result http_form_field(void *cls, enum MHD_ValueKind kind, const char *key,
				       const char *filename, const char *content_type,
				       const char *transfer_encoding, const char *data,
				       uint64_t off, size_t size)
{
	struct http_conn *hc = cls;
	struct http_request *r = &hc->req;
	struct http_arg *a;

	if (off == 0 || !r->n_args || !r->args[r->n_args - 1].in_body
	    || strcmp(r->args[r->n_args - 1].key, key)) {
		if (!http_arg_add(hc, key, strlen(key), data, size, true)) {
			hc->form_broken = true;
			return MHD_NO;
		}
		return MHD_YES;
	}
	a = &r->args[r->n_args - 1];
	a->value = talloc_realloc(r->args, a->value, char, a->value_len + size + 1);
	memcpy(a->value + a->value_len, data, size);
	a->value_len += size;
	a->value[a->value_len] = '\0';
	return MHD_YES;
}

static enum MHD_Result http_respond(struct MHD_Connection *conn, struct http_response *resp)
{
	struct MHD_Response *mr;
	enum MHD_Result ret;
	char ra[16];

	mr = MHD_create_response_from_buffer(resp->body_len, resp->body ? resp->body : (char *)"",
					     MHD_RESPMEM_MUST_COPY);
	if (!mr)
		return MHD_NO;
	if (resp->content_type)
		MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
	if (resp->retry_after) {
		snprintf(ra, sizeof(ra), "%u", resp->retry_after);
		MHD_add_response_header(mr, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	ret = MHD_queue_response(conn, resp->status, mr);
	MHD_destroy_response(mr);
	return ret;
}

static struct http_conn *http_conn_new(struct http_server *srv, struct MHD_Connection *conn,
				       const char *url, const char *method)
{
	const union MHD_ConnectionInfo *ci;
	struct http_conn *hc = talloc_zero(srv, struct http_conn);
	char addr[INET6_ADDRSTRLEN] = "?";

	if (!hc)
		return NULL;
	hc->srv = srv;
	hc->req.method = talloc_strdup(hc, method);
	hc->req.path = talloc_strdup(hc, url);
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		if (ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr,
				  addr, sizeof(addr));
		else if (ci->client_addr->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr,
				  addr, sizeof(addr));
	}
	hc->req.client = talloc_strdup(hc, addr);
	MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, http_query_arg, hc);
	return hc;
}

static enum MHD_Result http_access(void *cls, struct MHD_Connection *conn, const char *url,
				   const char *method, const char *version, const char *upload_data,
				   size_t *upload_data_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct http_conn *hc = *con_cls;
	struct http_response resp = { .status = 500 };
	void *resp_ctx;
	enum MHD_Result ret;

	if (!hc) {
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		hc = http_conn_new(srv, conn, url, method);
		if (!hc)
			return MHD_NO;
		*con_cls = hc;
		if (cl && strtoull(cl, NULL, 10) > srv->max_body) {
			hc->too_large = true;
			goto answer;
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t size = *upload_data_size;

		*upload_data_size = 0;
		hc->req.has_body = true;
		hc->body_len += size;
		if (hc->too_large || hc->body_len > srv->max_body) {
			hc->too_large = true;
			return MHD_YES;
		}
		if (!hc->pp && !hc->req.body_not_form) {
			hc->pp = MHD_create_post_processor(conn, 4096, http_form_field, hc);
			if (!hc->pp)
				hc->req.body_not_form = true;
		}
		if (hc->pp && MHD_post_process(hc->pp, upload_data, size) != MHD_YES)
			hc->form_broken = true;
		return MHD_YES;
	}

answer:
	resp_ctx = talloc_new(hc);
	if (hc->too_large) {
		srv->h.too_large(srv->h.data, &hc->req, resp_ctx, &resp);
	} else {
		if (hc->form_broken)
			hc->req.body_not_form = true;
		srv->h.handle(srv->h.data, &hc->req, resp_ctx, &resp);
	}
	ret = http_respond(conn, &resp);
	talloc_free(resp_ctx);
	return ret;
}

static void http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			   enum MHD_RequestTerminationCode toe)
{
	struct http_conn *hc = *con_cls;

	if (!hc)
		return;
	if (hc->pp)
		MHD_destroy_post_processor(hc->pp);
	talloc_free(hc);
	*con_cls = NULL;
}

static void http_run(struct http_server *srv)
{
	MHD_run(srv->mhd);
	http_schedule(srv);
}

static int http_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	http_run(ofd->data);
	return 0;
}

static void http_timer_cb(void *data)
{
	http_run(data);
}

static void http_schedule(struct http_server *srv)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (MHD_get_timeout(srv->mhd, &ms) != MHD_YES) {
		osmo_timer_del(&srv->timer);
		return;
	}
	osmo_timer_schedule(&srv->timer, ms / 1000, (ms % 1000) * 1000);
}

struct http_server *http_server_start(void *ctx, const char *ip, uint16_t port, size_t max_body,
				      const struct http_handler *h)
{
	struct http_server *srv = talloc_zero(ctx, struct http_server);
	const union MHD_DaemonInfo *di;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };

	if (!srv)
		return NULL;
	if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1) {
		LOGP(DAPI, LOGL_ERROR, "http: %s is not an IPv4 address\n", ip);
		goto err;
	}
	srv->max_body = max_body;
	srv->h = *h;
	srv->mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG, port, NULL, NULL,
				    http_access, srv,
				    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
				    MHD_OPTION_NOTIFY_COMPLETED, http_completed, srv,
				    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1000,
				    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
				    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
				    MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1,
				    MHD_OPTION_END);
	if (!srv->mhd) {
		LOGP(DAPI, LOGL_ERROR, "http: cannot listen on %s port %u\n", ip, port);
		goto err;
	}
	di = MHD_get_daemon_info(srv->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	if (!di) {
		LOGP(DAPI, LOGL_ERROR, "http: libmicrohttpd has no epoll descriptor\n");
		MHD_stop_daemon(srv->mhd);
		goto err;
	}
	osmo_timer_setup(&srv->timer, http_timer_cb, srv);
	osmo_fd_setup(&srv->ofd, di->epoll_fd, OSMO_FD_READ, http_fd_cb, srv, 0);
	if (osmo_fd_register(&srv->ofd) < 0) {
		MHD_stop_daemon(srv->mhd);
		goto err;
	}
	http_schedule(srv);
	return srv;
err:
	talloc_free(srv);
	return NULL;
}

void http_server_stop(struct http_server *srv)
{
	if (!srv)
		return;
	osmo_timer_del(&srv->timer);
	osmo_fd_unregister(&srv->ofd);
	/* MHD closes its epoll descriptor itself */
	MHD_stop_daemon(srv->mhd);
	talloc_free(srv);
}
