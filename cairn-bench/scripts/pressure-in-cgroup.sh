#!/usr/bin/env bash
# The pressure flood with the server inside a memory cgroup: does the kernel's OOM killer end it?
#
#   cairn-bench/scripts/pressure-in-cgroup.sh LIMIT_MIB HEAP [more `cairn bench pressure` options]
#   e.g. cairn-bench/scripts/pressure-in-cgroup.sh 320 192m
#
# Creates a memory cgroup (v1 at /sys/fs/cgroup/memory, or v2 at /sys/fs/cgroup with the memory
# controller) with the given limit, and runs `./cairn bench pressure --heap HEAP --max-memory server`
# with a java wrapper that moves only the child server into the group; the harness and its
# clients stay outside. Prints the harness's report, then the group's OOM-kill count and peak
# charge. Needs root and a writable cgroup filesystem. The group is removed on exit.
set -euo pipefail

LIMIT_MIB="${1:?usage: pressure-in-cgroup.sh LIMIT_MIB HEAP [pressure options]}"
HEAP="${2:?usage: pressure-in-cgroup.sh LIMIT_MIB HEAP [pressure options]}"
shift 2
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NAME="cairn-pressure-$$"
WORK="$(mktemp -d /tmp/cairn-cgroup-bench.XXXXXX)"
LIMIT=$((LIMIT_MIB * 1024 * 1024))

if [[ -d /sys/fs/cgroup/memory ]]; then
  GROUP="/sys/fs/cgroup/memory/$NAME"
  mkdir "$GROUP"
  echo "$LIMIT" > "$GROUP/memory.limit_in_bytes"
  kills() { awk '/^oom_kill /{print $2}' "$GROUP/memory.oom_control"; }
  peak() { cat "$GROUP/memory.max_usage_in_bytes"; }
  # The kernel's figure the governor reads: anonymous + shared + kernel memory, page cache left out.
  charge() { echo $(( $(awk '/^total_rss /{r=$2} /^total_shmem /{s=$2} END{print r+s}' "$GROUP/memory.stat") \
      + $(cat "$GROUP/memory.kmem.usage_in_bytes" 2>/dev/null || echo 0) )); }
elif grep -qw memory /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then
  GROUP="/sys/fs/cgroup/$NAME"
  mkdir "$GROUP"
  echo "$LIMIT" > "$GROUP/memory.max"
  kills() { awk '/^oom_kill /{print $2}' "$GROUP/memory.events"; }
  peak() { cat "$GROUP/memory.peak" 2>/dev/null || echo "n/a"; }
  charge() { awk '/^anon /{a=$2} /^shmem /{s=$2} /^kernel /{k=$2} END{print a+s+k}' "$GROUP/memory.stat"; }
else
  echo "pressure-in-cgroup: no writable memory cgroup here (needs root and cgroup v1 or v2 with the memory controller)" >&2
  exit 2
fi

cleanup() {
  # The group can be removed once its last process has gone.
  for _ in $(seq 1 50); do rmdir "$GROUP" 2>/dev/null && break; sleep 0.2; done
  rm -rf "$WORK"
}
trap cleanup EXIT

JAVA_BIN="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
[[ -x "$JAVA_BIN" ]] || { echo "pressure-in-cgroup: set JAVA_HOME to a JDK 25 (no $JAVA_BIN)" >&2; exit 2; }
cat > "$WORK/java" <<EOF
#!/usr/bin/env bash
echo \$\$ > "$GROUP/cgroup.procs"
exec "$JAVA_BIN" "\$@"
EOF
chmod +x "$WORK/java"

echo "memory cgroup $GROUP, limit $LIMIT_MIB MiB, server heap $HEAP"
# Samples the kernel's figure every 200 ms and keeps the largest.
( max=0; while [[ -d "$GROUP" ]]; do c=$(charge 2>/dev/null || echo 0); (( c > max )) && max=$c && echo "$max" > "$WORK/peak-charge"; sleep 0.2; done ) &
SAMPLER=$!
JAVA_OPTS="${JAVA_OPTS:-} -Dcairn.test.java=$WORK/java" \
  "$ROOT/cairn" bench pressure --heap "$HEAP" --max-memory server --out "$WORK/out" "$@" || true
echo "OOM kills in the group          : $(kills)"
echo "peak charge of the group        : $(peak) bytes (limit $LIMIT)"
echo "peak anon+shmem+kernel charge   : $(cat "$WORK/peak-charge" 2>/dev/null || echo n/a) bytes (page cache left out)"
kill "$SAMPLER" 2>/dev/null || true
