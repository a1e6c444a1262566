#!/bin/bash
# report_e2e.sh -- the supervisor's views end to end, on a store seeded
# with known data by report_test --seed: `stoopctl report --csv` compared
# figure by figure, the text report, bad --since, the dashboard page
# rendered by a real browser (headless Chromium, --dump-dom) with its
# numbers read back from the ids; and stoopd's counters: `show metrics`
# on the console, and libosmocore's statsd reporter configured in
# stoop.cfg sending them to a UDP listener (node).  TAP lines on stdout.
# Env: STOOP_SRCDIR, STOOP_BUILDDIR.
set -u
export LC_ALL=C TZ=UTC
src=${STOOP_SRCDIR:?}
build=${STOOP_BUILDDIR:?}
ctl="$build/gateway/stoopctl"
stoopd="$build/gateway/stoopd"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stoop-report.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
n=0
failed=0
. "$src/tests/lib.sh"
unset STOOP_DB STOOP_DATADIR
export STOOP_NOW=1795446000	# the seed's "now", 2026-11-23T15:00:00Z

db="$tmp/stoop.db"
"$build/tests/report/report_test" --seed "$db" 2>"$tmp/seed.err"
result $? "seeded store" "$(cat "$tmp/seed.err")"

# --- stoopctl report --csv: every figure of the seed
cat >"$tmp/expected.csv" <<'CSV'
section,key,metric,value
period,since,unix,1794841200
period,now,unix,1795446000
period,today,unix,1795392000
cases,all,today,2
cases,all,since,4
channel,sms,today,1
channel,sms,since,2
channel,voice,today,1
channel,voice,since,2
service,pothole,today,1
service,pothole,since,2
service,streetlight,today,0
service,streetlight,since,1
service,trash,today,1
service,trash,since,1
language,en,today,2
language,en,since,3
language,es,today,0
language,es,since,1
containment,all,sessions,9
containment,all,contained,8
containment,all,transferred,1
containment,all,permille,889
containment,sms,sessions,4
containment,sms,contained,4
containment,sms,transferred,0
containment,sms,permille,1000
containment,voice,sessions,5
containment,voice,contained,4
containment,voice,transferred,1
containment,voice,permille,800
dropoff,report.where,hangup,2
dropoff,report.where,expired,1
dropoff,main.menu,hangup,1
dropoff,main.menu,expired,0
dropoff,status.ask,hangup,0
dropoff,status.ask,expired,1
time_to_file,sms,cases,2
time_to_file,sms,median_s,120
time_to_file,voice,cases,2
time_to_file,voice,median_s,45
callbacks,open,count,1
announcements,active,count,1
sms_cost,texts,count,3
sms_cost,segments,count,5
CSV
"$ctl" -d "$db" report --since 7d --csv >"$tmp/report.csv" 2>"$tmp/report.err"
result $? "report --csv: exit 0" "$(cat "$tmp/report.err")"
diff -u "$tmp/expected.csv" "$tmp/report.csv" >"$tmp/csv.diff"
result $? "report --csv: the seeded figures exactly" "$(cat "$tmp/csv.diff")"

# a shorter window: only what happened in the last 3 hours
"$ctl" -d "$db" report --since 3h --csv >"$tmp/report3h.csv" 2>&1
grep -qx 'cases,all,since,2' "$tmp/report3h.csv" && grep -qx 'containment,all,sessions,3' "$tmp/report3h.csv" \
	&& grep -qx 'sms_cost,segments,count,5' "$tmp/report3h.csv"
result $? "report --since 3h: 2 reports, 3 sessions, 5 segments" "$(cat "$tmp/report3h.csv")"

"$ctl" -d "$db" report >"$tmp/report.txt" 2>&1
grep -q '^  all .* 88\.9%$' "$tmp/report.txt" && grep -q '^Open callbacks: 1$' "$tmp/report.txt" \
	&& grep -q '^SMS cost: 3 texts, 5 segments$' "$tmp/report.txt" \
	&& grep -q '^  sms  .*median 120 s$' "$tmp/report.txt"
result $? "report: text with containment, callbacks, time to file, cost" "$(cat "$tmp/report.txt")"

"$ctl" -d "$db" report --since 7x >/dev/null 2>"$tmp/bad.err"
[ $? -eq 2 ] && grep -q "invalid --since '7x'" "$tmp/bad.err"
result $? "report --since 7x: usage error, exit 2" "$(cat "$tmp/bad.err")"
"$ctl" -d "$tmp/none.db" report >/dev/null 2>&1
[ $? -eq 1 ]
result $? "report on a missing store: exit 1"

# --- the dashboard in a real browser
"$ctl" -d "$db" dashboard >"$tmp/dashboard.html" 2>"$tmp/dash.err"
result $? "dashboard: exit 0" "$(cat "$tmp/dash.err")"
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	n=$((n + 1))
	echo "ok $n # SKIP chromium not installed"
else
	timeout 60 "$browser" --headless --disable-gpu --no-sandbox --user-data-dir="$tmp/chromium" \
		--dump-dom "file://$tmp/dashboard.html" >"$tmp/dom.html" 2>"$tmp/chromium.err"
	result $? "chromium rendered the dashboard" "$(tail -5 "$tmp/chromium.err")"
	# value ID: the text chromium shows in the element with that id
	value() {
		grep -o "id=\"$1\"[^>]*>[^<]*<" "$tmp/dom.html" | head -1 | sed 's/.*>\([^<]*\)<$/\1/'
	}
	check_value() {
		local got
		got=$(value "$1")
		[ "$got" = "$2" ]
		result $? "dashboard in chromium: $1 = $2" "got '$got'"
	}
	check_value cases-today 2
	check_value cases-week 4
	check_value cases-channel-sms-today 1
	check_value cases-channel-voice-week 2
	check_value cases-service-pothole-week 2
	check_value cases-service-trash-today 1
	check_value cases-lang-en-week 3
	check_value cases-lang-es-today 0
	check_value containment-all-rate 88.9
	check_value containment-voice-transferred 1
	check_value dropoff-report.where-total 3
	check_value dropoff-main.menu-hangup 1
	check_value callbacks-open 1
	check_value announcement-name flood
	grep -q '<meta http-equiv="refresh" content="30">' "$tmp/dom.html"
	result $? "dashboard in chromium: refreshes itself every 30 s"
	[ "$(grep -o '<svg' "$tmp/dom.html" | wc -l)" -ge 6 ]
	result $? "dashboard in chromium: inline SVG charts"
fi

# --- stoopd: show metrics and the statsd reporter
mkdir -p "$tmp/data/flows" "$tmp/data/prompts/en" "$tmp/state"
printf 'flow main\n\nstate hello\n  say main.hello\n  end\n' >"$tmp/data/flows/main.flow"
echo 'main.hello = Hello.' >"$tmp/data/prompts/en/catalog"
port=$(random_port)
udp=$((port + 1))
http=$((port + 2))
node -e '
const s = require("dgram").createSocket("udp4");
s.on("message", (m) => process.stdout.write(m.toString() + "\n"));
s.bind(Number(process.argv[1]), "127.0.0.1");
setTimeout(() => process.exit(0), 30000);
' "$udp" >"$tmp/statsd.txt" 2>&1 &
pids="$pids $!"
cat >"$tmp/stoop.cfg" <<CFG
line vty
 no login
 bind 127.0.0.1 $port
stats interval 1
stats reporter statsd
 remote-ip 127.0.0.1
 remote-port $udp
 prefix stoop-test
 level global
 flush-period 1
 enable
stoop
 flows-dir $tmp/data/flows
 prompts-dir $tmp/data/prompts
store
 database $tmp/state/stoop.db
open311
 bind 127.0.0.1 $http
CFG
"$stoopd" -c "$tmp/stoop.cfg" >"$tmp/stoopd.log" 2>&1 &
spid=$!
pids="$pids $spid"
wait_for 10 bash -c "exec 4<>/dev/tcp/127.0.0.1/$port" 2>/dev/null
result $? "stoopd started with a statsd reporter" "$(tail -5 "$tmp/stoopd.log")"
vty "$port" "show metrics" >"$tmp/metrics.txt"
grep -q '^# TYPE stoop_calls_total counter$' "$tmp/metrics.txt" \
	&& grep -q '^stoop_calls_total{event="taken"} 0$' "$tmp/metrics.txt" \
	&& grep -q '^stoop_sms_in_total{transport="smpp"} 0$' "$tmp/metrics.txt" \
	&& grep -q '^stoop_transfers_total{result="timeout"} 0$' "$tmp/metrics.txt" \
	&& grep -q '^stoop_errors_total{kind="store"} 0$' "$tmp/metrics.txt" \
	&& grep -q '^# TYPE stoop_sms_queued gauge$' "$tmp/metrics.txt" \
	&& grep -q '^stoop_sms_sessions 0$' "$tmp/metrics.txt"
result $? "show metrics: Prometheus text of every family" "$(head -20 "$tmp/metrics.txt")"
"$ctl" -d "$tmp/state/stoop.db" new-case pothole "1 Main St" >/dev/null 2>&1
vty "$port" enable "show running-config" >"$tmp/running.txt"
grep -q '^stats reporter statsd$' "$tmp/running.txt" && grep -qE "^ +remote-port $udp$" "$tmp/running.txt"
result $? "show running-config keeps the statsd reporter" "$(grep -A6 '^stats' "$tmp/running.txt")"
wait_for 10 grep -q 'stoop-test\.stoop\.0\.calls\.taken:' "$tmp/statsd.txt"
result $? "statsd: the counters arrive over UDP" "$(head -5 "$tmp/statsd.txt")"
grep -q 'stoop-test\.stoop\.0\.sms\.queued:0|g' "$tmp/statsd.txt"
result $? "statsd: the gauges arrive" "$(grep -m3 '|g' "$tmp/statsd.txt")"
# --- the same served by stoopd: /metrics and /dashboard next to the API
curl -s -o "$tmp/metrics.http" -w '%{http_code} %{content_type}' "http://127.0.0.1:$http/metrics" >"$tmp/metrics.code"
grep -q '^200 text/plain; version=0.0.4' "$tmp/metrics.code" && grep -q '^# TYPE stoop_calls_total counter$' "$tmp/metrics.http" \
	&& [ "$(grep -c '^# TYPE' "$tmp/metrics.http")" = "$(grep -c '^# TYPE' "$tmp/metrics.txt")" ]
result $? "GET /metrics: 200, Prometheus text (version 0.0.4), the families of show metrics" \
	"$(cat "$tmp/metrics.code")" "$(head -5 "$tmp/metrics.http")"
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$http/dashboard")" = 405 ]
result $? "POST /dashboard: 405"
curl -s "http://127.0.0.1:$http/metrics" >"$tmp/metrics2.http"
grep -q '^stoop_api_requests_total{result="2xx"} [1-9]' "$tmp/metrics2.http" \
	&& grep -q '^stoop_api_requests_total{result="4xx"} 1$' "$tmp/metrics2.http" \
	&& grep -q '^stoop_api_requests_total{result="rate_limited"} 0$' "$tmp/metrics2.http"
result $? "/metrics counts the HTTP requests by answer (the GET 2xx, the POST 4xx)" \
	"$(grep stoop_api "$tmp/metrics2.http")"
if [ -n "$browser" ]; then
	timeout 60 "$browser" --headless --disable-gpu --no-sandbox --user-data-dir="$tmp/chromium2" \
		--dump-dom "http://127.0.0.1:$http/dashboard" >"$tmp/dom2.html" 2>"$tmp/chromium2.err"
	got=$(grep -o 'id="cases-today"[^>]*>[^<]*<' "$tmp/dom2.html" | head -1 | sed 's/.*>\([^<]*\)<$/\1/')
	# stoopd reads the clock: so does stoopctl here (no STOOP_NOW)
	want=$(env -u STOOP_NOW STOOP_DATADIR="$src" "$ctl" -d "$tmp/state/stoop.db" dashboard | grep -o 'id="cases-today"[^>]*>[^<]*<' \
		| head -1 | sed 's/.*>\([^<]*\)<$/\1/')
	[ -n "$got" ] && [ "$got" = "$want" ] && [ "$got" = 1 ]
	result $? "GET /dashboard in chromium: today's cases as the store has them ($got)" "want '$want'" \
		"$(tail -3 "$tmp/chromium2.err")"
else
	n=$((n + 1))
	echo "ok $n # SKIP chromium not installed"
fi
kill -TERM "$spid"
wait "$spid"
result $? "stoopd stopped cleanly" "$(tail -5 "$tmp/stoopd.log")"

echo "1..$n"
[ "$failed" -eq 0 ]
