#!/usr/bin/env bash
# The test Redis: a password-protected redis-server on 127.0.0.1:16379, data under
# $SESSIONPP_SERVICES_DIR/redis. Besides the default user (password sessionpp-test) it has an ACL
# user `sessionpp-acl` (password sessionpp-acl-test) limited to keys under `sessionpp-acl:`.
#   redis.sh start | stop | status | env
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
services_dir="${SESSIONPP_SERVICES_DIR:-$root/.services}"
dir="$services_dir/redis"
port=16379
password=sessionpp-test
acl_user=sessionpp-acl
acl_password=sessionpp-acl-test
acl_prefix=sessionpp-acl:
conf="$dir/redis.conf"
pidfile="$dir/redis.pid"

cli() { redis-cli -h 127.0.0.1 -p "$port" -a "$password" --no-auth-warning "$@"; }
answers() { [ "$(cli ping 2>/dev/null)" = "PONG" ]; }
running_pid() {
  [ -f "$pidfile" ] || return 1
  local pid
  pid="$(cat "$pidfile")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

write_conf() {
  mkdir -p "$dir"
  cat >"$conf" <<CONF
bind 127.0.0.1
protected-mode yes
port $port
daemonize yes
pidfile $pidfile
logfile $dir/redis.log
dir $dir
databases 16
# Sessions survive a clean stop and start (the fleet tests restart the server): an append-only
# file, flushed every second and at SHUTDOWN. No RDB snapshots.
save ""
appendonly yes
appendfsync everysec
# The Redis store never needs these; tests check they are not required.
notify-keyspace-events ""
user default on >$password ~* &* +@all
user $acl_user on >$acl_password resetkeys ~$acl_prefix* resetchannels -@all +@read +@write +@keyspace +@scripting +@connection -@dangerous
CONF
}

case "${1:-status}" in
  start)
    command -v redis-server >/dev/null || { echo "redis: redis-server is not installed (scripts/setup)" >&2; exit 1; }
    if answers; then echo "redis: already running on 127.0.0.1:$port"; exit 0; fi
    write_conf
    redis-server "$conf"
    for _ in $(seq 1 100); do
      if answers; then echo "redis: running on 127.0.0.1:$port"; exit 0; fi
      sleep 0.1
    done
    echo "redis: did not answer PING within 10 s; see $dir/redis.log" >&2
    exit 1
    ;;
  stop)
    pid="$(running_pid || true)"
    if [ -z "$pid" ] && ! answers; then echo "redis: not running"; exit 0; fi
    cli shutdown >/dev/null 2>&1 || true
    for _ in $(seq 1 100); do
      if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then break; fi
      if [ -z "$pid" ] && ! answers; then break; fi
      sleep 0.1
    done
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; sleep 0.5; fi
    echo "redis: stopped"
    ;;
  status)
    if answers; then echo "redis: running on 127.0.0.1:$port (pid $(running_pid || echo '?'))"; else echo "redis: stopped"; exit 1; fi
    ;;
  env)
    echo "export SESSIONPP_TEST_REDIS_URL=redis://:$password@127.0.0.1:$port/3"
    echo "export SESSIONPP_TEST_REDIS_ACL_URL=redis://$acl_user:$acl_password@127.0.0.1:$port/4"
    echo "export SESSIONPP_TEST_REDIS_ACL_PREFIX=$acl_prefix"
    ;;
  *)
    echo "usage: redis.sh start|stop|status|env" >&2
    exit 2
    ;;
esac
