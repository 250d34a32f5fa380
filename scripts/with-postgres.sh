#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL server:
#
#   scripts/with-postgres.sh build/src/store/store_test
#
# Installs Debian's postgresql package when it is missing, creates a cluster
# in a temporary directory, starts it on 127.0.0.1 on a free port with
# password (SCRAM) authentication, runs the command with
#
#   LIVESOP_TEST_POSTGRES_URL        postgresql://livesop:…@127.0.0.1:PORT/livesop_test
#                                    (role livesop owns the database and may
#                                    create databases)
#   LIVESOP_TEST_POSTGRES_ADMIN_URL  the same server as the superuser postgres
#   LIVESOP_TEST_POSTGRES_STOP       a shell command that stops the server at
#                                    once (as a crash would)
#   LIVESOP_TEST_POSTGRES_START      a shell command that starts it again
#
# then stops the server, deletes the directory and exits with the command's
# exit code. Passwords are random per run and never printed.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

find_pg_bin() {
  local dir
  while IFS= read -r dir; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r)
  command -v pg_ctl >/dev/null 2>&1 && { dirname "$(command -v pg_ctl)"; return 0; }
  return 1
}

if ! pg_bin=$(find_pg_bin); then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "with-postgres: installing postgresql" >&2
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >&2
  pg_bin=$(find_pg_bin)
fi

# initdb refuses to run as root: run the server as the postgres system user
# (created by the package) when we are root, else as ourselves.
if [ "$(id -u)" -eq 0 ]; then
  pg_user=postgres
  as_pg() { runuser -u "$pg_user" -- "$@"; }
else
  pg_user=$(id -un)
  as_pg() { "$@"; }
fi

random_password() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/livesop-pg.XXXXXX")
chmod 700 "$tmp"
[ "$(id -u)" -eq 0 ] && chown "$pg_user" "$tmp"

data="$tmp/data"
started=0
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  if [ "$started" = 1 ]; then
    as_pg "$pg_bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

admin_password=$(random_password)
user_password=$(random_password)
(umask 077 && printf '%s\n' "$admin_password" >"$tmp/pwfile")
[ "$(id -u)" -eq 0 ] && chown "$pg_user" "$tmp/pwfile"

as_pg "$pg_bin/initdb" -D "$data" -U postgres --pwfile="$tmp/pwfile" \
  --auth-host=scram-sha-256 --auth-local=peer -E UTF8 --locale=C.UTF-8 \
  >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log" >&2; exit 1; }
rm -f "$tmp/pwfile"

# The port is free when we ask but another process may take it before the
# server binds it; try a few.
for attempt in 1 2 3 4 5; do
  port=$(free_port)
  server_options="-c listen_addresses=127.0.0.1 -p $port -k $tmp -c fsync=off"
  if as_pg "$pg_bin/pg_ctl" -D "$data" -l "$tmp/server.log" -w -t 30 \
    -o "$server_options" start >/dev/null 2>&1; then
    started=1
    break
  fi
  echo "with-postgres: server did not start on port $port (attempt $attempt)" >&2
done
if [ "$started" != 1 ]; then
  cat "$tmp/server.log" >&2 || true
  exit 1
fi

# The password goes through stdin (hex, so quoting is trivial), never
# through a command line that ps would show.
as_pg "$pg_bin/psql" -X -q -h "$tmp" -p "$port" -U postgres -d postgres \
  -v ON_ERROR_STOP=1 >/dev/null <<SQL
\\set pw '$user_password'
CREATE ROLE livesop LOGIN CREATEDB PASSWORD :'pw';
CREATE DATABASE livesop_test OWNER livesop;
SQL

export LIVESOP_TEST_POSTGRES_URL="postgresql://livesop:${user_password}@127.0.0.1:${port}/livesop_test"
export LIVESOP_TEST_POSTGRES_ADMIN_URL="postgresql://postgres:${admin_password}@127.0.0.1:${port}/postgres"
pg_ctl_as="$pg_bin/pg_ctl"
[ "$(id -u)" -eq 0 ] && pg_ctl_as="runuser -u $pg_user -- $pg_bin/pg_ctl"
export LIVESOP_TEST_POSTGRES_STOP="$pg_ctl_as -D '$data' -m immediate -w stop >/dev/null 2>&1"
export LIVESOP_TEST_POSTGRES_START="$pg_ctl_as -D '$data' -l '$tmp/server.log' -w -t 30 -o '$server_options' start >/dev/null 2>&1"
echo "with-postgres: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2

set +e
"$@"
status=$?
set -e
exit "$status"
