#!/usr/bin/env bash
# What one hot GET costs a server, in counts that hold on a loaded machine: user and system CPU
# microseconds per request (from /proc) and, when perf is installed, system calls and context
# switches per request (perf stat tracepoints on the server's processes).
#
#   cairn-bench/scripts/http-hot-counts.sh cairn|nginx [seconds] [block-bytes] [build-root]
#
# cairn: starts `cairn serve` from build-root (default this checkout; its cairn-bench/target/lib must
# exist: build with `mvn -B -q package -pl cairn-bench -am -DskipTests`), stores one random block and
# fetches it hot with wrk -t2 -c32 (/ipfs/<cid>?format=raw) after a 6 s warm-up. nginx: the same bytes
# as a static file (sendfile on, as in http-vs-nginx.sh). Pass an older build's root to compare.
set -euo pipefail
SERVER="${1:?cairn or nginx}"; SECS="${2:-8}"; SIZE="${3:-4096}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"; ROOT="${4:-$HERE}"
W="$(mktemp -d /tmp/cairn-hot-counts.XXXXXX)"; chmod 755 "$W"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
PIDS=""; MAIN=""
cleanup() { [[ -n "$MAIN" ]] && kill "$MAIN" 2>/dev/null && wait "$MAIN" 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
head -c "$SIZE" /dev/urandom >"$W/block"
if [[ "$SERVER" == cairn ]]; then
  GP="$(port)"; AP="$(port)"
  # shellcheck disable=SC2086
  "$JAVA" ${JAVA_OPTS:--Xmx256m} --enable-native-access=ALL-UNNAMED -cp "$ROOT/cairn-bench/target/classes:$ROOT/cairn-bench/target/lib/*" \
    io.cairn.server.cli.CairnCli serve --data "$W/data" --gateway-port "$GP" --api-port "$AP" --max-memory 512m >"$W/log" 2>&1 &
  MAIN=$!
  for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$AP/health" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fsS "http://127.0.0.1:$AP/health" >/dev/null || { echo "cairn serve did not come up:"; tail -20 "$W/log"; exit 1; }
  cid="$(curl -fsS -X POST -F "file=@$W/block" "http://127.0.0.1:$AP/api/v0/block/put" | sed -n 's/.*"Key":"\([^"]*\)".*/\1/p')"
  URL="http://127.0.0.1:$GP/ipfs/$cid?format=raw"
  PIDS="$MAIN"
else
  P="$(port)"; mkdir -p "$W/www" "$W/tmp"; chmod 755 "$W/www"; cp "$W/block" "$W/www/block"; chmod 644 "$W/www/block"
  cat >"$W/nginx.conf" <<NGINX
worker_processes auto; daemon off; pid $W/nginx.pid; error_log $W/error.log warn;
events { worker_connections 4096; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000; default_type application/vnd.ipld.raw;
  client_body_temp_path $W/tmp; proxy_temp_path $W/tmp; fastcgi_temp_path $W/tmp; uwsgi_temp_path $W/tmp; scgi_temp_path $W/tmp;
  server { listen 127.0.0.1:$P; root $W/www; } }
NGINX
  nginx -c "$W/nginx.conf" -p "$W" & MAIN=$!
  URL="http://127.0.0.1:$P/block"
  for _ in $(seq 1 50); do curl -fsS "$URL" >/dev/null 2>&1 && break; sleep 0.1; done
  PIDS="$MAIN $(pgrep -P "$MAIN" | tr '\n' ' ')"
fi
curl -fsS "$URL" | cmp - "$W/block"
wrk -t2 -c32 -d6s "$URL" >/dev/null
ticks() { local t=0 p; for p in $PIDS; do t=$((t + $(awk -v f="$1" '{print $f}' "/proc/$p/stat"))); done; echo "$t"; }
u0="$(ticks 14)"; s0="$(ticks 15)"; PERF=""
if command -v perf >/dev/null 2>&1; then
  perf stat -x, -e raw_syscalls:sys_enter,syscalls:sys_enter_epoll_ctl,context-switches -p "$(echo $PIDS | tr ' ' ',')" -o "$W/perf" 2>/dev/null &
  PERF=$!; sleep 0.3
fi
out="$(wrk -t2 -c32 -d"${SECS}s" "$URL")"
[[ -n "$PERF" ]] && { kill -INT "$PERF"; wait "$PERF" || true; }
u1="$(ticks 14)"; s1="$(ticks 15)"
n="$(echo "$out" | awk '/requests in/ {print $1}')"; T="$(getconf CLK_TCK)"
awk -v s="$SERVER" -v n="$n" -v u=$((u1 - u0)) -v y=$((s1 - s0)) -v t="$T" -v r="$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
  'BEGIN { printf "%s %d B: %d requests, %s req/s; CPU per request: user %.1f us, system %.1f us, total %.1f us\n", s, '"$SIZE"', n, r, u/t*1e6/n, y/t*1e6/n, (u+y)/t*1e6/n }'
[[ -f "$W/perf" ]] && awk -F, -v n="$n" 'NF > 3 && $1 ~ /^[0-9]/ {printf "  %-28s %7.3f per request\n", $3, $1 / n}' "$W/perf"
true
