#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# TAP wrapper of a libFuzzer target, installed by mk/*.mk as
# build/tests/unit/test_fuzz_NAME next to ../fuzz/fuzz_NAME (the name comes
# from how it is called): every seed of the committed corpus
# tests/fuzz/corpus/NAME once, then FUZZ_SECS (10) of fuzzing over a
# scratch copy of it. Runs from the repository root, as tests/run.sh does.
set -u
NAME=$(basename "$0")
NAME=${NAME#test_fuzz_}
FUZZER=$(cd "$(dirname "$0")/../fuzz" && pwd)/fuzz_$NAME
CORPUS=${FUZZ_CORPUS:-tests/fuzz/corpus/$NAME}
SECS=${FUZZ_SECS:-10}
case $NAME in ctl) MIN=20 ;; *) MIN=10 ;; esac	# seeds each corpus must keep
WORK=$(mktemp -d "/tmp/nicsec-fuzz-$NAME.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

echo "TAP version 13"
echo "1..3"
n=$(ls "$CORPUS" 2>/dev/null | wc -l)
if [ "$n" -ge $MIN ]; then echo "ok 1 - seed corpus has $n inputs"
else echo "not ok 1 - seed corpus has $n inputs (want >= $MIN)"; fi

mkdir -p "$WORK/art"
if "$FUZZER" -runs=0 -artifact_prefix="$WORK/art/" "$CORPUS" > "$WORK/seeds.log" 2>&1; then
	echo "ok 2 - every seed runs clean under ASan+UBSan"
else
	echo "not ok 2 - a seed crashes the fuzzer"
	sed 's/^/# /' "$WORK/seeds.log" | tail -40
fi

mkdir -p "$WORK/corpus" "$WORK/art"
cp "$CORPUS"/* "$WORK/corpus/"
if "$FUZZER" -max_total_time="$SECS" -print_final_stats=1 \
	-artifact_prefix="$WORK/art/" "$WORK/corpus" > "$WORK/fuzz.log" 2>&1; then
	echo "ok 3 - ${SECS}s of fuzzing: no crash, leak or undefined behaviour"
	grep -E 'stat::number_of_executed_units|cov:' "$WORK/fuzz.log" | tail -2 | sed 's/^/# /'
else
	echo "not ok 3 - the fuzzer found a crash"
	tail -40 "$WORK/fuzz.log" | sed 's/^/# /'
	for f in "$WORK"/art/*; do [ -f "$f" ] && echo "# artifact: $(xxd -p "$f" | tr -d '\n')"; done
fi
