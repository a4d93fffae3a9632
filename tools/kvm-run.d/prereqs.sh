# shellcheck shell=bash
# tools/kvm-run.d/prereqs.sh: the host programs nested mode needs, and installing them (as root).
# Sourced by tools/kvm-run; uses its msg, die, EX_* and OPT_* names.

# Programs nested mode needs on the host, and the Debian package that provides each.
PREREQS=(
	qemu-system-x86_64:qemu-system-x86
	busybox:busybox-static
	cpio:cpio
	gzip:gzip
	tar:tar
	ldd:libc-bin
	flock:util-linux
	timeout:coreutils
	tail:coreutils
)

# find_busybox: print the path of the host's busybox (the static one in /bin first).
find_busybox() {
	if [ -x /bin/busybox ]; then echo /bin/busybox; else command -v busybox; fi
}

# missing_packages: print the packages whose programs are missing (one line, space separated).
missing_packages() {
	local entry prog pkg out=
	for entry in "${PREREQS[@]}"; do
		prog=${entry%%:*} pkg=${entry#*:}
		if [ "$prog" = busybox ]; then
			[ -n "$(find_busybox)" ] && continue
		else
			command -v "$prog" >/dev/null 2>&1 && continue
		fi
		case " $out " in *" $pkg "*) ;; *) out="$out $pkg" ;; esac
	done
	echo "${out# }"
}

# apt_install PKG...: install as root, running apt-get update first if the lists are missing.
apt_install() {
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y "$@" >&2 && return 0
	msg "apt-get install failed; running apt-get update and retrying"
	apt-get update >&2 && apt-get install -y "$@" >&2
}

# ensure_prereqs: install what nested mode lacks when root; otherwise say what to run and exit.
ensure_prereqs() {
	local missing
	missing=$(missing_packages)
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		msg "nested mode needs packages that are not installed: $missing"
		msg "install them (as root) with:"
		echo "apt-get install -y $missing" >&2
		exit $EX_PREREQ
	fi
	command -v apt-get >/dev/null 2>&1 || die $EX_PREREQ "missing $missing and no apt-get to install it"
	msg "installing $missing"
	# shellcheck disable=SC2086 # one word per package
	apt_install $missing || die $EX_PREREQ "could not install: $missing"
	missing=$(missing_packages)
	[ -z "$missing" ] || die $EX_PREREQ "still missing after apt-get install: $missing"
}
