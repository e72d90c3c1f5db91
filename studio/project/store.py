"""Reading and writing project bundles: ``NAME.storyreel/`` with project.json, media/, cache/, backups/.

Writes are atomic (temp file, fsync, rename, fsync folder). Each explicit save first copies the previous good
project.json into backups/ (the newest ``BACKUPS_KEPT`` are kept). Autosave writes ``autosave.json`` only, so
it can never overwrite the last explicit save; a newer autosave is offered for recovery on open.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.atomic_files import temp_path_for, write_atomic

from .bounded_files import InputFileError, read_bounded
from .errors import ProjectError, SchemaVersionError, UnsafeMediaPath
from .json_depth import MAX_JSON_DEPTH, json_depth
from .media_path import resolve_media
from .model_limits import validation_error
from .project_lock import ProjectLock

__all__ = ["resolve_media", "validation_error"]
import contextlib

from .model import Project
from .schema import UpgradeError, upgrade

BUNDLE_SUFFIX = ".storyreel"
DOCUMENT = "project.json"
AUTOSAVE = "autosave.json"
MEDIA, CACHE, BACKUPS = "media", "cache", "backups"
BACKUPS_KEPT = 10
MAX_DOCUMENT_BYTES = 200 * 1024 * 1024


@dataclass
class LoadReport:
    """What opening a bundle found besides the document itself."""

    upgraded_from: int | None = None
    offline: list[str] = field(default_factory=list)  # bundle-relative paths of missing media
    digest: str | None = None  # sha256 of the bytes read: a later save can tell whether the file changed since


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def bundle_path(path: Path | str) -> Path:
    """Accept the bundle folder, its project.json, or a bare name (``film`` -> ``film.storyreel``)."""
    path = Path(path)
    if path.name in (DOCUMENT, AUTOSAVE):
        return path.parent
    if path.suffix != BUNDLE_SUFFIX and not path.is_dir():
        return path.with_name(path.name + BUNDLE_SUFFIX)
    return path


def create_bundle(path: Path | str, project: Project) -> Path:
    """Make a new bundle folder and write its first save; refuses to overwrite an existing project."""
    bundle = bundle_path(path)
    if (bundle / DOCUMENT).exists():
        raise ProjectError("a project already exists here; open it instead", path=bundle)
    for sub in (MEDIA, CACHE, BACKUPS):
        (bundle / sub).mkdir(parents=True, exist_ok=True)
    with ProjectLock(bundle):  # two `storyreel new` of one name: the second finds the first's project
        if (bundle / DOCUMENT).exists():
            raise ProjectError("a project already exists here; open it instead", path=bundle)
        save(bundle, project)
    return bundle


def serialize(project: Project) -> bytes:
    return json.dumps(project.model_dump(mode="json"), indent=2, ensure_ascii=False).encode("utf-8") + b"\n"


def loadable_bytes(project: Project, target: Path) -> bytes:
    """The document as it will be written, after the loader itself has read it back: a save never writes a
    file that would not open (a value only the loader checks, such as the size or the nesting depth)."""
    data = serialize(project)
    try:
        if len(data) <= MAX_DOCUMENT_BYTES and _nests_within_limit(data):
            _decode(data, source=target)  # the loader's own steps, less the depth count it would repeat
        else:
            parse(data, source=target)  # the loader's own refusal, with its message
    except ProjectError as exc:
        raise ProjectError(f"not saved, because the project would not open again: {exc}") from exc
    return data


def _nests_within_limit(data: bytes) -> bool:
    """True when ``serialize``'s ``data`` surely nests at most ``MAX_JSON_DEPTH`` levels, found without counting
    brackets (``json_depth`` takes ~0.1 s of a 3,000-shot save). ``serialize`` indents each level by two spaces
    and ``json`` escapes newlines inside strings, so a line indented by 2k spaces sits inside k containers, and
    nothing nests deeper than one level below the most indented line (an empty ``[]`` or ``{}`` on it). False
    means the loader's own count decides."""
    return b"\n" + b" " * (2 * MAX_JSON_DEPTH) not in data


def parse(data: bytes, *, source: Path) -> tuple[Project, int]:
    """Bytes of a project.json -> a validated, upgraded Project and the schema version it was written with."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ProjectError(f"the file is {len(data) // 2**20} MiB; a project document is never that big", path=source)
    depth = json_depth(data)
    if depth > MAX_JSON_DEPTH:
        raise ProjectError(f"the JSON nests {depth} levels deep; a project document nests at most {MAX_JSON_DEPTH} "
                           "(restore a copy from backups/)", path=source)
    return _decode(data, source=source)


def _decode(data: bytes, *, source: Path) -> tuple[Project, int]:
    """``parse`` after the size and depth checks: JSON, upgrade, validation."""
    try:
        raw: Any = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ProjectError(f"not UTF-8 text ({exc.reason} at byte {exc.start}); restore a copy from backups/", path=source) from exc
    except json.JSONDecodeError as exc:
        raise ProjectError(
            f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); restore a copy from backups/",
            path=source,
        ) from exc
    except (ValueError, RecursionError) as exc:  # an integer of thousands of digits (CPython refuses to parse it)
        raise ProjectError(f"not a usable JSON document ({str(exc)[:120]}); restore a copy from backups/",
                           path=source) from exc
    if not isinstance(raw, dict):
        raise ProjectError("the document must be a JSON object", path=source)
    try:
        raw, started_at = upgrade(raw)
    except UpgradeError as exc:
        raise ProjectError(f"cannot upgrade this old document: {exc}", path=source, field=exc.field) from exc
    except OverflowError as exc:
        raise SchemaVersionError(str(exc), path=source, field="schema_version") from exc
    except ValueError as exc:
        raise SchemaVersionError(str(exc), path=source, field="schema_version") from exc
    except (KeyError, TypeError, AttributeError) as exc:
        raise ProjectError(f"cannot upgrade this old document: {exc}", path=source) from exc
    try:
        project = Project.model_validate(raw)
    except ValidationError as exc:
        raise validation_error(exc, source) from exc
    return project, started_at


def load(path: Path | str, *, document: str = DOCUMENT) -> tuple[Project, LoadReport]:
    """Open a bundle. Missing media marks takes offline (the project still opens); unsafe paths refuse it."""
    bundle = bundle_path(path)
    source = bundle / document
    if not bundle.is_dir():
        raise ProjectError("no such project folder", path=bundle)
    if not os.path.lexists(source):
        raise ProjectError(f"no {document} here; is this a Storyreel project?", path=bundle)
    return load_bytes(bundle, read_document(bundle, document=document), document=document)


def read_document(bundle: Path, *, document: str = DOCUMENT) -> bytes:
    """The bytes of the bundle's document, read as a bounded regular file."""
    return read_bounded(bundle / document, kind="project document", max_bytes=MAX_DOCUMENT_BYTES)


def load_bytes(bundle: Path, data: bytes, *, document: str = DOCUMENT) -> tuple[Project, LoadReport]:
    """A bundle's document from bytes already read: validated, upgraded, media checked (see ``load``)."""
    project, started_at = parse(data, source=bundle / document)
    report = LoadReport(upgraded_from=started_at if started_at != project.schema_version else None,
                        digest=digest_of(data))
    report.offline = mark_offline_media(bundle, project)
    return project, report


def media_references(project: Project) -> list[tuple[Any, str]]:
    """Every (owner, field name) pair of the document that names a media file."""
    refs: list[tuple[Any, str]] = []
    for shot in project.shots:
        if shot.reference:
            refs.append((shot, "reference"))
        for take in shot.takes:
            refs.extend((take, name) for name in ("media", "thumbnail", "first_frame", "last_frame") if getattr(take, name))
    for line in project.lines:
        for audio in line.takes:
            refs.append((audio, "media"))
            if audio.source_recording:
                refs.append((audio, "source_recording"))
    refs.extend((clip, "media") for clip in project.music)
    return refs


def _plain_files(bundle: Path, tops: set[str]) -> set[str]:
    """Bundle-relative paths of regular files under ``tops`` reached through no symlink (safe by construction).

    One directory walk replaces a realpath per reference, which made opening a 500-shot project take seconds.
    """
    found: set[str] = set()
    stack = [(bundle / top, top) for top in tops if not (bundle / top).is_symlink()]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append((Path(entry.path), f"{prefix}/{entry.name}"))
            elif entry.is_file(follow_symlinks=False):
                found.add(f"{prefix}/{entry.name}")
    return found


def mark_offline_media(bundle: Path, project: Project) -> list[str]:
    """Check each media path (symlinks out of the bundle are refused); takes whose clip is missing go offline."""
    offline: list[str] = []
    references = media_references(project)
    tops = {getattr(owner, name).split("/", 1)[0] for owner, name in references}
    plain = _plain_files(bundle, {t for t in tops if t not in (".", "")})
    for owner, name in references:
        relative = getattr(owner, name)
        try:
            # Paths the walk met need no realpath; anything else (symlinks, odd spellings) takes the careful path.
            exists = relative in plain or resolve_media(bundle, relative).is_file()
        except UnsafeMediaPath as exc:
            raise UnsafeMediaPath(str(exc).split(": ", 1)[-1], path=bundle / DOCUMENT, field=name) from None
        if not exists:
            offline.append(relative)
        if name == "media" and hasattr(owner, "status"):
            if not exists and owner.status == "ready":
                owner.status = "offline"
            elif exists and owner.status == "offline":
                owner.status = "ready"
    return offline


def save(path: Path | str, project: Project) -> Path:
    """Explicit save: back up the previous document, then replace project.json atomically.

    This writes; it does not merge. ``ProjectDocument.save`` holds the project lock around it and first merges
    edits another process saved meanwhile."""
    return write_document(bundle_path(path), loadable_bytes(project, bundle_path(path) / DOCUMENT))


def write_document(bundle: Path, data: bytes) -> Path:
    """Write checked document bytes (``loadable_bytes``) as the bundle's project.json, backing up the old one."""
    for sub in (MEDIA, CACHE, BACKUPS):
        (bundle / sub).mkdir(parents=True, exist_ok=True)
    target = bundle / DOCUMENT
    if target.exists():
        _back_up(bundle, target)
    write_atomic(target, data)
    # An autosave older than this save is now obsolete; a stale one would be offered for recovery.
    autosave_file = bundle / AUTOSAVE
    if autosave_file.exists():
        autosave_file.unlink()
    return target


def autosave(path: Path | str, project: Project) -> Path:
    """Write autosave.json atomically; project.json (the last explicit save) is never touched."""
    bundle = bundle_path(path)
    target = bundle / AUTOSAVE
    write_atomic(target, loadable_bytes(project, target))
    return target


def newer_autosave(path: Path | str) -> Path | None:
    """autosave.json when it is newer than the last explicit save and differs from it; else None."""
    bundle = bundle_path(path)
    auto, main = bundle / AUTOSAVE, bundle / DOCUMENT
    if not auto.is_file():
        return None
    if main.is_file() and (auto.stat().st_mtime_ns < main.stat().st_mtime_ns or _same_document(auto, main)):
        return None
    return auto


def _same_document(a: Path, b: Path) -> bool:
    """Equal bytes, compared only when the sizes match, and read as bounded documents (never a huge file)."""
    if a.stat().st_size != b.stat().st_size:
        return False
    try:
        return read_bounded(a, kind="autosave", max_bytes=MAX_DOCUMENT_BYTES) == read_document(b.parent)
    except ProjectError:
        return False


def recover_autosave(path: Path | str) -> tuple[Project, LoadReport]:
    """Load the autosave instead of the explicit save (the caller saves it to make the recovery permanent)."""
    return load(path, document=AUTOSAVE)


def backups(path: Path | str) -> list[Path]:
    """Backups, newest first."""
    folder = bundle_path(path) / BACKUPS
    return sorted(folder.glob("project-*.json"), reverse=True) if folder.is_dir() else []


def _back_up(bundle: Path, current: Path) -> None:
    folder = bundle / BACKUPS
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    try:
        data = read_document(bundle)
    except InputFileError:  # not a document any more (a pipe, a device, far too big): nothing to keep
        return
    write_atomic(folder / f"project-{stamp}.json", data)
    for old in backups(bundle)[BACKUPS_KEPT:]:
        with contextlib.suppress(OSError):
            old.unlink()


def _media_target(bundle: Path, source: Path, subfolder: str) -> Path:
    """Where ``source`` goes in media/: its own name, or ``name-N`` when another file already has that name."""
    folder = bundle / MEDIA / subfolder
    target = folder / source.name
    stem, n = source.stem, 1
    while target.exists() and not _same_file_content(target, source):
        n += 1
        target = folder / f"{stem}-{n}{source.suffix}"
    return target


def media_name_for(path: Path | str, source: Path, *, subfolder: str = "stills") -> str:
    """The bundle path ``import_media`` would give ``source`` now (nothing is copied)."""
    bundle = bundle_path(path)
    return _media_target(bundle, Path(source), subfolder).relative_to(bundle).as_posix()


def import_media(path: Path | str, source: Path, *, subfolder: str = "stills") -> str:
    """Copy an outside file (a reference still, a recording, music) into media/ and return its bundle path."""
    bundle = bundle_path(path)
    source = Path(source)
    if not source.is_file():
        raise ProjectError("file not found", path=source)
    (bundle / MEDIA / subfolder).mkdir(parents=True, exist_ok=True)
    target = _media_target(bundle, source, subfolder)
    if not target.exists():
        with temp_path_for(target) as tmp:  # a unique temp name: two processes may import at once
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)
    return target.relative_to(bundle).as_posix()


def _same_file_content(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
