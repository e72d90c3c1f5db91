"""``storyreel models`` (what can generate, what is on disk, what fits this machine; the neural voice too) and
``storyreel models download ID`` (fetch a Hub model into the model store, resumable)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.model_download import format_bytes
from engine.model_store import ModelStore
from engine.progress import Cancelled, Progress

from .common import UsageError, print_json
from .terminal_text import shown

TASK_ABBREVIATIONS = {"text_to_video": "t2v", "image_to_video": "i2v", "first_last_frame": "flf",
                      "text_to_image": "t2i", "references_to_image": "refs"}


def register(sub: argparse._SubParsersAction) -> None:
    models = sub.add_parser("models", help="video, image and voice models: what is known, on disk, and fits this machine; "
                                           "download")
    models.add_argument("--json", action="store_true")
    models.add_argument("--folder", action="append", type=Path, default=[], metavar="PATH",
                        help="also describe a local diffusers model folder")
    models.set_defaults(func=models_command)
    actions = models.add_subparsers(dest="models_action", metavar="ACTION")  # `storyreel models` alone lists
    download = actions.add_parser("download", help="download a Hub model into the model store (resumable)")
    download.add_argument("model_id", metavar="ID", help="a Hub model id, e.g. Wan-AI/Wan2.1-T2V-1.3B-Diffusers")
    download.add_argument("--revision", default=None, help="a branch, tag or commit (default: main)")
    download.set_defaults(func=download_command)


def _store() -> ModelStore:
    from engine.model_store import ModelStoreError

    try:
        return ModelStore.configured()
    except ModelStoreError as exc:
        raise UsageError(str(exc)) from exc


def models_command(args: argparse.Namespace) -> int:
    from engine.machine_fit import this_machine
    from engine.model_catalog import list_models
    from engine.model_registry import ModelNotFound

    store, machine = _store(), this_machine()
    try:
        rows = list_models(args.folder, store, machine)
    except ModelNotFound as exc:
        raise UsageError(str(exc)) from exc
    from studio.voice.kokoro_model import VOICE_MODELS, voice_model_row

    voice_rows = [voice_model_row(store, model) for model in VOICE_MODELS.values()]
    if args.json:
        print_json(rows + voice_rows)
        return 0
    print(f"models are kept in {store.describe()}")
    print(f"this machine: {machine.describe()}\n")
    print(f"{'MODEL':<44} {'KIND':<5} {'FAMILY':<20} {'TASKS':<11} {'FRAMES':<6} {'ON DISK':<16} FITS THIS MACHINE")
    for row in rows:
        tasks = ",".join(TASK_ABBREVIATIONS.get(t, t) for t in row["tasks"])  # type: ignore[union-attr]
        if "references_to_image" in row["tasks"]:  # type: ignore[operator]
            tasks += f"<={row['max_references']}"
        size = int(row["bytes_on_disk"])  # type: ignore[call-overload]
        disk = {"on disk": "yes", "incomplete": "incomplete", "partial": "partial"}.get(str(row["state"]), "no")
        if size:
            disk += f" {format_bytes(size)}"
        fit = row["fit"]["note"]  # type: ignore[index]
        print(f"{row['id']!s:<44} {row['kind']!s:<5} {row['family']!s:<20} {tasks:<11} {row['frames']!s:<6} "
              f"{disk:<16} {fit}")
    print("tasks: t2v text-to-video, i2v image-to-video, flf first-last-frame; t2i text-to-image (keyframes), "
          "refs<=N a keyframe from up to N reference images (cast, location)")
    print(f"\n{'VOICE MODEL':<44} {'PARAMS':<6} {'ON DISK':<16} LICENCE")
    for row in voice_rows:
        disk = "yes" if row["present"] else str(row["state"]).replace("not here", "no")
        if row["bytes_on_disk"]:
            disk += f" {format_bytes(int(row['bytes_on_disk']))}"  # type: ignore[call-overload]
        print(f"{row['id']!s:<44} {row['params']!s:<6} {disk:<16} {row['licence']}")
    missing = [row["id"] for row in rows if not row["present"]]
    if missing:
        print(f"\nget a model with `storyreel models download <MODEL>` (e.g. {missing[0]}); any Hub model whose "
              f"pipeline is of a family above works too. The animatic engine needs none.", file=sys.stderr)
    return 0


def download_command(args: argparse.Namespace) -> int:
    from engine.model_download import DownloadError, download_model, plan_download
    from studio.voice.kokoro_model import VOICE_MODELS

    store = _store()
    if args.model_id in VOICE_MODELS:
        return _download_voice_model(args, store)
    try:
        plan = plan_download(store, args.model_id, args.revision)
        if "model_index.json" not in plan.file_sizes:
            raise UsageError(f"{args.model_id} is not a diffusers model (it has no model_index.json); Storyreel "
                             f"runs Wan and LTX-Video pipelines")
        here = plan.total_bytes - plan.missing_bytes
        print(f"{args.model_id}: {len(plan.file_sizes)} files, {format_bytes(plan.total_bytes)}"
              + (f" ({format_bytes(here)} already here)" if here else "") + f", into {store.describe()}", file=sys.stderr)
        bar = _ByteBar()
        try:
            path = download_model(store, args.model_id, revision=args.revision, progress=bar, plan=plan)
        finally:
            bar.close()
    except DownloadError as exc:
        raise UsageError(str(exc)) from exc
    except Cancelled as exc:
        print(f"storyreel: {shown(exc)}", file=sys.stderr)
        return 130
    print(f"downloaded {args.model_id} to {path}")
    _say_if_unsupported(args.model_id, store)
    return 0


def _download_voice_model(args: argparse.Namespace, store: ModelStore) -> int:
    """The neural voice's two files (not the repo's other variants); damaged copies are replaced."""
    from engine.model_download import DownloadError, download_model, plan_download
    from studio.voice.errors import VoiceError
    from studio.voice.kokoro_model import VOICE_MODELS, discard_damaged, load_kokoro, required_files

    model = VOICE_MODELS[args.model_id]
    for name in discard_damaged(store, model):
        print(f"{name} was damaged: removed, it is downloaded again", file=sys.stderr)
    try:
        plan = plan_download(store, model.repo_id, args.revision, allow_patterns=model.files)
        absent = [name for name in model.files if name not in plan.file_sizes]
        if absent:
            raise UsageError(f"{model.repo_id} on the Hub has no {', '.join(absent)}; the neural voice needs "
                             f"{' and '.join(model.files)}")
        here = plan.total_bytes - plan.missing_bytes
        print(f"{model.repo_id}: {' + '.join(model.files)}, {format_bytes(plan.total_bytes)}"
              + (f" ({format_bytes(here)} already here)" if here else "") + f", into {store.describe()}",
              file=sys.stderr)
        bar = _ByteBar()
        try:
            download_model(store, model.repo_id, revision=args.revision, progress=bar, plan=plan)
        finally:
            bar.close()
        files = required_files(store, model)
        load_kokoro(files, model)  # a file that arrived damaged is said now, not at the first line
    except (DownloadError, VoiceError) as exc:
        raise UsageError(str(exc)) from exc
    except Cancelled as exc:
        print(f"storyreel: {shown(exc)}", file=sys.stderr)
        return 130
    print(f"downloaded {model.repo_id} to {files.model.parent}")
    print("the neural voice is ready: new cast voices come from it; voice a project with "
          "storyreel voice PROJECT --provider kokoro (see --list-voices --provider kokoro)")
    return 0


def _say_if_unsupported(model_id: str, store: ModelStore) -> None:
    from engine.model_registry import ModelNotFound, resolve_model

    try:
        spec = resolve_model(model_id, store)
    except ModelNotFound as exc:
        print(f"note: {shown(exc)}", file=sys.stderr)
        return
    print(f"use it with: storyreel generate PROJECT --backend diffusers --model {spec.id}")


class _ByteBar:
    """A tqdm bar of bytes on stderr, fed by download Progress updates."""

    def __init__(self) -> None:
        self.bar = None

    def __call__(self, update: Progress) -> None:
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=max(1, update.total), unit="B", unit_scale=True, unit_divisor=1024,
                            file=sys.stderr, dynamic_ncols=True, desc="download")
        self.bar.n = update.done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
