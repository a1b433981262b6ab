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
