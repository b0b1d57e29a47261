#!/bin/bash
# SPDX-License-Identifier: ISC
# mxlookup's command line and configuration: EX_USAGE and EX_CONFIG,
# decided before any DNS query.
. "$(dirname "$0")/lib.sh"

MX=${MXLOOKUP:-$TOP/mxlookup/mxlookup}	# MXLOOKUP=: another build
plan 16

# run ARGS...: sets $rc and $errout.
run() {
	errout=$("$MX" "$@" 2>&1 >/dev/null)
	rc=$?
}

run
is "$rc" 64 "no domain: EX_USAGE"
like "$errout" "^usage: mxlookup " "no domain: usage on stderr"
run a.test b.test
is "$rc" 64 "two domains: EX_USAGE"
run -x a.test
is "$rc" 64 "unknown flag: EX_USAGE"
run -s ns.example.test a.test
is "$rc" 64 "-s with a name, not an address: EX_USAGE"
like "$errout" "^mxlookup: -s ns.example.test: not a numeric" "-s: says why"
run -s 127.0.0.1@70000 a.test
is "$rc" 64 "-s with a port out of range: EX_USAGE"
run -t 0 a.test
is "$rc" 64 "-t 0: EX_USAGE"
run -t soon a.test
is "$rc" 64 "-t not a number: EX_USAGE"

run -C "$T/missing.conf" a.test
is "$rc" 78 "-C of a missing file: EX_CONFIG"
like "$errout" "missing.conf" "missing config: names the file"

printf '# test\nresolver=ns.example.test\n' >"$T/bad.conf"
run -C "$T/bad.conf" '[192.0.2.1]'
is "$rc" 78 "resolver= not an address: EX_CONFIG"
like "$errout" "^mxlookup: $T/bad.conf: resolver: ns.example.test: " \
    "resolver= bad: names file, key and value"
run -C "$T/bad.conf" -s 127.0.0.1 '[192.0.2.1]'
is "$rc" 78 "resolver= bad: EX_CONFIG even when -s overrides it"

printf 'dnstimeout=never\n' >"$T/bad2.conf"
run -C "$T/bad2.conf" '[192.0.2.1]'
is "$rc" 78 "dnstimeout= bad: EX_CONFIG"
like "$errout" "bad2.conf:1: dnstimeout" "dnstimeout= bad: names file, line and key"
