/* smpp.h -- Stoop as an SMPP 3.4 ESME: one bind_transceiver to one
 * configured SMSC (carrier, aggregator, Kannel, osmo-msc), implemented in
 * sms/smpp.c with libsmpp34 for the PDUs and an osmo_fsm for the link. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct sms_channel;
struct sms_transport;
struct smpp_esme;

struct smpp_config {
	const char *name;		/* for logs and the console */
	const char *host;		/* the SMSC's address (IP) */
	uint16_t port;
	const char *system_id;
	const char *password;
	const char *system_type;
	const char *source_addr;	/* the number residents text, e.g. "311" */
	uint8_t source_ton, source_npi;
	unsigned window;		/* submit_sm awaiting their resp */
	unsigned mps;			/* submit_sm per second; 0: no limit */
	unsigned enquire_link_s;	/* keep-alive interval */
	unsigned resp_timeout_s;	/* a resp later than this: link is dead / retry */
	unsigned reconnect_min_s, reconnect_max_s;	/* back-off bounds */
	bool registered_delivery;	/* ask for delivery receipts */
	bool fold;			/* fold accents GSM 03.38 lacks */
};

struct smpp_esme *smpp_esme_alloc(void *ctx, struct sms_channel *sc, const struct smpp_config *cfg);
/* Start connecting (and keep reconnecting with back-off). */
int smpp_esme_start(struct smpp_esme *e);
struct sms_transport *smpp_esme_transport(struct smpp_esme *e);
bool smpp_esme_bound(const struct smpp_esme *e);
const char *smpp_esme_state_name(const struct smpp_esme *e);

struct smpp_stats {
	uint64_t binds, bind_failures, reconnects;
	uint64_t deliver_in, deliver_bad, receipts;
	uint64_t submit_out, submit_ok, submit_throttled, submit_failed, submit_timeouts;
	uint64_t generic_nacks, malformed;
	unsigned outstanding;
};
const struct smpp_stats *smpp_esme_stats(const struct smpp_esme *e);
