#!/bin/sh
# run.sh -- `make bench`: the flow, store, RTP, voice, SMS and Open311
# benchmarks (the API alone and beside the SMS channel), each pinned to one
# core (taskset) when it can be.  Prints figures; asserts nothing.  Build
# without --enable-sanitize for meaningful numbers (./setup.sh bench does).
set -u
src=${STOOP_SRCDIR:?}
build=${STOOP_BUILDDIR:?}
pin=""
command -v taskset >/dev/null 2>&1 && pin="taskset -c 0"
echo "== flow: interpreter transitions, idle sessions (default flows, one core)"
$pin "$build/tests/bench/flow_bench" "$src/flows" "$src/prompts" "${BENCH_SECONDS:-2}"
echo "== store: durable case creation against raw durable SQLite inserts (one core)"
$pin "$build/tests/bench/store_bench" "${BENCH_CASES:-2000}"
# the bench pins itself: the engine on core 0, the callers on core 1
echo "== rtp: ${BENCH_RTP_STREAMS:-2000} calls' RTP paced by one engine on one core, against callers on another"
"$build/tests/bench/rtp_bench" -n "${BENCH_RTP_STREAMS:-2000}" -t "${BENCH_RTP_SECONDS:-10}"
# stoopd's voice channel end to end: a real stoopd (normal build) on core 0
# with a bench config and tests/bench/flows (a menu played over and over),
# the load generator (tests/bench/voice_bench.c: SIP over UDP, RTP, RFC
# 4733 keys, the console) on core 1.  Env: BENCH_VOICE_CALLS (2000),
# BENCH_VOICE_WINDOW (100 INVITEs outstanding), BENCH_VOICE_SECONDS (15 s
# held), BENCH_VOICE_DIGITS (10000).
voice_calls=${BENCH_VOICE_CALLS:-2000}
echo "== voice: $voice_calls calls set up, held with prompt audio both ways, RFC 4733 keys, hung up (stoopd on core 0, the callers on core 1)"
voice_bench() {
	local vtmp lang cat w base sip_port vty_port gen_sip rtp_min gen_rtp vpin0="" vpin1="" spid up=0 errors
	vtmp=$(mktemp -d "${TMPDIR:-/tmp}/stoop-voicebench.XXXXXX") || return
	# the installed prompts layout: catalogs from the source tree, WAVs
	# from the build tree
	for cat in "$src"/prompts/*/catalog; do
		lang=$(basename "$(dirname "$cat")")
		mkdir -p "$vtmp/prompts/$lang"
		ln -s "$cat" "$vtmp/prompts/$lang/catalog"
		for w in "$build/prompts/$lang"/*.wav; do
			ln -s "$w" "$vtmp/prompts/$lang/"
		done
	done
	# ports from the PID, so that two runs seldom meet
	base=$((20000 + $$ % 2000 * 4))
	sip_port=$base
	vty_port=$((base + 1))
	gen_sip=$((base + 2))
	rtp_min=$((30000 + $$ % 3 * 5000))
	gen_rtp=$((rtp_min + 2 * voice_calls + 200))
	cat >"$vtmp/stoop.cfg" <<-EOF
	log stderr
	 logging filter all 1
	 logging color 0
	 logging timestamp 0
	 logging print category 1
	 logging level set-all notice
	line vty
	 no login
	 bind 127.0.0.1 $vty_port
	stoop
	 flows-dir $src/tests/bench/flows
	 prompts-dir $vtmp/prompts
	 default-language en
	 entry sms bench
	 entry voice bench
	 recordings-dir $vtmp/rec
	store
	 database $vtmp/stoop.db
	voice
	 local-ip 127.0.0.1
	 local-port $sip_port
	 rtp-ports $rtp_min $((rtp_min + 2 * voice_calls + 199))
	 peer 127.0.0.1
	 max-calls $((voice_calls + 100))
	 route 311 bench
	 inband-dtmf
	 agent agents sip:agents@127.0.0.1:$gen_sip
	 transfer-timeout 10s
	EOF
	if [ -n "$pin" ] && [ "$(nproc 2>/dev/null || echo 1)" -ge 2 ]; then
		vpin0="taskset -c 0"
		vpin1="taskset -c 1"
	fi
	(ulimit -n 20000 2>/dev/null || ulimit -n 8192 2>/dev/null; exec $vpin0 "$build/gateway/stoopd" -c "$vtmp/stoop.cfg") \
		>"$vtmp/stoopd.log" 2>&1 &
	spid=$!
	for _ in $(seq 300); do
		kill -0 "$spid" 2>/dev/null || break
		if grep -q "stoopd .* started" "$vtmp/stoopd.log" 2>/dev/null; then
			up=1
			break
		fi
		sleep 0.1
	done
	if [ "$up" = 1 ]; then
		(ulimit -n 8192 2>/dev/null; exec timeout 300 $vpin1 "$build/tests/bench/voice_bench" -s "$sip_port" \
			-p "$spid" -v "$vty_port" -n "$voice_calls" -l "$gen_sip" -r "$gen_rtp" \
			-w "${BENCH_VOICE_WINDOW:-100}" -t "${BENCH_VOICE_SECONDS:-15}" -d "${BENCH_VOICE_DIGITS:-10000}")
	else
		echo "skipped: stoopd did not start:"
		tail -5 "$vtmp/stoopd.log"
	fi
	kill -TERM "$spid" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	errors=$(grep -cE "ERROR|FATAL" "$vtmp/stoopd.log")
	if [ "$errors" -gt 0 ]; then
		echo "stoopd logged $errors errors, the first:"
		grep -m 3 -E "ERROR|FATAL" "$vtmp/stoopd.log"
	fi
	[ -n "${BENCH_VOICE_KEEP:-}" ] && cp "$vtmp/stoopd.log" "$BENCH_VOICE_KEEP"
	rm -rf "$vtmp"
}
voice_bench
events=200000
if command -v perf >/dev/null 2>&1 && perf stat -e instructions true 2>&1 | grep -q "[0-9] *instructions"; then
	echo "== instructions for $events interpreter events (perf stat, repeatable)"
	perf stat -e instructions $pin "$build/tests/bench/flow_bench" "$src/flows" "$src/prompts" --events $events 2>&1 \
		| grep -E "instructions|fixed work"
elif command -v valgrind >/dev/null 2>&1; then
	# two runs of different length: the difference is the events alone,
	# without start-up and loading
	echo "== instructions per interpreter event (callgrind, repeatable; each event runs once with actions discarded and once with SMS text rendered)"
	count() {
		valgrind --tool=callgrind --callgrind-out-file=/dev/null "$build/tests/bench/flow_bench" \
			"$src/flows" "$src/prompts" --events "$1" 2>&1 | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
	}
	a=$(count 10000)
	b=$(count 30000)
	echo "instructions: $a for 10000 events, $b for 30000: $(( (b - a) / 20000 )) per event (both modes together)"
fi
# stoopd's SMS channel end to end against the test SMSC (node and the npm
# smpp package, as the SMS tests use): the SMSC's own ceiling, MO/s,
# reply latency at a paced rate, memory with many open conversations
smsc_modules=${STOOP_SMSC_NODE_MODULES:-$src/tests/sms/smsc/node_modules}
echo "== sms: SMPP texts end to end against the test SMSC (stoopd on core 0, the SMSC on core 1)"
if command -v node >/dev/null 2>&1 && [ -d "$smsc_modules/smpp" ]; then
	STOOP_SMSC_NODE_MODULES=$smsc_modules timeout 900 node "$src/tests/bench/sms_bench.js"
else
	echo "skipped: needs node and the test SMSC's npm packages (cd tests/sms/smsc && npm ci)"
fi

# The Open311 API: GET requests.json with 100,000 cases in the store, wrk
# as the client (tests/bench/open311_bench.sh).
echo "== open311: GET requests.json with ${BENCH_API_CASES:-100000} cases in the store (wrk; stoopd on core 0, wrk on core 1)"
bash "$src/tests/bench/open311_bench.sh"

# The API and the SMS channel in one stoopd: texts answered a second alone
# and while wrk GETs requests.json, wrk's figures alone and meanwhile, the
# SMS rate's drop (tests/bench/sms_bench.js with SMS_BENCH_OPEN311=only).
echo "== open311 + sms: texts answered a second alone and while wrk GETs requests.json, ${SMS_BENCH_OPEN311_CASES:-100000} cases (stoopd on core 0; the SMSC and wrk on core 1)"
if command -v node >/dev/null 2>&1 && [ -d "$smsc_modules/smpp" ]; then
	SMS_BENCH_OPEN311=only STOOP_SMSC_NODE_MODULES=$smsc_modules timeout 300 node "$src/tests/bench/sms_bench.js"
else
	echo "skipped: needs node and the test SMSC's npm packages (cd tests/sms/smsc && npm ci)"
fi
