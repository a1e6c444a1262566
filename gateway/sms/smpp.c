/* smpp.c -- the SMPP 3.4 ESME: Stoop's link to an SMSC.
 *
 * The link is an osmo_fsm: IDLE (waiting to reconnect, with exponential
 * back-off) -> CONNECTING (non-blocking TCP connect) -> BINDING
 * (bind_transceiver sent) -> BOUND.  Any error, a dead peer (no
 * enquire_link_resp in time) or a malformed PDU drops the socket and goes
 * back to IDLE; outstanding submits are then reported as temporary
 * failures so the SMS channel retries them.
 *
 * Inbound: every readable burst is parsed PDU by PDU inside one SMS batch
 * (one transaction, see sms/sms.h, that also records the submit_sm_resp
 * results of the burst); the deliver_sm_resp of each message is written
 * only after the batch committed, and at once, with the submit_sm that
 * follow (flush_now()).  A message whose text cannot be
 * decoded (unknown data_coding, broken header) gets a permanent error
 * (ESME_RX_P_APPN) and a log line, a store failure a temporary one
 * (ESME_RX_T_APPN) so the SMSC sends it again.
 * Outbound: a queued message is split by sms_text_encode() and each part
 * sent as a submit_sm within the window and the messages-per-second budget;
 * ESME_RTHROTTLED pauses sending for a second.
 *
 * libsmpp34 packs and unpacks PDUs; framing (the 4-byte length), the window
 * and the timers are here.
 */
#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <unistd.h>
#include <inttypes.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <smpp34.h>
#include <smpp34_structs.h>
#include <smpp34_params.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/select.h>
#include <osmocom/core/socket.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/write_queue.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/utils.h>

#include "sms/smpp.h"
#include "sms/sms.h"
#include "sms/sms_text.h"
#include "store/store.h"
#include "core/logging.h"
#include "core/stats.h"

#define SMPP_HDR_LEN		16
#define SMPP_MAX_PDU		(64 * 1024)
#define SMPP_RBUF		(2 * SMPP_MAX_PDU)
#define SMPP_MAX_BATCH		256	/* deliver_sm per transaction */
#define SMPP_TICK_MS		100

#define LOGPE(e, lvl, fmt, args...) \
	LOGP(DSMS, lvl, "smpp(%s): " fmt, (e)->cfg.name, ## args)

enum smpp_state {
	SMPP_ST_IDLE,
	SMPP_ST_CONNECTING,
	SMPP_ST_BINDING,
	SMPP_ST_BOUND,
};

enum smpp_event {
	SMPP_EV_CONNECTED,
	SMPP_EV_BIND_OK,
	SMPP_EV_BIND_FAIL,
	SMPP_EV_LINK_DOWN,
};

/* One queued message being sent as one or more submit_sm. */
struct smpp_msg {
	int64_t out_id;
	unsigned parts, ok;
	bool failed;
	char *refs;
};

struct smpp_pending {
	struct llist_head list;
	uint32_t seq;
	struct smpp_msg *msg;
	struct timespec sent;
};

struct smpp_ack {
	uint32_t seq;
	uint32_t status;
};

struct smpp_esme {
	struct smpp_config cfg;
	struct sms_channel *sc;
	struct sms_transport transport;
	struct osmo_fsm_inst *fi;
	struct osmo_wqueue wq;
	uint8_t *rbuf;
	size_t rlen;
	uint32_t seq;
	unsigned backoff_s;
	struct llist_head pending;	/* struct smpp_pending, oldest first */
	unsigned n_pending;
	struct osmo_timer_list tick;
	struct timespec last_rx, enquire_sent;
	bool enquire_outstanding;
	double tokens;
	struct timespec throttled_until;
	uint8_t concat_ref;
	struct smpp_stats stats;
};

static struct osmo_fsm smpp_fsm;
static void flush_now(struct smpp_esme *e);

static double ts_sec(const struct timespec *ts)
{
	return ts->tv_sec + ts->tv_nsec / 1e9;
}

static struct timespec mono_now(void)
{
	struct timespec ts;
	osmo_clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts;
}

/* libsmpp34's C-octet fields are uint8_t arrays */
#define SMPP_SET(field, str) osmo_strlcpy((char *)(field), (str), sizeof(field))

static uint32_t next_seq(struct smpp_esme *e)
{
	e->seq = e->seq >= 0x7fffffff ? 1 : e->seq + 1;
	return e->seq;
}

/* Pack a libsmpp34 PDU struct and queue it on the socket. */
static int send_pdu(struct smpp_esme *e, uint32_t type, void *pdu)
{
	struct msgb *msg = msgb_alloc(4096, "smpp tx");
	int len = 0, rc;

	if (!msg)
		return -ENOMEM;
	rc = smpp34_pack(type, msgb_data(msg), msgb_tailroom(msg), &len, pdu);
	if (rc != 0) {
		LOGPE(e, LOGL_ERROR, "cannot pack PDU 0x%08x: %s\n", type, smpp34_strerror);
		msgb_free(msg);
		return -EINVAL;
	}
	msgb_put(msg, len);
	if (osmo_wqueue_enqueue(&e->wq, msg) < 0) {
		LOGPE(e, LOGL_ERROR, "write queue full\n");
		msgb_free(msg);
		return -ENOBUFS;
	}
	return 0;
}

static void send_generic_nack(struct smpp_esme *e, uint32_t seq, uint32_t status)
{
	struct generic_nack_t nack = {
		.command_id = GENERIC_NACK, .command_status = status, .sequence_number = seq,
	};
	send_pdu(e, GENERIC_NACK, &nack);
}

/*
 * Outstanding submits
 */
static void msg_done(struct smpp_esme *e, struct smpp_msg *m, enum sms_out_result res, const char *error)
{
	sms_out_result(e->sc, m->out_id, res, m->refs, error);
	talloc_free(m);
}

/* A part's fate; the message is reported when its last part is. */
static void part_result(struct smpp_esme *e, struct smpp_pending *p, uint32_t status, const char *msg_id)
{
	struct smpp_msg *m = p->msg;
	bool last;

	llist_del(&p->list);
	e->n_pending--;
	m->parts--;
	if (status == ESME_ROK) {
		m->ok++;
		m->refs = m->refs ? talloc_asprintf_append(m->refs, " %s", msg_id) : talloc_strdup(m, msg_id);
	} else {
		m->failed = true;
	}
	last = m->parts == 0;
	talloc_free(p);
	if (!last)
		return;
	if (!m->failed) {
		msg_done(e, m, SMS_OUT_OK, NULL);
		return;
	}
	switch (status) {
	case ESME_RTHROTTLED:
	case ESME_RMSGQFUL:
	case ESME_RSYSERR:
	case ESME_RX_T_APPN:
	case ESME_RSUBMITFAIL:
	case 0xffffffff:	/* our own: timeout or link down */
		msg_done(e, m, SMS_OUT_TEMPORARY, status == 0xffffffff ? "no response" : "temporary SMSC error");
		break;
	default: {
		char err[48];
		snprintf(err, sizeof(err), "SMSC error 0x%08x", status);
		msg_done(e, m, SMS_OUT_PERMANENT, err);
	}
	}
}

static void fail_all_pending(struct smpp_esme *e)
{
	struct smpp_pending *p, *p2;

	llist_for_each_entry_safe(p, p2, &e->pending, list)
		part_result(e, p, 0xffffffff, NULL);
}

/*
 * The transport seen by the SMS channel
 */
static bool esme_ready(struct sms_transport *t)
{
	struct smpp_esme *e = t->priv;
	struct timespec now = mono_now();

	return e->fi->state == SMPP_ST_BOUND && e->n_pending < e->cfg.window
	       && (!e->cfg.mps || e->tokens >= 1.0) && ts_sec(&now) >= ts_sec(&e->throttled_until);
}

static int esme_submit(struct sms_transport *t, const struct store_sms_out *out)
{
	struct smpp_esme *e = t->priv;
	struct sms_part *parts;
	struct smpp_msg *m;
	unsigned n, i;
	int rc;

	rc = sms_text_encode(e, out->text, e->cfg.fold, e->concat_ref++, &parts, &n);
	if (rc < 0) {
		sms_out_result(e->sc, out->id, SMS_OUT_PERMANENT, NULL, "text cannot be encoded");
		return 0;
	}
	m = talloc_zero(e, struct smpp_msg);
	m->out_id = out->id;
	m->parts = n;
	stoop_ctr_inc(STOOP_CTR_SMS_OUT_SMPP);
	for (i = 0; i < n; i++) {
		struct submit_sm_t sub;
		struct smpp_pending *p;
		const char *dest = out->msisdn;

		memset(&sub, 0, sizeof(sub));
		sub.command_id = SUBMIT_SM;
		sub.command_status = ESME_ROK;
		sub.sequence_number = next_seq(e);
		SMPP_SET(sub.source_addr, e->cfg.source_addr ? e->cfg.source_addr : "");
		sub.source_addr_ton = e->cfg.source_ton;
		sub.source_addr_npi = e->cfg.source_npi;
		if (dest[0] == '+') {
			dest++;
			sub.dest_addr_ton = TON_International;
			sub.dest_addr_npi = NPI_ISDN_E163_E164;
		}
		SMPP_SET(sub.destination_addr, dest);
		sub.esm_class = parts[i].udhi ? 0x40 : 0x00;
		sub.registered_delivery = e->cfg.registered_delivery ? 1 : 0;
		sub.data_coding = parts[i].data_coding;
		sub.sm_length = parts[i].len;
		memcpy(sub.short_message, parts[i].data, parts[i].len);
		p = talloc_zero(e, struct smpp_pending);
		p->seq = sub.sequence_number;
		p->msg = m;
		p->sent = mono_now();
		if (send_pdu(e, SUBMIT_SM, &sub) < 0) {
			talloc_free(p);
			/* the parts sent so far will answer; the rest count as failed */
			m->parts -= n - i;
			m->failed = true;
			if (!m->parts)
				msg_done(e, m, SMS_OUT_TEMPORARY, "cannot write to the SMSC");
			break;
		}
		llist_add_tail(&p->list, &e->pending);
		e->n_pending++;
		e->stats.submit_out++;
		stoop_ctr_inc(STOOP_CTR_SEGMENTS_SMPP);
		if (e->cfg.mps)
			e->tokens -= 1.0;
	}
	talloc_free(parts);
	flush_now(e);
	return 0;
}

/*
 * Inbound PDUs
 */
static const struct tlv_t *find_tlv(const struct tlv_t *t, uint16_t tag)
{
	for (; t; t = t->next)
		if (t->tag == tag)
			return t;
	return NULL;
}

/* "id:XYZ sub:001 dlvr:001 ... stat:DELIVRD err:000" */
static void handle_receipt(struct smpp_esme *e, const struct deliver_sm_t *d)
{
	char text[256], id[72] = "", stat[16] = "";
	const struct tlv_t *t;
	const char *p;

	e->stats.receipts++;
	memcpy(text, d->short_message, OSMO_MIN(d->sm_length, sizeof(text) - 1));
	text[OSMO_MIN(d->sm_length, sizeof(text) - 1)] = '\0';
	t = find_tlv(d->tlv, TLVID_receipted_message_id);
	if (t)
		snprintf(id, sizeof(id), "%.*s", (int)OSMO_MIN(t->length, sizeof(id) - 1), (const char *)t->value.octet);
	else if ((p = strstr(text, "id:")))
		sscanf(p + 3, "%64[^ ]", id);
	if ((p = strstr(text, "stat:")))
		sscanf(p + 5, "%15[A-Z]", stat);
	if (!*id) {
		LOGPE(e, LOGL_NOTICE, "delivery receipt without a message id\n");
		return;
	}
	sms_receipt(e->sc, id, !strcmp(stat, "DELIVRD"), stat);
}

/* One deliver_sm: returns the command_status of its resp. */
static uint32_t handle_deliver(struct smpp_esme *e, const struct deliver_sm_t *d)
{
	const uint8_t *data = d->short_message;
	size_t len = d->sm_length;
	const struct tlv_t *payload, *umr;
	struct sms_concat concat;
	const char *why = NULL;
	char from[32], ref[64];
	char *text = NULL;
	struct sms_mo mo;
	int rc;

	if ((d->esm_class & 0x3c) == 0x04 || (d->esm_class & 0x3c) == 0x08) {
		handle_receipt(e, d);
		return ESME_ROK;
	}
	e->stats.deliver_in++;
	stoop_ctr_inc(STOOP_CTR_SMS_IN_SMPP);
	payload = find_tlv(d->tlv, TLVID_message_payload);
	if (!len && payload) {
		data = payload->value.octet;
		len = payload->length;
	}
	if (!d->source_addr[0]) {
		e->stats.deliver_bad++;
		LOGPE(e, LOGL_NOTICE, "deliver_sm without a source address: refused\n");
		return ESME_RINVSRCADR;
	}
	rc = sms_text_decode(e, d->data_coding, d->esm_class & 0x40, data, len, &text, &concat, &why);
	if (rc < 0) {
		e->stats.deliver_bad++;
		LOGPE(e, LOGL_NOTICE, "deliver_sm from %s refused: %s\n",
		      stoop_mask_number((const char *)d->source_addr), why ? why : "cannot decode");
		return ESME_RX_P_APPN;
	}
	snprintf(from, sizeof(from), "%s%s", d->source_addr_ton == TON_International
		 && d->source_addr[0] != '+' ? "+" : "", (const char *)d->source_addr);
	memset(&mo, 0, sizeof(mo));
	mo.transport = e->transport.name;
	mo.from = from;
	mo.text = text;
	mo.concat = concat.present ? &concat : NULL;
	/* A retransmission carries the same user_message_reference and the
	 * same text.  Handsets cycle the reference through 0..255, so the
	 * reference alone would one day drop a new text: the text's hash and
	 * part number are part of the key. */
	umr = find_tlv(d->tlv, TLVID_user_message_reference);
	if (umr) {
		uint32_t h = 2166136261u;
		const char *c;
		for (c = text; *c; c++)
			h = (h ^ (unsigned char)*c) * 16777619u;
		snprintf(ref, sizeof(ref), "%s/%u/%u/%08x", from, umr->value.val16,
			 concat.present ? concat.seq : 0, h);
		mo.msg_ref = ref;
	}
	rc = sms_mo_receive(e->sc, &mo);
	talloc_free(text);
	if (rc == 0 || rc == -EEXIST)
		return ESME_ROK;
	if (rc == -EINVAL)
		return ESME_RX_P_APPN;
	return ESME_RX_T_APPN;
}

static void link_down(struct smpp_esme *e, const char *why)
{
	if (e->fi->state == SMPP_ST_IDLE)
		return;
	LOGPE(e, LOGL_NOTICE, "link down: %s\n", why);
	osmo_fsm_inst_dispatch(e->fi, SMPP_EV_LINK_DOWN, NULL);
}

static void handle_submit_resp(struct smpp_esme *e, const uint8_t *pdu, size_t len, uint32_t status,
			       uint32_t seq)
{
	struct submit_sm_resp_t r;
	struct smpp_pending *p;

	memset(&r, 0, sizeof(r));
	if (status == ESME_ROK && smpp34_unpack(SUBMIT_SM_RESP, &r, pdu, len) != 0) {
		e->stats.malformed++;
		stoop_ctr_inc(STOOP_CTR_ERR_SMPP);
		LOGPE(e, LOGL_NOTICE, "malformed submit_sm_resp: %s\n", smpp34_strerror);
		status = ESME_RSYSERR;
	}
	llist_for_each_entry(p, &e->pending, list) {
		if (p->seq != seq)
			continue;
		if (status == ESME_ROK)
			e->stats.submit_ok++;
		else if (status == ESME_RTHROTTLED) {
			e->stats.submit_throttled++;
			e->throttled_until = mono_now();
			e->throttled_until.tv_sec += 1;
			LOGPE(e, LOGL_INFO, "throttled by the SMSC: pausing 1 s\n");
		} else {
			e->stats.submit_failed++;
			stoop_ctr_inc(STOOP_CTR_ERR_SMPP);
		}
		part_result(e, p, status, (const char *)r.message_id);
		return;
	}
	LOGPE(e, LOGL_INFO, "submit_sm_resp for unknown sequence %u\n", seq);
}

static void handle_pdu(struct smpp_esme *e, const uint8_t *pdu, size_t len, struct smpp_ack *acks,
		       unsigned *n_acks)
{
	uint32_t cmd = osmo_load32be(pdu + 4), status = osmo_load32be(pdu + 8), seq = osmo_load32be(pdu + 12);

	switch (cmd) {
	case DELIVER_SM: {
		struct deliver_sm_t d;
		memset(&d, 0, sizeof(d));
		if (smpp34_unpack(DELIVER_SM, &d, pdu, len) != 0) {
			e->stats.malformed++;
			stoop_ctr_inc(STOOP_CTR_ERR_SMPP);
			LOGPE(e, LOGL_NOTICE, "malformed deliver_sm (seq %u): %s\n", seq, smpp34_strerror);
			acks[(*n_acks)++] = (struct smpp_ack){ seq, ESME_RINVMSGLEN };
			destroy_tlv(d.tlv);
			break;
		}
		acks[(*n_acks)++] = (struct smpp_ack){ seq, handle_deliver(e, &d) };
		destroy_tlv(d.tlv);
		break;
	}
	case SUBMIT_SM_RESP:
		handle_submit_resp(e, pdu, len, status, seq);
		break;
	case BIND_TRANSCEIVER_RESP:
		if (e->fi->state != SMPP_ST_BINDING)
			break;
		if (status == ESME_ROK) {
			osmo_fsm_inst_dispatch(e->fi, SMPP_EV_BIND_OK, NULL);
		} else {
			LOGPE(e, LOGL_ERROR, "bind refused by the SMSC: status 0x%08x%s\n", status,
			      status == ESME_RINVPASWD ? " (wrong password)" :
			      status == ESME_RINVSYSID ? " (wrong system_id)" : "");
			osmo_fsm_inst_dispatch(e->fi, SMPP_EV_BIND_FAIL, NULL);
		}
		break;
	case ENQUIRE_LINK: {
		struct enquire_link_resp_t r = {
			.command_id = ENQUIRE_LINK_RESP, .command_status = ESME_ROK, .sequence_number = seq,
		};
		send_pdu(e, ENQUIRE_LINK_RESP, &r);
		break;
	}
	case ENQUIRE_LINK_RESP:
		e->enquire_outstanding = false;
		break;
	case UNBIND: {
		struct unbind_resp_t r = {
			.command_id = UNBIND_RESP, .command_status = ESME_ROK, .sequence_number = seq,
		};
		send_pdu(e, UNBIND_RESP, &r);
		link_down(e, "the SMSC unbound");
		break;
	}
	case GENERIC_NACK: {
		struct smpp_pending *p;
		e->stats.generic_nacks++;
		stoop_ctr_inc(STOOP_CTR_ERR_SMPP);
		LOGPE(e, LOGL_NOTICE, "generic_nack from the SMSC: status 0x%08x seq %u\n", status, seq);
		llist_for_each_entry(p, &e->pending, list) {
			if (p->seq == seq) {
				part_result(e, p, ESME_RSYSERR, NULL);
				break;
			}
		}
		break;
	}
	case UNBIND_RESP:
	case DATA_SM:
	default:
		if (cmd & 0x80000000)
			break;	/* a resp we did not ask for: nothing to answer */
		LOGPE(e, LOGL_NOTICE, "unsupported PDU 0x%08x: generic_nack\n", cmd);
		send_generic_nack(e, seq, ESME_RINVCMDID);
		break;
	}
}

/* Write what is queued right now, as far as the socket takes it; the
 * write queue's callback does the rest when the socket is writable again.
 * (That callback writes one message per turn of the event loop: left to
 * it, a burst's deliver_sm_resp and submit_sm would leave one per
 * select(), and an SMSC whose window is full would send one deliver_sm
 * per turn, each in a transaction of its own.) */
static void flush_now(struct smpp_esme *e)
{
	struct msgb *msg;
	ssize_t rc;

	if (e->wq.bfd.fd < 0)
		return;
	while (!llist_empty(&e->wq.msg_queue)) {
		msg = llist_first_entry(&e->wq.msg_queue, struct msgb, list);
		rc = write(e->wq.bfd.fd, msgb_data(msg), msgb_length(msg));
		if (rc <= 0)
			return;
		if ((size_t)rc < msgb_length(msg)) {
			/* the rest goes first next time */
			msgb_pull(msg, rc);
			return;
		}
		llist_del(&msg->list);
		e->wq.current_length--;
		msgb_free(msg);
	}
}

/* Everything readable: parse whole PDUs in one batch, then acknowledge. */
static int esme_read(struct smpp_esme *e)
{
	struct smpp_ack acks[SMPP_MAX_BATCH];
	unsigned n_acks = 0, i;
	size_t off = 0;
	ssize_t rc;
	bool batch = false, malformed = false;
	uint32_t cmd;
	int brc = 0;

	rc = read(e->wq.bfd.fd, e->rbuf + e->rlen, SMPP_RBUF - e->rlen);
	if (rc == 0) {
		link_down(e, "the SMSC closed the connection");
		return -EBADF;
	}
	if (rc < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		link_down(e, strerror(errno));
		return -EBADF;
	}
	e->rlen += rc;
	e->last_rx = mono_now();
	while (e->rlen - off >= 4 && n_acks < SMPP_MAX_BATCH) {
		/* judge the length as soon as it is there: a PDU that claims
		 * less than a header will never be completed */
		uint32_t len = osmo_load32be(e->rbuf + off);
		if (len < SMPP_HDR_LEN || len > SMPP_MAX_PDU) {
			e->stats.malformed++;
			stoop_ctr_inc(STOOP_CTR_ERR_SMPP);
			malformed = true;
			break;
		}
		if (e->rlen - off < len)
			break;
		cmd = osmo_load32be(e->rbuf + off + 4);
		if (!batch && (cmd == DELIVER_SM || cmd == SUBMIT_SM_RESP)) {
			if (sms_batch_begin(e->sc) < 0)
				break;
			batch = true;
		}
		handle_pdu(e, e->rbuf + off, len, acks, &n_acks);
		off += len;
		if (e->wq.bfd.fd < 0) {
			/* the PDU took the link down (unbind, bind refused): what
			 * was stored stays stored; unacknowledged, it comes again */
			if (batch)
				sms_batch_commit(e->sc);
			return -EBADF;
		}
	}
	memmove(e->rbuf, e->rbuf + off, e->rlen - off);
	e->rlen -= off;
	if (batch)
		brc = sms_batch_commit(e->sc);
	for (i = 0; i < n_acks; i++) {
		struct deliver_sm_resp_t r = {
			.command_id = DELIVER_SM_RESP,
			.command_status = brc < 0 && acks[i].status == ESME_ROK ? ESME_RX_T_APPN : acks[i].status,
			.sequence_number = acks[i].seq,
		};
		send_pdu(e, DELIVER_SM_RESP, &r);
	}
	if (malformed) {
		/* acknowledge what was stored, then start the link afresh:
		 * there is no way to find the next PDU after a bad length */
		flush_now(e);
		link_down(e, "malformed PDU length: cannot find the next PDU");
		return -EBADF;
	}
	sms_sender_kick(e->sc);
	flush_now(e);
	return 0;
}

static int wq_read_cb(struct osmo_fd *ofd)
{
	struct smpp_esme *e = ofd->data;

	if (e->fi->state == SMPP_ST_CONNECTING)
		return 0;
	return esme_read(e);
}

static int wq_write_cb(struct osmo_fd *ofd, struct msgb *msg)
{
	struct smpp_esme *e = ofd->data;
	ssize_t rc = write(ofd->fd, msgb_data(msg), msgb_length(msg));

	if (rc < 0 && (errno == EAGAIN || errno == EINTR))
		return -EAGAIN;
	if (rc < 0 || (size_t)rc < msgb_length(msg)) {
		/* a partial write: put the rest back at the head */
		if (rc > 0) {
			msgb_pull(msg, rc);
			return -EAGAIN;
		}
		link_down(e, rc < 0 ? strerror(errno) : "short write");
		return -EBADF;
	}
	return 0;
}

/* Non-blocking connect finishing: the socket becomes writable. */
static int connect_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct smpp_esme *e = ofd->data;
	int err = 0;
	socklen_t len = sizeof(err);

	if (e->fi->state != SMPP_ST_CONNECTING)
		return osmo_wqueue_bfd_cb(ofd, what);
	if (!(what & OSMO_FD_WRITE))
		return 0;
	if (getsockopt(ofd->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
		link_down(e, strerror(err ? err : errno));
		return 0;
	}
	ofd->cb = osmo_wqueue_bfd_cb;
	osmo_fsm_inst_dispatch(e->fi, SMPP_EV_CONNECTED, NULL);
	return 0;
}

static void close_socket(struct smpp_esme *e)
{
	if (e->wq.bfd.fd < 0)
		return;
	osmo_fd_unregister(&e->wq.bfd);
	close(e->wq.bfd.fd);
	e->wq.bfd.fd = -1;
	osmo_wqueue_clear(&e->wq);
	e->rlen = 0;
}

/*
 * The link FSM
 */
static void st_idle_onenter(struct osmo_fsm_inst *fi, uint32_t prev)
{
	struct smpp_esme *e = fi->priv;

	close_socket(e);
	fail_all_pending(e);
	if (prev != SMPP_ST_IDLE) {
		e->stats.reconnects++;
		osmo_fsm_inst_state_chg(fi, SMPP_ST_IDLE, e->backoff_s, 0);
		LOGPE(e, LOGL_NOTICE, "reconnecting in %u s\n", e->backoff_s);
		e->backoff_s = OSMO_MIN(e->backoff_s * 2, e->cfg.reconnect_max_s);
	}
}

static void st_connecting_onenter(struct osmo_fsm_inst *fi, uint32_t prev)
{
	struct smpp_esme *e = fi->priv;
	int rc, one = 1;

	e->wq.bfd.fd = -1;
	rc = osmo_sock_init_ofd(&e->wq.bfd, AF_UNSPEC, SOCK_STREAM, IPPROTO_TCP, e->cfg.host, e->cfg.port,
				OSMO_SOCK_F_CONNECT | OSMO_SOCK_F_NONBLOCK);
	if (rc < 0) {
		LOGPE(e, LOGL_ERROR, "cannot connect to %s:%u\n", e->cfg.host, e->cfg.port);
		osmo_fsm_inst_state_chg(fi, SMPP_ST_IDLE, 0, 0);
		return;
	}
	setsockopt(e->wq.bfd.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	e->wq.bfd.cb = connect_cb;
	osmo_fd_write_enable(&e->wq.bfd);
}

static void st_connecting(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct smpp_esme *e = fi->priv;
	struct bind_transceiver_t bind;

	switch (event) {
	case SMPP_EV_CONNECTED:
		memset(&bind, 0, sizeof(bind));
		bind.command_id = BIND_TRANSCEIVER;
		bind.command_status = ESME_ROK;
		bind.sequence_number = next_seq(e);
		SMPP_SET(bind.system_id, e->cfg.system_id ? e->cfg.system_id : "");
		SMPP_SET(bind.password, e->cfg.password ? e->cfg.password : "");
		SMPP_SET(bind.system_type, e->cfg.system_type ? e->cfg.system_type : "");
		bind.interface_version = SMPP_VERSION;
		osmo_fsm_inst_state_chg(fi, SMPP_ST_BINDING, e->cfg.resp_timeout_s, 0);
		send_pdu(e, BIND_TRANSCEIVER, &bind);
		break;
	case SMPP_EV_LINK_DOWN:
		osmo_fsm_inst_state_chg(fi, SMPP_ST_IDLE, 0, 0);
		break;
	}
}

static void st_binding(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct smpp_esme *e = fi->priv;

	switch (event) {
	case SMPP_EV_BIND_OK:
		e->stats.binds++;
		e->backoff_s = e->cfg.reconnect_min_s;
		e->last_rx = mono_now();
		e->enquire_outstanding = false;
		e->tokens = e->cfg.mps;
		LOGPE(e, LOGL_NOTICE, "bound to %s:%u as '%s'\n", e->cfg.host, e->cfg.port, e->cfg.system_id);
		osmo_fsm_inst_state_chg(fi, SMPP_ST_BOUND, 0, 0);
		sms_sender_kick(e->sc);
		break;
	case SMPP_EV_BIND_FAIL:
		e->stats.bind_failures++;
		stoop_ctr_inc(STOOP_CTR_ERR_SMPP);
		osmo_fsm_inst_state_chg(fi, SMPP_ST_IDLE, 0, 0);
		break;
	case SMPP_EV_LINK_DOWN:
		osmo_fsm_inst_state_chg(fi, SMPP_ST_IDLE, 0, 0);
		break;
	}
}

static void st_bound(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	if (event == SMPP_EV_LINK_DOWN)
		osmo_fsm_inst_state_chg(fi, SMPP_ST_IDLE, 0, 0);
}

static int smpp_fsm_timer_cb(struct osmo_fsm_inst *fi)
{
	struct smpp_esme *e = fi->priv;

	switch (fi->state) {
	case SMPP_ST_IDLE:
		osmo_fsm_inst_state_chg(fi, SMPP_ST_CONNECTING, e->cfg.resp_timeout_s, 0);
		break;
	default:
		LOGPE(e, LOGL_NOTICE, "%s timed out\n", osmo_fsm_inst_state_name(fi));
		osmo_fsm_inst_state_chg(fi, SMPP_ST_IDLE, 0, 0);
		break;
	}
	return 0;
}

#define S(x) (1 << (x))
static const struct osmo_fsm_state smpp_states[] = {
	[SMPP_ST_IDLE] = {
		.name = "IDLE",
		.in_event_mask = S(SMPP_EV_LINK_DOWN),
		.out_state_mask = S(SMPP_ST_IDLE) | S(SMPP_ST_CONNECTING),
		.onenter = st_idle_onenter,
	},
	[SMPP_ST_CONNECTING] = {
		.name = "CONNECTING",
		.in_event_mask = S(SMPP_EV_CONNECTED) | S(SMPP_EV_LINK_DOWN),
		.out_state_mask = S(SMPP_ST_IDLE) | S(SMPP_ST_BINDING),
		.onenter = st_connecting_onenter,
		.action = st_connecting,
	},
	[SMPP_ST_BINDING] = {
		.name = "BINDING",
		.in_event_mask = S(SMPP_EV_BIND_OK) | S(SMPP_EV_BIND_FAIL) | S(SMPP_EV_LINK_DOWN),
		.out_state_mask = S(SMPP_ST_IDLE) | S(SMPP_ST_BOUND),
		.action = st_binding,
	},
	[SMPP_ST_BOUND] = {
		.name = "BOUND",
		.in_event_mask = S(SMPP_EV_LINK_DOWN),
		.out_state_mask = S(SMPP_ST_IDLE),
		.action = st_bound,
	},
};

static const struct value_string smpp_event_names[] = {
	{ SMPP_EV_CONNECTED, "CONNECTED" },
	{ SMPP_EV_BIND_OK, "BIND_OK" },
	{ SMPP_EV_BIND_FAIL, "BIND_FAIL" },
	{ SMPP_EV_LINK_DOWN, "LINK_DOWN" },
	{ 0, NULL }
};

static struct osmo_fsm smpp_fsm = {
	.name = "smpp_esme",
	.states = smpp_states,
	.num_states = ARRAY_SIZE(smpp_states),
	.timer_cb = smpp_fsm_timer_cb,
	.event_names = smpp_event_names,
	.log_subsys = DSMS,
};

static __attribute__((constructor)) void smpp_fsm_init(void)
{
	OSMO_ASSERT(osmo_fsm_register(&smpp_fsm) == 0);
}

/* Every 100 ms: refill the per-second budget, expire late resps, keep the
 * link alive. */
static void tick_cb(void *data)
{
	struct smpp_esme *e = data;
	struct timespec now = mono_now();
	struct smpp_pending *p, *p2;

	osmo_timer_schedule(&e->tick, 0, SMPP_TICK_MS * 1000);
	if (e->fi->state != SMPP_ST_BOUND)
		return;
	if (e->cfg.mps) {
		e->tokens += e->cfg.mps * SMPP_TICK_MS / 1000.0;
		if (e->tokens > e->cfg.mps)
			e->tokens = e->cfg.mps;
	}
	llist_for_each_entry_safe(p, p2, &e->pending, list) {
		if (ts_sec(&now) - ts_sec(&p->sent) < e->cfg.resp_timeout_s)
			break;
		e->stats.submit_timeouts++;
		stoop_ctr_inc(STOOP_CTR_ERR_SMPP);
		LOGPE(e, LOGL_NOTICE, "no submit_sm_resp for seq %u in %u s\n", p->seq, e->cfg.resp_timeout_s);
		part_result(e, p, 0xffffffff, NULL);
	}
	if (e->enquire_outstanding && ts_sec(&now) - ts_sec(&e->enquire_sent) > e->cfg.resp_timeout_s) {
		link_down(e, "no enquire_link_resp");
		return;
	}
	if (!e->enquire_outstanding && ts_sec(&now) - ts_sec(&e->last_rx) > e->cfg.enquire_link_s) {
		struct enquire_link_t el = {
			.command_id = ENQUIRE_LINK, .command_status = ESME_ROK, .sequence_number = next_seq(e),
		};
		e->enquire_outstanding = true;
		e->enquire_sent = now;
		send_pdu(e, ENQUIRE_LINK, &el);
	}
	sms_sender_kick(e->sc);
}

struct smpp_esme *smpp_esme_alloc(void *ctx, struct sms_channel *sc, const struct smpp_config *cfg)
{
	struct smpp_esme *e = talloc_zero(ctx, struct smpp_esme);

	e->cfg = *cfg;
	e->cfg.name = talloc_strdup(e, cfg->name ? cfg->name : "smsc");
	e->cfg.host = talloc_strdup(e, cfg->host ? cfg->host : "127.0.0.1");
	e->cfg.system_id = talloc_strdup(e, cfg->system_id ? cfg->system_id : "");
	e->cfg.password = talloc_strdup(e, cfg->password ? cfg->password : "");
	e->cfg.system_type = talloc_strdup(e, cfg->system_type ? cfg->system_type : "");
	e->cfg.source_addr = talloc_strdup(e, cfg->source_addr ? cfg->source_addr : "311");
	if (!e->cfg.window)
		e->cfg.window = 10;
	if (!e->cfg.enquire_link_s)
		e->cfg.enquire_link_s = 30;
	if (!e->cfg.resp_timeout_s)
		e->cfg.resp_timeout_s = 10;
	if (!e->cfg.reconnect_min_s)
		e->cfg.reconnect_min_s = 1;
	if (e->cfg.reconnect_max_s < e->cfg.reconnect_min_s)
		e->cfg.reconnect_max_s = 60;
	e->backoff_s = e->cfg.reconnect_min_s;
	e->sc = sc;
	e->rbuf = talloc_size(e, SMPP_RBUF);
	INIT_LLIST_HEAD(&e->pending);
	osmo_wqueue_init(&e->wq, 10000);
	e->wq.bfd.fd = -1;
	e->wq.bfd.data = e;
	e->wq.read_cb = wq_read_cb;
	e->wq.write_cb = wq_write_cb;
	e->transport = (struct sms_transport){
		.name = talloc_asprintf(e, "smpp:%s", e->cfg.name),
		.ready = esme_ready, .submit = esme_submit, .priv = e,
	};
	e->fi = osmo_fsm_inst_alloc(&smpp_fsm, e, e, LOGL_INFO, e->cfg.name);
	osmo_timer_setup(&e->tick, tick_cb, e);
	sms_channel_add_transport(sc, &e->transport);
	return e;
}

int smpp_esme_start(struct smpp_esme *e)
{
	osmo_timer_schedule(&e->tick, 0, SMPP_TICK_MS * 1000);
	return osmo_fsm_inst_state_chg(e->fi, SMPP_ST_CONNECTING, e->cfg.resp_timeout_s, 0);
}

struct sms_transport *smpp_esme_transport(struct smpp_esme *e)
{
	return &e->transport;
}

bool smpp_esme_bound(const struct smpp_esme *e)
{
	return e->fi->state == SMPP_ST_BOUND;
}

const char *smpp_esme_state_name(const struct smpp_esme *e)
{
	return osmo_fsm_inst_state_name(e->fi);
}

const struct smpp_stats *smpp_esme_stats(const struct smpp_esme *e)
{
	((struct smpp_esme *)e)->stats.outstanding = e->n_pending;
	return &e->stats;
}
