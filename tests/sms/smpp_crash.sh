#!/bin/sh
# smpp_crash.sh -- runs tests/sms/smpp_crash.js (kill -9 of stoopd in the
# middle of a burst of 5,000 texts, restart on the same database) under a
# time limit; the suite runs drivers as programs.
exec timeout 180 node "$(dirname "$0")/smpp_crash.js"
