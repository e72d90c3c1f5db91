# Sourced by start-head.sh and start-worker.sh: refuse any address that is not loopback or private.
refuse_public_address() {
  local address="$1"
  if ! python3 - "$address" <<'PY'
import ipaddress, sys
try:
    ip = ipaddress.ip_address(sys.argv[1])
except ValueError:
    sys.exit(1)
sys.exit(0 if (ip.is_loopback or ip.is_private) and not ip.is_unspecified else 1)
PY
  then
    echo "refusing $address: give a loopback or private IP address (10.x, 172.16-31.x, 192.168.x, a VPN's);" \
         "a Ray cluster runs any code it is sent, so it is never opened to a public interface" >&2
    exit 2
  fi
}
