#!/bin/bash
# open311_bench.sh -- GET requests.json of the Open311 API with 100,000
# cases in the store: requests per second and latency percentiles from wrk
# (Debian wrk) against a real stoopd (core 0; wrk on core 1 when there are
# two).  Figures are printed, never asserted.  The cases are seeded by
# seed_cases.sh (sqlite3, one transaction).  The same API while the SMS
# channel works: sms_bench.js with SMS_BENCH_OPEN311.
# Env: STOOP_SRCDIR, STOOP_BUILDDIR; BENCH_API_CASES (100000),
# BENCH_API_SECONDS (10), BENCH_API_CONNECTIONS (16).
set -u
export LC_ALL=C
src=${STOOP_SRCDIR:?}
build=${STOOP_BUILDDIR:?}
cases=${BENCH_API_CASES:-100000}
secs=${BENCH_API_SECONDS:-10}
conns=${BENCH_API_CONNECTIONS:-16}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stoop-api-bench.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT

for tool in wrk sqlite3 curl; do
	if ! command -v $tool >/dev/null; then
		echo "skipped: $tool is not installed (apt-get install $tool)"
		exit 0
	fi
done
db="$tmp/stoop.db"
# the store: tests/bench/seed_cases.sh, shared with sms_bench.js's
# combined phase
bash "$src/tests/bench/seed_cases.sh" "$db" "$cases" || exit 0

port=$((20000 + RANDOM % 40000))
vty=$((20000 + RANDOM % 40000))
cat >"$tmp/stoop.cfg" <<CFG
log stderr
 logging filter all 1
 logging color 0
 logging level set-all notice
line vty
 bind 127.0.0.1 $vty
stoop
 flows-dir $src/flows
 prompts-dir $src/prompts
store
 database $db
 synchronous normal
open311
 bind 127.0.0.1 $port
 rate-limit address 0 burst 1
 service-target pothole 3d
CFG
pin0="" pin1=""
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
	pin0="taskset -c 0" pin1="taskset -c 1"
fi
$pin0 "$build/gateway/stoopd" -c "$tmp/stoop.cfg" >"$tmp/stoopd.log" 2>&1 &
pid=$!
for i in $(seq 50); do
	grep -q 'stoopd .* started' "$tmp/stoopd.log" && break
	sleep 0.1
done
if ! grep -q 'stoopd .* started' "$tmp/stoopd.log"; then
	echo "skipped: stoopd did not start:"; tail -5 "$tmp/stoopd.log"; exit 0
fi
B="http://127.0.0.1:$port/open311/v2"
# run NAME URL: one wrk run; prints requests/s, p50, p99 and the body size
run() {
	local bytes out
	bytes=$(curl -s "$2" | wc -c)
	out=$($pin1 wrk -t1 -c"$conns" -d"${secs}s" --latency "$2" 2>&1)
	printf '%-44s %8s req/s  p50 %8s  p99 %8s  (%s bytes, %s non-2xx)\n' "$1" \
		"$(printf '%s\n' "$out" | awk '/Requests\/sec/ {print $2}')" \
		"$(printf '%s\n' "$out" | awk '$1 == "50%" {print $2}')" \
		"$(printf '%s\n' "$out" | awk '$1 == "99%" {print $2}')" \
		"$bytes" "$(printf '%s\n' "$out" | awk '/Non-2xx/ {print $NF}' | grep . || echo 0)"
}
echo "wrk: $conns connections, ${secs} s each, stoopd ${pin0:+on core 0, wrk on core 1}"
run "GET requests.json (default page: 1000)" "$B/requests.json"
run "GET requests.json?page_size=50" "$B/requests.json?page_size=50"
run "GET requests.json?page_size=50&page=100" "$B/requests.json?page_size=50&page=100"
run "GET requests.json?service_code=water&status=closed" "$B/requests.json?service_code=water&status=closed&page_size=50"
run "GET requests.xml?page_size=50" "$B/requests.xml?page_size=50"
id=$(curl -s "$B/requests.json?page_size=1" | sed -n 's/.*"service_request_id":"\([0-9]*\)".*/\1/p')
run "GET requests/ID.json" "$B/requests/$id.json"
run "GET services.json" "$B/services.json"
echo "stoopd: $(ps -o rss= -p $pid | awk '{printf "%.1f MB RSS", $1 / 1024}') after the runs"
