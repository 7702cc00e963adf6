#!/usr/bin/env bash
# The whole check suite (`make test`): lint, format, types, migrations, the OpenAPI
# document against the Dutch API Design Rules, and pytest on SQLite and on PostgreSQL.
# Run from anywhere; extra arguments are passed to both pytest runs, e.g.
#   bash scripts/test.sh -x -k signing
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV="${VENV:-.venv}"
PY="$VENV/bin/python"
if [[ ! -x "$PY" ]]; then
  echo "test.sh: $PY not found; run 'make venv' first" >&2
  exit 2
fi

step() {
  printf '\n==== %s ====\n' "$*"
}

step "ruff check"
"$VENV/bin/ruff" check .

step "ruff format --check"
"$VENV/bin/ruff" format --check .

step "mypy src"
"$VENV/bin/mypy" src

step "import contracts (import-linter)"
PYTHONPATH=src "$VENV/bin/lint-imports"

step "makemigrations --check"
env -u DATABASE_URL PYTHONPATH=src "$PY" -m diplomaregister.manage makemigrations --check --dry-run

if [[ -f docs/openapi.yaml ]]; then
  step "OpenAPI: API Design Rules (spectral)"
  if command -v npx >/dev/null 2>&1; then
    npx --yes @stoplight/spectral-cli@6 lint --fail-severity=error \
      -r standards/api-design-rules-linter.yaml docs/openapi.yaml
  else
    echo "npx not found: skipping the OpenAPI lint (install nodejs and npm to run it)"
  fi
fi

step "pytest on SQLite"
env -u DATABASE_URL "$VENV/bin/pytest" "$@"

step "pytest on PostgreSQL"
# throwaway_pg.py reuses DATABASE_URL when it is set, so only keep one that is PostgreSQL.
if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  "$PY" scripts/throwaway_pg.py -- "$VENV/bin/pytest" "$@"
else
  env -u DATABASE_URL "$PY" scripts/throwaway_pg.py -- "$VENV/bin/pytest" "$@"
fi

step "pytest on PostgreSQL with a streaming replica (tests/replica)"
env -u DATABASE_URL -u DATABASE_REPLICA_URL "$PY" scripts/replica_pg.py -- "$VENV/bin/pytest" -q -p no:cacheprovider tests/replica

step "all checks passed"
