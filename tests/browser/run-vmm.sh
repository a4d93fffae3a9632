#!/usr/bin/env bash
# tests/browser/run-vmm.sh OUTDIR: the two runs the browser test looks at,
# in one boot of tools/kvm-run: the demo (OUTDIR/demo.{html,json,txt}) and
# tests/browser/violation.vmm with novmallocfault
# (OUTDIR/bad.{html,json,txt}); each run's exit status in OUTDIR/*.rc.
set -u
cd "$(dirname "$0")/../.." || exit 2
out=${1:?usage: run-vmm.sh OUTDIR}
build/bin/vmm -q --json "$out/demo.json" --html "$out/demo.html" guest.elf >"$out/demo.txt" 2>&1
echo $? >"$out/demo.rc"
build/bin/vmm -q --cmdline novmallocfault --script tests/browser/violation.vmm \
	--json "$out/bad.json" --html "$out/bad.html" guest.elf >"$out/bad.txt" 2>&1
echo $? >"$out/bad.rc"
