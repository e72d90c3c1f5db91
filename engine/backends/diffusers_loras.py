"""LoRA adapters on a loaded pipeline, through diffusers' own loaders (``load_lora_weights``, ``set_adapters``,
``delete_adapters``, ``unload_lora_weights``; peft underneath).

A job's LoRAs (``GenerationRequest.loras``: path, sha256, strength) become the pipeline's active adapters. Each
adapter is named by its file's content, so a warm pipeline keeps the ones the next job uses and drops the rest;
a job without LoRAs gets the bare model back. A LoRA that does not fit the model is an error naming the file and
the model, and nothing of it stays loaded: diffusers loads nothing of another architecture's LoRA (a warning
only), or loads the layers whose names match and warns about the rest — both are caught here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from engine.backends.diffusers_plan import UnsupportedRequest
from engine.request import file_sha256

LoraSpec = tuple[str, str, float]  # (absolute path, sha256, strength), as in GenerationRequest.loras


def adapter_name(sha256: str) -> str:
    return f"sr_{sha256[:16]}"


def wanted_adapters(loras: tuple[LoraSpec, ...]) -> dict[str, tuple[str, str, float]]:
    """adapter name -> (path, sha256, strength); the same file twice is one adapter at the summed strength (a
    LoRA's change is linear in its strength, so this is exactly the two applied together)."""
    wanted: dict[str, tuple[str, str, float]] = {}
    for path, sha, strength in loras:
        name = adapter_name(sha)
        if name in wanted:
            strength += wanted[name][2]
        wanted[name] = (wanted.get(name, (path,))[0], sha, strength)
    return wanted


def _loaded_names(pipe: Any) -> set[str]:
    return {name for names in pipe.get_list_adapters().values() for name in names}


@contextmanager
def _diffusers_warnings() -> Iterator[list[str]]:
    """The warnings diffusers logs meanwhile (how it reports LoRA weights that fit no layer)."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("diffusers")
    handler, level = Collect(logging.WARNING), logger.level
    logger.addHandler(handler)
    if logger.getEffectiveLevel() > logging.WARNING:
        logger.setLevel(logging.WARNING)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _misfit(path: str, model: str, why: str) -> UnsupportedRequest:
    return UnsupportedRequest(f"the LoRA {Path(path).name} does not fit {model}: {why}. Is it a LoRA for another "
                              f"model family? Choose one made for {model}, or take it off")


def _load_one(pipe: Any, name: str, path: str, sha: str, model: str) -> None:
    file = Path(path)
    if not file.is_file():
        raise UnsupportedRequest(f"the LoRA file {path} cannot be found")
    if file_sha256(file) != sha:
        raise UnsupportedRequest(f"the LoRA file {path} changed since it was chosen (its content differs); add it "
                                 "again")
    try:
        with _diffusers_warnings() as warnings:
            pipe.load_lora_weights(str(file), adapter_name=name)
    except Exception as exc:
        _drop(pipe, name)
        text = str(exc).strip() or type(exc).__name__
        if "not found in the base model" in text:  # peft's words, followed by every module name it looked for
            text = "none of the layers it names are in the model"
        raise _misfit(path, model, text.splitlines()[0][:300]) from exc
    if name not in _loaded_names(pipe):
        raise _misfit(path, model, "none of its weights match a layer of the model")
    unexpected = next((m for m in warnings if "unexpected keys" in m), None)
    if unexpected is not None:
        _drop(pipe, name)
        keys = unexpected.split(":", 1)[-1].strip().rstrip(".").split(", ")
        raise _misfit(path, model, f"{len(keys)} of its weights name layers the model does not have (such as "
                                   f"{keys[0]})")


def _drop(pipe: Any, name: str) -> None:
    if name in _loaded_names(pipe):
        pipe.delete_adapters([name])


def apply_loras(pipe: Any, active: dict[str, str], loras: tuple[LoraSpec, ...], model: str) -> list[str]:
    """Make ``loras`` the active adapters of ``pipe`` (``active``: adapter name -> file of those loaded now,
    updated in place); notes for the result. ``model`` names the model in errors."""
    if not loras and not active:
        return []
    if not hasattr(pipe, "load_lora_weights"):
        return [f"{model} takes no LoRAs: the {len(loras)} given were ignored"]
    wanted = wanted_adapters(loras)
    unused = [name for name in active if name not in wanted]
    if unused and not wanted:
        pipe.unload_lora_weights()  # the bare layers back, not adapter wrappers with nothing active
        active.clear()
    elif unused:
        pipe.delete_adapters(unused)
        for name in unused:
            del active[name]
    for name, (path, sha, _strength) in wanted.items():
        if name not in active:
            _load_one(pipe, name, path, sha, model)
            active[name] = path
    if wanted:
        pipe.set_adapters(list(wanted), adapter_weights=[strength for _path, _sha, strength in wanted.values()])
    return []
