#!/usr/bin/env bash
# The test command: installs what is missing, then runs every test (`mvn -B verify`, extra arguments
# passed through), then checks that the run left no pkttrace network namespace (names starting with
# "pt") and no pkttrace BPF program (names starting with "pt_") behind. Exits with Maven's status, or
# 1 if Maven passed but something was left behind.
# With CI=true (exported by CI) kernel tests fail instead of skipping when a capability is missing;
# the tests read CI themselves. Needs root: the tests load BPF programs and create namespaces.
# Usage: sudo scripts/test.sh [MAVEN ARGS...]     e.g. sudo scripts/test.sh -pl framework/core -am
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1

bash scripts/setup.sh || exit 1

# pkttrace's leftovers: namespaces named pt* and BPF programs named pt_* (one line each, "id name").
pt_netns() { ip netns list 2>/dev/null | awk '$1 ~ /^pt/ { print $1 }' | LC_ALL=C sort; }
pt_progs() { bpftool prog show 2>/dev/null | sed -n 's/^\([0-9][0-9]*\): .* name \(pt_[^ ]*\).*/\1 \2/p' | LC_ALL=C sort; }

# Several lines as one: "a, b, c".
oneline() { printf '%s\n' "$@" | sed '/^$/d' | paste -sd, - | sed 's/,/, /g'; }

# What existed before the run (another run's, or a crashed earlier run's) is reported, not blamed on this run.
netns_before=$(pt_netns)
progs_before=$(pt_progs)
if [ -n "$netns_before$progs_before" ]; then
  echo "test.sh: warning: pkttrace leftovers exist before the run: $(oneline "$netns_before" "$progs_before")" >&2
fi

echo "test.sh: mvn -B verify $* (CI=${CI:-unset})" >&2
mvn -B verify "$@"
status=$?

# Programs are freed when their last reference goes, which can lag the JVM's exit (the kernel frees a
# link from a worker: seconds on a loaded machine). Up to 30 s; a clean run passes at the first look.
leaks=""
for _ in $(seq 60); do
  new_netns=$(LC_ALL=C comm -13 <(printf '%s\n' "$netns_before") <(pt_netns) | sed '/^$/d')
  new_progs=$(LC_ALL=C comm -13 <(printf '%s\n' "$progs_before") <(pt_progs) | sed '/^$/d')
  leaks="$new_netns$new_progs"
  [ -z "$leaks" ] && break
  sleep 0.5
done
if [ -n "$new_netns" ]; then
  echo "test.sh: FAIL: the tests left network namespaces behind (remove with: ip netns del NAME): $(oneline "$new_netns")" >&2
fi
if [ -n "$new_progs" ]; then
  echo "test.sh: FAIL: the tests left pkttrace BPF programs loaded (id name; see bpftool prog show): $(oneline "$new_progs")" >&2
fi

if [ "$status" -ne 0 ]; then
  echo "test.sh: mvn -B verify failed with status $status" >&2
  exit "$status"
fi
[ -z "$leaks" ] || exit 1
echo "test.sh: all tests passed, nothing left behind" >&2
