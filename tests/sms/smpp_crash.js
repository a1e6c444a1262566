#!/usr/bin/env node
// tests/sms/smpp_crash.js -- kill -9 stoopd in the middle of a burst of
// 5,000 inbound texts, restart it on the same database: every text the
// SMSC saw acknowledged is in the store, and every resident gets its
// reply, exactly once unless it was in flight at the kill (below).  Prints
// TAP lines; every wait is bounded.
//
//   STOOP_SRCDIR=... STOOP_BUILDDIR=... node tests/sms/smpp_crash.js
//
// The SMSC (tests/sms/smsc/smsc.js) sends the burst from 5,000 distinct
// numbers, each deliver_sm with its own user_message_reference TLV, and
// with redeliver on: what stoopd had not acknowledged when it died is sent
// again after the next bind, as a real SMSC does.  Each text is "menu", a
// flow answer of one SMS (the numbered main menu), so one text is one
// reply.  stoopd is killed once ~40% of the burst is acknowledged.
//
// What can go wrong at the kill, and what must happen instead:
//  - texts stored and committed, deliver_sm_resp not yet written: sent
//    again after the restart, recognised by their msg_ref ("<from>/<umr>/<part>/<text hash>"),
//    acknowledged and not processed again (their reply is already queued);
//  - a batch not yet committed: nothing of it is in the file; not
//    acknowledged either, so sent again and processed then;
//  - replies the SMSC took as submit_sm but whose submit_sm_resp was not
//    yet committed as 'sent' in sms_out: they are still queued in the
//    file and go out again after the restart.  The outbound queue is
//    at-least-once (SMPP 3.4 cannot ask an SMSC whether it has a
//    submit_sm; marking a reply sent before writing it would lose it
//    instead), so these, and only these, get a second reply: at most
//    the submit window.  Every other number gets exactly one.
'use strict';

const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { src, build, children, tmpdir, check, note, sleep, Smsc, run } = require('./harness');

const COUNT = Number(process.env.STOOP_CRASH_COUNT || 5000);
const KILL_AT = Math.floor(COUNT * 0.4);
const PREFIX = '+1555';
const tmp = tmpdir('stoop-crash-');

// ---------------------------------------------------------------- stoopd

// Both runs use one database.  `synchronous normal`: in WAL mode a commit
// is in the WAL file (the OS's page cache) when it returns, and a process
// killed with SIGKILL loses nothing the kernel has; only a crash of the
// machine could lose the last commits, which is not what is tested here.
function startStoopd(port, name) {
	const vtyPort = 40000 + Math.floor(Math.random() * 20000);
	const cfg = path.join(tmp, name + '.cfg');
	fs.writeFileSync(cfg, [
		'log stderr',
		' logging filter all 1',
		' logging color 0',
		' logging timestamp 0',
		' logging print category 1',
		' logging print level 1',
		' logging level set-all notice',
		'line vty',
		' bind 127.0.0.1 ' + vtyPort,
		'stoop',
		' flows-dir ' + path.join(src, 'flows'),
		' prompts-dir ' + path.join(src, 'prompts'),
		' session-expiry 30m',
		'store',
		' database ' + path.join(tmp, 'crash.db'),
		' synchronous normal',
		'sms',
		' dedup-window 5s',
		' rate-limit 20',
		' parts-timeout 3s',
		' fold-accents',
		'smsc test',
		' remote-ip 127.0.0.1',
		' remote-port ' + port,
		' system-id stoop',
		' password secret',
		' source-addr 311 ton 3 npi 0',
		' window 50',
		' enquire-link 30s',
		' response-timeout 5s',
		' reconnect 1s 2s',
		'',
	].join('\n'));
	const log = fs.openSync(path.join(tmp, name + '.log'), 'a');
	const p = spawn(path.join(build, 'gateway/stoopd'), ['-c', cfg], { stdio: ['ignore', log, log] });
	fs.closeSync(log);
	children.push(p);
	return p;
}

function stoopdLog(name) {
	try { return fs.readFileSync(path.join(tmp, name + '.log'), 'utf8'); } catch (e) { return ''; }
}

function exited(p, ms) {
	if (p.exitCode !== null || p.signalCode !== null)
		return Promise.resolve(true);
	return new Promise((resolve) => {
		const t = setTimeout(() => resolve(false), ms);
		p.once('exit', () => { clearTimeout(t); resolve(true); });
	});
}

function sql(query, file = 'crash.db') {
	return execFileSync('sqlite3', ['-batch', '-noheader', '-separator', '|', path.join(tmp, file), query],
		{ encoding: 'utf8', timeout: 20000 }).split('\n').filter((l) => l.length);
}

const fromOf = (i) => PREFIX + String(i).padStart(7, '0');
const refOf = (i) => fromOf(i) + '/' + (i % 65536);

async function main() {
	if (!check(spawnOk('sqlite3'), 'the sqlite3 command-line shell is installed'))
		return;
	const smsc = new Smsc();
	const listening = await smsc.wait((e) => e.ev === 'listening', 10000);
	if (!check(listening !== null, 'the test SMSC listens on 127.0.0.1'))
		return;
	const port = listening.port;

	// what the SMSC saw: acknowledgements by deliver id, replies by number
	const acked = new Map();		// id -> status of its (last) deliver_sm_resp
	const ackedOkBeforeKill = new Set();
	let killed = false;
	const submitsTo = new Map();		// number -> accepted submit_sm
	const submitConns = new Map();		// number -> the connections they came on
	const refused = [];
	smsc.listeners.push((e) => {
		if (e.ev === 'deliver_resp' && e.id && e.id.startsWith('mo-')) {
			acked.set(e.id, e.status);
			if (!killed && e.status === 0)
				ackedOkBeforeKill.add(e.id);
		} else if (e.ev === 'submit') {
			if (e.status === 0) {
				submitsTo.set(e.to, (submitsTo.get(e.to) || 0) + 1);
				submitConns.set(e.to, (submitConns.get(e.to) || []).concat(e.conn));
			} else
				refused.push(e);
		}
	});

	smsc.send({ cmd: 'redeliver', on: true });
	smsc.send({ cmd: 'window', size: 100 });

	let m = smsc.mark();
	const run1 = startStoopd(port, 'run1');
	const bound = await smsc.wait((e) => e.ev === 'bind' && e.ok === true, 10000, m);
	if (!check(bound !== null, 'stoopd binds to the test SMSC')) {
		note(stoopdLog('run1').split('\n').slice(-15).join('\n# '));
		return;
	}

	const t0 = Date.now();
	smsc.send({ cmd: 'burst', count: COUNT, from_prefix: PREFIX, text: 'menu', umr: true, id_prefix: 'mo' });
	const reached = await smsc.until(() => ackedOkBeforeKill.size >= KILL_AT, 30000);
	killed = true;
	run1.kill('SIGKILL');
	const atKill = ackedOkBeforeKill.size;
	const subsAtKill = [...submitsTo.values()].reduce((a, b) => a + b, 0);
	if (!check(reached, 'stoopd acknowledged ' + KILL_AT + ' of ' + COUNT + ' texts before the kill',
		{ acked: ackedOkBeforeKill.size, log: stoopdLog('run1').slice(-1500) }))
		return;
	note('killed with SIGKILL after ' + (Date.now() - t0) + ' ms: ' + atKill + ' acknowledged, '
		+ subsAtKill + ' replies accepted by the SMSC');
	await exited(run1, 5000);
	await smsc.wait((e) => e.ev === 'closed', 5000, m);
	check(atKill < COUNT, 'the kill landed in the middle of the burst (' + atKill + ' of ' + COUNT + ' acknowledged)');

	// the file as the kill left it, read in a copy: opening crash.db itself
	// would replay its WAL before the second stoopd gets to
	for (const ext of ['', '-wal']) {
		if (fs.existsSync(path.join(tmp, 'crash.db' + ext)))
			fs.copyFileSync(path.join(tmp, 'crash.db' + ext), path.join(tmp, 'atkill.db' + ext));
	}
	const inAtKill = new Set(sql('SELECT msg_ref FROM sms_in', 'atkill.db').map((r) => r.split('/').slice(0, 2).join('/')));
	const lostAtKill = [...ackedOkBeforeKill].filter((id) => !inAtKill.has(refOf(Number(id.slice(3)))));
	check(lostAtKill.length === 0, 'right after the kill, every text acknowledged so far is in the file', lostAtKill.slice(0, 20));
	const outAtKill = sql('SELECT state, count(*) FROM sms_out GROUP BY state', 'atkill.db').join(', ');
	const queuedAtKill = new Set(sql("SELECT msisdn FROM sms_out WHERE state = 'queued'", 'atkill.db'));
	note('the WAL after the kill: ' + (fs.existsSync(path.join(tmp, 'crash.db-wal'))
		? fs.statSync(path.join(tmp, 'crash.db-wal')).size + ' bytes, replayed by the second run' : 'none'));
	const acceptedAtKill = [...submitsTo.values()].reduce((a, b) => a + b, 0);
	note('the file after the kill: ' + inAtKill.size + ' texts (' + (inAtKill.size - atKill)
		+ ' stored but not acknowledged), replies ' + outAtKill + '; the SMSC had accepted ' + acceptedAtKill);

	m = smsc.mark();
	const run2 = startStoopd(port, 'run2');
	const rebound = await smsc.wait((e) => e.ev === 'bind' && e.ok === true, 10000, m);
	if (!check(rebound !== null, 'restarted on the same database, stoopd binds again')) {
		note(stoopdLog('run2').split('\n').slice(-15).join('\n# '));
		return;
	}
	const done = await smsc.wait((e) => e.ev === 'burst_done' && e.burst === 'mo', 45000, 0);
	check(done !== null && done.ok === COUNT, 'the burst ends with every text acknowledged ESME_ROK', done);
	const unacked = smsc.events.filter((e) => e.ev === 'deliver_unacked');
	note(unacked.length + ' delivers were outstanding at the kill and sent again');

	// the replies: every number one, then a moment for any late second one
	await smsc.until(() => submitsTo.size >= COUNT, 30000);
	await sleep(2000);
	note('all done ' + (Date.now() - t0) + ' ms after the burst started');

	// (a) every deliver the SMSC saw acknowledged with status 0 is stored
	const stored = new Map();
	for (const l of sql("SELECT msisdn, msg_ref, state FROM sms_in WHERE transport = 'smpp:test'")) {
		const [msisdn, ref, state] = l.split('|');
		// stoopd keys a text by <from>/<umr>/<part>/<hash of the text>
		stored.set(ref.split('/').slice(0, 2).join('/'), { msisdn, state });
	}
	const missing = [];
	const notDone = [];
	let okCount = 0;
	for (const [id, status] of acked) {
		if (status !== 0)
			continue;
		okCount++;
		const i = Number(id.slice(3));
		const s = stored.get(refOf(i));
		if (!s || s.msisdn !== fromOf(i))
			missing.push(id);
		else if (s.state !== 'done')
			notDone.push(id);
	}
	check(okCount === COUNT && missing.length === 0,
		'every text acknowledged with status 0 (' + okCount + ') is in sms_in with its msg_ref <from>/<umr>',
		{ okCount, missing: missing.slice(0, 20) });
	check(notDone.length === 0, 'and each is processed (state done)', notDone.slice(0, 20));
	check(stored.size === COUNT, 'sms_in holds each text once (' + stored.size + ' rows)');
	const preKillMissing = [...ackedOkBeforeKill].filter((id) => missing.includes(id));
	check(preKillMissing.length === 0, 'nothing acknowledged before the kill is missing', preKillMissing.slice(0, 20));

	// (b) one reply per number.  A reply is marked sent in sms_out when its
	// submit_sm_resp comes; one the SMSC had taken when stoopd died, but
	// whose resp was not yet committed, is still 'queued' in the file and
	// goes again after the restart.  That is the at-least-once rule of the
	// outbound queue (nothing accepted is lost; SMPP 3.4 has no way to ask
	// an SMSC whether it got a submit_sm), so a second reply is allowed for
	// exactly those: taken on the first connection, still queued in the
	// file after the kill, and at most the submit window (50) of them.
	const none = [];
	const twice = [];
	const unexplained = [];
	for (let i = 1; i <= COUNT; i++) {
		const to = fromOf(i);
		const c = submitsTo.get(to) || 0;
		if (c === 0) {
			none.push(to);
		} else if (c > 1) {
			const conns = submitConns.get(to);
			twice.push(to + ' x' + c);
			if (c > 2 || conns[0] !== bound.conn || conns[1] === bound.conn || !queuedAtKill.has(to))
				unexplained.push({ to, conns, queuedAtKill: queuedAtKill.has(to) });
		}
	}
	check(none.length === 0, 'every number got a reply (' + (COUNT - none.length) + ' of ' + COUNT + ')', none.slice(0, 20));
	note(twice.length + ' numbers got their reply twice: replies the SMSC took before the kill whose'
		+ ' submit_sm_resp was not yet in the file');
	check(unexplained.length === 0 && twice.length <= 50,
		'a second reply only for a reply in flight at the kill (taken by the SMSC, still queued in the file), '
		+ 'no more than the window of 50', { twice: twice.length, unexplained: unexplained.slice(0, 10) });
	check(refused.length === 0, 'the SMSC refused no submit_sm', refused.slice(0, 5));
	const outRows = sql('SELECT state, count(*), count(DISTINCT msisdn) FROM sms_out GROUP BY state');
	check(outRows.length === 1 && outRows[0] === 'sent|' + COUNT + '|' + COUNT,
		'sms_out: one reply queued per number, each marked sent', outRows);
	const menu = smsc.events.find((e) => e.ev === 'submit' && e.status === 0);
	check(menu && /^Reply with a number:\n1 /.test(menu.text), 'the reply is the main menu', menu && menu.text);

	// (c) the second run: no store error, no sanitizer report, clean exit
	run2.kill('SIGTERM');
	const stopped = await exited(run2, 10000);
	const log2 = stoopdLog('run2');
	const storeErrors = log2.split('\n').filter((l) => /DSTORE|\bstore[(:]|committing a batch|sqlite|database/i.test(l)
		&& /ERROR|fail|cannot|corrupt|locked|busy/i.test(l));
	check(storeErrors.length === 0, 'the second run logged no error about the store', storeErrors.slice(0, 10));
	const errors2 = log2.split('\n').filter((l) => /ERROR/.test(l));
	check(errors2.length === 0, 'nor any other error', errors2.slice(0, 10));
	check(!/AddressSanitizer|LeakSanitizer|runtime error/.test(log2 + stoopdLog('run1')), 'no sanitizer report in either run');
	check(stopped && run2.exitCode === 0, 'the second run stops on SIGTERM with status 0',
		{ code: run2.exitCode, signal: run2.signalCode });
	const integrity = sql('PRAGMA integrity_check');
	check(integrity.length === 1 && integrity[0] === 'ok', 'the database passes integrity_check', integrity);
}

function spawnOk(cmd) {
	try {
		execFileSync(cmd, ['-version'], { stdio: 'ignore', timeout: 5000 });
		return true;
	} catch (e) {
		return false;
	}
}

run(main);
