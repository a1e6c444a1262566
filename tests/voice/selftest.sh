#!/bin/sh
# selftest.sh -- runs tests/voice/selftest.js (the voice tests' own media
# tools checked against known values, against each other and against
# sipp) under a time limit; the suite runs drivers as programs.  TAP lines
# on stdout.  Env: STOOP_SRCDIR, STOOP_BUILDDIR (its prompts/en/*.wav).
if ! command -v node >/dev/null 2>&1; then
	echo "not ok 1 - node is installed (./setup.sh check installs it)"
	exit 1
fi
exec timeout 180 node "$(dirname "$0")/selftest.js"
