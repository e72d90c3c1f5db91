"""Story cards: real glyphs in any language (Chinese included), readable layout, seed-derived palette."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from engine.animatic import card_fonts
from engine.animatic.card_fonts import FONT_DIR, card_font_chain
from engine.animatic.font_cmap import codepoints
from engine.animatic.story_card import palette_for_seed, render_story_card
from engine.animatic.typesetting import Typesetter, pieces


def glyph_mask(face: card_fonts.FontFace, char: str, size: int = 48) -> np.ndarray:
    image = Image.new("L", (size * 2, size * 2), 0)
    ImageDraw.Draw(image).text((size // 2, size // 2), char, font=face.at(size), fill=255)
    return np.asarray(image)


def test_bundled_cjk_font_is_found_and_has_chinese_glyphs() -> None:
    assert (FONT_DIR / card_fonts.CJK_FILE).is_file() and (FONT_DIR / "OFL.txt").is_file()
    chain = card_font_chain("灯塔看守人")
    face = chain.face_for("灯")
    assert face is not None and face.path.name == card_fonts.CJK_FILE and face.index == card_fonts.CJK_FACES["zh-Hans"]
    assert face.has_glyph("灯") and face.has_glyph("塔") and not face.has_glyph("\U0010fffd")
    lamp, tower = glyph_mask(face, "灯"), glyph_mask(face, "塔")
    # Real, distinct glyphs: both inked, different from each other and from the font's missing-glyph box.
    notdef = glyph_mask(face, "\U0010fffd")
    assert lamp.sum() > 0 and tower.sum() > 0
    assert not np.array_equal(lamp, tower)
    assert not np.array_equal(lamp, notdef) and not np.array_equal(tower, notdef)


def test_latin_uses_the_latin_face_and_other_scripts_fall_back() -> None:
    chain = card_font_chain("Shot 3")
    assert chain.face_for("S").path.name == "NotoSans-Regular.ttf"
    assert chain.face_for("م").path.name == "NotoSansArabic-Regular.ttf"
    assert chain.face_for("क").path.name == "NotoSansDevanagari-Regular.ttf"
    runs = chain.runs("Wide 全景 shot")
    assert [face.path.name for face, _ in runs] == ["NotoSans-Regular.ttf", card_fonts.CJK_FILE, "NotoSans-Regular.ttf"]
    assert card_font_chain("東京のよる").face_for("東").index == card_fonts.CJK_FACES["ja"]
    assert card_font_chain("서울의 밤").face_for("서").index == card_fonts.CJK_FACES["ko"]


def test_a_character_no_font_has_is_left_out_not_boxed(caplog: pytest.LogCaptureFixture) -> None:
    chain = card_font_chain("x")
    with caplog.at_level(logging.WARNING):
        runs = chain.runs("a\U0010fffdb")
    assert "".join(text for _, text in runs) == "ab"
    assert chain.missing == {"\U0010fffd"}
    assert "no font has a glyph" in caplog.text


def test_without_bundled_fonts_it_falls_back_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    empty = tmp_path / "fonts"
    empty.mkdir()
    monkeypatch.setenv("STORYREEL_FONTS_DIR", str(empty))
    monkeypatch.setattr(card_fonts, "SYSTEM_FALLBACKS", ((str(FONT_DIR / "NotoSans-Regular.ttf"), 0),))
    card_fonts._chain_faces.cache_clear()
    try:
        with caplog.at_level(logging.WARNING):
            chain = card_font_chain("灯塔 lighthouse")
        assert "CJK font" in caplog.text
        runs = chain.runs("灯塔 lighthouse")
        assert "".join(t for _, t in runs) == " lighthouse" and chain.missing == {"灯", "塔"}
    finally:
        card_fonts._chain_faces.cache_clear()


def test_cmap_reader_agrees_with_freetype_on_a_sample() -> None:
    covered = codepoints(FONT_DIR / "NotoSans-Regular.ttf", 0)
    assert {ord(c) for c in "AZaz09éßЖΩ"} <= covered and ord("灯") not in covered


def test_chinese_card_renders_ink_and_differs_by_text() -> None:
    one = render_story_card("灯塔看守人在暴风雨中爬上螺旋楼梯", "镜头 3 · 全景", (320, 180), seed=1)
    two = render_story_card("夜晚的城市在雨中闪烁", "镜头 3 · 全景", (320, 180), seed=1)
    assert one.missing_glyphs == set() and two.missing_glyphs == set()
    alpha_one, alpha_two = one.foreground[:, :, 3], two.foreground[:, :, 3]
    assert (alpha_one > 200).sum() > 500  # a good amount of solid type
    assert not np.array_equal(alpha_one, alpha_two)
    assert np.array_equal(one.background, two.background)  # the backdrop is the seed's, not the text's


def test_palette_and_backdrop_follow_the_seed() -> None:
    assert palette_for_seed(4) == palette_for_seed(4)
    assert palette_for_seed(4) != palette_for_seed(5)
    a = render_story_card("x", "", (160, 90), seed=4).background
    b = render_story_card("x", "", (160, 90), seed=4).background
    c = render_story_card("x", "", (160, 90), seed=5).background
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_type_stays_inside_the_safe_area_and_long_prompts_are_cut() -> None:
    long_prompt = "The storm rolls in over the harbour and the lamp flickers. " * 40
    card = render_story_card(long_prompt, "Shot 9 · Wide", (320, 180), seed=2, margin=1.2)
    alpha = card.foreground[:, :, 3]
    h, w = alpha.shape
    frame_left, frame_top = (w - 320) // 2, (h - 180) // 2
    ys, xs = np.nonzero(alpha > 64)
    assert xs.min() >= frame_left + 320 * 0.05 and xs.max() <= frame_left + 320 * 0.95
    assert ys.min() >= frame_top + 180 * 0.05 and ys.max() <= frame_top + 180 * 0.95


def test_wrapping_breaks_words_at_spaces_and_cjk_between_characters() -> None:
    assert pieces("a lamp, lit") == ["a ", "lamp, ", "lit"]
    assert pieces("灯塔，夜") == ["灯", "塔，", "夜"]  # the comma never starts a line
    setter = Typesetter(card_font_chain("灯塔"), 20)
    lines = setter.wrap("灯塔看守人在暴风雨中爬上螺旋楼梯", 100)
    assert len(lines) > 1 and all(line.width <= 100 for line in lines)
    assert "".join(line.text for line in lines) == "灯塔看守人在暴风雨中爬上螺旋楼梯"
    latin = Typesetter(card_font_chain("x"), 20).wrap("the keeper climbs the stairs slowly", 120)
    assert all(not line.text.startswith(" ") and line.width <= 120 for line in latin)
