"""The rivals' characters: two pace levers each, a seeded line-up, difficulty as their level, no rubber-banding."""

from __future__ import annotations

import numpy as np
import pytest

from game.drivers.centerline import CenterlineDriver
from game.sim.characters import CHARACTERS, character_paces, line_up
from game.sim.physics import DEFAULT_CAR
from game.sim.race import PLAYER_NAME, Race, RaceConfig
from game.sim.rules import DIFFICULTY_PACE, MAX_RIVALS
from game.sim.simulation import place_car

GRID_LINE_CHARS = 50  # the grid screen has room for this many characters of a character's line


def test_seven_characters_each_with_a_name_and_a_line():
    assert len(CHARACTERS) == MAX_RIVALS
    assert len({c.name for c in CHARACTERS}) == len(CHARACTERS)
    assert all(0 < len(c.line) <= GRID_LINE_CHARS and c.name.isupper() for c in CHARACTERS)


def test_characters_differ_in_the_two_levers():
    straight = np.array([c.pace for c in CHARACTERS])
    corner = np.array([c.corner_pace for c in CHARACTERS])
    assert np.any(straight > corner + 0.05) and np.any(corner > straight + 0.05)  # power cars and cornering cars
    assert len(set(zip(straight, corner, strict=True))) == len(CHARACTERS)
    assert straight.max() == corner.max() == 1.0  # the ace is the model's best at the top level
    assert np.all((straight > 0.8) & (corner > 0.8))


def test_the_line_up_is_drawn_from_the_seed():
    assert line_up(3) == list(CHARACTERS[:3])
    assert line_up(7, seed=5) == line_up(7, seed=5)
    assert sorted(c.name for c in line_up(7, seed=5)) == sorted(c.name for c in CHARACTERS)
    assert len({tuple(c.name for c in line_up(7, seed=s)) for s in range(6)}) > 1
    with pytest.raises(ValueError):
        line_up(len(CHARACTERS) + 1)


def test_difficulty_scales_both_levers():
    pace, corner = character_paces(list(CHARACTERS), "easy")
    level = DIFFICULTY_PACE["easy"]
    assert pace == pytest.approx([level * c.pace for c in CHARACTERS])
    assert corner == pytest.approx([level * c.corner_pace for c in CHARACTERS])
    assert DIFFICULTY_PACE["easy"] < DIFFICULTY_PACE["normal"] < DIFFICULTY_PACE["hard"] == 1.0


def test_a_race_gives_each_rival_its_character_and_never_holds_the_player(ring_track):
    config = RaceConfig(laps=1, rivals=7, difficulty="normal", seed=3)
    race = Race(ring_track, config, CenterlineDriver(ring_track, DEFAULT_CAR))
    characters = line_up(7, seed=3)
    assert race.names == [PLAYER_NAME] + [c.name for c in characters]
    assert race.pace[0] == race.corner_pace[0] == 1.0
    assert race.pace[1:] == pytest.approx(character_paces(characters, "normal")[0])
    assert race.corner_pace[1:] == pytest.approx(character_paces(characters, "normal")[1])


def test_no_rubber_banding_rivals_drive_the_same_whether_the_player_is_ahead_or_behind(ring_track):
    controls = {}
    for where in ("behind", "ahead"):
        config = RaceConfig(laps=3, rivals=3, difficulty="easy", seed=1)
        race = Race(ring_track, config, CenterlineDriver(ring_track, DEFAULT_CAR))
        if where == "ahead":  # the player's car well up the road, standing: leading the race
            place_car(race.cars, 0, ring_track, 0.4 * ring_track.length)
        paces = (race.pace.copy(), race.corner_pace.copy())
        seen = []
        for _ in range(race.countdown_ticks + 300):
            race.step((0.0, 0.0))
            seen.append(race.controls[1:].copy())
        assert (race.position_of(0) == 1) == (where == "ahead")
        assert np.array_equal(race.pace, paces[0]) and np.array_equal(race.corner_pace, paces[1])
        controls[where] = np.array(seen)
    assert np.array_equal(controls["behind"], controls["ahead"])
