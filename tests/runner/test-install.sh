#!/usr/bin/env bash
# tests/runner/test-install.sh: `make install` into a temporary DESTDIR puts vmm and kvm-run there,
# the installed kvm-run finds its kvm-run.d/ from another directory, and `make uninstall` removes
# every file and link it installed (only empty standard directories such as usr/local/bin stay).
set -u -o pipefail
ROOT=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
D=$(mktemp -d "${TMPDIR:-/tmp}/test-install.XXXXXX") || exit 1
trap 'rm -rf "$D"' EXIT
failed=0
check() { if eval "$2"; then echo "ok    $1"; else echo "FAIL  $1"; failed=1; fi; }

make -s install DESTDIR="$D" PREFIX=/opt/vk >"$D.log" 2>&1
check "make install succeeds" '[ $? -eq 0 ] || { cat "$D.log"; false; }'
rm -f "$D.log"
check "vmm and kvm-run are in \$PREFIX/bin" '[ -x "$D/opt/vk/bin/vmm" ] && [ -x "$D/opt/vk/bin/kvm-run" ]'
check "the installed kvm-run finds its helpers from another directory" \
	'(cd / && "$D/opt/vk/bin/kvm-run" --check | grep -q "^result: OK")'
check "the installed vmm runs (--help)" '"$D/opt/vk/bin/vmm" --help | grep -q -- --script'
make -s uninstall DESTDIR="$D" PREFIX=/opt/vk
check "make uninstall leaves no file or link" '[ -z "$(find "$D" ! -type d)" ]'
check "make uninstall removes its own directory" '[ ! -e "$D/opt/vk/lib/vmalloc-kvm" ]'
[ "$failed" = 0 ]
