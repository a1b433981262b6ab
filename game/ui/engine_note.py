"""The engine note, synthesised as it plays: a continuous pitch that glides with the revs.

:class:`EngineNote` makes the next few hundredths of a second of the note at a time, its pitch gliding from where
the last piece ended to the new one, with the waveform's phase carried over, so the note never steps or clicks.
The audio module queues each piece behind the one playing. Pure numpy (no pygame), so it can be tested silent.
"""

from __future__ import annotations

import numpy as np

ENGINE_LOW = 42.0  # [Hz] idle
ENGINE_HIGH = 180.0  # [Hz] flat out
CHUNK_SECONDS = 0.04  # [s] of sound made at a time: the pitch follows the car this late, at most twice over


def engine_frequency(rev: float) -> float:
    """[Hz] for revs in [0, 1] (idle to flat out), on a musical (exponential) scale."""
    rev = min(max(rev, 0.0), 1.0)
    return ENGINE_LOW * (ENGINE_HIGH / ENGINE_LOW) ** rev


class EngineNote:
    """A phase-continuous engine waveform generator.

    Args:
        rate: Samples per second.
    """

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.phase = 0.0  # [cycles] where the last piece ended
        self.frequency = ENGINE_LOW  # [Hz] the pitch the last piece ended at

    def chunk(self, frequency: float, seconds: float = CHUNK_SECONDS) -> np.ndarray:
        """The next ``seconds`` of the note, in [-1, 1], its pitch gliding to ``frequency`` [Hz]."""
        n = max(int(round(seconds * self.rate)), 1)
        pitch = np.linspace(self.frequency, frequency, n + 1)[1:]
        phase = self.phase + np.cumsum(pitch) / self.rate
        self.phase = float(phase[-1] % 2.0)  # the pulse below repeats every 2 cycles
        self.frequency = frequency
        saw = 2.0 * (phase % 1.0) - 1.0
        square = np.sign(np.sin(2.0 * np.pi * phase * 2.0))
        pulse = 0.75 + 0.25 * np.sign(np.sin(np.pi * phase))
        return 0.5 * (0.6 * saw + 0.4 * square) * pulse
