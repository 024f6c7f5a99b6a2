#!/usr/bin/env bash
# Shared by demo.sh, test.sh and .ci/run: installs what a fresh Debian/Ubuntu machine lacks.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_nats_server() {
  if [ -n "${NATS_SERVER_BIN:-}" ] || command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ]; then
    return
  fi
  echo "jetbus: installing nats-server from Debian's packages" >&2
  apt_install nats-server
}

# The bench's BullMQ contender runs against a throwaway redis-server (bench/redis-server.ts).
ensure_redis_server() {
  if [ -n "${REDIS_SERVER_BIN:-}" ] || [ -x /usr/bin/redis-server ] || command -v redis-server >/dev/null 2>&1; then
    return
  fi
  echo "jetbus: installing redis-server from Debian's packages (bench: BullMQ contender)" >&2
  apt_install redis-server
}

ensure_openssl() {
  command -v openssl >/dev/null 2>&1 || apt_install openssl
}

# The admin UI's browser tests (test/admin/ui*.e2e.ts) drive Debian's chromium with playwright-core.
ensure_chromium() {
  if [ -n "${CHROMIUM_PATH:-}" ] || [ -x /usr/bin/chromium ]; then return; fi
  echo "jetbus: installing chromium from Debian's packages (admin UI browser tests)" >&2
  apt_install chromium
}

# The payload-encryption interop test (test/encryption/python-interop.e2e.ts) runs Debian's python3
# with its cryptography package against the README's wire format.
ensure_python_cryptography() {
  if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import cryptography' >/dev/null 2>&1; then return; fi
  echo "jetbus: installing python3-cryptography from Debian's packages (encryption interop test)" >&2
  apt_install python3-cryptography
}

ensure_node_modules() {
  local stamp=node_modules/.package-lock.json
  if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
    echo "jetbus: installing npm dependencies (npm ci)" >&2
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "jetbus needs Node.js 20.19 or newer (found $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
