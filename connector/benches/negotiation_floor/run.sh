#!/usr/bin/env bash
# The database side of a negotiation alone, with pgbench: one pgbench transaction is one whole negotiation, both
# sides' statements on one PostgreSQL (the catalogue reads left out), so its tps is negotiations per second with
# no HTTP and no connector work at all — a ceiling for `benches/negotiation.rs` on the same machine.
#
#   connector.sql  the statements the connector sends today, per side and transaction, as its PostgreSQL log shows
#                  them (each transition one transaction with its outbox message and history; each delivery a
#                  DELETE and a look for the next message);
#   least.sql      the least the design needs: the same transactions with each one's writes merged into a single
#                  statement (CTEs), and no look for a next message.
#
# pgbench replaces `:name` even inside string literals, so the JSON in the scripts has `=` for `:`.
# Usage: benches/negotiation_floor/run.sh [seconds] [clients]   (PostgreSQL from PGHOST etc., default 127.0.0.1)
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-10}
clients=${2:-32}
export PGHOST=${PGHOST:-127.0.0.1} PGUSER=${PGUSER:-postgres} PGSSLMODE=${PGSSLMODE:-disable}
db=negotiation_floor_$$
psql -q -d test -c "CREATE DATABASE $db"
trap 'psql -q -d test -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"' EXIT
psql -q -d "$db" -f schema.sql
for script in connector least; do
  tps=$(pgbench -n -M prepared -c "$clients" -j 2 -T "$seconds" -f "$script.sql" "$db" 2>&1 | awk '/^tps/ {print $3}')
  printf '%-10s %8.0f negotiations/s (%s clients, %s s)\n' "$script" "$tps" "$clients" "$seconds"
done
