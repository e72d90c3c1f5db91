"""Which engine the editor's projects use: this computer (the default) or a Ray cluster.

The choice and the cluster's address are Qt settings; the cluster's token is kept in the OS keyring (service
``storyreel``), like the ElevenLabs key, and never in a setting, a project or a log. ``RAY_AUTH_TOKEN`` wins over
the keyring and is the way in on headless machines, which have no keyring. The factory is picked when a project
is opened, so a change applies to the next project opened.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from engine.client import EngineClient
from studio.project import StoryreelError
from studio.secret_store import SecretStoreUnavailable, delete_secret, read_secret, write_secret

LOCAL, CLUSTER = "local", "cluster"
TOKEN_ENV = "RAY_AUTH_TOKEN"
KEYRING_USER = "ray-cluster-token"  # the name under the keyring's "storyreel" service

ClientFactory = Callable[[Path, Path | None], EngineClient]


class ClusterUnavailable(StoryreelError):
    """The chosen cluster cannot be used (refused address, no Ray installed, no keyring for the token)."""


def stored_token() -> tuple[str | None, str | None]:
    """(token, None) from the keyring, or (None, why not) when it holds none or cannot be used."""
    return read_secret(KEYRING_USER, TOKEN_ENV)


def cluster_token() -> str | None:
    """The token to connect with: ``RAY_AUTH_TOKEN``, else the keyring's, else None."""
    env = os.environ.get(TOKEN_ENV, "").strip()
    return env or stored_token()[0]


def store_token(token: str) -> None:
    """Keep the token in the keyring (``ClusterUnavailable`` saying why on machines without one)."""
    token = token.strip()
    if not token or any(c.isspace() for c in token):
        raise ClusterUnavailable("a cluster token is one word with no spaces; check what was pasted")
    try:
        write_secret(KEYRING_USER, token, TOKEN_ENV)
    except SecretStoreUnavailable as exc:
        raise ClusterUnavailable(f"the token was not stored: {exc}") from None


def forget_token() -> bool:
    """Remove the stored token; False when the keyring held none (or there is no keyring: nothing is stored)."""
    try:
        return delete_secret(KEYRING_USER, TOKEN_ENV)
    except SecretStoreUnavailable:
        return False


def check_address(address: str, token: str | None) -> str:
    """The address as the cluster client will use it, or ``ClusterUnavailable`` with the reason."""
    if not address.strip():
        raise ClusterUnavailable("type the cluster's address (the head's HOST:PORT, ray://HOST:10001 or auto)")
    try:
        from engine.cluster import ClusterRefused, check_cluster_address
    except ImportError as exc:
        raise ClusterUnavailable(f"this Storyreel cannot use a cluster ({exc}); install storyreel[cluster]") from None
    try:
        return check_cluster_address(address.strip(), token)
    except ClusterRefused as exc:
        raise ClusterUnavailable(f"the cluster {address.strip()} was refused: {exc}") from None


def cluster_factory(address: str) -> ClientFactory:
    """A factory of clients of the cluster at ``address``; the token is looked up when a project opens."""

    def make(state_dir: Path, cache_dir: Path | None) -> EngineClient:
        token = cluster_token()
        checked = check_address(address, token)
        from engine.cluster import ClusterRefused
        from engine.local_client import engine_client

        try:
            # Not waiting for the connection: the window stays responsive, jobs wait until the cluster answers
            # (and fail with the reason if it refuses the token).
            return engine_client(state_dir, cache_dir, cluster=checked, token=token, wait=False)
        except ClusterRefused as exc:
            raise ClusterUnavailable(f"the cluster {address} was refused: {exc}") from None
        except (ConnectionError, TimeoutError, RuntimeError) as exc:  # ray.init's "nobody answers"
            lines = str(exc).strip().splitlines()
            raise ClusterUnavailable(f"cannot reach the cluster at {address}: "
                                     f"{lines[0] if lines else type(exc).__name__}") from None

    return make


def chosen_factory(kind: str, address: str, local: ClientFactory) -> ClientFactory:
    """The cluster's factory when the settings say so, else ``local`` (the window's own)."""
    return cluster_factory(address) if kind == CLUSTER else local
