"""Racecraft: how a rival follows, passes and leaves room, on top of the trained driver. No pygame here.

The trained drivers follow a racing line: their observation reads the car's offset from it (feature 6,
:func:`game.sim.observation.observe_line_shift`). :class:`Racecraft` moves that line sideways for each car, and the
same driver then drives the moved line. Every decision (20 Hz), for each car:

1. **Follow.** Every car ahead that is, or is about to be, in our lane caps our speed at the speed from which we
   can still brake to its speed before the gap closes (both cars braking at ``braking``, after a reaction time:
   short on a straight, where we close up to pass, longer into corners). Over that speed we lift; well over it,
   we brake. Into a corner side by side and a little behind, we drop in behind (the *tuck*), braking for it.
2. **Pass.** On a straight (no corner tighter than ``calm_radius`` near, no braking soon), a car ahead in our lane
   that we close on or that holds us up is passed: the line moves to the side of it with room and nearer our own
   line, far enough that the cars clear each other, and, while the road ahead asks for no braking, we go flat out.
   We stay beside it until clear by a car length, then drift back to the line. A pass not alongside by the next
   corner (or braking zone) is given up, and one not alongside is given up earlier, however fast it closes, while the
   line still has time to get back before the braking point (``return_time``): a car turning in and braking at
   once off its line runs wide or into the car it gave up on. Nor does such a pass start without the time to move
   over and back before the braking point. Near a hairpin the line moves away from the driver's own only slowly
   (``hairpin_slope``): a driver at the limit does not follow a line that swings metres across a hairpin.
3. **Leave room.** A car beside us (overlapping along the track, already to one side) keeps its room: our line
   never moves into it. The moved line stays ``edge_margin`` inside the road, there and ``edge_look`` seconds on
   (where the line runs towards an edge, it moves less towards that edge).
4. **Corners of the moved line.** A line moved towards the inside of a corner is tighter than the driver's own:
   its limit speed is the line's (the reference lap's profile) times ``sqrt(1 - curvature x shift)``. Faster than
   we can brake (at ``corner_braking``) to that speed before any corner ahead, we lift; well over it, we brake.
   The driver knows its own line's corners; a driver at the limit has nothing in hand for a tighter one.
5. **Launch.** Stopped with the way clear (after a rescue, or held up in a queue), we pull away.

With no car near, the shift is zero, the caps are open and the driving is the driver's own: solo pace is untouched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game.drivers.road_room import edge_room, run_left, shift_bounds
from game.sim.physics import (
    CAR_ARC_LENGTH,
    CAR_LATERAL,
    CAR_SEGMENT,
    CAR_VX,
    CAR_VY,
    CONTACT_HALF_LENGTH,
    CONTACT_RADIUS,
    FRAME_SKIP,
    PHYSICS_DT,
)
from game.sim.racing_line import LINE_CURVATURE, LINE_LIMIT_SPEED, LINE_OFFSET
from game.sim.track import COL_CURVATURE, COL_HEADING, COL_WIDTH_LEFT, COL_WIDTH_RIGHT, Track

NOSE_TO_TAIL = 2.0 * (CONTACT_HALF_LENGTH + CONTACT_RADIUS)  # [m] centres this near along the track: touching
SIDE_TO_SIDE = 2.0 * CONTACT_RADIUS  # [m] centres this near across the track, alongside: touching
DECISION_DT = FRAME_SKIP * PHYSICS_DT  # [s] between two decisions
BRAKE = -1.0  # the throttle of a car braking for the car ahead
NO_FLOOR = -1.0
BRAKE_LOOK = 400.0  # [m] how far ahead a braking point is looked for (from 80 m/s, braking takes 267 m at 12 m/s^2)


@dataclass(frozen=True)
class RacecraftSettings:
    """How the rivals race each other (distances in metres, speeds in m/s, times in seconds).

    The defaults were tuned on the race benchmark (``docs/RACING.md``, "Racecraft").
    """

    look_ahead: float = 60.0  # cars further ahead along the track are not planned around
    follow_gap: float = 6.0  # centre to centre kept behind a car ahead, at a standstill
    braking: float = 12.0  # [m/s^2] assumed for both cars when following
    reaction_straight: float = 0.1  # the follower's reaction time on a straight (close up to pass)
    reaction_corner: float = 0.25  # ... into corners
    brake_excess: float = 1.0  # over the safe speed by this much: brake (under it: lift)
    lane_margin: float = 0.0  # across, beyond SIDE_TO_SIDE: a car nearer than this is in our lane (0: we would touch)
    pass_clearance: float = 1.2  # across, beyond SIDE_TO_SIDE: centre to centre when passing
    room: float = 2.0  # across, beyond SIDE_TO_SIDE: left to a car beside us (1.2 until docs/RACING.md, 32nd session)
    beside: float = 1.5  # across: a car at least this far to one side (and overlapping) is beside us
    pass_gap: float = 30.0  # a car ahead in our lane nearer than this and not pulling away is passed
    plan_time: float = 4.0  # ... as is one we will reach within this
    clear_margin: float = 3.0  # past by a car length and this: the pass is done
    return_time: float = 0.5  # [s] a pass not alongside is given up this long (and the line's way back) before ...
    return_closing: float = 100.0  # ... the braking point, unless we close on the car faster than this (0: off;
    # 100: every pass, however fast it closes, is judged by its way back: docs/RACING.md, nineteenth session)
    give_up_behind: float = 0.0  # at a corner, a pass further back than NOSE_TO_TAIL + this is given up
    shift_rate: float = 4.0  # [m/s] how fast the line moves sideways ...
    corner_shift_rate: float = 0.0  # [m/s] ... and off a straight (braking, or a corner near) (0: as shift_rate) ...
    braking_return_rate: float = 0.0  # [m/s] ... and back towards its own line in a braking zone (0: as shift_rate)
    hairpin_slope: float = 0.05  # ... and away from its own near a hairpin at most this much per metre (0: no limit)
    hairpin_radius: float = 30.0  # [m] a corner tighter than this is a hairpin (near: as calm_ahead and calm_behind)
    max_shift: float = 4.5  # the line moves at most this far
    keep_side: float = 0.0  # a pass whose side runs out of road: 0 given up; 1 held at the edge while behind; 2
    # also alongside; 3 also not held to the speed of the car it is alongside and passing (off: docs/RACING.md,
    # thirtieth session)
    lane_look: float = 0.0  # [s] a car in our lane that our line leaves and we move out of within this is no cap
    lane_look_opened: float = 0.0  # 1: lane_look only for a pass started on the opening side (0: every car)
    lane_look_swing: float = 0.0  # 1: lane_look only behind a car whose line swings across (as open_side reads it)
    hold_given_up: float = 0.0  # 1: a car that gave up a pass is held to that car's speed until its line is back
    open_side: float = 0.0  # a pass starts on the side the car ahead's line leaves over this far on [m] (0: the side
    # with room now), held at the road's edge while behind
    edge_margin: float = 1.3  # from the car's centre to the road's edge, on a moved line ...
    edge_look: float = 0.75  # [s] ... over the road this far ahead (where the line runs towards an edge, less shift)
    calm_radius: float = 45.0  # no pass starts where a corner tighter than this is near ...
    calm_ahead: float = 80.0  # ... this far ahead ...
    calm_behind: float = 20.0  # ... or this far behind ...
    calm_margin: float = 0.1  # ... or where the braking look-ahead (feature 3) is over -this (braking soon)
    attack_throttle: float = 1.0  # the throttle while passing on a straight ...
    attack_margin: float = 0.15  # ... while the braking look-ahead (feature 3) is under -this
    attack_off_line: float = 0.0  # ... and the car is nearer than this to its moved line [m] (0: wherever it is)
    tuck_margin: float = 2.0  # along, beyond NOSE_TO_TAIL: side by side into a corner, the car behind tucks in
    tuck_speed: float = 1.0  # ... braking until this much slower than the car ahead (a lift: both may be braking)
    corner_braking: float = 14.0  # [m/s^2] assumed to slow for a tighter corner of the moved line (0: no check)
    corner_shift: float = 0.5  # a line moved less than this is driven as the driver's own
    launch_speed: float = 3.0  # slower than this with the way clear ...
    launch_throttle: float = 0.6  # ... at least this throttle


@dataclass
class RacecraftPlan:
    """One decision for every car: the line shift and the throttle's bounds (the driver's throttle is kept inside).

    Attributes:
        shift: (N,) how far each car's line moves, positive to the left [m].
        floor: (N,) the least throttle (``NO_FLOOR``: none).
        cap: (N,) the most throttle (1: no cap; 0: lift; ``BRAKE``: brake).
    """

    shift: np.ndarray
    floor: np.ndarray
    cap: np.ndarray

    def bound(self, throttle: np.ndarray) -> np.ndarray:
        """The driver's throttle kept between the floor and the cap (the cap wins)."""
        return np.minimum(np.maximum(throttle, self.floor), self.cap)


class Racecraft:
    """Line shifts and throttle bounds for a field of cars on one track, one decision at a time.

    Args:
        track: The track.
        line: The racing line table the driver reads (:func:`game.sim.racing_line.line_table`).
        settings: How the rivals race.
    """

    def __init__(self, track: Track, line: np.ndarray, settings: RacecraftSettings | None = None) -> None:
        self.settings = settings or RacecraftSettings()
        s = self.settings
        self.spacing = track.spacing
        self.length = track.table.shape[0] * track.spacing
        self.line_offset = np.ascontiguousarray(line[:, LINE_OFFSET])
        self.width_left = np.ascontiguousarray(track.table[:, COL_WIDTH_LEFT])
        self.width_right = np.ascontiguousarray(track.table[:, COL_WIDTH_RIGHT])
        self.heading = np.ascontiguousarray(track.table[:, COL_HEADING])
        curvature = np.abs(track.table[:, COL_CURVATURE])
        n = curvature.shape[0]
        window = np.arange(-round(s.calm_behind / self.spacing), round(s.calm_ahead / self.spacing) + 1)
        tightest = curvature[(np.arange(n)[:, None] + window[None, :]) % n].max(axis=1)
        self.calm = (tightest < 1.0 / s.calm_radius).astype(np.float64)  # 1: a straight, a pass may start
        self.hairpin = (tightest >= 1.0 / s.hairpin_radius).astype(np.float64)  # 1: the line moves away slowly
        self.calm_left = run_left(self.calm > 0.5, self.spacing)  # [m] how far the straight goes on
        self.room_right, self.room_left = edge_room(track, line, s.edge_margin)
        self.line_curvature = np.ascontiguousarray(line[:, LINE_CURVATURE])  # [1/m], positive: left
        self.limit_speed = np.ascontiguousarray(line[:, LINE_LIMIT_SPEED])
        self.shift = np.zeros(0)
        self.side = np.zeros(0)
        self.passing = np.zeros(0, dtype=np.int64)
        self.drift = np.zeros(0)
        self.opened = np.zeros(0, dtype=bool)
        self.swings = np.zeros(0, dtype=bool)
        self.gave_up = np.zeros(0, dtype=np.int64)

    def at(self, values: np.ndarray, arc: np.ndarray | float) -> np.ndarray:
        """``values`` (one per track sample) at arc lengths, linearly interpolated round the lap."""
        pos = (np.asarray(arc, dtype=np.float64) % self.length) / self.spacing
        i = pos.astype(np.int64) % values.shape[0]
        j = (i + 1) % values.shape[0]
        return values[i] + (pos - np.floor(pos)) * (values[j] - values[i])

    def _least(self, values: np.ndarray, arc: float, ahead: float, behind: float = 0.0) -> float:
        """The least of ``values`` (one per track sample) over ``[arc - behind, arc + ahead]``, at 9 points."""
        return float(np.min(self.at(values, arc + np.linspace(-behind, ahead, 9))))

    def _bounds(self, arc: float, ahead: float = 0.0, behind: float = 0.0) -> tuple[float, float]:
        """(lowest, highest) lateral offset a moved line may take over ``[arc - behind, arc + ahead]`` [m]."""
        margin = self.settings.edge_margin
        high = self._least(self.width_left, arc, ahead, behind) - margin
        low = -self._least(self.width_right, arc, ahead, behind) + margin
        return low, high

    def shift_bounds(self, arc: float, ahead: float) -> tuple[float, float]:
        """(lowest, highest) shift that keeps the moved line ``edge_margin`` inside the road ``ahead`` metres on.

        Where the line runs towards an edge, the room on that side shrinks before the car gets there. The line
        itself (a shift of 0) is always allowed.
        """
        return shift_bounds(self.room_right, self.room_left, self.spacing, arc, ahead)

    def reset(self, n_cars: int) -> None:
        """Forget every pass under way (a new race, or a field of a new size)."""
        self.shift = np.zeros(n_cars)
        self.side = np.zeros(n_cars)
        self.passing = np.full(n_cars, -1, dtype=np.int64)
        self.opened = np.zeros(n_cars, dtype=bool)
        self.gave_up = np.full(n_cars, -1, dtype=np.int64)

    def plan(self, cars: np.ndarray, braking_margin: np.ndarray) -> RacecraftPlan:
        """This decision for every car.

        Args:
            cars: (N, N_CAR_COLUMNS) car states.
            braking_margin: (N,) each car's braking look-ahead (observation feature 3: 0 brake now, < 0 not yet).
        """
        s = self.settings
        n = cars.shape[0]
        if self.shift.shape[0] != n:
            self.reset(n)
        arc = cars[:, CAR_ARC_LENGTH]
        lat = cars[:, CAR_LATERAL]
        heading = self.heading[cars[:, CAR_SEGMENT].astype(np.int64)]
        cos, sin = np.cos(heading), np.sin(heading)
        speed = cars[:, CAR_VX] * cos + cars[:, CAR_VY] * sin  # along the track
        self.drift = cars[:, CAR_VY] * cos - cars[:, CAR_VX] * sin  # across, to the left
        gap = arc[None, :] - arc[:, None]  # gap[i, j]: how far car j is ahead of car i along the track
        gap -= self.length * np.floor(gap / self.length + 0.5)
        line = self.at(self.line_offset, arc)
        calm = (self.at(self.calm, arc) > 0.5) & (braking_margin < -s.calm_margin)  # no pass into a braking zone
        hairpin = self.at(self.hairpin, arc) > 0.5
        beside = SIDE_TO_SIDE + s.pass_clearance
        self.swings = np.ones(n, dtype=bool)  # behind whom lane_look may act
        if s.lane_look_swing > 0.0:
            self.swings = np.array([self._opening_side(j, line, arc, beside) != 0.0 for j in range(n)])
        cap = np.ones(n)
        floor = np.full(n, NO_FLOOR)
        step = s.shift_rate * DECISION_DT
        for i in range(n):
            lead, v_safe = self._follow(i, gap, lat, speed, line, calm[i])
            v_safe = min(v_safe, self._corner_speed(arc[i], self.shift[i], speed[i]))
            if v_safe < speed[i] - s.brake_excess:
                cap[i] = BRAKE
            elif v_safe < speed[i]:
                cap[i] = 0.0
            desired = self._pass(i, lead, gap, lat, speed, line, arc, calm[i])
            aim = self._leave_room(i, line[i] + desired, gap, lat)
            right, left = self.shift_bounds(arc[i], max(speed[i], 0.0) * s.edge_look)
            wanted = min(max(aim - line[i], right), left)
            most = step if calm[i] or s.corner_shift_rate <= 0.0 else min(step, s.corner_shift_rate * DECISION_DT)
            moved = self.shift[i] + float(np.clip(wanted - self.shift[i], -most, most))
            if braking_margin[i] >= 0.0 and s.braking_return_rate > 0.0 and abs(moved) < abs(self.shift[i]):
                back = s.braking_return_rate * DECISION_DT  # a driver braking at the limit follows no swerve
                moved = float(np.clip(moved, self.shift[i] - back, self.shift[i] + back))
            if hairpin[i] and s.hairpin_slope > 0.0:  # back towards the line at the full rate, away from it slowly
                away = abs(self.shift[i]) + s.hairpin_slope * abs(speed[i]) * DECISION_DT
                moved = min(max(moved, -away), away)
            self.shift[i] = moved
            clear = v_safe >= speed[i] + s.launch_speed  # nobody in our lane we would have to slow for soon
            if abs(speed[i]) < s.launch_speed and clear:
                floor[i] = s.launch_throttle
            elif self.passing[i] >= 0 and calm[i] and braking_margin[i] < -s.attack_margin and clear:
                off_line = abs(lat[i] - line[i] - moved)  # far off it, the driver is recovering, not attacking
                if s.attack_off_line <= 0.0 or off_line < s.attack_off_line:
                    floor[i] = s.attack_throttle
        return RacecraftPlan(self.shift.copy(), floor, cap)

    def _corner_speed(self, arc: float, shift: float, speed: float) -> float:
        """The speed from which we can still brake for every corner of our moved line ahead (inf: no limit).

        Over the braking distance from ``speed`` (and 20 m more), at every track sample: the line's limit speed
        times ``sqrt(1 - curvature x shift)`` where the shift makes the line tighter.
        """
        s = self.settings
        if s.corner_braking <= 0.0 or abs(shift) < s.corner_shift:
            return np.inf
        ahead = np.arange(0.0, speed * speed / (2.0 * s.corner_braking) + 20.0, self.spacing)
        tighter = 1.0 - self.at(self.line_curvature, arc + ahead) * shift
        if np.all(tighter >= 1.0):
            return np.inf
        corner = self.at(self.limit_speed, arc + ahead) * np.sqrt(np.clip(tighter, 0.05, 1.0))
        return float(np.min(np.sqrt(corner * corner + 2.0 * s.corner_braking * ahead)))

    def _follow(
        self, i: int, gap: np.ndarray, lat: np.ndarray, speed: np.ndarray, line: np.ndarray, calm: bool
    ) -> tuple[int, float]:
        """(the nearest car ahead in our lane or -1, the speed we may go at behind the cars in our lane)."""
        s = self.settings
        lane = SIDE_TO_SIDE + s.lane_margin
        reaction = s.reaction_straight if calm else s.reaction_corner
        lead, lead_gap, v_safe = -1, np.inf, np.inf
        for j in range(gap.shape[0]):
            g = gap[i, j]
            if j == i or not 0.0 < g <= s.look_ahead:
                continue
            heading_for = abs(line[j] + self.shift[i] - lat[j]) < lane
            if self.gave_up[i] == j:
                if abs(self.shift[i]) < s.corner_shift or self.passing[i] >= 0:
                    self.gave_up[i] = -1  # back on our line, or passing again
                else:
                    heading_for = True  # a pass given up: held behind it until our line is back
            if s.keep_side > 2.5 and g < NOSE_TO_TAIL and self.passing[i] == j:
                heading_for = False  # alongside it, passing: where our line goes is kept clear by leaving room
            if abs(lat[i] - lat[j]) >= lane and not heading_for:
                continue  # neither where we are nor where our line goes
            opened = self.opened[i] and self.passing[i] == j if s.lane_look_opened > 0.0 else True
            looked = opened and self.swings[j]
            if not heading_for and s.lane_look > 0.0 and looked and self._leaving_lane(i, j, g, lat, speed, lane):
                continue  # our line is out of its lane, and we will be before we reach it
            room = max(g - s.follow_gap - max(speed[i], 0.0) * reaction, 0.0)
            v_safe = min(v_safe, float(np.sqrt(max(speed[j], 0.0) ** 2 + 2.0 * s.braking * room)))
            if g < lead_gap:
                lead, lead_gap = j, g
        if not calm and speed[i] > s.launch_speed:  # the tuck
            for k in range(gap.shape[0]):
                g = gap[i, k]
                if k != i and 0.0 < g < NOSE_TO_TAIL + s.tuck_margin and abs(lat[k] - lat[i]) < SIDE_TO_SIDE + s.room:
                    v_safe = min(v_safe, speed[k] - s.tuck_speed - s.brake_excess)
        return lead, v_safe

    def _leaving_lane(self, i: int, j: int, g: float, lat: np.ndarray, speed: np.ndarray, lane: float) -> bool:
        """Whether car ``i``, drifting away from car ``j``, is out of its lane before it closes to touching."""
        apart = lat[i] - lat[j]
        drift = (self.drift[i] - self.drift[j]) * np.sign(apart)
        if drift <= 0.0:
            return False
        closing = speed[i] - speed[j]
        t = self.settings.lane_look if closing <= 0.0 else min(self.settings.lane_look, (g - NOSE_TO_TAIL) / closing)
        return abs(apart) + drift * max(t, 0.0) >= lane

    def _pass(
        self,
        i: int,
        lead: int,
        gap: np.ndarray,
        lat: np.ndarray,
        speed: np.ndarray,
        line: np.ndarray,
        arc: np.ndarray,
        calm: bool,
    ) -> float:
        """The line shift car ``i`` wants for passing (0: none), going on with a pass under way or starting one."""
        s = self.settings
        beside = SIDE_TO_SIDE + s.pass_clearance
        j = int(self.passing[i])
        if j >= 0:
            g = gap[i, j]
            done = g < -(NOSE_TO_TAIL + s.clear_margin) or g > s.look_ahead
            late = not done and g > NOSE_TO_TAIL and self._too_late(i, j, speed, arc, self.shift[i])
            if done or late or (not calm and g > NOSE_TO_TAIL + s.give_up_behind):  # past, or not alongside in time
                self.passing[i] = -1
                if s.hold_given_up > 0.0 and not done:
                    self.gave_up[i] = j  # held to its speed until our line is back
            else:
                target = lat[j] + self.side[i] * beside
                low, high = self._bounds(arc[i] + max(g, 0.0), ahead=20.0, behind=5.0)
                keep = s.keep_side > 0.0 or s.open_side > 0.0
                if keep and (g > NOSE_TO_TAIL or s.keep_side > 1.5) and low <= high:
                    target = min(max(target, low), high)
                if low <= target <= high:
                    reference = line[j] if g > 0.0 else line[i]
                    return float(np.clip(target - reference, -s.max_shift, s.max_shift))
                self.passing[i] = -1
        if lead < 0 or not calm:
            return 0.0
        g = gap[i, lead]
        closing = speed[i] - speed[lead]
        soon = closing > 0.5 and (g - NOSE_TO_TAIL) / closing < s.plan_time
        if not (soon or (g < s.pass_gap and closing > -0.5)):
            return 0.0
        low, high = self._bounds(arc[lead], ahead=30.0, behind=10.0)
        opening = self._opening_side(lead, line, arc, beside)
        if opening != 0.0:  # the side the car ahead's line leaves, held at the edge
            side = opening
            target = min(max(lat[lead] + side * beside, low), high)
        else:  # the side with room, nearer the line
            options = [
                (abs(lat[lead] + way * beside - line[lead]), way)
                for way in (1.0, -1.0)
                if low <= lat[lead] + way * beside <= high
            ]
            if not options:
                return 0.0
            _, side = min(options)
            target = lat[lead] + side * beside
        shift = float(np.clip(target - line[lead], -s.max_shift, s.max_shift))
        if self._too_late(i, lead, speed, arc, shift):
            return 0.0  # no time to move over and back before the braking point
        self.passing[i] = lead
        self.side[i] = side
        self.opened[i] = opening != 0.0
        return shift

    def _opening_side(self, lead: int, line: np.ndarray, arc: np.ndarray, beside: float) -> float:
        """The side car ``lead``'s line leaves over ``open_side`` metres on (+1 left, -1 right; 0: none, or off).

        Its line, over the second half of those metres, lies at least ``beside`` across from where it is now: the
        side it leaves opens up.
        """
        s = self.settings
        if s.open_side <= 0.0:
            return 0.0
        ahead = self.at(self.line_offset, arc[lead] + np.linspace(s.open_side / 2.0, s.open_side, 5))
        moved = float(np.mean(ahead)) - line[lead]  # the car taken to keep its offset from its line
        if abs(moved) < beside:
            return 0.0
        return -1.0 if moved > 0.0 else 1.0

    def _too_late(self, i: int, j: int, speed: np.ndarray, arc: np.ndarray, shift: float) -> bool:
        """Whether car ``i`` is too near its braking point for a pass of car ``j``.

        Never if it closes faster than ``return_closing`` (by default 100 m/s: every pass is judged). Too near: its
        line cannot move to ``shift`` and back to its own, with ``return_time`` to spare, before it must brake (at
        ``braking``, for the line's limit speed ahead, or where the straight ends).
        """
        s = self.settings
        if s.return_closing <= 0.0 or speed[i] - speed[j] >= s.return_closing:
            return False
        way = (abs(shift - self.shift[i]) + abs(shift)) / s.shift_rate + s.return_time
        return self._time_to_brake(arc[i], speed[i]) < way

    def _time_to_brake(self, arc: float, speed: float) -> float:
        """[s] until a car at ``arc`` going at ``speed`` must brake for a corner of the line, or its straight ends."""
        v = max(speed, 1.0)
        left = float(self.at(self.calm_left, arc))
        ahead = np.arange(0.0, min(left, BRAKE_LOOK), 2.0 * self.spacing)
        if ahead.size:
            limit = self.at(self.limit_speed, arc + ahead)
            brake_at = np.where(limit < v, ahead - (v * v - limit * limit) / (2.0 * self.settings.braking), np.inf)
            left = min(left, float(np.min(brake_at)))
        return max(left, 0.0) / v

    def _leave_room(self, i: int, aim: float, gap: np.ndarray, lat: np.ndarray) -> float:
        """``aim`` (a lateral offset) kept out of the room of every car beside car ``i``."""
        s = self.settings
        alongside = NOSE_TO_TAIL + 1.5
        room = SIDE_TO_SIDE + s.room
        for k in range(gap.shape[0]):
            if k == i or abs(gap[i, k]) > alongside or abs(lat[k] - lat[i]) < s.beside:
                continue
            aim = min(aim, lat[k] - room) if lat[k] > lat[i] else max(aim, lat[k] + room)
        return aim
