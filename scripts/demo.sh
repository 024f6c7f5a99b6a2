#!/usr/bin/env bash
# The demo: installs what is missing, builds, and (unless NATS_URL points at a server) compiles the
# example's auth policy into .jetbus/auth (first run; keys are kept afterwards), starts a local
# nats-server from nats-server.conf in operator mode with JetStream encrypted at rest, then runs the
# example as three least-privilege users: an admin sets up the streams, the orders service
# consumes, a publisher enqueues demo orders. With NATS_URL set it connects there as before
# (NATS_CREDS / NATS_INBOX_PREFIX if given, one user for every role).
#
# The admin app (`jetbus admin --dev`) starts before the workers, on a free loopback port, as the
# admin user (role admin-app): the demo prints its URL and a one-time login. At a terminal it stays
# up after the demo (with the nats-server) until Ctrl-C, so the dead letters can be replayed from
# the UI; elsewhere (CI), or with JETBUS_DEMO_KEEP_ADMIN=0, it stops with the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
source scripts/dev-auth.sh
ensure_nats_server
ensure_node_modules
npm run --silent build

nats_pid=""
admin_pid=""
store=""
admin_log=""
# Stops what the demo started, the admin app first (it would otherwise log the server going away).
stop_demo() {
  if [ -n "$admin_pid" ]; then
    kill "$admin_pid" 2>/dev/null || true
    wait "$admin_pid" 2>/dev/null || true
  fi
  [ -z "$admin_log" ] || rm -f "$admin_log"
  if [ -n "$nats_pid" ]; then
    kill "$nats_pid" 2>/dev/null || true
    wait "$nats_pid" 2>/dev/null || true
  fi
  [ -z "$store" ] || rm -rf "$store"
}
trap stop_demo EXIT

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
  trap stop_demo EXIT
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

# The admin app, as the policy's admin user (role admin-app) when the demo runs its own server.
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
admin_args=(admin --dev --host 127.0.0.1 --port "$(free_port)" --server "$NATS_URL")
if [ -n "${JETBUS_AUTH_DIR:-}" ]; then
  admin_args+=(--creds "$JETBUS_AUTH_DIR/creds/APP/admin.creds" --inbox-prefix _INBOX_admin)
fi
admin_log=$(mktemp -t jetbus-admin-XXXXXX)
JETBUS_LOG_LEVEL=warn node libs/cli/dist/main.js "${admin_args[@]}" >"$admin_log" 2>&1 &
admin_pid=$!
for _ in $(seq 1 300); do
  grep -q "^dev login" "$admin_log" && break
  if ! kill -0 "$admin_pid" 2>/dev/null; then
    echo "jetbus demo: the admin app did not start:" >&2
    cat "$admin_log" >&2
    exit 1
  fi
  sleep 0.1
done
if ! grep -q "^dev login" "$admin_log"; then
  echo "jetbus demo: the admin app did not start in 30 s:" >&2
  cat "$admin_log" >&2
  exit 1
fi
admin_url=$(sed -n 's/^jetbus admin listening on //p' "$admin_log")
echo "jetbus demo: admin app at $admin_url; $(grep '^dev login' "$admin_log")"

# On a terminal the services' pino JSON lines are shown human-readable by pino-pretty (a dev
# dependency): one line per entry, so an expected ending (a refused payload, a NonRetryableError)
# stays one warn line with its `error`; a failure's `err` keeps its stack below it. Piped or
# redirected (CI, `| jq`), the JSON lines are left as they are; JETBUS_DEMO_JSON=1 keeps JSON on a
# terminal too. The demo's own lines are not JSON and pass through unchanged; pipefail keeps its
# exit code.
if [ -t 1 ] && [ -z "${JETBUS_DEMO_JSON:-}" ]; then
  node dist/apps/example/src/demo.js |
    node_modules/.bin/pino-pretty --singleLine --colorize --translateTime SYS:HH:MM:ss.l \
      --ignore pid,hostname --errorLikeObjectKeys err
else
  node dist/apps/example/src/demo.js
fi

if [ -t 1 ] && [ "${JETBUS_DEMO_KEEP_ADMIN:-1}" != 0 ]; then
  echo "jetbus demo: the admin app stays up at $admin_url (workers, audit, dead letters to replay); Ctrl-C stops it"
  wait "$admin_pid" || true
fi
