#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run every nicsec test suite and print one summary line:
#	N passed, N failed, N skipped
# Suites: unit (C, TAP), bpf (BPF_PROG_TEST_RUN on the host), net
# (kselftest-style namespace scripts on the host), vm (guest scripts in the
# QEMU/TCG VM). Each test program runs under a timeout; its top-level TAP
# results are counted, a missing or short plan or a non-zero exit without
# a failed result counts as one failure.
#
# Usage: tests/run.sh [BUILD_DIR] [SUITE...]    (default: all suites)
set -u
BUILD=${1:-build}
shift || true
SUITES=${*:-unit bpf net vm}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1

PASSED=0 FAILED=0 SKIPPED=0
LOG=$(mktemp -d /tmp/nicsec-tests.XXXXXX)
trap 'rm -rf "$LOG"' EXIT

# run_one SUITE NAME TIMEOUT CMD...
run_one()
{
	local suite=$1 name=$2 tmo=$3 out p=0 f=0 s=0 plan=-1 n=0 rc start secs
	shift 3
	out=$LOG/$suite-$name.log
	echo "=== $suite/$name"
	start=$(date +%s)
	timeout -k 10 "$tmo" "$@" < /dev/null 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	secs=$(( $(date +%s) - start ))
	while IFS= read -r line; do
		case $line in
		"ok "*"# SKIP"*|"ok "*"# skip"*) s=$((s + 1)); n=$((n + 1)) ;;
		"ok "*) p=$((p + 1)); n=$((n + 1)) ;;
		"not ok "*"# TODO"*) n=$((n + 1)) ;;
		"not ok "*) f=$((f + 1)); n=$((n + 1)) ;;
		1..*) plan=${line#1..}; plan=${plan%%[!0-9]*} ;;
		esac
	done < "$out"
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "not ok - $suite/$name: timed out after ${tmo}s"
		f=$((f + 1))
	elif [ "$plan" -lt 0 ]; then
		echo "not ok - $suite/$name: no TAP plan (exit $rc)"
		f=$((f + 1))
	elif [ "$n" -ne "$plan" ]; then
		echo "not ok - $suite/$name: planned $plan, ran $n"
		f=$((f + 1))
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $suite/$name: exit $rc without a failed result"
		f=$((f + 1))
	fi
	PASSED=$((PASSED + p)) FAILED=$((FAILED + f)) SKIPPED=$((SKIPPED + s))
	echo "--- $suite/$name: $p passed, $f failed, $s skipped (${secs}s)"
}

for suite in $SUITES; do
	case $suite in
	unit)
		for t in "$BUILD"/tests/unit/test_*; do
			run_one unit "$(basename "$t")" 60 "$t"
		done ;;
	bpf)
		for t in "$BUILD"/tests/bpf/test_*; do
			run_one bpf "$(basename "$t")" 120 "$t"
		done ;;
	net)
		for t in tests/net/test_*.sh; do
			run_one net "$(basename "$t" .sh)" 600 \
				env TB_BIN="$TOP/$BUILD/bin" bash "$t"
		done ;;
	vm)
		# A guest test with a host half (tests/vm/host/NAME.sh) runs
		# through it: it boots the VM itself and checks what came out.
		for t in tests/vm/guest/test_*.sh; do
			t=$(basename "$t" .sh)
			if [ -f "tests/vm/host/$t.sh" ]; then
				run_one vm "$t" 600 env BUILD="$BUILD" bash "tests/vm/host/$t.sh"
			else
				run_one vm "$t" 600 bash tests/vm/run-vm.sh -b "$BUILD" -t 540 "$t"
			fi
		done ;;
	*)
		echo "unknown suite \"$suite\" (unit bpf net vm)" >&2
		FAILED=$((FAILED + 1)) ;;
	esac
done

echo
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" -eq 0 ]
