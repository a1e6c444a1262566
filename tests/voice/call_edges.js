// tests/voice/call_edges.js -- the voice channel at its edges, end to end
// against a running stoopd (tests/voice/call_e2e.js has the ordinary
// calls).  stoopd runs with a voice node on 127.0.0.1 that rings
// (answer-delay) before it answers and listens for in-band tones; sipp
// plays the callers, tests/voice/rtppeer.js or this test itself the
// phones' audio; the store (sqlite3 on the test's database) and the
// console (`show calls` over the VTY) say what happened:
//   1. CANCEL while it rings: 180, 487, no call left, no flow ran (no
//      session log row), counted as ended while ringing.
//   2. a call from an address off the allow-list: 403; an offer with no
//      codec in common (G.729 only): 488; neither is a call.
//   3. hang-ups: BYE during the welcome, and mid-menu after a key; the
//      session log says where each caller left (main.menu,
//      report.pick_service), no call is left.
//   4. keys as RFC 4733 events from a pcap made by mkpcap.js and played by
//      sipp (play_pcap_audio, needs root): a call-back case is filed.
//   5. keys as in-band tones (the test's own G.711 DTMF, 80 ms tone, 80 ms
//      gap): a call-back case is filed.
//   6. at the same time as 4 and 5, a corpus of malformed RTP (and RTCP)
//      sent to a live call, from its latched source and from elsewhere:
//      stoopd goes on sending, a key pressed from elsewhere is ignored, a
//      key pressed afterwards from the phone is taken, the other calls
//      complete.
// Then stoopd stops cleanly on SIGTERM.  TAP lines on stdout; every wait
// is bounded; call_edges.sh runs it under a time limit.  stoopd, sipp and
// rtppeer are started by tests/voice/e2elib.js, as for call_e2e.js.
'use strict';

const { spawnSync } = require('child_process');
const dgram = require('dgram');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { check, note, sleep, run } = require('../sms/harness.js');
const { voiceE2e, toolsInstalled } = require('./e2elib.js');
const rtplib = require('./rtplib.js');

const e2e = voiceE2e('stoop-edges-');
const { tmp, here, rand, sqlite, log, fileText, rtppeer, sipp, inf } = e2e;
const ANSWER_DELAY_MS = 800;
let stoopd = null;

// What sipp saw of a call, for a failing check.
function seen(name) {
	return (fileText(name + '.err').slice(-1000) + fileText(name + '.msg').slice(-2500)).replace(/\r/g, '');
}

// The session log's "outcome last_position" for a caller, or ''.
function sessionEnd(number) {
	return sqlite("SELECT outcome || ' ' || coalesce(last_position, '-') FROM session_log WHERE key = 'voice:" +
		number + "'");
}

// Telnet's negotiation (IAC ...) out of what the console sent.
function stripTelnet(buf) {
	const out = [];
	for (let i = 0; i < buf.length; i++) {
		if (buf[i] !== 255) {
			out.push(buf[i]);
		} else if (buf[i + 1] === 250) {		// SB ... IAC SE
			i += 2;
			while (i < buf.length && !(buf[i] === 255 && buf[i + 1] === 240))
				i++;
			i++;
		} else if (buf[i + 1] >= 251 && buf[i + 1] <= 254) {
			i += 2;
		} else {
			i++;
		}
	}
	return Buffer.from(out).toString('latin1');
}

// One console command; what it printed, or null after 5 s.
function vty(cmd) {
	return new Promise((resolve) => {
		const sock = net.connect(e2e.vtyPort, '127.0.0.1');
		const prompt = /[\w.-]+[>#] $/;
		let buf = '';
		let sent = false;
		const finish = (v) => {
			clearTimeout(timer);
			sock.destroy();
			resolve(v);
		};
		const timer = setTimeout(() => finish(null), 5000);
		sock.on('data', (d) => {
			buf += stripTelnet(d);
			if (!prompt.test(buf))
				return;
			if (!sent) {
				sent = true;
				buf = '';
				sock.write(cmd + '\r\n');
			} else {
				finish(buf.replace(/\r/g, ''));
			}
		});
		sock.on('error', () => finish(null));
	});
}

// `show calls` read into numbers; null when the console did not answer.
async function showCalls() {
	const out = await vty('show calls');
	if (!out)
		return null;
	const m = /(\d+) calls up \((\d+) ringing\); (\d+) taken, (\d+) completed, (\d+) hung up, (\d+) ended while ringing/.exec(out);
	const r = /refused (\d+) \(peer\) (\d+) \(busy\) (\d+) \(codec\)/.exec(out);
	const k = /keys: (\d+) RFC 4733, (\d+) SIP INFO, (\d+) in-band/.exec(out);
	if (!m || !r || !k)
		return { text: out };
	return {
		text: out, up: +m[1], ringing: +m[2], taken: +m[3], completed: +m[4], hungUp: +m[5], abandoned: +m[6],
		refusedPeer: +r[1], refusedCodec: +r[3], rfc4733: +k[1], inband: +k[3],
		calls: out.split('\n').filter((l) => /^ {2}call \d+ /.test(l)),
	};
}

// Until `cond(show calls)` holds, polling every 200 ms for at most ms;
// the last reading.
async function showCallsUntil(cond, ms) {
	const end = Date.now() + ms;
	let s = null;
	do {
		s = await showCalls();
		if (s && s.up !== undefined && cond(s))
			return s;
		await sleep(200);
	} while (Date.now() < end);
	return s;
}

// A copy of uac_refused.xml that expects STATUS.
function refusedXml(status) {
	const f = path.join(tmp, 'refused_' + status + '.xml');
	fs.writeFileSync(f, fs.readFileSync(path.join(here, 'uac_refused.xml'), 'utf8')
		.replace('response="STATUS"', 'response="' + status + '"'));
	return f;
}

// The case a caller filed: "kind|service_code|callback_window|channel", or ''.
function caseOf(number) {
	return sqlite("SELECT kind || '|' || service_code || '|' || coalesce(callback_window, '') || '|' || channel " +
		"FROM cases WHERE phone = '" + number + "'");
}

// ------------------------------------------------- 1-3: short calls

async function cancelWhileRinging() {
	const before = await showCalls();
	const rc = await sipp('cancel', path.join(here, 'uac_cancel.xml'), '311', [], 30);
	check(rc === 0, 'CANCEL while stoopd rings: 180 Ringing, 200 to the CANCEL, 487 to the INVITE (sipp, exit ' +
		rc + ')', seen('cancel') + log().slice(-1000));
	const answers = fileText('cancel.msg').replace(/\r/g, '').split(/^-{10,}.*$/m)
		.filter((m) => /^\s*SIP\/2\.0 200 /.test(m) && /^CSeq: *1 INVITE/m.test(m));
	check(answers.length === 0,
		'stoopd never answered the cancelled call (no 200 to its INVITE)', seen('cancel'));
	const s = await showCallsUntil((x) => x.up === 0 && x.abandoned >= 1, 3000);
	check(s && s.up === 0 && s.ringing === 0 && s.calls.length === 0,
		'no call is left up or ringing (show calls)', s);
	check(s && before && s.abandoned === before.abandoned + 1 && s.hungUp === before.hungUp,
		'show calls counts it as ended while ringing, not as a hang-up in a flow', { before, after: s });
	check(sessionEnd('+15551230002') === '' && caseOf('+15551230002') === '',
		'no flow ran: no session log row, no case for the caller', sqlite('SELECT * FROM session_log'));
	check(/ended while ringing \(cancel\): no flow ran/.test(log()), 'stoopd\'s log says the call ended while ringing',
		log().slice(-1500));
}

async function refusedCalls() {
	const before = await showCalls();
	const rc1 = await sipp('stranger', refusedXml('403'), '311', ['-i', '127.0.0.2'], 20);
	check(rc1 === 0, 'a call from 127.0.0.2, off the allow-list: 403 (sipp, exit ' + rc1 + ')', seen('stranger'));
	const rc2 = await sipp('g729', path.join(here, 'uac_g729.xml'), '311', [], 20);
	check(rc2 === 0, 'an offer of G.729 only, no codec in common: 488 (sipp, exit ' + rc2 + ')', seen('g729'));
	check(/^Warning: 305 /m.test(fileText('g729.msg').replace(/\r/g, '')),
		'the 488 says why: Warning 305 (incompatible media format)', seen('g729'));
	const s = await showCalls();
	check(s && before && s.refusedPeer === before.refusedPeer + 1 && s.refusedCodec === before.refusedCodec + 1,
		'show calls counts one refused peer and one refused codec', { before, after: s });
	check(s && before && s.taken === before.taken && s.up === 0,
		'neither became a call: none taken, none up', { before, after: s });
	check(sessionEnd('+15551230003') === '' && sessionEnd('+15551230004') === '' &&
		caseOf('+15551230003') === '' && caseOf('+15551230004') === '',
	'no session log row and no case for either caller', sqlite('SELECT * FROM session_log'));
}

async function hangUps() {
	const before = await showCalls();
	const uac = path.join(here, 'uac_hangup.xml');
	const pWelcome = await rtppeer('hangup_welcome', ['--seconds', '20']);
	// the key "1" (report) 3 s after the phone's audio starts, during the
	// welcome; the caller hangs up 6 s after the answer, in the next menu
	const pMenu = await rtppeer('hangup_menu', ['--seconds', '20', '--send-rfc4733', '1@3.0']);
	if (!check(pWelcome && pMenu, 'the phones\' audio endpoints (rtppeer) are ready'))
		return;
	const calls = Promise.all([
		sipp('hangup_welcome', uac, '311', ['-inf', inf('hangup_welcome', ['+15551230113', pWelcome.port]),
			'-d', '2500'], 30),
		sipp('hangup_menu', uac, '311', ['-inf', inf('hangup_menu', ['+15551230114', pMenu.port]),
			'-d', '6000'], 30),
	]);
	const ringing = await showCallsUntil((x) => x.ringing >= 1, 3000);
	check(ringing && ringing.ringing >= 1 && ringing.calls.some((l) => / at \(ringing\), /.test(l)),
		'while they ring, show calls lists them as ringing', ringing);
	const [rc1, rc2] = await calls;
	pWelcome.proc.kill('SIGTERM');
	pMenu.proc.kill('SIGTERM');
	const [sw, sm] = await Promise.all([pWelcome.done, pMenu.done]);
	check(rc1 === 0 && rc2 === 0, 'two callers hang up (BYE) while stoopd talks: 200 to both (sipp, exit ' +
		rc1 + ', ' + rc2 + ')', seen('hangup_welcome') + seen('hangup_menu'));
	const msg = fileText('hangup_menu.msg').replace(/\r/g, '');
	const i180 = msg.search(/^SIP\/2\.0 180 /m), i200 = msg.search(/^SIP\/2\.0 200 OK/m);
	check(i180 >= 0 && i200 > i180, 'answer-delay: stoopd rang (180) before it answered (200)', msg.slice(0, 3000));
	check(sw && sw.received > 50 && sm && sm.received > 100, 'both heard stoopd (' + (sw && sw.received) + ', ' +
		(sm && sm.received) + ' RTP packets)', { sw, sm });
	const s = await showCallsUntil((x) => x.up === 0, 3000);
	check(s && s.up === 0 && s.calls.length === 0, 'no call is left (show calls)', s);
	check(s && before && s.hungUp === before.hungUp + 2, 'show calls counts two hang-ups', { before, after: s });
	check(sessionEnd('+15551230113') === 'hangup main.menu',
		'the session log: the first left during the welcome, at main.menu (got "' + sessionEnd('+15551230113') + '")',
		sqlite('SELECT * FROM session_log'));
	check(sessionEnd('+15551230114') === 'hangup report.pick_service',
		'the session log: the second pressed 1 and left in the report menu, at report.pick_service (got "' +
		sessionEnd('+15551230114') + '")', sqlite('SELECT * FROM session_log'));
	check(/caller left \(bye\) at main\.menu/.test(log()) && /caller left \(bye\) at report\.pick_service/.test(log()),
		'stoopd\'s log says where each caller left', log().slice(-2000));
}

// ------------------------------------------------- 4: keys from a pcap

// mkpcap.js writes keys.pcap next to a copy of uac_pcap_call.xml: "0"
// (agent) during the welcome, "1" (a call back) when no agent is free,
// "2" (the afternoon), 1.6 s apart.  Resolves with sipp's exit status.
function pcapCall(number) {
	const r = spawnSync('node', [path.join(here, 'mkpcap.js'), '--out', path.join(tmp, 'keys.pcap'),
		'--rfc4733', '012', '--lead', '600', '--tone', '100', '--gap', '1500', '--tail', '600'],
	{ encoding: 'utf8', timeout: 20000 });
	let made = null;
	try { made = JSON.parse(r.stdout.trim()); } catch (e) { /* below */ }
	check(made && made.digits === '012' && made.events >= 3 * 5,
		'mkpcap.js writes the caller\'s keys 0, 1, 2 as RFC 4733 events (' + (made && made.events) + ' event packets)',
		r.stdout + r.stderr);
	fs.copyFileSync(path.join(here, 'uac_pcap_call.xml'), path.join(tmp, 'uac_pcap_call.xml'));
	return sipp('pcap', path.join(tmp, 'uac_pcap_call.xml'), '311', ['-inf', inf('pcap', [number])], 60,
		{ media: true });
}

// ------------------------------------------------- 6: malformed RTP

// A small seeded generator, so a failing corpus can be made again.
function prng(seed) {
	let x = seed >>> 0 || 1;
	return () => {
		x ^= x << 13;
		x >>>= 0;
		x ^= x >>> 17;
		x ^= x << 5;
		x >>>= 0;
		return x / 0x100000000;
	};
}

// The corpus: {name, buf, from ('phone': the latched source, 'port': the
// same host from another port, 'host': another address), to ('rtp' or
// 'rtcp')}.  stream: {ssrc, seq, ts} of the phone's own stream, so the
// packets that parse are taken as the phone's.
function malformedCorpus(stream, random) {
	const c = [];
	const rtp = (h) => rtplib.buildRtp(Object.assign({ pt: 0, seq: stream.seq, ts: stream.ts, ssrc: stream.ssrc,
		payload: Buffer.alloc(160, 0xff) }, h));
	const ev = (event, end, duration) => rtplib.buildTelephoneEvent({ event, end, duration });
	const add = (name, buf, from = 'phone', to = 'rtp') => c.push({ name, buf, from, to });
	for (const n of [0, 1, 2, 4, 8, 11])
		add('short ' + n + ' bytes', Buffer.alloc(n, 0x80));
	for (const v of [0, 1, 3]) {
		const b = rtp({});
		b[0] = (v << 6) | (b[0] & 0x3f);
		add('version ' + v, b);
	}
	let b = rtp({ payload: Buffer.alloc(8) });
	b[0] |= 0x0f;
	add('15 CSRCs in a 20-byte packet', b);
	b = Buffer.alloc(14);
	b[0] = 0x90;
	add('extension bit, no room for its header', b);
	b = rtp({ extension: { profile: 0xbede, data: Buffer.alloc(4) } });
	b.writeUInt16BE(0xffff, 14);
	add('extension length 65535 words', b);
	b = rtp({ payload: Buffer.alloc(20), padding: 1 });
	b[b.length - 1] = 0;
	add('padding bit, pad length 0', b);
	b = rtp({ payload: Buffer.alloc(20), padding: 1 });
	b[b.length - 1] = 255;
	add('padding bit, pad length 255 in a 33-byte packet', b);
	b = rtp({ payload: Buffer.alloc(3), padding: 1 });
	b[b.length - 1] = b.length - 12;
	add('padding covering the whole payload', b);
	b = rtp({ csrc: [1, 2, 3], payload: Buffer.alloc(0), padding: 4 });
	b[b.length - 1] = 200;
	add('CSRCs and a pad length beyond them', b);
	for (const pt of [8, 13, 18, 96, 100, 127])
		add('payload type ' + pt, rtp({ pt }));
	for (const n of [0, 1, 3])
		add('telephone-event of ' + n + ' bytes', rtp({ pt: 101, ts: stream.ts + 160, payload: Buffer.alloc(n, 5) }));
	let ts = stream.ts;
	for (const code of [16, 17, 99, 255]) {
		ts += 800;
		add('telephone-event code ' + code, rtp({ pt: 101, ts, marker: true, payload: ev(code, false, 160) }));
		add('telephone-event code ' + code + ' end', rtp({ pt: 101, ts, payload: ev(code, true, 800) }));
	}
	add('telephone-event of 400 bytes', rtp({ pt: 101, ts: ts + 800, payload: Buffer.concat([ev(20, false, 0),
		Buffer.alloc(396, 0xaa)]) }));
	add('telephone-event (flash) end without a start, duration 0', rtp({ pt: 101, ts: ts + 1600,
		payload: ev(16, true, 0) }));
	for (const n of [1500, 1501, 4000, 9000, 65000])
		add('RTP of ' + n + ' bytes', rtp({ payload: Buffer.alloc(n - 12, 0x55) }));
	for (let i = 0; i < 60; i++) {
		const r = Buffer.alloc(Math.floor(random() * 1600));
		for (let j = 0; j < r.length; j++)
			r[j] = Math.floor(random() * 256);
		if (i % 2 && r.length >= 12)
			r[0] = 0x80 | (r[0] & 0x3f);	// version 2: deeper into the parser
		add('random ' + r.length + ' bytes', r);
	}
	for (const n of [0, 3, 7, 8, 300])
		add('RTCP of ' + n + ' random bytes', Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256))),
			'phone', 'rtcp');
	b = Buffer.alloc(8);
	b[0] = 0x80;
	b[1] = 200;
	b.writeUInt16BE(0xffff, 2);
	add('RTCP SR with length 65535 words', b, 'phone', 'rtcp');
	// from elsewhere, after the latch: audio, and a key ("0": agent) that
	// must not be taken
	for (const from of ['port', 'host']) {
		add('audio from another ' + from, rtp({ ssrc: 0x0bad0bad }), from);
		for (let k = 0; k < 4; k++)
			add('telephone-event "0" from another ' + from, rtp({ pt: 101, ssrc: 0x0bad0bad, ts: ts + 8000,
				marker: k === 0, payload: ev(0, k === 3, 160 * (k + 1)) }), from);
	}
	// last, from the phone and in its own stream: an event (code 17, no
	// key) stamped a quarter of the timestamp space (37 hours) ahead, as a
	// broken phone or a corrupt packet might; the phone's next real key
	// must still count
	add('telephone-event stamped 2^30 ahead', rtp({ pt: 101, ts: stream.ts + 0x40000000, marker: true,
		payload: ev(17, false, 160) }));
	return c;
}

function bindUdp(ip) {
	return new Promise((resolve) => {
		const s = dgram.createSocket('udp4');
		s.once('error', () => resolve(null));
		s.bind(0, ip, () => resolve(s));
	});
}

function sendUdp(sock, buf, port) {
	return new Promise((resolve) => {
		try {
			sock.send(buf, port, '127.0.0.1', (err) => resolve(!err));
		} catch (e) {
			resolve(false);
		}
	});
}

// The call that gets the corpus: this test is its phone (socket A).  It
// sends 20 ms silence frames once stoopd's RTP arrives, the corpus 1 s
// later, then the key "1" (report) as RFC 4733 from the phone.
async function malformedCall(number) {
	const seed = (Date.now() ^ process.pid) >>> 0;
	note('malformed RTP corpus seed ' + seed);
	const a = await bindUdp('127.0.0.1');
	const bPort = await bindUdp('127.0.0.1');
	const bHost = await bindUdp('127.0.0.2');
	if (!check(a && bPort && bHost, 'the test\'s phone socket and two foreign ones are bound'))
		return null;
	const got = { a: [], foreign: 0 };
	let stoopdRtp = 0;
	a.on('message', (m, r) => {
		got.a.push({ t: Date.now(), len: m.length });
		if (!stoopdRtp && m.length >= 12 && (m[0] >> 6) === 2)
			stoopdRtp = r.port;
	});
	bPort.on('message', () => got.foreign++);
	bHost.on('message', () => got.foreign++);
	const stream = { ssrc: 0x5354ffee, seq: 1000, ts: 48000 };
	const frame = () => rtplib.buildRtp({ pt: 0, seq: stream.seq++, ts: (stream.ts += 160) >>> 0, ssrc: stream.ssrc,
		payload: Buffer.alloc(160, 0xff) });
	let ticker = null;
	const call = sipp('malformed', path.join(here, 'uac_hangup.xml'), '311',
		['-inf', inf('malformed', [number, a.address().port]), '-d', '9000'], 40);
	const result = { seed };
	try {
		for (let i = 0; i < 100 && !stoopdRtp; i++)
			await sleep(100);
		if (!check(stoopdRtp > 0, 'the call with the corpus: stoopd\'s RTP reaches the test\'s phone socket'))
			return result;
		ticker = setInterval(() => a.send(frame(), stoopdRtp, '127.0.0.1'), 20);
		await sleep(1000);
		const corpus = malformedCorpus({ ssrc: stream.ssrc, seq: stream.seq, ts: stream.ts }, prng(seed));
		let sent = 0;
		for (const p of corpus) {
			const sock = p.from === 'port' ? bPort : p.from === 'host' ? bHost : a;
			if (await sendUdp(sock, p.buf, p.to === 'rtcp' ? stoopdRtp + 1 : stoopdRtp))
				sent++;
			if (sent % 10 === 0)
				await sleep(5);
		}
		result.corpus = corpus.length;
		result.sent = sent;
		const mark = got.a.length;
		await sleep(1000);
		result.afterCorpus = got.a.length - mark;
		// the key "1": a telephone-event in the phone's stream, stamped at
		// the stream's clock, updates every 50 ms, three end packets
		const ts = stream.ts;
		for (let k = 0; k < 6; k++) {
			const end = k >= 3;
			a.send(rtplib.buildRtp({ pt: 101, seq: stream.seq++, ts, ssrc: stream.ssrc, marker: k === 0,
				payload: rtplib.buildTelephoneEvent({ event: 1, end, duration: end ? 800 : 160 * (k + 1) }) }),
			stoopdRtp, '127.0.0.1');
			await sleep(50);
		}
		result.stoopdRtp = stoopdRtp;
		result.rc = await call;
		result.foreign = got.foreign;
	} finally {
		clearInterval(ticker);
		for (const s of [a, bPort, bHost])
			s.close();
	}
	return result;
}

// ------------------------------------------------- the test

async function main() {
	if (!toolsInstalled())
		return;
	stoopd = await e2e.startStoopd({ logging: ['logging level sip info'], console: true,
		voice: ['answer-delay ' + ANSWER_DELAY_MS], waitMs: 15000 });
	if (!check(stoopd !== null, 'stoopd starts with a voice node that rings ' + ANSWER_DELAY_MS + ' ms before it answers',
		log().slice(-2000)))
		return;
	const s0 = await showCalls();
	if (!check(s0 && s0.up === 0, 'its console answers show calls: no call up', s0))
		return;

	await cancelWhileRinging();
	await refusedCalls();
	await hangUps();

	// 4, 5 and 6 at once
	const before = await showCalls();
	const pInband = await rtppeer('inband', ['--seconds', '45', '--send-inband', '0@3.5,1@5.5,3@7.5',
		'--tone', '80', '--gap', '80']);
	if (!check(pInband !== null, 'the in-band caller\'s audio endpoint (rtppeer) is ready'))
		return;
	const root = typeof process.getuid === 'function' && process.getuid() === 0;
	const [rcPcap, rcInband, mal] = await Promise.all([
		root ? pcapCall('+15551230111') : Promise.resolve('skipped'),
		e2e.call('inband', '+15551230112', pInband.port, '-', 60),
		malformedCall('+15551230115'),
	]);
	pInband.proc.kill('SIGTERM');
	await pInband.done;

	if (root) {
		check(rcPcap === 0, 'keys from the pcap (sipp play_pcap_audio): the call runs to stoopd\'s goodbye and BYE ' +
			'(sipp, exit ' + rcPcap + ')', seen('pcap') + log().slice(-1500));
		check(caseOf('+15551230111') === 'callback|callback|afternoon|voice',
			'agent (0), no agent free, call back (1), afternoon (2): a call-back case is filed (got "' +
			caseOf('+15551230111') + '")', sqlite('SELECT * FROM cases'));
		check(sessionEnd('+15551230111') === 'completed main.goodbye',
			'and the session log says the call completed at the goodbye', sqlite('SELECT * FROM session_log'));
	} else {
		note('SKIP the pcap call: sipp\'s play_pcap_audio needs root or CAP_NET_RAW');
	}

	check(rcInband === 0, 'keys as in-band tones (80 ms tone, 80 ms gap): the call runs to stoopd\'s goodbye and BYE ' +
		'(sipp, exit ' + rcInband + ')', seen('inband') + log().slice(-1500));
	check(caseOf('+15551230112') === 'callback|callback|evening|voice',
		'agent (0), call back (1), evening (3) by tones: a call-back case is filed (got "' +
		caseOf('+15551230112') + '")', sqlite('SELECT * FROM cases'));

	if (mal && mal.rc !== undefined) {
		note('malformed: ' + JSON.stringify(mal));
		check(mal.sent === mal.corpus && mal.corpus >= 100, 'the corpus of ' + mal.corpus + ' malformed packets was sent',
			mal);
		check(mal.afterCorpus >= 35, 'stoopd goes on sending the call\'s audio after the corpus (' + mal.afterCorpus +
			' packets in the next second)', mal);
		check(mal.foreign === 0, 'packets from elsewhere did not move the call: nothing was sent to their source', mal);
		check(mal.rc === 0, 'the caller hangs up normally at the end (sipp, exit ' + mal.rc + ')', seen('malformed'));
		check(sessionEnd('+15551230115') === 'hangup report.pick_service',
			'the key "0" from elsewhere was ignored and the phone\'s "1" after the corpus was taken: the caller left ' +
			'at report.pick_service (got "' + sessionEnd('+15551230115') + '")', sqlite('SELECT * FROM session_log'));
	}
	const after = await showCallsUntil((x) => x.up === 0, 5000);
	check(after && after.up === 0, 'no call is left (show calls)', after);
	check(after && before && after.inband >= before.inband + 3, 'show calls counts the in-band keys (' +
		(before && before.inband) + ' -> ' + (after && after.inband) + ')', { before, after });
	check(after && before && after.completed === before.completed + (root ? 2 : 1) &&
		after.hungUp === before.hungUp + 1, 'and the calls completed and hung up', { before, after });

	check(stoopd.exitCode === null, 'stoopd is still running');
	await e2e.stopStoopd(stoopd, 15000);
	check(stoopd.exitCode === 0, 'SIGTERM stops stoopd cleanly', log().slice(-1000));
	check(!/AddressSanitizer|runtime error|LeakSanitizer/.test(log()), 'no sanitizer report in stoopd\'s log',
		log().match(/.*(AddressSanitizer|runtime error|LeakSanitizer)[\s\S]{0,1500}/));
}

run(main);
