#!/usr/bin/env bash
# The test Sentinel setup: a primary on 127.0.0.1:17101, its replica on 17102 (password
# sessionpp-test, requirepass and masterauth) and 3 sentinels on 17201-17203 (password
# sessionpp-sentinel) watching master name `sessionpp` (quorum 2, down-after 1 s, so a failover
# takes a few seconds). Data under $SESSIONPP_SERVICES_DIR/redis-sentinel/<port>/ (pid file
# redis.pid, log redis.log). No persistence: a restarted node resyncs from the primary.
#   redis-sentinel.sh start | stop | status | env
# start brings back nodes that died (sentinels make a returning old primary a replica); when the
# setup is beyond repair (no primary known to the sentinels), it starts over from scratch.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
services_dir="${SESSIONPP_SERVICES_DIR:-$root/.services}"
dir="$services_dir/redis-sentinel"
data_ports=(17101 17102)
sentinel_ports=(17201 17202 17203)
password=sessionpp-test
sentinel_password=sessionpp-sentinel
master=sessionpp

cli() { local p="$1"; shift; redis-cli -h 127.0.0.1 -p "$p" -a "$password" --no-auth-warning "$@"; }
scli() { local p="$1"; shift; redis-cli -h 127.0.0.1 -p "$p" -a "$sentinel_password" --no-auth-warning "$@"; }
answers() { [ "$(cli "$1" ping 2>/dev/null)" = "PONG" ]; }
sanswers() { [ "$(scli "$1" ping 2>/dev/null)" = "PONG" ]; }
master_port() { scli "$1" sentinel get-master-addr-by-name "$master" 2>/dev/null | sed -n 2p | tr -d '\r'; }
role() { cli "$1" info replication 2>/dev/null | tr -d '\r' | sed -n 's/^role://p'; }
# Every node and sentinel up, the sentinels agree on a primary that says it is one, with one
# replica linked and 2 other sentinels known.
healthy() {
  local p m=""
  for p in "${data_ports[@]}"; do answers "$p" || return 1; done
  for p in "${sentinel_ports[@]}"; do
    sanswers "$p" || return 1
    local mp; mp="$(master_port "$p")"
    [ -n "$mp" ] || return 1
    [ -z "$m" ] || [ "$m" = "$mp" ] || return 1
    m="$mp"
    [ "$(scli "$p" sentinel sentinels "$master" 2>/dev/null | grep -c '^name$' || true)" -ge 2 ] || return 1
  done
  [ "$(role "$m")" = "master" ] || return 1
  cli "$m" info replication 2>/dev/null | tr -d '\r' | grep -q '^connected_slaves:1' || return 1
  local other; for other in "${data_ports[@]}"; do
    [ "$other" = "$m" ] && continue
    cli "$other" info replication 2>/dev/null | tr -d '\r' | grep -q '^master_link_status:up' || return 1
  done
}

write_data_conf() {  # $1 port, $2 primary port or empty
  local p="$1" d="$dir/$1"
  mkdir -p "$d"
  cat >"$d/redis.conf" <<CONF
bind 127.0.0.1
protected-mode yes
port $p
daemonize yes
pidfile $d/redis.pid
logfile $d/redis.log
dir $d
requirepass $password
masterauth $password
save ""
appendonly no
maxmemory 64mb
maxmemory-policy noeviction
notify-keyspace-events ""
replica-announce-ip 127.0.0.1
CONF
  [ -z "$2" ] || echo "replicaof 127.0.0.1 $2" >>"$d/redis.conf"
}

write_sentinel_conf() {
  local p="$1" d="$dir/$1"
  mkdir -p "$d"
  cat >"$d/sentinel.conf" <<CONF
bind 127.0.0.1
port $p
daemonize yes
pidfile $d/redis.pid
logfile $d/redis.log
dir $d
requirepass $sentinel_password
sentinel sentinel-pass $sentinel_password
sentinel announce-ip 127.0.0.1
sentinel monitor $master 127.0.0.1 ${data_ports[0]} 2
sentinel auth-pass $master $password
sentinel down-after-milliseconds $master 1000
sentinel failover-timeout $master 5000
sentinel parallel-syncs $master 1
CONF
}

stop_pid() {
  local pid; pid="$(cat "$1/redis.pid" 2>/dev/null || true)"
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  rm -f "$1/redis.pid"
}
stop_all() {
  local p
  for p in "${sentinel_ports[@]}" "${data_ports[@]}"; do stop_pid "$dir/$p"; done
}

wait_healthy() {  # $1: tenths of a second
  for _ in $(seq 1 "$1"); do healthy && return 0; sleep 0.1; done
  return 1
}

fresh_start() {
  stop_all
  rm -rf "$dir"
  write_data_conf "${data_ports[0]}" ""
  write_data_conf "${data_ports[1]}" "${data_ports[0]}"
  redis-server "$dir/${data_ports[0]}/redis.conf"
  redis-server "$dir/${data_ports[1]}/redis.conf"
  local p
  for p in "${sentinel_ports[@]}"; do
    write_sentinel_conf "$p"
    redis-server "$dir/$p/sentinel.conf" --sentinel
  done
}

case "${1:-status}" in
  start)
    command -v redis-server >/dev/null || { echo "redis-sentinel: redis-server is not installed (scripts/setup)" >&2; exit 1; }
    if healthy; then echo "redis-sentinel: already running (sentinels 127.0.0.1:${sentinel_ports[0]}-${sentinel_ports[2]})"; exit 0; fi
    if [ -f "$dir/${sentinel_ports[0]}/sentinel.conf" ]; then
      # Restart what died with the configuration it (or the sentinels) last wrote.
      for p in "${data_ports[@]}"; do answers "$p" || redis-server "$dir/$p/redis.conf"; done
      for p in "${sentinel_ports[@]}"; do sanswers "$p" || redis-server "$dir/$p/sentinel.conf" --sentinel; done
      if ! wait_healthy 200; then
        echo "redis-sentinel: the existing setup did not recover; starting over" >&2
        fresh_start
      fi
    else
      fresh_start
    fi
    if wait_healthy 300; then
      echo "redis-sentinel: running (primary 127.0.0.1:$(master_port "${sentinel_ports[0]}"), sentinels 127.0.0.1:${sentinel_ports[0]}-${sentinel_ports[2]})"
      exit 0
    fi
    echo "redis-sentinel: not healthy within 30 s; see $dir/*/redis.log" >&2
    exit 1
    ;;
  stop)
    stop_all
    echo "redis-sentinel: stopped"
    ;;
  status)
    if healthy; then echo "redis-sentinel: running (primary 127.0.0.1:$(master_port "${sentinel_ports[0]}"))"; else echo "redis-sentinel: stopped or degraded"; exit 1; fi
    ;;
  env)
    s=""
    for p in "${sentinel_ports[@]}"; do s="${s:+$s,}127.0.0.1:$p"; done
    echo "export SESSIONPP_TEST_REDIS_SENTINELS=$s"
    echo "export SESSIONPP_TEST_REDIS_SENTINEL_MASTER=$master"
    echo "export SESSIONPP_TEST_REDIS_SENTINEL_PASSWORD=$sentinel_password"
    echo "export SESSIONPP_TEST_REDIS_SENTINEL_DIR=$dir"
    ;;
  *)
    echo "usage: redis-sentinel.sh start|stop|status|env" >&2
    exit 2
    ;;
esac
