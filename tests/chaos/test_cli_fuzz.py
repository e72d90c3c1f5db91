"""Hypothesis over CLI arguments: random commands with hostile values never crash and never break the project.

Every run exits 0 or 2 (one line on stderr for 2, never a traceback), and the project opens after each one.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.project import store

hostile_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "\x1b[2J", "\u202e", "a\x00b", "\ud800", "x" * 10_001, "y" * 5_001, "-", "--prompt"]),
)
numbers = st.one_of(st.sampled_from(["0", "-1", "nan", "inf", "-inf", "1e309", "601", "600", "0.0001", "4", "1e-9",
                                     "", "2.5s", "0x10"]), st.floats(allow_nan=True).map(str))
integers = st.one_of(st.integers(-(2**70), 2**70).map(str), st.sampled_from(["", "1.5", "seven", "99999999999"]))
cameras = st.one_of(st.sampled_from(["static", "orbit", "zoom", ""]), hostile_text)
aspects = st.sampled_from(["16:9", "1:0", "0:0", "100:1", "a:b", "", "2.39:1"])


@st.composite
def commands(draw: st.DrawFn, bundle: Path, shot_ids: list[str], tmp: Path) -> list[str]:
    shot = draw(st.sampled_from([*shot_ids, "shot_missing", "1", "", "\x1b"]))
    b = str(bundle)
    kind = draw(st.sampled_from(["add", "edit", "rm", "move", "line", "read", "export", "new", "garbage"]))
    if kind == "add":
        extra = draw(st.lists(st.sampled_from([
            ["--duration", draw(numbers)], ["--camera", draw(cameras)], ["--seed", draw(integers)],
            ["--aspect", draw(aspects)], ["--notes", draw(hostile_text)], ["--negative", draw(hostile_text)]]),
            max_size=3))
        return ["shot", "add", b, "--prompt", draw(hostile_text), *sum(extra, [])]
    if kind == "edit":
        option = draw(st.sampled_from([["--prompt", draw(hostile_text)], ["--duration", draw(numbers)],
                                       ["--seed", draw(integers)], ["--camera", draw(cameras)], []]))
        return ["shot", "edit", b, shot, *option]
    if kind == "rm":
        return ["shot", "rm", b, shot]
    if kind == "move":
        return ["shot", "move", b, shot, draw(integers)]
    if kind == "line":
        speaker = draw(st.sampled_from([[], ["--speaker", draw(hostile_text)]]))
        return ["line", "add", b, shot, "--text", draw(hostile_text), "--offset", draw(numbers), *speaker]
    if kind == "read":
        return draw(st.sampled_from([["info", b], ["info", b, "--json"], ["shot", "list", b], ["shot", "list", b, "--json"]]))
    if kind == "export":
        out = draw(st.sampled_from([str(tmp / "cut.srt"), str(bundle / "project.json"), str(bundle / "media" / "x.edl"),
                                    str(bundle), str(tmp / "missing" / "x.otio"), "", str(bundle / "backups")]))
        return ["export", b, "--format", draw(st.sampled_from(["srt", "vtt", "otio", "edl", "pdf"])), "-o", out]
    if kind == "new":
        return ["new", draw(st.sampled_from([str(tmp / "other"), str(bundle), str(bundle / "project.json" / "x"), "",
                                             str(tmp / ("n" * 300))])), "--fps", draw(integers)]
    return draw(st.lists(hostile_text, max_size=5))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_commands_exit_0_or_2_and_the_project_always_opens(cli, data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        assert cli("new", str(tmp / "film"), "--size", "160x90").returncode == 0
        bundle = tmp / "film.storyreel"
        first = cli("shot", "add", str(bundle), "--prompt", "a lamp").stdout.strip()
        for _ in range(data.draw(st.integers(1, 6))):
            args = data.draw(commands(bundle, [first], tmp))
            result = cli(*args, cwd=tmp)
            assert result.returncode in (0, 2), (args, result.stderr[-2000:])
            if result.returncode == 2:
                assert result.stderr.count("\n") <= 1 or result.stderr.startswith("usage:"), (args, result.stderr)
                assert "Traceback" not in result.stderr
            store.load(bundle)  # whatever happened, the project still opens
