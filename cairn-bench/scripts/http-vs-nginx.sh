#!/usr/bin/env bash
# Cairn's gateway against nginx serving the same bytes, measured with wrk on this machine.
#
#   cairn-bench/scripts/http-vs-nginx.sh [seconds-per-run] [connections] [wrk-threads] [rounds]
#
# Starts `cairn serve` (fresh data directory) and nginx (static files, sendfile on) on 127.0.0.1
# high ports, uploads one random 4 KiB and one 256 KiB block to Cairn and writes the same bytes as
# files for nginx, then fetches each hot block with wrk: Cairn via /ipfs/<cid>?format=raw, nginx
# via /<cid>, the two servers alternating within each of [rounds] rounds (default 3). Prints
# requests/s, throughput, latency and CPU time per request (the server's own processes, from
# /proc) for both, the ratio Cairn/nginx per round and its median; writes
# docs/results/http-vs-nginx.csv. Installs wrk and nginx from the distribution's packages when
# missing (needs root or sudo). Everything it starts is stopped on exit.
#
# nginx runs an ordinary production static-file configuration: worker_processes auto, sendfile on,
# tcp_nopush on, access_log off, keep-alive (default keepalive_timeout 75s, keepalive_requests
# raised to 1,000,000 so wrk's connections are never recycled mid-run).
#
# Environment: JAVA_OPTS for the Cairn JVM (default "-Xmx256m": with no -Xmx the JDK takes a quarter
# of the machine's RAM as heap, more than the memory budget, and the server disables its block
# cache, so every "hot" GET would be read from disk); CAIRN_MAX_MEMORY (default 512m, which with
# -Xmx256m leaves a 128 MiB block cache).
set -euo pipefail

SECONDS_PER_RUN="${1:-10}"
CONNECTIONS="${2:-32}"
WRK_THREADS="${3:-2}"
ROUNDS="${4:-3}"
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
"$JAVA" ${JAVA_OPTS:--Xmx256m} --enable-native-access=ALL-UNNAMED -cp "$ROOT/cairn-bench/target/classes:$ROOT/cairn-bench/target/lib/*" io.cairn.server.cli.CairnCli \
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
TICKS="$(getconf CLK_TCK)"
cpu_ticks() { # pid... -> utime+stime of those processes, in clock ticks
  local t=0 p
  for p in "$@"; do
    [[ -r "/proc/$p/stat" ]] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$t"
}
server_pids() { # cairn|nginx -> the processes that serve
  if [[ "$1" == cairn ]]; then echo "$CAIRN_PID"; else echo "$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"; fi
}

run_wrk() { # server url -> "rps mbps p50ms p99ms cpu_us_per_request"
  local out pids c0 c1 reqs
  # a short warm-up first (JIT for Cairn, page cache for both), not counted
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d3s "$2" >/dev/null
  # shellcheck disable=SC2046
  pids="$(server_pids "$1")"
  # shellcheck disable=SC2086
  c0="$(cpu_ticks $pids)"
  out="$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$2")"
  # shellcheck disable=SC2086
  c1="$(cpu_ticks $pids)"
  echo "$out" >>"$WORK/wrk.log"
  local rps mb p50 p99 errs
  rps="$(echo "$out" | awk '/Requests\/sec/ {print $2}')"
  mb="$(echo "$out" | awk '/Transfer\/sec/ {v=$2; u=substr(v, length(v)-1); n=v+0; if (u=="GB") n*=1024; else if (u=="KB") n/=1024; print n}')"
  p50="$(echo "$out" | awk '$1=="50%" {print $2}')"
  p99="$(echo "$out" | awk '$1=="99%" {print $2}')"
  errs="$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')"
  [[ -n "$errs" ]] && echo "  wrk reported: $errs" >&2
  reqs="$(echo "$out" | awk '/requests in/ {print $1}')"
  cpu="$(awk -v d=$((c1 - c0)) -v t="$TICKS" -v n="$reqs" 'BEGIN { printf "%.1f", d / t * 1e6 / n }')"
  echo "$rps $mb $p50 $p99 $cpu"
}

mkdir -p "$(dirname "$OUT")"
echo "round,size_bytes,server,requests_per_s,mb_per_s,p50,p99,cpu_us_per_request" >"$OUT"
printf '%-5s %-8s %-6s %12s %10s %10s %10s %10s\n' round size server req/s MB/s p50 p99 "CPU us/req"
declare -A RATIOS
for round in $(seq 1 "$ROUNDS"); do
  for size in 4096 262144; do
    # alternate which server goes first, so neither always gets the quieter half of a round
    if (( round % 2 )); then order="cairn nginx"; else order="nginx cairn"; fi
    for server in $order; do
      if [[ "$server" == cairn ]]; then url="http://127.0.0.1:$GW_PORT/ipfs/${CID[$size]}?format=raw"
      else url="http://127.0.0.1:$NGINX_PORT/${CID[$size]}"; fi
      read -r rps mb p50 p99 cpu < <(run_wrk "$server" "$url")
      printf '%-5s %-8s %-6s %12s %10.1f %10s %10s %10s\n' "$round" "$size" "$server" "$rps" "$mb" "$p50" "$p99" "$cpu"
      echo "$round,$size,$server,$rps,$mb,$p50,$p99,$cpu" >>"$OUT"
      [[ "$server" == cairn ]] && c_rps="$rps" || n_rps="$rps"
    done
    ratio="$(awk -v c="$c_rps" -v n="$n_rps" 'BEGIN { printf "%.2f", c / n }')"
    RATIOS[$size]="${RATIOS[$size]:-} $ratio"
    echo "  round $round, $size bytes: Cairn/nginx = $ratio"
  done
done
for size in 4096 262144; do
  # shellcheck disable=SC2086
  echo "$size bytes: Cairn/nginx per round:${RATIOS[$size]}; median $(printf '%s\n' ${RATIOS[$size]} | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')"
done
echo "wrote $OUT (wrk -t$WRK_THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s; both servers and wrk share $(nproc) cores)"
