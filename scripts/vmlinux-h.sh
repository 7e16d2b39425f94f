#!/usr/bin/env bash
# Regenerates the probe SDK's minimal vmlinux.h (framework/probe-sdk/src/main/bpf/vmlinux/vmlinux.h) from
# a kernel BTF and the list of types and members beside it (vmlinux.fields). Run it after adding a
# kernel type or member that a BPF program needs; commit both files. Any kernel with those members
# gives the same header (VmlinuxHeaderTest checks the checked-in one against this machine's BTF).
# Usage: scripts/vmlinux-h.sh [BTF_FILE [ARCH]]   (default: /sys/kernel/btf/vmlinux, this machine's arch)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
btf=${1:-/sys/kernel/btf/vmlinux}
case "${2:-$(uname -m)}" in
  x86_64|amd64|x86) arch=x86 ;; aarch64|arm64) arch=arm64 ;; *) arch=${2:-$(uname -m)} ;;
esac
[ -r "$btf" ] || { echo "vmlinux-h.sh: no readable BTF at $btf: give a kernel BTF file (e.g. from /sys/kernel/btf/vmlinux of any machine)" >&2; exit 2; }
dir="$root/framework/probe-sdk/src/main/bpf/vmlinux"
cd "$root"
mvn -B -q ${MVN_ARGS:-} -pl framework/probe-sdk -am compile >/dev/null || { echo "vmlinux-h.sh: building the SDK failed: run mvn -pl framework/probe-sdk -am compile" >&2; exit 1; }
java -cp "framework/probe-sdk/target/classes:framework/btf/target/classes" io.pkttrace.sdk.VmlinuxHeader \
  "$btf" "$dir/vmlinux.fields" "$dir/vmlinux.h" "$arch"
echo "vmlinux-h.sh: wrote $dir/vmlinux.h ($(wc -c <"$dir/vmlinux.h") bytes) from $btf" >&2
