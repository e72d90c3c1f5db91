"""The preview monitor: frames of the right take on screen, transport keys, in/out marks as commands."""

from __future__ import annotations

import numpy as np
import pytest
import timeline_fixtures as fixtures  # tests/support, on the test path
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from studio.ui.audio_playback import has_audio_output
from studio.ui.preview_player import PreviewPlayer
from studio.ui.session import ProjectSession


@pytest.fixture
def session(tmp_path):
    return ProjectSession(fixtures.make_document(tmp_path, shots=3, take_frames=48))


def make_player(qtbot, session, **options) -> PreviewPlayer:
    player = PreviewPlayer(session, **options)
    qtbot.addWidget(player)
    player.resize(480, 360)
    player.show()
    qtbot.waitExposed(player)
    return player


def centre_colour(player: PreviewPlayer):
    image = player.screen_view.grab().toImage()
    return image.pixelColor(image.width() // 2, image.height() * 2 // 3)


def close_to(colour, rgb, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip((colour.red(), colour.green(), colour.blue()), rgb,
                                                        strict=True))


def test_fallback_shows_frames_of_the_take(qtbot, session):
    player = make_player(qtbot, session, use_multimedia=False)
    assert player.is_fallback and player.notice.isVisible()
    shot = session.project.shots[2]
    player.play_take(shot.id, shot.active_take)
    player.pause()
    assert player.mode == "take" and player.position == 0
    assert close_to(centre_colour(player), fixtures.COLOURS[2])
    assert "00:00:00:00" in player.timecode.text()


def test_without_a_screen_the_preview_draws_frames_and_says_why(qtbot, session):
    # Offscreen (headless runs, this tier), a video item draws nothing: the preview must not start a media player.
    player = make_player(qtbot, session)
    assert player.media is None and player.is_fallback
    assert "no screen" in player.notice.text() and player.notice.isVisible()
    shot = session.project.shots[1]
    player.play_take(shot.id, shot.active_take)
    player.pause()
    assert close_to(centre_colour(player), fixtures.COLOURS[1])  # the picture is there all the same


def test_cut_preview_follows_the_playhead_and_switches_shots(qtbot, session):
    player = make_player(qtbot, session, use_multimedia=False)
    session.set_playhead(60)  # inside shot 2 (48..96)
    assert player.mode == "cut" and player.position == 60
    assert close_to(centre_colour(player), fixtures.COLOURS[1])
    player.step(40)
    assert player.position == 100 and session.playhead() == 100
    assert close_to(centre_colour(player), fixtures.COLOURS[2])


def test_transport_keys(qtbot, session):
    player = make_player(qtbot, session, use_multimedia=False)
    player.setFocus()
    QTest.keyClick(player, Qt.Key.Key_Right)
    QTest.keyClick(player, Qt.Key.Key_Right)
    assert player.position == 2 and player.speed == 0
    QTest.keyClick(player, Qt.Key.Key_Left)
    assert player.position == 1
    QTest.keyClick(player, Qt.Key.Key_L)
    assert player.speed == 1
    QTest.keyClick(player, Qt.Key.Key_L)
    assert player.speed == 2
    qtbot.waitUntil(lambda: player.position > 8, timeout=5000)
    QTest.keyClick(player, Qt.Key.Key_K)
    assert player.speed == 0
    stopped = player.position
    QTest.keyClick(player, Qt.Key.Key_J)
    assert player.speed == -1
    qtbot.waitUntil(lambda: player.position < stopped, timeout=5000)
    QTest.keyClick(player, Qt.Key.Key_Space)
    assert player.speed == 0
    QTest.keyClick(player, Qt.Key.Key_Space)
    assert player.speed == 1
    player.pause()


def test_play_take_runs_to_its_out_mark_and_stops(qtbot, session):
    player = make_player(qtbot, session, use_multimedia=False)
    shot = session.project.shots[0]
    player.play_take(shot.id, shot.active_take)
    assert player.speed == 1
    qtbot.waitUntil(lambda: player.speed == 0, timeout=8000)
    assert player.position == 47


def test_in_out_marks_trim_the_take(qtbot, session):
    player = make_player(qtbot, session, use_multimedia=False)
    shot = session.project.shots[0]
    player.play_take(shot.id, shot.active_take)
    player.pause()
    player.seek(6)
    player.setFocus()
    QTest.keyClick(player, Qt.Key.Key_I)
    player.step(24)
    QTest.keyClick(player, Qt.Key.Key_O)
    take = shot.active()
    assert (take.trim_in, take.trim_out) == (6, 31)
    assert shot.duration_frames == 25  # the shot follows its active take's marks
    assert session.undo_stack.count() == 2
    session.undo_stack.undo()
    assert take.trim_out is None and shot.duration_frames == 42


@pytest.mark.playback
def test_multimedia_backend_plays_the_take_in_a_video_item(qtbot, session):
    player = make_player(qtbot, session)
    assert not player.is_fallback, f"playback tests need Qt's multimedia backend: {player.fallback_reason}"
    shot = session.project.shots[1]
    player.play_take(shot.id, shot.active_take)
    assert not player.is_fallback, f"Qt's multimedia backend refused the take: {player.fallback_reason}"
    qtbot.waitUntil(lambda: player.position >= 6, timeout=5000)
    assert player.media.video_item.isVisible() and not player.pixmap_item.isVisible()
    qtbot.waitUntil(lambda: close_to(centre_colour(player), fixtures.COLOURS[1]), timeout=5000)
    player.pause()
    assert player.speed == 0


@pytest.mark.playback
def test_multimedia_cut_switches_source_at_the_shot_boundary(qtbot, session):
    player = make_player(qtbot, session)
    assert not player.is_fallback, f"playback tests need Qt's multimedia backend: {player.fallback_reason}"
    second = session.project.shots[1]
    line = session.project.lines[0]  # narration at shot 1 + 6 frames
    player.play_cut_from(0)
    qtbot.waitUntil(lambda: player.position >= 10, timeout=8000)
    assert line.id in player.voices.started
    if has_audio_output():  # `make test` gives these tests a sound server with a null sink
        [(voice_player, _)] = player.voices.players
        assert voice_player.source().toLocalFile() == str(session.media_path(line.active().media))
    else:  # no sound device: the cut plays silent rather than start players that can hang on stop
        assert player.voices.players == []
    player.pause()
    assert not player.voices.players  # pausing stops the narration with the picture
    player.play_cut_from(40)
    assert player.mode == "cut"
    qtbot.waitUntil(lambda: player.position >= 54, timeout=8000)
    assert player.media.source == session.media_path(second.active().media)
    assert session.playhead() == player.position  # the timeline's playhead follows the cut
    qtbot.waitUntil(lambda: close_to(centre_colour(player), fixtures.COLOURS[1]), timeout=5000)
    player.pause()


def test_following_the_playhead_never_moves_it(qtbot, session):
    from studio.project.commands import edit_shot

    player = make_player(qtbot, session, use_multimedia=False)
    moves = []
    session.playheadChanged.connect(moves.append)
    # An edit (reload pending) then a playhead move: the preview shows it and leaves the playhead alone.
    session.push(edit_shot(session.project.shots[0].id, duration_frames=24))
    session.set_playhead(30)
    assert moves == [30] and session.playhead() == 30
    assert player.position == 30 and close_to(centre_colour(player), fixtures.COLOURS[1])


def test_cut_preview_plays_the_film_with_its_cards_on_the_exports_frames(qtbot, tmp_path):
    from studio.timeline.film_frames import story_card_image, title_card_image

    session = ProjectSession(fixtures.make_document(tmp_path, shots=2, take_frames=48,
                                                    cards=fixtures.TITLE_AND_CREDITS))
    player = make_player(qtbot, session, use_multimedia=False)
    assert player.length == 24 + 96 + 24
    session.set_playhead(12)  # the title card, faded up (its fade is 6 frames)
    shown = fixtures.qimage_rgb(player.current_image)
    assert np.array_equal(shown, title_card_image("The Keeper", 160, 90))
    assert shown.max() > 200 and np.median(shown) < 10  # white type on black
    session.set_playhead(0)
    assert fixtures.qimage_rgb(player.current_image).max() == 0  # the first frame fades up from black
    session.set_playhead(24 + 10)
    assert close_to(centre_colour(player), fixtures.COLOURS[0])
    session.set_playhead(24 + 96 + 12)
    assert np.array_equal(fixtures.qimage_rgb(player.current_image), title_card_image("The End", 160, 90))
    # A shot without a take shows its story card, drawn by the animatic engine's card painter.
    from studio.project.commands import AddShot
    from studio.project.model import Shot

    session.push(AddShot(Shot(prompt="A gull over the harbour", duration_frames=24, seed=7), index=2))
    session.set_playhead(24 + 96 + 5)
    label = f"SHOT 3 · {session.project.shots[2].camera.replace('_', ' ').upper()}"
    assert np.array_equal(fixtures.qimage_rgb(player.current_image),
                          story_card_image("A gull over the harbour", label, 7, 160, 90))
    assert player.length == 24 + 96 + 24 + 24


@pytest.mark.playback
def test_multimedia_preview_draws_the_title_card_then_plays_the_take(qtbot, tmp_path):
    session = ProjectSession(fixtures.make_document(tmp_path, shots=2, take_frames=48,
                                                    cards=fixtures.TITLE_AND_CREDITS[:1]))
    player = make_player(qtbot, session)
    assert not player.is_fallback, f"playback tests need Qt's multimedia backend: {player.fallback_reason}"
    player.play_cut_from(6)
    assert player.pixmap_item.isVisible() and not player.media.video_item.isVisible()  # the card is drawn
    qtbot.waitUntil(lambda: player.position >= 24 + 8, timeout=8000)
    assert player.media.source == session.media_path(session.project.shots[0].active().media)
    qtbot.waitUntil(lambda: player.media.video_item.isVisible(), timeout=5000)
    assert session.playhead() == player.position
    player.pause()


@pytest.mark.playback
def test_the_cut_plays_each_shots_sound_at_its_level(qtbot, tmp_path):
    from studio.project.model import SoundTake

    document = fixtures.make_document(tmp_path, shots=2, take_frames=48)
    second = document.project.shots[1]
    samples = fixtures.write_sine_wav(document.bundle / "media/sounds/sea.wav", 2.0)
    sound = SoundTake(media="media/sounds/sea.wav", sample_rate=22050, duration_samples=samples, prompt="sea")
    second.sound_takes.append(sound)
    second.active_sound_take, second.sound_gain_db = sound.id, -6.0
    document.save()
    session = ProjectSession(document)
    player = make_player(qtbot, session)
    assert not player.is_fallback, f"playback tests need Qt's multimedia backend: {player.fallback_reason}"
    player.play_cut_from(40)
    qtbot.waitUntil(lambda: player.position >= 52, timeout=8000)  # into shot 2 (48..96)
    assert f"sound:{second.id}" in player.voices.started
    sources = {p.source().toLocalFile(): out.volume() for p, out in player.voices.players}
    if has_audio_output():
        assert abs(sources[str(session.media_path(sound.media))] - 10 ** (-6 / 20)) < 0.01
    else:
        assert sources == {}
    player.pause()
    assert not player.voices.players  # pausing silences the sound too
