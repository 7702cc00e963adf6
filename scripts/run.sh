#!/usr/bin/env bash
# `make run`: a local register with demo data, served by Django's development server.
#   HOST (default 127.0.0.1) and PORT (default 8000) choose the address; DEMO_PERSONS the size of
#   the demo data set (first run only). Idempotent: a second run reuses var/ and its data.
# Creates var/ (SQLite, development PKI, collected static files), migrates, loads the demo data
# when the register is empty, prints how to log in to each portal, then serves.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV="${VENV:-.venv}"
APP="$VENV/bin/diplomaregister"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
DEMO_PERSONS="${DEMO_PERSONS:-2000}"

if [[ ! -x "$APP" ]]; then
  echo "run.sh: $APP not found; run 'make venv' first" >&2
  exit 2
fi

if [[ "$HOST" == *:* && "$HOST" != \[* ]]; then
  ADDRESS="[$HOST]"  # an IPv6 address
else
  ADDRESS="$HOST"
fi
if [[ "$HOST" == "0.0.0.0" || "$HOST" == "::" || "$HOST" == "[::]" ]]; then
  URL="http://localhost:$PORT"
else
  URL="http://$ADDRESS:$PORT"
fi
# QR codes on extracts point at this server unless told otherwise.
export EXTRACT_PUBLIC_URL="${EXTRACT_PUBLIC_URL:-$URL}"

"$APP" prepare_run
"$APP" migrate --noinput -v 0
"$APP" collectstatic --noinput -v 0
progress=()
[[ -t 1 ]] || progress=(--no-progress)  # no progress bar in a log file
"$APP" generate_demo --persons "$DEMO_PERSONS" --seed 1 --if-empty "${progress[@]}"
"$APP" run_banner --url "$URL" --host "$HOST" --app "$APP"
# notices of look-ups and correction requests (console mail in development), every 30 s
"$APP" notices_worker -v 0 &
WORKER=$!
trap 'kill "$WORKER" 2>/dev/null' EXIT
"$APP" runserver "$ADDRESS:$PORT"
