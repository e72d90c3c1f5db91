"""This process's one connection to a Ray cluster (Ray allows one per process), shared and counted.

Ray is imported here, lazily, so the app starts without it. The connection sets Ray's token auth for this
driver only (``RAY_AUTH_MODE=token``, ``RAY_AUTH_TOKEN``) and keeps loopback clusters on loopback
(``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0``, see docs/render-farm). No other part of this machine's environment
is sent: actors start from their node's environment, and no runtime env is attached.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from engine.cluster.address import INSTALL_HINT, ClusterRefused, is_loopback, resolve_token, split_host_port

NAMESPACE = "storyreel"

_lock = threading.Lock()
_address: str | None = None
_users = 0


class ClusterUnreachable(ConnectionError):
    """The cluster does not answer (down, wrong address, network)."""


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ClusterRefused(INSTALL_HINT) from None
    return ray


def _driver_env(address: str, token: str | None) -> None:
    if token:
        os.environ["RAY_AUTH_MODE"] = "token"
        os.environ["RAY_AUTH_TOKEN"] = token
    host = "127.0.0.1" if address == "auto" else split_host_port(address)[0]
    if is_loopback(host):
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")


def _check_token_first(ray: Any, address: str) -> None:
    """Fail at once on a refused token (``ray.init`` would retry for ~20 s and hide the reason)."""
    try:
        from ray._raylet import GcsClient
    except ImportError:  # another Ray layout: ray.init reports it, slower
        return
    try:
        GcsClient(address=address)
    except ray.exceptions.AuthenticationError:
        raise ClusterRefused(
            f"the cluster at {address} refused the token: give Storyreel the token the cluster was started with "
            "(--token or RAY_AUTH_TOKEN)") from None
    except Exception:  # unreachable and the like: ray.init says so with its own retries
        return


def connect(address: str, token: str | None) -> Any:
    """The ``ray`` module, connected to ``address`` (a normalised address, see ``check_cluster_address``)."""
    global _address, _users
    ray = import_ray()
    token = resolve_token(token)
    with _lock:
        if _users and ray.is_initialized():
            if address != _address:
                raise ClusterRefused(f"this process is already connected to the cluster at {_address}; "
                                     f"Ray allows one cluster per process, so {address} cannot be used as well")
            _users += 1
            return ray
        _driver_env(address, token)
        if address != "auto" and not address.startswith("ray://"):
            _check_token_first(ray, address)
        try:
            ray.init(address=address, namespace=NAMESPACE, log_to_driver=False, logging_level=logging.WARNING,
                     configure_logging=False)
        except ClusterRefused:
            raise
        except Exception as error:
            if isinstance(error, getattr(ray.exceptions, "AuthenticationError", ())) or "InvalidAuthToken" in str(error):
                raise ClusterRefused(f"the cluster at {address} refused the token: give Storyreel the token the "
                                     "cluster was started with (--token or RAY_AUTH_TOKEN)") from None
            if "ray[client]" in str(error) or "ray.util.client" in str(error):
                raise ClusterRefused(f"{address}: ray:// addresses need Ray Client: pip install 'ray[client]'") from None
            raise ClusterUnreachable(f"cannot reach the Ray cluster at {address}: {error}") from None
        _address, _users = address, 1
        return ray


def disconnect() -> None:
    global _address, _users
    with _lock:
        _users -= 1
        if _users <= 0:
            _users, _address = 0, None
            ray = import_ray()
            if ray.is_initialized():
                ray.shutdown()


def reconnect(address: str, token: str | None) -> Any:
    """Drop a dead connection and connect again (the cluster came back); returns the ``ray`` module."""
    global _users, _address
    ray = import_ray()
    with _lock:
        users = max(1, _users)
        if ray.is_initialized():
            ray.shutdown()
        _users, _address = 0, None
    ray = connect(address, token)
    with _lock:
        _users = users
    return ray
