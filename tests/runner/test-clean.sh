#!/usr/bin/env bash
# tests/runner/test-clean.sh: `make clean` removes generated files only. On a fresh clone of this
# tree's HEAD: make, make clean, then `git status --porcelain` is empty and a rebuild works.
set -u -o pipefail
ROOT=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
C=$(mktemp -d "${TMPDIR:-/tmp}/test-clean.XXXXXX") || exit 1
trap 'rm -rf "$C"' EXIT
failed=0
check() { if eval "$2"; then echo "ok    $1"; else echo "FAIL  $1"; failed=1; fi; }

git -c safe.directory="$ROOT" clone -q "$ROOT" "$C/tree" || exit 1
cd "$C/tree" || exit 1
check "make all builds in a fresh clone" 'make -s -j2 all >"$C/make1.log" 2>&1 || { tail "$C/make1.log"; false; }'
check "make clean succeeds" 'make -s clean >"$C/clean.log" 2>&1 || { cat "$C/clean.log"; false; }'
check "after make clean, git status --porcelain is empty" '[ -z "$(git status --porcelain)" ] || { git status --porcelain | head; false; }'
check "nothing generated is left (build/, guest.elf)" '[ ! -e build ] && [ ! -e guest.elf ]'
check "a rebuild works after make clean" 'make -s -j2 all >"$C/make2.log" 2>&1 && [ -x build/bin/vmm ] && [ -f guest.elf ] || { tail "$C/make2.log"; false; }'
[ "$failed" = 0 ]
