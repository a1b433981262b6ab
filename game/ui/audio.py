"""Retro sound made with numpy at start-up: engine note, tyre squeal, countdown beeps, contact thud, menu blips.

No sound files: every sound is synthesised into pygame's sound arrays. The engine note is made as it plays
(:mod:`game.ui.engine_note`): short pieces queued one behind the other, each gliding in pitch to follow the car's
revs, so the pitch is continuous. Without an audio device (or with SDL_AUDIODRIVER=dummy) the game runs silent:
every method is then a no-op.
"""

from __future__ import annotations

import math

import numpy as np
import pygame

from game.ui.engine_note import EngineNote, engine_frequency

TOP_SPEED = 90.0  # [m/s] where the engine note is at its highest
ENGINE_VOLUME = 0.32
SQUEAL_VOLUME = 0.35


class Audio:
    """The game's sound; safe to use when there is no audio device."""

    def __init__(self, volume: float = 0.7, muted: bool = False) -> None:
        self.volume = volume
        self.muted = muted
        self.available = False
        self.rate = 22050
        self._sounds: dict[str, pygame.mixer.Sound] = {}
        self._note: EngineNote | None = None
        self._squeal_on = False
        try:
            if not pygame.mixer.get_init():
                pygame.mixer.init(frequency=22050, size=-16, channels=2, buffer=512)
            init = pygame.mixer.get_init()
            if init is None:
                return
            self.rate, _, self.channels = init
            pygame.mixer.set_num_channels(16)
            pygame.mixer.set_reserved(2)
            self._engine_channel = pygame.mixer.Channel(0)
            self._squeal_channel = pygame.mixer.Channel(1)
            self.available = True
        except (pygame.error, NotImplementedError, ImportError):
            self.available = False

    # -- synthesis ---------------------------------------------------------------------------------------------
    def _make(self, wave: np.ndarray) -> pygame.mixer.Sound:
        samples = np.clip(wave, -1.0, 1.0) * 32000.0
        data = np.repeat(samples.astype(np.int16)[:, None], self.channels, axis=1)
        return pygame.sndarray.make_sound(np.ascontiguousarray(data))

    def _time(self, seconds: float) -> np.ndarray:
        return np.arange(int(self.rate * seconds)) / self.rate

    def _build(self) -> None:
        if self._sounds or not self.available:
            return
        rng = np.random.default_rng(3)
        self._note = EngineNote(self.rate)
        t = self._time(0.5)
        squeal = np.sign(np.sin(2.0 * np.pi * 1180.0 * t + 3.0 * np.sin(2.0 * np.pi * 14.0 * t)))
        self._sounds["squeal"] = self._make(0.25 * squeal)
        self._sounds["beep"] = self._make(self._envelope(np.sign(np.sin(2 * np.pi * 440.0 * self._time(0.18))), 0.18))
        self._sounds["go"] = self._make(self._envelope(np.sign(np.sin(2 * np.pi * 880.0 * self._time(0.45))), 0.45))
        t = self._time(0.25)
        thud = (rng.uniform(-1, 1, t.shape) * 0.6 + np.sin(2 * np.pi * 70.0 * t)) * np.exp(-t * 18.0)
        self._sounds["thud"] = self._make(0.9 * thud)
        t = self._time(0.06)
        self._sounds["blip"] = self._make(self._envelope(np.sign(np.sin(2 * np.pi * 990.0 * t)), 0.06) * 0.4)
        t = self._time(0.5)
        chirp = np.sign(np.sin(2 * np.pi * (520.0 * t + 700.0 * t * t)))
        self._sounds["lap"] = self._make(self._envelope(chirp, 0.5) * 0.5)

    @staticmethod
    def _envelope(wave: np.ndarray, seconds: float) -> np.ndarray:
        t = np.linspace(0.0, 1.0, wave.shape[0])
        return 0.45 * wave * np.minimum(1.0, (1.0 - t) * 4.0) * np.minimum(1.0, t * seconds * 400.0 + 0.01)

    # -- playing ------------------------------------------------------------------------------------------------
    def play(self, name: str, volume: float = 1.0) -> None:
        """Play a one-shot sound: beep, go, thud, blip, lap."""
        if not self.available or self.muted:
            return
        self._build()
        sound = self._sounds.get(name)
        if sound is not None:
            channel = sound.play()
            if channel is not None:
                channel.set_volume(min(max(volume, 0.0), 1.0) * self.volume)

    def engine(self, speed: float, throttle: float) -> None:
        """Set the engine note from the car's speed [m/s] and throttle (revs a little on the spot)."""
        if not self.available or self.muted:
            return
        self._build()
        rev = min(max(speed / TOP_SPEED, 0.0), 1.0) * 0.85 + 0.15 * max(throttle, 0.0)
        frequency = engine_frequency(rev)
        channel = self._engine_channel
        if not channel.get_busy():
            channel.play(self._make(self._note.chunk(frequency)))
        if channel.get_queue() is None:  # one piece queued behind the one playing, made at the latest pitch
            channel.queue(self._make(self._note.chunk(frequency)))
        channel.set_volume(ENGINE_VOLUME * self.volume * (0.7 + 0.3 * max(throttle, 0.0)))

    def squeal(self, amount: float) -> None:
        """Tyre squeal at a loudness in [0, 1] (0 stops it)."""
        if not self.available or self.muted:
            return
        self._build()
        if amount > 0.05:
            if not self._squeal_on:
                self._squeal_channel.play(self._sounds["squeal"], loops=-1)
                self._squeal_on = True
            self._squeal_channel.set_volume(SQUEAL_VOLUME * self.volume * min(amount, 1.0))
        elif self._squeal_on:
            self._squeal_channel.stop()
            self._squeal_on = False

    def stop_loops(self) -> None:
        """Silence the engine and the squeal (pause, menus)."""
        if not self.available:
            return
        for _ in range(2):  # stopping a channel starts the piece queued behind (pygame): the second stop ends that
            self._engine_channel.stop()
        self._squeal_channel.stop()
        self._squeal_on = False

    def set_muted(self, muted: bool) -> None:
        """Mute or unmute everything."""
        self.muted = muted
        if muted and self.available:
            self.stop_loops()
            pygame.mixer.stop()

    def set_volume(self, volume: float) -> None:
        """Master volume in [0, 1]."""
        self.volume = min(max(volume, 0.0), 1.0)


def distance_volume(distance: float, reach: float = 120.0) -> float:
    """Loudness of a sound ``distance`` metres from the listener."""
    return max(0.0, 1.0 - distance / reach) if math.isfinite(distance) else 0.0
