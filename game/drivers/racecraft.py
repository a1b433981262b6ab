"""Racecraft: how a rival gets past a slower car and leaves room, on top of any trained driver. No pygame here.

The trained drivers follow their racing line: their observation reads the car's offset from it (feature 6 of
:mod:`game.sim.observation`). :class:`Racecraft` moves that line sideways for one car at a time, so the same
driver drives a passing line: when a car ahead is in the way and we are closing on it, the line moves to the side
of it with room (the side nearer our own line), far enough that the two cars clear each other; once past, and
with nobody alongside, the line drifts back. A car alongside is given room (the line never moves into it), and a
car ahead that cannot be passed is followed: the throttle is lifted, or the brakes applied, before a rear-end.

With no car near, the shift is zero and the driving is exactly the driver's own: solo pace is untouched.
"""

from __future__ import annotations

import os

import numpy as np

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
from game.sim.racing_line import LINE_OFFSET
from game.sim.track import COL_CURVATURE, COL_HEADING, COL_WIDTH_LEFT, COL_WIDTH_RIGHT, Track

LOOK_AHEAD = 60.0  # [m] along the track: cars further ahead are not planned around
NOSE_TO_TAIL = 2.0 * (CONTACT_HALF_LENGTH + CONTACT_RADIUS)  # [m] centres this far apart along the track touch
SIDE_BY_SIDE = 2.0 * CONTACT_RADIUS + float(os.environ.get("RC_SBS", 1.2))  # [m] across, centre to centre, passing
ALONGSIDE = NOSE_TO_TAIL + 1.5  # [m] along the track: a car this near is alongside, give it room
ROOM = 2.0 * CONTACT_RADIUS + float(os.environ.get("RC_ROOMW", 0.8))  # [m] across the track left to a car alongside
EDGE_MARGIN = 1.6  # [m] from the car's centre to the road's edge, at most shifted
PLAN_TIME = 4.0  # [s] to reach a car ahead: start moving over
SHIFT_RATE = float(os.environ.get("RC_RATE", 4.0))  # [m/s] how fast the line moves sideways
LIFT_TIME = 1.2  # [s] to a rear-end: lift
BRAKE_TIME = 0.6  # [s] to a rear-end: brake
BRAKE = -1.0  # throttle when braking for a car ahead
DECISION_DT = FRAME_SKIP * PHYSICS_DT  # [s]
OVERLAP = 2.0 * CONTACT_RADIUS + float(os.environ.get("RC_OVL", 0.4))  # [m] across: cars nearer than this would touch
FOLLOW_GAP = float(os.environ.get("RC_GAP", 6.0))  # [m] centre to centre kept behind a car ahead
REACTION = float(os.environ.get("RC_REACT", 0.25))  # [s]
BRAKING = float(os.environ.get("RC_B", 12.0))  # [m/s^2] assumed for both cars
BRAKE_EXCESS = 1.0  # [m/s] over the safe speed: brake (below: lift)
ROOM_RULE = bool(int(os.environ.get("RC_ROOM", 1)))
AIM_YIELD = bool(int(os.environ.get("RC_AIMYIELD", 1)))
HOLD_IN_CORNER = bool(int(os.environ.get("RC_HOLD", 0)))
ROOM_BEHIND = float(os.environ.get("RC_ROOMBEHIND", 5.5))
PASS_GAP = float(os.environ.get("RC_PASSGAP", 30.0))
CALM_RADIUS = float(os.environ.get("RC_CALMR", 60.0))  # [m] no passing moves where a corner tighter than this is near
CALM_AHEAD = float(os.environ.get("RC_CALMA", 80.0))
CALM_BEHIND = float(os.environ.get("RC_CALMB", 20.0))
COMMIT = bool(int(os.environ.get("RC_COMMIT", 1)))
BESIDE = float(os.environ.get("RC_BESIDE", 1.5))
MAX_SHIFT = float(os.environ.get("RC_MAXSHIFT", 4.5))
PASSING = bool(int(os.environ.get("RC_PASS", 1)))


LAUNCH_SPEED = 3.0  # [m/s] slower than this with the way clear: at least LAUNCH_THROTTLE
LAUNCH_THROTTLE = float(os.environ.get("RC_LAUNCH", 0.6))
PASS_THROTTLE = float(os.environ.get("RC_PT", 1.0))
PASS_MARGIN = float(os.environ.get("RC_PM", 0.15))
CLEAR_MARGIN = float(os.environ.get("RC_CLEAR", 3.0))  # [m] past a car by a car length and this: back to the line


class Racecraft:
    """Per-car line shifts and throttle caps for a field of cars on one track.

    Args:
        track: The track.
        line: The racing line table the driver reads (:func:`game.sim.racing_line.line_table`).
    """

    def __init__(self, track: Track, line: np.ndarray) -> None:
        self.spacing = track.spacing
        self.length = track.table.shape[0] * track.spacing
        self.line_offset = np.ascontiguousarray(line[:, LINE_OFFSET])
        self.width_left = np.ascontiguousarray(track.table[:, COL_WIDTH_LEFT])
        self.width_right = np.ascontiguousarray(track.table[:, COL_WIDTH_RIGHT])
        self.heading = np.ascontiguousarray(track.table[:, COL_HEADING])
        curvature = np.abs(track.table[:, COL_CURVATURE])
        m = curvature.shape[0]
        back = int(round(CALM_BEHIND / self.spacing))
        ahead = int(round(CALM_AHEAD / self.spacing))
        idx = (np.arange(m)[:, None] + np.arange(-back, ahead + 1)[None, :]) % m
        self.calm = (curvature[idx].max(axis=1) < 1.0 / CALM_RADIUS).astype(np.float64)
        self.shift = np.zeros(0)
        self.side = np.zeros(0)
        self.passing = np.zeros(0, dtype=np.int64)
        self.last_cap = np.zeros(0)

    def _at(self, values: np.ndarray, arc: np.ndarray | float) -> np.ndarray:
        pos = (np.asarray(arc, dtype=np.float64) % self.length) / self.spacing
        i = pos.astype(np.int64) % values.shape[0]
        j = (i + 1) % values.shape[0]
        return values[i] + (pos - np.floor(pos)) * (values[j] - values[i])

    def _bounds(self, arc: float, window: tuple[float, float]) -> tuple[float, float]:
        """(lowest, highest) lateral offset a shifted car may aim at over ``arc + window`` [m]."""
        where = arc + np.linspace(window[0], window[1], 9)
        hi = float(np.min(self._at(self.width_left, where))) - EDGE_MARGIN
        lo = -float(np.min(self._at(self.width_right, where))) + EDGE_MARGIN
        return lo, hi

    def plan(self, cars: np.ndarray, braking_margin: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(line shift [m] per car, throttle cap per car) for this decision."""
        n = cars.shape[0]
        if self.shift.shape[0] != n:
            self.shift = np.zeros(n)
            self.side = np.zeros(n)
            self.passing = np.full(n, -1, dtype=np.int64)
        arc = cars[:, CAR_ARC_LENGTH]
        lat = cars[:, CAR_LATERAL]
        h = self.heading[cars[:, CAR_SEGMENT].astype(np.int64)]
        u = cars[:, CAR_VX] * np.cos(h) + cars[:, CAR_VY] * np.sin(h)
        gap = arc[None, :] - arc[:, None]  # gap[i, j]: j ahead of i by this
        gap -= self.length * np.floor(gap / self.length + 0.5)
        line_here = self._at(self.line_offset, arc)
        line_at = self._at(self.line_offset, arc)  # the line where each car is (read as the place of a car ahead)
        calm = self._at(self.calm, arc) > 0.5
        cap = np.ones(n)
        step = SHIFT_RATE * DECISION_DT
        for i in range(n):
            lead = -1
            lead_gap = np.inf
            v_safe = np.inf
            for j in range(n):
                g = gap[i, j]
                if j == i or g <= 0.0 or g > LOOK_AHEAD:
                    continue
                aim_there = line_at[j] + self.shift[i]
                conflict = abs(lat[i] - lat[j]) < OVERLAP or (AIM_YIELD and abs(aim_there - lat[j]) < OVERLAP)
                if not conflict:
                    continue
                room = max(g - FOLLOW_GAP - max(u[i], 0.0) * REACTION, 0.0)
                v_safe = min(v_safe, float(np.sqrt(max(u[j], 0.0) ** 2 + 2.0 * BRAKING * room)))
                if g < lead_gap:
                    lead, lead_gap = j, g
            if u[i] > v_safe + BRAKE_EXCESS:
                cap[i] = BRAKE
            elif u[i] > v_safe:
                cap[i] = 0.0
            desired = 0.0
            j = int(self.passing[i])
            if j >= 0:  # a pass under way: stay beside the car until clear of it
                g = gap[i, j]
                if g < -(NOSE_TO_TAIL + CLEAR_MARGIN) or g > LOOK_AHEAD or (not calm[i] and g > NOSE_TO_TAIL):
                    self.passing[i] = -1
                else:
                    target = lat[j] + self.side[i] * SIDE_BY_SIDE
                    lo, hi = self._bounds(max(arc[i], arc[i] + g), (-5.0, 20.0))
                    if lo <= target <= hi:
                        reference = line_at[j] if g > 0.0 else line_here[i]
                        desired = float(np.clip(target - reference, -MAX_SHIFT, MAX_SHIFT))
                    else:
                        self.passing[i] = -1
            if self.passing[i] < 0 and PASSING and calm[i] and lead >= 0:
                j = lead
                closing = u[i] - u[j]
                soon = closing > 0.5 and (lead_gap - NOSE_TO_TAIL) / closing < PLAN_TIME
                if soon or (lead_gap < PASS_GAP and closing > -0.5):
                    lo, hi = self._bounds(arc[j], (-10.0, 30.0))
                    options = []
                    for side in (1.0, -1.0):
                        target = lat[j] + side * SIDE_BY_SIDE
                        if lo <= target <= hi:
                            options.append((abs(target - line_at[j]), side, target))
                    if options:
                        _, side, target = min(options)
                        self.passing[i] = j
                        self.side[i] = side
                        desired = float(np.clip(target - line_at[j], -MAX_SHIFT, MAX_SHIFT))
            aim = line_here[i] + desired
            for k in range(n):  # leave room for a car beside us
                g = gap[i, k]
                if k == i or abs(g) > ALONGSIDE or g < -ROOM_BEHIND or not ROOM_RULE or abs(lat[k] - lat[i]) < BESIDE:
                    continue
                aim = min(aim, lat[k] - ROOM) if lat[k] >= lat[i] else max(aim, lat[k] + ROOM)
            lo_here, hi_here = self._bounds(arc[i], (0.0, 0.0))
            aim = min(max(aim, lo_here), hi_here)
            self.shift[i] += float(np.clip(aim - line_here[i] - self.shift[i], -step, step))
        self.last_cap = cap
        self.floor = np.where((np.abs(u) < LAUNCH_SPEED) & (cap >= 1.0), LAUNCH_THROTTLE, -1.0)
        if braking_margin is not None and PASS_THROTTLE > 0.0:
            attacking = (self.passing >= 0) & calm & (braking_margin < -PASS_MARGIN) & (cap >= 1.0)
            self.floor = np.where(attacking, PASS_THROTTLE, self.floor)
        return self.shift.copy(), cap
