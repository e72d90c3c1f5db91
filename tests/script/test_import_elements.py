"""Every Fountain element a writer uses, imported into a project: counts, prompts, lines, cast, joins, cards."""

from __future__ import annotations

import re
from pathlib import Path

from studio.project import ProjectDocument
from studio.script import import_fountain

FULL = """\
Title: **Night** _Watch_
Author: Ada Lovelace
Draft date: 1 May

FADE IN:

# Act One

= The keeper's last night.

>NIGHT WATCH<

INT. LAMP ROOM - NIGHT #1#
= a synopsis right under the heading

The *old* keeper **winds** the _clock_. [[fix this later]]

/* BOB
A boneyard line that was cut.
*/

BOB (V.O.)
(quietly)
Hello *there*.
(beat)
Goodbye.

ALICE
Hi.

CAROL ^
Yo.

@bob  (CONT'D)
Again.

DISSOLVE TO:

.THE SEA

MEI
你好，世界。今天风很大。

> SMASH CUT TO:

EXT. BEACH - DAWN

Gulls wheel over the sand.

[[A note
spanning

paragraphs]]

NARRATOR
It was over.

>TWO YEARS LATER<

EXT. BEACH - DAY

The tide is out.

FADE OUT.

>THE END<
"""

FORBIDDEN = ("fix this later", "boneyard", "synopsis", "Act One", "A note", "spanning", "keeper's last night",
             "*", "_", "[[", "]]", "/*", "#")


def _import(document: ProjectDocument, script_file, text: str, **options) -> object:  # type: ignore[no-untyped-def]
    return import_fountain(document, script_file(text), **options)


def test_every_element_maps_to_the_project(document: ProjectDocument, script_file) -> None:  # type: ignore[no-untyped-def]
    saved = (document.bundle / "project.json").read_bytes()
    summary = _import(document, script_file, FULL)
    assert (document.bundle / "project.json").read_bytes() == saved  # importing never saves behind the user
    document.save()
    project = ProjectDocument.open(document.bundle)[0].project  # what was saved
    assert (summary.scenes, summary.shots, summary.lines, summary.cards) == (4, 5, 7, 2)
    assert len(project.shots) == 5 and len(project.lines) == 7 and len(project.cast) == 5
    assert project.title == "Night Watch" and project.author == "Ada Lovelace"
    assert project.metadata["title_page"]["Draft date"] == "1 May"

    prompts = [s.prompt for s in project.shots]
    assert prompts == [
        "Interior, lamp room, night. The old keeper winds the clock.",
        "The sea.",
        "Exterior, beach, dawn. Gulls wheel over the sand.",
        'Title card: the words "TWO YEARS LATER" in white letters, centred on black.',
        "Exterior, beach, day. The tide is out.",
    ]
    assert [s.scene for s in project.shots] == [
        "INT. LAMP ROOM - NIGHT", "THE SEA", "EXT. BEACH - DAWN", "EXT. BEACH - DAWN", "EXT. BEACH - DAY"]

    # Joins: FADE IN above the title card still opens the film; DISSOLVE and SMASH CUT join the next shots.
    joins = [(s.transition.kind, s.transition.duration_frames) for s in project.shots]
    assert joins == [("dip_to_black", 24), ("crossfade", 12), ("cut", 0), ("cut", 0), ("cut", 0)]
    assert project.metadata["script_import"]["ending"] == "FADE OUT."
    assert [(c.position, c.text) for c in project.cards] == [("title", "NIGHT WATCH"), ("credits", "THE END")]

    names = {c.id: c.name for c in project.cast}
    assert sorted(names.values()) == ["Alice", "Bob", "Carol", "Mei", "Narrator"]
    narrator = project.narrator()
    assert narrator is not None and narrator.name == "Narrator"
    voices = [c.voice.voice_id for c in project.cast]
    assert len(set(voices)) == 5 and all(c.voice.provider == "espeak" for c in project.cast)
    assert next(c for c in project.cast if c.name == "Mei").voice.voice_id.startswith("cmn+")

    first = project.shots[0]
    spoken = [(names.get(line.speaker, "Narrator"), line.text, line.delivery) for line in project.lines_for_shot(first.id)]
    assert spoken == [
        ("Bob", "Hello there.", "voice-over; quietly"),
        ("Bob", "Goodbye.", "voice-over; beat"),
        ("Alice", "Hi.", ""),
        ("Carol", "Yo.", ""),  # dual dialogue: same shot, after Alice
        ("Bob", "Again.", ""),  # '@bob  (CONT'D)' is the same Bob
    ]
    offsets = [line.offset_frames for line in project.lines_for_shot(first.id)]
    assert offsets == sorted(offsets) and len(set(offsets)) == 5 and offsets[0] > 0
    assert offsets[-1] < first.duration_frames

    sea_lines = project.lines_for_shot(project.shots[1].id)
    assert [line.text for line in sea_lines] == ["你好，世界。今天风很大。"]
    beach_lines = project.lines_for_shot(project.shots[2].id)
    assert [(line.text, line.speaker) for line in beach_lines] == [("It was over.", None)]

    for text in [*prompts, *(line.text for line in project.lines), *(line.delivery for line in project.lines)]:
        for bad in FORBIDDEN:
            assert bad not in text, (bad, text)


def test_durations_follow_words_and_stay_in_bounds(document: ProjectDocument, script_file) -> None:  # type: ignore[no-untyped-def]
    long_speech = " ".join(["The light has to turn every night, whatever the weather says."] * 2)
    text = f"""INT. ROOM - DAY

A cup.

BOB
{long_speech}

EXT. CLIFF - NIGHT

{" ".join(["Rain lashes the cliff while waves climb the rocks below."] * 5)}
"""
    import_fountain(document, script_file(text))
    fps = document.project.fps
    cup, cliff, *_ = document.project.shots
    words = len(long_speech.split())
    # 22 words at 2.6 words/s plus lead-in and tail: longer than the two-word action would need.
    assert cup.duration_frames >= round((words / 2.6 + 0.25 + 0.6) * fps) - 1
    assert 2 * fps <= cup.duration_frames <= 12 * fps
    # 50 words of action: split into sentence groups (a 60-word paragraph would be), each within 2-12 s.
    assert all(2 * fps <= s.duration_frames <= 12 * fps for s in document.project.shots)


def test_shots_per_modes(document: ProjectDocument, script_file, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = """INT. HALL - NIGHT

One. Two. Three. Four. Five long sentences are here now.

ANA
Hello.

A door slams shut behind her.

EXT. YARD - DAY

Dogs bark.
"""
    counts = {}
    for mode in ("scene", "paragraph", "sentences"):
        doc = ProjectDocument.create(tmp_path / mode, None)
        summary = import_fountain(doc, script_file(text), shots_per=mode)
        counts[mode] = (summary.scenes, summary.shots, summary.lines, len(doc.project.cast))
        if mode == "scene":
            assert doc.project.shots[0].prompt == (
                "Interior, hall, night. One. Two. Three. Four. Five long sentences are here now. A door slams shut behind her.")
    assert counts == {"scene": (2, 2, 1, 1), "paragraph": (2, 3, 1, 1), "sentences": (2, 5, 1, 1)}


def test_long_conversation_gets_coverage_shots(document: ProjectDocument, script_file) -> None:  # type: ignore[no-untyped-def]
    exchange = "\n\n".join(
        f"{who}\nThis is line number {n} of a conversation that goes on for quite a while, as they do."
        for n, who in enumerate(["ANA", "BEN"] * 4))
    summary = import_fountain(document, script_file(f"INT. KITCHEN - NIGHT\n\nAna and Ben at the table.\n\n{exchange}\n"))
    project = document.project
    assert summary.lines == 8 and summary.shots > 1
    assert project.shots[1].prompt.startswith("Interior, kitchen, night. Close on ")
    for shot in project.shots:  # no shot is asked to hold more talk than fits in 12 s
        assert shot.duration_frames <= 12 * project.fps
        assert all(line.offset_frames < shot.duration_frames for line in project.lines_for_shot(shot.id))


def test_example_screenplay(document: ProjectDocument) -> None:
    script = Path(__file__).parents[2] / "resources/examples/scripts/the-lighthouse-keeper.fountain"
    summary = import_fountain(document, script)
    project = document.project
    assert (summary.scenes, summary.shots, summary.lines, summary.cards) == (3, 9, 9, 1)
    assert sorted(c.name for c in project.cast) == ["Mara", "Narrator", "Tomas"]
    assert project.title == "The Lighthouse Keeper"
    assert project.shots[0].prompt.startswith("Interior, lighthouse lamp room, night. The great lens turns")
    mara = project.character_by_name("mara")
    assert mara is not None and re.search(r"\+f\d$", mara.voice.voice_id)
    assert not any("grey tabby" in s.prompt for s in project.shots)  # the note stays out of the prompt


def test_engine_frame_constraints_snap_durations(document: ProjectDocument, script_file) -> None:  # type: ignore[no-untyped-def]
    from engine.model_registry import constraints_for

    document.project.engine.backend = "diffusers"
    document.project.engine.model_id = "Lightricks/LTX-Video"
    import_fountain(document, script_file("INT. A - DAY\n\nA cat sleeps.\n\nBOB\nHi there, cat.\n\nEXT. B - NIGHT\n\n"
                                          "Rain falls on a long road that winds over hills toward the sea.\n"))
    constraints = constraints_for("diffusers", "Lightricks/LTX-Video")
    for shot in document.project.shots:  # LTX: 8k+1 frames at its native 24 fps == the project's rate
        assert (shot.duration_frames - 1) % 8 == 0
        assert constraints.snap_frames(shot.duration_frames) == shot.duration_frames
