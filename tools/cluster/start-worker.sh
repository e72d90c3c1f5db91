#!/usr/bin/env bash
# Join this machine (a GPU box with storyreel[cluster] installed) to a render-farm head.
#
#   RAY_AUTH_TOKEN=... tools/cluster/start-worker.sh HEAD_HOST:PORT [--bind THIS_MACHINE_PRIVATE_ADDRESS]
#
# The worker binds loopback unless --bind names a private address of this machine (a worker on another machine
# needs one the head can reach: a private network or a VPN). Never binds 0.0.0.0 or a public address.
set -euo pipefail

head="${1:?usage: start-worker.sh HEAD_HOST:PORT [--bind ADDRESS]}"
shift
bind=127.0.0.1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bind) bind="${2:?--bind needs an address}"; shift 2 ;;
    *) echo "start-worker.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

. "$(dirname "$0")/address-check.sh"
refuse_public_address "$bind"
refuse_public_address "${head%:*}"

if [[ -z "${RAY_AUTH_TOKEN:-}" ]]; then
  [[ -s ~/.ray/auth_token ]] || { echo "start-worker.sh: set RAY_AUTH_TOKEN (the head's token) first" >&2; exit 2; }
  RAY_AUTH_TOKEN="$(cat ~/.ray/auth_token)"
fi
export RAY_AUTH_TOKEN RAY_AUTH_MODE=token RAY_USAGE_STATS_ENABLED=0 RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0

gpus=()
[[ -n "${RAY_NUM_GPUS:-}" ]] && gpus=(--num-gpus="$RAY_NUM_GPUS")
ray start --address="$head" --node-ip-address="$bind" --disable-usage-stats "${gpus[@]}"
echo "worker joined $head; stop it with: ray stop"
