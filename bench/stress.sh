#!/usr/bin/env bash
# The stress run's bench (make bench, run inside tools/kvm-run): vmm --stress
# on 1, 2 and 4 vCPUs, one boot each, the same seed.  From the guest's own
# rdtsc (stress_state's per-CPU cycles; CMD_STRESS's round cycles on CPU 0):
#   ops/Mcyc/cpu  operations per million cycles a CPU spent in its rounds
#   ops/Mcyc      all CPUs' operations per million cycles of the rounds
#                 (CPU 0's clock: the rounds' length), and its ratio to 1 CPU
#   spins/lock    pause-loop iterations per lock acquisition, all classes
#   ipis/vfree    flush requests sent per vfree
# Ratios, not times: the nested machine's speed varies from run to run.
set -euo pipefail
cd "$(dirname "$0")/.."
OPS=${BENCH_STRESS_OPS:-2000}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

printf '%-5s %13s %10s %9s %11s %11s\n' cpus ops/Mcyc/cpu ops/Mcyc ratio spins/lock ipis/vfree
base=
for n in 1 2 4; do
	build/bin/vmm -q --timeout 1800 --cpus "$n" --stress "$OPS" --seed 1 --json - guest.elf >"$out"
	line=$(grep '^{' "$out" | jq -c 'select(.type == "stress")')
	# (no process substitution: the nested machine has no /dev/fd)
	stats=$(jq -r '
		def ops: .vmalloc + .vmalloc_dma + .vmalloc_32 + .vmap + .vfree + .probe;
		[ (([.per_cpu[] | ops] | add) / ([.per_cpu[].cycles] | add) * 1e6),
		  (.operations / .round_cycles * 1e6),
		  (([.per_cpu[].lock_spins] | add) / ([.per_cpu[].lock_acquires] | add)),
		  (([.per_cpu[].ipis_sent] | add) / ([ .per_cpu[].vfrees ] | add)) ] | @tsv' <<<"$line")
	read -r per all spins ipis <<<"$stats"
	base=${base:-$all}
	awk -v n="$n" -v per="$per" -v all="$all" -v base="$base" -v s="$spins" -v i="$ipis" \
		'BEGIN { printf "%-5s %13.3f %10.3f %9.3f %11.1f %11.2f\n", n, per, all, all / base, s, i }'
done
echo "($OPS operations per CPU, seed 1; $(nproc) nested CPU(s), ${KVM_RUN_MMU:-direct})"
