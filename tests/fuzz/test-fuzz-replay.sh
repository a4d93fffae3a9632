#!/usr/bin/env bash
# Replays every input of every harness's corpus (tests/fuzz/corpus/HARNESS/)
# once through the harness built with ASan and UBSan (build/fuzz/bin/, `make
# fuzz-build`), so that a crash once found and fixed stays fixed.  Strict:
# no known finding is set aside here.  A few seconds in all.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
unset UBSAN_OPTIONS ASAN_OPTIONS

pass=0 fail=0
for src in tests/fuzz/fuzz_*.c; do
	h=$(basename "$src" .c)
	bin=build/fuzz/bin/$h
	mapfile -t inputs < <(find tests/fuzz/corpus/"$h" -type f 2>/dev/null | sort)
	if [ ! -x "$bin" ]; then
		echo "FAIL  $h: $bin is not built (make fuzz-build)"
		fail=$((fail + 1))
		continue
	fi
	if [ ${#inputs[@]} -eq 0 ]; then
		echo "FAIL  $h: no corpus in tests/fuzz/corpus/$h"
		fail=$((fail + 1))
		continue
	fi
	# Given files, libFuzzer runs each once and stops at the first crash.
	if out=$("$bin" "${inputs[@]}" 2>&1); then
		echo "ok    $h: ${#inputs[@]} inputs"
		pass=$((pass + 1))
	else
		echo "FAIL  $h: an input of tests/fuzz/corpus/$h crashed the harness:"
		grep -E '^Running:|ERROR|runtime error|SUMMARY|^    #[0-9]' <<<"$out" | tail -n 25 | sed 's/^/      /'
		fail=$((fail + 1))
	fi
done
echo "fuzz replay: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
