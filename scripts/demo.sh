#!/usr/bin/env bash
# The demo: installs what is missing, builds, and (unless NATS_URL points at a server) compiles the
# example's auth policy into .jetbus/auth (first run; keys are kept afterwards), starts a local
# nats-server from nats-server.conf in operator mode with JetStream encrypted at rest, then runs the
# example as three least-privilege users: an admin sets up the streams, the orders service
# consumes, a publisher enqueues demo orders. With NATS_URL set it connects there as before
# (NATS_CREDS / NATS_INBOX_PREFIX if given, one user for every role).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
source scripts/dev-auth.sh
ensure_nats_server
ensure_node_modules
npm run --silent build

if [ -z "${NATS_URL:-}" ]; then
  ensure_dev_auth
  bin=${NATS_SERVER_BIN:-$(command -v nats-server || echo /usr/sbin/nats-server)}
  if ! check=$("$bin" -c nats-server.conf -t 2>&1); then
    echo "jetbus demo: nats-server.conf does not check out: $check" >&2
    exit 1
  fi
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  store=$(mktemp -d -t jetbus-demo-XXXXXX)
  # A throw-away store: the config's relative store_dir lands in the server's working directory.
  # (nats-server 2.9.10 refuses `-sd` next to a store_dir: "Duplicate 'store_dir' configuration".)
  conf="$PWD/nats-server.conf"
  (cd "$store" && exec "$bin" -c "$conf" -a 127.0.0.1 -p "$port" -l "$store/nats.log") &
  nats_pid=$!
  trap 'kill $nats_pid 2>/dev/null || true; wait $nats_pid 2>/dev/null || true; rm -rf "$store"' EXIT
  for _ in $(seq 1 100); do
    grep -q "Server is ready" "$store/nats.log" 2>/dev/null && break
    if ! kill -0 "$nats_pid" 2>/dev/null; then
      echo "jetbus demo: nats-server exited:" >&2
      tail -n 20 "$store/nats.log" >&2 2>/dev/null || true
      exit 1
    fi
    sleep 0.1
  done
  # An empty key would silently leave the store unencrypted: insist on the server saying so.
  if ! grep -q "Encryption:" "$store/nats.log"; then
    echo "jetbus demo: nats-server did not enable JetStream encryption (is JETBUS_JS_KEY empty?)" >&2
    exit 1
  fi
  export NATS_URL="nats://127.0.0.1:$port"
  echo "jetbus demo: started nats-server $("$bin" --version | awk '{print $2}') at $NATS_URL:" \
    "operator mode (users producer, orders, admin of apps/example/jetbus-auth.yaml, creds in" \
    "$DEV_AUTH_DIR/creds/APP), JetStream encrypted at rest ($(grep -o 'Encryption: *[^ ]*' "$store/nats.log" | awk '{print $2}')), store $store"
else
  unset JETBUS_AUTH_DIR
fi

node dist/apps/example/src/demo.js
