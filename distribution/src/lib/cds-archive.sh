#!/usr/bin/env bash
# Records the class-data-sharing archives bin/pkttrace uses: classes come parsed and verified from them,
# which only saves start-up time (a stale or missing archive changes nothing else). Two archives, because
# the JDK 17 archive made at exit leaves out classes older than Java 6 (picocli's, jnr-ffi's assembler)
# and a class list names no class of the plugins' class loaders:
#   lib/pkttrace-base.jsa  the JDK's and the libraries' classes a run loaded (-Xshare:dump of its class list)
#   lib/pkttrace.jsa       on top of it, pkttrace's and its plugins' classes (-XX:ArchiveClassesAtExit)
# The run should be the one users wait for: a short trace (as root with BPF: the engine, libbpf through
# jnr-ffi, BTF, the trace command and a sink) takes ~20% less CPU to "tracing" with it than with the
# archives of `pkttrace plugins`, which is the fallback where the trace cannot run (no root or no BPF), and
# what the .deb's postinst asks for (it touches no kernel at installation). The JVM options must be
# bin/pkttrace's. Usage: cds-archive.sh DIST_HOME [COMMAND ARGS...]
home=$(readlink -f "$1")
shift
base="$home/lib/pkttrace-base.jsa"
top="$home/lib/pkttrace.jsa"
# bin/pkttrace's jvm_opts=(...) line, evaluated as the launcher does (its options may be quoted).
eval "$(sed -n '/^jvm_opts=(.*)$/p' "$home/bin/pkttrace")"
list=$(mktemp)
trap 'rm -f "$list" "$list.more" "$list.once"' EXIT
pkttrace() { # JVM_OPTIONS... -- PKTTRACE_ARGS...
  local jvm=()
  while [ "$1" != -- ]; do jvm+=("$1"); shift; done
  shift
  java "${jvm_opts[@]}" "${jvm[@]}" -Dpkttrace.home="$home" -cp "$home/lib/*" io.pkttrace.cli.Main "$@" >/dev/null 2>&1
}
record() {
  rm -f "$base" "$top"
  pkttrace -XX:DumpLoadedClassList="$list" -- "$@" || return 1
  # The commands that only print start as often, and their classes (picocli's help, the listing) are in no
  # trace: the base archive holds theirs too (--help: 110 -> 17 classes parsed from jars, ~25 ms less).
  local more
  for more in --help plugins; do
    if [ "$*" != "$more" ] && pkttrace -XX:DumpLoadedClassList="$list.more" -- "$more"; then
      cat "$list.more" >>"$list"
    fi
  done
  rm -f "$list.more"
  awk '!seen[$0]++' "$list" >"$list.once" && mv "$list.once" "$list"
  # pkttrace's own classes go on top with the plugins' (the base holds what changes with the JDK and libraries).
  sed -i '/^io\/pkttrace\//d; /^@lambda-proxy io\/pkttrace\//d' "$list"
  java "${jvm_opts[@]}" -Xshare:dump -XX:SharedClassListFile="$list" -XX:SharedArchiveFile="$base" -cp "$home/lib/*" >/dev/null 2>&1 \
    && [ -s "$base" ] || return 1
  pkttrace -XX:SharedArchiveFile="$base" -XX:ArchiveClassesAtExit="$top" -- "$@" && [ -s "$top" ]
}
if [ $# -gt 0 ]; then
  if record "$@"; then
    echo "cds archives recorded from 'pkttrace $*'"
  else
    rm -f "$base" "$top"
    echo "cds archives not created (start-up is slower, nothing else changes)"
  fi
elif [ "$(id -u)" = 0 ] && record trace --probe netpath --duration 0.3; then
  echo "cds archives recorded from a 0.3 s trace of the netpath probe"
elif record plugins; then
  echo "cds archives recorded from 'pkttrace plugins' (no trace possible here: start-up is a little slower)"
else
  rm -f "$base" "$top"
  echo "cds archives not created (start-up is slower, nothing else changes)"
fi
