#!/usr/bin/env bash
# The whole test suite, as CI runs it: set-up, typecheck, lint, format check, then every
# test tier against real servers started by the tests themselves. The last line is
# "N passed, N failed" from vitest's JSON report.
set -uo pipefail
cd "$(dirname "$0")/.."
export DO_NOT_TRACK=true

bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

status=0
step() {
  echo "== $*"
  "$@" || status=1
}
step npx tsc --noEmit
step npx eslint . --max-warnings=0
step npx prettier --check . --log-level warn
rm -f test-results.json
echo "== vitest run"
npx vitest run
tests=$?
[ $tests -eq 0 ] || status=1
node scripts/test-summary.mjs test-results.json || status=1
exit $status
