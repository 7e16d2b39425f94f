#!/usr/bin/env bash
# Compiles every src/*.bpf.c into a CO-RE BPF object (clang -target bpf, BTF relocations against the
# running kernel's vmlinux.h, so no kernel headers are needed). Called by Maven (bpf/pom.xml), and by
# probe plugins that keep their BPF C beside their Java (plugins/vrouter/pom.xml): given FILE.bpf.c
# arguments it compiles only those into OUT_DIR, with each file's own directory on the include path.
# Usage: build.sh OUT_DIR GEN_DIR [FILE.bpf.c...]
set -euo pipefail
out=$1 gen=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out" "$gen"
for tool in clang bpftool; do
  command -v "$tool" >/dev/null || { echo "bpf/build.sh: '$tool' is missing: run scripts/setup.sh (apt-get install -y clang bpftool libbpf-dev)" >&2; exit 1; }
done
[ -r /sys/kernel/btf/vmlinux ] || { echo "bpf/build.sh: this kernel has no BTF (/sys/kernel/btf/vmlinux): CO-RE objects need a kernel built with CONFIG_DEBUG_INFO_BTF=y" >&2; exit 1; }
[ -s "$gen/vmlinux.h" ] || bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$gen/vmlinux.h"
case "$(uname -m)" in
  x86_64) arch=x86 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;;
esac
# src/: objects plugins ship; testing/: objects only tests load (io/pkttrace/bpf/testing/).
if [ $# -gt 0 ]; then
  sources=("$@")
else
  mkdir -p "$out/testing"
  sources=("$here"/src/*.bpf.c "$here"/testing/*.bpf.c)
fi
for src in "${sources[@]}"; do
  case "$src" in "$here"/testing/*) dest="$out/testing" ;; *) dest="$out" ;; esac
  obj="$dest/$(basename "${src%.c}").o"
  clang -g -O2 -Wall -Werror -target bpf -D__TARGET_ARCH_"$arch" -I"$gen" -I"$here/include" -I"$(dirname "$src")" \
    -c "$src" -o "$obj"
  # DWARF is only needed to produce BTF; dropping it shrinks the object ~10x (BTF sections stay).
  if command -v llvm-strip >/dev/null; then llvm-strip -g "$obj"; fi
  echo "bpf: built $(basename "$obj")"
done
