#!/usr/bin/env bash
# Dev auth for nats-server.conf (operator mode, encrypted JetStream). Compiles the example's policy
# apps/example/jetbus-auth.yaml into .jetbus/auth: keys (kept across runs, so creds stay valid),
# operator/account/user JWTs, creds/APP/{producer,orders,admin}.creds (0600) and server-auth.conf.
# Creates the JetStream encryption key .jetbus/js.key (0600) once. Needs `npm run build` first.
#
#   bash scripts/dev-auth.sh                 # run: compile and print what to export
#   source scripts/dev-auth.sh; ensure_dev_auth   # from another script: exports the variables
#
# Exports JETBUS_JS_KEY (for nats-server.conf) and JETBUS_AUTH_DIR (the example picks its users' creds
# there). Edit the policy and run it again (or `jetbus auth apply --server <url>` against a running
# server) to change permissions.

DEV_AUTH_POLICY=apps/example/jetbus-auth.yaml
DEV_AUTH_DIR=.jetbus/auth
DEV_JS_KEY_FILE=.jetbus/js.key

ensure_dev_auth() {
  mkdir -p .jetbus
  chmod 700 .jetbus
  local out
  if ! out=$(node libs/cli/dist/main.js auth apply --offline --policy "$DEV_AUTH_POLICY" --dir "$DEV_AUTH_DIR" 2>&1); then
    echo "$out" >&2
    echo "jetbus: compiling $DEV_AUTH_POLICY failed" >&2
    return 1
  fi
  # nats-server parses a variable's value as config: a key of digits ("12345678", "9e9e9e") would be a
  # number and stop it, so every key starts with letters.
  if [ ! -s "$DEV_JS_KEY_FILE" ]; then
    (umask 077 && node -e 'process.stdout.write("jb"+require("node:crypto").randomBytes(32).toString("hex"))' >"$DEV_JS_KEY_FILE")
  fi
  JETBUS_JS_KEY=$(cat "$DEV_JS_KEY_FILE")
  JETBUS_AUTH_DIR=$(cd "$DEV_AUTH_DIR" && pwd)
  export JETBUS_JS_KEY JETBUS_AUTH_DIR
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  cd "$(dirname "$0")/.."
  [ -f libs/cli/dist/main.js ] || npm run --silent build
  ensure_dev_auth
  echo "dev auth in $JETBUS_AUTH_DIR (policy $DEV_AUTH_POLICY); creds:"
  ls "$JETBUS_AUTH_DIR"/creds/APP/*.creds | sed 's/^/  /'
  echo "next: export JETBUS_JS_KEY=\$(cat $DEV_JS_KEY_FILE) && nats-server -c nats-server.conf"
fi
