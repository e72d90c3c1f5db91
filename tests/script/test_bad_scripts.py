"""Files that are not usable screenplays: a clear ScriptError, and project.json not touched by a single byte."""

from __future__ import annotations

import codecs
import re

import pytest

from studio.project import ProjectDocument, StoryreelError
from studio.script import MAX_SCRIPT_BYTES, ScriptError, import_fountain

SCREENPLAY = "INT. KITCHEN - DAY\n\nSteam rises from a kettle.\n\nANA\nTea?\n"


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"),
    (b"  \n\n\t \n", "empty"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    (b"INT. HOUSE\x00\x00\x01\x02 - DAY", "binary file"),
    (b"INT. CAF\xc9 - DAY\n\nA waiter.\n", "not valid UTF-8 text (byte 0xC9 at offset 8"),
    (b"It was a dark and stormy night. The rain fell in torrents.\n\nA novel, not a screenplay.\n",
     "does not look like a Fountain screenplay"),
    (b'<?xml version="1.0"?>\n<FinalDraft DocumentType="Script"></FinalDraft>\n', "does not look like"),
])
def test_bad_scripts_are_rejected_cleanly(document: ProjectDocument, script_file, content: bytes, message: str) -> None:  # type: ignore[no-untyped-def]
    before = (document.bundle / "project.json").read_bytes()
    with pytest.raises(ScriptError, match=re.escape(message)) as caught:
        import_fountain(document, script_file(content))
    assert isinstance(caught.value, StoryreelError) and "\n" not in str(caught.value)
    assert (document.bundle / "project.json").read_bytes() == before
    assert document.project.shots == [] and not document.can_undo


def test_huge_file_is_refused_before_reading(document: ProjectDocument, script_file) -> None:  # type: ignore[no-untyped-def]
    before = (document.bundle / "project.json").read_bytes()
    path = script_file(b"")
    with path.open("wb") as handle:
        handle.truncate(MAX_SCRIPT_BYTES + 1)  # sparse: big on paper, cheap on disk
    with pytest.raises(ScriptError, match="MiB"):
        import_fountain(document, path)
    assert (document.bundle / "project.json").read_bytes() == before


def test_missing_file_and_bad_mode(document: ProjectDocument, script_file, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ScriptError, match="not found"):
        import_fountain(document, tmp_path / "nope.fountain")
    with pytest.raises(ScriptError, match="one of scene, paragraph, sentences"):
        import_fountain(document, script_file(SCREENPLAY), shots_per="frames")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_byte_order_marks_are_honoured(document: ProjectDocument, script_file, encoding: str) -> None:  # type: ignore[no-untyped-def]
    data = SCREENPLAY.replace("Tea?", "Tea? 茶？").encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    summary = import_fountain(document, script_file(data))
    assert (summary.shots, summary.lines) == (1, 1)
    assert document.project.lines[0].text == "Tea? 茶？"
    assert document.project.shots[0].prompt == "Interior, kitchen, day. Steam rises from a kettle."
