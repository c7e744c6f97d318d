#!/usr/bin/env bash
# The test Redis Cluster: 6 redis-server processes on 127.0.0.1:17001-17006 (3 primaries, 3
# replicas), password sessionpp-test (requirepass and masterauth), data under
# $SESSIONPP_SERVICES_DIR/redis-cluster/<port>/ (pid file redis.pid, log redis.log, nodes.conf).
# No persistence: a restarted node rejoins (nodes.conf) and resyncs from its primary.
# Short cluster-node-timeout (2 s) so that a failover finishes in a few seconds.
#   redis-cluster.sh start | stop | status | env
# start brings back nodes that died (they rejoin as replicas) and recreates the cluster when it
# does not reach cluster_state:ok; a start while everything is up is a no-op.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
services_dir="${SESSIONPP_SERVICES_DIR:-$root/.services}"
dir="$services_dir/redis-cluster"
ports=(17001 17002 17003 17004 17005 17006)
password=sessionpp-test

cli() { local p="$1"; shift; redis-cli -h 127.0.0.1 -p "$p" -a "$password" --no-auth-warning "$@"; }
answers() { [ "$(cli "$1" ping 2>/dev/null)" = "PONG" ]; }
state_ok() { cli "$1" cluster info 2>/dev/null | tr -d '\r' | grep -q '^cluster_state:ok'; }
known_nodes() { cli "$1" cluster info 2>/dev/null | tr -d '\r' | sed -n 's/^cluster_known_nodes://p'; }
all_ok() {
  local p
  for p in "${ports[@]}"; do
    answers "$p" && state_ok "$p" && [ "$(known_nodes "$p")" = "6" ] || return 1
  done
}
# 3 primaries with slots and 3 replicas, as seen from every node's view.
balanced() {
  local p masters
  for p in "${ports[@]}"; do
    masters="$(cli "$p" cluster nodes 2>/dev/null | awk '$3 ~ /master/ && $3 !~ /fail/ && NF >= 9' | wc -l)"
    [ "$masters" = "3" ] || return 1
  done
}

write_conf() {
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
cluster-enabled yes
cluster-config-file nodes.conf
cluster-node-timeout 2000
# A replica may always take over, and the slots of healthy primaries keep serving meanwhile.
cluster-replica-validity-factor 0
cluster-require-full-coverage no
requirepass $password
masterauth $password
save ""
appendonly no
maxmemory 64mb
maxmemory-policy noeviction
notify-keyspace-events ""
CONF
}

start_node() {
  local p="$1"
  answers "$p" && return 0
  write_conf "$p"
  redis-server "$dir/$p/redis.conf"
}

wait_answering() {
  local p
  for _ in $(seq 1 100); do
    local all=1
    for p in "${ports[@]}"; do answers "$p" || all=0; done
    [ "$all" = 1 ] && return 0
    sleep 0.1
  done
  return 1
}

wait_ok() {  # $1: tenths of a second
  for _ in $(seq 1 "$1"); do
    all_ok && return 0
    sleep 0.1
  done
  return 1
}

stop_all() {
  local p pid
  for p in "${ports[@]}"; do
    cli "$p" shutdown nosave >/dev/null 2>&1 || true
  done
  for p in "${ports[@]}"; do
    pid="$(cat "$dir/$p/redis.pid" 2>/dev/null || true)"
    for _ in $(seq 1 50); do
      { [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; } || break
      sleep 0.1
    done
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" || true; fi
    rm -f "$dir/$p/redis.pid"
  done
}

create() {
  local p addrs=()
  stop_all
  for p in "${ports[@]}"; do rm -f "$dir/$p/nodes.conf"; start_node "$p"; addrs+=("127.0.0.1:$p"); done
  wait_answering || { echo "redis-cluster: nodes did not answer PING; see $dir/*/redis.log" >&2; return 1; }
  redis-cli -a "$password" --no-auth-warning --cluster create "${addrs[@]}" --cluster-replicas 1 \
    --cluster-yes >"$dir/create.log" 2>&1 || { echo "redis-cluster: create failed; see $dir/create.log" >&2; return 1; }
}

case "${1:-status}" in
  start)
    command -v redis-server >/dev/null || { echo "redis-cluster: redis-server is not installed (scripts/setup)" >&2; exit 1; }
    if all_ok && balanced; then echo "redis-cluster: already running on 127.0.0.1:${ports[0]}-${ports[5]}"; exit 0; fi
    mkdir -p "$dir"
    fresh=1
    for p in "${ports[@]}"; do [ -f "$dir/$p/nodes.conf" ] && fresh=0; done
    if [ "$fresh" = 0 ]; then
      # Bring back dead nodes: with their nodes.conf they rejoin, as replicas of whoever took over.
      for p in "${ports[@]}"; do start_node "$p"; done
      wait_answering || true
      if ! wait_ok 150 || ! balanced; then
        echo "redis-cluster: the existing cluster did not recover; recreating it" >&2
        fresh=1
      fi
    fi
    if [ "$fresh" = 1 ]; then create || exit 1; fi
    if wait_ok 300 && balanced; then
      echo "redis-cluster: running on 127.0.0.1:${ports[0]}-${ports[5]}"
      exit 0
    fi
    echo "redis-cluster: no cluster_state:ok within 30 s; see $dir/*/redis.log" >&2
    exit 1
    ;;
  stop)
    stop_all
    echo "redis-cluster: stopped"
    ;;
  status)
    if all_ok; then echo "redis-cluster: running on 127.0.0.1:${ports[0]}-${ports[5]}"; else echo "redis-cluster: stopped or degraded"; exit 1; fi
    ;;
  env)
    nodes=""
    for p in "${ports[@]}"; do nodes="${nodes:+$nodes,}127.0.0.1:$p"; done
    echo "export SESSIONPP_TEST_REDIS_CLUSTER_NODES=$nodes"
    echo "export SESSIONPP_TEST_REDIS_CLUSTER_PASSWORD=$password"
    echo "export SESSIONPP_TEST_REDIS_CLUSTER_DIR=$dir"
    ;;
  *)
    echo "usage: redis-cluster.sh start|stop|status|env" >&2
    exit 2
    ;;
esac
