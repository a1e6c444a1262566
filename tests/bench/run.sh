#!/bin/sh
# run.sh -- `make bench`: the flow, store, RTP and SMS benchmarks, each pinned to one
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
