"""The report's racing section: issue 14's race benchmark on every track the report measures.

Each shipped track and validation circuit is raced twice with the driver the game would use there (the fine-tuned
model, else the base), hard, 2 laps, from the game's grid (:func:`agents.race_bench.scenarios.run_scenarios`):
an 8-car field race, and the same with the pole car at 80% of its pace. A circuit the editor's rules refuse is listed
with the reason. The table's rows are :mod:`agents.race_bench.table`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.report.records import TrackSpec, display_path

RACE_LAPS = 2
RACE_DIFFICULTY = "hard"


RACE_PNG = "race_positions.png"


@dataclass
class Racing:
    """The racing section's content: one race_bench JSON-like result per raced track."""

    results: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # tracks not raced, and why
    picture: Path | None = None  # the first raced track's two races, where drawn


def race_tracks(
    specs: Sequence[TrackSpec], models_dir: Path, log: Callable[[str], None], picture: Path | None = None
) -> Racing:
    """Race every track; ``picture``: draw the first raced track's two races there (one line a car)."""
    from agents.evaluate import load_track_file, reference_lap_time
    from agents.race_bench.scenarios import run_scenarios
    from game.sim.track import TrackError

    racing = Racing()
    for spec in specs:
        try:
            track = load_track_file(spec.path)
        except TrackError as exc:
            racing.notes.append(f"Not raced: {str(exc).replace(str(spec.path), display_path(spec.path))}")
            continue
        reference = reference_lap_time(track)
        run = run_scenarios(track, spec.path, RACE_LAPS, RACE_DIFFICULTY, reference, models_dir=models_dir)
        driver = run.driver_name
        if picture is not None and racing.picture is None:
            from agents.race_bench.plots import plot_run

            plot_run(picture, run, track.name, RACE_LAPS, RACE_DIFFICULTY)
            racing.picture = picture
        racing.results.append(
            {
                "track": track.name,
                "driver": driver,
                "field": run.field.to_dict(),
                "slow_car": run.slow_car.to_dict(),
            }
        )
        log(
            f"raced {spec.path.name} ({driver}): {run.field.contacts} contacts, {run.field.rescues} rescues; "
            f"slow car: {run.slow_car.rivals_past} of 7 past"
        )
    return racing


def racing_lines(racing: Racing, picture: str | None = None) -> list[str]:
    """The markdown of the racing section (``picture``: the race picture's link, relative to the markdown)."""
    from agents.race_bench.scenarios import SLOW_PACE
    from agents.race_bench.table import CLEAN_SHARE_GOAL, CONTACT_GOAL, HEADER, RIVALS, clean_share_text, row, tally

    results, notes = racing.results, racing.notes
    lines = [
        "",
        "## Racing",
        "",
        f"Issue 14's race benchmark (`python -m agents.race_bench --track T`): 8 AI cars with their characters, "
        f"{RACE_DIFFICULTY}, {RACE_LAPS} laps, from the game's grid, each track with the model the game uses there, "
        "racing with the racecraft the game uses there (`game/drivers/racecraft.py`, with a track's own settings "
        "where `assets/models/tracks/<track>.racecraft.json` has them). "
        f"Field: all 8 at their own pace; slow car: the same with the pole car held to {SLOW_PACE:.0%} of its pace "
        "(braking into corners too; its pace: the lap it did, against its own in the field race). Definitions in "
        "[RACING.md](RACING.md). Goals: every rival past the slow car, at least "
        f"{CLEAN_SHARE_GOAL:.0%} of passes clean, at most {CONTACT_GOAL} contacts and no rescue in the field race.",
        "",
    ]
    if not results:
        return [*lines, "No track was raced.", *[f"* {note}" for note in notes]]
    lines += HEADER.split("\n")
    lines += [row(result, result["driver"]) for result in results]
    t = tally(results)
    share = clean_share_text(t)
    lines += [
        "",
        f"Of {t['tracks']} tracks: all {RIVALS} rivals past the slow car on {t['all_rivals_past']}, "
        f"at most {CONTACT_GOAL} field contacts on {t['field_contacts_within_goal']}, "
        f"no rescue in either race on {t['no_rescue']}; "
        f"{t['clean_passes']} of {t['passes']} passes clean ({share}).",
    ]
    lines += [f"* {note}" for note in notes]
    if picture is not None:
        lines += ["", f"The first track's two races, race position over time, one line a car: ![A race]({picture})"]
    return lines
