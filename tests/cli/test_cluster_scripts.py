"""tools/cluster/start-head.sh: a real Ray head with token auth that listens on loopback only; public addresses
are refused. The head is stopped by killing exactly the processes of its own temp dir."""

from __future__ import annotations

import ipaddress
import os
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest
import ray_cluster as loopback

SCRIPTS = Path(__file__).resolve().parents[2] / "tools" / "cluster"


def _listening(pids: list[int]) -> set[tuple[str, int]]:
    """(IP, port) of the TCP sockets in LISTEN state that ``pids`` hold."""
    inodes: set[str] = set()
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] != "0A" or fields[9] not in inodes:
                continue
            hex_ip, hex_port = fields[1].split(":")
            # The kernel prints each 32-bit word of the address in host (little-endian) order.
            raw = b"".join(bytes.fromhex(hex_ip[i:i + 8])[::-1] for i in range(0, len(hex_ip), 8))
            ip = ipaddress.ip_address(raw)
            if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
                ip = ip.ipv4_mapped
            found.add((str(ip), int(hex_port, 16)))
    return found


def _env(home: Path) -> dict[str, str]:
    env = loopback.clean_env("unused")
    env.pop("RAY_AUTH_TOKEN")  # the script makes the token
    env.pop("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER")  # and sets this itself
    env["HOME"] = str(home)
    env["PATH"] = f"{loopback.RAY_BIN.parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def test_start_head_listens_on_loopback_only_with_a_new_token(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    temp_dir = Path(tempfile.mkdtemp(prefix="srhead-", dir="/tmp"))  # short: Ray's socket paths live under it
    port = loopback.free_port()
    env = {**_env(tmp_path), "RAY_PORT": str(port), "RAY_TEMP_DIR": str(temp_dir), "RAY_NUM_GPUS": "0"}
    cluster = loopback.RayTestCluster(f"127.0.0.1:{port}", "", temp_dir, env)
    try:
        started = subprocess.run([str(SCRIPTS / "start-head.sh")], env=env, capture_output=True, text=True,
                                 timeout=180)
        assert started.returncode == 0, started.stdout + started.stderr
        assert f"head running at 127.0.0.1:{port}" in started.stdout
        token = tmp_path / ".ray" / "auth_token"
        assert len(token.read_text().strip()) == 64 and stat.S_IMODE(token.stat().st_mode) == 0o600
        assert token.read_text().strip() not in started.stdout + started.stderr
        sockets = _listening(cluster.processes())
        assert ("127.0.0.1", port) in sockets
        assert {ip for ip, _ in sockets} == {"127.0.0.1"}, sockets  # nothing on another interface
    finally:
        loopback.stop_cluster(cluster)


@pytest.mark.parametrize("args", [["start-head.sh", "--bind", "0.0.0.0"], ["start-head.sh", "--bind", "8.8.8.8"],
                                  ["start-worker.sh", "8.8.4.4:6379"]])
def test_public_addresses_are_refused(tmp_path: Path, args: list[str]) -> None:
    refused = subprocess.run([str(SCRIPTS / args[0]), *args[1:]], env=_env(tmp_path), capture_output=True,
                             text=True, timeout=60)
    assert refused.returncode == 2 and "refusing" in refused.stderr and "runs any code" in refused.stderr
    assert not (tmp_path / ".ray").exists()  # refused before any token or process was made
