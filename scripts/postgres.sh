#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 (start the local cluster if not)
# and that the test database exists. Tests read GRIDDESK_TEST_PG (default below).
set -uo pipefail
ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if ! command -v pg_isready >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
fi
if ! ready; then
  if command -v pg_ctlcluster >/dev/null; then
    for v in $(ls /etc/postgresql 2>/dev/null); do
      pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>/dev/null || true
    done
  fi
  for _ in $(seq 1 30); do ready && break; sleep 1; done
fi
ready || exit 1
psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='griddesk_test'" 2>/dev/null | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE griddesk_test" >/dev/null 2>&1 || true
exit 0
