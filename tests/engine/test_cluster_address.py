"""Which cluster addresses Storyreel accepts, and why a remote one without a token is refused (no Ray needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.cluster import ClusterRefused, RayClient, check_cluster_address
from engine.local_client import engine_client


@pytest.mark.parametrize(("address", "normal"), [
    ("auto", "auto"), (" AUTO ", "auto"), ("127.0.0.1:6379", "127.0.0.1:6379"), ("localhost:6380", "localhost:6380"),
    ("[::1]:6379", "[::1]:6379"), ("ray://127.0.0.1:10001", "ray://127.0.0.1:10001"),
])
def test_loopback_addresses_need_no_token(address: str, normal: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAY_AUTH_TOKEN", raising=False)
    assert check_cluster_address(address, None) == normal


@pytest.mark.parametrize("address", ["10.0.0.5:6379", "gpu-box:6379", "ray://192.168.1.20:10001", "0.0.0.0:6379"])
def test_a_remote_address_without_a_token_is_refused_with_the_reason(address: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAY_AUTH_TOKEN", raising=False)
    with pytest.raises(ClusterRefused) as refused:
        check_cluster_address(address, None)
    message = str(refused.value)
    assert "runs whatever code it is sent" in message and "RAY_AUTH_MODE=token" in message
    assert "ssh -N -L" in message
    # The same address with a token (given, or from RAY_AUTH_TOKEN) is accepted.
    assert check_cluster_address(address, "s3cret") == address
    monkeypatch.setenv("RAY_AUTH_TOKEN", "s3cret")
    assert check_cluster_address(address, None) == address


@pytest.mark.parametrize("address", ["", "6379", "host:", "host:port", "host:70000", "ray://"])
def test_malformed_addresses_say_what_is_expected(address: str) -> None:
    with pytest.raises(ClusterRefused, match="HOST:PORT|port must be|no cluster address"):
        check_cluster_address(address, "t")


def test_the_client_refuses_before_connecting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAY_AUTH_TOKEN", raising=False)
    with pytest.raises(ClusterRefused, match="without a token"):
        RayClient("203.0.113.7:6379", tmp_path / "state")
    with pytest.raises(ClusterRefused, match="without a token"):
        engine_client(tmp_path / "state", cluster="203.0.113.7:6379")
    assert not (tmp_path / "state" / "queue.lock").exists()  # nothing was opened


def test_without_a_cluster_the_engine_is_this_machine(tmp_path: Path) -> None:
    from engine.inprocess_client import InProcessClient

    client = engine_client(tmp_path / "state", in_process=True, persist=False)
    try:
        assert isinstance(client, InProcessClient)
    finally:
        client.close()
