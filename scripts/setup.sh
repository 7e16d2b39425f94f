#!/usr/bin/env bash
# Installs what pkttrace needs to build, test and run on Debian 12 (bookworm), as root.
# Idempotent and quick when everything is present: it asks dpkg first and only runs apt-get
# (update + install) for packages that are missing. It then checks the kernel exposes BTF.
# Usage: sudo scripts/setup.sh
set -euo pipefail

# JDK + Maven build the Java side (asciidoctor turns the generated man page sources into roff; dpkg-deb,
# part of dpkg, packs the .deb); clang/llvm/libbpf-dev/bpftool build the BPF objects (CO-RE);
# libbpf1 and libnftables1 are loaded at run time (jnr-ffi; the netfilter probe creates its table and
# lists rules through libnftables); iproute2/iptables/nftables/iputils-ping/procps are what the demo and
# the tests drive (util-linux's setpriv and taskset too); bpftrace, gcc and make are used by tests and
# for debugging; chromium (headless) renders the html sink's pages in the tests; tcpdump is the
# reference the path tests compare pkttrace's rows with, interface by interface; tshark reads the pcapng
# sink's captures in the tests (noninteractive: its setuid dumpcap question keeps the default, no);
# man-db renders the man pages and zsh runs the zsh completion in the tests.
# dwarves (pahole) turns a user-space vrouter's DWARF into BTF at run time (pkttrace vrouter --binary);
# g++, flex, bison, libboost-dev and liburcu-dev build the real vrouter datapath the tests trace
# (../shared/vrouter/build.sh); binutils' objcopy and readelf are used by those tests.
# bsdutils' script gives the status-line test a pseudo-terminal; util-linux's setpriv runs doctor unprivileged.
packages=(
  openjdk-17-jdk-headless maven asciidoctor
  clang llvm libbpf-dev libbpf1 bpftool libnftables1
  iproute2 iptables nftables iputils-ping procps util-linux bsdutils
  bpftrace gcc make tcpdump tshark man-db zsh
  chromium
  dwarves g++ flex bison libboost-dev liburcu-dev binutils
)

die() { echo "setup.sh: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (it installs system packages): sudo scripts/setup.sh"
if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
  die "needs a Debian-based system with dpkg and apt-get (tested on Debian 12)"
fi

missing=()
for p in "${packages[@]}"; do
  # 'dpkg -s' also succeeds for removed packages whose config files remain: ask for the status word.
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q </dev/null || die "apt-get update failed (see above)"
  apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null \
    || die "apt-get install ${missing[*]} failed (see above)"
fi

# Building needs no kernel BTF (the BPF objects compile against the probe SDK's checked-in vmlinux.h);
# loading them does: CO-RE relocates them against the running kernel's BTF, and the kernel tests load them.
[ -r /sys/kernel/btf/vmlinux ] \
  || echo "setup.sh: warning: this kernel exposes no BTF (/sys/kernel/btf/vmlinux is missing): pkttrace builds, but tracing and the kernel tests need a kernel built with CONFIG_DEBUG_INFO_BTF=y" >&2

# The JDK Maven will use must be 17 or newer (another, older default java would break the build).
java_version=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
[ "${java_version%%.*}" -ge 17 ] 2>/dev/null \
  || die "'java' on PATH is version ${java_version:-unknown}, pkttrace needs 17 or newer: update-alternatives --config java"

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup.sh: prerequisites installed" >&2
fi
