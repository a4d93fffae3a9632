#!/usr/bin/env bash
# tools/check-layers on this tree (it must hold), then on scratch copies
# with one planted violation each (each must be reported, by file and line).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
check="$top/tools/check-layers"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
pass=0 fail=0

expect() { # NAME WANT(0|1) GREP-PATTERN DIR
	local out rc
	out=$("$check" "$4" 2>&1)
	rc=$?
	if { [ "$2" -eq 0 ] && [ $rc -eq 0 ]; } ||
		{ [ "$2" -ne 0 ] && [ $rc -ne 0 ] && grep -qF -- "$3" <<<"$out"; }; then
		echo "ok    $1"
		pass=$((pass + 1))
	else
		echo "FAIL  $1: expected status $2 and '$3', got status $rc:"
		sed 's/^/      /' <<<"$out"
		fail=$((fail + 1))
	fi
}

expect "this tree keeps its layering" 0 "" "$top"

# plant NAME FILE LINE: a copy of vmm/ and tests/ with LINE appended to FILE.
plant() {
	rm -rf "$scratch/t" && mkdir -p "$scratch/t"
	cp -r "$top/vmm" "$top/tests" "$scratch/t/"
	printf '%s\n' "$3" >>"$scratch/t/$2"
	echo "$scratch/t"
}

f=$(ls "$top"/vmm/core/*.c | head -1)
f=vmm/core/${f##*/}
d=$(plant core-includes-inspect "$f" '#include "vmm/inspect/walk.h"')
expect "core including inspect is refused" 1 "$f:" "$d"

f=$(ls "$top"/vmm/inspect/*.c | head -1)
f=vmm/inspect/${f##*/}
d=$(plant inspect-includes-cli "$f" '#include "vmm/cli/script.h"')
expect "inspect including cli is refused" 1 "$f:" "$d"

d=$(plant inspect-calls-ioctl "$f" 'static int x(int fd) { return ioctl(fd, 0); }')
expect "ioctl() in inspect is refused" 1 "calls ioctl() outside vmm/core" "$d"

f=$(cd "$top" && ls tests/kvm/*.c | head -1)
d=$(plant test-calls-ioctl "$f" 'static int y(int fd) { return ioctl (fd, 1); }')
expect "ioctl() in a test is refused" 1 "$f:" "$d"

d=$(plant test-includes-sys-ioctl "$f" '#include <sys/ioctl.h>')
expect "<sys/ioctl.h> in a test is refused" 1 "includes <sys/ioctl.h>" "$d"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
