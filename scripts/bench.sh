#!/usr/bin/env bash
# The benchmark: installs what is missing, builds, then compares jetbus with raw nats.js and BullMQ
# (arguments go to bench/main.ts, e.g. --quick, --rounds 3, --soak 1000000).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
ensure_nats_server
ensure_redis_server
ensure_node_modules
npm run --silent build
exec node dist/bench/main.js "$@"
