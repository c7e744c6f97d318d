#!/usr/bin/env bash
# GET /api/session (signed in, cookie header) against GET /healthz on one sessiond with the
# in-memory store, measured with wrk in the same run, alternating, and the ratio of the two.
# Not a test: it never fails on a number.
#
#   bench/http/sessiond_wrk.sh [BUILD_DIR]      # default: build
#   DURATION=10s CONNECTIONS=16 THREADS=1 ROUNDS=2 bench/http/sessiond_wrk.sh build-http
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-16}
threads=${THREADS:-1}
rounds=${ROUNDS:-2}
sessiond="$build/apps/sessiond/sessiond"
[ -x "$sessiond" ] || { echo "no $sessiond: build it first (ninja -C $build sessiond)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: scripts/setup installs it" >&2; exit 1; }

dir=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
password=bench-$RANDOM$RANDOM
SESSIOND_ADMIN_PASSWORD=$password "$sessiond" --listen 127.0.0.1:0 --port-file "$dir/port" \
  >"$dir/sessiond.log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s "$dir/port" ] && break; sleep 0.05; done
port=$(cat "$dir/port")
base=http://127.0.0.1:$port
cookie=$(curl -s -o /dev/null -D - -X POST "$base/api/login" \
  -d "{\"username\":\"admin\",\"password\":\"$password\"}" |
  sed -n 's/^Set-Cookie: \(SESSION=[^;]*\).*/\1/p')
[ -n "$cookie" ] || { echo "login failed" >&2; cat "$dir/sessiond.log" >&2; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$base/api/session")" = 200 ]

run() {  # run NAME PATH [wrk args...] -> appends "NAME rps avg p50 p99" to $dir/results
  local name=$1 path=$2; shift 2
  local out
  out=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "$@" "$base$path")
  local rps avg p50 p99 non2xx
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  avg=$(awk '$1 == "Latency" && NF >= 4 {print $2; exit}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  printf '%-14s %12s req/s   avg %-9s p50 %-9s p99 %-9s%s\n' "$name" "$rps" "$avg" "$p50" "$p99" \
    "${non2xx:+   NON-2XX: $non2xx}"
  echo "$name $rps" >>"$dir/results"
}

echo "sessiond $base, in-memory store; wrk -t$threads -c$connections -d$duration, $rounds rounds, alternating"
for _ in $(seq "$rounds"); do
  run healthz /healthz
  run api/session /api/session -H "Cookie: $cookie"
done
awk '{sum[$1] += $2; n[$1]++}
     END {h = sum["healthz"] / n["healthz"]; s = sum["api/session"] / n["api/session"];
          printf "mean: healthz %.0f req/s, api/session %.0f req/s, ratio api/session / healthz = %.2f\n",
                 h, s, s / h}' "$dir/results"
echo "active sessions: $(curl -s "$base/metrics" | awk '$1 == "sessiond_active_sessions" {print $2}')"
