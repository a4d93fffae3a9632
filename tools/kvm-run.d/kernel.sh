# shellcheck shell=bash
# tools/kvm-run.d/kernel.sh: the nested kernel and its modules, fetched once into a cache.
# Sourced by tools/kvm-run; uses its msg, die, EX_* and OPT_* names.

KERNEL_META_PKG=linux-image-cloud-amd64
KVM_MODULES=(kernel/virt/lib/irqbypass.ko kernel/arch/x86/kvm/kvm.ko kernel/arch/x86/kvm/kvm-amd.ko)
# virtiofs and what it stands on, in load order (init.sh loads them in this order).
VIRTIOFS_MODULES=(kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko
	kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio_pci_legacy_dev.ko
	kernel/drivers/virtio/virtio_pci.ko kernel/fs/fuse/fuse.ko kernel/fs/fuse/virtiofs.ko)
# The cache layout: kernel.2 holds the virtiofs modules too.  A new name rather than refilling
# kernel/, which runners of the old layout (other worktrees) may be reading at the same moment.
KERNEL_SUBDIR=kernel.2

cache_dir() {
	if [ -n "${KVM_RUN_CACHE:-}" ]; then
		echo "$KVM_RUN_CACHE"
	elif [ -n "${XDG_CACHE_HOME:-}" ]; then
		echo "$XDG_CACHE_HOME/kvm-run"
	else
		echo "${HOME:-/tmp}/.cache/kvm-run"
	fi
}

# kernel_package_name: print the linux-image-*-cloud-amd64 package the meta package points at now.
kernel_package_name() {
	local name
	name=$(apt-cache depends "$KERNEL_META_PKG" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-.*-cloud-amd64$/ { print $2; exit }')
	if [ -z "$name" ] && [ "$(id -u)" -eq 0 ]; then
		msg "apt-cache does not know $KERNEL_META_PKG; running apt-get update"
		apt-get update >&2 || return 1
		name=$(apt-cache depends "$KERNEL_META_PKG" 2>/dev/null |
			awk '$1 == "Depends:" && $2 ~ /^linux-image-.*-cloud-amd64$/ { print $2; exit }')
	fi
	[ -n "$name" ] || return 1
	echo "$name"
}

# install_module SRC DEST: copy one kernel module, decompressing .ko.xz / .ko.zst / .ko.gz.
install_module() {
	case $1 in
	*.ko) cp "$1" "$2" ;;
	*.ko.xz) xz -dc "$1" >"$2" ;;
	*.ko.zst) zstd -qdc "$1" >"$2" ;;
	*.ko.gz) gzip -dc "$1" >"$2" ;;
	*) return 1 ;;
	esac
}

# unpack_kernel DEB DEST: extract vmlinuz, the kvm and the virtiofs modules from a kernel package into DEST.
unpack_kernel() {
	local deb=$1 dest=$2 x=$2.x mod found f
	dpkg -x "$deb" "$x" || return 1
	mkdir -p "$dest"
	f=$(find "$x/boot" -name 'vmlinuz-*' -type f | head -n 1)
	[ -n "$f" ] || { msg "no vmlinuz in $deb"; return 1; }
	cp "$f" "$dest/vmlinuz"
	for mod in "${KVM_MODULES[@]}" "${VIRTIOFS_MODULES[@]}"; do
		found=
		for f in "$x"/lib/modules/*/"$mod" "$x"/lib/modules/*/"$mod".{xz,zst,gz} \
			"$x"/usr/lib/modules/*/"$mod" "$x"/usr/lib/modules/*/"$mod".{xz,zst,gz}; do
			[ -f "$f" ] && found=$f && break
		done
		[ -n "$found" ] || { msg "no $mod in $deb"; return 1; }
		install_module "$found" "$dest/$(basename "$mod")" || { msg "cannot unpack $found"; return 1; }
	done
	rm -rf "$x"
}

# fetch_kernel: make sure the cache holds a kernel; sets KERNEL_DIR. Downloads once, under a lock.
fetch_kernel() {
	local cache pkg tmp lockfd
	cache=$(cache_dir)
	KERNEL_DIR=$cache/$KERNEL_SUBDIR
	[ -f "$KERNEL_DIR/READY" ] && return 0
	mkdir -p "$cache" || die $EX_SETUP "cannot create the cache directory $cache"
	exec {lockfd}>"$cache/lock" || die $EX_SETUP "cannot open $cache/lock"
	flock "$lockfd" || die $EX_SETUP "cannot lock $cache/lock"
	# Another run may have filled the cache while we waited for the lock.
	if [ ! -f "$KERNEL_DIR/READY" ]; then
		for prog in apt-get apt-cache dpkg; do
			command -v $prog >/dev/null 2>&1 || die $EX_PREREQ "the kernel is not cached in $cache and $prog is missing to fetch it"
		done
		pkg=$(kernel_package_name) ||
			die $EX_SETUP "cannot find the package behind $KERNEL_META_PKG (apt lists missing? run apt-get update)"
		msg "downloading $pkg into $cache (once)"
		tmp=$(mktemp -d "$cache/fetch.XXXXXX") || die $EX_SETUP "cannot create a directory in $cache"
		CLEANUP_PATHS+=("$tmp")
		# apt-get download as root warns that the _apt user cannot write here; it still downloads.
		if ! (cd "$tmp" && apt-get download "$pkg") >"$tmp/apt.log" 2>&1; then
			sed 's/^/  | /' "$tmp/apt.log" >&2
			die $EX_SETUP "apt-get download $pkg failed"
		fi
		unpack_kernel "$tmp"/*.deb "$tmp/kernel" || die $EX_SETUP "cannot unpack $pkg"
		echo "$pkg" >"$tmp/kernel/PACKAGE"
		touch "$tmp/kernel/READY"
		# The rename publishes a complete directory: readers never see a half-filled one.
		rm -rf "$KERNEL_DIR"
		mv "$tmp/kernel" "$KERNEL_DIR" || die $EX_SETUP "cannot move the kernel into $KERNEL_DIR"
		rm -rf "$tmp"
	fi
	exec {lockfd}>&-
}
