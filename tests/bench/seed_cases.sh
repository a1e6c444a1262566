#!/bin/bash
# seed_cases.sh -- fills a fresh Stoop store with N service requests for
# the Open311 benchmarks: open311_bench.sh (the API alone) and sms_bench.js
# with SMS_BENCH_OPEN311 (the API and the SMS channel in one stoopd) both
# call it, so that both measure the same store.  stoopctl creates the
# schema (it migrates the file it opens); the cases go in with sqlite3 in
# one transaction, ids with their Damm check digit computed in awk.  It
# owns nothing else: no stoopd, no figures beyond the seeding time.
#   seed_cases.sh DB N     (env STOOP_SRCDIR, STOOP_BUILDDIR)
# Prints "seeded N cases in S s"; on failure prints "skipped: why" and
# exits 1.
set -u
export LC_ALL=C
src=${STOOP_SRCDIR:?}
build=${STOOP_BUILDDIR:?}
db=${1:?usage: seed_cases.sh DB N}
cases=${2:?usage: seed_cases.sh DB N}

if ! command -v sqlite3 >/dev/null; then
	echo "skipped: sqlite3 is not installed (apt-get install sqlite3)"
	exit 1
fi
STOOP_DB="$db" STOOP_DATADIR="$src" "$build/gateway/stoopctl" new-case other "bench seed" >/dev/null 2>&1
if [ "$(sqlite3 "$db" 'PRAGMA user_version' 2>/dev/null)" = "" ] \
   || [ "$(sqlite3 "$db" 'PRAGMA user_version')" -lt 5 ]; then
	echo "skipped: stoopctl could not create the store"
	exit 1
fi
sqlite3 "$db" "DELETE FROM case_followers; DELETE FROM case_history; DELETE FROM cases"
now=$(date +%s)
t0=$(date +%s.%N)
err=$(mktemp "${TMPDIR:-/tmp}/stoop-seed.XXXXXX")
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
}' | sqlite3 "$db" 2>"$err"
if [ -s "$err" ]; then
	echo "skipped: seeding failed:"
	head -3 "$err"
	rm -f "$err"
	exit 1
fi
rm -f "$err"
t1=$(date +%s.%N)
echo "seeded $(sqlite3 "$db" 'SELECT count(*) FROM cases') cases in $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}') s"
