#!/bin/bash
# open311.sh -- the Open311 GeoReport v2 API of a real stoopd, with curl as
# the client (a client that is not ours): services, requests (list,
# filters, paging, one by id) in JSON and XML in the spec's shapes; POST
# requests.json files a case in the store (dedup joins, check digit ids);
# the update extension writes history; bad input for every parameter gets
# its GeoReport error and changes nothing (the store read with sqlite3
# before and after); missing, wrong and revoked api keys get 403; a body
# over 16 kB 413; the per-address rate limit 429 with Retry-After; unknown
# paths 404; no phone number in any public answer or in the log.  Then,
# with a sip-sms node and sipp as the SIP peer, a status change through the
# API sends exactly one MESSAGE per follower.
# TAP lines on stdout; every wait is bounded.  Env: STOOP_SRCDIR, STOOP_BUILDDIR.
set -u
export LC_ALL=C
src=${STOOP_SRCDIR:?}
build=${STOOP_BUILDDIR:?}
stoopd="$build/gateway/stoopd"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stoop-api.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
n=0
failed=0

. "$src/tests/lib.sh"

for tool in curl sqlite3 sipp; do
	if ! command -v $tool >/dev/null; then
		result 1 "$tool is installed"
		exit 1
	fi
done

db="$tmp/stoop.db"
ratecfg="rate-limit address 1000 burst 1000"
# start_stoopd EXTRA-CONFIG: sets http, vty_port, stoopd_pid
start_stoopd() {
	local try
	for try in 1 2 3 4 5; do
		http=$(random_port)
		vty_port=$(random_port)
		cat >"$tmp/stoop.cfg" <<CFG
log stderr
 logging filter all 1
 logging color 0
 logging timestamp 0
 logging print category 1
 logging level set-all notice
 logging level api info
line vty
 bind 127.0.0.1 $vty_port
stoop
 flows-dir $src/flows
 prompts-dir $src/prompts
store
 database $db
 synchronous normal
open311
 bind 127.0.0.1 $http
 $ratecfg
 service-target pothole 3d
 service-group pothole Streets
$1
CFG
		: >"$tmp/stoopd.log"
		"$stoopd" -c "$tmp/stoop.cfg" >>"$tmp/stoopd.log" 2>&1 &
		stoopd_pid=$!
		if wait_for 10 grep -q 'stoopd .* started\|not started' "$tmp/stoopd.log" \
		   && grep -q 'stoopd .* started' "$tmp/stoopd.log"; then
			return 0
		fi
		kill "$stoopd_pid" 2>/dev/null
		wait "$stoopd_pid" 2>/dev/null
	done
	return 1
}
stop_stoopd() {
	kill "$stoopd_pid" 2>/dev/null
	wait "$stoopd_pid" 2>/dev/null
}

start_stoopd ""
result $? "stoopd starts with an open311 node" "$(tail -20 "$tmp/stoopd.log")"
pids="$pids $stoopd_pid"
B="http://127.0.0.1:$http/open311/v2"
grep -q "open311: listening on http://127.0.0.1:$http/open311/v2/ (8 services)" "$tmp/stoopd.log"
result $? "it says where the API listens and how many services the flows offer" "$(tail -5 "$tmp/stoopd.log")"

# req NAME CURL-ARGS...: body in $tmp/NAME, status in $code
req() {
	local name=$1
	shift
	code=$(curl -s -o "$tmp/$name" -w '%{http_code}' -D "$tmp/$name.hdr" "$@")
}
body() { cat "$tmp/$1"; }
# check NAME EXPECTED-CODE PATTERN DESCRIPTION: the status and a grep -E on the body
check() {
	[ "$code" = "$2" ] && grep -qE -- "$3" "$tmp/$1"
	result $? "$4" "status $code (want $2)" "$(head -c 600 "$tmp/$1")"
}
# state: every row of what a request could change
state() {
	sqlite3 "$db" "SELECT * FROM cases; SELECT case_id, status, note, actor FROM case_history;
		SELECT * FROM case_followers; SELECT id, msisdn, text FROM sms_out;" 2>&1
}

# ------------------------------------------------------------ api keys
out=$(vty "$vty_port" enable "open311 api-key add crm")
key=$(printf '%s\n' "$out" | sed -n 's/^api key crm: \(s311_[0-9a-f]\{48\}\)$/\1/p')
[ -n "$key" ]
result $? "open311 api-key add prints a key once" "$out"
sqlite3 "$db" "SELECT hash FROM api_keys WHERE name = 'crm'" | grep -qE '^[0-9a-f]{64}$' \
	&& ! sqlite3 "$db" "SELECT * FROM api_keys" | grep -q "$key"
result $? "the store keeps a SHA-256 hash, not the key" "$(sqlite3 "$db" 'SELECT * FROM api_keys')"
out=$(vty "$vty_port" enable "open311 api-key add crm")
printf '%s' "$out" | grep -q 'A valid key of that name exists'
result $? "a second key of the same name is refused" "$out"
out=$(vty "$vty_port" enable "open311 api-key add old")
oldkey=$(printf '%s\n' "$out" | sed -n 's/^api key old: \(s311_[0-9a-f]*\)$/\1/p')
out=$(vty "$vty_port" enable "open311 api-key revoke old" "show open311")
printf '%s' "$out" | grep -q 'api key old: revoked' && printf '%s' "$out" | grep -q 'api key crm: valid'
result $? "open311 api-key revoke; show open311 lists the keys" "$out"

# ------------------------------------------------------------ services
req svc "$B/services.json"
check svc 200 '"service_code":"pothole","service_name":"Pothole","description":"A pothole","metadata":false,"type":"realtime","keywords":"pothole,bache","group":"Streets"' \
	"GET services.json lists the flows' services in the spec's shape"
grep -q 'application/json' "$tmp/svc.hdr"
result $? "services.json is application/json" "$(cat "$tmp/svc.hdr")"
[ "$(grep -o '"service_code"' "$tmp/svc" | wc -l)" -eq 8 ]
result $? "eight services (the report menu's svc.* prompts)" "$(body svc)"
req svcx "$B/services.xml"
check svcx 200 '^<\?xml version="1.0" encoding="utf-8"\?>' "GET services.xml is an XML document"
check svcx 200 '<services><service><service_code>dumping</service_code><service_name>Dumping</service_name>' \
	"services.xml: <services><service><service_code>..."
req svcdef "$B/services/pothole.json"
check svcdef 404 '"code":404' "GET services/pothole.json: 404 (metadata is false)"

# ------------------------------------------------------------ POST requests.json
# post NAME FIELD=VALUE...: form-encoded as the spec has it
post() {
	local name=$1 path=$2 a args=()
	shift 2
	for a in "$@"; do args+=(--data-urlencode "$a"); done
	req "$name" "${args[@]}" "$B/$path"
}
post new requests.json "api_key=$key" service_code=pothole "address_string=12 Main Street" \
	"description=A deep hole by the bus stop" phone=+15551230001 lat=37.762221 long=-122.419211 \
	media_url=https://example.org/hole.jpg
check new 201 '^\[\{"service_request_id":"1000002","service_notice":"","account_id":null\}\]$' \
	"POST requests.json files a case: 201 [{\"service_request_id\":\"1000002\"...}]"
[ "$(sqlite3 "$db" "SELECT service_code, location, channel, phone, lat, lon, media_url FROM cases WHERE id = 1000002")" \
	= "pothole|12 Main Street|api|+15551230001|37.762221|-122.419211|https://example.org/hole.jpg" ]
result $? "the case is in the store with what was posted" "$(sqlite3 "$db" 'SELECT * FROM cases')"
post dup requests.json "api_key=$key" service_code=pothole "address_string=12 main st." phone=+15551230002
check dup 200 '"service_request_id":"1000002","service_notice":"An open request' \
	"the same service at the same address joins the open case"
[ "$(sqlite3 "$db" "SELECT count(*) FROM cases; SELECT count(*) FROM case_followers WHERE case_id = 1000002")" = "1
2" ]
result $? "no second case; the second phone follows the first" "$(state)"
post ll requests.json "api_key=$key" service_code=streetlight lat=40.7 long=-74.0
check ll 201 '"service_request_id":"1000015"' "lat/long alone is a location (next id 1000015, check digit)"
sqlite3 "$db" "UPDATE cases SET created_at = created_at - 86400 * 10 WHERE id = 1000015"

# ------------------------------------------------------------ GET requests
req list "$B/requests.json"
check list 200 '^\[\{"service_request_id":"1000015","status":"open",.*\},\{"service_request_id":"1000002","status":"open","status_notes":null,"service_name":"Pothole","service_code":"pothole","description":"A deep hole by the bus stop","agency_responsible":"City 311","service_notice":null,"requested_datetime":"[0-9-]{10}T[0-9:]{8}Z","updated_datetime":"[^"]*","expected_datetime":"[^"]*","address":"12 Main Street","address_id":null,"zipcode":null,"lat":37.762221,"long":-122.419211,"media_url":"https://example.org/hole.jpg"\}\]$' \
	"GET requests.json: newest first, every field of the spec"
! grep -q '555123\|recording\|flow_path' "$tmp/list"
result $? "no phone number, recording or flow path in a public read" "$(body list)"
created=$(sqlite3 "$db" "SELECT created_at FROM cases WHERE id = 1000002")
want=$(date -u -d "@$((created + 3 * 86400))" +%Y-%m-%dT%H:%M:%SZ)
grep -q "\"expected_datetime\":\"$want\"" "$tmp/list"
result $? "expected_datetime is requested_datetime + the service-target (3d)" "want $want" "$(body list)"
req listx "$B/requests.xml"
check listx 200 '^<service_requests><request><service_request_id>1000015</service_request_id><status>open</status>' \
	"GET requests.xml: <service_requests><request>..."
grep -q '<lat>37.762221</lat><long>-122.419211</long>' "$tmp/listx"
result $? "requests.xml carries lat and long" "$(body listx)"
req one "$B/requests/1000002.json"
check one 200 '^\[\{"service_request_id":"1000002",' "GET requests/1000002.json: a list of one"
req onex "$B/requests/1000002.xml"
check onex 200 '<service_requests><request><service_request_id>1000002</service_request_id>' "GET requests/1000002.xml"
req ids "$B/requests.json?service_request_id=1000015,1000002"
check ids 200 '^\[\{"service_request_id":"1000015".*"service_request_id":"1000002"' "service_request_id=ID,ID"
req byc "$B/requests.json?service_code=streetlight"
check byc 200 '^\[\{"service_request_id":"1000015"[^]]*\}\]$' "service_code filter"
from=$(date -u -d @$((created - 3600)) +%Y-%m-%dT%H:%M:%SZ)
req bydate "$B/requests.json?start_date=$from"
check bydate 200 '^\[\{"service_request_id":"1000002"[^]]*\}\]$' "start_date filter (W3C datetime)"
until=$(date -u -d @$((created - 3600)) +%Y-%m-%dT%H:%M:%S-00:00)
req byend "$B/requests.json?end_date=$until"
check byend 200 '^\[\{"service_request_id":"1000015"[^]]*\}\]$' "end_date filter with a -00:00 offset"
req page1 "$B/requests.json?page_size=1"
req page2 "$B/requests.json?page_size=1&page=2"
grep -q '"1000015"' "$tmp/page1" && grep -q '"1000002"' "$tmp/page2" && ! grep -q '"1000015"' "$tmp/page2"
result $? "page_size and page" "$(body page1)" "$(body page2)"
req st "$B/requests.json?status=closed"
check st 200 '^\[\]$' "status=closed: none yet"

# ------------------------------------------------------------ update extension
before=$(sqlite3 "$db" "SELECT count(*) FROM case_history")
post upd requests/1000002.json "api_key=$key" status=in_progress "status_notes=Crew sent" \
	"agency_responsible=Streets Dept"
check upd 200 '"service_request_id":"1000002","status":"open","status_notes":"Crew sent".*"agency_responsible":"Streets Dept"' \
	"POST requests/ID.json (extension) updates status, notes, agency"
[ "$(sqlite3 "$db" "SELECT status, note, actor FROM case_history ORDER BY id DESC LIMIT 1")" = "in-progress|Crew sent|api:crm" ] \
	&& [ "$(sqlite3 "$db" "SELECT count(*) FROM case_history")" -eq $((before + 1)) ]
result $? "one history line with the note, by api:<key name>" "$(state)"
[ "$(sqlite3 "$db" "SELECT count(*) FROM sms_out WHERE reason = 'status'")" -eq 2 ]
result $? "one status text queued per follower" "$(state)"
post updx requests/1000002.xml "api_key=$key" status=closed
check updx 200 '<status>closed</status>' "the update extension in XML; closed shows as closed"
req st2 "$B/requests.json?status=open"
check st2 200 '^\[\{"service_request_id":"1000015"[^]]*\}\]$' "status=open no longer lists the closed case"

# ------------------------------------------------------------ bad input changes nothing
snap=$(state)
bad() {	# bad NAME WANT-CODE PATTERN DESCRIPTION CURL-ARGS...
	local name=$1 want=$2 pat=$3 desc=$4
	shift 4
	req "$name" "$@"
	check "$name" "$want" "$pat" "$desc"
}
long5000=$(head -c 5000 /dev/zero | tr '\0' 'x')
long4000=$(head -c 3999 /dev/zero | tr '\0' 'y')é
P="$B/requests.json"
bad nokey 403 '^\[\{"code":403,"description":"api_key is missing' "POST without api_key: 403" \
	--data-urlencode service_code=pothole --data-urlencode address_string=1 "$P"
bad wrongkey 403 '"code":403' "POST with a wrong api_key: 403" \
	-d api_key=s311_0000 -d service_code=pothole -d address_string=1 "$P"
bad revoked 403 '"code":403' "POST with a revoked api_key: 403" \
	-d "api_key=$oldkey" -d service_code=pothole -d address_string=1 "$P"
bad nosvc 400 '"code":400,"description":"service_code is required"' "no service_code: 400" \
	-d "api_key=$key" -d address_string=1 "$P"
bad unksvc 400 '"code":400,"description":"service_code: no service' "unknown service_code: 400" \
	-d "api_key=$key" -d service_code=unicorn -d address_string=1 "$P"
bad sqlsvc 400 '"code":400' "SQL-looking service_code: 400" \
	--data-urlencode "api_key=$key" --data-urlencode "service_code=pothole'; DROP TABLE cases;--" \
	-d address_string=1 "$P"
bad noloc 400 'a location is required' "no address_string and no lat/long: 400" \
	-d "api_key=$key" -d service_code=pothole "$P"
bad latonly 400 'lat and long go together' "lat without long: 400" \
	-d "api_key=$key" -d service_code=pothole -d lat=40 "$P"
bad latrange 400 'lat: a decimal number from -90 to 90' "lat 91: 400" \
	-d "api_key=$key" -d service_code=pothole -d lat=91 -d long=0 "$P"
bad longrange 400 'long: a decimal number from -180 to 180' "long -180.5: 400" \
	-d "api_key=$key" -d service_code=pothole -d lat=0 -d long=-180.5 "$P"
bad lattype 400 'lat: a decimal' "lat that is not a number (0x10, nan, 1e999): 400" \
	-d "api_key=$key" -d service_code=pothole -d lat=nan -d long=1 "$P"
bad desc5000 400 'description: at most 4000 characters \(got 5000\)' "a 5,000-character description: 400" \
	-d "api_key=$key" -d service_code=pothole -d address_string=2 -d "description=$long5000" "$P"
bad badutf 400 'description is not valid UTF-8' "invalid UTF-8: 400" \
	-d "api_key=$key" -d service_code=pothole -d address_string=2 -d "description=%C3%28" "$P"
bad nul 400 'not valid UTF-8' "a NUL byte in a value: 400" \
	-d "api_key=$key" -d service_code=pothole -d "address_string=a%00b" "$P"
bad phone 400 'phone: a phone number' "a phone that is not a number: 400" \
	-d "api_key=$key" -d service_code=pothole -d address_string=2 -d "phone=call me" "$P"
bad media 400 'media_url: an http or https URL' "media_url javascript:: 400" \
	-d "api_key=$key" -d service_code=pothole -d address_string=2 -d "media_url=javascript:alert(1)" "$P"
bad json 400 'application/x-www-form-urlencoded' "a JSON body: 400" \
	-H 'Content-Type: application/json' -d '{"service_code":"pothole"}' "$P"
head -c 20000 /dev/zero | tr '\0' 'z' >"$tmp/big"
bad huge 413 '"code":413' "a 20 kB body: 413" -d "api_key=$key" --data-urlencode "description@$tmp/big" "$P"
bad hugechunk 413 '"code":413' "a chunked body over 16 kB: 413" -H 'Transfer-Encoding: chunked' \
	--data-urlencode "description@$tmp/big" "$P"
[ "$(state)" = "$snap" ]
result $? "none of the refused POSTs changed the store" "$(diff <(echo "$snap") <(state))"
ok4000=$(sqlite3 "$db" "SELECT count(*) FROM cases")
post d4000 requests.json "api_key=$key" service_code=graffiti address_string="9 Elm" "description=$long4000"
check d4000 201 '"service_request_id"' "a description of exactly 4,000 characters (one of them é) is taken"
snap=$(state)

U="$B/requests/1000002.json"
bad ustatus 400 'status: open, in_progress or closed' "update with status=done: 400" \
	-d "api_key=$key" -d status=done "$U"
bad unothing 400 'nothing to update' "update with nothing: 400" -d "api_key=$key" "$U"
bad ukey 403 '"code":403' "update without api_key: 403" -d status=open "$U"
bad urevoked 403 '"code":403' "update with a revoked key: 403" -d "api_key=$oldkey" -d status=open "$U"
bad ucheck 404 'check digit' "update of 1000003 (wrong check digit): 404" -d "api_key=$key" -d status=open \
	"$B/requests/1000003.json"
bad unone 404 'no service request 9999993' "update of an id not filed: 404" -d "api_key=$key" -d status=open \
	"$B/requests/9999993.json"
bad uid 400 'must be a case number' "update of a non-numeric id: 400" -d "api_key=$key" -d status=open \
	"$B/requests/1%27%20OR%201=1.json"
bad unotes 400 'status_notes: at most 4000' "status_notes over 4,000 characters: 400" \
	-d "api_key=$key" -d "status_notes=$long5000" "$U"
[ "$(state)" = "$snap" ]
result $? "none of the refused updates changed the store" "$(diff <(echo "$snap") <(state))"

bad gdate 400 'start_date: not a W3C datetime' "start_date=yesterday: 400" "$B/requests.json?start_date=yesterday"
bad gdate2 400 'end_date: not a W3C datetime' "end_date=2026-02-30: 400" "$B/requests.json?end_date=2026-02-30"
bad grange 400 'start_date is after end_date' "start_date after end_date: 400" \
	"$B/requests.json?start_date=2026-02-02&end_date=2026-02-01"
bad gstatus 400 'status: open, closed' "status=pending: 400" "$B/requests.json?status=pending"
bad gsvc 400 'service_code: no service' "service_code=unknown: 400" "$B/requests.json?service_code=x%27%20OR%20%271%27=%271"
bad gpsize 400 'page_size: a whole number from 1 to 1000' "page_size=1001: 400" "$B/requests.json?page_size=1001"
bad gpsize2 400 'page_size' "page_size=-1: 400" "$B/requests.json?page_size=-1"
bad gpage 400 'page: a whole number' "page=abc: 400" "$B/requests.json?page=abc"
bad gids 400 'is not a case number' "service_request_id=1;DROP: 400" "$B/requests.json?service_request_id=1;DROP"
bad gutf 400 'not valid UTF-8' "invalid UTF-8 in a query: 400" "$B/requests.json?service_code=%FF%FE"
bad gone 404 '"code":404' "GET requests/9999993.json: 404" "$B/requests/9999993.json"
bad gonex 404 '<errors><error><code>404</code><description>' "GET requests/9999993.xml: <errors><error>" \
	"$B/requests/9999993.xml"
bad path 404 '"code":404' "an unknown path: 404" "$B/nothing.json"
bad path2 404 '"code":404' "outside /open311/v2/: 404" "http://127.0.0.1:$http/etc/passwd"
bad noext 404 '"code":404' "no format extension: 404" "$B/requests"
bad method 405 '"code":405' "DELETE: 405" -X DELETE "$B/requests/1000002.json"
bad postsvc 405 '"code":405' "POST services.json: 405" -d x=1 "$B/services.json"
[ "$(state)" = "$snap" ]
result $? "none of the refused reads changed the store" "$(diff <(echo "$snap") <(state))"
kill -0 "$stoopd_pid"
result $? "stoopd runs on after all of it"

! grep -q '5551230001\|5551230002\|Crew sent\|deep hole' "$tmp/stoopd.log"
result $? "no phone number, description or note in the log" "$(grep '555123\|Crew\|deep' "$tmp/stoopd.log")"
stop_stoopd

# ------------------------------------------------------------ rate limit
ratecfg="rate-limit address 1 burst 3"
start_stoopd ""
result $? "stoopd starts with rate-limit address 1 burst 3" "$(tail -20 "$tmp/stoopd.log")"
pids="$pids $stoopd_pid"
B="http://127.0.0.1:$http/open311/v2"
codes=""
for i in 1 2 3 4 5; do
	codes="$codes $(curl -s -o "$tmp/rl" -D "$tmp/rl.hdr" -w '%{http_code}' "$B/services.json")"
done
[ "$codes" = " 200 200 200 429 429" ] && grep -qi '^Retry-After: [1-9]' "$tmp/rl.hdr" \
	&& grep -q '"code":429' "$tmp/rl"
result $? "per address: a burst of 3, then 429 with Retry-After" "$codes" "$(cat "$tmp/rl.hdr" "$tmp/rl")"
stop_stoopd

# ------------------------------------------------------------ notifications over SIP MESSAGE
start_uas() {	# sets uas_port, uas_pid
	local try
	for try in 1 2 3 4 5; do
		uas_port=$(random_port)
		timeout 120 sipp -sf "$src/tests/sms/sip_uas.xml" -i 127.0.0.1 -p "$uas_port" -m 100 -nostdin \
			-trace_msg -message_file "$tmp/peer.msg" >"$tmp/peer.out" 2>&1 &
		uas_pid=$!
		sleep 0.5
		kill -0 "$uas_pid" 2>/dev/null && return 0
	done
	return 1
}
start_uas
result $? "sipp listens as the SIP peer that takes texts" "$(cat "$tmp/peer.out")"
pids="$pids $uas_pid"
sip_port=$(random_port)
ratecfg="rate-limit address 1000 burst 1000"
start_stoopd "sip-sms
 local-ip 127.0.0.1
 local-port $sip_port
 peer 127.0.0.1 port $uas_port
 from-uri sip:311@127.0.0.1"
result $? "stoopd starts with open311 and sip-sms" "$(tail -20 "$tmp/stoopd.log")"
pids="$pids $stoopd_pid"
B="http://127.0.0.1:$http/open311/v2"
sqlite3 "$db" "UPDATE sms_out SET state = 'sent'"	# what was queued without a transport
post n1 requests.json "api_key=$key" service_code=water "address_string=3 Oak Ave" phone=+15551239001
id=$(sed -n 's/.*"service_request_id":"\([0-9]*\)".*/\1/p' "$tmp/n1")
post n2 requests.json "api_key=$key" service_code=water "address_string=3 oak avenue" phone=+15551239002
post n3 requests.json "api_key=$key" service_code=water "address_string=3 Oak Av." phone=+15551239003
[ "$(sqlite3 "$db" "SELECT count(*) FROM case_followers WHERE case_id = '$id'")" = 3 ]
result $? "three residents follow case $id" "$(state)"
post n4 "requests/$id.json" "api_key=$key" status=in_progress "status_notes=Crew on site"
check n4 200 '"status_notes":"Crew on site"' "the status update through the API is taken"
msgs() { tr -d '\r' <"$tmp/peer.msg" 2>/dev/null | grep -c '^MESSAGE sip:'; }
wait_for 10 test "$(msgs)" -ge 3
sleep 1.5
for f in 9001 9002 9003; do
	c=$(tr -d '\r' <"$tmp/peer.msg" | grep -c "^MESSAGE sip:+*155512390*${f#900}@\|^MESSAGE sip:+1555123$f@")
	[ "$c" -eq 1 ]
	result $? "exactly one MESSAGE to follower ...$f" "$(tr -d '\r' <"$tmp/peer.msg" | grep '^MESSAGE')"
done
[ "$(msgs)" -eq 3 ]
result $? "three MESSAGEs in all, one per follower" "$(tr -d '\r' <"$tmp/peer.msg" | grep '^MESSAGE')"
tr -d '\r' <"$tmp/peer.msg" | grep -q "City 311 update: Case $id is in progress"
result $? "the text is the catalog's status update" "$(tr -d '\r' <"$tmp/peer.msg" | tail -5)"
post n5 "requests/$id.json" "api_key=$key" "status_notes=Road closed until Friday"
wait_for 10 test "$(msgs)" -ge 6
sleep 1.5
[ "$(msgs)" -eq 6 ]
result $? "public notes without a new status: one more text per follower" "$(msgs)"
tr -d '\r' <"$tmp/peer.msg" | grep -q "City 311 update: Case $id is in progress\..* Note: Road closed until Friday\. Reply STOP" \
	|| tr -d '\r' <"$tmp/peer.msg" | grep -q "Note: Road closed until Friday"
result $? "the text carries the public note" "$(tr -d '\r' <"$tmp/peer.msg" | tail -4)"
post n6 "requests/$id.json" "api_key=$key" "agency_responsible=Water Dept"
check n6 200 '"agency_responsible":"Water Dept"' "the agency responsible is changed through the API"
sleep 1.5
[ "$(msgs)" -eq 6 ]
result $? "a change of the agency alone sends no text (history only)" "$(msgs)"
[ "$(sqlite3 "$db" "SELECT count(*) FROM case_history WHERE case_id = '$id' AND actor LIKE 'api:%'")" = 3 ]
result $? "every API update is a history line (3)" "$(sqlite3 "$db" "SELECT * FROM case_history WHERE case_id = '$id'")"
stop_stoopd

echo "1..$n"
[ "$failed" -eq 0 ]
