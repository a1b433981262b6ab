"""Sound on the dummy audio driver: everything plays without a device, and mute silences it."""

from __future__ import annotations

import pygame

from game.ui.audio import Audio


def test_sounds_play_and_mute():
    audio = Audio(volume=0.5)
    try:
        for name in ("beep", "go", "thud", "blip", "lap"):
            audio.play(name)
        for speed in (0.0, 20.0, 60.0, 95.0):
            audio.engine(speed, 1.0)
        audio.squeal(0.8)
        audio.squeal(0.0)
        audio.set_muted(True)
        audio.play("beep")
        audio.engine(30.0, 1.0)
        audio.stop_loops()
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
