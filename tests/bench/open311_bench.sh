#!/bin/bash
# open311_bench.sh -- GET requests.json of the Open311 API with 100,000
# cases in the store: requests per second and latency percentiles from wrk
# (Debian wrk) against a real stoopd (core 0; wrk on core 1 when there are
# two).  Figures are printed, never asserted.  The cases are seeded with
# sqlite3 in one transaction (ids with their Damm check digit, computed in
# awk), after stoopctl has created the schema.
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
# the schema: stoopctl migrates the file it opens
STOOP_DB="$db" STOOP_DATADIR="$src" "$build/gateway/stoopctl" new-case other "bench seed" >/dev/null 2>&1
if [ "$(sqlite3 "$db" 'PRAGMA user_version' 2>/dev/null)" = "" ] \
   || [ "$(sqlite3 "$db" 'PRAGMA user_version')" -lt 5 ]; then
	echo "skipped: stoopctl could not create the store"; exit 0
fi
sqlite3 "$db" "DELETE FROM case_followers; DELETE FROM case_history; DELETE FROM cases"
now=$(date +%s)
t0=$(date +%s.%N)
awk -v n="$cases" -v now="$now" 'BEGIN {
	split("0317598642 7092154863 4206871359 1750983426 6123045978 3674209581 5869720134 8945362017 9438617205 2581436790", rows, " ")
	for (r = 0; r < 10; r++) for (c = 0; c < 10; c++) damm[r, c] = substr(rows[r + 1], c + 1, 1) + 0
	split("pothole streetlight trash vehicle dumping graffiti water other", svc, " ")
	print "BEGIN;"
	for (i = 0; i < n; i++) {
		base = 100000 + i; s = base ""; d = 0
		for (k = 1; k <= length(s); k++) d = damm[d, substr(s, k, 1) + 0]
		st = (i % 10 == 0) ? "closed" : (i % 10 == 1) ? "in-progress" : "open"
		t = now - (n - i) * 20
		printf "INSERT INTO cases (id, kind, service_code, location, location_norm, description, channel, phone, lang, status, created_at, updated_at, lat, lon) VALUES (%d, \x27request\x27, \x27%s\x27, \x27%d Main Street\x27, \x27%d main st\x27, \x27seeded case %d\x27, \x27sms\x27, \x27+1555%07d\x27, \x27en\x27, \x27%s\x27, %d, %d, %.6f, %.6f);\n", base * 10 + d, svc[i % 8 + 1], i, i, i, i, st, t, t, 40 + (i % 1000) / 10000.0, -74 - (i % 997) / 10000.0
	}
	print "COMMIT;"
}' | sqlite3 "$db" 2>"$tmp/seed.err"
if [ -s "$tmp/seed.err" ]; then echo "skipped: seeding failed:"; head -3 "$tmp/seed.err"; exit 0; fi
t1=$(date +%s.%N)
echo "seeded $(sqlite3 "$db" 'SELECT count(*) FROM cases') cases in $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}') s"

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
