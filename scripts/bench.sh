#!/usr/bin/env bash
# shellcheck disable=SC2154  # R_<key>_<field> and B_<key> are assigned with printf -v
# Throughput and loss benchmark (issue 4): pkttrace against the producer limit, a reference C
# consumer and bpftrace on a synthetic hot hook, plus the cost of tracing real UDP packets, and the
# time to attach. Prints one table; docs/benchmarks.md explains every row and column.
#
# Usage: sudo scripts/bench.sh [--no-build] [--seconds S] [--jmh] [--jmh-only] [--only a|b|attach|netfilter|vrouter]
#   --no-build   use the existing distribution/target/pkttrace (default: mvn package it first)
#   --seconds S  length of each measured phase (default 5)
#   --jmh        also build and run the JMH microbenchmarks with the GC profiler (~2 more minutes)
#   --jmh-only   only the JMH microbenchmarks
#   --only a          only workload (a): the synthetic hot hook (pkttrace's sinks, C consumer, bpftrace)
#   --only b          only workload (b): UDP over a veth (filters; the flow sink's memory under a flood)
#   --only attach     only the times to attach (pkttrace and bpftrace) and to answer --help and plugins
#   --only netfilter  only workload (c): the netfilter probe over a veth with a 50-rule ruleset
#   --only vrouter    only workload (vrouter): the real vrouter datapath of ../shared traced with uprobes
# Environment: MVN_ARGS (extra Maven arguments, e.g. -o), RUNS_ATTACH (default 5), B_ROUNDS (default 7),
# B_SECONDS (default 1) and B_PIN (default 1: sender and pkttrace on different CPUs) for workloads (b)
# and (c), FLOOD_SECONDS (default 60: the flow sink's flood row of workload (b)), VR_ROUNDS (default 4000: driver rounds of 5 packets per
# traced row) and PKTTRACE_SHARED (default ../shared) for workload (vrouter), BENCH_DIST (an unpacked
# distribution to use instead of distribution/target/pkttrace).
# Needs root (BPF, network namespaces). Everything it starts is stopped, and the namespaces it
# creates (ptb<pid>-a/-b) are deleted, also on failure or Ctrl-C. Measuring takes about 2.5 minutes
# (plus 2 with --jmh), after the build.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=5
build=1
jmh=0
main=1
only=""
while [ $# -gt 0 ]; do
  case $1 in
    --no-build) build=0 ;;
    --seconds) seconds=$2; shift ;;
    --jmh) jmh=1 ;;
    --jmh-only) jmh=1; main=0 ;;
    --only) only=${2:-}; shift; case "$only" in a|b|attach|netfilter|vrouter) ;; *) echo "bench.sh: --only takes: a, b, attach, netfilter, vrouter" >&2; exit 2 ;; esac ;;
    -h|--help) sed -n '3,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
runs_attach=${RUNS_ATTACH:-5}
flood_seconds=${FLOOD_SECONDS:-60}
# True when the part named $1 (a, b, attach) runs: all of them unless --only names one.
want() { [ -z "$only" ] || [ "$only" = "$1" ]; }
warmup_calls=500000   # paced at 250k/s: 2 s in which JIT-compiled consumers compile their hot path

die() { echo "bench.sh: $*" >&2; exit 1; }
log() { echo "bench.sh: $*" >&2; }
[ "$(id -u)" -eq 0 ] || die "must run as root (it loads BPF programs and creates network namespaces)"

work=$(mktemp -d /tmp/ptbench.XXXXXX)
ns_a="ptb$$-a"
ns_b="ptb$$-b"
ns_c="ptb$$-c"
ns_d="ptb$$-d"
started=()           # pids of everything we start, stopped on exit
mounted_tracefs=0

cleanup() {
  local p
  for p in "${started[@]}"; do
    kill -TERM "$p" 2>/dev/null || true
  done
  for p in "${started[@]}"; do
    wait "$p" 2>/dev/null || true
  done
  for ns in "$ns_a" "$ns_b" "$ns_c" "$ns_d"; do ip netns del "$ns" 2>/dev/null || true; done
  if [ "$mounted_tracefs" = 1 ]; then umount /sys/kernel/tracing 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------- build
cd "$root"
if [ "$build" = 1 ]; then
  bash scripts/setup.sh
fi
if [ "$build" = 1 ] && [ "$main" = 1 ]; then
  log "building the distribution (mvn package -pl distribution -am, tests skipped)"
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_ARGS:-} -DskipTests -pl distribution -am package >"$work/mvn.log" 2>&1 \
    || { tail -40 "$work/mvn.log" >&2; die "build failed (log above)"; }
fi
dist="${BENCH_DIST:-$root/distribution/target/pkttrace}"
pt="$dist/bin/pkttrace"

run_jmh() {
  log "building the JMH benchmarks (mvn -Pbench -pl benchmarks/jmh -am package)"
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_ARGS:-} -Pbench -DskipTests -pl benchmarks/jmh -am package >"$work/mvn-jmh.log" 2>&1 \
    || { tail -40 "$work/mvn-jmh.log" >&2; die "JMH build failed (log above)"; }
  log "running JMH with -prof gc (about 2 minutes)"
  java -cp "$root/benchmarks/jmh/target/classes:$root/benchmarks/jmh/target/lib/*" org.openjdk.jmh.Main \
    -prof gc -rf text -rff "$work/jmh.txt" >"$work/jmh.log" 2>&1 || { tail -40 "$work/jmh.log" >&2; die "JMH failed"; }
  echo
  echo "JMH (ns/op = per event; gc.alloc.rate.norm = bytes allocated per event)"
  grep -E '^Benchmark|avgt' "$work/jmh.txt" | grep -vE 'gc\.(count|time)|churn|gc.alloc.rate '
  # The real Pipeline on its own consumer thread (the JMH pipeline* methods are a plain loop), with
  # bin/pkttrace's heap flags: its thread CPU per event, smallest of 5 rounds of 10 M events.
  echo
  java -XX:+UseSerialGC -Xms16m -cp "$root/benchmarks/jmh/target/classes:$root/benchmarks/jmh/target/lib/*" \
    io.pkttrace.core.engine.PipelineThreadCpu 10000000 5 || die "PipelineThreadCpu failed"
}

if [ "$main" = 0 ]; then
  run_jmh
  exit 0
fi

[ -x "$pt" ] || die "no distribution at $pt: run without --no-build"
# The C consumer loads the very object pkttrace's synthetic probe loads: the one in the bench plugin jar.
bench_jar=$(ls "$dist"/plugins/pkttrace-plugin-bench-*.jar 2>/dev/null | head -1)
[ -n "$bench_jar" ] || die "the bench plugin is not in $dist/plugins: run without --no-build"
(cd "$work" && jar xf "$bench_jar" bpf/synthetic.bpf.o) || die "cannot extract synthetic.bpf.o from $bench_jar"
obj="$work/bpf/synthetic.bpf.o"
[ -s "$obj" ] || die "$bench_jar has no bpf/synthetic.bpf.o: rebuild (run without --no-build)"
for tool in cc bpftrace ip taskset bpftool; do command -v "$tool" >/dev/null || die "'$tool' is missing: run scripts/setup.sh"; done
cc -O2 -I framework/probe-sdk/src/main/bpf/include -I plugins/bench/src/main/bpf -o "$work/consumer" benchmarks/c/consumer.c -lbpf || die "cannot build benchmarks/c/consumer.c (libbpf-dev?)"
cc -O2 -o "$work/getppid_loop" benchmarks/load/getppid_loop.c || die "cannot build the load generator"
cc -O2 -o "$work/udpflood" benchmarks/load/udpflood.c || die "cannot build the UDP flood generator"
plugins=$("$pt" plugins 2>&1) || die "pkttrace plugins failed: $plugins"
has_component() { awk -v t="$1" '$1 == t { found = 1 } END { exit !found }' <<<"$plugins"; }
has_component synthetic && has_component null || die "the bench plugin (probe synthetic, sink null) is not installed"
has_json=0; has_component json && has_json=1
has_flow=0; has_component flow && has_flow=1
has_fivetuple=0; has_component fivetuple && has_fivetuple=1

# ------------------------------------------------------------------------------------------- helpers
# Field VALUE of "key=value" pairs in a line.
kv() { sed -n "s/.*[ :]$1=\([^ ]*\).*/\1/p" <<<"$2" | head -1; }
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
wait_for() { # FILE PATTERN TIMEOUT_S PID: waits until FILE has PATTERN; fails if PID exits first
  local i
  for ((i = 0; i < $3 * 50; i++)); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$4" 2>/dev/null || return 1
    sleep 0.02
  done
  return 1
}
# Two new namespaces joined by a veth pair (eth0 in each), addressed and up: NS1 NS2 ADDR1/LEN ADDR2/LEN.
veth_pair() {
  ip netns add "$1"
  ip netns add "$2"
  ip -n "$1" link add eth0 type veth peer name eth0 netns "$2"
  ip -n "$1" addr add "$3" dev eth0
  ip -n "$2" addr add "$4" dev eth0
  local ns; for ns in "$1" "$2"; do ip -n "$ns" link set lo up; ip -n "$ns" link set eth0 up; done
}
# Removes a pid that was waited for from the list of processes to stop (pids get reused).
forget() { local p keep=(); for p in "${started[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; started=("${keep[@]}"); }
stop_pid() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; forget "$1"; }

# ------------------------------------------------------------- workload (vrouter): the real datapath
# vrdp_driver (../shared/vrouter, built -O2 into target/vrouter-datapath/O2 as the tests do) runs its
# five scenarios in rounds as fast as it can (-i 0) while pkttrace vrouter traces it with uprobes into
# the null sink. Rows: untraced, then 20 and 140 traced functions with no filter, a non-matching and a
# matching -a filter. Every traced call costs two traps (uprobe + uretprobe) in the traced process:
# that, not the consumer, sets the datapath's rate.
run_vrouter() {
  local shared="${PKTTRACE_SHARED:-$root/../shared}" vdir="$root/target/vrouter-datapath/O2" drv n0 n1 r0
  if [ ! -f "$shared/vrouter/build.sh" ]; then
    log "workload (vrouter): NOT RUN: $shared/vrouter (the real vrouter datapath) is missing"
    return 0
  fi
  has_component vrouter || die "the vrouter plugin is not installed"
  drv="$vdir/vrdp_driver"
  if [ ! -x "$drv" ]; then
    log "building the vrouter datapath (-O2) into $vdir (~40 s)"
    bash "$shared/vrouter/build.sh" "$vdir" >"$work/vrdp-build.log" 2>&1 || { tail -20 "$work/vrdp-build.log" >&2; die "datapath build failed"; }
  fi
  n0=200000
  n1=${VR_ROUNDS:-4000}
  printf '%s\n' vm_rx eth_rx vr_virtual_input vr_fabric_input vr_pkt_type vr_flow_forward vr_inet_flow_lookup \
    vr_flow_action vr_bridge_input nh_output nh_mpls_udp_tunnel eth_tx vr_l3_input vr_ip_input vr_ip_rcv vr_udp_input \
    vr_mpls_input nh_encap_l2 vr_trap agent_tx >"$work/f20"
  # 140: those 20 and the first 120 others whose packet argument pkttrace derives (reported at attach).
  echo '*' >"$work/fall"
  "$pt" vrouter -f "$work/fall" --binary "$drv" --sink null --duration 0.1 >/dev/null 2>"$work/fall.err" \
    || { cat "$work/fall.err" >&2; die "pkttrace vrouter failed"; }
  { cat "$work/f20"; sed -n 's/^pkttrace: vrouter:   packet in argument [0-9]*[^:]*: //p' "$work/fall.err" | tr ',' '\n' \
      | sed 's/^ *//' | grep -vxFf "$work/f20"; } | head -140 >"$work/f140"
  drive() { # ROUNDS: runs the driver, prints packets/s
    local t0 t1
    t0=$EPOCHREALTIME
    "$drv" -q -n "$1" -i 0 >/dev/null || die "vrdp_driver failed"
    t1=$EPOCHREALTIME
    awk -v n="$1" -v a="${t0/,/.}" -v b="${t1/,/.}" 'BEGIN { printf "%.0f", 5 * n / (b - a) }'
  }
  vrows=()
  vrow() { vrows+=("$(printf '%-60s %8s %10s %9s %6s %9s %8s %8s' "$@")"); printf '%s\n' "${vrows[-1]}" >&2; }
  vhdr=$(printf '%-60s %8s %10s %9s %6s %9s %8s %8s' ROW PKTS/S DELIVERED EVENTS/S LOST FILTERED "us/CALL" "BPF us")
  # The kernel's own accounting of BPF run time (run_time_ns, run_cnt), on for this workload only.
  local stats_before
  stats_before=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
  sysctl -q -w kernel.bpf_stats_enabled=1 || true
  echo "$vhdr" >&2
  drive 2000 >/dev/null # warm-up: page cache, flow table
  r0=$(drive "$n0")
  vrow "untraced ($n0 rounds)" "$r0" - - - - - -
  v_run() { # NAME FILE [pkttrace options...]
    local name=$1 f=$2 pp rate s del lost filt calls cost bpf; shift 2
    "$pt" vrouter -f "$f" --binary "$drv" --sink null --stats "$@" >/dev/null 2>"$work/vr.err" &
    pp=$!
    started+=("$pp")
    wait_for "$work/vr.err" 'pkttrace: tracing' 60 "$pp" || { cat "$work/vr.err" >&2; die "pkttrace vrouter did not start"; }
    rate=$(drive "$n1")
    sleep 0.3
    # BPF time per traced call: the entry and the return programs' run_time_ns / run_cnt, summed.
    bpf=$(bpftool prog show 2>/dev/null | awk '/ name pt_vr_u(ret)?probe / { for (i = 1; i <= NF; i++) {
        if ($i == "run_time_ns") t = $(i + 1); if ($i == "run_cnt") c = $(i + 1) }; if (c > 0) s += t / c; t = c = 0 }
        END { if (s > 0) printf "%.2f", s / 1000; else print "-" }')
    stop_pid "$pp"
    s=$(grep -m1 'kernel:' "$work/vr.err")
    del=$(sed -n 's/.* \([0-9]*\) delivered.*/\1/p' <<<"$s")
    lost=$(sed -n 's/.* \([0-9]*\) lost.*/\1/p' <<<"$s")
    filt=$(sed -n 's/.* \([0-9]*\) filtered;.*/\1/p' <<<"$s")
    # traced calls per packet: every call gives two records (entry, return), delivered, lost or filtered
    calls=$(awk -v d="$del" -v l="$lost" -v f="$filt" -v n="$n1" 'BEGIN { printf "%.2f", (d + l + f) / 2 / (5 * n) }')
    cost=$(awk -v r="$rate" -v r0="$r0" -v c="$calls" 'BEGIN { if (c > 0) printf "%.1f", (1e6 / r - 1e6 / r0) / c; else print "-" }')
    vrow "$name ($calls calls/pkt)" "$rate" "$del" "$(awk -v d="$del" -v r="$rate" -v n="$n1" 'BEGIN { printf "%.0f", d * r / (5 * n) }')" \
      "$lost" "$filt" "$cost" "$bpf"
  }
  v_run "20 functions, no filter" "$work/f20"
  v_run "20 fn, non-matching -a src=198.18.99.99" "$work/f20" -a src=198.18.99.99
  v_run "20 fn, matching -a src=1.1.1.0/24 (A,B,C)" "$work/f20" -a src=1.1.1.0/24
  v_run "140 functions, no filter" "$work/f140"
  v_run "140 fn, non-matching -a src=198.18.99.99" "$work/f140" -a src=198.18.99.99
  v_run "140 fn, matching -a src=1.1.1.0/24 (A,B,C)" "$work/f140" -a src=1.1.1.0/24
  sysctl -q -w kernel.bpf_stats_enabled="$stats_before" || true
  echo
  echo "workload (vrouter): the real vrouter datapath (vrdp_driver -O2, scenarios A-E per round, -i 0), pkttrace vrouter"
  echo "  --binary with uprobe.multi links, sink null; traced rows $n1 rounds each. us/CALL: the datapath's time per packet"
  echo "  added by tracing, divided by the traced calls per packet (each call: a uprobe and a uretprobe trap + the BPF"
  echo "  programs); BPF us: of that, the time in the two BPF programs (kernel.bpf_stats_enabled run_time_ns/run_cnt)."
  echo "  The rest is the traps themselves and, when events are emitted, the consumer's CPU time taken from the machine"
  echo "$vhdr"
  printf '%s\n' "${vrows[@]}"
}
if [ "$only" = vrouter ]; then
  run_vrouter
  exit 0
fi

# Starts the load generator waiting for SIGUSR1; sets LOAD_PID. Arguments: extra getppid_loop options.
start_load() {
  : >"$work/load.out"
  "$work/getppid_loop" --wait --watch-pid-file "$work/consumer.pid" "$@" >"$work/load.out" &
  LOAD_PID=$!
  started+=("$LOAD_PID")
  wait_for "$work/load.out" '^pid ' 5 "$LOAD_PID" || die "the load generator did not start"
}
# Lets the load generator run (its consumer is PID $1, 0 for none) and waits for it; sets LOAD.
run_load() {
  echo "$1" >"$work/consumer.pid"
  kill -USR1 "$LOAD_PID"
  wait "$LOAD_PID" || die "the load generator failed"
  forget "$LOAD_PID"
  LOAD=$(grep '^load:' "$work/load.out")
}

# Table: one row per run. Columns: produced, delivered, lost (kernel), check, events/s, CPU ns/event, RSS.
rows=()
row() { rows+=("$(printf '%-40s %10s %10s %9s %-5s %11s %11s %9s %8s' "$@")"); printf '%s\n' "${rows[-1]}" >&2; }
# A workload (a) row from produced, delivered, lost and the load line. For the measured phase:
# PRODUCED/S is the load generator's rate (each call is one event), DELIVERED/S that rate times the
# run's delivered fraction, CPU ns/ev the consumer's CPU time over the events it delivered.
row_a() { # NAME PRODUCED DELIVERED LOST RSS_KB
  local name=$1 prod=$2 del=$3 lost=$4 rss=$5 calls rate cpu check evs nspe
  calls=$(kv calls "$LOAD"); rate=$(kv rate "$LOAD"); cpu=$(kv consumer_cpu_ns "$LOAD")
  check=$([ $((del + lost)) -eq "$prod" ] && echo ok || echo FAIL)
  evs=$(awk -v r="$rate" -v d="$del" -v p="$prod" 'BEGIN { printf "%.0f", (p > 0 ? r * d / p : 0) }')
  nspe=$(awk -v c="$cpu" -v n="$calls" -v d="$del" -v p="$prod" \
    'BEGIN { e = p > 0 ? n * d / p : 0; if (c < 0 || e == 0) print "-"; else printf "%.1f", c / e }')
  if [ "$6" = producer ]; then evs="-"; nspe="-"; fi # nothing reads: only the production rate counts
  row "$name" "$prod" "$del" "$lost" "$check" "$rate" "$evs" "$nspe" "$((rss / 1024)) MiB"
  printf -v "R_${6}_evs" '%s' "$evs"; printf -v "R_${6}_nspe" '%s' "$nspe"; printf -v "R_${6}_lost" '%s' "$lost"
  printf -v "R_${6}_check" '%s' "$check"; printf -v "R_${6}_rate" '%s' "$rate"; printf -v "R_${6}_rss" '%s' "$((rss / 1024))"
}

# Each configuration runs B_ROUNDS rounds of (pkttrace started: flood; pkttrace stopped: flood), after
# one untraced flood: every traced flood lies between two untraced ones, and its ratio is taken against
# their mean, so that a drift of the machine's speed over a round (other work, the host) cancels out
# instead of reading as tracing's cost. The row's ratio is the median of the rounds' ratios; SPREAD is
# their range. The sender is pinned to the last CPU, where on a veth pair its packets' receive softirq
# runs too, and pkttrace and the receiver to the other CPUs (B_PIN=0: nothing pinned): the JVM's own
# threads (JIT compilation after start, the ring's 1 ms poll, the stacked-device scan) then never take
# the sender's CPU, and the ratio is what tracing costs the packets. BPF ns/PKT: the kernel's accounting
# (kernel.bpf_stats_enabled, on only for an extra flood after the last traced one) of the process's
# programs, ns per run summed over them: per packet, as each of tx and rx runs once for every packet.
b_sec=${B_SECONDS:-1}
b_rounds=${B_ROUNDS:-7}
b_cpu=$(( $(nproc) - 1 ))
b_send_pin=()
b_rest_pin=()
if [ "${B_PIN:-1}" = 1 ] && [ "$b_cpu" -gt 0 ]; then
  b_send_pin=(taskset -c "$b_cpu")
  b_rest_pin=(taskset -c "0-$((b_cpu - 1))")
fi
flood_ns=$ns_a
flood_dst=198.18.0.2
flood() { # [SECONDS]: one flood by the pinned sender; prints udpflood's line
  ip netns exec "$flood_ns" "${b_send_pin[@]}" "$work/udpflood" send --dst "$flood_dst" --port 9999 --seconds "${1:-$b_sec}"
}
median_of() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; } # the lower median: one of the runs
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# How the (b) and (c) rows were measured, for the table's heading.
b_method() {
  local pin="nothing pinned"
  [ ${#b_send_pin[@]} -gt 0 ] && pin="sender on CPU $b_cpu, pkttrace and receiver on CPUs 0-$((b_cpu - 1))"
  echo "${b_rounds} rounds of ${b_sec} s traced between ${b_sec} s untraced floods per row (ratio: median over the rounds of traced / mean of the untraced floods around it; SPREAD: their range); $pin"
}
# The untraced floods' range and how much two consecutive ones differ (the same sender, no tracing).
b_noise() {
  local lo hi dr
  lo=$(printf '%s\n' "${b_off_all[@]}" | sort -g | head -1)
  hi=$(printf '%s\n' "${b_off_all[@]}" | sort -g | tail -1)
  dr=$(printf '%s\n' "${b_drift_all[@]}" | median)
  printf 'range %.0f-%.0f; consecutive untraced floods differ by %.1f%% (median)' "$lo" "$hi" "$(awk -v d="$dr" 'BEGIN { print 100 * d }')"
}
b_rows=()
c_rows=()
b_off_all=()
b_drift_all=() # |change| between consecutive untraced floods: the machine's own noise, against which a ratio is read
b_hdr=$(printf '%-50s %11s %11s %7s %13s %8s   %s' "ROW" "PPS TRACED" "PPS OFF" "RATIO" "SPREAD" "BPF ns/PKT" "PKTTRACE COUNTERS")
brow() { # NAME TRACED OFF RATIO SPREAD BPF COUNTERS: a row of workload (b), or of (c) when its name starts with "(c)"
  local line; line=$(printf '%-50s %11s %11s %7s %13s %8s   %s' "$@")
  if [[ $1 == "(c)"* ]]; then c_rows+=("$line"); else b_rows+=("$line"); fi
  printf '%s\n' "$line" >&2
}
# "NAME RUN_TIME_NS RUN_CNT" of each BPF program process $1 holds open (its fds' prog_id in /proc).
bpf_runs() {
  local id
  for id in $(grep -h '^prog_id:' /proc/"$1"/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -u); do
    bpftool prog show id "$id" 2>/dev/null | awk 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "name") n = $(i + 1);
      if ($i == "run_time_ns") t = $(i + 1); if ($i == "run_cnt") c = $(i + 1) }; print n, t + 0, c + 0 }'
  done
}
# BPF ns per packet of process $1's programs over one flood with the kernel's run-time accounting on.
bpf_ns_per_packet() {
  local before after was
  was=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
  sysctl -q -w kernel.bpf_stats_enabled=1 2>/dev/null || { echo "-"; return; }
  before=$(bpf_runs "$1")
  flood 0.5 >/dev/null
  after=$(bpf_runs "$1")
  sysctl -q -w kernel.bpf_stats_enabled="$was" || true
  join <(sort <<<"$before") <(sort <<<"$after") | awk '{ if ($5 > $3) s += ($4 - $2) / ($5 - $3) }
    END { if (s > 0) printf "%.1f", s; else print "-" }'
}
b_run() { # KEY NAME [pkttrace options...]; flood() sends
  local key=$1 name=$2; shift 2
  local on=() off=() ratios=() round pp o s="" bpf="-" before after
  before=$(kv rate "$(flood)")
  off+=("$before")
  for ((round = 0; round < b_rounds; round++)); do
    "${b_rest_pin[@]}" "$pt" trace --sink null --stats "$@" >/dev/null 2>"$work/ptb.err" &
    pp=$!
    started+=("$pp")
    wait_for "$work/ptb.err" 'pkttrace: tracing' 30 "$pp" || { cat "$work/ptb.err" >&2; die "pkttrace did not start"; }
    sleep 1
    o=$(flood); on+=("$(kv rate "$o")")
    if [ $((round + 1)) -eq "$b_rounds" ] && [[ $name == "(b)"* ]]; then bpf=$(bpf_ns_per_packet "$pp"); fi
    sleep 0.2
    stop_pid "$pp"
    s=$(grep -E 'kernel:|netfilter: [0-9]+ trace messages were lost' "$work/ptb.err" | sed 's/^pkttrace: //' | paste -sd';' -)
    sleep 0.2
    after=$(kv rate "$(flood)")
    off+=("$after")
    ratios+=("$(awk -v a="${on[-1]}" -v b="$before" -v c="$after" 'BEGIN { print 2 * a / (b + c) }')")
    b_drift_all+=("$(awk -v b="$before" -v c="$after" 'BEGIN { d = (c - b) / b; print d < 0 ? -d : d }')")
    before=$after
  done
  b_off_all+=("${off[@]}")
  local mon moff mr spread
  mon=$(printf '%s\n' "${on[@]}" | median)
  moff=$(printf '%s\n' "${off[@]}" | median)
  mr=$(printf '%s\n' "${ratios[@]}" | median)
  spread=$(printf '%s\n' "${ratios[@]}" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.1f-%.1f%%", 100 * lo, 100 * hi }')
  brow "$name" "$(printf '%.0f' "$mon")" "$(printf '%.0f' "$moff")" "$(awk -v r="$mr" 'BEGIN { printf "%.1f%%", 100 * r }')" \
    "$spread" "$bpf" "last round: $s"
  printf -v "B_${key}" '%s' "$mr"
}

# ---------------------------------------------------------- workload (c): netfilter probe, 50 rules
# The UDP flood of (b) into a namespace whose input hook has a 50-rule chain (49 rules that do not
# match the flood, then the one that accepts it): untraced, and traced by the netfilter probe alone
# with a filter that selects the flood (every packet is marked and reported) and one that does not
# (what tracing costs the packets it does not select).
run_netfilter_workload() {
  log "workload (c): UDP flood $ns_c -> $ns_d through a 50-rule input chain, netfilter probe, ${b_rounds} rounds per row"
  veth_pair "$ns_c" "$ns_d" 198.18.0.5/30 198.18.0.6/30
  local rules="add table inet ptbench; add chain inet ptbench input { type filter hook input priority 0; policy accept; };" port
  for ((port = 10000; port < 10049; port++)); do rules+=" add rule inet ptbench input udp dport $port counter drop;"; done
  rules+=" add rule inet ptbench input udp dport 9999 counter accept"
  ip netns exec "$ns_d" nft "$rules" || die "cannot load the 50-rule ruleset"
  [ "$(ip netns exec "$ns_d" nft -a list chain inet ptbench input | grep -c '# handle')" -eq 51 ] || die "the chain should have 50 rules"
  ip netns exec "$ns_d" "${b_rest_pin[@]}" "$work/udpflood" recv --port 9999 >"$work/recv-c.out" &
  local rp=$!
  started+=("$rp")
  wait_for "$work/recv-c.out" listening 5 "$rp" || die "the UDP receiver did not start"
  flood_ns=$ns_c
  flood_dst=198.18.0.6
  b_run nf_miss "(c) netfilter, non-matching filter (dport=9)" --probe "netfilter:netns=$ns_c,$ns_d" -a dport=9
  b_run nf_hit "(c) netfilter, matching filter (dport=9999)" --probe "netfilter:netns=$ns_c,$ns_d" -a dport=9999
  stop_pid "$rp"
  ip netns del "$ns_c"
  ip netns del "$ns_d"
}
print_netfilter_table() {
  echo
  echo "workload (c): the UDP flood of (b) into a namespace whose input chain has 50 rules (the flood matches the last),"
  echo "  probe netfilter alone (nftables tracing in the two namespaces), sink null; $(b_method)"
  echo "$b_hdr"
  printf '%s\n' "${c_rows[@]}"
}
if [ "$only" = netfilter ]; then
  for tool in nft ip; do command -v "$tool" >/dev/null || die "'$tool' is missing: run scripts/setup.sh"; done
  run_netfilter_workload
  print_netfilter_table
  exit 0
fi

# bpftrace attaches perf-event tracepoints, which need tracefs.
ensure_tracefs() {
  if ! grep -qs ' /sys/kernel/tracing tracefs ' /proc/mounts && ! [ -d /sys/kernel/tracing/events ]; then
    mount -t tracefs tracefs /sys/kernel/tracing && mounted_tracefs=1
  fi
}

# The flow sink under a long flood (FLOOD_SECONDS): its peak RSS while it follows every packet, the
# sender's rate against the untraced median of the rows before, and the counters.
flood_run() { # KEY NAME [pkttrace options...]
  local key=$1 name=$2; shift 2
  "${b_rest_pin[@]}" "$pt" trace --stats "$@" >/dev/null 2>"$work/fl.err" &
  local pp=$! o on rss s
  started+=("$pp")
  wait_for "$work/fl.err" 'pkttrace: tracing' 30 "$pp" || { cat "$work/fl.err" >&2; die "pkttrace did not start"; }
  sleep 1
  o=$(flood "$flood_seconds")
  on=$(kv rate "$o")
  sleep 0.2
  rss=$(hwm_kb "$pp")
  stop_pid "$pp"
  s=$(grep -E 'kernel:' "$work/fl.err" | sed 's/^pkttrace: //' | paste -sd';' -)
  local off; off=$(printf '%s\n' "${b_off_all[@]}" | median)
  brow "$name" "$(printf '%.0f' "$on")" "$(printf '%.0f' "$off")" "$(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.1f%%", 100 * a / b }')" \
    - - "peak RSS $((rss / 1024)) MiB; $s"
  printf -v "F_${key}_rss" '%s' "$((rss / 1024))"
}

# -------------------------------------------------------------------- workload (a): synthetic hot hook
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "pkttrace benchmark on $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r)); measured phases of ${seconds} s" >&2
log "workload (a): getppid() loop; every row first makes ${warmup_calls} paced calls (JIT warm-up), then ${seconds} s at full speed"
hdr=$(printf '%-40s %10s %10s %9s %-5s %11s %11s %9s %8s' "ROW" "PRODUCED" "DELIVERED" "LOST" "D+L=P" "PRODUCED/S" "DELIVERED/S" "CPU ns/ev" "PEAK RSS")
echo "$hdr" >&2

if want a; then
  # Untraced: the workload alone.
  start_load --seconds "$seconds"
  run_load 0
  base_rate=$(kv rate "$LOAD")
  row "(a) no tracing" "-" "-" "-" "-" "$base_rate" "-" "-" "-"

  # Producer limit: the program attached, nothing consuming (the ring fills, the rest is counted lost).
  c_run() { # MODE KEY NAME [CONSUMER OPTIONS...]
    start_load --seconds "$seconds" --warmup-calls "$warmup_calls"
    "$work/consumer" --obj "$obj" --pid "$LOAD_PID" --mode "$1" "${@:4}" >"$work/c.out" 2>"$work/c.err" &
    local cp=$!
    started+=("$cp")
    wait_for "$work/c.err" attached 10 "$cp" || { cat "$work/c.err" >&2; die "the C consumer did not attach"; }
    run_load "$cp"
    sleep 0.2
    local rss; rss=$(hwm_kb "$cp")
    stop_pid "$cp"
    local out; out=$(cat "$work/c.out")
    [ -n "$out" ] || { cat "$work/c.err" >&2; die "the C consumer printed nothing"; }
    row_a "$3" "$(kv produced "$out")" "$(kv delivered "$out")" "$(kv lost "$out")" "$rss" "$2"
  }
  c_run produce producer "(a) producer limit (attached, no reader)"
  producer_rate=$(kv rate "$LOAD")
  c_run consume c "(a) reference C consumer (libbpf)"
  # The pcapng row's records carry 128 packet bytes, which the producer copies: its rate with them.
  c_run consume c128 "(a) C consumer, 128 packet bytes" --snap 128

  # pkttrace end to end. Stats come from its --stats line; the process's CPU time from /proc.
  pt_run() { # KEY NAME SINK [LOAD OPTIONS...]
    local key=$1 name=$2 sink=$3; shift 3
    start_load "$@"
    "$pt" trace --probe "synthetic:pid=$LOAD_PID" --sink "$sink" --stats >/dev/null 2>"$work/pt.err" &
    local pp=$!
    started+=("$pp")
    wait_for "$work/pt.err" 'pkttrace: tracing' 30 "$pp" || { cat "$work/pt.err" >&2; die "pkttrace did not start"; }
    run_load "$pp"
    sleep 0.2
    local rss; rss=$(hwm_kb "$pp")
    stop_pid "$pp"
    local s; s=$(grep -m1 'kernel:' "$work/pt.err") || { cat "$work/pt.err" >&2; die "pkttrace printed no counters"; }
    local prod del lost
    prod=$(sed -n 's/.*kernel: \([0-9]*\) produced.*/\1/p' <<<"$s")
    del=$(sed -n 's/.* \([0-9]*\) delivered.*/\1/p' <<<"$s")
    lost=$(sed -n 's/.* \([0-9]*\) lost.*/\1/p' <<<"$s")
    row_a "$name" "$prod" "$del" "$lost" "$rss" "$key"
  }
  pt_run pt "(a) pkttrace, null sink" null --seconds "$seconds" --warmup-calls "$warmup_calls"
  if [ "$has_json" = 1 ]; then
    pt_run json "(a) pkttrace, json sink to /dev/null" json:output=/dev/null --seconds "$seconds" --warmup-calls "$warmup_calls"
  else
    log "no json sink installed: skipping the JSON row"
  fi
  if [ "$has_flow" = 1 ]; then
    pt_run flow "(a) pkttrace, flow sink to /dev/null" flow:output=/dev/null --seconds "$seconds" --warmup-calls "$warmup_calls"
  else
    log "no flow sink installed: skipping the flow row"
  fi
  if has_component pcapng; then
    # Each event also carries 128 packet bytes, copied in BPF because this sink asks for them.
    pt_run pcapng "(a) pkttrace, pcapng sink to /dev/null" pcapng:output=/dev/null --seconds "$seconds" --warmup-calls "$warmup_calls"
  else
    log "no pcapng sink installed: skipping the pcapng row"
  fi
  pt_run cold "(a) pkttrace, null sink, no warm-up" null --seconds "$seconds"

  # bpftrace: the same tracepoint (raw_syscalls:sys_enter; bpftrace 0.17 has no raw-tracepoint probe),
  # filtered to the same process and system call, printing the same fields to /dev/null... through
  # wc -l, which counts what it delivered. It reports its own losses ("Lost N events").
  ensure_tracefs
  nr_getppid=$(printf '#include <sys/syscall.h>\nSYS_getppid\n' | cc -E -P - | tail -1)
  bt_run() { # KEY NAME [LOAD OPTIONS...]
    local key=$1 name=$2; shift 2
    start_load "$@"
    local prog="tracepoint:raw_syscalls:sys_enter /pid == $LOAD_PID && args->id == $nr_getppid/ {
      printf(\"%llu %d %d %u %s %ld\n\", nsecs, pid, cpu, curtask->nsproxy->net_ns->ns.inum, \"sys_enter\", args->id); }"
    rm -f "$work/bt.count"
    # On its standard output bpftrace writes the event lines (they start with a digit), "Lost N events"
    # when its perf buffer was full, and "Attaching 1 probe...": awk counts the first two.
    bpftrace -e "$prog" 2>"$work/bt.err" \
      > >(LC_ALL=C awk '/^[0-9]/ { n++; next } /^Lost [0-9]+ events/ { l += $2 } END { print n + 0, l + 0 }' >"$work/bt.count") &
    local bp=$!
    started+=("$bp")
    # "Attaching 1 probe..." goes into the counting pipe, so wait for the kernel side instead: the
    # tracepoint attachment of bpftrace's process as bpftool lists it.
    local i
    for ((i = 0; i < 1000; i++)); do
      kill -0 "$bp" 2>/dev/null || die "bpftrace did not start: $(cat "$work/bt.err")"
      bpftool perf show 2>/dev/null | grep -q "^pid $bp " && break
      sleep 0.02
    done
    sleep 0.5
    run_load "$bp"
    sleep 0.5
    local rss; rss=$(hwm_kb "$bp")
    kill -INT "$bp" 2>/dev/null || true
    wait "$bp" 2>/dev/null || true
    forget "$bp"
    for ((i = 0; i < 250; i++)); do [ -s "$work/bt.count" ] && break; sleep 0.02; done
    local lines lost prod
    read -r lines lost <"$work/bt.count" || { lines=0; lost=0; }
    prod=$(( $(kv calls "$LOAD") + $(kv warmup_calls "$LOAD") ))
    row_a "$name" "$prod" "$lines" "$lost" "$rss" "$key"
  }
  bt_run bt "(a) bpftrace printf to /dev/null" --seconds "$seconds" --warmup-calls "$warmup_calls"
  # bpftrace loses events at full speed: find the highest rate it delivers without loss, with paced
  # runs (no warm-up: nothing to compile), bisecting between the highest lossless and the lowest lossy
  # rate tried (4 runs at most). bt_ok is a lower bound of bpftrace's lossless rate, bt_bad an upper one.
  bt_ok=""
  bt_bad=""
  if [ "${R_bt_lost:-0}" -gt 0 ]; then
    bt_bad=$R_bt_rate
    r=$(awk -v r="$R_bt_evs" 'BEGIN { printf "%.0f", r * 0.7 }')
    for _ in 1 2 3 4; do
      bt_run btp "(a) bpftrace, load paced to ${r}/s" --calls "$(awk -v r="$r" -v s="$seconds" 'BEGIN { printf "%.0f", r * s }')" --rate "$r"
      if [ "$R_btp_lost" -eq 0 ] && [ "$R_btp_check" = ok ]; then bt_ok=$R_btp_evs; else bt_bad=$R_btp_rate; fi
      if [ -n "$bt_ok" ]; then
        r=$(awk -v a="$bt_ok" -v b="$bt_bad" 'BEGIN { printf "%.0f", sqrt(a * b) }')
        awk -v a="$bt_ok" -v b="$bt_bad" 'BEGIN { exit !(b / a < 1.15) }' && break
      else
        r=$(awk -v r="$r" 'BEGIN { printf "%.0f", r * 0.5 }')
      fi
    done
  else
    bt_ok=$R_bt_evs
  fi
fi

# --------------------------------------------------------------- workload (b): UDP flood over a veth
if want b; then
  log "workload (b): UDP flood $ns_a -> $ns_b (198.18.0.1 -> 198.18.0.2:9999, 18-byte datagrams), ${b_rounds} rounds per row"
  veth_pair "$ns_a" "$ns_b" 198.18.0.1/30 198.18.0.2/30
  ip netns exec "$ns_b" "${b_rest_pin[@]}" "$work/udpflood" recv --port 9999 >"$work/recv.out" &
  recv_pid=$!
  started+=("$recv_pid")
  wait_for "$work/recv.out" listening 5 "$recv_pid" || die "the UDP receiver did not start"

  if [ "$has_fivetuple" = 1 ]; then
    b_run miss "(b) tx+rx, non-matching filter (dport=9)" --probe netpath:hooks=tx,rx --filter fivetuple:dport=9
    b_run hit "(b) tx+rx, matching filter (dport=9999)" --probe netpath:hooks=tx,rx --filter fivetuple:dport=9999
  else
    log "no fivetuple filter installed: skipping the filtered rows"
  fi
  b_run all "(b) tx+rx, match-all (no filter)" --probe netpath:hooks=tx,rx
  if [ "$has_flow" = 1 ]; then
    flood_run flow "(b) tx+rx, flow sink, ${flood_seconds} s flood" --probe netpath:hooks=tx,rx --sink flow:output=/dev/null
  fi
  pps_off=$(printf '%s\n' "${b_off_all[@]}" | median)
  b_noise_line=$(b_noise) # before workload (c) adds its own floods
  stop_pid "$recv_pid"
  ip netns del "$ns_a"
  ip netns del "$ns_b"
  if [ -z "$only" ]; then run_netfilter_workload; fi
fi

# ------------------------------------------------------------------------------------ time to attach
# From just before the process is started to the moment "pkttrace: tracing" (printed once every
# probe is attached) appears on its standard error: JVM start, plugin loading, BTF, BPF load, attach.
if want attach; then
  attach=()
  for ((i = 0; i < runs_attach; i++)); do
    rm -f "$work/att.fifo"; mkfifo "$work/att.fifo"
    t0=$EPOCHREALTIME
    "$pt" trace --probe netpath --sink null 2>"$work/att.fifo" >/dev/null &
    ap=$!
    started+=("$ap")
    exec {afd}<"$work/att.fifo"
    t1=""
    while IFS= read -r -t 30 line <&"$afd"; do
      case $line in *"pkttrace: tracing"*) t1=$EPOCHREALTIME; break ;; esac
    done
    kill -TERM "$ap" 2>/dev/null || true
    cat <&"$afd" >/dev/null || true
    exec {afd}<&-
    wait "$ap" 2>/dev/null || true
    forget "$ap"
    [ -n "$t1" ] || die "pkttrace never said 'tracing'"
    attach+=("$(awk -v a="${t0/,/.}" -v b="${t1/,/.}" 'BEGIN { printf "%.3f", b - a }')")
  done
  attach_median=$(printf '%s\n' "${attach[@]}" | median_of)
  # bpftrace, the equivalent probe: the same four kernel tracepoints as netpath's default hooks, printing
  # the skb's fields. Attached when bpftool lists its perf-event links for all four (polled every 10 ms).
  ensure_tracefs
  bt_prog='tracepoint:net:net_dev_queue, tracepoint:net:netif_receive_skb, tracepoint:skb:kfree_skb, tracepoint:skb:consume_skb
    { printf("%llu %d %s %llx %u\n", nsecs, cpu, probe, args->skbaddr, curtask->nsproxy->net_ns->ns.inum); }'
  bt_attach=()
  for ((i = 0; i < runs_attach; i++)); do
    t0=$EPOCHREALTIME
    bpftrace -e "$bt_prog" >/dev/null 2>"$work/bta.err" &
    bp=$!
    started+=("$bp")
    t1=""
    for ((j = 0; j < 3000; j++)); do
      kill -0 "$bp" 2>/dev/null || die "bpftrace did not start: $(cat "$work/bta.err")"
      if [ "$(bpftool perf show 2>/dev/null | grep -c "^pid $bp ")" -ge 4 ]; then t1=$EPOCHREALTIME; break; fi
      sleep 0.01
    done
    kill -INT "$bp" 2>/dev/null || true
    wait "$bp" 2>/dev/null || true
    forget "$bp"
    [ -n "$t1" ] || die "bpftrace did not attach its four probes"
    bt_attach+=("$(awk -v a="${t0/,/.}" -v b="${t1/,/.}" 'BEGIN { printf "%.3f", b - a }')")
  done
  bt_attach_median=$(printf '%s\n' "${bt_attach[@]}" | median_of)
  # Commands that load no BPF: the whole process, start to exit.
  timed() { local t0=$EPOCHREALTIME; "$@" >/dev/null 2>&1 || true; awk -v a="${t0/,/.}" -v b="${EPOCHREALTIME/,/.}" 'BEGIN { printf "%.3f", b - a }'; }
  help_t=(); plugins_t=()
  for ((i = 0; i < runs_attach; i++)); do help_t+=("$(timed "$pt" --help)"); plugins_t+=("$(timed "$pt" plugins)"); done
  help_median=$(printf '%s\n' "${help_t[@]}" | median_of)
  plugins_median=$(printf '%s\n' "${plugins_t[@]}" | median_of)
fi

# ---------------------------------------------------------------------------------------------- table
verdict() { awk -v v="$1" -v t="$2" -v dir="$3" 'BEGIN { ok = dir == ">=" ? v >= t : v <= t; print ok ? "MET" : "MISSED" }'; }
# A sink row of (a) against the producer limit: >= 90% of it, D+L=P, nothing lost.
sink_target() { # KEY LABEL
  local evs="R_${1}_evs" lost="R_${1}_lost" check="R_${1}_check" r
  [ -n "${!evs:-}" ] || { echo "  $2 >= 90% of the producer limit, 0 lost: not measured (no such sink installed)"; return; }
  r=$(awk -v a="${!evs}" -v b="$producer_rate" 'BEGIN { printf "%.3f", a / b }')
  local ok; ok=$(verdict "$r" 0.9 '>=')
  [ "${!lost}" = 0 ] && [ "${!check}" = ok ] || ok=MISSED
  printf '  %-45s %5.1f%% (%s of %s events/s), D+L=P %s, lost %s: %s\n' "$2 >= 90% of the producer limit, 0 lost:" \
    "$(awk -v r="$r" 'BEGIN { print 100 * r }')" "${!evs}" "$producer_rate" "${!check}" "${!lost}" "$ok"
}
echo
echo "pkttrace benchmark: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r), $(java -version 2>&1 | head -1)"
echo "load average (1, 5, 15 min) at start: $load_start, at end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews the figures)"
if want a; then
  echo "workload (a): getppid() loop, synthetic probe tp_btf/sys_enter filtered in the kernel to that process;"
  echo "  ${warmup_calls} paced warm-up calls, then ${seconds} s at full speed: the counts cover the whole run, PRODUCED/S,"
  echo "  DELIVERED/S and CPU ns/ev the ${seconds} s; LOST is counted in the kernel (bpftrace: its \"Lost N events\")"
  echo "$hdr"
  printf '%s\n' "${rows[@]}"
fi
if want b; then
  echo
  echo "workload (b): UDP flood, 18-byte datagrams over a veth pair between two namespaces, probe netpath:hooks=tx,rx, sink null;"
  echo "  $(b_method)"
  echo "  sender untraced over all rounds: median $(printf '%.0f' "$pps_off") packets/s, $b_noise_line"
  echo "$b_hdr"
  printf '%s\n' "${b_rows[@]}"
  if [ -z "$only" ]; then print_netfilter_table; fi
fi
if want attach; then
  echo
  echo "time from 'pkttrace trace --probe netpath' start to 'pkttrace: tracing' (all probes attached): ${attach[*]} s; median ${attach_median} s"
  echo "time from bpftrace start to its 4 tracepoints (netpath's hooks) attached:                       ${bt_attach[*]} s; median ${bt_attach_median} s"
  echo "time of 'pkttrace --help': ${help_t[*]} s; median ${help_median} s; of 'pkttrace plugins': ${plugins_t[*]} s; median ${plugins_median} s"
fi
echo
echo "targets"
if want a; then
  r1=$(awk -v a="$R_pt_evs" -v b="$producer_rate" 'BEGIN { printf "%.3f", a / b }')
  echo "  pkttrace >= 90% of the producer limit:        $(printf '%5.1f%%' "$(awk -v r="$r1" 'BEGIN { print 100 * r }')") ($R_pt_evs of $producer_rate events/s), D+L=P $R_pt_check, lost $R_pt_lost: $(verdict "$r1" 0.9 '>=')"
  echo "  consumer CPU <= 100 ns/event (null sink):      ${R_pt_nspe} ns: $(verdict "$R_pt_nspe" 100 '<=')"
  sink_target json "json sink"
  if [ -n "${R_json_nspe:-}" ]; then
    echo "  consumer CPU <= 200 ns/event (json sink):      ${R_json_nspe} ns: $(verdict "$R_json_nspe" 200 '<=')"
  fi
  sink_target flow "flow sink"
  sink_target pcapng "pcapng sink"
  if [ -n "${R_pcapng_evs:-}" ] && [ -n "${R_c128_rate:-}" ]; then # the same records from the C consumer: the producer's own rate with bytes
    echo "    (its records carry 128 packet bytes: the C consumer's producer ran at ${R_c128_rate}/s with them," \
      "pcapng delivered $(awk -v a="$R_pcapng_evs" -v b="$R_c128_rate" 'BEGIN { printf "%.1f%%", 100 * a / b }') of that)"
  fi
  echo "  no warm-up: 0 lost with the default ring:      lost $R_cold_lost, D+L=P $R_cold_check: $([ "$R_cold_lost" = 0 ] && [ "$R_cold_check" = ok ] && echo MET || echo MISSED)"
  if [ -n "$bt_ok" ]; then
    r3=$(awk -v a="$R_pt_evs" -v b="$bt_ok" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
    bracket=""
    [ -n "$bt_bad" ] && bracket="; bpftrace lost events at ${bt_bad}/s, ${r3/#*/$(awk -v a="$R_pt_evs" -v b="$bt_bad" 'BEGIN { printf "%.1f", a / b }')}x that"
    echo "  >= 3x bpftrace's lossless event rate:          ${r3}x: pkttrace delivered $R_pt_evs/s (lost $R_pt_lost), bpftrace $bt_ok/s without loss${bracket}: $(verdict "$r3" 3 '>=')"
  else
    echo "  >= 3x bpftrace's lossless event rate:          not determined: bpftrace lost events at every rate tried, down to ${bt_bad}/s"
  fi
  echo "  peak RSS, null sink row:                       ${R_pt_rss} MiB (stated: no fixed target; compare runs)"
fi
if want b; then
  if [ -n "${B_miss:-}" ]; then
    echo "  (b) non-matching filter keeps >= 95% of pps:  $(awk -v r="$B_miss" 'BEGIN { printf "%.1f%%", 100 * r }'): $(verdict "$B_miss" 0.95 '>=')"
  else
    echo "  (b) non-matching filter keeps >= 95% of pps:  not measured (no fivetuple filter plugin)"
  fi
  if [ -n "${F_flow_rss:-}" ]; then echo "  peak RSS, flow sink, ${flood_seconds} s flood:            ${F_flow_rss} MiB (stated: no fixed target; compare runs)"; fi
fi
if want attach; then
  echo "  median time to attach < 1 s:                  ${attach_median} s: $(verdict "$attach_median" 1 '<=')"
  echo "  median time to attach <= bpftrace's:          ${attach_median} s vs ${bt_attach_median} s: $(verdict "$attach_median" "$bt_attach_median" '<=')"
  half=$(awk -v b="$bt_attach_median" 'BEGIN { printf "%.3f", b / 2 }')
  echo "  --help and plugins < half of bpftrace's attach: ${help_median} s and ${plugins_median} s vs ${half} s: $(verdict "$(awk -v a="$help_median" -v b="$plugins_median" 'BEGIN { print (a > b ? a : b) }')" "$half" '<=')"
fi

echo
if [ -z "$only" ]; then run_vrouter; fi

if [ "$jmh" = 1 ]; then
  run_jmh
fi
