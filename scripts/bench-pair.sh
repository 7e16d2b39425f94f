#!/usr/bin/env bash
# Two pkttrace builds trace the same getppid() loop at the same time (each its own ring, the same events), and
# each one's consumer-thread and whole-process CPU per event is printed, with their ratio. Both see the same
# seconds of this machine, so its swings (+-30% from one run to the next here) cancel in the ratio; the
# order in which the two start alternates from pair to pair.
#
# Usage: sudo scripts/bench-pair.sh DIST_A DIST_B [PAIRS]
#   DIST_*   an unpacked distribution (e.g. distribution/target/pkttrace of two worktrees)
#   PAIRS    runs of both builds at once (default 4)
# Environment: OPTS_A / OPTS_B extra JVM options (PKTTRACE_JAVA_OPTS) for each side, ARGS_A / ARGS_B extra
#   `pkttrace trace` arguments for each side (split at spaces, e.g. "--ring-size 4194304"), SECONDS_LOAD (default 5),
#   SINK (default null; e.g. json:output=/dev/null, pcapng:output=/dev/null: workload (a)'s other rows).
# Workload (a)'s null-sink row: synthetic probe (tp_btf/sys_enter) filtered to the loop's pid, null sink;
# 500,000 paced warm-up calls, then full speed; CPU is read from /proc (schedstat) over 3 s of it.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "bench-pair.sh: $*" >&2; exit 1; }
[ $# -ge 2 ] || die "usage: sudo scripts/bench-pair.sh DIST_A DIST_B [PAIRS]"
[ "$(id -u)" = 0 ] || die "must run as root (it loads BPF programs)"
dist_a=$(readlink -f "$1") dist_b=$(readlink -f "$2") pairs=${3:-4}
for d in "$dist_a" "$dist_b"; do
  [ -x "$d/bin/pkttrace" ] || die "$d/bin/pkttrace: no distribution there (mvn package builds distribution/target/pkttrace)"
done
[[ $pairs =~ ^[1-9][0-9]?$ ]] || die "PAIRS must be a number from 1 to 99: $pairs"

work=$(mktemp -d /tmp/pkttrace-bench-pair.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cc -O2 -o "$work/getppid_loop" benchmarks/load/getppid_loop.c || die "cannot build the load generator"

# CPU nanoseconds of a process so far: "<consumer thread> <all threads>".
cpu_ns() {
  local consumer=0 total=0 t ns
  for t in /proc/"$1"/task/*; do
    ns=$(cut -d' ' -f1 "$t/schedstat" 2>/dev/null) || continue
    total=$((total + ns))
    [ "$(cat "$t/comm" 2>/dev/null)" = pkttrace-consum ] && consumer=$((consumer + ns))
  done
  echo "$consumer $total"
}

# One run of both at once; writes "consumer_a total_a consumer_b total_b lost_a lost_b rate" (ns per event) to $work/result.
run_pair() { # first_dist first_opts first_args second_dist second_opts second_args
  local load pa pb a1 a2 b1 b2 rate la lb
  rm -f "$work/pid" "$work/load.out" "$work/a.err" "$work/b.err"
  "$work/getppid_loop" --wait --watch-pid-file "$work/pid" --seconds "${SECONDS_LOAD:-5}" --warmup-calls 500000 \
    >"$work/load.out" &
  load=$!; pids=("$load")
  until grep -q '^pid' "$work/load.out" 2>/dev/null; do sleep 0.02; done
  # shellcheck disable=SC2086 # the extra arguments are split at spaces on purpose
  PKTTRACE_JAVA_OPTS="$2" "$1/bin/pkttrace" trace --probe "synthetic:pid=$load" --sink "${SINK:-null}" --stats $3 >/dev/null 2>"$work/a.err" &
  pa=$!; pids+=("$pa")
  # shellcheck disable=SC2086
  PKTTRACE_JAVA_OPTS="$5" "$4/bin/pkttrace" trace --probe "synthetic:pid=$load" --sink "${SINK:-null}" --stats $6 >/dev/null 2>"$work/b.err" &
  pb=$!; pids+=("$pb")
  local deadline=$((SECONDS + 60))
  until grep -qs 'pkttrace: tracing' "$work/a.err" && grep -qs 'pkttrace: tracing' "$work/b.err"; do
    if [ $SECONDS -ge $deadline ] || ! kill -0 "$pa" 2>/dev/null || ! kill -0 "$pb" 2>/dev/null; then
      die "a build did not start tracing: $(tail -n2 "$work/a.err" "$work/b.err" 2>/dev/null | tr '\n' ' ')"
    fi
    sleep 0.02
  done
  echo "$pa" >"$work/pid"; kill -USR1 "$load"
  sleep 1.5 # past the paced warm-up
  a1=$(cpu_ns "$pa"); b1=$(cpu_ns "$pb"); sleep 3; a2=$(cpu_ns "$pa"); b2=$(cpu_ns "$pb")
  wait "$load"
  kill -TERM "$pa" "$pb"; wait "$pa" "$pb" || true
  pids=()
  rate=$(sed -n 's/.*rate=\([0-9]*\).*/\1/p' "$work/load.out")
  la=$(grep -o '[0-9]* lost' "$work/a.err" | head -n1 | cut -d' ' -f1 || true)
  lb=$(grep -o '[0-9]* lost' "$work/b.err" | head -n1 | cut -d' ' -f1 || true)
  set -- $a1 $a2 $b1 $b2
  awk -v r="$rate" -v ca=$(($3 - $1)) -v ta=$(($4 - $2)) -v cb=$(($7 - $5)) -v tb=$(($8 - $6)) -v la="${la:-?}" -v lb="${lb:-?}" \
    'BEGIN { n = r * 3; printf "%.1f %.1f %.1f %.1f %s %s %d\n", ca / n, ta / n, cb / n, tb / n, la, lb, r }' >"$work/result"
}

echo "A: $dist_a ${OPTS_A:+(PKTTRACE_JAVA_OPTS=$OPTS_A)} ${ARGS_A:-}"
echo "B: $dist_b ${OPTS_B:+(PKTTRACE_JAVA_OPTS=$OPTS_B)} ${ARGS_B:-}"
echo "sink: ${SINK:-null}"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-7s %12s %12s %12s %12s %8s %10s %10s %10s\n' PAIR FIRST "A consumer" "A process" "B consumer" "B process" "B/A" "A lost" "B lost" "events/s"
ratios=()
for i in $(seq "$pairs"); do
  if [ $((i % 2)) = 1 ]; then
    run_pair "$dist_a" "${OPTS_A:-}" "${ARGS_A:-}" "$dist_b" "${OPTS_B:-}" "${ARGS_B:-}"; read -r ca ta cb tb la lb rate <"$work/result"; first=A
  else
    run_pair "$dist_b" "${OPTS_B:-}" "${ARGS_B:-}" "$dist_a" "${OPTS_A:-}" "${ARGS_A:-}"; read -r cb tb ca ta lb la rate <"$work/result"; first=B
  fi
  ratio=$(awk -v a="$ca" -v b="$cb" 'BEGIN { printf "%.2f", b / a }')
  ratios+=("$ratio")
  printf '%-6s %-7s %12s %12s %12s %12s %8s %10s %10s %10s\n' "$i" "$first" "$ca" "$ta" "$cb" "$tb" "$ratio" "$la" "$lb" "$rate"
done
echo "consumer CPU per event, B/A per pair: ${ratios[*]}; median $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }')"
echo "(ns per event over 3 s at full speed; 'process' adds the JIT compilers' and other threads' CPU)"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
