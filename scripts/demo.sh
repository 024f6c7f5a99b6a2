#!/usr/bin/env bash
# The demo: installs what is missing, starts a local nats-server from nats-server.conf (unless
# NATS_URL points at one), runs the orders service, publishes demo orders and shows them processed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
ensure_nats_server
ensure_node_modules
npm run --silent build

if [ -z "${NATS_URL:-}" ]; then
  bin=${NATS_SERVER_BIN:-$(command -v nats-server || echo /usr/sbin/nats-server)}
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  store=$(mktemp -d -t jetbus-demo-XXXXXX)
  "$bin" -c nats-server.conf -a 127.0.0.1 -p "$port" -sd "$store" -l "$store/nats.log" &
  nats_pid=$!
  trap 'kill $nats_pid 2>/dev/null; wait $nats_pid 2>/dev/null; rm -rf "$store"' EXIT
  for _ in $(seq 1 100); do
    grep -q "Server is ready" "$store/nats.log" 2>/dev/null && break
    sleep 0.1
  done
  export NATS_URL="nats://127.0.0.1:$port"
  echo "jetbus demo: started nats-server $("$bin" --version | awk '{print $2}') at $NATS_URL (store $store)"
fi

node dist/apps/example/src/demo.js
