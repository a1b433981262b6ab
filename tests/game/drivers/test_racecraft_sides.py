"""Racecraft settings of a pass (off by default): keeping its side (``keep_side``), the attack floor near its line."""

from __future__ import annotations

import numpy as np
from test_racecraft import PASS_AT, field  # the same scenes: cars placed on the test oval, far from braking

from game.drivers.racecraft import BRAKE, Racecraft, RacecraftSettings
from game.sim.racing_line import line_table
from game.sim.simulation import place_car


def decide(racecraft: Racecraft, cars: np.ndarray):
    return racecraft.plan(cars, np.full(cars.shape[0], -0.5))


def started_on_the_left(oval_track, keep_side: float) -> Racecraft:
    """A pass of a slower car 20 m ahead, both 3 m right of the middle: it starts on the left, where the room is."""
    racecraft = Racecraft(oval_track, line_table(oval_track), RacecraftSettings(keep_side=keep_side))
    decide(racecraft, field(oval_track, (PASS_AT, -3.0, 45.0), (PASS_AT + 20.0, -3.0, 35.0)))
    assert racecraft.passing[0] == 1 and racecraft.side[0] == 1.0
    return racecraft


def swung(oval_track) -> np.ndarray:
    """Both cars 2 m left of the middle: beside it on the left (5.2 m) is off the road's edge margin (4.7 m)."""
    return field(oval_track, (PASS_AT, 2.0, 45.0), (PASS_AT + 20.0, 2.0, 35.0))


def test_a_pass_behind_whose_side_runs_out_of_road_switches_sides_by_default(oval_track):
    racecraft = started_on_the_left(oval_track, keep_side=0.0)
    decide(racecraft, swung(oval_track))
    assert racecraft.passing[0] == 1 and racecraft.side[0] == -1.0  # given up, and started again on the right


def test_with_keep_side_it_holds_its_side_at_the_edge_and_stays_behind(oval_track):
    racecraft = started_on_the_left(oval_track, keep_side=1.0)
    decision = decide(racecraft, swung(oval_track))
    assert racecraft.passing[0] == 1 and racecraft.side[0] == 1.0
    _, left = racecraft.shift_bounds(PASS_AT, 45.0 * racecraft.settings.edge_look)
    assert 0.0 < decision.shift[0] <= left + 1e-9  # towards the left edge, not past the room there
    assert decision.cap[0] == BRAKE  # in its lane, closing at 10 m/s: the follow cap keeps us behind


def test_alongside_and_out_of_room_keep_side_2_holds_the_side_and_1_gives_up(oval_track):
    for keep_side, holds in ((1.0, False), (2.0, True)):
        racecraft = started_on_the_left(oval_track, keep_side)
        alongside = field(oval_track, (PASS_AT + 19.0, 4.5, 40.0), (PASS_AT + 20.0, 2.0, 35.0))
        decide(racecraft, alongside)
        assert (racecraft.passing[0] == 1) == holds, keep_side


def test_keep_side_3_lets_a_car_alongside_the_one_it_passes_go_faster_than_it(oval_track):
    """Alongside, 2.1 m to its left (not touching), 5 m/s faster, our line running where it is: held to its speed
    (braking) unless keep_side is 3."""
    for keep_side, free in ((2.0, False), (3.0, True)):
        racecraft = started_on_the_left(oval_track, keep_side)
        racecraft.shift[0] = 0.0  # our line: its line
        line = float(racecraft.at(racecraft.line_offset, PASS_AT + 20.0))
        alongside = field(oval_track, (PASS_AT + 18.0, line + 2.1, 45.0), (PASS_AT + 20.0, line, 40.0))
        decision = decide(racecraft, alongside)
        assert (decision.cap[0] == 1.0) == free, keep_side


def test_the_attack_floor_leaves_a_car_far_off_its_moved_line_alone_when_asked(oval_track):
    """Passing on the straight, the way clear: flat out on the moved line; 2 m off it (recovering), only by default."""
    for attack_off_line, floored_off_it in ((0.0, True), (1.5, False)):
        racecraft = Racecraft(oval_track, line_table(oval_track), RacecraftSettings(attack_off_line=attack_off_line))
        cars = field(oval_track, (PASS_AT, -3.0, 45.0), (PASS_AT + 20.0, -3.0, 35.0))
        for _ in range(40):
            decision = decide(racecraft, cars)
        aim = float(racecraft.at(racecraft.line_offset, PASS_AT) + decision.shift[0])
        on_it = decide(racecraft, field(oval_track, (PASS_AT, aim, 45.0), (PASS_AT + 20.0, -3.0, 35.0)))
        assert on_it.floor[0] == racecraft.settings.attack_throttle
        off_it = decide(racecraft, field(oval_track, (PASS_AT, aim + 2.0, 45.0), (PASS_AT + 20.0, -3.0, 35.0)))
        assert (off_it.floor[0] == racecraft.settings.attack_throttle) == floored_off_it, attack_off_line


def line_swinging_right(racecraft: Racecraft, start: float, metres: float = 40.0, across: float = 4.5) -> None:
    """The racing line from ``start`` on moves ``across`` metres to the right over ``metres``, then stays there."""
    arc = np.arange(racecraft.line_offset.shape[0]) * racecraft.spacing
    racecraft.line_offset = racecraft.line_offset - across * np.clip((arc - start) / metres, 0.0, 1.0)


def test_open_side_starts_a_pass_on_the_side_the_line_ahead_leaves(oval_track):
    """A slower car 20 m ahead, 0.5 m left of the middle (the line runs 2.4 m right of it), the line then swinging
    4.5 m to the right from 30 m past it: by default the pass takes the right (nearer the line), with ``open_side``
    the left, which that car is about to leave."""
    for open_side, side in ((0.0, -1.0), (80.0, 1.0)):
        racecraft = Racecraft(oval_track, line_table(oval_track), RacecraftSettings(open_side=open_side))
        line_swinging_right(racecraft, PASS_AT + 50.0)
        decide(racecraft, field(oval_track, (PASS_AT, 0.0, 45.0), (PASS_AT + 20.0, 0.5, 35.0)))
        assert racecraft.passing[0] == 1 and racecraft.side[0] == side, open_side


def test_open_side_takes_the_line_as_it_is_where_it_does_not_swing(oval_track):
    plain = Racecraft(oval_track, line_table(oval_track))
    opening = Racecraft(oval_track, line_table(oval_track), RacecraftSettings(open_side=80.0))
    cars = field(oval_track, (PASS_AT, -3.0, 45.0), (PASS_AT + 20.0, -3.0, 35.0))
    assert decide(plain, cars).shift[0] == decide(opening, cars).shift[0] != 0.0


def drifting_past(
    oval_track, lane_look: float, drift: float, opened: bool | None = None, swinging: bool | None = None
) -> float:
    """Our cap behind a slower car 10 m ahead and 1.5 m to its right (in its lane), our line 3 m to its left, our car
    drifting left at ``drift`` m/s; with ``opened`` given, ``lane_look_opened`` on and our pass of it started on the
    opening side or not; with ``swinging`` given, ``lane_look_swing`` on and that car's line swinging right ahead of
    it or not."""
    swing = {} if swinging is None else {"lane_look_swing": 1.0, "open_side": 80.0}
    settings = RacecraftSettings(lane_look=lane_look, lane_look_opened=0.0 if opened is None else 1.0, **swing)
    racecraft = Racecraft(oval_track, line_table(oval_track), settings)
    racecraft.reset(2)
    if swinging:
        line_swinging_right(racecraft, PASS_AT + 20.0)
    if opened is not None:
        racecraft.passing[0], racecraft.side[0], racecraft.opened[0] = 1, 1.0, opened
    lead_lat = float(racecraft.at(racecraft.line_offset, PASS_AT + 10.0))
    racecraft.shift[0] = lead_lat + 3.0 - float(racecraft.at(racecraft.line_offset, PASS_AT))
    cars = field(oval_track, (PASS_AT, lead_lat + 1.5, 40.0), (PASS_AT + 10.0, lead_lat, 35.0))
    place_car(cars, 0, oval_track, PASS_AT, lead_lat + 1.5, 40.0, heading_offset=float(np.arcsin(drift / 40.0)))
    return float(decide(racecraft, cars).cap[0])


def test_lane_look_frees_a_car_drifting_out_of_the_lane_before_it_closes(oval_track):
    assert drifting_past(oval_track, lane_look=0.0, drift=2.4) < 1.0  # by default held by where it is
    assert drifting_past(oval_track, lane_look=1.0, drift=2.4) == 1.0  # out of the lane (3.2 m) before touching
    assert drifting_past(oval_track, lane_look=1.0, drift=0.3) < 1.0  # too slowly to be out in time
    assert drifting_past(oval_track, lane_look=1.0, drift=-2.4) < 1.0  # drifting towards it


def test_lane_look_opened_frees_only_a_pass_started_on_the_opening_side(oval_track):
    assert drifting_past(oval_track, lane_look=1.0, drift=2.4, opened=True) == 1.0
    assert drifting_past(oval_track, lane_look=1.0, drift=2.4, opened=False) < 1.0


def test_lane_look_swing_frees_only_behind_a_car_whose_line_swings_across(oval_track):
    assert drifting_past(oval_track, lane_look=1.0, drift=2.4, swinging=True) == 1.0
    assert drifting_past(oval_track, lane_look=1.0, drift=2.4, swinging=False) < 1.0


def test_a_pass_started_on_the_opening_side_is_marked_so(oval_track):
    for open_side, opened in ((0.0, False), (80.0, True)):
        racecraft = Racecraft(oval_track, line_table(oval_track), RacecraftSettings(open_side=open_side))
        line_swinging_right(racecraft, PASS_AT + 50.0)
        decide(racecraft, field(oval_track, (PASS_AT, 0.0, 45.0), (PASS_AT + 20.0, 0.5, 35.0)))
        assert racecraft.passing[0] == 1 and racecraft.opened[0] == opened, open_side


def test_hold_given_up_keeps_a_car_behind_the_car_whose_pass_it_gave_up_until_its_line_is_back(oval_track):
    """A pass 6 m behind, its line 3 m out, given up (the corner near): by default the car it gave up on holds it only
    where it is; with ``hold_given_up`` it is held to that car's speed until its line is back."""
    for hold, held in ((0.0, False), (1.0, True)):
        racecraft = Racecraft(oval_track, line_table(oval_track), RacecraftSettings(hold_given_up=hold))
        racecraft.reset(2)
        racecraft.passing[0], racecraft.side[0] = 1, 1.0
        racecraft.shift[0] = 3.0
        line = float(racecraft.at(racecraft.line_offset, PASS_AT))
        cars = field(oval_track, (PASS_AT, line + 3.0, 40.0), (PASS_AT + 7.0, line, 35.0))
        racecraft.plan(cars, np.full(2, 0.5))  # braking soon: no pass goes on
        assert racecraft.passing[0] == -1
        decision = racecraft.plan(cars, np.full(2, 0.5))
        assert (decision.cap[0] < 1.0) == held, hold
