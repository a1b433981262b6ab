"""Sound on the dummy audio driver: everything plays without a device, and mute silences it."""

from __future__ import annotations

import pygame

from game.ui.audio import Audio


def test_sounds_play_and_mute():
    audio = Audio(volume=0.5)
    try:
        assert audio.available  # the dummy audio driver plays (silently) like a real device
        for name in ("beep", "go", "thud", "blip", "lap"):
            pygame.mixer.stop()
            audio.play(name)
            assert pygame.mixer.get_busy(), name
        audio.engine(40.0, 1.0)
        audio.squeal(0.8)
        assert pygame.mixer.get_busy()
        audio.stop_loops()
        pygame.mixer.stop()
        audio.set_muted(True)
        audio.play("beep")
        audio.engine(30.0, 1.0)
        audio.squeal(0.8)
        assert not pygame.mixer.get_busy()  # muted: nothing plays
        audio.set_muted(False)
        audio.engine(30.0, 1.0)
        assert pygame.mixer.get_busy()
        audio.stop_loops()
        assert not pygame.mixer.get_busy()  # the engine and squeal loops stop with the race
    finally:
        pygame.mixer.quit()


def test_no_audio_device_is_silent_not_fatal(monkeypatch):
    def fail(*args, **kwargs):
        raise pygame.error("no audio device")

    monkeypatch.setattr(pygame.mixer, "get_init", lambda: None)
    monkeypatch.setattr(pygame.mixer, "init", fail)
    audio = Audio()
    assert not audio.available
    audio.play("thud")
    audio.engine(50.0, 1.0)
    audio.squeal(1.0)
    audio.stop_loops()


def test_engine_note_is_continuous_in_pitch_and_phase():
    import numpy as np

    from game.ui.engine_note import ENGINE_HIGH, ENGINE_LOW, EngineNote, engine_frequency

    revs = np.linspace(0.0, 1.0, 101)
    pitches = [engine_frequency(r) for r in revs]
    assert pitches[0] == ENGINE_LOW and pitches[-1] == ENGINE_HIGH and np.all(np.diff(pitches) > 0)
    assert max(np.diff(pitches)) < 3.0  # no steps: a hundredth of the revs moves the pitch by under 3 Hz

    pieces, whole = EngineNote(22050), EngineNote(22050)
    pieces.frequency = whole.frequency = 100.0
    joined = np.concatenate([pieces.chunk(100.0, 0.04) for _ in range(5)])
    assert np.mean(np.isclose(joined, whole.chunk(100.0, 0.2), atol=1e-6)) > 0.99  # pieces join without a click
    glide = EngineNote(22050)
    glide.frequency = 60.0
    glide.chunk(120.0, 0.04)
    assert glide.frequency == 120.0
