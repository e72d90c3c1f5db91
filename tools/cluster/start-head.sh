#!/usr/bin/env bash
# Start a Storyreel render-farm head (Ray, token auth) on this machine.
#
#   tools/cluster/start-head.sh                     # loopback only: reach it through an SSH tunnel
#   tools/cluster/start-head.sh --bind 10.0.0.5     # a private-network address of this machine, given explicitly
#
# Environment: RAY_AUTH_TOKEN (the cluster's token; a new one is made and written to ~/.ray/auth_token when unset),
# RAY_PORT (default 6379), RAY_NUM_GPUS (default: Ray counts them), RAY_CLIENT_PORT (also serve Ray Client, the
# ray://HOST:PORT address one SSH tunnel can carry; needs the ray[client] extra). Never binds 0.0.0.0 or a public
# address.
set -euo pipefail

bind=127.0.0.1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bind) bind="${2:?--bind needs an address}"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "start-head.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

. "$(dirname "$0")/address-check.sh"
refuse_public_address "$bind"

if [[ -z "${RAY_AUTH_TOKEN:-}" ]]; then
  mkdir -p ~/.ray && chmod 700 ~/.ray
  if [[ ! -s ~/.ray/auth_token ]]; then
    (umask 077 && python3 -c 'import secrets; print(secrets.token_hex(32))' > ~/.ray/auth_token)
    echo "a new cluster token is in ~/.ray/auth_token (copy it to the workers and to Storyreel's settings)"
  fi
  RAY_AUTH_TOKEN="$(cat ~/.ray/auth_token)"
fi
export RAY_AUTH_TOKEN RAY_AUTH_MODE=token RAY_USAGE_STATS_ENABLED=0
# Without this Ray replaces a loopback address with the machine's network address (see docs/render-farm.md).
export RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0

extra=()
[[ -n "${RAY_NUM_GPUS:-}" ]] && extra+=(--num-gpus="$RAY_NUM_GPUS")
[[ -n "${RAY_CLIENT_PORT:-}" ]] && extra+=(--ray-client-server-port="$RAY_CLIENT_PORT")
[[ -n "${RAY_TEMP_DIR:-}" ]] && extra+=(--temp-dir="$RAY_TEMP_DIR")  # Ray's sockets and logs (default /tmp/ray)
ray start --head --node-ip-address="$bind" --port="${RAY_PORT:-6379}" --include-dashboard=false \
  --disable-usage-stats "${extra[@]}"
echo "head running at $bind:${RAY_PORT:-6379} (token auth); stop it with: ray stop"
