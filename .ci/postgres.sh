#!/usr/bin/env bash
# Start a local PostgreSQL for the records tests and print its SQLAlchemy URL (last stdout line).
#
# Installs Debian's `postgresql` package when it is missing, starts the Debian cluster through
# pg_ctlcluster (which drops to the `postgres` user itself, so running as root is safe), and
# creates the `sohoa` role and the `sohoa_test` database. Safe to re-run: every step checks first.
# Progress goes to stderr; stdout carries only the URL.
set -euo pipefail

DB=${SOHOA_TEST_DB:-sohoa_test}
ROLE=sohoa
PASSWORD=sohoa
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

log() { echo "postgres.sh: $*" >&2; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  log "installing Debian's postgresql package"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
fi

VERSION=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION main"; then
  log "creating cluster $VERSION/main"
  $SUDO pg_createcluster "$VERSION" main >&2
fi

STATUS=$(pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $4}')
PORT=$(pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $3}')
if [ "$STATUS" != "online" ]; then
  log "starting cluster $VERSION/main on port $PORT"
  $SUDO pg_ctlcluster "$VERSION" main start >&2
fi

as_postgres() {
  # runuser needs no password as root; sudo -u for an ordinary user with sudo rights.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
psql_admin() { as_postgres psql -p "$PORT" -v ON_ERROR_STOP=1 -qAt "$@"; }

for _ in $(seq 1 30); do
  psql_admin -c "select 1" >/dev/null 2>&1 && break
  sleep 0.5
done

if [ "$(psql_admin -c "select 1 from pg_roles where rolname='$ROLE'")" != "1" ]; then
  log "creating role $ROLE"
  psql_admin -c "create role $ROLE login password '$PASSWORD'"
fi
if [ "$(psql_admin -c "select 1 from pg_database where datname='$DB'")" != "1" ]; then
  log "creating database $DB"
  psql_admin -c "create database $DB owner $ROLE encoding 'UTF8' template template0"
fi

echo "postgresql+psycopg://$ROLE:$PASSWORD@localhost:$PORT/$DB"
