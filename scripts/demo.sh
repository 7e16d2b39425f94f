#!/usr/bin/env bash
# The newcomer's first command: installs what is missing, builds pkttrace (BPF objects included),
# and runs `pkttrace demo`, which traces an IPv4 and an IPv6 ping across three network namespaces it
# creates and removes. Exits with the demo's status. Works from any directory.
# Usage: sudo scripts/demo.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/setup.sh

echo "demo.sh: building pkttrace (mvn -B -q package -DskipTests; the first build downloads dependencies)" >&2
# Build chatter goes to stderr: standard output carries only the demo's trace.
mvn -B -q package -DskipTests >&2 || { echo "demo.sh: the build failed (see above)" >&2; exit 1; }

pkttrace=distribution/target/pkttrace/bin/pkttrace
[ -x "$pkttrace" ] || { echo "demo.sh: the build did not produce $pkttrace" >&2; exit 1; }
echo "demo.sh: running $pkttrace demo" >&2
exec "$pkttrace" demo
