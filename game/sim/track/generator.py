"""Random race tracks for domain randomisation: a new circuit at every training episode, reproducible from a seed.

A track is drawn as a real circuit is designed: a loop of features (hairpins, slow and medium corners, fast
sweepers, kinks, chicanes, esses) joined by straights of very different lengths, some long, most short. The
corners' turns are balanced to add up to one full turn, the straights are adjusted to close the loop at the drawn
length (see :mod:`game.sim.track.layout`, which never distorts a corner), and the total width varies from element to
element. A draw is kept only if the track is valid, no corner is tighter than :attr:`GeneratorSettings.min_radius`,
and no two parts of the track come closer than :attr:`GeneratorSettings.clearance`; otherwise the next draw from
the same random generator is tried, so a seed always gives the same track.

With :attr:`GeneratorSettings.feature_mix_spread` > 0 each track also draws a character of its own: its own mix of
features (a Dirichlet draw around the standard mix, switchbacks included) and its own density of corners; with
:attr:`GeneratorSettings.wide_share` > 0 some tracks are up to ``wide_max_width`` wide. At the defaults (0) the
generator draws exactly what it always drew.

This module never imports pygame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from game.sim.track import Track, TrackError
from game.sim.track.layout import Corner, Element, LayoutError, Straight, close_loop, sample_layout
from game.sim.track.overlap import clashing_pairs

FULL_TURN = 2.0 * math.pi  # [rad]


@dataclass(frozen=True)
class GeneratorSettings:
    """What kind of tracks :func:`generate_track` makes.

    Attributes:
        min_length: Shortest track [m].
        max_length: Longest track [m].
        min_width: Narrowest total width (left + right) [m].
        max_width: Widest total width [m].
        min_radius: No corner of the resampled track may be tighter [m]; hairpins are drawn from 12 m.
        clearance: Gap kept between the surfaces of different parts of the track [m].
        max_straight: Longest straight [m].
        max_attempts: Draws tried before giving up.
        feature_mix_spread: How far each track's own character strays from the standard: its mix of features is
            a Dirichlet draw around :data:`FEATURES` (plus :data:`VARIETY_FEATURES`) with concentration
            1 / feature_mix_spread, and its density of features is scaled by a log-normal factor of this sigma
            (clipped to 0.6-3). 0 gives every track the standard mix and density; 0.3 gives tracks from
            hairpin-heavy to sweeper-heavy.
        wide_share: Share of tracks whose widths are drawn up to ``wide_max_width`` instead of ``max_width``.
        wide_max_width: Widest total width of the wide tracks [m]; the Norisring is up to 21 m wide.
        circuit_corner_share: Share of features drawn from :data:`CIRCUIT_FEATURES` (tight 90-degree corners, long
            corners, double apexes: what real circuits have more of than the standard mix, see docs/TRACKS.md);
            the standard features share the rest. 0 draws the standard mix only.
        width_zones: Wide zones, a few elements (straights, corners) in a row (:data:`WIDE_ZONE_START`,
            :data:`WIDE_ZONE_ELEMENTS`), are this much wider at most (drawn uniformly from half of it to all of
            it) [m], beyond ``max_width`` if need be: real circuits widen at their pit straights and run-offs
            (their widths vary by 7.6 m round a lap, median of the 15 validation circuits; the standard tracks'
            by 4.3 m). 0 keeps the widths as they were.
        brake_zone_share: Chance, for each straight of at least :data:`BRAKE_ZONE_STRAIGHT`, that the feature after
            it is swapped with a slow corner (tighter than :data:`SLOW_CORNER_RADIUS`) from elsewhere in the lap:
            real circuits brake hard from their long straights into slow corners more often than random order
            gives. 0 keeps the order as drawn.
        linked_corner_share: Share of features drawn from :data:`LINKED_FEATURES`: two corners a short straight
            apart where the car accelerates out of the first and brakes into the second (a chicane with room
            between, a tightening corner into a flick the other way), which real circuits have about twice as
            many of (docs/TRACKS.md) and where the base leaves the road. 0 draws none.
    """

    min_length: float = 1000.0
    max_length: float = 6000.0
    min_width: float = 7.0
    max_width: float = 15.0
    min_radius: float = 10.0
    clearance: float = 3.0
    max_straight: float = 1000.0
    max_attempts: int = 100
    feature_mix_spread: float = 0.0
    wide_share: float = 0.0
    wide_max_width: float = 22.0
    circuit_corner_share: float = 0.0
    width_zones: float = 0.0
    brake_zone_share: float = 0.0
    linked_corner_share: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 < self.min_length <= self.max_length:
            raise ValueError(f"need 0 < min_length <= max_length, got {self.min_length}, {self.max_length}")
        if not 0.0 < self.min_width <= self.max_width:
            raise ValueError(f"need 0 < min_width <= max_width, got {self.min_width}, {self.max_width}")
        if not self.feature_mix_spread >= 0.0:
            raise ValueError(f"feature_mix_spread must not be negative, got {self.feature_mix_spread}")
        if not 0.0 <= self.wide_share <= 1.0:
            raise ValueError(f"wide_share must be in [0, 1], got {self.wide_share}")
        if not 0.0 <= self.circuit_corner_share <= 1.0:
            raise ValueError(f"circuit_corner_share must be in [0, 1], got {self.circuit_corner_share}")
        if not 0.0 <= self.linked_corner_share <= 1.0:
            raise ValueError(f"linked_corner_share must be in [0, 1], got {self.linked_corner_share}")
        if self.circuit_corner_share + self.linked_corner_share > 1.0:
            raise ValueError("circuit_corner_share + linked_corner_share must not exceed 1")
        if not 0.0 <= self.brake_zone_share <= 1.0:
            raise ValueError(f"brake_zone_share must be in [0, 1], got {self.brake_zone_share}")
        if not self.width_zones >= 0.0:
            raise ValueError(f"width_zones must not be negative, got {self.width_zones}")
        if self.wide_share > 0.0 and not self.wide_max_width >= self.max_width:
            raise ValueError(f"need wide_max_width >= max_width, got {self.wide_max_width}, {self.max_width}")


# Features: (name, probability, share of them turning the same way as the circuit).
FEATURES = (
    ("hairpin", 0.12, 0.8),
    ("slow corner", 0.20, 0.65),
    ("medium corner", 0.20, 0.6),
    ("sweeper", 0.18, 0.6),
    ("kink", 0.08, 0.50),
    ("chicane", 0.14, 0.50),
    ("esses", 0.08, 0.50),
)
# Only in tracks with their own mix (GeneratorSettings.feature_mix_spread > 0), so the standard mix stays as it was.
VARIETY_FEATURES = (("switchback", 0.08, 0.5),)
# Only with GeneratorSettings.circuit_corner_share > 0: corners real circuits have more of (measured by
# agents.track_stats on the validation circuits, docs/TRACKS.md). Probabilities within this group.
CIRCUIT_FEATURES = (
    ("tight corner", 0.45, 0.65),  # 11-20 m, 70-120 degrees: the ordinary slow corner of a street or GP circuit
    ("long corner", 0.35, 0.7),  # 25-60 m turning 100-190 degrees, with long clothoids (entry and exit spirals)
    ("double apex", 0.20, 0.7),  # two corners the same way, 20-50 m, 40-80 degrees each, 5-30 m apart
)
# Only with GeneratorSettings.linked_corner_share > 0: corner sequences braked into right after accelerating
# (agents.track_stats "linked corners": 0.48 per km on the validation circuits with a corner under 25 m, 0.27 on the
# recipe's random tracks). Probabilities within this group.
LINKED_FEATURES = (
    ("linked corners", 0.6, 0.5),  # 15-45 m, then 5-80 m on, a tighter 11-25 m corner the other way
    ("tightening flick", 0.4, 0.6),  # a 30-70 m corner tightening to 12-25 m, then a 12-30 m flick the other way
)
BRAKE_ZONE_STRAIGHT = 300.0  # [m] (nominal length) straights that GeneratorSettings.brake_zone_share may end slowly
SLOW_CORNER_RADIUS = 25.0  # [m]
WIDE_ZONE_START = 0.1  # with GeneratorSettings.width_zones: chance that a wide zone starts at an element
WIDE_ZONE_ELEMENTS = (2, 5)  # elements (straights and corners) in a wide zone, fewest and most
MAX_FEATURES = 20
MIN_TURN_SCALE, MAX_TURN_SCALE = 0.75, 1.35  # how much balancing may stretch the corners turning with the circuit


def generate_track(seed: int, settings: GeneratorSettings | None = None, name: str | None = None) -> Track:
    """A random closed circuit, always the same for the same seed and settings.

    Args:
        seed: Seed of the numpy random generator.
        settings: Kind of track; defaults to :class:`GeneratorSettings()`.
        name: Display name; defaults to "Generated <seed>".

    Returns:
        A valid track without self-overlap.

    Raises:
        TrackError: No acceptable track in ``settings.max_attempts`` draws (does not happen with the defaults).
    """
    settings = settings or GeneratorSettings()
    rng = np.random.default_rng(seed)
    for attempt in range(settings.max_attempts):
        length = float(rng.uniform(settings.min_length, settings.max_length))
        try:
            elements = _draw_layout(rng, length, settings)
            elements = close_loop(elements, total_length=length, max_straight=settings.max_straight)
        except LayoutError:
            continue
        main_straight = int(np.argmax([e.length if isinstance(e, Straight) else -1.0 for e in elements]))
        samples = sample_layout(elements, main_straight, 0.6)
        half = 0.5 * samples.width
        if _clashes(samples.points, samples.heading, half, settings.clearance):
            continue  # cheap check on the control points first
        metadata = {
            "author": "RetroRacer track generator",
            "generator": "game.sim.track.generator",
            "seed": int(seed),
            "attempt": attempt,
        }
        try:
            track = Track(name or f"Generated {seed}", samples.points, half, half.copy(), metadata)
        except TrackError:
            continue
        if np.max(np.abs(track.curvature)) > 1.0 / settings.min_radius:
            continue
        if not _clashes(track.centerline, track.heading, track.width_left, settings.clearance):
            return track
    raise TrackError(f"no acceptable track for seed {seed} in {settings.max_attempts} attempts")


def _clashes(points: np.ndarray, heading: np.ndarray, half_width: np.ndarray, clearance: float) -> bool:
    pairs, _ = clashing_pairs(points, heading, half_width, half_width, clearance)
    return pairs.shape[0] > 0


def _draw_layout(rng: np.random.Generator, length: float, settings: GeneratorSettings) -> list[Element]:
    """Features with straights between them, turning one full turn in all, with nominal straight lengths."""
    table = FEATURES + VARIETY_FEATURES if settings.feature_mix_spread > 0.0 else FEATURES
    probabilities = np.array([f[1] for f in table])
    groups = ((settings.circuit_corner_share, CIRCUIT_FEATURES), (settings.linked_corner_share, LINKED_FEATURES))
    if any(share > 0.0 for share, _ in groups):
        standard = 1.0 - sum(share for share, _ in groups)
        parts = [probabilities / probabilities.sum() * standard]
        for share, group in groups:
            if share > 0.0:
                parts.append(np.array([f[1] for f in group]) * share)
                table = table + group
        probabilities = np.concatenate(parts)
    features_per_km = 2.0
    if settings.feature_mix_spread > 0.0:  # this track's own character: its mix of features, and how dense they are
        probabilities = rng.dirichlet(probabilities / probabilities.sum() / settings.feature_mix_spread) + 1e-9
        features_per_km *= float(np.clip(rng.lognormal(0.0, settings.feature_mix_spread), 0.6, 3.0))
    n_features = int(np.clip(round(4 + features_per_km * length / 1000.0 + rng.normal(0.0, 1.5)), 5, MAX_FEATURES))
    names = [f[0] for f in table]
    kinds = rng.choice(len(table), size=n_features, p=probabilities / probabilities.sum())
    features = []
    for kind in kinds:
        with_circuit = rng.random() < table[kind][2]
        features.append(_draw_feature(rng, names[kind], 1.0 if with_circuit else -1.0))
    features = _balance_turns(rng, features)
    max_width = settings.max_width
    if settings.wide_share > 0.0 and rng.random() < settings.wide_share:
        max_width = settings.wide_max_width
    mean_width = settings.min_width + (max_width - settings.min_width) * rng.uniform(0.15, 0.8)
    spread = rng.uniform(0.5, 2.0) * (max_width / settings.max_width)

    zone = [0, 0.0]  # elements left in the current wide zone, and its extra width [m]

    def width() -> float:
        drawn = float(np.clip(mean_width + rng.normal(0.0, spread), settings.min_width, max_width))
        if settings.width_zones > 0.0:  # wide zones (pit straight, run-offs): a few elements in a row
            if zone[0] == 0 and rng.random() < WIDE_ZONE_START:
                zone[:] = [int(rng.integers(WIDE_ZONE_ELEMENTS[0], WIDE_ZONE_ELEMENTS[1] + 1)), settings.width_zones]
                zone[1] *= rng.uniform(0.5, 1.0)
            if zone[0] > 0:
                zone[0] -= 1
                drawn += zone[1]
        return drawn

    feature_length = sum(e.length for f in features for e in f)
    budget = length - feature_length
    if budget < 30.0 * n_features:
        raise LayoutError("too many corners for the length")
    weights = rng.lognormal(0.0, 0.9, size=n_features)
    weights[rng.integers(n_features)] *= 2.5  # a main straight
    straights = budget * weights / weights.sum()
    if settings.brake_zone_share > 0.0:
        features = _slow_after_long(rng, features, straights, settings.brake_zone_share)
    direction = 1.0 if rng.random() < 0.5 else -1.0
    elements: list[Element] = []
    for straight, feature in zip(straights, features, strict=True):
        elements.append(Straight(float(straight), width=width()))
        for e in feature:
            e = replace(e, width=width())
            elements.append(replace(e, turn=direction * e.turn) if isinstance(e, Corner) else e)
    return elements


def _draw_feature(rng: np.random.Generator, kind: str, sign: float) -> list[Element]:
    """One feature, turning left for sign +1 (the way the circuit turns before mirroring)."""
    u = rng.uniform
    if kind == "hairpin":
        return [Corner(u(12.0, 20.0), sign * math.radians(u(155.0, 185.0)), u(0.15, 0.35))]
    if kind == "switchback":  # two hairpins, opposite ways, joined by a short straight (as on Harbour Hairpins)
        first = _draw_feature(rng, "hairpin", sign)
        gap = Straight(u(40.0, 140.0), adjustable=False)
        return [*first, gap, *_draw_feature(rng, "hairpin", -sign)]
    if kind == "slow corner":
        return [Corner(u(15.0, 35.0), sign * math.radians(u(60.0, 120.0)), u(0.2, 0.5))]
    if kind == "medium corner":
        return [Corner(u(35.0, 90.0), sign * math.radians(u(35.0, 95.0)), u(0.3, 0.6))]
    if kind == "sweeper":
        return [Corner(u(90.0, 250.0), sign * math.radians(u(20.0, 75.0)), u(0.4, 0.8))]
    if kind == "kink":
        return [Corner(u(200.0, 500.0), sign * math.radians(u(6.0, 20.0)), 0.8)]
    if kind == "chicane":
        turn = math.radians(u(20.0, 55.0))
        radius = u(15.0, 35.0)
        return [
            Corner(radius, sign * turn, u(0.3, 0.6)),
            Straight(u(3.0, 15.0), adjustable=False),
            Corner(radius * u(0.8, 1.25), -sign * turn, u(0.3, 0.6)),
        ]
    if kind == "esses":
        turns = [math.radians(u(25.0, 50.0)) * s for s in (sign, -sign, sign)]
        corners = [Corner(u(50.0, 130.0), t, u(0.4, 0.8)) for t in turns]
        gaps = [Straight(u(10.0, 40.0), adjustable=False) for _ in range(2)]
        return [corners[0], gaps[0], corners[1], gaps[1], corners[2]]
    if kind == "tight corner":
        return [Corner(u(11.0, 20.0), sign * math.radians(u(70.0, 120.0)), u(0.4, 0.8))]
    if kind == "long corner":
        return [Corner(u(25.0, 60.0), sign * math.radians(u(100.0, 190.0)), u(0.5, 0.9))]
    if kind == "double apex":
        first = Corner(u(20.0, 50.0), sign * math.radians(u(40.0, 80.0)), u(0.3, 0.6))
        second = Corner(u(20.0, 50.0), sign * math.radians(u(40.0, 80.0)), u(0.3, 0.6))
        return [first, Straight(u(5.0, 30.0), adjustable=False), second]
    if kind == "linked corners":
        first = Corner(u(15.0, 45.0), sign * math.radians(u(50.0, 130.0)), u(0.3, 0.7))
        second = Corner(u(11.0, 25.0), -sign * math.radians(u(40.0, 100.0)), u(0.3, 0.6))
        return [first, Straight(u(5.0, 80.0), adjustable=False), second]
    if kind == "tightening flick":
        opening = Corner(u(30.0, 70.0), sign * math.radians(u(30.0, 70.0)), u(0.4, 0.7))
        tight = Corner(u(12.0, 25.0), sign * math.radians(u(40.0, 80.0)), u(0.3, 0.6))
        flick = Corner(u(12.0, 30.0), -sign * math.radians(u(30.0, 70.0)), u(0.3, 0.6))
        gaps = [Straight(u(1.0, 5.0), adjustable=False), Straight(u(10.0, 60.0), adjustable=False)]
        return [opening, gaps[0], tight, gaps[1], flick]
    raise ValueError(f"unknown feature {kind!r}")


def _is_slow(feature: list[Element]) -> bool:
    return len(feature) == 1 and isinstance(feature[0], Corner) and feature[0].radius < SLOW_CORNER_RADIUS


def _slow_after_long(
    rng: np.random.Generator, features: list[list[Element]], straights: np.ndarray, share: float
) -> list[list[Element]]:
    """Swap slow corners in after some of the long straights (feature k follows straight k); the turns stay."""
    features = list(features)
    long = [int(k) for k in np.argsort(-straights) if straights[k] >= BRAKE_ZONE_STRAIGHT]
    for k in long:
        if _is_slow(features[k]) or rng.random() >= share:
            continue
        elsewhere = [j for j, f in enumerate(features) if _is_slow(f) and j not in long]
        if elsewhere:
            j = elsewhere[int(rng.integers(len(elsewhere)))]
            features[k], features[j] = features[j], features[k]
    return features


def _balance_turns(rng: np.random.Generator, features: list[list[Element]]) -> list[list[Element]]:
    """Flip and stretch single corners so that all turns add up to exactly one full turn to the left."""
    single = [k for k, f in enumerate(features) if len(f) == 1]
    if not single:
        raise LayoutError("no single corner to balance the turns with")

    def turn(k: int) -> float:
        return features[k][0].turn

    for _ in range(len(single) + 1):
        total = sum(e.turn for f in features for e in f if isinstance(e, Corner))
        with_circuit = sum(turn(k) for k in single if turn(k) > 0.0)
        scale = 1.0 + (FULL_TURN - total) / with_circuit if with_circuit > 0.0 else math.inf
        if MIN_TURN_SCALE <= scale <= MAX_TURN_SCALE:
            break
        candidates = [k for k in single if (turn(k) < 0.0) == (scale > MAX_TURN_SCALE)]
        if not candidates:
            raise LayoutError("cannot balance the turns")
        k = candidates[rng.integers(len(candidates))]
        features[k] = [replace(features[k][0], turn=-turn(k))]
    else:
        raise LayoutError("cannot balance the turns")
    return [
        [replace(f[0], turn=turn(k) * scale)] if k in single and turn(k) > 0.0 else f for k, f in enumerate(features)
    ]
