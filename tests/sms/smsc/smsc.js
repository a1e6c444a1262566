#!/usr/bin/env node
// tests/sms/smsc/smsc.js -- the test SMSC that Stoop's SMPP tests talk to.
// It owns an SMPP 3.4 server on the loopback address whose PDU codec is
// the npm `smpp` package (an implementation independent of Stoop's), a
// JSON-lines control protocol on stdin and a JSON-lines event stream on
// stdout.  Test code only: it is never installed or shipped in a package.
//
//   node smsc.js --port N [--system-id stoop] [--password secret]
//                [--bind 127.0.0.1] [--window 10] [--max-seconds 600]
//                [--trace]
//
// --port 0 lets the kernel pick a free port; the "listening" event says
// which.  The peer exits by itself on {"cmd":"quit"}, at the end of its
// stdin, or after --max-seconds.  The commands and events are listed in
// the comment above `commands` below.
'use strict';

const net = require('net');
const readline = require('readline');
const smpp = require('smpp');

const PDU = smpp.PDU;

// The package decodes short_message into {udh: [IE...], message: string}
// with its own guess of the character set, which loses the raw octets, and
// turns time strings into Date objects.  The peer reports raw octets and
// decodes them itself, so those filters are switched off in this process.
for (const c of ['submit_sm', 'deliver_sm', 'data_sm']) {
	const p = smpp.commands[c].params;
	for (const f of ['short_message', 'schedule_delivery_time', 'validity_period']) {
		if (p[f]) delete p[f].filter;
	}
}
delete smpp.tlvs.message_payload.filter;

const ST = {
	ROK: 0x00, RINVCMDLEN: 0x02, RINVCMDID: 0x03, RINVBNDSTS: 0x04,
	RALYBND: 0x05, RSYSERR: 0x08, RBINDFAIL: 0x0D, RINVPASWD: 0x0E,
	RTHROTTLED: 0x58,
};

// ---------------------------------------------------------------- options

function usage(msg) {
	if (msg) process.stderr.write('smsc.js: ' + msg + '\n');
	process.stderr.write('usage: node smsc.js --port N [--system-id ID] [--password PW] ' +
		'[--bind 127.0.0.1] [--window N] [--max-seconds N] [--trace]\n');
	process.exit(2);
}

const opt = {
	port: null, systemId: 'stoop', password: 'secret', bind: '127.0.0.1',
	window: 10, maxSeconds: 600, trace: false,
};
{
	const a = process.argv.slice(2);
	for (let i = 0; i < a.length; i++) {
		const k = a[i];
		const v = () => {
			if (i + 1 >= a.length) usage(k + ' needs a value');
			return a[++i];
		};
		switch (k) {
		case '--port': opt.port = Number(v()); break;
		case '--system-id': opt.systemId = v(); break;
		case '--password': opt.password = v(); break;
		case '--bind': opt.bind = v(); break;
		case '--window': opt.window = Number(v()); break;
		case '--max-seconds': opt.maxSeconds = Number(v()); break;
		case '--trace': opt.trace = true; break;
		default: usage('unknown argument ' + k);
		}
	}
	if (!Number.isInteger(opt.port) || opt.port < 0 || opt.port > 65535) usage('--port N is required (0 picks a free port)');
	if (!Number.isInteger(opt.window) || opt.window < 1 || opt.window > 1000) usage('--window is 1..1000');
	if (!(opt.maxSeconds > 0 && opt.maxSeconds <= 86400)) usage('--max-seconds is 1..86400');
	// Loopback only: this is a test peer and must never be reachable from
	// elsewhere.
	if (!/^127\.\d+\.\d+\.\d+$/.test(opt.bind) && opt.bind !== '::1') usage('--bind must be a loopback address');
}

// ---------------------------------------------------------------- events

// With {"cmd":"timestamps","on":true} every event carries "t": milliseconds
// since the peer started (monotonic, microsecond resolution), so a test can
// measure between two events of this process on one clock.
let timestamps = false;
// With {"cmd":"quiet","on":true} the per-message events (deliver_resp,
// submit) are not written: a benchmark reads the counters of "stats".
let quiet = false;

function emit(obj) {
	if (timestamps) obj.t = Math.round(performance.now() * 1000) / 1000;
	// stdout to a pipe or a file is synchronous in node on Linux, so every
	// line is out before the next event happens.
	try {
		process.stdout.write(JSON.stringify(obj) + '\n');
	} catch (e) {
		process.exit(1);
	}
}
process.stdout.on('error', () => process.exit(1));

// ---------------------------------------------------------------- text codecs

// GSM 03.38 default alphabet (3GPP TS 23.038 6.2.1), one character per
// septet value, and its extension table (6.2.1.1) reached through ESC.
const GSM_BASIC = [
	'@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
	'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', '\x1b', 'Æ', 'æ', 'ß', 'É',
	' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
	'¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
	'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
	'¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
];
const GSM_EXT = {
	0x0A: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2F: '\\',
	0x3C: '[', 0x3D: '~', 0x3E: ']', 0x40: '|', 0x65: '€',
};
const GSM_ENC = new Map();
GSM_BASIC.forEach((ch, i) => { if (i !== 0x1B) GSM_ENC.set(ch, [i]); });
for (const k of Object.keys(GSM_EXT)) GSM_ENC.set(GSM_EXT[k], [0x1B, Number(k)]);

// Unpacked septets, one per octet, as SMPP carries data_coding 0.  Throws
// on a character outside the alphabet: a test that wants one sends "raw".
function gsmEncode(text) {
	const out = [];
	for (const ch of text) {
		const s = GSM_ENC.get(ch);
		if (!s) throw new Error('character U+' + ch.codePointAt(0).toString(16).toUpperCase().padStart(4, '0') + ' is not in GSM 03.38');
		out.push(...s);
	}
	return Buffer.from(out);
}

// Returns {text, problem}; problem names the first thing that is not well
// formed (an octet above 0x7F, a lone ESC), null when there is none.
function gsmDecode(buf) {
	let text = '';
	let problem = null;
	for (let i = 0; i < buf.length; i++) {
		const b = buf[i];
		if (b > 0x7F) {
			text += '\uFFFD';
			problem = problem || 'octet 0x' + b.toString(16) + ' above 0x7F at ' + i;
		} else if (b === 0x1B) {
			if (i + 1 >= buf.length) {
				problem = problem || 'ESC at the end';
				break;
			}
			const n = buf[++i];
			if (GSM_EXT[n] !== undefined) {
				text += GSM_EXT[n];
			} else {
				// 23.038: an unknown extension shows the default-table
				// character.
				problem = problem || 'unknown extension 0x1B 0x' + n.toString(16);
				text += n <= 0x7F ? GSM_BASIC[n] : '\uFFFD';
			}
		} else {
			text += GSM_BASIC[b];
		}
	}
	return { text, problem };
}

function ucs2Encode(text) {
	const le = Buffer.from(text, 'utf16le');
	for (let i = 0; i + 1 < le.length; i += 2) {
		const t = le[i]; le[i] = le[i + 1]; le[i + 1] = t;
	}
	return le;
}

function ucs2Decode(buf) {
	const n = buf.length & ~1;
	const le = Buffer.alloc(n);
	for (let i = 0; i < n; i += 2) {
		le[i] = buf[i + 1]; le[i + 1] = buf[i];
	}
	return { text: le.toString('utf16le'), problem: n !== buf.length ? 'odd number of octets' : null };
}

function latin1Encode(text) {
	for (const ch of text) {
		if (ch.codePointAt(0) > 0xFF) throw new Error('character U+' + ch.codePointAt(0).toString(16).toUpperCase() + ' is not in Latin-1');
	}
	return Buffer.from(text, 'latin1');
}

// data_coding -> decoded text of the user data (after the UDH).
function decodeText(dcs, buf) {
	switch (dcs) {
	case 0x00: return gsmDecode(buf);
	case 0x01: {
		const bad = buf.findIndex((b) => b > 0x7F);
		return { text: buf.toString('latin1'), problem: bad >= 0 ? 'octet above 0x7F in IA5 at ' + bad : null };
	}
	case 0x03: return { text: buf.toString('latin1'), problem: null };
	case 0x08: return ucs2Decode(buf);
	default: return { text: null, problem: 'data_coding ' + dcs + ' is not decoded' };
	}
}

// ---------------------------------------------------------------- helpers

const hex = (b) => (b ? Buffer.from(b).toString('hex').toUpperCase() : null);

function parseHex(s, what) {
	if (typeof s !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(s)) throw new Error(what + ' is not hex');
	return Buffer.from(s, 'hex');
}

// "+15551230001" -> international; digits -> unknown/ISDN; else alphanumeric.
function addrOut(s, ton, npi) {
	let a;
	if (/^\+\d+$/.test(s)) a = { addr: s.slice(1), ton: 1, npi: 1 };
	else if (/^\d*$/.test(s)) a = { addr: s, ton: 0, npi: 1 };
	else a = { addr: s, ton: 5, npi: 0 };
	if (ton !== undefined) a.ton = ton;
	if (npi !== undefined) a.npi = npi;
	return a;
}

// The number as a test writes it: "+" and the digits for an international one.
function addrIn(addr, ton) {
	return ton === 1 && /^\d+$/.test(addr) ? '+' + addr : addr;
}

function smscTime(d) {
	const p = (n) => String(n).padStart(2, '0');
	return p(d.getUTCFullYear() % 100) + p(d.getUTCMonth() + 1) + p(d.getUTCDate()) +
		p(d.getUTCHours()) + p(d.getUTCMinutes());
}

// ---------------------------------------------------------------- state

const stats = {
	connections: 0, binds_ok: 0, binds_failed: 0, enquire_links: 0, unbinds: 0,
	submits: 0, submits_ok: 0, submits_refused: 0, max_submits_in_flight: 0,
	delivers_sent: 0, deliver_resps: 0, deliver_resps_error: 0, delivers_unacked: 0,
	receipts_sent: 0, generic_nacks_in: 0, generic_nacks_out: 0, errors: 0,
};
const conns = new Map(); // id -> connection
let connSeq = 0;
let current = null; // the connection bound last: where delivers go
let windowSize = opt.window;
let throttle = false;
let failSubmits = { status: 0, count: 0 };
let receipts = { on: false, stat: 'DELIVRD', err: '000', when: 'always', delay_ms: 0 };
let submitDelayMs = 0;
let mute = false;
let redeliver = false;
let refuseBinds = { status: 0, count: 0 };
let msgIdCounter = 0;
const msgIdBase = Math.floor(Math.random() * 0x1000) * 0x1000000;
const queue = []; // delivers waiting for the window: {id, opts, burst}
const bursts = new Map();
const timers = new Set(); // every timer the peer holds, cleared on quit

function later(ms, fn) {
	const t = setTimeout(() => { timers.delete(t); fn(); }, ms);
	timers.add(t);
	return t;
}

function error(what, extra) {
	stats.errors++;
	emit(Object.assign({ ev: 'error', what }, extra || {}));
}

function freshMessageId() {
	msgIdCounter++;
	return (msgIdBase + msgIdCounter).toString(16).toUpperCase().padStart(10, '0');
}

// ---------------------------------------------------------------- connections

function nextSeq(c) {
	c.seq = c.seq >= 0x7FFFFFFF ? 1 : c.seq + 1;
	return c.seq;
}

function write(c, pdu) {
	if (c.closed || !c.sock.writable) return false;
	const buf = pdu.toBuffer();
	if (opt.trace) emit({ ev: 'pdu', dir: 'out', conn: c.id, command: pdu.command, seq: pdu.sequence_number, status: pdu.command_status, hex: hex(buf) });
	c.sock.write(buf);
	return true;
}

function writeRaw(c, buf) {
	if (c.closed || !c.sock.writable) return false;
	c.sock.write(buf);
	return true;
}

function dropConnection(c, why) {
	if (c.closed) return;
	c.closedBy = c.closedBy || 'smsc';
	c.closeWhy = c.closeWhy || why;
	c.sock.destroy();
}

function onConnection(sock) {
	const c = {
		id: ++connSeq, sock, buf: Buffer.alloc(0), bound: false, systemId: null,
		seq: 0, outstanding: new Map(), inflightSubmits: 0, closed: false,
		closedBy: null, closeWhy: null,
	};
	conns.set(c.id, c);
	stats.connections++;
	emit({ ev: 'connect', conn: c.id, remote_port: sock.remotePort });
	sock.setNoDelay(true);
	sock.on('data', (chunk) => onData(c, chunk));
	sock.on('end', () => {
		c.closedBy = c.closedBy || 'esme';
		sock.end();
	});
	sock.on('error', (e) => {
		c.closeWhy = c.closeWhy || e.code || e.message;
	});
	sock.on('close', () => onClose(c));
}

function onClose(c) {
	c.closed = true;
	conns.delete(c.id);
	const ev = { ev: 'closed', conn: c.id, by: c.closedBy || 'esme' };
	if (c.closeWhy) ev.why = c.closeWhy;
	emit(ev);
	// Delivers sent on this connection and never acknowledged.
	const lost = [...c.outstanding.values()];
	c.outstanding.clear();
	for (const o of lost) {
		stats.delivers_unacked++;
		emit({ ev: 'deliver_unacked', id: o.id, seq: o.seq, requeued: redeliver });
		if (!redeliver) burstAck(o.burst, null);
	}
	// Requeued in the order they were first sent, ahead of the others.
	if (redeliver) queue.unshift(...lost.map((o) => ({ id: o.id, opts: o.opts, burst: o.burst, resend: true })));
	if (current === c) {
		current = null;
		for (const o of conns.values()) if (o.bound) current = o;
	}
	pump();
}

// Framing by command_length, checked before the package sees the octets:
// a length below the 16-octet header or above the package's maximum
// cannot be resynchronised, so it gets generic_nack ESME_RINVCMDLEN and
// the connection is dropped, as an SMSC does.
function onData(c, chunk) {
	c.buf = c.buf.length ? Buffer.concat([c.buf, chunk]) : chunk;
	for (let guard = 0; guard < 100000 && !c.closed; guard++) {
		if (c.buf.length < 4) return;
		const len = c.buf.readUInt32BE(0);
		if (len < 16 || len > PDU.maxLength) {
			const seq = c.buf.length >= 16 ? c.buf.readUInt32BE(12) : 0;
			error('bad command_length ' + len, { conn: c.id });
			sendGenericNack(c, seq, ST.RINVCMDLEN, null);
			c.buf = Buffer.alloc(0);
			dropConnection(c, 'bad command_length');
			return;
		}
		if (c.buf.length < len) return;
		const raw = c.buf.subarray(0, len);
		c.buf = c.buf.subarray(len);
		let pdu;
		try {
			pdu = new PDU(Buffer.from(raw));
		} catch (e) {
			const cmdId = raw.readUInt32BE(4);
			const seq = raw.readUInt32BE(12);
			error('undecodable PDU: ' + e.message, { conn: c.id, command_id: cmdId, seq, hex: hex(raw) });
			if (!(cmdId & 0x80000000)) sendGenericNack(c, seq, ST.RINVCMDLEN, cmdId);
			continue;
		}
		if (opt.trace) emit({ ev: 'pdu', dir: 'in', conn: c.id, command: pdu.command, seq: pdu.sequence_number, status: pdu.command_status, hex: hex(raw) });
		try {
			onPdu(c, pdu, raw);
		} catch (e) {
			error('handling ' + pdu.command + ': ' + e.message, { conn: c.id, seq: pdu.sequence_number });
		}
	}
}

function sendGenericNack(c, seq, status, commandId) {
	stats.generic_nacks_out++;
	write(c, new PDU('generic_nack', { sequence_number: seq, command_status: status }));
	const ev = { ev: 'generic_nack', dir: 'out', conn: c.id, seq, status };
	if (commandId !== null) ev.command_id = commandId;
	emit(ev);
}

function respond(c, pdu, options) {
	write(c, pdu.response(options || {}));
}

function onPdu(c, pdu, raw) {
	switch (pdu.command) {
	case 'bind_transceiver': return onBind(c, pdu);
	case 'bind_transmitter':
	case 'bind_receiver':
		stats.binds_failed++;
		emit({ ev: 'bind', conn: c.id, command: pdu.command, system_id: pdu.system_id, ok: false, status: ST.RBINDFAIL });
		if (!mute) respond(c, pdu, { command_status: ST.RBINDFAIL });
		return;
	case 'enquire_link':
		stats.enquire_links++;
		emit({ ev: 'enquire_link', conn: c.id, seq: pdu.sequence_number, muted: mute || undefined });
		if (!mute) respond(c, pdu);
		return;
	case 'unbind':
		stats.unbinds++;
		emit({ ev: 'unbind', conn: c.id, seq: pdu.sequence_number, muted: mute || undefined });
		if (mute) return;
		respond(c, pdu);
		c.bound = false;
		if (current === c) current = null;
		// The ESME closes after unbind_resp; an ESME that does not is
		// dropped after 2 s.
		later(2000, () => dropConnection(c, 'no close after unbind'));
		return;
	case 'submit_sm': return onSubmit(c, pdu, raw);
	case 'deliver_sm_resp': return onDeliverResp(c, pdu);
	case 'enquire_link_resp':
		emit({ ev: 'enquire_link_resp', conn: c.id, seq: pdu.sequence_number, status: pdu.command_status });
		return;
	case 'unbind_resp':
		emit({ ev: 'unbind_resp', conn: c.id, seq: pdu.sequence_number, status: pdu.command_status });
		c.bound = false;
		dropConnection(c, 'unbound');
		return;
	case 'generic_nack':
		stats.generic_nacks_in++;
		emit({ ev: 'generic_nack', dir: 'in', conn: c.id, seq: pdu.sequence_number, status: pdu.command_status });
		// A nack for one of our delivers answers it.
		if (c.outstanding.has(pdu.sequence_number)) onDeliverResp(c, pdu);
		return;
	case 'unknown':
		emit({ ev: 'unknown_command', conn: c.id, command_id: pdu.command_id, seq: pdu.sequence_number });
		if (!(pdu.command_id & 0x80000000)) sendGenericNack(c, pdu.sequence_number, ST.RINVCMDID, pdu.command_id);
		return;
	default:
		if (pdu.isResponse()) {
			error('unexpected ' + pdu.command, { conn: c.id, seq: pdu.sequence_number });
			return;
		}
		// A request this SMSC does not serve (query_sm, data_sm, ...).
		emit({ ev: 'unsupported', conn: c.id, command: pdu.command, seq: pdu.sequence_number });
		respond(c, pdu, { command_status: ST.RINVCMDID });
	}
}

function onBind(c, pdu) {
	let status = ST.ROK;
	if (c.bound) status = ST.RALYBND;
	else if (pdu.system_id !== opt.systemId) status = ST.RBINDFAIL;
	else if (pdu.password !== opt.password) status = ST.RINVPASWD;
	else if (refuseBinds.count > 0) {
		refuseBinds.count--;
		status = refuseBinds.status;
	}
	const ok = status === ST.ROK;
	emit({
		ev: 'bind', conn: c.id, command: 'bind_transceiver', system_id: pdu.system_id,
		system_type: pdu.system_type, interface_version: pdu.interface_version, ok, status,
		muted: mute || undefined,
	});
	if (ok) stats.binds_ok++; else stats.binds_failed++;
	if (mute) return;
	// On an error the package sends the header alone (no system_id).
	respond(c, pdu, ok ? { system_id: 'stoop-test-smsc' } : { command_status: status });
	if (ok) {
		c.bound = true;
		c.systemId = pdu.system_id;
		current = c;
		pump();
	}
}

function onSubmit(c, pdu, raw) {
	stats.submits++;
	const esm = pdu.esm_class || 0;
	const dcs = pdu.data_coding || 0;
	let sm = Buffer.isBuffer(pdu.short_message) ? pdu.short_message : Buffer.alloc(0);
	let payload = false;
	if (sm.length === 0 && Buffer.isBuffer(pdu.message_payload)) {
		sm = pdu.message_payload;
		payload = true;
	}
	let udh = null;
	let ud = sm;
	let problem = null;
	if (esm & 0x40) {
		if (sm.length === 0 || sm[0] + 1 > sm.length) {
			problem = 'UDHI set but no complete UDH';
		} else {
			udh = sm.subarray(0, sm[0] + 1);
			ud = sm.subarray(sm[0] + 1);
		}
	}
	const dec = decodeText(dcs, ud);
	problem = problem || dec.problem;
	const tlvs = {};
	let nTlv = 0;
	for (const k of Object.keys(pdu)) {
		if (k === 'message_payload') continue;
		if (smpp.tlvs[k] || /^\d+$/.test(k)) {
			const v = pdu[k];
			tlvs[/^\d+$/.test(k) ? 'tlv_0x' + Number(k).toString(16).padStart(4, '0') : k] = Buffer.isBuffer(v) ? hex(v) : v;
			nTlv++;
		}
	}

	let status = ST.ROK;
	// The package stops reading fields at command_length without a word,
	// so a body cut short shows as a missing short_message.
	if (!Buffer.isBuffer(pdu.short_message)) {
		status = ST.RINVCMDLEN;
		problem = problem || 'body ends before short_message';
	} else if (!c.bound) status = ST.RINVBNDSTS;
	else if (throttle) status = ST.RTHROTTLED;
	else if (failSubmits.count > 0) {
		failSubmits.count--;
		status = failSubmits.status;
	}
	const messageId = status === ST.ROK ? freshMessageId() : null;
	const ev = {
		ev: 'submit', conn: c.id, seq: pdu.sequence_number,
		to: addrIn(pdu.destination_addr, pdu.dest_addr_ton), from: addrIn(pdu.source_addr, pdu.source_addr_ton),
		dest_addr_ton: pdu.dest_addr_ton, dest_addr_npi: pdu.dest_addr_npi,
		source_addr_ton: pdu.source_addr_ton, source_addr_npi: pdu.source_addr_npi,
		service_type: pdu.service_type, data_coding: dcs, esm_class: esm,
		registered_delivery: pdu.registered_delivery || 0,
		validity_period: pdu.validity_period || '', udh: hex(udh), text: dec.text, hex: hex(sm),
		payload, tlvs: nTlv ? tlvs : null, status, message_id: messageId,
	};
	if (problem) ev.decode_problem = problem;
	if (mute) ev.muted = true;
	if (status === ST.ROK) stats.submits_ok++; else stats.submits_refused++;

	if (mute) {
		if (!quiet) emit(ev);
		return;
	}
	c.inflightSubmits++;
	if (c.inflightSubmits > stats.max_submits_in_flight) stats.max_submits_in_flight = c.inflightSubmits;
	const answer = () => {
		c.inflightSubmits--;
		respond(c, pdu, status === ST.ROK ? { message_id: messageId } : { command_status: status });
		if (status === ST.ROK && receipts.on &&
			(receipts.when === 'always' || (pdu.registered_delivery & 0x03))) {
			later(receipts.delay_ms, () => queueReceipt(pdu, messageId));
		}
	};
	if (!quiet) emit(ev);
	if (submitDelayMs > 0) later(submitDelayMs, answer);
	else answer();
}

function queueReceipt(submit, messageId) {
	const now = smscTime(new Date());
	const text = 'id:' + messageId + ' sub:001 dlvr:001 submit date:' + now + ' done date:' + now +
		' stat:' + receipts.stat + ' err:' + receipts.err + ' text:';
	const states = { DELIVRD: 2, EXPIRED: 3, DELETED: 4, UNDELIV: 5, ACCEPTD: 6, UNKNOWN: 7, REJECTD: 8 };
	stats.receipts_sent++;
	queue.push({
		id: 'receipt:' + messageId,
		opts: {
			source_addr: submit.destination_addr, source_addr_ton: submit.dest_addr_ton, source_addr_npi: submit.dest_addr_npi,
			destination_addr: submit.source_addr, dest_addr_ton: submit.source_addr_ton, dest_addr_npi: submit.source_addr_npi,
			esm_class: 0x04, data_coding: 0, short_message: Buffer.from(text, 'latin1'),
			receipted_message_id: messageId, message_state: states[receipts.stat] || 7,
		},
		burst: null,
	});
	pump();
}

function onDeliverResp(c, pdu) {
	const o = c.outstanding.get(pdu.sequence_number);
	if (!o) {
		error('deliver_sm_resp for no outstanding deliver_sm', { conn: c.id, seq: pdu.sequence_number, status: pdu.command_status });
		return;
	}
	c.outstanding.delete(pdu.sequence_number);
	stats.deliver_resps++;
	if (pdu.command_status !== 0) stats.deliver_resps_error++;
	if (!quiet) emit({ ev: 'deliver_resp', conn: c.id, id: o.id, seq: o.seq, status: pdu.command_status, ms: Date.now() - o.t0 });
	burstAck(o.burst, pdu.command_status);
	pump();
}

// ---------------------------------------------------------------- delivering

// Sends queued delivers on the current connection while the window has room.
function pump() {
	const c = current;
	if (!c || !c.bound || c.closed) return;
	for (let guard = 0; guard < 100000 && queue.length && c.outstanding.size < windowSize; guard++) {
		const item = queue.shift();
		const seq = nextSeq(c);
		let pdu;
		try {
			pdu = new PDU('deliver_sm', Object.assign({ sequence_number: seq }, item.opts));
			if (!write(c, pdu)) {
				queue.unshift(item);
				return;
			}
		} catch (e) {
			error('cannot send deliver_sm: ' + e.message, { id: item.id });
			burstAck(item.burst, null);
			continue;
		}
		c.outstanding.set(seq, { id: item.id, seq, opts: item.opts, burst: item.burst, t0: Date.now() });
		stats.delivers_sent++;
		if (item.burst) {
			if (item.burst.events) emit({ ev: 'deliver_sent', conn: c.id, id: item.id, seq, resend: item.resend || undefined });
			if (item.resend) continue;
			item.burst.sent++;
			if (item.burst.sent === item.burst.count) emit({ ev: 'burst_sent', burst: item.burst.name, count: item.burst.count });
		} else {
			emit({ ev: 'deliver_sent', conn: c.id, id: item.id, seq, resend: item.resend || undefined });
		}
	}
}

function burstAck(b, status) {
	if (!b) return;
	if (status === 0) b.ok++;
	else if (status === null) b.lost++;
	else b.failed++;
	if (b.ok + b.failed + b.lost === b.count) {
		if (b.timer) clearInterval(b.timer);
		bursts.delete(b.name);
		emit({ ev: 'burst_done', burst: b.name, count: b.count, ok: b.ok, failed: b.failed, lost: b.lost, ms: Date.now() - b.t0 });
	}
}

// deliver_sm fields from a command's from/to/coding/text/hex/udh.
function deliverOptions(m) {
	const from = addrOut(String(m.from === undefined ? '+15550000000' : m.from), m.from_ton, m.from_npi);
	const to = addrOut(String(m.to === undefined ? '311' : m.to), m.to_ton, m.to_npi);
	const coding = m.coding || 'gsm';
	let ud;
	let dcs;
	switch (coding) {
	case 'gsm': ud = gsmEncode(String(m.text || '')); dcs = 0; break;
	case 'ucs2': ud = ucs2Encode(String(m.text || '')); dcs = 8; break;
	case 'latin1': ud = latin1Encode(String(m.text || '')); dcs = 3; break;
	case 'raw': ud = parseHex(m.hex || '', 'hex'); dcs = 0; break;
	default: throw new Error('coding is gsm, ucs2, latin1 or raw');
	}
	if (m.data_coding !== undefined) dcs = m.data_coding;
	let esm = 0;
	let sm = ud;
	if (m.udh !== undefined) {
		const u = parseHex(m.udh, 'udh');
		if (u.length < 1 || u[0] + 1 !== u.length) throw new Error('udh must start with its length octet (UDHL) and hold UDHL octets after it');
		sm = Buffer.concat([u, ud]);
		esm |= 0x40;
	}
	if (m.esm_class !== undefined) esm = m.esm_class;
	const o = {
		source_addr: from.addr, source_addr_ton: from.ton, source_addr_npi: from.npi,
		destination_addr: to.addr, dest_addr_ton: to.ton, dest_addr_npi: to.npi,
		esm_class: esm, data_coding: dcs, registered_delivery: 0,
	};
	if (m.umr !== undefined && m.umr !== null) {
		const u = Number(m.umr);
		if (!Number.isInteger(u) || u < 0 || u > 0xFFFF) throw new Error('umr is 0..65535');
		o.user_message_reference = u;
	}
	if (m.payload) {
		o.short_message = Buffer.alloc(0);
		o.message_payload = sm;
	} else {
		if (sm.length > 254) throw new Error('short_message is ' + sm.length + ' octets, more than 254 (use "payload":true)');
		o.short_message = sm;
	}
	return o;
}

// ---------------------------------------------------------------- commands
//
// One JSON object per line on stdin; every command is answered by one
// event ("ack", or "error" with the reason), deliver by "deliver_sent"
// once it went out (at once when the window has room).
//
//   deliver  {from, to, text, coding: gsm|ucs2|latin1|raw, hex, udh,
//            data_coding, esm_class, payload, id, umr}
//   burst    {count, from_prefix | from, to, text, distinct_text, coding,
//            rate, id_prefix, umr, events}: "burst_sent", "burst_done" at
//            the end; umr (true, or the first value) gives every deliver its
//            own user_message_reference TLV (0x0204), numbered from 1 and
//            kept when it is sent again; events: a "deliver_sent" for each
//            deliver of the burst too
//   throttle {on}               fail_submits {status, count}
//   receipts {on, stat, err, when: always|requested, delay_ms}
//   submit_delay {ms}           mute {on}: answer nothing at all
//   window {size}               redeliver {on}: unacked delivers go again
//   refuse_binds {status, count}
//   timestamps {on}: every event gets "t", ms on this process's monotonic clock
//   quiet {on}: no deliver_resp and submit events (stats still counts them)
//   malformed {kind: bad_length|short_header|unknown_command|huge_length|
//             truncated_body}
//   enquire_link, unbind: sent by the SMSC on the current connection
//   close, stats, quit
//
// Events (one JSON object a line on stdout; "conn" numbers connections):
//   listening {port, address}   connect {conn}   closed {conn, by: esme|smsc, why}
//   bind {system_id, ok, status}   enquire_link   unbind   unbind_resp
//   submit {seq, to, from, data_coding, esm_class, udh, text, hex,
//          registered_delivery, status, message_id, decode_problem?}
//   deliver_sent {id, seq}   deliver_resp {id, seq, status, ms}
//   deliver_unacked {id, requeued}   burst_sent   burst_done {ok, failed, lost}
//   generic_nack {dir: in|out, seq, status}   unknown_command   unsupported
//   malformed_sent {kind, seq, hex}   stats {...}   ack {cmd}
//   error {what}   bye {why, stats}   pdu {dir, command, hex} with --trace

const commands = {
	deliver(m) {
		const opts = deliverOptions(m);
		queue.push({ id: m.id === undefined ? 'deliver-' + (stats.delivers_sent + queue.length + 1) : String(m.id), opts, burst: null });
		if (!current) emit({ ev: 'ack', cmd: 'deliver', id: m.id, queued: true, note: 'no ESME bound: sent after the next bind' });
		pump();
	},
	burst(m) {
		const count = Number(m.count);
		if (!Number.isInteger(count) || count < 1 || count > 100000) throw new Error('count is 1..100000');
		const rate = m.rate === undefined ? 0 : Number(m.rate);
		if (!(rate >= 0 && rate <= 100000)) throw new Error('rate is 0..100000 per second');
		const name = String(m.id_prefix || 'burst' + (bursts.size + 1));
		if (bursts.has(name)) throw new Error('burst ' + name + ' is still running');
		const pad = m.pad === undefined ? 7 : Number(m.pad);
		// umr: true numbers the delivers' user_message_reference 1, 2, ...;
		// a number starts there; either wraps at 65536 (the TLV is 16 bits)
		let umr0 = null;
		if (m.umr === true) umr0 = 1;
		else if (m.umr !== undefined && m.umr !== false && m.umr !== null) {
			umr0 = Number(m.umr);
			if (!Number.isInteger(umr0) || umr0 < 0 || umr0 > 0xFFFF) throw new Error('umr is true or 0..65535');
		}
		const items = [];
		for (let i = 1; i <= count; i++) {
			const from = m.from !== undefined ? m.from : String(m.from_prefix || '+1555') + String(i).padStart(pad, '0');
			const text = m.distinct_text ? String(m.text || '') + ' ' + i : m.text;
			const umr = umr0 === null ? undefined : (umr0 + i - 1) % 0x10000;
			items.push(deliverOptions(Object.assign({}, m, { from, text, umr })));
		}
		const b = { name, count, sent: 0, ok: 0, failed: 0, lost: 0, timer: null, t0: Date.now(), events: !!m.events };
		bursts.set(name, b);
		const item = (i) => ({ id: name + '-' + (i + 1), opts: items[i], burst: b });
		if (rate === 0) {
			for (let i = 0; i < count; i++) queue.push(item(i));
			pump();
		} else {
			// paced by the clock: each tick queues what is due by now, so
			// a late timer does not lower the rate
			let i = 0;
			const t0 = performance.now();
			const tick = () => {
				const due = Math.min(count, Math.floor((performance.now() - t0) * rate / 1000) + 1);
				while (i < due) queue.push(item(i++));
				if (i >= count) clearInterval(b.timer);
				pump();
			};
			b.timer = setInterval(tick, Math.max(1, Math.min(20, Math.round(1000 / rate))));
			tick();
		}
		emit({ ev: 'ack', cmd: 'burst', burst: name, count });
	},
	throttle(m) { throttle = !!m.on; },
	fail_submits(m) {
		const status = Number(m.status);
		const count = m.count === undefined ? 1 : Number(m.count);
		if (!Number.isInteger(status) || status < 0) throw new Error('status is a number');
		if (!Number.isInteger(count) || count < 0) throw new Error('count is a number');
		failSubmits = { status, count };
	},
	receipts(m) {
		receipts = {
			on: !!m.on, stat: String(m.stat || 'DELIVRD'), err: String(m.err || '000'),
			when: m.when === 'requested' ? 'requested' : 'always',
			delay_ms: Math.min(60000, Math.max(0, Number(m.delay_ms) || 0)),
		};
	},
	submit_delay(m) { submitDelayMs = Math.min(60000, Math.max(0, Number(m.ms) || 0)); },
	mute(m) { mute = !!m.on; },
	timestamps(m) { timestamps = !!m.on; },
	quiet(m) { quiet = !!m.on; },
	redeliver(m) { redeliver = !!m.on; },
	window(m) {
		const n = Number(m.size);
		if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error('size is 1..1000');
		windowSize = n;
		pump();
	},
	refuse_binds(m) {
		refuseBinds = { status: Number(m.status) || ST.RBINDFAIL, count: m.count === undefined ? 1 : Number(m.count) };
	},
	malformed(m) {
		const c = needConnection();
		const seq = nextSeq(c);
		const hdr = (len, id, status, s) => {
			const b = Buffer.alloc(16);
			b.writeUInt32BE(len >>> 0, 0); b.writeUInt32BE(id >>> 0, 4);
			b.writeUInt32BE(status, 8); b.writeUInt32BE(s, 12);
			return b;
		};
		let buf;
		switch (m.kind) {
		case 'bad_length': // a header that claims 12 octets, less than itself
			buf = hdr(12, 0x15, 0, seq).subarray(0, 12);
			break;
		case 'short_header': // 8 octets of an enquire_link header, then nothing
			buf = hdr(16, 0x15, 0, seq).subarray(0, 8);
			break;
		case 'unknown_command': // well framed, command_id 0x0000ABCD
			buf = hdr(16, 0xABCD, 0, seq);
			break;
		case 'huge_length': // a deliver_sm claiming 0xFFFFFF00 octets
			buf = Buffer.concat([hdr(0xFFFFFF00, 0x05, 0, seq), Buffer.alloc(16, 0x41)]);
			break;
		case 'truncated_body': // a deliver_sm of 22 octets: fields without NULs
			buf = Buffer.concat([hdr(22, 0x05, 0, seq), Buffer.from('ABCDEF')]);
			break;
		default:
			throw new Error('kind is bad_length, short_header, unknown_command, huge_length or truncated_body');
		}
		writeRaw(c, buf);
		emit({ ev: 'malformed_sent', conn: c.id, kind: m.kind, seq, hex: hex(buf) });
	},
	enquire_link() {
		const c = needConnection();
		write(c, new PDU('enquire_link', { sequence_number: nextSeq(c) }));
	},
	unbind() {
		const c = needConnection();
		write(c, new PDU('unbind', { sequence_number: nextSeq(c) }));
		c.bound = false;
		if (current === c) current = null;
	},
	close() {
		for (const c of conns.values()) dropConnection(c, 'close command');
	},
	stats() {
		emit(Object.assign({ ev: 'stats' }, stats, {
			bound: !!current, queued: queue.length,
			outstanding: current ? current.outstanding.size : 0,
			window: windowSize, throttle, mute,
		}));
	},
	quit() { shutdown(0, 'quit'); },
};

function needConnection() {
	const c = current || [...conns.values()].pop();
	if (!c) throw new Error('no ESME connected');
	return c;
}

function onLine(line) {
	if (!line.trim()) return;
	let m;
	try {
		m = JSON.parse(line);
	} catch (e) {
		error('not JSON: ' + e.message);
		return;
	}
	if (!m || typeof m !== 'object' || typeof m.cmd !== 'string' || !Object.hasOwn(commands, m.cmd)) {
		error('unknown command', { cmd: m && m.cmd });
		return;
	}
	try {
		const before = stats.errors;
		commands[m.cmd](m);
		if (!['stats', 'quit', 'deliver', 'burst'].includes(m.cmd) && stats.errors === before) {
			emit({ ev: 'ack', cmd: m.cmd });
		}
	} catch (e) {
		error(m.cmd + ': ' + e.message, { cmd: m.cmd, id: m.id });
	}
}

// ---------------------------------------------------------------- start

let stopping = false;
const server = net.createServer(onConnection);

function shutdown(code, why) {
	if (stopping) return;
	stopping = true;
	emit({ ev: 'bye', why, stats });
	for (const t of timers) clearTimeout(t);
	for (const b of bursts.values()) if (b.timer) clearInterval(b.timer);
	for (const c of conns.values()) c.sock.destroy();
	server.close();
	process.exit(code);
}

server.on('error', (e) => {
	emit({ ev: 'error', what: 'listen: ' + (e.code || e.message) });
	process.exit(1);
});
server.listen({ port: opt.port, host: opt.bind, exclusive: true }, () => {
	const a = server.address();
	emit({ ev: 'listening', port: a.port, address: a.address });
});

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on('line', onLine);
rl.on('close', () => shutdown(0, 'end of stdin'));

setTimeout(() => {
	error('max-seconds reached');
	shutdown(3, 'max-seconds');
}, opt.maxSeconds * 1000).unref();
process.on('SIGTERM', () => shutdown(0, 'SIGTERM'));
process.on('SIGINT', () => shutdown(0, 'SIGINT'));
