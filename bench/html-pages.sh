#!/usr/bin/env bash
# bench/html-pages.sh OUTDIR: the two --html pages make bench loads, made in
# one boot of tools/kvm-run: the demo (OUTDIR/demo.html, 33 operations) and
# OUTDIR/ops10k.vmm, 10,000 operations (vmalloc of one page and its vfree,
# alternating), with checks on as in the demo (OUTDIR/ops10k.html).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: html-pages.sh OUTDIR}
build/bin/vmm -q --html "$out/demo.html" guest.elf >"$out/demo.txt"
build/bin/vmm -q --cpus 1 --timeout 1200 --script "$out/ops10k.vmm" --html "$out/ops10k.html" \
	guest.elf >"$out/ops10k.txt"
tail -1 "$out/demo.txt"
tail -1 "$out/ops10k.txt"
