#!/usr/bin/env bash
# The README's start command: set-up, then the whole pipeline on the local stack.
set -euo pipefail
cd "$(dirname "$0")/.."
TEAMPULSE_SKIP_CHROMIUM=1 bash scripts/setup.sh
exec node bin/teampulse.js up "$@"
