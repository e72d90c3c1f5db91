"""Build the bundled example project, resources/examples/the-lighthouse-keeper.storyreel, from scratch.

    .venv/bin/python tools/example_film/make_example.py [--out PATH]

The film is written here as data and saved through the real project API (so it validates like any project);
its reference stills are painted in code or graded from scikit-image's CC0 sample photos (example_stills.py),
and its score is synthesised (example_music.py). Everything is seeded: a rebuild gives the same document and
the same pixels. The bundle holds no takes and no narration audio: `make demo` generates those with the
embedded defaults (the animatic engine and the offline espeak voice).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from example_music import Cue, compose, write_aac
from example_stills import STILLS

from studio.project import store
from studio.project.model import (
    Card,
    Character,
    Keyframe,
    Line,
    Location,
    MusicClip,
    Project,
    Shot,
    Transition,
    Voice,
)

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "resources" / "examples" / "the-lighthouse-keeper.storyreel"
STILL_FOLDER = "media/stills"
MUSIC_MEDIA = "media/music/gull-rock-score.m4a"
STILL_BUDGET_BYTES = 400 * 1024
NEGATIVE = "text, watermark, logo, modern buildings, cars, oversaturated, deformed hands"


@dataclass(frozen=True)
class SpokenLine:
    text: str
    speaker: str | None = None  # a cast id; None = the narrator
    offset_frames: int = 0
    delivery: str = ""


@dataclass(frozen=True)
class ShotSpec:
    id: str
    scene: str
    prompt: str
    frames: int
    camera: str
    still: str | None  # a key of STILLS, or None for the engine's generated story card
    transition: tuple[str, int] = ("cut", 0)
    lines: tuple[SpokenLine, ...] = ()
    notes: str = ""
    sound: str = ""  # the shot's sound prompt (offline: the ambiences its words name)
    sound_db: float = -12.0
    cast: tuple[str, ...] = ()  # ids of the characters and locations in it


CAST = [
    Character(id="chr_narrator", name="Narrator", is_narrator=True,
              voice=Voice(provider="espeak", voice_id="en-gb", settings={"rate": 150, "pitch": 40}),
              notes="Unhurried, warm, a little worn; tells it like a story remembered."),
    Character(id="chr_keeper", name="Keeper", voice=Voice(provider="espeak", voice_id="en-gb+m3",
                                                         settings={"rate": 135, "pitch": 28}),
              notes="Tomas, seventy-odd, forty-one years on Gull Rock. Few words, all of them meant.",
              description="a lighthouse keeper in his seventies, grey beard, peaked cap, navy wool jumper",
              references=[f"{STILL_FOLDER}/lamp-room.jpg"]),
    Character(id="chr_daughter", name="Daughter", voice=Voice(provider="espeak", voice_id="en-us+f2",
                                                             settings={"rate": 155, "pitch": 55}),
              notes="Mara, forty. Has rehearsed this on the crossing; says it gently anyway.",
              description="a woman of forty in a yellow sailing jacket, dark hair tied back"),
    Character(id="chr_fog", name="Fog", voice=Voice(provider="espeak", voice_id="en-us"),
              notes="The keeper's cat; says nothing, sees everything.",
              description="a grey tabby cat with green eyes", references=[f"{STILL_FOLDER}/cat-by-the-stove.jpg"]),
]
LOCATIONS = [
    Location(id="loc_gull_rock", name="Gull Rock",
             description="a white lighthouse and the keeper's cottage on a black headland above the sea",
             references=[f"{STILL_FOLDER}/lighthouse-at-dusk.jpg"]),
    Location(id="loc_lamp_room", name="Lamp room",
             description="the lantern room at the top of the tower: a great brass-bound Fresnel lens",
             references=[f"{STILL_FOLDER}/lamp-room.jpg"]),
]

SHOTS = [
    ShotSpec(
        "shot_01_headland", "EXT. GULL ROCK - DUSK",
        "Extreme wide. A white lighthouse on a black headland at dusk, the last orange light on the horizon, its "
        "beam reaching out over a violet sea; one lit window in the keeper's cottage. Slow push in.",
        120, "push_in", "lighthouse-at-dusk", ("dip_to_black", 24),
        (SpokenLine("For forty-one years, Tomas kept the Gull Rock light.", offset_frames=12),),
        sound="wind on the headland, waves on the rocks below, distant gulls",
        cast=("loc_gull_rock",),
    ),
    ShotSpec(
        "shot_02_lens", "INT. LAMP ROOM - NIGHT",
        "Medium. The keeper, a silhouette in a peaked cap, polishes the great Fresnel lens; prism glass and brass "
        "glow around the lamp, dusk blue in the diamond panes behind. Slow orbit around the lens.",
        108, "orbit", "lamp-room",
        lines=(SpokenLine("Tonight he would light it for the last time.", offset_frames=6),),
        sound="the lamp room at night: the low hum of the lamp, wind at the glass", sound_db=-14.0,
        cast=("chr_keeper", "loc_lamp_room"),
    ),
    ShotSpec(
        "shot_03_last_cup", "INT. KEEPER'S KITCHEN - NIGHT",
        "Insert, top shot. A small red cup of black coffee on its saucer, a spoon beside it, on a scrubbed wooden "
        "table in warm lamplight. Locked off.",
        120, "static", "last-cup", ("crossfade", 12),
        (SpokenLine("One last cup. Tomorrow, a machine would keep the light.", offset_frames=6),),
        notes="Crossfade in: time passing, the lamp lit.",
        sound="a quiet kitchen at night, the tick of a clock, wind outside", sound_db=-16.0,
    ),
    ShotSpec(
        "shot_04_fog", "INT. KEEPER'S KITCHEN - NIGHT",
        "Close-up. Fog, the keeper's tabby cat, watches him from the chair by the stove, lamplight in her green "
        "eyes. Handheld, breathing.",
        96, "handheld", "cat-by-the-stove",
        lines=(SpokenLine("Just you and me tonight, Fog.", "chr_keeper", 12, "softly, scratching her ears"),),
        sound="a fire crackling in the stove, a quiet room", sound_db=-14.0,
        cast=("chr_fog", "chr_keeper"),
    ),
    ShotSpec(
        "shot_05_storm", "EXT. OPEN SEA - NIGHT",
        "Wide. The storm rolls in from the west: black cloud, driving rain, heavy swells breaking white; far off on "
        "its rock the light keeps sweeping. Slow pan left, against the wind.",
        120, "pan_left", "storm-at-sea",
        lines=(SpokenLine("Near midnight, the storm came in from the west.", offset_frames=12),),
        sound="storm at sea: driving rain, howling wind, heavy waves breaking", sound_db=-6.0,
        cast=("loc_gull_rock",),
    ),
    ShotSpec(
        "shot_06_window", "INT. LAMP ROOM - NIGHT",
        "Close. Rain beads and runs down the lantern glass; beyond it, out of focus, the beam passes through the "
        "storm. Warm lamplight on the window frame. Slow push in toward the glass.",
        96, "push_in", "rain-on-the-window",
        lines=(SpokenLine("Hold on, old girl. One more night.", "chr_keeper", 6, "to the lighthouse, under his breath"),),
        sound="rain on the window, the wind of the storm beyond", sound_db=-10.0,
        cast=("chr_keeper", "loc_lamp_room"),
    ),
    ShotSpec(
        "shot_07_stair", "INT. LIGHTHOUSE STAIRWELL - NIGHT",
        "Low angle. The keeper climbs the iron spiral stair with a storm lantern, his shadow wheeling up the "
        "whitewashed wall. Tilt up with him.",
        108, "tilt_up", None,
        lines=(SpokenLine("All night he climbed the stairs and kept the flame.", offset_frames=6),),
        notes="No reference still on purpose: the animatic shows its story card for this shot.",
        sound="wind moaning through the tower, rain outside",
        cast=("chr_keeper",),
    ),
    ShotSpec(
        "shot_08_dawn", "EXT. OPEN SEA - DAWN",
        "Wide. The storm has blown itself out; the sun clears the horizon over a flat, shining sea, and a small boat "
        "makes for the headland. Slow truck right.",
        120, "truck_right", "boat-at-dawn", ("crossfade", 12),
        (SpokenLine("By morning the sea lay still. A boat was coming.", offset_frames=6),),
        sound="a calm sea at dawn, gentle waves, gulls", sound_db=-14.0,
    ),
    ShotSpec(
        "shot_09_jetty", "EXT. LIGHTHOUSE JETTY - MORNING",
        "Medium. His daughter steps from the boat onto the wet stones and holds out her hand; he stands with the cat "
        "in the crook of his arm. Pan right from the boat to her.",
        96, "pan_right", None,
        lines=(SpokenLine("Dad. It's time to come home.", "chr_daughter", 12, "gently, holding out her hand"),),
        notes="No reference still on purpose: the animatic shows its story card for this shot.",
        sound="waves lapping at the jetty, gulls, a light breeze", sound_db=-14.0,
        cast=("chr_daughter", "chr_keeper", "chr_fog", "loc_gull_rock"),
    ),
    ShotSpec(
        "shot_10_wake", "EXT. OPEN SEA - MORNING",
        "Wide, from the stern of the boat. Our wake runs back across a bright sea to the headland; on the cliff the "
        "lighthouse turns on without him. Slow pull out.",
        120, "pull_out", "headland-in-the-morning", ("dip_to_black", 24),
        (SpokenLine("Behind them, the light kept turning without him.", offset_frames=12),),
        sound="a boat's wake on a bright sea, gulls, wind",
        cast=("loc_gull_rock",),
    ),
]

TITLE = Card(id="card_title", position="title", text="The Lighthouse Keeper", duration_frames=72)
CREDITS = Card(
    id="card_credits", position="credits", duration_frames=144,
    text="The Lighthouse Keeper\n\nA Storyreel example film\nStills painted in code; cat and coffee photographs "
         "from scikit-image (CC0)\nScore composed in code\n\nVoices\n{voices}",
)


MADE = "2026-12-02T00:00:00+00:00"  # the keyframes' date, fixed so a rebuild gives the same file


def build_project() -> Project:
    """The film as a validated Project (no media written yet; stills and music are named, not made)."""
    shots, lines = [], []
    for index, spec in enumerate(SHOTS):
        kind, frames = spec.transition
        still = f"{STILL_FOLDER}/{spec.still}.jpg" if spec.still else None
        keyframes = [Keyframe(id=f"key_{spec.id.removeprefix('shot_')}", media=still, created_at=MADE)] if still else []
        shots.append(Shot(
            id=spec.id, prompt=spec.prompt, negative_prompt=NEGATIVE, duration_frames=spec.frames, aspect="16:9",
            seed=1000 + index * 37, seed_locked=True, camera=spec.camera, scene=spec.scene, notes=spec.notes,
            keyframes=keyframes, reference=still, transition=Transition(kind=kind, duration_frames=frames),
            sound_prompt=spec.sound, sound_gain_db=spec.sound_db, cast=list(spec.cast),
        ))
        for n, spoken in enumerate(spec.lines):
            lines.append(Line(id=f"line_{index + 1:02d}_{n + 1}", text=spoken.text, speaker=spoken.speaker,
                              shot_id=spec.id, offset_frames=spoken.offset_frames, delivery=spoken.delivery))
    project = Project(
        id="prj_lighthouse_keeper", title="The Lighthouse Keeper", author="Storyreel", fps=24, width=1280, height=720,
        cast=CAST, locations=LOCATIONS, shots=shots, lines=lines, cards=[TITLE, CREDITS],
        metadata={"logline": "An old keeper's last night before the light is automated: a cat, a storm, and at "
                             "dawn his daughter comes by boat to take him home.",
                  "example": True},
    )
    project.music = [MusicClip(id="mus_score", media=MUSIC_MEDIA, start_frame=0, gain_db=-14.0, duck=True,
                               title="Gull Rock (score)")]
    return project


def score_cues(project: Project) -> Cue:
    """Music times on the shot timeline (the cut starts music clips at the first shot, after the title card)."""
    starts = project.shot_starts()
    film = project.total_frames() / project.fps
    credits = sum(c.duration_frames for c in project.cards if c.position == "credits") / project.fps
    return Cue(story=0.0, storm=starts["shot_05_storm"] / project.fps, dawn=starts["shot_08_dawn"] / project.fps,
               credits=film, end=film + credits + 3.0)


def save_still(image: np.ndarray, target: Path) -> int:
    """JPEG at quality 88, stepping down only as far as needed to stay within the size budget."""
    for quality in range(88, 74, -2):
        ok, data = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR),
                                [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_OPTIMIZE, 1])
        if ok and len(data) <= STILL_BUDGET_BYTES:
            break
    target.write_bytes(data.tobytes())
    return quality


def build(out: Path, *, log=print) -> Path:
    """Write the whole bundle to ``out`` (replacing an older build there only once the new one is complete)."""
    project = build_project()
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".example-build-") as tmp:
        bundle = store.create_bundle(Path(tmp) / out.name, project)
        stills = bundle / STILL_FOLDER
        stills.mkdir(parents=True, exist_ok=True)
        for spec in SHOTS:
            if spec.still is None:
                continue
            # Seed each still from its name so stills stay the same when others are added or reordered.
            rng = np.random.default_rng(zlib.crc32(spec.still.encode()))
            quality = save_still(STILLS[spec.still](rng), stills / f"{spec.still}.jpg")
            log(f"  still {spec.still}.jpg (quality {quality})")
        cue = score_cues(project)
        music = bundle / MUSIC_MEDIA
        music.parent.mkdir(parents=True, exist_ok=True)
        write_aac(compose(cue), music)
        log(f"  score {music.name}: {cue.end:.1f} s")
        for folder in (store.CACHE, store.BACKUPS):
            (bundle / folder / ".gitkeep").touch()  # git keeps no empty folders
        loaded, report = store.load(bundle)  # the bundle must open cleanly with nothing offline
        if report.offline:
            raise RuntimeError(f"example bundle is missing media: {report.offline}")
        if loaded.model_dump() != project.model_dump():
            raise RuntimeError("example bundle did not round-trip through store.load")
        if out.exists():
            shutil.rmtree(out)
        bundle.rename(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0].strip(),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="bundle folder to (re)build")
    args = parser.parse_args(argv)
    print(f"Building {args.out}")
    path = build(args.out)
    project, _ = store.load(path)
    print(f"Done: {len(project.shots)} shots, {project.total_frames() / project.fps:.1f} s of shots at {project.fps} fps")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
