#!/usr/bin/env bash
# Everything a fresh machine of our kind (Debian 12, Node 20, Go) needs before TeamPulse runs:
# Debian packages, npm dependencies, and the server binaries (built once, then cached).
# Idempotent: a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
# Chromium is only for the browser-client test (a WebSocket client nobody here wrote).
[ "${TEAMPULSE_SKIP_CHROMIUM:-0}" = 1 ] || command -v chromium >/dev/null || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${missing[*]} (Debian packages)"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: please install these Debian packages first: ${missing[*]}" >&2
    exit 1
  fi
fi

# npm ci only when the lock file changed since the last install.
stamp=node_modules/.teampulse-lock
if ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi

# nats-server v2.15 and FerretDB (when no mongod) from the Go module proxy, cached in
# ~/.cache/teampulse/bin; redis-server from Debian.
export GOTOOLCHAIN=local GOFLAGS=-mod=mod
npx tsx scripts/ensure-binaries.ts
