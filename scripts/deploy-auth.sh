#!/usr/bin/env bash
# Generates what docker-compose.yml mounts, under .jetbus/deploy (kept across runs, so creds stay valid):
#   auth/server-auth.conf        operator, system account, full resolver (dir ./jwt, relative to each
#                                node's data directory) and the accounts, from apps/example/jetbus-auth.yaml
#   auth/creds/APP/<user>.creds  the example's least-privilege users (0600)
#   .env (repository root)       JETBUS_JS_KEY (JetStream encryption) and JETBUS_UID (who reads the creds)
# Needs `npm run build` first. Run it again after editing the policy. JETBUS_DEPLOY_DIR and
# JETBUS_ENV_FILE move the output (the native topology test writes to a temp dir); JETBUS_RESOLVER_DIR
# is where the nodes keep account JWTs (default ./jwt, the working directory; /data/resolver on Kubernetes).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f libs/cli/dist/main.js ] || npm run --silent build
dir=${JETBUS_DEPLOY_DIR:-.jetbus/deploy}
env_file=${JETBUS_ENV_FILE:-.env}
mkdir -p "$dir"
chmod 700 "$dir"
node libs/cli/dist/main.js auth apply --offline --policy apps/example/jetbus-auth.yaml \
  --dir "$dir/auth" --resolver-dir "${JETBUS_RESOLVER_DIR:-./jwt}" >/dev/null
key_file="$dir/js.key"
# nats-server parses a variable's value as config: a key of digits ("12345678", "9e9e9e") would be a
# number and stop it, so every key starts with letters.
if [ ! -s "$key_file" ]; then
  (umask 077 && node -e 'process.stdout.write("jb"+require("node:crypto").randomBytes(32).toString("hex"))' >"$key_file")
fi
# The creds stay 0600; the containers' processes must own them. As root, hand them to the image's
# `node` user (uid 1000); otherwise the containers run as the calling user.
uid=$(id -u)
if [ "$uid" = 0 ]; then
  chown -R 1000:1000 "$dir/auth/creds"
  uid=1000
fi
umask 077
printf 'JETBUS_JS_KEY=%s\nJETBUS_UID=%s\n' "$(cat "$key_file")" "$uid" >"$env_file"
echo "deploy auth in $dir (policy apps/example/jetbus-auth.yaml); $env_file written; next: docker compose up --build"
