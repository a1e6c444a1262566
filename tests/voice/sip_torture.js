#!/usr/bin/env node
// sip_torture.js -- malformed and odd SIP requests for tests/voice/sip_uas.sh,
// sent raw to the voice channel's user agent: missing headers, bad
// Content-Length, a 100 KB header (over TCP, where it fits), garbage,
// invalid SDP, and requests in the spirit of RFC 4475's torture tests
// (written for this test, not copied).  One request at a time, each
// waiting at most WAIT_MS for a response with its Call-ID; prints
//   case NAME STATUS
// where STATUS is the final response's code (or the last provisional
// one), "none" or, for TCP, "closed".  Requests that would set up a call
// go to the user "refuse", whom the test owner refuses with 503, so no
// call outlives its request.  Usage: node sip_torture.js PORT
'use strict';
const dgram = require('dgram');
const net = require('net');

const port = Number(process.argv[2]);
const host = '127.0.0.1';
const WAIT_MS = 700;
if (!port) {
	console.error('usage: node sip_torture.js PORT');
	process.exit(2);
}

const sock = dgram.createSocket('udp4');
let localPort = 0;
let waiting = null;	// { callId, status, done }

sock.on('message', (buf) => {
	if (!waiting)
		return;
	const text = buf.toString('latin1');
	const m = /^SIP\/2\.0 (\d{3}) /.exec(text);
	if (!m)
		return;
	// a request without a Call-ID of its own takes any response but the
	// retransmitted final responses to earlier cases
	if (waiting.callId ? !text.includes(waiting.callId) : text.includes('torture-'))
		return;
	waiting.status = m[1];
	if (Number(m[1]) >= 200)
		waiting.done();
});

function sdp(mlines) {
	return ['v=0', 'o=t 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0']
		.concat(mlines).join('\r\n') + '\r\n';
}

const AUDIO = sdp(['m=audio 7000 RTP/AVP 0 101', 'a=rtpmap:101 telephone-event/8000']);

// A request; opts.drop lists header names to leave out, opts.headers adds,
// opts.cl overrides Content-Length (null: none at all).
function request(name, opts = {}) {
	const method = opts.method || 'INVITE';
	const callId = `torture-${name}-${process.pid}`;
	const body = opts.body !== undefined ? opts.body : (method === 'INVITE' ? AUDIO : '');
	const ruri = opts.ruri || `sip:refuse@${host}:${port}`;
	const base = [
		['Via', `SIP/2.0/UDP ${host}:${localPort};branch=z9hG4bK${name}${Date.now()};rport`],
		['From', `<sip:+15559990000@${host}>;tag=t${name}`],
		['To', opts.to || `<sip:refuse@${host}>`],
		['Call-ID', callId],
		['CSeq', `1 ${method}`],
		['Contact', `<sip:+15559990000@${host}:${localPort}>`],
		['Max-Forwards', '70'],
	];
	if (body && !opts.ctype && opts.ctype !== null)
		base.push(['Content-Type', 'application/sdp']);
	if (opts.ctype)
		base.push(['Content-Type', opts.ctype]);
	const drop = (opts.drop || []).map((h) => h.toLowerCase());
	const lines = [`${method} ${ruri} SIP/2.0`];
	for (const [h, v] of base)
		if (!drop.includes(h.toLowerCase()))
			lines.push(`${h}: ${v}`);
	for (const h of opts.headers || [])
		lines.push(h);
	if (opts.cl !== null)
		lines.push(`Content-Length: ${opts.cl !== undefined ? opts.cl : Buffer.byteLength(body, 'latin1')}`);
	return { name, callId: drop.includes('call-id') ? null : callId, data: lines.join('\r\n') + '\r\n\r\n' + body };
}

function raw(name, data, callId = null) {
	return { name, callId, data };
}

function cases() {
	const big = 'x'.repeat(100 * 1024);
	const many = sdp(Array.from({ length: 500 }, (_, i) => `m=audio ${8000 + 2 * i} RTP/AVP 0`));
	const multipart = [
		'--b1', 'Content-Type: application/sdp', '', AUDIO,
		'--b1', 'Content-Type: application/isup;version=itu-t92+', 'Content-Disposition: signal;handling=optional',
		'', '\x01\x00\x49\x00\x00\x03\x02\x00\x07\x04\x10\x00\x33\x63\x21\x43\x00\x00\x03\x06\x0d\x03\x80\x90\xa2',
		'--b1--', ''].join('\r\n');
	return [
		// missing or broken headers
		request('no_call_id', { drop: ['Call-ID'] }),
		request('no_cseq', { drop: ['CSeq'] }),
		request('no_from', { drop: ['From'] }),
		request('no_to', { drop: ['To'] }),
		request('no_via', { drop: ['Via'] }),
		request('cl_too_long', { cl: 500 }),
		request('cl_negative', { cl: -999 }),
		request('cl_huge', { cl: '99999999999999999999999' }),
		request('cl_twice', { headers: ['Content-Length: 3'] }),
		request('cl_missing_udp', { cl: null }),
		request('cseq_huge', { drop: ['CSeq'], headers: ['CSeq: 36893488147419103232 INVITE'] }),
		request('cseq_mismatch', { drop: ['CSeq'], headers: ['CSeq: 1 OPTIONS'] }),
		request('max_forwards_zero', { drop: ['Max-Forwards'], headers: ['Max-Forwards: 0'] }),
		request('quote_unbalanced', { drop: ['From'], headers: [`From: "Resident <sip:+1555@${host}>;tag=q`] }),
		request('ruri_in_brackets', { ruri: `<sip:refuse@${host}:${port}>` }),
		request('ruri_unknown_scheme', { ruri: 'nobarr.url.type:refuse@example' }),
		request('version_7', { ruri: `sip:refuse@${host}:${port} SIP/7.0\r\nX-Junk: y` }),
		request('big_header_udp', { headers: [`X-Filler: ${'y'.repeat(50 * 1024)}`] }),
		request('via_garbage', { drop: ['Via'], headers: ['Via: SIP/2.0/UDP ;;;;;,,,,<>'] }),
		request('diversion_garbage', {
			headers: ['Diversion: <<<<,,,,"""";;;;reason=', 'History-Info: ,,<sip:@>;index=,<tel:>'],
		}),
		// garbage on the wire
		raw('garbage', '\x00\xff\x13\x37 this is not SIP at all \r\n\r\n\x00'),
		raw('crlf_keepalive', '\r\n\r\n'),
		raw('binary', Buffer.from(Array.from({ length: 1200 }, (_, i) => (i * 151 + 7) & 0xff)).toString('latin1')),
		raw('response_bigcode', [
			'SIP/2.0 4294967301 better not break the receiver', `Via: SIP/2.0/UDP ${host}:9;branch=z9hG4bKbig`,
			'Call-ID: x', 'CSeq: 1 INVITE', 'From: <sip:a@b>;tag=1', 'To: <sip:c@d>', 'Content-Length: 0',
			'', ''].join('\r\n')),
		raw('double_request', request('dbl1', { method: 'OPTIONS' }).data + request('dbl2').data,
		    `torture-dbl1-${process.pid}`),
		// bodies: SDP and others
		request('sdp_invalid', { body: 'this is not SDP\r\nat all\r\n' }),
		request('sdp_no_audio', { body: sdp(['m=video 7002 RTP/AVP 31']) }),
		request('sdp_bad_format', { body: sdp(['m=audio 7000 RTP/AVP 0 abc']) }),
		request('sdp_many_mlines', { body: many }),
		request('sdp_nul_bytes', { body: 'v=0\r\no=\x00\x00\x00\r\n' }),
		request('body_text_plain', { ctype: 'text/plain', body: 'hello' }),
		request('body_gzip', { headers: ['Content-Encoding: gzip'] }),
		request('body_no_ctype', { ctype: null }),
		request('multipart_sdp', { ctype: 'multipart/mixed;boundary=b1', body: multipart }),
		request('multipart_garbage', { ctype: 'multipart/mixed;boundary=zz', body: '--zz\r\ngarbage without end' }),
		request('multipart_long_boundary', { ctype: `multipart/mixed;boundary=${'b'.repeat(4000)}`, body: '--b' }),
		request('multipart_no_boundary', { ctype: 'multipart/mixed', body: 'x' }),
		// in the spirit of RFC 4475: valid, but odd
		raw('whitespace_escapes', [
			`INVITE sip:%72efuse@${host}:${port};unknownparam SIP/2.0`,
			`TO :\r\n <sip:refuse@${host}>`,
			`from   : "J Rosenberg \\\\\\"" <sip:+15559990000@${host}>\r\n  ;\r\n  tag = 98asjd8`,
			'MaX-fOrWaRdS: 0068',
			'Call-ID: torture-whitespace-escapes',
			'cseq: 0009\r\n  INVITE',
			`Via  : SIP  /   2.0\r\n /UDP\r\n    ${host}:${localPort};rport;branch=z9hG4bKwsinv`,
			'NewFangledHeader:   newfangled value\r\n continued newfangled value',
			'UnknownHeaderWithUnusualValue: ;;,,;;,;',
			'Content-Type: application/sdp',
			`Content-Length: ${AUDIO.length}`,
			'', AUDIO].join('\r\n'), 'torture-whitespace-escapes'),
		request('unknown_method', { method: '!interesting-Method0123456789_*+`.%indeed\'~' }),
		request('require_100rel', { headers: ['Require: 100rel'] }),
		request('require_unknown', { headers: ['Require: nothing-we-know'] }),
		request('to_tag_no_dialog', { to: `<sip:refuse@${host}>;tag=nodialog` }),
		request('info_no_dialog', { method: 'INFO', ctype: 'application/dtmf-relay', body: 'Signal=5\r\nDuration=160' }),
		request('bye_no_dialog', { method: 'BYE', to: `<sip:refuse@${host}>;tag=nodialog` }),
		request('cancel_unknown', { method: 'CANCEL' }),
		request('ack_no_dialog', { method: 'ACK', to: `<sip:refuse@${host}>;tag=nodialog` }),
		request('register', { method: 'REGISTER' }),
		request('user_nul', { ruri: `sip:ref%00use@${host}:${port}` }),
		{ name: 'big_header_tcp', tcp: true, data: request('big_header_tcp', { headers: [`X-Filler: ${big}`] }).data },
	];
}

function sendUdp(c) {
	return new Promise((resolve) => {
		const w = { callId: c.callId, status: null };
		const timer = setTimeout(() => w.done(), WAIT_MS);
		w.done = () => {
			clearTimeout(timer);
			waiting = null;
			resolve(w.status || 'none');
		};
		waiting = w;
		sock.send(Buffer.from(c.data, 'latin1'), port, host, (err) => {
			if (err) {
				clearTimeout(timer);
				waiting = null;
				resolve(`send-error-${err.code}`);
			}
		});
	});
}

function sendTcp(c) {
	return new Promise((resolve) => {
		let got = '', status = null, finished = false;
		const s = net.connect(port, host);
		const finish = (what) => {
			if (finished)
				return;
			finished = true;
			clearTimeout(timer);
			s.destroy();
			resolve(status || what);
		};
		const timer = setTimeout(() => finish('none'), 3000);
		s.on('connect', () => s.write(Buffer.from(c.data, 'latin1')));
		s.on('data', (d) => {
			got += d.toString('latin1');
			const m = /^SIP\/2\.0 (\d{3}) /.exec(got);
			if (m) {
				status = m[1];
				if (Number(m[1]) >= 200)
					finish(status);
			}
		});
		s.on('error', () => finish('closed'));
		s.on('close', () => finish('closed'));
	});
}

sock.bind(0, host, async () => {
	localPort = sock.address().port;
	for (const c of cases()) {
		const status = c.tcp ? await sendTcp(c) : await sendUdp(c);
		console.log(`case ${c.name} ${status}`);
	}
	sock.close();
});
