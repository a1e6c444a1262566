#!/bin/sh
# setup.sh -- one command from a fresh Debian 12 checkout to a running or
# tested Stoop.  Installs the Debian packages that are missing (as root,
# non-interactively), regenerates the autotools files, configures out of
# tree in build/ and builds.  Safe to run again: nothing is installed or
# rebuilt that is already there.
#
#   ./setup.sh run        normal build, make install (/usr/local), start stoopd
#   ./setup.sh check      ASan+UBSan build, the whole test suite; the last
#                         line is "N passed, N failed", the status non-zero
#                         when anything failed
#   ./setup.sh bench      normal build, the benchmarks (make bench)
#   ./setup.sh distcheck  normal build, make distcheck (the release tarball)
#   ./setup.sh deps       only install the Debian packages
#
# The build tree remembers its flavour (normal or sanitize); switching
# flavour starts build/ afresh so no object of the other flavour remains.
set -eu

# Every Debian package Stoop needs to build, test and run.
STOOP_DEBS="build-essential autoconf automake libtool pkg-config
	libosmocore-dev libtalloc-dev libsqlite3-dev sqlite3 libsndfile1-dev
	espeak-ng sox libsofia-sip-ua-dev libsofia-sip-ua-glib-dev
	libsmpp34-dev libspandsp-dev libsamplerate0-dev tzdata
	libmicrohttpd-dev libjansson-dev libgnutls28-dev"
# What only the tests need: the SIP peers (sipsak, sipp), the HTTP client
# of the Open311 tests (curl), the HTTP load generator of its bench (wrk)
# and a browser for the dashboard (chromium).
STOOP_TEST_DEBS="sipsak sip-tester curl wrk chromium"

PREFIX=/usr/local
JOBS=2

cd "$(dirname "$0")"
TOP=$(pwd)
BUILD="$TOP/build"

# Nothing here reads the terminal.
exec </dev/null

say() {
	echo "setup: $*"
}

die() {
	echo "setup: $*" >&2
	exit 1
}

usage() {
	cat >&2 <<EOF
Usage: ./setup.sh run|check|bench|distcheck|deps
  run        normal build, make install ($PREFIX), start stoopd in the foreground
  check      ASan+UBSan build, the whole test suite ("N passed, N failed")
  bench      normal build, the benchmarks
  distcheck  normal build, make distcheck
  deps       only install the missing Debian packages (with the tests')
EOF
	exit 2
}

# install_debs [test]: the packages to build and run; with "test", also
# those only the tests need.
install_debs() {
	wanted=$STOOP_DEBS
	[ "${1:-}" = test ] && wanted="$wanted $STOOP_TEST_DEBS"
	missing=""
	for pkg in $wanted; do
		status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
		case "$status" in
		ii*) ;;
		*) missing="$missing $pkg" ;;
		esac
	done
	if [ -z "$missing" ]; then
		say "Debian packages: all present"
		return 0
	fi
	[ "$(id -u)" -eq 0 ] || die "missing Debian packages:$missing -- run as root"
	say "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	# shellcheck disable=SC2086 # one word per package
	apt-get install -y --no-install-recommends $missing
}

# install_test_smsc: the SMS tests' SMSC peer (tests/sms/smsc) runs on
# node with the npm package smpp, at the version package-lock.json pins.
# Installs the Debian packages nodejs and npm when npm is missing, and runs
# npm ci there when node_modules is missing or older than the lock file.
install_test_smsc() {
	smsc="$TOP/tests/sms/smsc"
	if ! command -v npm >/dev/null 2>&1; then
		[ "$(id -u)" -eq 0 ] || die "npm is missing (Debian packages nodejs npm) -- run as root"
		say "installing: nodejs npm"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update
		apt-get install -y --no-install-recommends nodejs npm
	fi
	stamp="$smsc/node_modules/.package-lock.json"
	if [ -f "$stamp" ] && [ -z "$(find "$smsc/package-lock.json" -newer "$stamp")" ]; then
		say "test SMSC's npm packages: present"
		return 0
	fi
	say "npm ci in tests/sms/smsc"
	npmlog=$(mktemp)
	if ! (cd "$smsc" && npm ci --no-audit --no-fund --loglevel=error) >"$npmlog" 2>&1; then
		cat "$npmlog" >&2
		rm -f "$npmlog"
		die "npm ci in tests/sms/smsc failed"
	fi
	rm -f "$npmlog"
}

# prepare_build_dir FLAVOUR: FLAVOUR is "normal" or "sanitize".
prepare_build_dir() {
	if [ -f "$TOP/config.status" ]; then
		die "the source tree is configured in place; run 'make distclean' at the top first"
	fi
	if [ -f "$BUILD/.flavour" ] && [ "$(cat "$BUILD/.flavour")" != "$1" ]; then
		say "switching build/ to a $1 build: starting it afresh"
		rm -rf "$BUILD"
	fi
	mkdir -p "$BUILD"
}

# configure_build FLAVOUR: autogen, configure in build/, make.  Every step
# is checked here, so this also stops at the first error where set -e is
# not in force (inside an || list).
configure_build() {
	flavour=$1
	prepare_build_dir "$flavour" || return 1
	say "autogen"
	./autogen.sh || return 1
	extra=""
	[ "$flavour" = sanitize ] && extra="--enable-sanitize"
	say "configure ($flavour) in build/"
	# shellcheck disable=SC2086 # empty or one option
	(cd "$BUILD" && "$TOP/configure" --prefix="$PREFIX" $extra) || return 1
	echo "$flavour" >"$BUILD/.flavour"
	say "make -j$JOBS"
	make -C "$BUILD" -j"$JOBS" || return 1
}

cmd_run() {
	install_debs
	configure_build normal
	[ "$(id -u)" -eq 0 ] || die "make install into $PREFIX needs root"
	make -C "$BUILD" install
	mkdir -p "$PREFIX/var/lib/stoop"
	cat <<EOF

Stoop is installed in $PREFIX.  stoopd now runs in the foreground
(Ctrl-C stops it) with $PREFIX/etc/stoop/stoop.cfg.

  Call it: SIP on 127.0.0.1:5060 takes calls from 127.0.0.1 (the voice
  node of stoop.cfg), e.g. with a softphone on this machine dialling
  sip:311@127.0.0.1, or:  sipp -sn uac -s 311 127.0.0.1:5060 -m 1
  Text it: add an smsc or sip-sms node to stoop.cfg (see the comments
  there), or try any conversation with the console simulator:
    stoop-sim --channel sms --from +15551230001     # type texts, read replies
    stoop-sim --channel voice --from +15551230001   # type keys, see what is played

  The operator console (apt-get install telnet, or use nc):
    telnet 127.0.0.1 4311
      show cases | show case ID | show sessions | show flows
      enable, then: case ID status closed Fixed by the street crew

  Administration, also while stoopd runs:
    stoopctl cases          stoopctl case ID        stoopctl check

  Store: $PREFIX/var/lib/stoop/stoop.db

EOF
	exec "$PREFIX/bin/stoopd" -c "$PREFIX/etc/stoop/stoop.cfg"
}

cmd_check() {
	install_debs test
	install_test_smsc
	prepare_build_dir sanitize
	log="$BUILD/check.log"
	status_file="$BUILD/check.status"
	rm -f "$status_file"
	{
		rc=0
		{ configure_build sanitize && make -C "$BUILD" -j"$JOBS" check; } 2>&1 || rc=$?
		echo "$rc" >"$status_file"
	} | tee "$log"
	rc=$(cat "$status_file" 2>/dev/null || echo 1)
	rm -f "$status_file"
	# The suite's own summary, repeated so that it is the last line even
	# after make's messages; a build that failed before the suite ran
	# counts as one failure.
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 || true)
	if [ -z "$summary" ]; then
		echo "setup: the test suite did not run (see above or build/check.log)"
		summary="0 passed, 1 failed"
		[ "$rc" -ne 0 ] || rc=1
	fi
	echo "$summary"
	exit "$rc"
}

cmd_bench() {
	install_debs test
	install_test_smsc
	configure_build normal
	make -C "$BUILD" bench
}

cmd_distcheck() {
	install_debs test
	install_test_smsc
	configure_build normal
	# the tarball carries no node_modules: the SMS tests use this tree's
	STOOP_SMSC_NODE_MODULES="$TOP/tests/sms/smsc/node_modules"
	export STOOP_SMSC_NODE_MODULES
	make -C "$BUILD" -j"$JOBS" distcheck
}

[ $# -eq 1 ] || usage
case "$1" in
run) cmd_run ;;
check) cmd_check ;;
bench) cmd_bench ;;
distcheck) cmd_distcheck ;;
deps) install_debs test ;;
*) usage ;;
esac
