#!/bin/sh
# call_e2e.sh -- runs tests/voice/call_e2e.js (stoopd's voice channel against
# sipp and rtppeer.js) under a time limit; the suite runs drivers as programs.
exec timeout 300 node "$(dirname "$0")/call_e2e.js"
