#!/usr/bin/env bash
# Cairn's gateway against nginx serving the same bytes, measured with wrk on this machine.
#
#   cairn-bench/scripts/http-vs-nginx.sh [seconds-per-run] [connections] [wrk-threads]
#
# Starts `cairn serve` (fresh data directory) and nginx (static files, sendfile on) on 127.0.0.1
# high ports, uploads one random 4 KiB and one 256 KiB block to Cairn and writes the same bytes as
# files for nginx, then fetches each hot block with wrk: Cairn via /ipfs/<cid>?format=raw, nginx
# via /<cid>. Prints requests/s, throughput and latency for both and the ratio Cairn/nginx; writes
# docs/results/http-vs-nginx.csv. Installs wrk and nginx from the distribution's packages when
# missing (needs root or sudo). Everything it starts is stopped on exit.
#
# Environment: JAVA_OPTS for the Cairn JVM (e.g. "-Xmx512m"); CAIRN_MAX_MEMORY (default 512m).
set -euo pipefail

SECONDS_PER_RUN="${1:-10}"
CONNECTIONS="${2:-32}"
WRK_THREADS="${3:-2}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/docs/results/http-vs-nginx.csv"
WORK="$(mktemp -d /tmp/cairn-http-bench.XXXXXX)"
CAIRN_PID=""
NGINX_PID=""

cleanup() {
  [[ -n "$CAIRN_PID" ]] && kill "$CAIRN_PID" 2>/dev/null && wait "$CAIRN_PID" 2>/dev/null || true
  [[ -n "$NGINX_PID" ]] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

need() { # command package
  command -v "$1" >/dev/null 2>&1 && return 0
  local sudo=""
  [[ "$(id -u)" != 0 ]] && sudo="sudo"
  echo "installing $2 ..." >&2
  $sudo apt-get update -qq >/dev/null && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  command -v "$1" >/dev/null 2>&1 || { echo "cannot install $2" >&2; exit 1; }
}
need wrk wrk
need nginx nginx
command -v curl >/dev/null || need curl curl

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
GW_PORT="$(free_port)"; API_PORT="$(free_port)"; NGINX_PORT="$(free_port)"

# --- Cairn -----------------------------------------------------------------------------------
# Runs the server from the bench module's class path (which holds the server and its libraries),
# as `./cairn bench` does; builds through the launcher first if that is missing.
[[ -d "$ROOT/cairn-bench/target/lib" ]] || "$ROOT/cairn" build
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# shellcheck disable=SC2086
"$JAVA" ${JAVA_OPTS:-} -cp "$ROOT/cairn-bench/target/classes:$ROOT/cairn-bench/target/lib/*" io.cairn.server.cli.CairnCli \
    serve --data "$WORK/cairn" --gateway-port "$GW_PORT" --api-port "$API_PORT" \
    --max-memory "${CAIRN_MAX_MEMORY:-512m}" >"$WORK/cairn.log" 2>&1 &
CAIRN_PID=$!
for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:$API_PORT/health" >/dev/null 2>&1 && break
  kill -0 "$CAIRN_PID" 2>/dev/null || { echo "cairn serve exited:"; tail -20 "$WORK/cairn.log"; exit 1; }
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$API_PORT/health" >/dev/null || { echo "cairn not healthy"; tail -20 "$WORK/cairn.log"; exit 1; }

# --- the same bytes for both ---------------------------------------------------------------
mkdir -p "$WORK/www"
# nginx's workers drop root privileges (www-data); mktemp made the folder private
chmod 755 "$WORK" "$WORK/www"
declare -A CID
for size in 4096 262144; do
  head -c "$size" /dev/urandom >"$WORK/block-$size"
  cid="$(curl -fsS -X POST -F "file=@$WORK/block-$size" "http://127.0.0.1:$API_PORT/api/v0/block/put" \
        | sed -n 's/.*"Key":"\([^"]*\)".*/\1/p' | head -n 1)"
  [[ -n "$cid" ]] || { echo "upload of $size bytes failed"; exit 1; }
  cp "$WORK/block-$size" "$WORK/www/$cid"
  chmod 644 "$WORK/www/$cid"
  CID[$size]="$cid"
  # check both serve exactly these bytes before measuring anything
  curl -fsS "http://127.0.0.1:$GW_PORT/ipfs/$cid?format=raw" | cmp - "$WORK/block-$size"
done

# --- nginx -----------------------------------------------------------------------------------
cat >"$WORK/nginx.conf" <<NGINX
worker_processes auto;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  default_type application/vnd.ipld.raw;
  client_body_temp_path $WORK/nginx-tmp;
  proxy_temp_path $WORK/nginx-tmp;
  fastcgi_temp_path $WORK/nginx-tmp;
  uwsgi_temp_path $WORK/nginx-tmp;
  scgi_temp_path $WORK/nginx-tmp;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/www;
  }
}
NGINX
mkdir -p "$WORK/nginx-tmp"
nginx -c "$WORK/nginx.conf" -p "$WORK" &
NGINX_PID=$!
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$NGINX_PORT/${CID[4096]}" >/dev/null 2>&1 && break; sleep 0.1; done
for size in 4096 262144; do
  curl -fsS "http://127.0.0.1:$NGINX_PORT/${CID[$size]}" | cmp - "$WORK/block-$size"
done

# --- measure ---------------------------------------------------------------------------------
run_wrk() { # url -> "rps mbps p50ms p99ms"
  local out
  # a short warm-up first (JIT for Cairn, page cache for both), not counted
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d3s "$1" >/dev/null
  out="$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$1")"
  echo "$out" >>"$WORK/wrk.log"
  local rps mb p50 p99 errs
  rps="$(echo "$out" | awk '/Requests\/sec/ {print $2}')"
  mb="$(echo "$out" | awk '/Transfer\/sec/ {v=$2; u=substr(v, length(v)-1); n=v+0; if (u=="GB") n*=1024; else if (u=="KB") n/=1024; print n}')"
  p50="$(echo "$out" | awk '$1=="50%" {print $2}')"
  p99="$(echo "$out" | awk '$1=="99%" {print $2}')"
  errs="$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')"
  [[ -n "$errs" ]] && echo "  wrk reported: $errs" >&2
  echo "$rps $mb $p50 $p99"
}

mkdir -p "$(dirname "$OUT")"
echo "size_bytes,server,requests_per_s,mb_per_s,p50,p99" >"$OUT"
printf '%-8s %-6s %12s %10s %10s %10s\n' size server req/s MB/s p50 p99
for size in 4096 262144; do
  read -r c_rps c_mb c_p50 c_p99 < <(run_wrk "http://127.0.0.1:$GW_PORT/ipfs/${CID[$size]}?format=raw")
  read -r n_rps n_mb n_p50 n_p99 < <(run_wrk "http://127.0.0.1:$NGINX_PORT/${CID[$size]}")
  printf '%-8s %-6s %12s %10.1f %10s %10s\n' "$size" cairn "$c_rps" "$c_mb" "$c_p50" "$c_p99"
  printf '%-8s %-6s %12s %10.1f %10s %10s\n' "$size" nginx "$n_rps" "$n_mb" "$n_p50" "$n_p99"
  echo "$size,cairn,$c_rps,$c_mb,$c_p50,$c_p99" >>"$OUT"
  echo "$size,nginx,$n_rps,$n_mb,$n_p50,$n_p99" >>"$OUT"
  awk -v c="$c_rps" -v n="$n_rps" -v s="$size" 'BEGIN { printf "  %s bytes: Cairn/nginx = %.2f\n", s, c / n }'
done
echo "wrote $OUT (wrk -t$WRK_THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s; both servers and wrk share $(nproc) cores)"
