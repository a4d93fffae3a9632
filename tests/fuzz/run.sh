#!/usr/bin/env bash
# tests/fuzz/run.sh fuzz SECONDS HARNESS...
#
# Runs each libFuzzer harness (build/fuzz/bin/HARNESS, built by `make
# fuzz-build`) for SECONDS on its corpus, one after the other.  The corpus
# in the tree (tests/fuzz/corpus/HARNESS) is copied to a scratch directory
# (build/fuzz/work/HARNESS/corpus) which receives the new inputs; the tree
# is never written.  A crash leaves its input in build/fuzz/work/HARNESS/
# (crash-*, leak-*, timeout-*) and makes the run fail.  FUZZ_FLAGS adds
# libFuzzer options, e.g. FUZZ_FLAGS='-fork=1 -ignore_crashes=1' to go on
# past a crash.  FUZZ_KNOWN=1 sets aside the UBSan findings already reported
# (tests/fuzz/known-ubsan.supp) so that a long run can look for others.
# Prints one summary line per harness: executions, coverage
# (libFuzzer's "cov" edges and "ft" features), corpus size, status.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2

[ "${1:-}" = fuzz ] || {
	echo "usage: $0 fuzz SECONDS HARNESS..." >&2
	exit 2
}
seconds=$2
shift 2
[ $# -gt 0 ] || {
	echo "run.sh: no harness given" >&2
	exit 2
}

if [ "${FUZZ_KNOWN:-0}" = 1 ]; then
	export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$top/tests/fuzz/known-ubsan.supp"
	echo "run.sh: known UBSan findings set aside (tests/fuzz/known-ubsan.supp)" >&2
fi

status=0 summary=()
for h in "$@"; do
	bin=build/fuzz/bin/$h
	work=build/fuzz/work/$h
	[ -x "$bin" ] || {
		echo "run.sh: $bin is not built (make fuzz-build)" >&2
		exit 2
	}
	mkdir -p "$work/corpus"
	cp -n tests/fuzz/corpus/"$h"/* "$work/corpus/" 2>/dev/null
	opts=(-max_total_time="$seconds" -artifact_prefix="$work/" -print_final_stats=1)
	[ -f tests/fuzz/"$h".dict ] && opts+=(-dict=tests/fuzz/"$h".dict)
	echo "=== $h: ${seconds}s on $work/corpus" >&2
	# shellcheck disable=SC2086 # FUZZ_FLAGS is a list of options
	"$bin" "${opts[@]}" ${FUZZ_FLAGS:-} "$work/corpus" 2>&1 | tee "$work/log" |
		grep -E '^(#[0-9]+.*(INITED|DONE|NEW)|==[0-9]+==|SUMMARY|stat::|.*(runtime error|Test unit written))' | tail -n 40
	rc=${PIPESTATUS[0]}
	line=$(grep -E '^#[0-9]+' "$work/log" | tail -n 1)
	execs=$(grep -E '^stat::number_of_executed_units' "$work/log" | tail -n 1 | awk '{print $2}')
	summary+=("$h: status $rc, ${execs:-?} executions, last: ${line:-none}, corpus $(find "$work/corpus" -type f | wc -l) files")
	[ "$rc" -eq 0 ] || status=1
done
printf '%s\n' "${summary[@]}"
exit $status
