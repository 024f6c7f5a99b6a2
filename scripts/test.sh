#!/usr/bin/env bash
# The test command: installs what is missing, then runs every unit, e2e and fault test against
# real nats-servers that the tests start themselves on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
ensure_nats_server
ensure_openssl
ensure_node_modules
exec npx jest --runInBand "$@"
