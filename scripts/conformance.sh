#!/usr/bin/env bash
# Runs Parse Server's own specs (../shared/conformance) against this server.
#   usage: SNAPSHOT=<parse-server git dir> scripts/conformance.sh [engine|security|files|livequery|all]
# DATABASE_URI picks the backend (default: a fresh SQLite file; a postgres:// database is emptied
# first), CONFORMANCE_DIR the harness, PYTHON the interpreter (default .venv/bin/python).
# Starts parse-clone on :8378 with the configuration the harness expects (mount /1, its keys,
# client class creation, public file upload, LiveQuery on TestObject, the fake auth providers
# from tests/support), runs compare.sh for the group, and stops the server it started.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
group=${1:-all}
: "${SNAPSHOT:?set SNAPSHOT to a git directory of parse-community/parse-server}"
conformance=${CONFORMANCE_DIR:-$here/../shared/conformance}
work=$(mktemp -d /tmp/parse-clone-conformance-XXXX)
providers=tests/support/fake_auth_providers.py
auth=$(printf '{"facebook":{"module":"%s","options":{"provider":"facebook"}},"custom":{"module":"%s","options":{"provider":"custom"}},"myoauth":{"module":"%s","options":{"provider":"myoauth"}}}' "$providers" "$providers" "$providers")
database=${DATABASE_URI:-sqlite:///$work/conformance.sqlite3}
python=${PYTHON:-.venv/bin/python}
cd "$here"
case "$database" in
  postgres://*|postgresql://*)
    "$python" -c "import asyncio, sys; from parse_clone.storage.postgres import PostgresAdapter
async def empty(uri):
    adapter = PostgresAdapter(uri)
    await adapter.connect(); await adapter.delete_all_classes(); await adapter.close()
asyncio.run(empty(sys.argv[1]))" "$database" ;;
esac
"$python" -m parse_clone serve --port 8378 --mountPath /1 --appId test --masterKey test --javascriptKey test \
  --restAPIKey rest --clientKey client --dotNetKey windows --maintenanceKey testing \
  --readOnlyMasterKey read-only-test --webhookKey hook --fileKey test --allowClientClassCreation true \
  --enableSanitizedErrorResponse false \
  --databaseURI "$database" --serverURL http://localhost:8378/1 \
  --auth "$auth" --liveQuery '{"classNames":["TestObject"]}' \
  --fileUpload '{"enableForPublic":true,"enableForAnonymousUser":true,"enableForAuthenticatedUser":true}' \
  --no-schema --no-cloud > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf http://localhost:8378/1/health >/dev/null && break; sleep 0.2; done
SNAPSHOT=$SNAPSHOT "$conformance/compare.sh" "$group"
echo "server log: $work/server.log; per-spec report: see /tmp/conformance-compare.log and the JSON it names"
