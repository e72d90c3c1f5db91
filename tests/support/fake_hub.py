"""A loopback fake of the Hugging Face Hub, for download tests (nothing ever reaches the real Hub).

It serves the endpoints ``huggingface_hub.snapshot_download`` uses, with the headers it reads
(see huggingface_hub's ``hf_api.model_info``, ``list_repo_tree`` and ``file_download.get_hf_file_metadata`` /
``http_get``):
  GET  /api/models/{repo}[/revision/{rev}]      model info: ``sha`` and ``siblings`` (with sizes)
  GET  /api/models/{repo}/tree/{rev}             the file listing (``type``, ``path``, ``size``, ``oid``)
  HEAD /{repo}/resolve/{rev}/{file}              X-Repo-Commit, ETag / X-Linked-Etag, X-Linked-Size, Content-Length
  GET  /{repo}/resolve/{rev}/{file}              the bytes; ``Range: bytes=N-`` answers 206 with Content-Range
Faults per file, consumed one per GET: "drop" (send half, then close the connection) and "stall" (send half,
then wait until the hub closes). Every request is logged (method, path, Range header).

Use: ``with running_hub() as hub: hub.add_folder("tiny-org/tiny-wan", folder); ... hub.url``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass
class FakeRepo:
    repo_id: str
    files: dict[str, bytes]
    commit: str
    reported_sizes: dict[str, int] = field(default_factory=dict)  # what the API claims (a huge repo)

    def size(self, name: str) -> int:
        return self.reported_sizes.get(name, len(self.files[name]))

    def etag(self, name: str) -> str:
        return hashlib.sha256(self.files[name]).hexdigest()


@dataclass(frozen=True)
class Logged:
    method: str
    path: str
    range: str | None


class FakeHub:
    def __init__(self) -> None:
        self.repos: dict[str, FakeRepo] = {}
        self.requests: list[Logged] = []
        self.faults: dict[tuple[str, str], list[str]] = {}
        self.stalled = threading.Event()  # set when a "stall" fault has sent its first half
        self.closing = threading.Event()
        self.url = ""
        self._lock = threading.Lock()

    def add_folder(self, repo_id: str, folder: Path) -> FakeRepo:
        return self.add_files(repo_id, folder_files(folder))

    def add_files(self, repo_id: str, files: dict[str, bytes], reported_sizes: dict[str, int] | None = None) -> FakeRepo:
        commit = hashlib.sha1(repo_id.encode() + b"".join(sorted(files.values()))).hexdigest()
        repo = FakeRepo(repo_id, files, commit, dict(reported_sizes or {}))
        self.repos[repo_id] = repo
        return repo

    def add_fault(self, repo_id: str, filename: str, fault: str) -> None:
        assert fault in ("drop", "stall")
        self.faults.setdefault((repo_id, filename), []).append(fault)

    def take_fault(self, repo_id: str, filename: str) -> str | None:
        with self._lock:
            queue = self.faults.get((repo_id, filename))
            return queue.pop(0) if queue else None

    def log(self, entry: Logged) -> None:
        with self._lock:
            self.requests.append(entry)

    def file_gets(self, repo_id: str) -> list[tuple[str, str | None]]:
        """(file, Range header) of every GET of a file of ``repo_id``, in order."""
        prefix = f"/{repo_id}/resolve/"
        return [(p.path[len(prefix):].split("/", 1)[1], p.range) for p in self.requests
                if p.method == "GET" and p.path.startswith(prefix)]


def folder_files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by its '/'-separated relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


_INFO = re.compile(r"^/api/models/(?P<repo>[^/]+/[^/]+)(?:/revision/(?P<rev>[^/]+))?$")
_TREE = re.compile(r"^/api/models/(?P<repo>[^/]+/[^/]+)/tree/(?P<rev>[^/]+)(?:/.*)?$")
_RESOLVE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")


def _handler(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args: object) -> None:  # quiet test output
            pass

        def do_HEAD(self) -> None:
            self._serve(body=False)

        def do_GET(self) -> None:
            self._serve(body=True)

        def _serve(self, *, body: bool) -> None:
            path = unquote(urlsplit(self.path).path)
            hub.log(Logged(self.command, path, self.headers.get("Range")))
            for pattern, answer in ((_TREE, self._tree), (_INFO, self._info), (_RESOLVE, self._resolve)):
                match = pattern.match(path)
                if match:
                    repo = hub.repos.get(match["repo"])
                    if repo is None:
                        return self._error(404, "RepoNotFound", f"Repository {match['repo']} not found")
                    if match["rev"] not in (None, "main", repo.commit):
                        return self._error(404, "RevisionNotFound", f"Revision {match['rev']} not found", repo)
                    return answer(repo, match, body)
            self._error(404, "EntryNotFound", f"no route {path}")

        def _json(self, value: object, body: bool) -> None:
            data = json.dumps(value).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if body:
                self.wfile.write(data)

        def _error(self, status: int, code: str, message: str, repo: FakeRepo | None = None) -> None:
            data = json.dumps({"error": message}).encode()
            self.send_response(status)
            self.send_header("X-Error-Code", code)
            self.send_header("X-Error-Message", message)
            if repo is not None:
                self.send_header("X-Repo-Commit", repo.commit)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def _info(self, repo: FakeRepo, _match: re.Match[str], body: bool) -> None:
            self._json({"id": repo.repo_id, "modelId": repo.repo_id, "sha": repo.commit, "private": False,
                        "library_name": "diffusers", "tags": ["diffusers"],
                        "siblings": [{"rfilename": name, "size": repo.size(name), "blobId": repo.etag(name)[:40]}
                                     for name in repo.files]}, body)

        def _tree(self, repo: FakeRepo, _match: re.Match[str], body: bool) -> None:
            self._json([{"type": "file", "path": name, "size": repo.size(name), "oid": repo.etag(name)[:40]}
                        for name in repo.files], body)

        def _resolve(self, repo: FakeRepo, match: re.Match[str], body: bool) -> None:
            name = match["file"]
            if name not in repo.files:
                return self._error(404, "EntryNotFound", f"{name} does not exist", repo)
            data = repo.files[name]
            start = 0
            wanted = self.headers.get("Range")
            if wanted:
                found = re.match(r"bytes=(\d+)-", wanted)
                start = int(found.group(1)) if found else 0
            part = data[start:]
            self.send_response(206 if start else 200)
            self.send_header("X-Repo-Commit", repo.commit)
            self.send_header("ETag", f'"{repo.etag(name)}"')
            self.send_header("X-Linked-Etag", f'"{repo.etag(name)}"')
            self.send_header("X-Linked-Size", str(len(data)))
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(len(part)))
            if start:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.end_headers()
            if not body:
                return
            fault = hub.take_fault(repo.repo_id, name)
            if fault is None:
                self.wfile.write(part)
                return
            half = len(part) // 2
            self.wfile.write(part[:half])
            self.wfile.flush()
            if fault == "stall":
                hub.stalled.set()
                hub.closing.wait(60)
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

    return Handler


@contextlib.contextmanager
def running_hub() -> Iterator[FakeHub]:
    """A FakeHub listening on 127.0.0.1 (a free port) in a thread; always stopped when the block ends."""
    hub = FakeHub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(hub))
    server.daemon_threads = True
    hub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="fake-hub", daemon=True)
    thread.start()
    try:
        yield hub
    finally:
        hub.closing.set()  # releases stalled transfers
        server.shutdown()
        server.server_close()
        thread.join(10)


def closed_port_url() -> str:
    """An http URL on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def tiny_wan_checkpoint(root: Path) -> Path:
    """The engine tests' tiny Wan checkpoint (tests/engine/tiny_models.py), built once under ``root``."""
    import shutil

    folder = Path(root) / "tiny-wan"
    if not folder.is_dir():
        import tiny_models as module

        partial = Path(root) / ".tiny-wan.partial"
        shutil.rmtree(partial, ignore_errors=True)
        module.build_tiny_wan(partial)
        partial.rename(folder)
    return folder


def hub_env(hub_url: str, home: Path) -> dict[str, str]:
    """The environment a CLI process needs to use ``hub_url`` with a fresh cache and user config under ``home``."""
    return {"HF_ENDPOINT": hub_url, "HF_HOME": str(home / "hf"), "HF_HUB_CACHE": str(home / "hf" / "hub"),
            "HF_HUB_OFFLINE": "0", "HF_HUB_DISABLE_XET": "1", "HF_HUB_DOWNLOAD_TIMEOUT": "3",
            "STORYREEL_CONFIG_DIR": str(home / "config"), "STORYREEL_MODEL_DIR": ""}
