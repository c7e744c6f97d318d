#!/usr/bin/env bash
# The MongoDB-compatible test server: FerretDB (SQLite backend) on 127.0.0.1:27117 with
# authentication on (user sessionpp / password sessionpp-test in database sessionpp).
#   start    starts it unless it already runs; waits until an authenticated ping answers
#   stop     stops it cleanly (SIGTERM, then waits)
#   status   one line
#   env      the variables the tests read
# Data under $SESSIONPP_SERVICES_DIR/ferretdb. The binary is built by scripts/setup.d/50-ferretdb.sh
# and cached outside the repository.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
services_dir="${SESSIONPP_SERVICES_DIR:-$root/.services}"
dir="$services_dir/ferretdb"
version="${SESSIONPP_FERRETDB_VERSION:-v1.24.2}"
cache="${SESSIONPP_FERRETDB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sessionpp/ferretdb-$version}"
bin="$cache/ferretdb"
addr="127.0.0.1:27117"
db="sessionpp"
user="sessionpp"
password="sessionpp-test"
pidfile="$dir/ferretdb.pid"

running_pid() {
  [ -f "$pidfile" ] || return 1
  local pid
  pid="$(cat "$pidfile" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # The pid file may be stale and the pid reused: check it is our binary.
  [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$bin")" ] || return 1
  echo "$pid"
}

ping_ok() {
  "$bin" ping --test-enable-new-auth --listen-addr="$addr" --setup-database="$db" --setup-username="$user" \
    --setup-password="$password" --setup-timeout=2s --log-level=ERROR >/dev/null 2>&1
}

wait_ready() {
  for _ in $(seq 1 100); do
    if ping_ok; then
      echo "ferretdb: running (pid $(cat "$pidfile")) on $addr"
      return 0
    fi
    if ! running_pid >/dev/null; then
      echo "ferretdb: exited at start; last log lines:" >&2
      tail -n 20 "$dir/ferretdb.log" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "ferretdb: no answer on $addr after 20 s; see $dir/ferretdb.log" >&2
  return 1
}

start() {
  # Already started (perhaps still starting up): a no-op that waits until it answers.
  if running_pid >/dev/null; then
    wait_ready
    return
  fi
  if (exec 3<>"/dev/tcp/${addr%:*}/${addr#*:}") 2>/dev/null; then
    echo "ferretdb: $addr is already taken by another process; not starting" >&2
    return 1
  fi
  [ -x "$bin" ] || bash "$root/scripts/setup.d/50-ferretdb.sh"
  mkdir -p "$dir/data" "$dir/state"
  # --debug-addr=- : no HTTP debug listener (its default port would collide with other servers).
  # --telemetry=disable : FerretDB must never call home from a test run.
  setsid nohup "$bin" \
    --handler=sqlite --sqlite-url="file:$dir/data/" \
    --listen-addr="$addr" --state-dir="$dir/state" --debug-addr=- \
    --telemetry=disable --log-level=WARN \
    --test-enable-new-auth \
    --setup-database="$db" --setup-username="$user" --setup-password="$password" \
    >>"$dir/ferretdb.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  wait_ready
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$pidfile"
    echo "ferretdb: not running"
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; echo "ferretdb: stopped"; return 0; }
    sleep 0.1
  done
  echo "ferretdb: did not stop in 10 s; killing pid $pid" >&2
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

status() {
  if pid="$(running_pid)" && ping_ok; then
    echo "ferretdb: running (pid $pid) on $addr"
  elif [ -n "${pid:-}" ]; then
    echo "ferretdb: process $pid up but not answering on $addr"
    return 1
  else
    echo "ferretdb: stopped"
    return 1
  fi
}

case "${1:-status}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) echo "export SESSIONPP_TEST_MONGO_URI=\"mongodb://$user:$password@$addr/$db\"" ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
