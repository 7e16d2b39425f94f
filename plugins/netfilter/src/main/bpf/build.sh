#!/usr/bin/env bash
# Compiles this plugin's BPF C (src/main/bpf/*.bpf.c) into CO-RE objects with the shared pkttrace
# headers (../../bpf/include) and a vmlinux.h from the running kernel's BTF. Called by this plugin's
# pom (exec step, generate-resources).
# Usage: build.sh OUT_DIR GEN_DIR
set -euo pipefail
out=$1 gen=$2
bpfdir=$(cd "$(dirname "$0")" && pwd)
include=$(cd "$bpfdir/../../../../../bpf/include" && pwd)
mkdir -p "$out" "$gen"
command -v clang >/dev/null && command -v bpftool >/dev/null \
  || { echo "netfilter plugin: clang and bpftool are needed: run scripts/setup.sh" >&2; exit 1; }
[ -s "$gen/vmlinux.h" ] || bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$gen/vmlinux.h"
arch=$(uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
for c in "$bpfdir"/*.bpf.c; do
  o="$out/$(basename "${c%.c}").o"
  clang -g -O2 -Wall -Werror -target bpf -D__TARGET_ARCH_"$arch" -I"$gen" -I"$include" -c "$c" -o "$o"
  # Keep BTF (CO-RE and the layout check need it), drop the DWARF.
  if command -v llvm-strip >/dev/null; then llvm-strip -g "$o"; fi
  echo "netfilter plugin: built $(basename "$o")"
done
