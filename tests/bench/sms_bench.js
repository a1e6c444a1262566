#!/usr/bin/env node
// tests/bench/sms_bench.js -- the SMS channel's figures against the test
// SMSC (tests/sms/smsc/smsc.js): `make bench` runs it from run.sh.  Prints
// figures, asserts nothing; every wait is bounded.
//
//   STOOP_SRCDIR=... STOOP_BUILDDIR=... node tests/bench/sms_bench.js
//
// stoopd runs on core 0 and the SMSC on core 1 (taskset, when there is
// one and two cores).  Build without --enable-sanitize for meaningful
// numbers.  Each stoopd starts on a fresh database in a temporary
// directory with the shipped defaults except the SMPP window.
//
//  1. the SMSC's own ceiling: delivers a second it pushes to a trivial
//     ESME that acks each at once, and to one that also answers each with
//     one submit_sm (the work the SMSC does for stoopd);
//  2. stoopd end to end: N texts from N numbers in one burst, each stored,
//     committed, acknowledged, run through the flow and answered with one
//     submit_sm; texts a second from the burst's start to the last reply;
//  3. reply latency at a paced 1,000 texts a second for 10 s, from the
//     SMSC writing the deliver_sm to it reading the submit_sm (one clock);
//  4. stoopd's resident memory with 100,000 conversations waiting at the
//     main menu (persisted sessions);
//  5. with SMS_BENCH_OPEN311=1 (after 1-4) or =only (alone): one stoopd
//     with the SMSC and an open311 node on a store of 100,000 seeded cases
//     (seed_cases.sh): texts answered a second over a fixed window alone,
//     then while wrk (core 1, beside the SMSC) GETs requests.json pages of
//     50 and of the default 1000; wrk's req/s and p99 alone and meanwhile;
//     the SMS rate's drop in %.
//
// Env: SMS_BENCH_N (20000), SMS_BENCH_SESSIONS (100000), SMS_BENCH_RATE
// (1000), SMS_BENCH_SECONDS (10), SMS_BENCH_WINDOW (500),
// SMS_BENCH_SYNC (full: the shipped default; or normal); for 5:
// SMS_BENCH_OPEN311 (1 or only), SMS_BENCH_OPEN311_CASES (100000),
// SMS_BENCH_OPEN311_SECONDS (10, each window), SMS_BENCH_OPEN311_CONNECTIONS
// (16, wrk's).
'use strict';

const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');

const src = process.env.STOOP_SRCDIR;
const build = process.env.STOOP_BUILDDIR;
if (!src || !build) {
	console.log('sms_bench: STOOP_SRCDIR and STOOP_BUILDDIR must be set');
	process.exit(1);
}
const num = (name, def) => {
	const v = Number(process.env[name] || def);
	return Number.isFinite(v) && v > 0 ? v : def;
};
const N = num('SMS_BENCH_N', 20000);
const SESSIONS = Math.min(100000, num('SMS_BENCH_SESSIONS', 100000));
const RATE = num('SMS_BENCH_RATE', 1000);
const SECONDS = num('SMS_BENCH_SECONDS', 10);
const WINDOW = Math.min(1000, num('SMS_BENCH_WINDOW', 500));
const SYNC = process.env.SMS_BENCH_SYNC === 'normal' ? 'normal' : 'full';
const OPEN311 = ['1', 'only'].includes(process.env.SMS_BENCH_OPEN311) ? process.env.SMS_BENCH_OPEN311 : '';
const API_CASES = Math.min(1000000, num('SMS_BENCH_OPEN311_CASES', 100000));
const API_SECONDS = Math.min(60, num('SMS_BENCH_OPEN311_SECONDS', 10));
const API_CONNS = Math.min(256, num('SMS_BENCH_OPEN311_CONNECTIONS', 16));
const modules = process.env.STOOP_SMSC_NODE_MODULES || path.join(src, 'tests/sms/smsc/node_modules');
const tmp = fs.mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), 'stoop-smsbench-'));
const children = new Set();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Pinning: stoopd (or the trivial ESME) on core 0, the SMSC on core 1.
let pinned = false;
try {
	execFileSync('taskset', ['-c', '1', 'true'], { stdio: 'ignore', timeout: 5000 });
	pinned = os.cpus().length >= 2;
} catch (e) {
	pinned = false;
}
function run(core, cmd, args, opts) {
	const p = pinned ? spawn('taskset', ['-c', String(core), cmd].concat(args), opts) : spawn(cmd, args, opts);
	p.on('error', (e) => out('sms_bench: cannot run ' + cmd + ': ' + e.message));
	children.add(p);
	p.on('exit', () => children.delete(p));
	return p;
}

function out(s) {
	console.log(s);
}

// ---------------------------------------------------------------- the SMSC

class Smsc {
	constructor(name) {
		this.events = [];
		this.waiters = [];
		this.listeners = [];
		this.proc = run(1, 'node', [path.join(src, 'tests/sms/smsc/smsc.js'), '--port', '0',
			'--system-id', 'stoop', '--password', 'secret', '--max-seconds', '900'],
		{ stdio: ['pipe', 'pipe', 'pipe'], env: Object.assign({}, process.env, { NODE_PATH: modules }) });
		readline.createInterface({ input: this.proc.stdout }).on('line', (l) => {
			let ev;
			try { ev = JSON.parse(l); } catch (e) { return; }
			for (const f of this.listeners) f(ev);
			if (!ev.keep && (ev.ev === 'submit' || ev.ev === 'deliver_sent' || ev.ev === 'deliver_resp'))
				return;	// counted by listeners, not kept
			this.events.push(ev);
			for (const w of this.waiters.slice()) w();
		});
		this.proc.stderr.on('data', (d) => fs.appendFileSync(path.join(tmp, name + '.smsc.stderr'), d));
	}
	send(cmd) { this.proc.stdin.write(JSON.stringify(cmd) + '\n'); }
	wait(pred, ms, from = 0) {
		return new Promise((resolve) => {
			let next = from;
			const look = () => {
				for (; next < this.events.length; next++) {
					if (pred(this.events[next])) {
						done();
						resolve(this.events[next]);
						return true;
					}
				}
				return false;
			};
			const timer = setTimeout(() => { done(); resolve(null); }, ms);
			const w = () => look();
			const done = () => { clearTimeout(timer); this.waiters = this.waiters.filter((x) => x !== w); };
			if (!look()) this.waiters.push(w);
		});
	}
	mark() { return this.events.length; }
	async stats() {
		const m = this.mark();
		this.send({ cmd: 'stats' });
		return this.wait((e) => e.ev === 'stats', 5000, m);
	}
	// polls stats until pred(stats) holds; resolves {stats, t} or null
	async pollUntil(pred, ms, every = 20) {
		const end = Date.now() + ms;
		while (Date.now() < end) {
			const s = await this.stats();
			if (s && pred(s))
				return s;
			await sleep(every);
		}
		return null;
	}
	async quit() {
		this.send({ cmd: 'quit' });
		await exited(this.proc, 3000);
	}
}

function exited(p, ms) {
	if (p.exitCode !== null || p.signalCode !== null)
		return Promise.resolve(true);
	return new Promise((resolve) => {
		const t = setTimeout(() => resolve(false), ms);
		p.once('exit', () => { clearTimeout(t); resolve(true); });
	});
}

async function startSmsc(name) {
	const smsc = new Smsc(name);
	const l = await smsc.wait((e) => e.ev === 'listening', 10000);
	if (!l)
		throw new Error('the test SMSC did not start');
	smsc.port = l.port;
	smsc.send({ cmd: 'window', size: WINDOW });
	smsc.send({ cmd: 'timestamps', on: true });
	return smsc;
}

// ---------------------------------------------------------------- ESMEs

// The trivial ESME: binds, acks every deliver_sm at once; with "mirror"
// also sends one submit_sm back to the sender, as stoopd does.  PDUs are
// framed and written by hand (the bind by the npm package), so that the
// ESME costs next to nothing and the SMSC is what is measured.
const trivialEsme = `
'use strict';
const net = require('net');
const smpp = require('smpp');
const [port, mode] = process.argv.slice(2);
const sock = net.connect(Number(port), '127.0.0.1');
sock.setNoDelay(true);
sock.on('error', (e) => { console.error(e.message); process.exit(1); });
let seq = 1;
const cstr = (s) => Buffer.from(s + '\\0', 'latin1');
const hdr = (len, id, status, sq) => {
	const b = Buffer.alloc(16);
	b.writeUInt32BE(len, 0); b.writeUInt32BE(id >>> 0, 4); b.writeUInt32BE(status, 8); b.writeUInt32BE(sq, 12);
	return b;
};
const text = Buffer.from('Reply with a number:', 'latin1');
sock.on('connect', () => sock.write(new smpp.PDU('bind_transceiver', { sequence_number: seq++, system_id: 'stoop', password: 'secret' }).toBuffer()));
let buf = Buffer.alloc(0);
sock.on('data', (d) => {
	buf = buf.length ? Buffer.concat([buf, d]) : d;
	const out = [];
	let off = 0;
	while (buf.length - off >= 16) {
		const len = buf.readUInt32BE(off);
		if (buf.length - off < len) break;
		const id = buf.readUInt32BE(off + 4), sq = buf.readUInt32BE(off + 12);
		if (id === 0x00000005) {
			out.push(hdr(17, 0x80000005, 0, sq), Buffer.from([0]));
			if (mode === 'mirror') {
				// body: service_type, source ton, npi, source_addr, ...
				let p = off + 16;
				while (buf[p]) p++;
				const ton = buf[p + 1], npi = buf[p + 2];
				let q = p + 3;
				while (buf[q]) q++;
				const dest = buf.subarray(p + 3, q + 1);
				const body = Buffer.concat([Buffer.from([0, 3, 0]), cstr('311'), Buffer.from([ton, npi]), dest,
					Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, text.length]), text]);
				out.push(hdr(16 + body.length, 0x00000004, 0, seq++), body);
			}
		} else if (id === 0x00000015) {
			out.push(hdr(16, 0x80000015, 0, sq));
		}
		off += len;
	}
	buf = buf.subarray(off);
	if (out.length) sock.write(Buffer.concat(out));
});
`;

// extra: more config lines (an open311 node); db: a store made beforehand
function startStoopd(smsc, name, extra = [], db = null) {
	const vtyPort = 40000 + Math.floor(Math.random() * 20000);
	const cfg = path.join(tmp, name + '.cfg');
	fs.writeFileSync(cfg, [
		'log stderr',
		' logging filter all 1',
		' logging color 0',
		' logging timestamp 0',
		' logging level set-all notice',
		'line vty',
		' bind 127.0.0.1 ' + vtyPort,
		'stoop',
		' flows-dir ' + path.join(src, 'flows'),
		' prompts-dir ' + path.join(src, 'prompts'),
		'store',
		' database ' + (db || path.join(tmp, name + '.db')),
		' synchronous ' + SYNC,
		'smsc bench',
		' remote-ip 127.0.0.1',
		' remote-port ' + smsc.port,
		' system-id stoop',
		' password secret',
		' source-addr 311 ton 3 npi 0',
		' window ' + WINDOW,
	].concat(extra, ['']).join('\n'));
	const log = fs.openSync(path.join(tmp, name + '.log'), 'a');
	const p = run(0, path.join(build, 'gateway/stoopd'), ['-c', cfg], { stdio: ['ignore', log, log] });
	fs.closeSync(log);
	return p;
}

async function bound(smsc, from) {
	const b = await smsc.wait((e) => e.ev === 'bind' && e.ok === true, 10000, from);
	if (!b)
		throw new Error('no bind to the test SMSC');
	return b;
}

function rss(pid) {
	try {
		const st = fs.readFileSync('/proc/' + pid + '/status', 'utf8');
		const kb = (k) => Number((new RegExp('^' + k + ':\\s+(\\d+)', 'm').exec(st) || [])[1] || 0);
		return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
	} catch (e) {
		return null;
	}
}

const mb = (kb) => (kb / 1024).toFixed(1) + ' MB';

async function stopStoopd(p) {
	p.kill('SIGTERM');
	if (!(await exited(p, 10000)))
		p.kill('SIGKILL');
}

// One burst of count texts "menu" from distinct numbers; resolves when the
// SMSC has taken `count` submit_sm (or the time is out).
async function burstToReplies(smsc, prefix, count, ms) {
	const s0 = await smsc.stats();
	const m = smsc.mark();
	smsc.send({ cmd: 'burst', count, from_prefix: prefix, text: 'menu', umr: true, id_prefix: prefix.slice(1) });
	const ack = await smsc.wait((e) => e.ev === 'ack' && e.cmd === 'burst', 10000, m);
	const s = await smsc.pollUntil((x) => x.submits_ok - s0.submits_ok >= count, ms);
	const done = await smsc.wait((e) => e.ev === 'burst_done', 5000, m);
	return { start: ack && ack.t, end: s && s.t, done, replies: s ? s.submits_ok - s0.submits_ok : null };
}

// ---------------------------------------------------------------- 1

async function ceiling(mode) {
	const smsc = await startSmsc('ceiling-' + mode);
	smsc.send({ cmd: 'quiet', on: true });
	const esmeFile = path.join(tmp, 'esme.js');
	fs.writeFileSync(esmeFile, trivialEsme);
	const m = smsc.mark();
	const esme = run(0, 'node', [esmeFile, String(smsc.port), mode],
		{ stdio: ['ignore', 'ignore', 'pipe'], env: Object.assign({}, process.env, { NODE_PATH: modules }) });
	esme.stderr.on('data', (d) => fs.appendFileSync(path.join(tmp, 'esme.stderr'), d));
	await bound(smsc, m);
	let line = 'SMSC ceiling, ' + (mode === 'mirror' ? 'ESME acks and answers each with a submit_sm' : 'ESME acks only') + ': ';
	let rate = null;
	if (mode === 'mirror') {
		// as stoopd is measured: from the burst to the last submit_sm
		const r = await burstToReplies(smsc, '+1444', N, 120000);
		if (r.end && r.start !== undefined) {
			rate = N / ((r.end - r.start) / 1000);
			line += Math.round(rate) + ' texts/s (' + N + ' deliver_sm, the last submit_sm after '
				+ Math.round(r.end - r.start) + ' ms)';
		} else {
			line += 'did not finish (' + r.replies + ' replies)';
		}
	} else {
		const m2 = smsc.mark();
		smsc.send({ cmd: 'burst', count: N, from_prefix: '+1444', text: 'menu', umr: true, id_prefix: 'c' });
		const done = await smsc.wait((e) => e.ev === 'burst_done', 120000, m2);
		if (done && done.ok === N) {
			rate = N / (done.ms / 1000);
			line += Math.round(rate) + ' deliver_sm/s (' + N + ' acknowledged in ' + done.ms + ' ms)';
		} else {
			line += 'did not finish: ' + JSON.stringify(done);
		}
	}
	out(line);
	esme.kill('SIGTERM');
	await exited(esme, 3000);
	await smsc.quit();
	return rate;
}

// ---------------------------------------------------------------- 2

async function throughput(ceil) {
	const smsc = await startSmsc('throughput');
	smsc.send({ cmd: 'quiet', on: true });
	const m = smsc.mark();
	const sd = startStoopd(smsc, 'throughput');
	await bound(smsc, m);
	const r = await burstToReplies(smsc, '+1555', N, 180000);
	if (r.end && r.start !== undefined) {
		const secs = (r.end - r.start) / 1000;
		const rate = N / secs;
		out('stoopd end to end (synchronous ' + SYNC + ', window ' + WINDOW + '): ' + Math.round(rate)
			+ ' MO/s, deliver_sm in -> committed -> submit_sm out (' + N + ' texts from ' + N + ' numbers, last reply after '
			+ secs.toFixed(2) + ' s' + (ceil ? '; ' + (100 * rate / ceil).toFixed(0) + '% of the SMSC ceiling with replies' : '')
			+ ')');
		if (r.done)
			out('  all ' + N + ' acknowledged after ' + (r.done.ms / 1000).toFixed(2) + ' s: '
				+ Math.round(N / (r.done.ms / 1000)) + ' deliver_sm/s acknowledged');
	} else {
		out('stoopd end to end: not all replies within 180 s (' + r.replies + ' of ' + N + ')');
	}
	const mem = rss(sd.pid);
	await stopStoopd(sd);
	await smsc.quit();
	return mem;
}

// ---------------------------------------------------------------- 3

function pct(sorted, p) {
	if (!sorted.length)
		return NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
}

async function latency() {
	const smsc = await startSmsc('latency');
	const count = Math.round(RATE * SECONDS);
	const sent = new Map();		// number -> t of its deliver_sm
	const lat = [];
	const prefix = '+1666';
	smsc.listeners.push((e) => {
		if (e.ev === 'deliver_sent' && e.id && e.id.startsWith('lat-') && !e.resend)
			sent.set(prefix + e.id.slice(4).padStart(7, '0'), e.t);
		else if (e.ev === 'submit' && e.status === 0 && sent.has(e.to)) {
			lat.push(e.t - sent.get(e.to));
			sent.delete(e.to);
		}
	});
	const m = smsc.mark();
	const sd = startStoopd(smsc, 'latency');
	await bound(smsc, m);
	await sleep(500);
	const m2 = smsc.mark();
	smsc.send({ cmd: 'burst', count, rate: RATE, from_prefix: prefix, text: 'menu', umr: true, id_prefix: 'lat',
		events: true });
	const done = await smsc.wait((e) => e.ev === 'burst_done', SECONDS * 1000 + 60000, m2);
	const end = Date.now() + 10000;
	while (lat.length < count && Date.now() < end)
		await sleep(50);
	lat.sort((a, b) => a - b);
	const f = (x) => x.toFixed(2) + ' ms';
	if (lat.length) {
		const rate = done ? count / (done.ms / 1000) : NaN;
		out('reply latency at ' + RATE + ' MO/s paced for ' + SECONDS + ' s (' + lat.length + ' of ' + count
			+ ' replies; offered ' + Math.round(rate) + '/s): p50 ' + f(pct(lat, 50)) + ', p90 ' + f(pct(lat, 90))
			+ ', p99 ' + f(pct(lat, 99)) + ', max ' + f(lat[lat.length - 1]));
	} else {
		out('reply latency: no replies measured');
	}
	await stopStoopd(sd);
	await smsc.quit();
}

// ---------------------------------------------------------------- 4

async function memory() {
	const smsc = await startSmsc('memory');
	smsc.send({ cmd: 'quiet', on: true });
	const m = smsc.mark();
	const sd = startStoopd(smsc, 'memory');
	await bound(smsc, m);
	await sleep(300);
	const before = rss(sd.pid);
	const t0 = Date.now();
	const r = await burstToReplies(smsc, '+1777', SESSIONS, 240000);
	const after = rss(sd.pid);
	let sessions = '?';
	try {
		sessions = execFileSync('sqlite3', [path.join(tmp, 'memory.db'), 'SELECT count(*) FROM sessions'],
			{ encoding: 'utf8', timeout: 20000 }).trim();
	} catch (e) {
		sessions = '? (no sqlite3 shell)';
	}
	const size = (f) => { try { return fs.statSync(f).size; } catch (e) { return 0; } };
	const dbBytes = size(path.join(tmp, 'memory.db')) + size(path.join(tmp, 'memory.db-wal'));
	if (before && after) {
		out('stoopd memory: VmRSS ' + mb(before.rss) + ' bound and idle; ' + mb(after.rss) + ' (peak ' + mb(after.hwm)
			+ ') with ' + sessions + ' persisted sessions waiting at the menu, after ' + (r.replies || 0) + ' of '
			+ SESSIONS + ' texts answered in ' + ((Date.now() - t0) / 1000).toFixed(1) + ' s; database '
			+ mb(dbBytes / 1024) + ' with its WAL');
	} else {
		out('stoopd memory: cannot read /proc/' + sd.pid + '/status');
	}
	await stopStoopd(sd);
	await smsc.quit();
}

// ---------------------------------------------------------------- 5

// The API and the SMS channel share stoopd's one loop on core 0; wrk
// shares core 1 with the SMSC (there are two cores), so the SMSC's and
// stoopd's CPU are printed beside each window: a reader can see which of
// the two was short of time.

let clkTck = 100;
try {
	clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5000 }).trim()) || 100;
} catch (e) { /* 100 */ }

// utime + stime of a process, in seconds
function cpuSeconds(pid) {
	try {
		const st = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
		const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
		return (Number(f[11]) + Number(f[12])) / clkTck;
	} catch (e) {
		return NaN;
	}
}

// One wrk run of secs seconds on core 1; resolves its figures, or null
function wrk(url, secs) {
	const p = run(1, 'wrk', ['-t1', '-c' + API_CONNS, '-d' + secs + 's', '--latency', url],
		{ stdio: ['ignore', 'pipe', 'pipe'] });
	let text = '';
	p.stdout.on('data', (d) => { text += d; });
	p.stderr.on('data', (d) => { text += d; });
	return exited(p, (secs + 15) * 1000).then((ok) => {
		if (!ok)
			p.kill('SIGKILL');
		const m = (re) => (re.exec(text) || [])[1];
		const rps = m(/Requests\/sec:\s+([\d.]+)/);
		if (!rps)
			return null;
		return { rps: Number(rps), p50: m(/^\s+50%\s+(\S+)/m), p99: m(/^\s+99%\s+(\S+)/m),
			non2xx: Number(m(/Non-2xx or 3xx responses:\s+(\d+)/) || 0),
			errors: m(/Socket errors:\s+(.*)/) || 'none' };
	});
}

// Texts answered a second over a window of API_SECONDS.  The SMSC is fed
// bursts of FEED texts whenever fewer than FEED wait in its queue (its
// queue is an array: a few hundred thousand at once would make the SMSC,
// not stoopd, the limit), so that stoopd always has a full window of
// deliver_sm; the window starts 1 s into the feed.  Then the feed stops
// and the replies to all it sent are awaited (bounded), so that the next
// phase starts on an idle stoopd.  Numbers: prefix, the burst's two
// digits, 7 digits.
const FEED = 5000;

async function smsWindow(smsc, sd, prefix) {
	const s0 = await smsc.stats();
	if (!s0)
		return null;
	let sent = 0, parts = 0, a = null, b = null, cpuA, cpuB;
	const t0 = Date.now();
	const end = t0 + 1000 + API_SECONDS * 1000;
	while (parts < 100) {
		const s = await smsc.stats();
		if (!s)
			break;
		const now = Date.now();
		if (!a && now >= t0 + 1000) {
			a = s;
			cpuA = [cpuSeconds(sd.pid), cpuSeconds(smsc.proc.pid)];
		}
		if (now >= end) {
			b = s;
			cpuB = [cpuSeconds(sd.pid), cpuSeconds(smsc.proc.pid)];
			break;
		}
		if (s.queued < FEED) {
			smsc.send({ cmd: 'burst', count: FEED, from_prefix: prefix + String(parts).padStart(2, '0'),
				text: 'menu', umr: true, id_prefix: prefix.slice(1) + '-' + parts });
			sent += FEED;
			parts++;
		}
		await sleep(100);
	}
	const all = await smsc.pollUntil((x) => x.submits_ok - s0.submits_ok >= sent, 120000, 100);
	if (!a || !b)
		return null;
	const secs = (b.t - a.t) / 1000;
	return {
		rate: (b.submits_ok - a.submits_ok) / secs,
		replies: b.submits_ok - a.submits_ok,
		secs,
		dry: b.queued === 0,	// the feed fell behind: too low
		drained: !!all,
		stoopdCpu: 100 * (cpuB[0] - cpuA[0]) / secs,
		smscCpu: 100 * (cpuB[1] - cpuA[1]) / secs,
	};
}

async function withOpen311() {
	try {
		execFileSync('sh', ['-c', 'command -v wrk && command -v sqlite3'], { stdio: 'ignore', timeout: 5000 });
	} catch (e) {
		out('sms + open311: skipped: needs wrk and sqlite3');
		return;
	}
	const db = path.join(tmp, 'open311.db');
	try {
		out('sms + open311: ' + execFileSync('bash', [path.join(src, 'tests/bench/seed_cases.sh'), db, String(API_CASES)],
			{ encoding: 'utf8', timeout: 180000 }).trim());
	} catch (e) {
		out('sms + open311: skipped: ' + String(e.stdout || e.message).trim());
		return;
	}
	const port = 20000 + Math.floor(Math.random() * 20000);
	const smsc = await startSmsc('open311');
	smsc.send({ cmd: 'quiet', on: true });
	const m = smsc.mark();
	const sd = startStoopd(smsc, 'open311', [
		'open311',
		' bind 127.0.0.1 ' + port,
		' rate-limit address 0 burst 1',
	], db);
	await bound(smsc, m);
	const base = 'http://127.0.0.1:' + port + '/open311/v2/requests.json';
	const urls = [['?page_size=50', base + '?page_size=50'], ['(default page: 1000)', base]];
	// the API answers before anything is measured
	let up = false;
	for (let i = 0; i < 50 && !up; i++) {
		up = await new Promise((resolve) => {
			require('http').get(base + '?page_size=1', (res) => { res.resume(); resolve(res.statusCode === 200); })
				.on('error', () => resolve(false)).setTimeout(2000, function () { this.destroy(); });
		});
		if (!up)
			await sleep(100);
	}
	if (!up) {
		out('sms + open311: skipped: the API did not answer on 127.0.0.1:' + port);
		await stopStoopd(sd);
		await smsc.quit();
		return;
	}
	out('sms + open311: one stoopd (core 0) with the SMSC (core 1) and the API; ' + API_CASES + ' cases; '
		+ 'windows of ' + API_SECONDS + ' s, the SMSC fed ' + FEED + ' texts at a time; wrk -t1 -c' + API_CONNS
		+ ' on core 1 beside the SMSC');
	const f = (w) => !w ? 'not measured'
		: Math.round(w.rate) + ' texts/s answered (' + w.replies + ' in ' + w.secs.toFixed(1) + ' s'
			+ (w.dry ? ', the SMSC\'s queue ran dry: too low' : '')
			+ (w.drained ? '' : ', not all replies within 120 s after') + '; stoopd '
			+ w.stoopdCpu.toFixed(0) + '% of core 0, SMSC ' + w.smscCpu.toFixed(0) + '% of core 1)';
	const g = (r) => !r ? 'wrk gave no figures'
		: r.rps.toFixed(1) + ' req/s, p50 ' + r.p50 + ', p99 ' + r.p99
			+ (r.non2xx ? ', ' + r.non2xx + ' non-2xx' : '') + (r.errors !== 'none' ? ', socket errors ' + r.errors : '');
	const alone = [];
	let w = await smsWindow(smsc, sd, '+1801');
	alone.push(w);
	out('  SMS alone:                           ' + f(w));
	const both = [];
	let prefix = 1802;
	for (const [name, url] of urls) {
		const c0 = cpuSeconds(sd.pid), t0 = Date.now();
		const r = await wrk(url, API_SECONDS);
		const cpu = 100 * (cpuSeconds(sd.pid) - c0) / ((Date.now() - t0) / 1000);
		out('  wrk alone ' + name.padEnd(26) + g(r) + ' (stoopd ' + cpu.toFixed(0) + '% of core 0)');
		// wrk runs from 0.5 s before the burst to past the window's end
		const pending = wrk(url, API_SECONDS + 3);
		await sleep(500);
		w = await smsWindow(smsc, sd, '+' + prefix++);
		const rb = await pending;
		both.push([name, w]);
		out('  SMS + wrk ' + name.padEnd(26) + f(w));
		out('  wrk meanwhile ' + name.padEnd(22) + g(rb) + ' (its ' + (API_SECONDS + 3)
			+ ' s run covers the window)');
	}
	w = await smsWindow(smsc, sd, '+' + prefix++);
	alone.push(w);
	out('  SMS alone again:                     ' + f(w));
	const ok = alone.filter((x) => x && !x.dry);
	if (ok.length) {
		const ref = ok.reduce((s, x) => s + x.rate, 0) / ok.length;
		for (const [name, x] of both)
			out('  SMS rate drop with wrk ' + name.padEnd(22) + (x && !x.dry
				? (100 * (1 - x.rate / ref)).toFixed(1) + '% (against ' + Math.round(ref) + ' texts/s, the mean of the two alone)'
				: 'not measured'));
	}
	await stopStoopd(sd);
	await smsc.quit();
	const errors = fs.readFileSync(path.join(tmp, 'open311.log'), 'utf8').split('\n').filter((l) => /ERROR|FATAL/.test(l));
	if (errors.length)
		out('  stoopd logged ' + errors.length + ' errors, the first: ' + errors[0]);
}

async function main() {
	if (!fs.existsSync(path.join(build, 'gateway/stoopd')))
		throw new Error('no ' + path.join(build, 'gateway/stoopd') + ': build it first');
	try {
		if (/asan/.test(execFileSync('ldd', [path.join(build, 'gateway/stoopd')], { encoding: 'utf8', timeout: 5000 })))
			out('NOTE: this stoopd is built with AddressSanitizer: the figures are not meaningful');
	} catch (e) { /* no ldd: never mind */ }
	out(pinned ? 'stoopd (or the trivial ESME) on core 0, the SMSC on core 1 (taskset)'
		: 'not pinned: no taskset or fewer than two cores');
	if (OPEN311 !== 'only') {
		const ceil1 = await ceiling('ack');
		const ceil2 = await ceiling('mirror');
		await throughput(ceil2 || ceil1);
		await latency();
		await memory();
	}
	if (OPEN311)
		await withOpen311();
}

const guard = setTimeout(() => {
	out('sms_bench: gave up after 15 minutes');
	for (const c of children) c.kill('SIGKILL');
	process.exit(1);
}, 15 * 60 * 1000);

main().catch((e) => {
	out('sms_bench: ' + e.message);
	process.exitCode = 1;
}).finally(async () => {
	clearTimeout(guard);
	for (const c of children) c.kill('SIGTERM');
	await sleep(300);
	for (const c of children) c.kill('SIGKILL');
	if (!process.env.STOOP_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
	else out('kept ' + tmp);
});
