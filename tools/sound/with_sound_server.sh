#!/usr/bin/env bash
# Run a command with a sound output: the user's sound server when one answers, else (where PulseAudio is installed,
# as in CI) a private daemon with a null sink for the command's lifetime. Without either the command still runs,
# and the editor plays silent.
set -euo pipefail
if ! command -v pulseaudio >/dev/null || pactl info >/dev/null 2>&1; then
    exec "$@"
fi
runtime="$(mktemp -d /tmp/storyreel-pulse-XXXXXX)"
export PULSE_RUNTIME_PATH="$runtime" PULSE_SERVER="unix:$runtime/native"
pulseaudio --daemonize=no --exit-idle-time=-1 -n --use-pid-file=no \
    --load="module-native-protocol-unix socket=$runtime/native" --load="module-null-sink sink_name=storyreel_null" \
    >"$runtime/log" 2>&1 &
daemon=$!
trap 'kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; rm -rf "$runtime"' EXIT
for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
"$@"
