#!/usr/bin/env bash
# make bench: the walker's cost per translation (reads, and instructions
# under callgrind), then the guest's counts per operation and a full check
# of 10,000 areas under KVM (through tools/kvm-run), the check's cost
# per mapped page at 1k, 10k and 100k pages (CPU and peak RSS, with the
# ratio to 1k), then the two allocators side by side (bench_modes: the
# guest booted with vmalloc=2.4 and with vmalloc=modern; it fails when a
# count breaks issue 15's bounds), then the stress run's operations per
# million guest cycles on 1, 2 and 4 vCPUs, lock spins and IPIs (bench/stress.sh), then the load time of the --html page of
# the demo and of 10,000 operations in headless chromium.  Prints tables;
# apart from bench_modes' bounds, asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
B=build/bench
N=100000

echo "== walker: guest-memory reads per translation (synthetic tables)"
"$B/bench_walk" reads

echo
echo "== walker: instructions per translation (valgrind --tool=callgrind, walk() only, $N walks)"
printf '%-10s %14s\n' mode instr/walk
for mode in 2level-4k 2level-4m pae-4k pae-2m; do
	out=$(mktemp)
	valgrind --tool=callgrind --toggle-collect=walk --callgrind-out-file="$out" \
		"$B/bench_walk" loop "$mode" "$N" >/dev/null 2>&1
	ir=$(awk '/^summary:|^totals:/ { print $2; exit }' "$out")
	rm -f "$out"
	awk -v ir="$ir" -v n="$N" -v m="$mode" 'BEGIN { printf "%-10s %14.1f\n", m, ir / n }'
done

echo
echo "== guest operations under KVM"
tools/kvm-run "$B/bench_guest"

echo
echo "== the two allocators side by side: vmalloc=2.4 and vmalloc=modern, one boot each"
# The guest's TSC runs at this machine's rate; the nested kernel's clock may not (bench_modes.c).
tools/kvm-run "$B/bench_modes" --tsc-hz "$("$B/bench_modes" --measure-tsc)"

echo
echo "== the stress run: 1, 2 and 4 vCPUs at once (npt, four nested CPUs; bench/stress.sh)"
tools/kvm-run --mmu npt --smp 4 --timeout 3600 bench/stress.sh

echo
echo "== the --html page in headless chromium: the demo's against 10,000 operations"
for k in $(seq 1 5000); do
	echo "vmalloc 4096"
	echo "vfree \$$((2 * k - 1))"
done >"$B/ops10k.vmm"
tools/kvm-run bench/html-pages.sh "$B"
if [ ! -f tests/browser/node_modules/puppeteer-core/package.json ]; then
	(cd tests/browser && npm ci --no-audit --no-fund)
fi
node tests/browser/load-time.mjs "$B/demo.html" "$B/ops10k.html"
