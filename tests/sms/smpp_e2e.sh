#!/bin/sh
# smpp_e2e.sh -- runs tests/sms/smpp_e2e.js (stoopd's SMS channel against
# the test SMSC) under a time limit; the suite runs drivers as programs.
exec timeout 300 node "$(dirname "$0")/smpp_e2e.js"
