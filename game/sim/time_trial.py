"""A time trial: lap after lap alone on a track against a ghost, with the gap and splits. No pygame here.

:class:`TimeTrial` wraps a one-car :class:`game.sim.race.Race` (the player's car, from pole) and, every tick,
records the car (:class:`game.sim.ghost.LapRecorder`), measures the live gap to the ghost being chased and, at
``SPLIT_POINTS`` of the lap and at the line, the split: the time the player is up (negative) or down (positive) on
the ghost there. Each completed lap becomes a ghost; the fastest so far is :attr:`TimeTrial.best`.

The first lap, from the grid, is the out lap: a standing start cannot be compared with a flying lap, so it has no
ghost, no gap and no splits, and it sets no record. The timed laps are the flying laps after it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from game.sim.ghost import Ghost, LapRecorder
from game.sim.physics import CAR_PROGRESS, DEFAULT_CAR, PHYSICS_DT, CarParams
from game.sim.race import Driver, Race, RaceConfig
from game.sim.track import Track

SESSION_LAPS = 999  # a session has no distance: its race is given more laps than anyone drives
AI_GHOST_LAPS = 2  # laps the AI drives for its ghost: a standing start, then a flying lap
AI_GHOST_TIME_LIMIT = 900.0  # [s] of simulated time before a driver that cannot lap is given up on
SPLIT_POINTS = (0.25, 0.5, 0.75)  # shares of the lap where the split to the ghost is taken (and at the line)


@dataclass(frozen=True)
class Split:
    """The gap to the ghost at a point of the lap.

    Attributes:
        lap: 1-based lap it was taken on.
        point: Index into SPLIT_POINTS, or len(SPLIT_POINTS) for the line.
        gap: [s] the player's time minus the ghost's there (negative: ahead).
    """

    lap: int
    point: int
    gap: float


@dataclass(frozen=True)
class LapDone:
    """A lap the player completed.

    Attributes:
        lap: 1-based.
        ghost: The lap as a ghost.
        best: It is the fastest of the session (and, when ``record`` is set, faster than the record).
    """

    lap: int
    ghost: Ghost
    best: bool


class TimeTrial:
    """A time-trial session: the race, the ghost being chased, the player's laps as ghosts.

    Args:
        track: Where.
        track_id: The track's fingerprint (game.sim.identity.track_fingerprint), stored in the ghosts.
        driver: Drives the player's car when ``autopilot`` (demos, screenshots, tests).
        target: The ghost chased (None: none yet).
        record: The saved best lap [s] to beat (None: none).
        params: The car.
        autopilot: The AI drives the player's car.
        autopilot_pace: The share of its full pace the autopilot drives at (a demo that loses time to a ghost).
    """

    def __init__(
        self,
        track: Track,
        track_id: str,
        driver: Driver,
        target: Ghost | None = None,
        record: float | None = None,
        params: CarParams = DEFAULT_CAR,
        autopilot: bool = False,
        autopilot_pace: float = 1.0,
    ) -> None:
        self.race = Race(track, RaceConfig(laps=SESSION_LAPS, rivals=0), driver, params, autopilot=autopilot)
        self.race.pace[0] = autopilot_pace
        self.target = target
        self.record = record
        self.best: Ghost | None = None
        self.splits: list[Split] = []  # since the last call of pop_splits
        self.laps: list[LapDone] = []  # since the last call of pop_laps
        self._recorder = LapRecorder(track_id, track.length, "player")
        self._length = track.length
        self._next_split = 0

    @property
    def lap_distance(self) -> float:
        """[m] driven since the line on the current lap (negative on the grid)."""
        timer = self.race.timers[0]
        return float(self.race.cars[0, CAR_PROGRESS]) - timer.laps * self._length

    @property
    def lap_time(self) -> float:
        """[s] into the current lap (0 before the green)."""
        return self.race.timers[0].current_lap_time(self.race.race_time) or 0.0

    @property
    def out_lap(self) -> bool:
        """On the lap from the grid (untimed against the ghost)."""
        return self.race.timers[0].laps == 0

    def gap(self) -> float | None:
        """[s] live gap to the target ghost at this point of the lap (negative: ahead); None when there is none."""
        if self.target is None or self.out_lap:
            return None
        ghost_time = self.target.time_at_distance(self.lap_distance)
        return None if ghost_time is None else self.lap_time - ghost_time

    def ghost_pose(self) -> tuple[float, float, float] | None:
        """Where the target ghost is now (same time into the lap as the player), or None."""
        if self.target is None or self.out_lap:
            return None
        return self.target.pose_at(self.lap_time)

    def step(self, controls: tuple[float, float] = (0.0, 0.0), put_back: bool = False) -> None:
        """One physics tick of the session (``put_back``: the player asked to be put back on the track first)."""
        race = self.race
        if put_back:
            race.put_back(0)
        timer = race.timers[0]
        laps_before = timer.laps
        lap_start = timer.lap_start_time or 0.0
        distance_before = self.lap_distance
        time_before = self.lap_time
        race.step(controls)
        if not race.started:
            return
        self._recorder.record(race.race_time, race.cars[0])
        if timer.laps > laps_before:
            self._lap_done(laps_before, lap_start, float(timer.last_lap))
            return
        self._splits(distance_before, time_before)

    def _splits(self, distance_before: float, time_before: float) -> None:
        if self._next_split >= len(SPLIT_POINTS) or self.out_lap:
            return
        mark = SPLIT_POINTS[self._next_split] * self._length
        distance = self.lap_distance
        if distance < mark:
            return
        self._next_split += 1
        if self.target is None:
            return
        ghost_time = self.target.time_at_distance(mark)
        if ghost_time is None:
            return
        span = distance - distance_before
        f = (mark - distance_before) / span if span > 0.0 else 1.0
        crossing = time_before + min(max(f, 0.0), 1.0) * (self.lap_time - time_before)
        self.splits.append(Split(self.race.timers[0].laps + 1, self._next_split - 1, crossing - ghost_time))

    def _lap_done(self, laps_before: int, lap_start: float, lap_time: float) -> None:
        ghost = self._recorder.finish_lap(lap_start, lap_time, laps_before)
        lap = laps_before + 1
        self._next_split = 0
        if laps_before == 0:  # the out lap
            self.laps.append(LapDone(lap, ghost, False))
            return
        if self.target is not None:
            self.splits.append(Split(lap, len(SPLIT_POINTS), lap_time - self.target.lap_time))
        best = self.record is None or lap_time < self.record
        if self.best is None or lap_time < self.best.lap_time:
            self.best = ghost
        if best:
            self.record = lap_time
        self.laps.append(LapDone(lap, ghost, best))

    def pop_splits(self) -> list[Split]:
        """Splits taken since the last call."""
        splits, self.splits = self.splits, []
        return splits

    def pop_laps(self) -> list[LapDone]:
        """Laps completed since the last call."""
        laps, self.laps = self.laps, []
        return laps


def record_ai_ghost(
    track: Track,
    track_id: str,
    driver: Driver,
    label: str,
    params: CarParams = DEFAULT_CAR,
    laps: int = AI_GHOST_LAPS,
) -> Ghost | None:
    """The AI's best flying lap of a few, driven alone at full pace, as a ghost; None if it completes none.

    Args:
        track: Where.
        track_id: The track's fingerprint.
        driver: The AI driver (the one that drives the rivals on this track).
        label: Who drove, for the file ("model:<sha256>", "scripted").
        params: The car.
        laps: Laps to drive.
    """
    session = TimeTrial(track, track_id, driver, params=params, autopilot=True)
    limit = session.race.countdown_ticks + int(AI_GHOST_TIME_LIMIT / PHYSICS_DT)
    while session.race.timers[0].laps < laps and session.race.tick < limit:
        session.step()
    best = session.best
    return None if best is None else replace(best, driver=label)
