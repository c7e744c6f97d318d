#!/usr/bin/env bash
# PostgreSQL for the SQL store tests: an instance of our own on 127.0.0.1:15432, data under
# $SESSIONPP_SERVICES_DIR/postgres (port: SESSIONPP_PG_PORT), run as the unprivileged `postgres` user.
#   user sessionpp / password sessionpp-test, database sessionpp (owner)
#   database sessionpp_ro: default_transaction_read_only = on (the read-only refusal tests)
# start | stop | status | env. A second start while running does nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${SESSIONPP_SERVICES_DIR:-$root/.services}/postgres"
port="${SESSIONPP_PG_PORT:-15432}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
run_user=postgres
data="$dir/data"
log="$dir/postgres.log"

as_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$run_user" -- "$@"; else "$@"; fi
}

running() { [ -n "$bin" ] && as_user "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

psql_admin() { as_user "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

case "${1:-status}" in
  start)
    [ -n "$bin" ] || { echo "postgres: PostgreSQL is not installed (scripts/setup)" >&2; exit 1; }
    if running; then echo "postgres: already running on 127.0.0.1:$port"; exit 0; fi
    mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown "$run_user" "$dir"
    if [ "$(id -u)" -eq 0 ] && ! runuser -u "$run_user" -- test -w "$dir"; then
      echo "postgres: user $run_user cannot reach $dir (a parent folder is closed to it);" \
        "set SESSIONPP_SERVICES_DIR to a folder it can reach, e.g. /var/tmp/sessionpp-services" >&2
      exit 1
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
      as_user "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
      {
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $port"
        echo "unix_socket_directories = '$dir'"
        echo "fsync = off"
        echo "synchronous_commit = off"
        echo "max_connections = 200"
      } >>"$data/postgresql.conf"
      # The admin connects over loopback without a password (also for replication: the hot-standby
      # test); everyone else needs one.
      cat >"$data/pg_hba.conf" <<HBA
host all postgres 127.0.0.1/32 trust
host replication postgres 127.0.0.1/32 trust
local all postgres trust
host all all 127.0.0.1/32 scram-sha-256
HBA
      [ "$(id -u)" -ne 0 ] || chown "$run_user" "$data/pg_hba.conf" "$data/postgresql.conf"
    fi
    as_user "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null
    for _ in $(seq 1 60); do
      "$bin/pg_isready" -h 127.0.0.1 -p "$port" -q && break
      sleep 0.5
    done
    "$bin/pg_isready" -h 127.0.0.1 -p "$port" -q || { echo "postgres: not answering, see $log" >&2; exit 1; }
    psql_admin <<'SQL'
SET password_encryption = 'scram-sha-256';
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sessionpp') THEN
    CREATE ROLE sessionpp LOGIN PASSWORD 'sessionpp-test';
  END IF;
END $$;
SQL
    if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'sessionpp'")" ]; then
      psql_admin -c "CREATE DATABASE sessionpp OWNER sessionpp"
    fi
    if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'sessionpp_ro'")" ]; then
      psql_admin -c "CREATE DATABASE sessionpp_ro OWNER sessionpp"
      psql_admin -c "ALTER DATABASE sessionpp_ro SET default_transaction_read_only = on"
    fi
    echo "postgres: running on 127.0.0.1:$port"
    ;;
  stop)
    if running; then as_user "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null; fi
    echo "postgres: stopped"
    ;;
  status)
    if running && "$bin/pg_isready" -h 127.0.0.1 -p "$port" -q; then
      echo "postgres: running on 127.0.0.1:$port"
    else
      echo "postgres: stopped"
      exit 1
    fi
    ;;
  env)
    echo "export SESSIONPP_TEST_PG_URL='postgresql://sessionpp:sessionpp-test@127.0.0.1:$port/sessionpp'"
    ;;
  *)
    echo "usage: $0 start|stop|status|env" >&2
    exit 2
    ;;
esac
