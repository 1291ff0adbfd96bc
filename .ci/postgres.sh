#!/usr/bin/env bash
# Install (Debian package) and start a local PostgreSQL server for the store tests; print the URL.
# Runs as root in CI. Everything stays on this machine (127.0.0.1).
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  pg_createcluster "$version" main >&2
fi
pg_ctlcluster "$version" main start >&2 || true   # already running is fine
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q" && break
  sleep 1
done
su postgres -c "psql -qc \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='spedrules') THEN CREATE ROLE spedrules LOGIN PASSWORD 'spedrules'; END IF; END \\\$\\\$;\"" >&2
su postgres -c "psql -qc 'DROP DATABASE IF EXISTS spedrules_test'" >&2 2>/dev/null
su postgres -c "psql -qc 'CREATE DATABASE spedrules_test OWNER spedrules'" >&2
echo "postgresql+psycopg://spedrules:spedrules@127.0.0.1:5432/spedrules_test"
