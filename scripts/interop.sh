#!/usr/bin/env bash
# Runs tests/interop: the real Parse Server 9 (npm) and this server on one PostgreSQL database.
#   usage: scripts/interop.sh            (PostgreSQL at 127.0.0.1:5432, user postgres, trust auth)
# Installs parse-server into $PARSE_PEER_CACHE (default ~/.cache/parse-clone-peer) on first use,
# PostGIS from Debian's packages if missing, and uses a fresh database parse_clone_interop.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PARSE_PEER_PORT:-1349}
VERSION=${PARSE_SERVER_VERSION:-9.10.0}
CACHE=${PARSE_PEER_CACHE:-$HOME/.cache/parse-clone-peer}
PYTHON=${PYTHON:-.venv/bin/python}
DB=parse_clone_interop
URI="postgres://postgres@127.0.0.1:5432/$DB"

mkdir -p "$CACHE"
if [ ! -x "$CACHE/node_modules/.bin/parse-server" ]; then
  (cd "$CACHE" && { [ -f package.json ] || npm init -y >/dev/null; } \
    && npm install --no-audit --no-fund "parse-server@$VERSION" router@2.2.0 >/dev/null)
fi
pgver=$(ls /usr/lib/postgresql | sort -n | tail -1)
if [ ! -e "/usr/share/postgresql/$pgver/extension/postgis.control" ]; then
  apt-get install -y -qq "postgresql-$pgver-postgis-3" >/dev/null
fi
psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
psql -h 127.0.0.1 -U postgres -d "$DB" -qc "CREATE EXTENSION IF NOT EXISTS postgis"

node "$CACHE/node_modules/.bin/parse-server" --appId test --masterKey test --restAPIKey rest \
  --javascriptKey test --mountPath /1 --port "$PORT" --serverURL "http://localhost:$PORT/1" \
  --databaseURI "$URI" --masterKeyIps 0.0.0.0/0,::/0 > "$CACHE/interop-$PORT.log" 2>&1 &
peer=$!
trap 'kill $peer 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -sf "http://localhost:$PORT/1/health" >/dev/null 2>&1 && break
  sleep 0.5
done
PARSE_CLONE_INTEROP_PEER="http://localhost:$PORT/1" PARSE_CLONE_INTEROP_DATABASE="$URI" \
  "$PYTHON" -m pytest -q -p no:cacheprovider tests/interop "$@"
