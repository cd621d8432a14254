#!/usr/bin/env bash
# The container matrix of issue 10: the upload flood with the server alone in a 320 MiB memory cgroup,
# for each heap setting (unset, 128m, 192m, 256m) and collector (G1, ZGC). One line per cell: kernel
# OOM kills in the group, OutOfMemoryErrors, acknowledged-but-lost writes, highest level, level 0
# after the flood, peak charge of the group.
#
#   cairn-bench/scripts/cgroup-matrix.sh [LIMIT_MIB] [more `cairn bench pressure` options]
#   e.g. cairn-bench/scripts/cgroup-matrix.sh 320 --seconds 20
#
# Needs root and a writable memory cgroup (see pressure-in-cgroup.sh). Output: one block per cell on
# stdout and a summary table at the end; the raw logs stay in $OUT (default /tmp/cairn-cgroup-matrix).
set -uo pipefail
LIMIT_MIB="${1:-320}"
shift || true
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${OUT:-/tmp/cairn-cgroup-matrix}"
HEAPS="${HEAPS:-default 128m 192m 256m}"
GCS="${GCS:-G1 Z}"
BLOCK_KIB="${BLOCK_KIB:-1536}"
mkdir -p "$OUT"
SUMMARY="$OUT/summary.txt"
printf '| heap | GC | kernel OOM kills | OutOfMemoryError | acked but lost | highest level | level 0 after | peak charge (all) | peak anon+shmem+kernel |\n|---|---|---:|---:|---:|---:|---|---:|---:|\n' > "$SUMMARY"
for heap in $HEAPS; do
  for gc in $GCS; do
    log="$OUT/cell-$heap-$gc.txt"
    echo "== heap $heap, $gc, limit $LIMIT_MIB MiB, ${BLOCK_KIB} KiB uploads"
    "$ROOT/cairn-bench/scripts/pressure-in-cgroup.sh" "$LIMIT_MIB" "$heap" --block-kib "$BLOCK_KIB" \
        "--jvm=-XX:+Use${gc}GC" "$@" > "$log" 2>&1
    grep -E "OutOfMemoryError in server log|acked but not retrievable|highest level seen|flood end -> level 0|OOM kills|peak charge|peak anon|uploads tried|server died|killed" "$log"
    kills=$(awk -F: '/OOM kills in the group/{gsub(/ /,"",$2); print $2}' "$log")
    ooms=$(awk -F: '/OutOfMemoryError in server log/{split($2,a," "); print a[1]}' "$log")
    lost=$(awk -F: '/acked but not retrievable/{split($2,a," "); print a[1]}' "$log")
    level=$(awk -F: '/highest level seen/{gsub(/ /,"",$2); print $2}' "$log")
    back=$(awk -F' : ' '/flood end -> level 0/{print $2}' "$log")
    peak=$(awk -F: '/peak charge of the group/{split($2,a," "); printf "%.0f MiB", a[1]/1048576}' "$log")
    anon=$(awk -F: '/peak anon\+shmem\+kernel charge/{split($2,a," "); printf "%.0f MiB", a[1]/1048576}' "$log")
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$heap" "$gc" "${kills:-?}" "${ooms:-?}" "${lost:-?}" \
        "${level:-?}" "${back:-?}" "${peak:-?}" "${anon:-?}" >> "$SUMMARY"
  done
done
echo
cat "$SUMMARY"
