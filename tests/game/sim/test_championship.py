"""Championship points, standings, and the season file."""

from __future__ import annotations

import json

import pytest

from game.sim.championship import (
    Championship,
    ChampionshipError,
    championship_from_dict,
    load_championship,
    points_for,
    save_championship,
)
from game.sim.race import CarResult, RaceConfig


def results(order: list[int], dnf: tuple[int, ...] = ()) -> list[CarResult]:
    return [
        CarResult(k + 1, car, f"C{car}", 1, None if car in dnf else 60.0 + k, 60.0, "") for k, car in enumerate(order)
    ]


def season() -> Championship:
    return Championship(["a.json", "b.json", "c.json"], RaceConfig(laps=2, rivals=3), ["YOU", "B", "C", "D"])


def test_points_and_standings_with_countback():
    assert [points_for(p, True) for p in range(1, 10)] == [10, 8, 6, 5, 4, 3, 2, 1, 0]
    assert points_for(1, False) == 0
    champ = season()
    champ.add_round(results([1, 0, 2, 3]))
    champ.add_round(results([0, 1, 3, 2], dnf=(2,)))
    table = champ.standings()
    assert [(row.car, row.points) for row in table] == [(0, 18), (1, 18), (3, 11), (2, 6)]  # a tie
    assert table[0].wins == 1 and table[1].wins == 1  # countback: equal wins and seconds, car 0 first by number
    assert table[3].positions == (3, None)
    assert champ.round_index == 2 and champ.next_track == "c.json" and not champ.finished
    champ.add_round(results([2, 3, 1, 0]))
    assert champ.finished and champ.next_track is None
    with pytest.raises(ChampionshipError, match="over"):
        champ.add_round(results([0, 1, 2, 3]))


def test_wrong_field_is_refused():
    with pytest.raises(ChampionshipError, match="field"):
        season().add_round(results([0, 1, 2]))


def test_season_file_round_trip_and_validation(tmp_path):
    champ = season()
    champ.add_round(results([3, 2, 1, 0], dnf=(0,)))
    path = tmp_path / "champ.json"
    save_championship(champ, path)
    back = load_championship(path)
    assert back.rounds == champ.rounds and back.standings() == champ.standings() and back.config == champ.config
    data = json.loads(path.read_text())
    for change, message in (
        ({"version": 3}, "version"),
        ({"calendar": []}, "calendar"),
        ({"config": {"laps": 2, "rivals": 3, "difficulty": "mad"}}, "difficulty"),
        ({"names": ["YOU"]}, "every car"),
        ({"rounds": [[[0, 1, True], [0, 2, True], [2, 3, True], [3, 4, True]]]}, "every car"),
        ({"rounds": [[[0, 1, 1], [1, 2, True], [2, 3, True], [3, 4, True]]]}, "finished"),
    ):
        with pytest.raises(ChampionshipError, match=message):
            championship_from_dict({**data, **change})
    path.write_text("nope")
    with pytest.raises(ChampionshipError, match="broken JSON"):
        load_championship(path)
