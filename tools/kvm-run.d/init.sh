#!/bin/busybox sh
# /init of the initramfs that tools/kvm-run boots in QEMU: load KVM, run one command, report, power off.
#
# Channels (set up by kvm-run on the QEMU side):
#   ttyS0  kernel console and this script's own messages
#   ttyS1  the command's stdout          ttyS2  the command's stderr
#   ttyS3  status lines for kvm-run: "started", then "exit N"; or "fail REASON" if setup failed;
#          and "beat" every 5 s from the start, by this kernel's clock (kvm-run's --stall)
# Inputs written by kvm-run into the initramfs:
#   /kvm-run/config   KVM_RUN_MMU (npt|shadow), KVM_RUN_CWD (absolute directory to run in) and
#                     KVM_RUN_SHARE (virtiofs: the host's / is served with the tag "host";
#                     copy: the tree is in this initramfs)
#   /kvm-run/rw       with virtiofs: the directories the command may write in, one a line,
#                     parents first (kvm-run.d/virtiofs.sh says why)
#   /kvm-run/env      export lines for the variables passed through
#   /kvm-run/argv     one `set -- 'arg' ...` line: argv, single-quoted so any byte survives
#   /kvm-run/modules  irqbypass.ko kvm.ko kvm-amd.ko, and with virtiofs the virtio and fuse modules
# shellcheck disable=SC1091 # those files exist only in the initramfs

/bin/busybox mkdir -p /proc /sys /dev /tmp /run /sbin /usr/bin /usr/sbin
/bin/busybox mount -t devtmpfs devtmpfs /dev
# The archive carries no device nodes (building it needs no root), so the kernel could not give us
# /dev/console as stdio: take it now that devtmpfs is there.
exec </dev/null >/dev/console 2>&1
# Applet links never replace host programs already copied in (symlink creation fails on existing files).
/bin/busybox --install -s
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
mkdir -p /root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
# A COMMAND carried in from the host's /tmp lives in the initramfs' /tmp: do not hide it.
[ -n "$(ls -A /tmp)" ] || mount -t tmpfs tmpfs /tmp
mkdir -p /dev/shm && mount -t tmpfs tmpfs /dev/shm

STATUS=/dev/ttyS3

# say MSG: a progress line on the console, with the uptime (hidden unless kvm-run -v, shown when
# something fails).
say() {
	read -r up _ </proc/uptime
	echo "kvm-run-init: [$up] $*"
}

# report LINE: one status line to kvm-run; stty's TCSADRAIN waits until the UART has sent it.
report() { echo "$*" >"$STATUS"; stty -F "$STATUS" raw -echo 2>/dev/null; }

# fail REASON: tell kvm-run that setup failed (it exits 126), show the kernel's last words, power off.
fail() {
	say "FAILED: $*"
	# The kernel's words about kvm/svm/modules, or else its last lines.
	dmesg | grep -iE 'kvm|svm|module|npt|insmod|error|fail' | tail -n 20 | grep . || dmesg | tail -n 10
	report "fail $*"
	poweroff -f
	exit 1
}

# Raw mode: no \n -> \r\n translation and no echo on the data ports; clocal: an open never waits
# for a modem carrier.
for port in /dev/ttyS1 /dev/ttyS2 /dev/ttyS3; do
	[ -c "$port" ] || fail "serial port $port missing"
	stty -F "$port" 115200 raw -echo clocal || fail "cannot set $port to raw mode"
done

# The heartbeat: if this kernel's timers stop, it stops, and kvm-run notices.
(while :; do
	echo beat >"$STATUS"
	sleep 5
done) &
HEARTBEAT=$!

[ -r /kvm-run/config ] || fail "/kvm-run/config missing"
. /kvm-run/config

case "$KVM_RUN_MMU" in
npt) npt=1 want=Y ;;
shadow) npt=0 want=N ;;
*) fail "unknown KVM_RUN_MMU '$KVM_RUN_MMU'" ;;
esac

grep -qw svm /proc/cpuinfo || fail "CPU does not offer svm (QEMU -cpu lacks +svm?)"
say "loading kvm modules (npt=$npt)"
insmod /kvm-run/modules/irqbypass.ko || fail "insmod irqbypass.ko failed"
insmod /kvm-run/modules/kvm.ko || fail "insmod kvm.ko failed"
insmod /kvm-run/modules/kvm-amd.ko npt=$npt || fail "insmod kvm-amd.ko npt=$npt failed"

# devtmpfs creates the node when kvm registers its misc device; make it by hand if not.
[ -c /dev/kvm ] || mknod /dev/kvm c 10 232
[ -c /dev/kvm ] || fail "/dev/kvm missing after loading kvm-amd"
chmod 0666 /dev/kvm

got=$(cat /sys/module/kvm_amd/parameters/npt 2>/dev/null)
case "$got" in
1) got=Y ;;
0) got=N ;;
esac
[ "$got" = "$want" ] || fail "kvm_amd npt is '$got', wanted '$want' for --mmu $KVM_RUN_MMU"
say "kvm ready: /dev/kvm present, kvm_amd npt=$got"

# share_host: the host's / at /host, read-only but for the directories in /kvm-run/rw, with this
# machine's /dev, /proc and /sys over the host's.
share_host() {
	for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci fuse virtiofs; do
		insmod "/kvm-run/modules/$m.ko" || fail "insmod $m.ko failed"
	done
	mkdir -p /rw /host
	mount -t virtiofs host /rw || fail "cannot mount the host's files (virtiofs tag host)"
	mount -o bind /rw /host && mount -o remount,bind,ro /host || fail "cannot bind the host's / read-only"
	while IFS= read -r dir; do
		mount -o bind "/rw$dir" "/host$dir" || fail "cannot bind $dir read-write"
	done </kvm-run/rw
	mount -t devtmpfs devtmpfs /host/dev || fail "cannot mount /dev over the host's"
	mount -t tmpfs tmpfs /host/dev/shm
	mount -t proc proc /host/proc || fail "cannot mount /proc over the host's"
	mount -t sysfs sysfs /host/sys || fail "cannot mount /sys over the host's"
	say "host files shared: / read-only, read-write: $(tr '\n' ' ' </kvm-run/rw)"
}

if [ "$KVM_RUN_SHARE" = virtiofs ]; then
	share_host
	[ -d "/host$KVM_RUN_CWD" ] || fail "cannot cd to $KVM_RUN_CWD (not in the shared host files)"
else
	cd "$KVM_RUN_CWD" || fail "cannot cd to $KVM_RUN_CWD"
fi
[ -r /kvm-run/env ] && . /kvm-run/env
. /kvm-run/argv || fail "cannot read /kvm-run/argv"
[ $# -gt 0 ] || fail "no command given"

say "running: $*"
report started
if [ "$KVM_RUN_SHARE" = virtiofs ]; then
	# The host's sh: the command runs on the host's programs, in the same directory.
	/bin/busybox chroot /host /bin/sh -c 'cd "$0" && exec "$@"' "$KVM_RUN_CWD" "$@" \
		</dev/null >/dev/ttyS1 2>/dev/ttyS2
else
	"$@" </dev/null >/dev/ttyS1 2>/dev/ttyS2
fi
rc=$?
# Wait until everything the command wrote has left the UARTs before the status line goes out.
stty -F /dev/ttyS1 raw -echo
stty -F /dev/ttyS2 raw -echo
say "command exited with status $rc"
kill "$HEARTBEAT"
report "exit $rc"
poweroff -f
