#!/usr/bin/env bash
# Records lib/pkttrace.jsa, the class-data-sharing archive bin/pkttrace uses: classes come parsed and
# verified from it, which only saves start-up time (a stale or missing archive changes nothing else).
# The archive holds the classes one run loaded, so the run should be the one users wait for: a short
# trace (as root with BPF: the engine, libbpf through jnr-ffi, BTF, the trace command and a sink) takes
# ~20% less CPU to "tracing" with it than with the archive of `pkttrace plugins`, which is the fallback
# where the trace cannot run (no root or no BPF at build time). The JVM options must be bin/pkttrace's.
# Usage: cds-archive.sh DIST_HOME
home=$(readlink -f "$1")
jsa="$home/lib/pkttrace.jsa"
opts=$(sed -n 's/^jvm_opts=(\(.*\))$/\1/p' "$home/bin/pkttrace")
record() {
  rm -f "$jsa"
  # shellcheck disable=SC2086  # the options are words
  java $opts -XX:ArchiveClassesAtExit="$jsa" -Dpkttrace.home="$home" -cp "$home/lib/*" io.pkttrace.cli.Main "$@" >/dev/null 2>&1
  [ -s "$jsa" ]
}
if [ "$(id -u)" = 0 ] && record trace --probe netpath --duration 0.3; then
  echo "cds archive recorded from a 0.3 s trace of the netpath probe"
elif record plugins; then
  echo "cds archive recorded from 'pkttrace plugins' (no trace possible here: start-up is a little slower)"
else
  rm -f "$jsa"
  echo "cds archive not created (start-up is slower, nothing else changes)"
fi
