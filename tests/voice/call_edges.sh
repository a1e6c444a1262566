#!/bin/sh
# call_edges.sh -- runs tests/voice/call_edges.js (stoopd's voice channel at
# its edges: CANCEL while ringing, refused calls, hang-ups, keys from a pcap
# and as in-band tones, malformed RTP) under a time limit; the suite runs
# drivers as programs.  TAP lines on stdout.
if ! command -v node >/dev/null 2>&1; then
	echo "not ok 1 - node is installed (./setup.sh check installs it)"
	exit 1
fi
exec timeout 150 node "$(dirname "$0")/call_edges.js"
