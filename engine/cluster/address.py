"""Where the render farm is, and whether Storyreel may connect to it: addresses, tokens, refusals.

A Ray cluster runs whatever code it is sent, so an address that is not this machine is refused unless the
cluster checks a token (Ray's ``RAY_AUTH_MODE=token``). Nothing here imports Ray.
"""

from __future__ import annotations

import ipaddress
import os

RAY_CLIENT_PREFIX = "ray://"
TOKEN_ENV = "RAY_AUTH_TOKEN"
INSTALL_HINT = 'the render farm needs Ray on this machine: pip install "storyreel[cluster]"'


class ClusterRefused(ValueError):
    """Storyreel will not (or cannot) use this cluster; the message says why and what to do."""


def resolve_token(token: str | None) -> str | None:
    """The token given, else ``RAY_AUTH_TOKEN`` from the environment, else None."""
    token = token if token is not None else os.environ.get(TOKEN_ENV)
    token = (token or "").strip()
    return token or None


def split_host_port(address: str) -> tuple[str, int]:
    """("host", port) of "HOST:PORT" or "[v6]:PORT" (any ``ray://`` prefix removed)."""
    text = address[len(RAY_CLIENT_PREFIX):] if address.startswith(RAY_CLIENT_PREFIX) else address
    host, sep, port_text = text.rpartition(":")
    if not sep or not host or not port_text.isdigit():
        raise ClusterRefused(f"{address!r} is not a cluster address: use HOST:PORT (the head's port, e.g. "
                             "127.0.0.1:6379), ray://HOST:10001 or auto")
    port = int(port_text)
    if not 1 <= port <= 65535:
        raise ClusterRefused(f"{address!r}: the port must be between 1 and 65535")
    return host.strip("[]"), port


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: it may resolve anywhere


def check_cluster_address(address: str, token: str | None) -> str:
    """The normalised address ("auto", "HOST:PORT" or "ray://HOST:PORT"), or ``ClusterRefused`` saying why.

    ``token`` is the one the client will use (see ``resolve_token``)."""
    text = (address or "").strip()
    if not text:
        raise ClusterRefused("no cluster address given: use HOST:PORT, ray://HOST:10001 or auto")
    if text.lower() == "auto":
        return "auto"  # the cluster started on this machine (Ray finds it)
    host, port = split_host_port(text)
    prefix = RAY_CLIENT_PREFIX if text.startswith(RAY_CLIENT_PREFIX) else ""
    shown = f"[{host}]" if ":" in host else host
    normal = f"{prefix}{shown}:{port}"
    if not is_loopback(host) and not resolve_token(token):
        raise ClusterRefused(
            f"refusing to connect to {normal} without a token: a Ray cluster runs whatever code it is sent, so a "
            "cluster on another machine must check a token (start it with RAY_AUTH_MODE=token and give "
            "Storyreel the same token with --token or RAY_AUTH_TOKEN), or reach it through an SSH tunnel "
            f"(ssh -N -L {port}:127.0.0.1:{port} USER@{host}) and use 127.0.0.1:{port}")
    return normal
