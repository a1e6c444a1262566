// tests/sms/harness.js -- what the SMS tests driven from node share: TAP
// output, the test SMSC (tests/sms/smsc/smsc.js) as a child process with
// bounded waits on its events, and the clean-up of every child and of the
// temporary directory.  Used by smpp_e2e.js and smpp_crash.js.
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');

const src = process.env.STOOP_SRCDIR;
const build = process.env.STOOP_BUILDDIR;
if (!src || !build) {
	console.log('not ok 1 - STOOP_SRCDIR and STOOP_BUILDDIR must be set');
	process.exit(1);
}
const children = [];
let tmp = null;
let n = 0;
let failed = 0;

// A temporary directory for this test run (kept with STOOP_KEEP_TMP=1).
function tmpdir(prefix) {
	tmp = fs.mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), prefix));
	return tmp;
}

function check(ok, what, detail) {
	n++;
	console.log((ok ? 'ok ' : 'not ok ') + n + ' - ' + what);
	if (!ok) {
		failed++;
		if (detail !== undefined) console.log('  ' + JSON.stringify(detail).slice(0, 2000));
	}
	return ok;
}

function note(s) {
	console.log('# ' + s);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The test SMSC as a child process: commands on its stdin, its events kept
// in order.  A waiter only looks at the events it has not seen yet (the
// crash test has thousands), and listeners see every event.
class Smsc {
	constructor() {
		this.events = [];
		this.waiters = [];
		this.listeners = [];
		this.proc = spawn('node', [path.join(src, 'tests/sms/smsc/smsc.js'), '--port', '0',
			'--system-id', 'stoop', '--password', 'secret', '--max-seconds', '300'],
		{ stdio: ['pipe', 'pipe', 'pipe'], env: Object.assign({}, process.env, {
			// a release tarball has no node_modules: setup.sh names this tree's
			NODE_PATH: process.env.STOOP_SMSC_NODE_MODULES || path.join(src, 'tests/sms/smsc/node_modules'),
		}) });
		children.push(this.proc);
		readline.createInterface({ input: this.proc.stdout }).on('line', (l) => {
			let ev;
			try { ev = JSON.parse(l); } catch (e) { return; }
			this.events.push(ev);
			for (const f of this.listeners) f(ev);
			for (const w of this.waiters.slice()) w();
		});
		this.proc.stderr.on('data', (d) => fs.appendFileSync(path.join(tmp, 'smsc.stderr'), d));
	}
	send(cmd) { this.proc.stdin.write(JSON.stringify(cmd) + '\n'); }
	// the first event from index `from` matching pred, within ms
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
	// until cond() holds (checked at every event and every 100 ms), within ms
	until(cond, ms) {
		return new Promise((resolve) => {
			if (cond()) {
				resolve(true);
				return;
			}
			const w = () => { if (cond()) finish(true); };
			const iv = setInterval(w, 100);
			const timer = setTimeout(() => finish(false), ms);
			const finish = (v) => {
				clearTimeout(timer);
				clearInterval(iv);
				this.waiters = this.waiters.filter((x) => x !== w);
				resolve(v);
			};
			this.waiters.push(w);
		});
	}
	mark() { return this.events.length; }
	since(mark, pred) { return this.events.slice(mark).filter(pred); }
}


// Run the test's main(), then end every child, print the count, clean up
// and exit non-zero when a check failed.
function run(main) {
	main().catch((e) => {
		check(false, 'the test itself threw: ' + e.stack);
	}).finally(async () => {
		for (const c of children) {
			if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
		}
		await sleep(500);
		for (const c of children) {
			if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
		}
		console.log('# ' + n + ' checks, ' + failed + ' failed');
		if (tmp && !process.env.STOOP_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
		else if (tmp) console.log('# kept ' + tmp);
		process.exit(failed ? 1 : 0);
	});
}

module.exports = { src, build, children, tmpdir, check, note, sleep, Smsc, run };
