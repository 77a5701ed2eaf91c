#!/usr/bin/env bash
# Runs every test of ldt-connector: formatting, unit, integration, conformance and doc tests, on SQLite and on
# PostgreSQL. Works on a fresh machine: installs what is missing and starts PostgreSQL if it is not running.
# The cargo target directory lives outside the clone (under ~/.cache) so repeated runs reuse the build.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ldt-connector/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export LDT_TEST_POSTGRES_URL="${LDT_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
export LDT_TEST_MQTT_URL="${LDT_TEST_MQTT_URL:-mqtt://127.0.0.1:1883}"
export LDT_TEST_NATS_URL="${LDT_TEST_NATS_URL:-nats://127.0.0.1:4222}"

say() { printf '\n== %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return; fi
  say "starting PostgreSQL"
  if ! command -v pg_ctlcluster >/dev/null; then
    as_root apt-get update -q && as_root apt-get install -y -q postgresql
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL did not start on 127.0.0.1:5432" >&2; exit 1; }
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE test'
}

drop_old_test_schemas() {
  # Each PostgreSQL test makes a schema of its own (t_<uuid>); clear those of earlier runs.
  psql -q -h 127.0.0.1 -U postgres test -tAc \
    "SELECT 'DROP SCHEMA \"' || nspname || '\" CASCADE;' FROM pg_namespace WHERE nspname LIKE 't\_%' OR nspname LIKE 'bench\_%'" \
    | PGOPTIONS="-c client_min_messages=warning" psql -q -h 127.0.0.1 -U postgres test >/dev/null
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ensure_brokers() {
  # The stream tests relay between real brokers: Mosquitto at 1883 and NATS (JetStream on) at 4222. The tests start
  # brokers of their own too (restarts, logins), so both binaries must be installed even when a broker runs.
  if ! command -v mosquitto >/dev/null || ! command -v nats-server >/dev/null; then
    say "installing Mosquitto and NATS"
    as_root apt-get update -q && as_root apt-get install -y -q mosquitto nats-server
  fi
  if ! listening 1883; then
    say "starting Mosquitto on 127.0.0.1:1883"
    local conf="${TMPDIR:-/tmp}/ldt-mosquitto.conf"
    printf 'listener 1883 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\n' >"$conf"
    mosquitto -d -c "$conf"
  fi
  if ! listening 4222; then
    say "starting NATS on 127.0.0.1:4222"
    nats-server -a 127.0.0.1 -p 4222 --jetstream --store_dir "${TMPDIR:-/tmp}/ldt-nats" >/dev/null 2>&1 &
  fi
  for _ in $(seq 1 30); do listening 1883 && listening 4222 && return; sleep 0.5; done
  echo "Mosquitto (1883) or NATS (4222) did not start" >&2
  exit 1
}

ensure_python_tools() {
  if ! python3 -c 'import pyshacl, rdflib' 2>/dev/null; then
    say "installing the SHACL validator (pyshacl)"
    python3 -m pip install --quiet --disable-pip-version-check -r connector/tests/dcat_ap/requirements.txt
  fi
}

ensure_node_interop() {
  # identity/tests/interop.rs runs did-jwt-vc (Node.js) against ldt-identity; its packages are pinned by
  # package-lock.json and installed again whenever the lock file is newer than node_modules.
  local dir=identity/tests/interop
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    say "installing Node.js and npm"
    as_root apt-get update -q && as_root apt-get install -y -q nodejs npm
  fi
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    say "installing the Node packages of the did-jwt-vc interoperability test"
    (cd "$dir" && npm ci --no-audit --no-fund)
    touch "$dir/node_modules"
  fi
}

ensure_nextest() {
  if ! cargo nextest --version >/dev/null 2>&1; then
    say "installing cargo-nextest"
    cargo install --locked cargo-nextest
  fi
}

ensure_postgres
drop_old_test_schemas
ensure_brokers
ensure_python_tools
ensure_node_interop
ensure_nextest

say "formatting"
cargo fmt --all -- --check

say "doc tests"
cargo test --workspace --doc --quiet --features ldt-connector/scenarios

# Last, so that its summary closes the run.
# The test-only conformance scenario driver is compiled in (feature `scenarios`); a production build leaves it out.
say "unit, integration and conformance tests"
cargo nextest run --workspace --profile ci --features ldt-connector/scenarios
