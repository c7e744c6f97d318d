#!/usr/bin/env bash
# MariaDB for the SQL store tests: an instance of our own on 127.0.0.1:13306, data under
# $SESSIONPP_SERVICES_DIR/mariadb (port: SESSIONPP_MARIADB_PORT), run as the unprivileged `mysql` user.
#   user sessionpp / password sessionpp-test: all privileges on database sessionpp,
#   SELECT only on database sessionpp_ro (the read-only refusal tests: missing grants)
# start | stop | status | env. A second start while running does nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${SESSIONPP_SERVICES_DIR:-$root/.services}/mariadb"
port="${SESSIONPP_MARIADB_PORT:-13306}"
data="$dir/data"
sock="$dir/mysqld.sock"
pidfile="$dir/mysqld.pid"
log="$dir/mariadb.log"
run_user=mysql
[ "$(id -u)" -eq 0 ] || run_user="$(id -un)"

server="$(command -v mariadbd || command -v mysqld || echo /usr/sbin/mariadbd)"
client="$(command -v mariadb || command -v mysql || true)"

admin() { "$client" --no-defaults -uroot --socket="$sock" -N -B "$@"; }
answering() { [ -S "$sock" ] && admin -e "SELECT 1" >/dev/null 2>&1; }
running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

case "${1:-status}" in
  start)
    [ -x "$server" ] || { echo "mariadb: mariadb-server is not installed (scripts/setup)" >&2; exit 1; }
    if running && answering; then echo "mariadb: already running on 127.0.0.1:$port"; exit 0; fi
    mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown "$run_user" "$dir"
    if [ "$(id -u)" -eq 0 ] && ! runuser -u "$run_user" -- test -w "$dir"; then
      echo "mariadb: user $run_user cannot reach $dir (a parent folder is closed to it);" \
        "set SESSIONPP_SERVICES_DIR to a folder it can reach, e.g. /var/tmp/sessionpp-services" >&2
      exit 1
    fi
    if [ ! -d "$data/mysql" ]; then
      mariadb-install-db --no-defaults --user="$run_user" --datadir="$data" \
        --auth-root-authentication-method=socket --skip-test-db >"$dir/install.log" 2>&1
    fi
    setsid "$server" --no-defaults --user="$run_user" --datadir="$data" --socket="$sock" \
      --pid-file="$pidfile" --port="$port" --bind-address=127.0.0.1 --skip-name-resolve \
      --log-error="$log" --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=2 \
      --max-connections=300 --character-set-server=utf8mb4 </dev/null >/dev/null 2>&1 &
    for _ in $(seq 1 120); do
      answering && break
      sleep 0.5
    done
    answering || { echo "mariadb: not answering, see $log" >&2; exit 1; }
    admin <<'SQL'
CREATE USER IF NOT EXISTS 'sessionpp'@'127.0.0.1' IDENTIFIED BY 'sessionpp-test';
CREATE USER IF NOT EXISTS 'sessionpp'@'localhost' IDENTIFIED BY 'sessionpp-test';
CREATE DATABASE IF NOT EXISTS sessionpp CHARACTER SET utf8mb4;
CREATE DATABASE IF NOT EXISTS sessionpp_ro CHARACTER SET utf8mb4;
GRANT ALL PRIVILEGES ON sessionpp.* TO 'sessionpp'@'127.0.0.1';
GRANT ALL PRIVILEGES ON sessionpp.* TO 'sessionpp'@'localhost';
GRANT SELECT ON sessionpp_ro.* TO 'sessionpp'@'127.0.0.1';
GRANT SELECT ON sessionpp_ro.* TO 'sessionpp'@'localhost';
FLUSH PRIVILEGES;
SQL
    echo "mariadb: running on 127.0.0.1:$port"
    ;;
  stop)
    if running; then
      pid="$(cat "$pidfile")"
      kill -TERM "$pid"
      for _ in $(seq 1 120); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
      done
    fi
    echo "mariadb: stopped"
    ;;
  status)
    if running && answering; then
      echo "mariadb: running on 127.0.0.1:$port"
    else
      echo "mariadb: stopped"
      exit 1
    fi
    ;;
  env)
    echo "export SESSIONPP_TEST_MYSQL_URL='mysql://sessionpp:sessionpp-test@127.0.0.1:$port/sessionpp'"
    ;;
  *)
    echo "usage: $0 start|stop|status|env" >&2
    exit 2
    ;;
esac
