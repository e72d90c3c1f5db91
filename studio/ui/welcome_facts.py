"""What the welcome page says about this computer: the GPU, the engine and voice Storyreel will use, which video
models fit and how large their downloads are, and where projects, models and logs are kept.

Plain data gathered from the engine's model store and machine check (nvidia-smi, not an import of torch, so the
page opens at once); the page only lays it out.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from engine.machine_fit import GB, Machine, fit_for, measured_memory_gb, this_machine
from engine.model_catalog import stored_specs
from engine.model_registry import KNOWN_MODELS
from engine.model_store import ModelStore, component_names
from storyreel_resources import example_film

# The fit tiers of engine.machine_fit, in the words of a short table.
FIT_WORDS = {"gpu": "fits on the GPU", "model": "fits, with CPU offload", "group": "fits, with group offload (slow)",
             "cpu": "CPU only, very slow", "unknown": "size unknown"}


@dataclass(frozen=True)
class ModelFact:
    model_id: str
    title: str
    download: str  # "29 GB", or "—" when the size is not known
    fit: str  # in words (FIT_WORDS, or why it does not fit)
    tier: str  # engine.machine_fit's tier
    on_disk: bool


@dataclass(frozen=True)
class WelcomeFacts:
    gpu: str  # the GPU and its memory, or that none was found
    has_gpu: bool
    ram: str
    engine: str
    voice: str
    models: tuple[ModelFact, ...]
    projects_folder: Path
    models_folder: str
    log_folder: Path

    @property
    def fitting(self) -> tuple[ModelFact, ...]:
        return tuple(m for m in self.models if m.tier in ("gpu", "model", "group"))


def projects_home() -> Path:
    """Where the welcome page puts the example film's copy: ``Storyreel`` in the user's documents folder."""
    return Path(platformdirs.user_documents_dir()) / "Storyreel"


def gather(store: ModelStore, log_folder: Path, *, machine: Machine | None = None,
           elevenlabs_key: bool = False) -> WelcomeFacts:
    machine = machine or this_machine(import_torch=False)
    specs = list(KNOWN_MODELS.values()) + stored_specs(store)
    models = []
    for spec in specs:
        memory = spec.memory_gb
        snapshot = store.snapshot_folder(spec.id)
        if memory is None and snapshot is not None:
            memory = measured_memory_gb(snapshot, component_names(snapshot))
        fit = fit_for(memory, machine)
        words = FIT_WORDS.get(fit.tier) or ("needs a CUDA GPU" if machine.gpu_name is None else "needs a larger GPU")
        models.append(ModelFact(spec.id, spec.title or spec.id, f"{spec.download_gb:g} GB" if spec.download_gb else "—",
                                words, fit.tier, store.snapshot(spec.id) is not None))
    has_gpu = machine.gpu_name is not None
    gpu = f"{machine.gpu_name}, {machine.vram_bytes / GB:.0f} GB of memory" if has_gpu else "No NVIDIA GPU found"
    fitting = [m for m in models if m.tier in ("gpu", "model", "group")]
    if fitting:
        engine = ("The animatic engine, until you choose a video model: "
                  f"{len(fitting)} of the {len(models)} below fit this GPU once downloaded.")
    else:
        engine = ("The animatic engine: your stills, or story cards made from your prompts, animated with camera "
                  "moves. It needs no download; video models need a CUDA GPU.")
    voice = "The offline voice (espeak-ng), built in"
    voice += "; ElevenLabs voices too, your key is set." if elevenlabs_key else ". ElevenLabs is optional (Settings)."
    return WelcomeFacts(gpu=gpu, has_gpu=has_gpu, ram=f"{machine.ram_bytes / GB:.0f} GB RAM", engine=engine,
                        voice=voice, models=tuple(models), projects_folder=projects_home(),
                        models_folder=store.describe(), log_folder=log_folder)


def copy_example(folder: Path) -> Path:
    """The example film copied into ``folder`` (an existing copy is reused: it may hold the user's work)."""
    source = example_film()
    target = folder / source.name
    if not (target / "project.json").is_file():
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copytree(source, target, dirs_exist_ok=True)
    return target
