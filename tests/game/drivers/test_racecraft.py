"""Racecraft: following, passing and leaving room, decision by decision, and in races with the shipped driver."""

from __future__ import annotations

import numpy as np
import pytest

from game.drivers.actor import load_actor
from game.drivers.model import ActorDriver
from game.drivers.racecraft import (
    BRAKE,
    DECISION_DT,
    NO_FLOOR,
    SIDE_TO_SIDE,
    Racecraft,
    RacecraftPlan,
    RacecraftSettings,
)
from game.sim.physics import CAR_LATERAL, DEFAULT_CAR, new_cars
from game.sim.race import Race, RaceConfig
from game.sim.racing_line import LINE_CURVATURE, LINE_OFFSET, line_table
from game.sim.simulation import place_car

SHIPPED_BASE = "assets/models/base.npz"
SETTINGS = RacecraftSettings()
STRAIGHT = 0.0  # arc length on the test oval where the line runs straightest (its ends are 75 m corners)
PASS_AT = 150.0  # on the test oval's straight, 32 s from braking at 45 m/s: time for a pass, over and back


def field(track, *cars: tuple[float, float, float]) -> np.ndarray:
    """Cars at (arc length, lateral offset, speed), heading along the track."""
    states = new_cars(len(cars))
    for i, (arc, lateral, speed) in enumerate(cars):
        place_car(states, i, track, arc, lateral, speed)
    return states


def plan(racecraft: Racecraft, cars: np.ndarray, margin: float = -0.5) -> RacecraftPlan:
    return racecraft.plan(cars, np.full(cars.shape[0], margin))


@pytest.fixture()
def racecraft(oval_track) -> Racecraft:
    return Racecraft(oval_track, line_table(oval_track))


def test_alone_the_line_stays_and_the_throttle_is_free(racecraft, oval_track):
    decision = plan(racecraft, field(oval_track, (STRAIGHT, 0.0, 40.0)))
    assert decision.shift[0] == 0.0 and decision.cap[0] == 1.0 and decision.floor[0] == NO_FLOOR


def test_closing_fast_on_a_car_in_our_lane_brakes_and_a_car_far_ahead_does_not(racecraft, oval_track):
    near = plan(racecraft, field(oval_track, (STRAIGHT, 0.0, 50.0), (STRAIGHT + 12.0, 0.0, 20.0)))
    assert near.cap[0] == BRAKE
    assert near.cap[1] == 1.0  # the car ahead is not held up by the one behind
    far = plan(Racecraft(oval_track, line_table(oval_track)), field(oval_track, (0.0, 0.0, 40.0), (55.0, 0.0, 40.0)))
    assert far.cap[0] == 1.0


def test_a_car_in_another_lane_holds_nobody_up(racecraft, oval_track):
    line = line_table(oval_track)[0, LINE_OFFSET]
    other_lane = line + SIDE_TO_SIDE + SETTINGS.lane_margin + 0.5
    decision = plan(racecraft, field(oval_track, (STRAIGHT, line, 50.0), (STRAIGHT + 12.0, other_lane, 20.0)))
    assert decision.cap[0] == 1.0


def test_a_slower_car_ahead_on_a_straight_is_passed_on_the_side_with_room(racecraft, oval_track):
    """Both cars 3 m right of the middle of a 12 m road: there is room on the left only; the line moves there."""
    cars = field(oval_track, (PASS_AT, -3.0, 45.0), (PASS_AT + 20.0, -3.0, 35.0))
    shifts = [plan(racecraft, cars).shift[0] for _ in range(40)]
    assert racecraft.passing[0] == 1 and racecraft.side[0] == 1.0
    steps = np.diff([0.0, *shifts])
    assert np.all(steps >= -1e-12) and np.all(steps <= SETTINGS.shift_rate * DECISION_DT + 1e-12)
    aim = float(racecraft.at(racecraft.line_offset, PASS_AT + 20.0) + shifts[-1])
    assert aim + 3.0 >= SIDE_TO_SIDE + SETTINGS.lane_margin  # out of its lane: we may close up now
    assert plan(racecraft, cars).cap[0] == BRAKE  # still in its lane: no closing up yet
    moved_over = field(oval_track, (PASS_AT, aim, 45.0), (PASS_AT + 20.0, -3.0, 35.0))
    assert plan(racecraft, moved_over).cap[0] == 1.0  # beside its lane: free to close up and pass
    assert plan(racecraft, moved_over, margin=-0.5).floor[0] == SETTINGS.attack_throttle  # flat out past it ...
    assert plan(racecraft, moved_over, margin=0.0).floor[0] == NO_FLOOR  # ... while no corner asks for the brakes


def test_the_line_moves_less_towards_an_edge_that_the_line_runs_to(racecraft, oval_track):
    """Where the racing line heads for the left edge, the room to move it left is the room where it will be."""
    rise = int(np.argmax(np.diff(racecraft.line_offset)))
    arc = rise * oval_track.spacing
    _, left_here = racecraft.shift_bounds(arc, 0.0)
    _, left_ahead = racecraft.shift_bounds(arc, 40.0)
    assert left_here == pytest.approx(racecraft.room_left[rise])
    assert left_ahead < left_here - 1.0
    far_left = field(oval_track, (arc, 5.0, 40.0), (arc - 1.0, 2.0, 40.0))  # a car beside us on our right
    for _ in range(40):
        decision = racecraft.plan(far_left, np.full(2, -0.5))
    assert decision.shift[0] <= racecraft.shift_bounds(arc, 40.0 * SETTINGS.edge_look)[1] + 1e-9


def test_no_pass_starts_where_the_braking_look_ahead_says_brake_soon(racecraft, oval_track):
    cars = field(oval_track, (PASS_AT, 3.0, 45.0), (PASS_AT + 20.0, 3.0, 35.0))
    plan(racecraft, cars, margin=-SETTINGS.calm_margin / 2)
    assert racecraft.passing[0] == -1
    plan(racecraft, cars, margin=-0.5)
    assert racecraft.passing[0] == 1


def test_a_car_beside_keeps_its_room(racecraft, oval_track):
    """A car alongside 2.5 m to our left: our line moves away from it, never towards it."""
    line = float(line_table(oval_track)[0, LINE_OFFSET])
    cars = field(oval_track, (STRAIGHT, line, 40.0), (STRAIGHT + 1.0, line + 2.5, 40.0))
    for _ in range(10):
        decision = plan(racecraft, cars)
    aim = line + decision.shift[0]
    assert aim < line
    assert cars[1, CAR_LATERAL] - aim > 2.5  # more room than it had


def test_stopped_with_the_way_clear_pulls_away_but_not_into_a_car(racecraft, oval_track):
    clear = plan(racecraft, field(oval_track, (STRAIGHT, 0.0, 0.0)))
    assert clear.floor[0] == SETTINGS.launch_throttle
    queue = Racecraft(oval_track, line_table(oval_track))
    assert plan(queue, field(oval_track, (0.0, 0.0, 0.0), (6.2, 0.0, 0.0))).floor[0] == NO_FLOOR
    assert plan(queue, field(oval_track, (0.0, 0.0, 2.0), (6.0, 0.0, 0.0))).cap[0] <= 0.0


def test_the_cap_wins_over_the_floor():
    decision = RacecraftPlan(np.zeros(3), np.array([0.6, 0.6, NO_FLOOR]), np.array([1.0, BRAKE, 0.0]))
    assert decision.bound(np.array([0.2, 0.9, 0.5])).tolist() == [0.6, BRAKE, 0.0]


def test_driving_alone_is_exactly_the_driver_s_own(oval_track):
    """A lap alone from a standing start: every car state the same, tick by tick, with racecraft and without."""
    actor = load_actor(SHIPPED_BASE)
    races = [
        Race(oval_track, RaceConfig(laps=1, rivals=0, watch=True), ActorDriver(actor, oval_track, DEFAULT_CAR, on))
        for on in (True, False)
    ]
    for _ in range(races[0].countdown_ticks + 60 * 40):
        for race in races:
            race.step()
        assert np.array_equal(races[0].cars, races[1].cars)


def test_the_driver_reads_its_moved_line(oval_track):
    """The shift reaches the model: a car asked to pass on the right steers right of where it would go alone."""
    actor = load_actor(SHIPPED_BASE)
    driver = ActorDriver(actor, oval_track, DEFAULT_CAR)
    cars = field(oval_track, (STRAIGHT, 3.0, 30.0), (STRAIGHT + 20.0, 3.0, 20.0))  # slow enough: no braking soon
    for _ in range(20):
        actions = driver.act(cars)
    alone = ActorDriver(actor, oval_track, DEFAULT_CAR, racecraft=False).act(cars)
    assert driver.racecraft is not None and driver.racecraft.shift[0] < -1.0
    assert actions[0, 0] < alone[0, 0]  # steering: negative is to the right


def test_a_line_moved_inside_a_corner_brakes_for_it_and_one_moved_outside_does_not(racecraft, oval_track):
    """At the apex of the oval's corner: 3 m to the inside, the limit speed drops by sqrt(1 - curvature x 3 m)."""
    apex = int(np.argmax(np.abs(racecraft.line_curvature)))
    curvature = float(racecraft.line_curvature[apex])
    inside = 3.0 * np.sign(curvature)  # positive shift: to the left, the inside of a left turn
    arc = apex * oval_track.spacing
    limit = float(racecraft.limit_speed[apex])
    tighter = limit * np.sqrt(1.0 - curvature * inside)
    assert tighter < limit - 0.5
    assert racecraft._corner_speed(arc, inside, limit) == pytest.approx(tighter, rel=1e-6)
    assert racecraft._corner_speed(arc, -inside, limit) == np.inf
    assert racecraft._corner_speed(arc, 0.1 * inside, limit) == np.inf  # under corner_shift: the driver's own line
    line = float(racecraft.line_offset[apex])
    cars = field(oval_track, (arc, line + inside, limit + 1.0))  # a little over the line's limit, a lot over ours
    for settings, cap in ((SETTINGS, BRAKE), (RacecraftSettings(corner_braking=0.0), 1.0)):
        moved = Racecraft(oval_track, line_table(oval_track), settings)
        moved.reset(1)
        moved.shift[0] = inside  # as if a car beside had moved us over
        assert plan(moved, cars).cap[0] == cap


def test_near_a_hairpin_the_line_moves_away_slowly_and_back_at_the_full_rate(oval_track):
    """A car beside pushes our line over: on a straight at the full rate, near a hairpin by hairpin_slope per metre."""
    track_line = line_table(oval_track)
    apex = int(np.argmax(np.abs(track_line[:, LINE_CURVATURE])))
    radius = 1.0 / abs(float(track_line[apex, LINE_CURVATURE]))
    settings = RacecraftSettings(hairpin_radius=radius + 5.0)  # the oval's ends count as hairpins
    speed = 20.0
    full = settings.shift_rate * DECISION_DT
    slow = settings.hairpin_slope * speed * DECISION_DT
    hairpin = Racecraft(oval_track, track_line, settings).hairpin
    assert hairpin.min() == 0.0 and hairpin[apex] == 1.0
    straight = float(np.argmin(hairpin)) * oval_track.spacing
    for arc, most in ((straight, full), (apex * oval_track.spacing, slow)):
        racecraft = Racecraft(oval_track, track_line, settings)
        line = float(racecraft.at(racecraft.line_offset, arc))
        cars = field(oval_track, (arc, line, speed), (arc + 1.0, line + 2.5, speed))
        before = plan(racecraft, cars).shift[0]
        assert before == pytest.approx(-most)  # away from the car beside, as fast as allowed here
        racecraft.shift[0] = -3.0  # moved well over: with the car gone, back towards the line at the full rate
        gone = field(oval_track, (arc, line - 3.0, speed), (arc + 150.0, line, speed))  # far ahead now
        back = plan(racecraft, gone).shift[0]
        assert back == pytest.approx(-3.0 + full)


@pytest.mark.parametrize(
    ("name", "away_slowly"),
    [
        ("corner_shift_rate", True),  # off a straight (braking soon, or a corner near): both ways
        ("braking_return_rate", False),  # in a braking zone, back towards the line only: a car beside moves it fast
    ],
)
def test_braking_the_line_moves_at_the_slower_rate_a_setting_gives(oval_track, name, away_slowly):
    """With the braking look-ahead at 0 (brake now) the line moves at the setting's 1 m/s; at -0.5 at the full rate."""
    settings = RacecraftSettings(hairpin_slope=0.0, **{name: 1.0})
    full = settings.shift_rate * DECISION_DT
    slow = 1.0 * DECISION_DT
    for margin, away, back in ((-0.5, full, full), (0.0, slow if away_slowly else full, slow)):
        racecraft = Racecraft(oval_track, line_table(oval_track), settings)
        line = float(racecraft.at(racecraft.line_offset, STRAIGHT))
        cars = field(oval_track, (STRAIGHT, line, 40.0), (STRAIGHT + 1.0, line + 2.5, 40.0))
        assert plan(racecraft, cars, margin).shift[0] == pytest.approx(-away)  # away from the car beside
        racecraft.shift[0] = -3.0
        gone = field(oval_track, (STRAIGHT, line - 3.0, 40.0), (STRAIGHT + 150.0, line, 40.0))
        assert plan(racecraft, gone, margin).shift[0] == pytest.approx(-3.0 + back)


def test_a_car_side_by_side_and_a_little_behind_into_a_corner_brakes_to_tuck_in(racecraft, oval_track):
    """Both cars at one speed into a corner, ours a metre back and beside it: we brake, not only lift."""
    arc = float(np.argmax(np.abs(racecraft.line_curvature))) * oval_track.spacing - 30.0
    cars = field(oval_track, (arc, -1.0, 30.0), (arc + 1.0, 1.0, 30.0))
    decision = plan(racecraft, cars, margin=0.5)  # braking now: no calm
    assert decision.cap[0] == BRAKE
    assert decision.cap[1] == 1.0  # the car ahead is not the one to give way


def test_a_pass_not_alongside_is_given_up_in_time_for_the_line_to_get_back_before_braking(oval_track):
    """A pass 6 m behind at equal speed goes on far from the braking point, and is given up near it (the line
    3 m over needs 0.75 s to get back, and return_time more), however fast we close by default; with a
    ``return_closing`` set, a pass closing faster than that goes on."""
    speed, shift = 40.0, 3.0
    far, near = 400.0, 640.0  # along the oval's straight, towards its end
    racecraft = Racecraft(oval_track, line_table(oval_track))
    way_back = shift / SETTINGS.shift_rate + SETTINGS.return_time
    assert racecraft._time_to_brake(near, speed) < way_back < racecraft._time_to_brake(far, speed)
    lenient = RacecraftSettings(return_closing=2.0)
    cases = ((far, 0.0, True, SETTINGS), (near, 0.0, False, SETTINGS), (near, 5.0, False, SETTINGS))
    for arc, closing, going_on, settings in (*cases, (near, 0.0, False, lenient), (near, 3.0, True, lenient)):
        racecraft = Racecraft(oval_track, line_table(oval_track), settings)
        racecraft.reset(2)
        racecraft.passing[0], racecraft.side[0], racecraft.shift[0] = 1, 1.0, shift
        line = float(racecraft.at(racecraft.line_offset, arc))
        cars = field(oval_track, (arc, line + shift, speed + closing), (arc + 6.0, line, speed))
        plan(racecraft, cars)
        assert (racecraft.passing[0] == 1) == going_on, (arc, closing, settings.return_closing)


def test_no_pass_starts_without_the_time_to_move_over_and_back_before_braking(oval_track):
    """A car 20 m ahead in our lane at our speed is passed far from the braking point; near it (over, back and
    return_time no longer fit), the pass does not start, however fast we close by default; with a
    ``return_closing`` set, closing faster than that, it starts."""
    speed, far, near = 40.0, 400.0, 620.0
    racecraft = Racecraft(oval_track, line_table(oval_track))
    over_and_back = 2.0 * (SIDE_TO_SIDE + SETTINGS.pass_clearance) / SETTINGS.shift_rate + SETTINGS.return_time
    assert racecraft._time_to_brake(near, speed) < over_and_back < racecraft._time_to_brake(far, speed)
    lenient = RacecraftSettings(return_closing=2.0)
    cases = ((far, 0.0, True, SETTINGS), (near, 0.0, False, SETTINGS), (near, 5.0, False, SETTINGS))
    for arc, closing, starts, settings in (*cases, (near, 0.0, False, lenient), (near, 3.0, True, lenient)):
        racecraft = Racecraft(oval_track, line_table(oval_track), settings)
        ours, its = racecraft.at(racecraft.line_offset, np.array([arc, arc + 20.0]))  # both on the line
        plan(racecraft, field(oval_track, (arc, ours, speed + closing), (arc + 20.0, its, speed)))
        assert (racecraft.passing[0] == 1) == starts, (arc, closing, settings.return_closing)


def test_the_compiled_shift_bounds_are_the_least_room_at_nine_points(twisty_track):
    # shift_bounds (compiled: training calls it every step) against its numpy definition, the least room over
    # np.linspace(arc, arc + ahead, 9) interpolated round the lap, bit for bit.
    racecraft = Racecraft(twisty_track, line_table(twisty_track))
    rng = np.random.default_rng(0)
    for arc, ahead in zip(rng.uniform(-100.0, 3.0 * racecraft.length, 300), rng.uniform(0.0, 60.0, 300), strict=True):
        least_right = float(np.min(racecraft.at(racecraft.room_right, arc + np.linspace(0.0, ahead, 9))))
        least_left = float(np.min(racecraft.at(racecraft.room_left, arc + np.linspace(0.0, ahead, 9))))
        assert racecraft.shift_bounds(arc, ahead) == (min(-least_right, 0.0), max(least_left, 0.0))
