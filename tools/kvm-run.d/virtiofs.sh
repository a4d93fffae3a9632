# shellcheck shell=bash
# tools/kvm-run.d/virtiofs.sh: the host's files, where they are, in the nested machine.
# Sourced by tools/kvm-run; uses its msg, die, EX_* and OPT_* names, WORK and CLEANUP_PATHS.
#
# The scheme: one virtiofsd serves the host's / (read-write) to QEMU; the nested /init mounts it
# at /rw, binds /rw read-only at /host, binds the writable directories (writable_dirs) read-write
# over the same paths under /host, and runs the command chrooted in /host, in the same directory.
# So every path means the same file inside as outside, programs and their libraries are the host's,
# and the command can write only where writable_dirs says. The guard is the nested kernel's
# read-only bind, against mistakes, not against a hostile command (which runs as root in there).

VIRTIOFSD=${KVM_RUN_VIRTIOFSD:-/usr/lib/qemu/virtiofsd}
VIRTIOFSD_PID=

# share_unavailable: print why virtiofs cannot be used here (nothing, and status 1, if it can).
share_unavailable() {
	case ${KVM_RUN_SHARE:-virtiofs} in
	copy) echo "KVM_RUN_SHARE=copy" && return 0 ;;
	virtiofs) ;;
	*) die $EX_SETUP "KVM_RUN_SHARE must be virtiofs or copy, not '$KVM_RUN_SHARE'" ;;
	esac
	[ "$(id -u)" -eq 0 ] || { echo "not root (virtiofsd needs root)" && return 0; }
	[ -x "$VIRTIOFSD" ] || { echo "$VIRTIOFSD missing (package qemu-system-common)" && return 0; }
	return 1
}

# writable_dirs CWD: print (one per line, canonical, parents before children) the directories the
# command may write in: CWD, /tmp, $TMPDIR, and those in KVM_RUN_WRITE (colon separated).
writable_dirs() {
	local d
	local -a dirs=("$1" /tmp)
	[ -n "${TMPDIR:-}" ] && dirs+=("$TMPDIR")
	if [ -n "${KVM_RUN_WRITE:-}" ]; then
		local IFS=:
		# shellcheck disable=SC2206 # split on colons only
		dirs+=($KVM_RUN_WRITE)
	fi
	for d in "${dirs[@]}"; do
		[ -n "$d" ] || continue
		d=$(realpath -e -- "$d" 2>/dev/null) || { msg "warning: KVM_RUN_WRITE names no directory: $d"; continue; }
		[ -d "$d" ] && [ "$d" != / ] && printf '%s\n' "$d"
	done | awk '!seen[$0]++ { print length($0) "\t" $0 }' | sort -n -s | cut -f2-
}

# start_virtiofsd: serve / on a socket of this run's own; sets VIRTIOFS_SOCK and VIRTIOFSD_PID.
# The socket lives in WORK (unique per run), or in a private directory under /tmp when WORK's
# path is too long for a unix socket. virtiofsd ends when QEMU disconnects; cleanup kills it anyway.
# sandbox=chroot: the default namespace sandbox pivots into the source, which fails for / (EBUSY).
start_virtiofsd() {
	local dir=$WORK i
	if [ ${#dir} -gt 90 ]; then
		dir=$(mktemp -d /tmp/kvm-run-vfs.XXXXXX) || return 1
		CLEANUP_PATHS+=("$dir")
	fi
	VIRTIOFS_SOCK=$dir/vfs.sock
	"$VIRTIOFSD" --socket-path="$VIRTIOFS_SOCK" -o source=/ -o cache=auto -o sandbox=chroot \
		</dev/null >"$WORK/virtiofsd.log" 2>&1 &
	VIRTIOFSD_PID=$!
	for i in $(seq 1 100); do
		[ -S "$VIRTIOFS_SOCK" ] && return 0
		kill -0 "$VIRTIOFSD_PID" 2>/dev/null || break
		sleep 0.02
	done
	sed 's/^/  | /' "$WORK/virtiofsd.log" >&2
	return 1
}

# stop_virtiofsd: end this run's virtiofsd, if it still runs.
# shellcheck disable=SC2317 # reached through the EXIT trap
stop_virtiofsd() {
	[ -n "$VIRTIOFSD_PID" ] || return 0
	kill -TERM "$VIRTIOFSD_PID" 2>/dev/null
	wait "$VIRTIOFSD_PID" 2>/dev/null
	VIRTIOFSD_PID=
}

# virtiofs_qemu_args: print (NUL separated) the QEMU options of the share: guest RAM in a shared
# memfd (vhost-user needs it, sized as -m), and the vhost-user-fs device with the tag "host".
virtiofs_qemu_args() {
	printf '%s\0' -object "memory-backend-memfd,id=mem,size=$OPT_MEM,share=on" \
		-numa node,memdev=mem \
		-chardev "socket,id=vfs,path=$(chardev_path "$VIRTIOFS_SOCK")" \
		-device vhost-user-fs-pci,queue-size=1024,chardev=vfs,tag=host
}
