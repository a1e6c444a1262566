#!/usr/bin/env node
// tests/voice/rtppeer.js -- a caller's media end for the voice tests: binds
// RTP on 127.0.0.1:PORT (and counts RTCP on PORT+1), sends its own stream
// every 20 ms (silence in PCMU or PCMA, DTMF tones in the audio, RFC 4733
// telephone-events, a WAV as the caller's voice) and records every RTP
// packet it receives with its arrival time, for rtpcheck.js to judge.
// Symmetric RTP: it sends to where the first RTP packet came from (before
// that to --remote, if given, else nowhere).  The packets come from
// rtplib.planStream(), as mkpcap.js writes them.  SIP is not its business:
// the test puts PORT in the SDP it offers or answers.
//
//   node rtppeer.js --port P [--bind 127.0.0.1] --out capture.json
//     [--send-rfc4733 "1@2.0,5@4.5"] [--send-inband "2@3.0"] [--send-wav F@SECONDS]
//     [--pt 0|8] [--dtmf-pt 101] [--seconds 20] [--remote IP:PORT]
//     [--tone MS (100)] [--gap MS (100)] [--interval MS (50)] [--suppress-audio]
// DIGITS@SECONDS: the digits from that time after start, one every tone +
// gap.  --port 0 picks a free even port pair.  Stdout: a line
// {"ev":"ready","port":P,...} once bound, and at the end (SIGTERM, SIGINT
// or --seconds, whichever comes first) the capture is written and one
// line {"ev":"summary",...} printed; exit status 0.
//
// The capture (JSON): {tool, local, remote, latched_ms, codec, pt, dtmf_pt,
// sent: {packets, audio, events, unsent, errors}, rtcp: {packets, bytes},
// invalid: [{t_ms, len, error}], packets: [{t_ms, src, seq, ts, ssrc, pt,
// m, len, payload (hex)}]}; t_ms is milliseconds since start, from
// performance.now(), to the microsecond.
'use strict';

const dgram = require('dgram');
const fs = require('fs');
const { performance } = require('perf_hooks');
const lib = require('./rtplib');

const USAGE = 'usage: node rtppeer.js --port P [--bind 127.0.0.1] --out capture.json\n' +
	'  [--send-rfc4733 D@S,...] [--send-inband D@S,...] [--send-wav FILE@S] [--pt 0|8] [--dtmf-pt 101]\n' +
	'  [--seconds 20] [--remote IP:PORT] [--tone MS] [--gap MS] [--interval MS] [--suppress-audio] [--ssrc N]';
const MAX_SECONDS = 600;

function die(msg) {
	process.stderr.write('rtppeer: ' + msg + '\n' + USAGE + '\n');
	process.exit(2);
}

function num(v, def, name, min, max) {
	if (v === undefined)
		return def;
	const n = Number(v);
	if (!Number.isFinite(n) || n < min || n > max)
		die('--' + name + ' wants a number from ' + min + ' to ' + max);
	return n;
}

let o;
try {
	o = lib.parseArgs(process.argv.slice(2), ['port', 'bind', 'out', 'send-rfc4733', 'send-inband', 'send-wav', 'pt',
		'dtmf-pt', 'seconds', 'remote', 'tone', 'gap', 'interval', 'ssrc'], ['suppress-audio', 'help']);
} catch (e) {
	die(e.message);
}
if (o.help) {
	process.stdout.write(USAGE + '\n');
	process.exit(0);
}
if (o.port === undefined || !o.out)
	die('--port and --out are required');
const port = num(o.port, 0, 'port', 0, 65534);
if (!Number.isInteger(port))
	die('--port wants a whole number');
const bindIp = o.bind || '127.0.0.1';
const seconds = num(o.seconds, 20, 'seconds', 0.1, MAX_SECONDS);
const pt = num(o.pt, 0, 'pt', 0, 8);
if (pt !== 0 && pt !== 8)
	die('--pt is 0 (PCMU) or 8 (PCMA)');
const codec = lib.codecByPt(pt);
const dtmfPt = num(o['dtmf-pt'], 101, 'dtmf-pt', 96, 127);
const toneMs = num(o.tone, 100, 'tone', 20, 5000);
const gapMs = num(o.gap, 100, 'gap', 0, 5000);
let remote = null;
if (o.remote) {
	const m = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(o.remote);
	if (!m)
		die('--remote wants IPv4:PORT');
	remote = { address: m[1], port: Number(m[2]) };
}
let events, inband, audio = null;
try {
	events = lib.parseDigitSchedule(o['send-rfc4733'], toneMs, gapMs);
	inband = lib.parseDigitSchedule(o['send-inband'], toneMs, gapMs);
	if (o['send-wav']) {
		const m = /^(.*)@([0-9]+(?:\.[0-9]+)?)$/.exec(o['send-wav']);
		const w = lib.readWav(m ? m[1] : o['send-wav']);
		if (w.rate !== 8000)
			throw new Error('--send-wav: ' + w.rate + ' Hz, want 8000');
		const at = Math.round((m ? parseFloat(m[2]) : 0) * 8000);
		audio = new Int16Array(at + w.mono.length);
		audio.set(w.mono, at);
	}
} catch (e) {
	die(e.message);
}

const plan = lib.planStream({
	codec,
	eventPt: dtmfPt,
	ssrc: o.ssrc !== undefined ? num(o.ssrc, 0, 'ssrc', 0, 0xFFFFFFFF) : (Math.random() * 0x100000000) >>> 0,
	seq: Math.floor(Math.random() * 0x10000),
	ts: (Math.random() * 0x100000000) >>> 0,
	durationMs: Math.ceil(seconds * 1000 / 20) * 20,
	audio,
	inband,
	events,
	eventIntervalMs: num(o.interval, 50, 'interval', 10, 1000),
	suppressAudio: !!o['suppress-audio'],
});

const received = [];
const invalid = [];
const rtcp = { packets: 0, bytes: 0 };
const sent = { packets: 0, audio: 0, events: 0, unsent: 0, errors: 0 };
let latchedMs = null;
let rtpSock = null, rtcpSock = null;
let t0 = 0;
let next = 0;		// index in plan of the next packet to send
let sendTimer = null, endTimer = null;
let finished = false;

const nowMs = () => performance.now() - t0;

function bindPair(p) {
	return new Promise((resolve) => {
		const a = dgram.createSocket('udp4');
		const b = dgram.createSocket('udp4');
		const fail = () => {
			a.close();
			b.close();
			resolve(null);
		};
		a.once('error', fail);
		a.bind(p, bindIp, () => {
			b.once('error', fail);
			b.bind(p + 1, bindIp, () => {
				a.removeListener('error', fail);
				b.removeListener('error', fail);
				resolve([a, b]);
			});
		});
	});
}

async function bindSockets() {
	if (port !== 0)
		return bindPair(port);
	for (let i = 0; i < 50; i++) {
		const p = 20000 + 2 * Math.floor(Math.random() * 20000);
		const s = await bindPair(p);
		if (s)
			return s;
	}
	return null;
}

function onRtp(buf, rinfo) {
	const t = nowMs();
	const why = {};
	const r = lib.parseRtp(buf, why);
	if (!r) {
		invalid.push({ t_ms: +t.toFixed(3), len: buf.length, error: why.error });
		return;
	}
	// port 0 is no address to answer to (sipp's play_pcap_audio sends
	// from it when its SDP lacks [media_port])
	if (!remote && rinfo.port !== 0) {
		remote = { address: rinfo.address, port: rinfo.port };
		latchedMs = +t.toFixed(3);
	}
	received.push({ t_ms: +t.toFixed(3), src: rinfo.address + ':' + rinfo.port, seq: r.seq, ts: r.ts,
		ssrc: r.ssrc, pt: r.pt, m: r.marker ? 1 : 0, len: buf.length, payload: r.payload.toString('hex') });
}

// Send every packet that is due; packets due before there is anyone to
// send to are dropped (counted as unsent).
function pump() {
	sendTimer = null;
	const t = nowMs();
	while (next < plan.length && plan[next].t_ms <= t) {
		const p = plan[next++];
		if (!remote) {
			sent.unsent++;
			continue;
		}
		try {
			rtpSock.send(p.rtp, remote.port, remote.address);
		} catch (e) {
			sent.errors++;
			continue;
		}
		sent.packets++;
		sent[p.kind === 'audio' ? 'audio' : 'events']++;
	}
	if (next < plan.length && !finished)
		sendTimer = setTimeout(pump, Math.max(0, plan[next].t_ms - nowMs()));
}

function finish(why) {
	if (finished)
		return;
	finished = true;
	clearTimeout(sendTimer);
	clearTimeout(endTimer);
	const capture = {
		tool: 'rtppeer',
		ended_by: why,
		local: { ip: bindIp, port: rtpSock ? rtpSock.address().port : null },
		remote: remote ? remote.address + ':' + remote.port : null,
		latched_ms: latchedMs,
		duration_ms: +nowMs().toFixed(3),
		codec: codec.name,
		pt,
		dtmf_pt: dtmfPt,
		sent,
		rtcp,
		invalid,
		packets: received,
	};
	try {
		fs.writeFileSync(o.out + '.tmp', JSON.stringify(capture) + '\n');
		fs.renameSync(o.out + '.tmp', o.out);
	} catch (e) {
		process.stderr.write('rtppeer: cannot write ' + o.out + ': ' + e.message + '\n');
		process.exitCode = 1;
	}
	const evs = lib.collectEvents(received.map((p) => ({ pt: p.pt, ts: p.ts, marker: p.m, t_ms: p.t_ms,
		payload: Buffer.from(p.payload, 'hex') })), dtmfPt);
	process.stdout.write(JSON.stringify({
		ev: 'summary',
		ended_by: why,
		port: capture.local.port,
		received: received.length,
		sent: sent.packets,
		rtcp: rtcp.packets,
		invalid: invalid.length,
		ssrcs: new Set(received.map((p) => p.ssrc)).size,
		digits: evs.map((e) => e.digit).join(''),
		first_ms: received.length ? received[0].t_ms : null,
		last_ms: received.length ? received[received.length - 1].t_ms : null,
		remote: capture.remote,
		out: o.out,
	}) + '\n', () => {
		for (const s of [rtpSock, rtcpSock])
			if (s)
				try { s.close(); } catch (e) { /* already closed */ }
		process.exit();
	});
}

async function main() {
	process.on('SIGTERM', () => finish('SIGTERM'));
	process.on('SIGINT', () => finish('SIGINT'));
	// the hard bound, whatever happens to binding
	t0 = performance.now();
	endTimer = setTimeout(() => finish('seconds'), seconds * 1000);
	const socks = await bindSockets();
	if (!socks) {
		process.stderr.write('rtppeer: cannot bind ' + bindIp + ':' + port + ' and the port after it\n');
		finished = true;
		clearTimeout(endTimer);
		process.exit(1);
	}
	[rtpSock, rtcpSock] = socks;
	if (finished)
		return;
	rtpSock.on('message', onRtp);
	rtpSock.on('error', (e) => process.stderr.write('rtppeer: RTP socket: ' + e.message + '\n'));
	rtcpSock.on('message', (b) => {
		rtcp.packets++;
		rtcp.bytes += b.length;
	});
	rtcpSock.on('error', (e) => process.stderr.write('rtppeer: RTCP socket: ' + e.message + '\n'));
	// the plan's clock starts now that we can send
	t0 = performance.now();
	process.stdout.write(JSON.stringify({ ev: 'ready', port: rtpSock.address().port,
		rtcp_port: rtcpSock.address().port, ip: bindIp, seconds }) + '\n');
	pump();
}

main();
