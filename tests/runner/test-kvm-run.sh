#!/usr/bin/env bash
# shellcheck disable=SC2016 # the single-quoted $ expressions are for the nested sh to expand
# tests/runner/test-kvm-run.sh: checks tools/kvm-run in nested mode (QEMU TCG + kvm_amd inside),
# under nested paging and shadow paging, plus direct mode when this machine's /dev/kvm opens.
# One line per check, then "N passed, M failed"; exit status 1 if anything failed.
# Takes about a minute: each nested run boots a kernel (about 4-5 s here).

set -u -o pipefail

ROOT=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KVM_RUN=$ROOT/tools/kvm-run
SMOKE=build/runner/kvm-smoke # relative to ROOT: with KVM_RUN_SHARE=copy it travels in the initramfs
SMOKE_GUEST=build/tests/guests/exit_status.elf
cd "$ROOT" || exit 1

PASSED=0
FAILED=0
# Every run keeps its temp files here, so we can check that none are left behind.
T=$(mktemp -d "${TMPDIR:-/tmp}/test-kvm-run.XXXXXX") || exit 1
RUN_TMP=$T/runs
mkdir -p "$RUN_TMP"
trap 'rm -rf "$T"' EXIT

# pass NAME / fail NAME [DETAIL...]: record and print one check.
pass() {
	PASSED=$((PASSED + 1))
	printf 'ok    %s\n' "$1"
}
fail() {
	FAILED=$((FAILED + 1))
	printf 'FAIL  %s\n' "$1"
	shift
	local line
	for line in "$@"; do printf '        %s\n' "$line"; done
}

# expect NAME WANT GOT: pass if the two strings are equal, else show both.
expect() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "wanted: $(printf %q "$2")" "got:    $(printf %q "$3")"; fi
}

# kr ARGS...: run kvm-run with ARGS; stdout in $T/out, stderr in $T/err, status in RC, seconds in SECS.
kr() {
	local t0 t1
	t0=$(date +%s.%N)
	TMPDIR=$RUN_TMP "$KVM_RUN" "$@" >"$T/out" 2>"$T/err"
	RC=$?
	echo "status $RC" >"$T/kr-status"
	t1=$(date +%s.%N)
	SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
}

# show_err: the last lines of the last run's stderr, for a failure message.
show_err() { tail -n 15 "$T/err" | sed 's/^/| /'; }

export KVM_RUN_MODE=nested

# --- no boot needed ---------------------------------------------------------------------------
if TMPDIR=$RUN_TMP "$KVM_RUN" --check >"$T/out" 2>&1; then
	pass "--check says the runner can work ($(grep '^mode:' "$T/out"))"
else
	fail "--check says the runner can work" "$(cat "$T/out")"
fi

# --direct-ok must agree, silently, with the mode auto picks (as --check reports it).
want_direct=1
KVM_RUN_MODE=auto "$KVM_RUN" --check 2>/dev/null | grep -q '^mode: direct' && want_direct=0
KVM_RUN_MODE=auto "$KVM_RUN" --direct-ok >"$T/out" 2>&1
RC=$?
expect "--direct-ok answers $want_direct silently, as --check's auto mode says" "$want_direct:" "$RC:$(cat "$T/out")"

kr ./no-such-program
if [ "$RC" = 127 ]; then pass "missing COMMAND gives 127 without booting"; else fail "missing COMMAND gives 127" "status $RC" "$(show_err)"; fi

kr --mmu bogus true
if [ "$RC" = 125 ]; then pass "bad --mmu value gives 125"; else fail "bad --mmu value gives 125" "status $RC"; fi

if make -s "$SMOKE" "$SMOKE_GUEST" build/bin/vmm guest.elf >"$T/cc.err" 2>&1; then
	pass "kvm-smoke builds on the core library ($SMOKE)"
else
	fail "kvm-smoke builds" "$(cat "$T/cc.err")"
fi

# --- nested runs ------------------------------------------------------------------------------
kr sh -c 'exit 7'
expect "exit status passes through (sh -c 'exit 7')" 7 "$RC"

kr sh -c 'echo out-line; echo err-line >&2; printf "no newline"'
# The x keeps $(...) from eating trailing newlines: the output must end exactly as written.
expect "stdout comes back" "out-line
no newlinex" "$(cat "$T/out"; echo x)"
expect "stderr comes back" "err-line" "$(cat "$T/err")"

# Arguments that a kernel command line or a naive quoting would mangle.
args=("two words" "it's" 'say "hi"' '$HOME `id` $(id)' '' '  lead and trail  ' 'back\slash' $'new\nline' '*' ';|&<>')
want=$(sh -c 'for a; do printf "<%s>\n" "$a"; done' argv0 "${args[@]}")
kr sh -c 'for a; do printf "<%s>\n" "$a"; done' argv0 "${args[@]}"
expect "arguments with spaces, quotes, newlines survive" "$want" "$(cat "$T/out")"

VMM_X='a b' TEST_Y="q'uote" CMOCKA_MESSAGE_OUTPUT=xml CMOCKA_TEST_ABORT=1 UNRELATED=leak \
	kr sh -c 'echo "$VMM_X|$TEST_Y|$CMOCKA_MESSAGE_OUTPUT|$CMOCKA_TEST_ABORT|${UNRELATED-unset}|$KVM_RUN_NESTED"'
expect "VMM_*, TEST_*, CMOCKA_* pass through, others do not" "a b|q'uote|xml|1|unset|1" "$(cat "$T/out")"

kr sh -c 'seq 1 20000; seq 1 3000 >&2'
if [ "$RC" = 0 ] && seq 1 20000 | cmp -s - "$T/out" && seq 1 3000 | cmp -s - "$T/err"; then
	pass "bulk output (108 KB stdout, 14 KB stderr) comes back exactly (${SECS} s)"
else
	fail "bulk output comes back exactly" "status $RC, $(wc -c <"$T/out") bytes stdout, $(wc -c <"$T/err") bytes stderr"
fi

kr /usr/bin/expr 6 '*' 7
expect "a host program outside the repo runs (with its libraries)" "42" "$(cat "$T/out")"

kr --smp 2 --mem 1G sh -c 'nproc; awk "/MemTotal/ { print (\$2 < 1100000) }" /proc/meminfo'
expect "--smp 2 --mem 1G shape the QEMU machine" "2
1" "$(cat "$T/out")"

# The fallback where virtiofs cannot run: the tree is copied in, and one line says so.
KVM_RUN_SHARE=copy kr "$SMOKE" "$SMOKE_GUEST"
if [ "$RC" = 0 ] && grep -q 'kvm-smoke: ok' "$T/out" && [ "$(grep -c 'will not come back' "$T/err")" = 1 ] &&
	[ "$(wc -l <"$T/err")" = 1 ]; then
	pass "KVM_RUN_SHARE=copy: the copied tree runs kvm-smoke; one line on stderr warns (${SECS} s)"
else
	fail "KVM_RUN_SHARE=copy: fallback" "status $RC" "$(cat "$T/out")" "$(show_err)"
fi

for mmu in npt shadow; do
	case $mmu in npt) want_npt=Y ;; shadow) want_npt=N ;; esac
	kr --mmu "$mmu" sh -c 'test -c /dev/kvm && echo has-dev-kvm; echo "npt=$(cat /sys/module/kvm_amd/parameters/npt) mmu=$KVM_RUN_MMU"'
	if [ "$RC" = 0 ] && grep -qx has-dev-kvm "$T/out"; then
		pass "--mmu $mmu: /dev/kvm exists inside (nested boot + trivial command: ${SECS} s)"
	else
		fail "--mmu $mmu: /dev/kvm exists inside" "status $RC" "$(cat "$T/out")" "$(show_err)"
	fi
	expect "--mmu $mmu: kvm_amd npt=$want_npt, KVM_RUN_MMU=$mmu" "npt=$want_npt mmu=$mmu" "$(grep '^npt=' "$T/out")"

	kr --mmu "$mmu" "$SMOKE" "$SMOKE_GUEST"
	if [ "$RC" = 0 ] && grep -q "kvm-smoke: ok.*nested=1 mmu=$mmu" "$T/out"; then
		pass "--mmu $mmu: kvm-smoke boots a guest: its console line, then its exit status (${SECS} s)"
	else
		fail "--mmu $mmu: kvm-smoke works" "status $RC" "$(cat "$T/out")" "$(show_err)"
	fi

	# --- the host's files, where they are (virtiofs); only under /tmp and in build/runner ------
	# Outside the tree, in a path with a space and non-ASCII bytes (UTF-8 and a lone \xff).
	X="$T/files $mmu "$'\xc3\xa9\xff'
	mkdir -p "$X"
	printf '%s\n' 'a = vmalloc 8K' 'v = vmap 1 dma prot=0x103' 'vfree a' 'vmap_put v' 'b = vmalloc_dma 4096' >"$X/ops.txt"
	kr --mmu "$mmu" build/bin/vmm --script "$X/ops.txt" --json "$X/trace.json" guest.elf
	if [ "$RC" = 0 ] && grep -q '^\[5\] b = vmalloc_dma 4096' "$T/out" && [ -s "$X/trace.json" ] &&
		[ "$(grep -c '^{' "$X/trace.json")" = "$(wc -l <"$X/trace.json")" ] && grep -q vmalloc_dma "$X/trace.json"; then
		pass "--mmu $mmu: a script and a --json trace outside the tree, in a path with spaces and non-ASCII (${SECS} s)"
	else
		fail "--mmu $mmu: a script and a --json trace outside the tree" "status $RC" "$(tail -n 5 "$T/out")" "$(show_err)"
	fi

	inside=build/runner/trace.$mmu.$$.json
	rm -f "$inside"
	kr --mmu "$mmu" build/bin/vmm --script "$X/ops.txt" --json "$inside" guest.elf
	if [ "$RC" = 0 ] && [ -s "$inside" ] && [ "$(wc -l <"$inside")" = "$(wc -l <"$X/trace.json")" ] &&
		[ "$(grep '"type":"summary"' "$inside")" = "$(grep '"type":"summary"' "$X/trace.json")" ]; then
		pass "--mmu $mmu: a --json trace inside the tree comes back ($inside)"
	else
		fail "--mmu $mmu: a --json trace inside the tree comes back" "status $RC, $(wc -c <"$inside" 2>&1)" "$(show_err)"
	fi
	rm -f "$inside"

	# 100 MB written inside arrive whole: a random 1 MB block, written out 100 times after its
	# index, is rebuilt here from the block and compared byte for byte. A file deleted inside is
	# gone outside.
	echo doomed >"$X/doomed"
	kr --mmu "$mmu" sh -c 'rm -- "$1" && head -c 1000000 /dev/urandom >"$2" && i=0 &&
		while [ $i -lt 100 ]; do printf "%08d" $i; cat "$2"; i=$((i + 1)); done >"$3"' sh "$X/doomed" "$X/blk" "$X/big"
	if [ "$RC" = 0 ] && [ "$(stat -c %s "$X/big")" = 100000800 ] && [ "$(stat -c %s "$X/blk")" = 1000000 ] &&
		for i in $(seq 0 99); do printf "%08d" "$i"; cat "$X/blk"; done | cmp -s - "$X/big"; then
		pass "--mmu $mmu: 100 MB written inside arrive whole (${SECS} s)"
	else
		fail "--mmu $mmu: 100 MB written inside arrive whole" "status $RC, $(stat -c %s "$X/big" 2>&1) bytes" "$(show_err)"
	fi
	if [ "$RC" = 0 ] && [ ! -e "$X/doomed" ]; then
		pass "--mmu $mmu: a file deleted inside is gone outside"
	else
		fail "--mmu $mmu: a file deleted inside is gone outside" "status $RC, $(ls -l "$X/doomed" 2>&1)"
	fi
	rm -f "$X/big" "$X/blk"

	# Two runners at once in the same directory: each writes and reads back its own file.
	for n in 1 2; do
		(cd "$X" && TMPDIR=$RUN_TMP "$KVM_RUN" --mmu "$mmu" sh -c 'echo "run $1" >"out$1"; sleep 2; cat "out$1"; pwd' sh "$n" \
			>"$T/par$n.out" 2>"$T/par$n.err"
		echo $? >"$T/par$n.rc") &
	done
	wait
	ok=1
	for n in 1 2; do
		[ "$(cat "$T/par$n.rc")" = 0 ] && [ "$(cat "$T/par$n.out")" = "run $n
$X" ] && [ "$(cat "$X/out$n")" = "run $n" ] || ok=0
	done
	if [ "$ok" = 1 ]; then
		pass "--mmu $mmu: two runners at once in the same directory do not interfere"
	else
		fail "--mmu $mmu: two runners at once in the same directory" "$(cat "$T"/par*.rc "$T"/par*.out "$T"/par*.err | tail -n 12)"
	fi
done

kr --timeout 8 sh -c 'echo started; sleep 600'
if [ "$RC" = 124 ] && grep -q 'timed out' "$T/err" && grep -qx started "$T/out"; then
	pass "--timeout kills QEMU and gives 124 (${SECS} s)"
else
	fail "--timeout kills QEMU and gives 124" "status $RC after ${SECS} s" "$(show_err)"
fi

# Failure paths: the runner's own statuses, with the console tail as evidence.
KVM_RUN_KERNEL_ARGS=clearcpuid=svm kr true
if [ "$RC" = 126 ] && grep -q 'nested setup failed' "$T/err" && grep -q 'last lines of the nested kernel console' "$T/err"; then
	pass "a nested boot that cannot load kvm_amd gives 126 and shows the console"
else
	fail "a nested boot that cannot load kvm_amd gives 126" "status $RC" "$(show_err)"
fi

kr sh -c 'echo before-crash; echo c >/proc/sysrq-trigger'
if [ "$RC" = 123 ] && grep -qx before-crash "$T/out" && grep -q 'no exit status came back' "$T/err"; then
	pass "a guest kernel crash during the command gives 123"
else
	fail "a guest kernel crash during the command gives 123" "status $RC" "$(show_err)"
fi

# A nested machine that stops: freeze QEMU once the heartbeat has begun (what the stall looks
# like from here: no more heartbeat lines), and --stall must end the run with 121, not --timeout.
kr --stall 10 --timeout 300 sleep 120 &
kr_pid=$!
qemu="" i=0
while [ $i -lt 600 ] && [ -z "$qemu" ]; do
	sleep 0.1
	i=$((i + 1))
	for s in "$RUN_TMP"/kvm-run.*/status; do
		[ -s "$s" ] && qemu=$(pgrep -f -- "^qemu-system-x86_64 .*$RUN_TMP" | head -n 1)
	done
done
[ -n "$qemu" ] && kill -STOP "$qemu"
wait "$kr_pid"
# kr ran in a subshell: read what it left.
RC=$(sed -n 's/^status //p' "$T/kr-status")
if [ -n "$qemu" ] && [ "$RC" = 121 ] && grep -q 'no heartbeat for' "$T/err"; then
	pass "a nested machine that stops is killed by --stall with 121 ($(grep -o 'no heartbeat for [0-9]* s' "$T/err"))"
else
	fail "a nested machine that stops is killed by --stall with 121" "QEMU pid '${qemu}', status $RC" "$(show_err)"
fi

# --- direct mode, where this machine's /dev/kvm opens (even PVM runs this simple guest) --------
if [ -c /dev/kvm ] && (exec 3<>/dev/kvm) 2>/dev/null; then
	KVM_RUN_MODE=direct kr "$SMOKE" "$SMOKE_GUEST"
	if [ "$RC" = 0 ] && grep -q 'kvm-smoke: ok.*nested=0' "$T/out"; then
		pass "KVM_RUN_MODE=direct runs on this machine's /dev/kvm"
	else
		fail "KVM_RUN_MODE=direct runs on this machine's /dev/kvm" "status $RC" "$(cat "$T/out")" "$(show_err)"
	fi
else
	echo "skip  direct mode (no /dev/kvm that opens here)"
fi

# --- nothing left behind ----------------------------------------------------------------------
left=$(find "$RUN_TMP" -mindepth 1 | head -n 5)
expect "no temp files left behind" "" "$left"
expect "no QEMU left running" "" "$(pgrep -f -- "$RUN_TMP" 2>/dev/null)"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
