# shellcheck shell=bash
# tools/kvm-run.d/initramfs.sh: the nested machine's initramfs (and, without virtiofs, the copy of the tree in it).
# Sourced by tools/kvm-run; uses its msg, die, EX_* and OPT_* names.

# guest_cwd: print the directory the command runs in: the current one when the host's files are
# shared (SHARE=virtiofs); with a copy, the current one if inside the repo, else the repo's root.
guest_cwd() {
	local here
	here=$(pwd -P)
	[ "$SHARE" = virtiofs ] && echo "$here" && return
	case $here/ in
	"$ROOT"/*) echo "$here" ;;
	*) echo "$ROOT" ;;
	esac
}

# resolve_command NAME: set CMD_HOST to the host file to carry in for NAME ("" if busybox provides it).
resolve_command() {
	local name=$1
	CMD_HOST=
	case $name in
	/*) CMD_HOST=$name ;;
	*/*) CMD_HOST=$(realpath -m -s "$GUEST_CWD/$name") ;;
	*)
		# Shared files: the command runs on the host's own programs, found on the host's PATH.
		if [ "$SHARE" != virtiofs ] && busybox_has "$name"; then return 0; fi
		CMD_HOST=$(type -P "$name") || die $EX_NOTFOUND "$name: command not found (neither a busybox applet nor on PATH)"
		;;
	esac
	[ -f "$CMD_HOST" ] || die $EX_NOTFOUND "$name: no such file ($CMD_HOST)"
	[ -x "$CMD_HOST" ] || die $EX_NOTFOUND "$name: not executable ($CMD_HOST)"
}

declare -A BUSYBOX_APPLETS=()
# busybox_has NAME: true if busybox offers NAME as an applet.
busybox_has() {
	if [ ${#BUSYBOX_APPLETS[@]} -eq 0 ]; then
		local a
		for a in $("$BUSYBOX" --list); do BUSYBOX_APPLETS[$a]=1; done
	fi
	[ -n "${BUSYBOX_APPLETS[$1]:-}" ]
}

# is_elf FILE: true if FILE starts with the ELF magic.
is_elf() {
	local magic
	LC_ALL=C read -r -N 4 magic <"$1" 2>/dev/null || return 1
	[ "$magic" = $'\x7fELF' ]
}

# repo_files: print (NUL-separated, relative to ROOT) the files of the working tree to carry in:
# git-tracked and untracked files, all of build/ (build/bin/vmm), every file at the top level
# (./guest.elf). Without git: nothing, and copy_repo takes the whole tree.
repo_files() {
	# safe.directory: a repository owned by another user is still ours to read.
	git -c safe.directory="$ROOT" -C "$ROOT" ls-files -z -co --exclude-standard 2>/dev/null || return 1
	(cd "$ROOT" && find . -maxdepth 1 \( -type f -o -type l \) -printf '%P\0')
	if [ -d "$ROOT/build" ]; then (cd "$ROOT" && find build \( -type f -o -type l \) -print0); fi
}

# copy_repo STAGE: copy the working tree into STAGE at its own absolute path: the files repo_files
# names, or without git everything but .git and .cache (no other ignored caches either way).
copy_repo() {
	local dest=$1$ROOT list=$WORK/repo-files
	mkdir -p "$dest" || return 1
	# Files may change or vanish while we read (a parallel build): tar says so with status 1,
	# which is not an error here; the command sees whatever state the tree was in.
	if git -c safe.directory="$ROOT" -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
		repo_files | sort -zu >"$list"; then
		tar -C "$ROOT" --null --ignore-failed-read --warning=none -T "$list" -cf - | tar -C "$dest" -xf -
	else
		tar -C "$ROOT" --exclude=./.git --exclude=./.cache --warning=none -cf - . | tar -C "$dest" -xf -
	fi
	local status=("${PIPESTATUS[@]}")
	[ "${status[0]}" -le 1 ] && [ "${status[1]}" -eq 0 ]
}

# add_host_file STAGE PATH: copy the host file PATH (symlinks followed) to the same path in STAGE.
add_host_file() {
	local stage=$1 path=$2
	[ -e "$stage$path" ] && return 0
	mkdir -p "$stage$(dirname "$path")" && cp -L "$path" "$stage$path"
}

# shebang_interpreter FILE: print the host path of the interpreter FILE's #! line names, if any.
shebang_interpreter() {
	local line interp arg
	LC_ALL=C read -r line <"$1" 2>/dev/null || return 1
	case $line in "#!"*) ;; *) return 1 ;; esac
	read -r interp arg <<<"${line#\#!}"
	if [ "$(basename "$interp")" = env ] && [ -n "${arg:-}" ]; then
		type -P "${arg%% *}"
	else
		echo "$interp"
	fi
}

# add_interpreters STAGE: carry the shells that scripts in the staged tree name (bash etc.),
# and whatever interpreter COMMAND names; busybox provides sh itself.
add_interpreters() {
	local stage=$1 f interp
	while IFS= read -r -d '' f; do
		is_elf "$f" && continue
		interp=$(shebang_interpreter "$f") || continue
		case $SHEBANG_SHELLS in *" $(basename "$interp") "*) ;; *) [ "${f#"$stage"}" = "$CMD_HOST" ] || continue ;; esac
		[ -x "$interp" ] && ! [ -e "$stage$interp" ] && add_host_file "$stage" "$interp"
	done < <(find "$stage" -path "$stage/kvm-run" -prune -o -type f -perm -u+x -print0)
}

# add_libraries STAGE: for every ELF file in STAGE, carry the shared libraries (and the loader)
# ldd lists for the matching host file, at their host paths.
add_libraries() {
	local stage=$1 f lib
	local -a elfs=()
	while IFS= read -r -d '' f; do
		is_elf "$f" && elfs+=("${f#"$stage"}")
	done < <(find "$stage" -path "$stage/kvm-run" -prune -o -type f \
		\( -perm -u+x -o -name '*.so' -o -name '*.so.*' \) -print0)
	[ ${#elfs[@]} -gt 0 ] || return 0
	# ldd runs on the host copies, so $ORIGIN-relative RUNPATHs resolve to host paths.
	while IFS= read -r lib; do
		case $lib in
		"not found:"*) msg "warning: shared library ${lib#not found:} not found on the host" ;;
		/*) add_host_file "$stage" "$lib" || return 1 ;;
		esac
	done < <(ldd "${elfs[@]}" 2>/dev/null | awk '
		/=> not found/ { print "not found:" $1; next }
		/=> \// { print $3; next }
		/^[ \t]+\// { print $1 }' | sort -u)
}

# write_inputs STAGE ARGV...: the config, environment and argv files /init reads.
write_inputs() {
	local stage=$1 name arg
	shift
	mkdir -p "$stage/kvm-run"
	{
		echo "KVM_RUN_MMU=$OPT_MMU"
		echo "KVM_RUN_CWD=$(shell_quote "$GUEST_CWD")"
		echo "KVM_RUN_SHARE=$SHARE"
	} >"$stage/kvm-run/config"
	if [ "$SHARE" = virtiofs ]; then
		writable_dirs "$GUEST_CWD" >"$stage/kvm-run/rw" || return 1
	fi
	{
		for name in $(compgen -e); do
			case $name in
			CMOCKA_* | VMM_* | TEST_*) ;;
			*) case " ${KVM_RUN_PASS_ENV:-} " in *" $name "*) ;; *) continue ;; esac ;;
			esac
			echo "export $name=$(shell_quote "${!name}")"
		done
		echo "export KVM_RUN_NESTED=1 KVM_RUN_MMU=$OPT_MMU"
		# The host's file system, so the host's PATH finds the same programs.
		[ "$SHARE" = virtiofs ] && echo "export PATH=$(shell_quote "$PATH")"
	} >"$stage/kvm-run/env"
	{
		printf 'set --'
		for arg in "$@"; do printf ' %s' "$(shell_quote "$arg")"; done
		echo
	} >"$stage/kvm-run/argv"
}

# build_initramfs OUT ARGV...: write this run's newc initramfs to OUT (gzip'd if
# KVM_RUN_COMPRESS=gzip). With SHARE=virtiofs it holds busybox, /init, the modules and the inputs;
# with SHARE=copy also the tree, COMMAND and the libraries they need.
build_initramfs() {
	local out=$1 stage=$WORK/stage
	shift
	mkdir -p "$stage/bin" "$stage/kvm-run/modules" || return 1
	cp "$BUSYBOX" "$stage/bin/busybox" || return 1
	cp "$HELPERS/init.sh" "$stage/init" && chmod 0755 "$stage/init" || return 1
	local mod
	for mod in "${KVM_MODULES[@]}"; do cp "$KERNEL_DIR/$(basename "$mod")" "$stage/kvm-run/modules/" || return 1; done
	if [ "$SHARE" = virtiofs ]; then
		for mod in "${VIRTIOFS_MODULES[@]}"; do cp "$KERNEL_DIR/$(basename "$mod")" "$stage/kvm-run/modules/" || return 1; done
	else
		copy_repo "$stage" || return 1
		if [ -n "$CMD_HOST" ]; then add_host_file "$stage" "$CMD_HOST" || return 1; fi
		add_interpreters "$stage" || return 1
		add_libraries "$stage" || return 1
	fi
	write_inputs "$stage" "$@" || return 1
	# -R 0:0: the files belong to root inside, whoever built the archive.
	# Uncompressed by default: measured here with a 28 MB tree (ASan libraries), gzip -1 cost
	# about 0.5 s on the host and 0.7 s of inflating under TCG, while an uncompressed archive
	# unpacked in 0.25 s; QEMU loads the file into guest RAM with no cost worth counting.
	(cd "$stage" && find . -mindepth 1 | cpio -o -H newc -R 0:0 --quiet) |
		if [ "${KVM_RUN_COMPRESS:-none}" = gzip ]; then gzip -1; else cat; fi >"$out"
}
