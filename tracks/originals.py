"""The original RetroRacer tracks, designed as layouts of straights and corners; run to rewrite their files.

    python -m tracks.originals

Each design lists its elements in driving order (turns in degrees, positive to the left) and its length; the
adjustable straights are stretched to close the loop at that length (see game.sim.track.layout).
"""

from __future__ import annotations

import math
from pathlib import Path

from game.sim.track import Track
from game.sim.track.io import save_track
from game.sim.track.layout import Corner, Element, Straight, close_loop, layout_track
from game.sim.track.overlap import surface_overlaps

AUTHOR = "RetroRacer"
LICENCE = "MIT"
HERE = Path(__file__).parent


def corner(radius: float, turn_degrees: float, width: float | None = None, transition: float = 0.4) -> Corner:
    """A corner turning ``turn_degrees`` (positive left) at ``radius`` metres."""
    return Corner(radius, math.radians(turn_degrees), transition, width)


def harbour_hairpins() -> Track:
    """Short and twisty: two hairpins, a chicane on the quay, hardly a straight longer than 200 m."""
    elements: list[Element] = [
        Straight(200, width=11.0),
        corner(14, 178, 10.0, 0.25),  # Lighthouse hairpin
        Straight(90, width=9.0),
        corner(22, -90, 8.5),
        Straight(40, width=8.0),
        corner(20, 95, 8.0),
        Straight(60, width=8.0),
        corner(18, 40, 8.0),  # Quay chicane
        Straight(8, adjustable=False, width=7.5),
        corner(18, -40, 8.0),
        Straight(60, width=8.5),
        corner(26, 110, 9.0),
        Straight(70, width=9.0),
        corner(16, -95, 8.0),
        Straight(40, width=8.5),
        corner(12, 172, 9.5, 0.2),  # Net hairpin
        Straight(120, width=10.0),
        corner(50, -45, 10.0, 0.6),
        Straight(20, adjustable=False, width=10.0),
        corner(45, 35, 10.5, 0.6),
        Straight(60, width=11.0),
    ]
    return _build("Harbour Hairpins", elements, 1500.0, "Short and twisty: two hairpins and a chicane on the quay.")


def kestrel_ridge() -> Track:
    """Fast and flowing: two long straights, sweepers taken flat out, one slow corner to brake for."""
    elements: list[Element] = [
        Straight(600, adjustable=False, width=14.0),
        corner(160, 60, 13.0, 0.5),  # Ridge sweep, a double apex
        Straight(150, width=12.5),
        corner(96, 60, 12.0, 0.5),
        Straight(200, width=12.0),
        corner(120, -30, 12.0, 0.5),  # Kestrel esses
        Straight(30, adjustable=False, width=12.0),
        corner(120, 30, 12.0, 0.5),
        Straight(150, width=12.5),
        corner(56, 90, 11.0, 0.5),
        Straight(400, width=12.0),  # the back straight
        corner(200, -20, 12.0, 0.6),  # Valley kink
        Straight(150, width=12.0),
        corner(72, 80, 11.5, 0.5),
        Straight(100, width=11.0),
        corner(40, 70, 10.5, 0.4),  # Farm corner, the slowest
        Straight(150, width=12.0),
        corner(240, 20, 13.0, 0.6),
        Straight(50, width=13.0),
    ]
    return _build("Kestrel Ridge", elements, None, "Fast and flowing: sweepers taken flat out on a ridge.")


def viaduct_eight() -> Track:
    """A figure-eight: the back straight crosses the main straight on a bridge, the two loops turn opposite ways."""
    elements: list[Element] = [
        Straight(300, width=12.0),  # main straight, passes under the viaduct
        corner(60, 125, 11.0, 0.5),
        Straight(80, width=10.0),
        corner(40, 145, 10.0, 0.4),
        Straight(350, width=11.0),  # back straight, over the viaduct
        corner(35, -100, 10.0, 0.3),
        Straight(120, width=10.0),
        corner(90, -70, 11.0, 0.6),
        Straight(60, width=11.0),
        corner(22, -100, 10.0, 0.3),  # Gasworks hairpin
    ]
    closed = close_loop(elements, total_length=2400.0, min_straight=20.0)
    track = layout_track("Viaduct Eight", closed, 0, 0.15)
    crossing = surface_overlaps(track)[0]
    info = {
        "author": AUTHOR,
        "licence": LICENCE,
        "description": "A figure-eight: the back straight crosses the main straight on a viaduct.",
        "crossing": True,
        "bridge": {
            "over_arc_length": round(crossing.arc_length_b, 1),
            "under_arc_length": round(crossing.arc_length_a, 1),
        },
    }
    return Track(track.name, track.control_points, track.control_width_left, track.control_width_right, info)


def _build(name: str, elements: list[Element], length: float | None, description: str, **metadata: object) -> Track:
    closed = close_loop(elements, total_length=length, min_straight=20.0)
    info = {"author": AUTHOR, "licence": LICENCE, "description": description, **metadata}
    return layout_track(name, closed, 0, 0.6, info)


DESIGNS = {
    "harbour_hairpins.json": harbour_hairpins,
    "kestrel_ridge.json": kestrel_ridge,
    "viaduct_eight.json": viaduct_eight,
}


def main() -> None:
    """Rewrite the track files and report their lengths and any overlap."""
    for file_name, design in DESIGNS.items():
        track = design()
        overlaps = surface_overlaps(track)
        save_track(track, HERE / file_name)
        print(f"{file_name}: {track.name}, {track.length:.0f} m, {len(overlaps)} overlap(s)")


if __name__ == "__main__":
    main()
