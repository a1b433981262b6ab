"""The search space of ``python -m agents.tune``: the settings that matter, their ranges, in one place.

Every parameter is a :class:`agents.config.TrainConfig` field. :data:`DEFAULT_SPACE` is the space searched unless
the command line changes it: ``--param NAME=SPEC`` adds or replaces a parameter, ``--only NAME ...`` keeps only
the named ones, and a setting given as an ordinary option (``--batch-size 256``) is fixed and leaves the search.

SPEC is one of::

    float:LOW:HIGH[:log]     a real number in [LOW, HIGH] (log: sampled on a log scale)
    int:LOW:HIGH[:log]       an integer in [LOW, HIGH]
    cat:A,B,C                one of the listed values (numbers are read as numbers; net_arch as 256-256)
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from agents.config import TrainConfig

KINDS = ("float", "int", "cat")


def to_setting(name: str, value: Any) -> Any:
    """A sampled value as the TrainConfig field takes it (net_arch ``"256-256"`` -> ``[256, 256]``)."""
    if name == "net_arch":
        try:
            sizes = [int(part) for part in str(value).split("-")]
        except ValueError:
            raise ValueError(f"net_arch choices are written like 256-256, got {value!r}") from None
        if not sizes or min(sizes) < 1:
            raise ValueError(f"net_arch choices are written like 256-256, got {value!r}")
        return sizes
    if name == "ent_coef":
        return str(value)
    return value


@dataclass(frozen=True)
class Param:
    """One searched setting.

    Attributes:
        name: The TrainConfig field it sets.
        kind: float, int or cat.
        low: Lowest value (float, int).
        high: Highest value (float, int).
        log: Sample on a log scale (float, int).
        choices: The values of a cat parameter (numbers or strings; a net_arch choice is written ``256-256``).
    """

    name: str
    kind: str
    low: float = 0.0
    high: float = 0.0
    log: bool = False
    choices: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if self.name not in {f.name for f in dataclasses.fields(TrainConfig)} or self.name in ("mode", "seed"):
            raise ValueError(f"{self.name!r} is not a setting that can be searched")
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if self.kind == "cat":
            if not self.choices:
                raise ValueError(f"{self.name}: cat needs at least one choice")
            for choice in self.choices:
                to_setting(self.name, choice)  # raises for a net_arch that is not N-N-...
        elif not self.low <= self.high or (self.log and not self.low > 0):
            raise ValueError(f"{self.name}: need LOW <= HIGH (and LOW > 0 for log), got {self.low}, {self.high}")

    def suggest(self, trial: Any) -> Any:
        """The value the trial samples (as Optuna stores it: net_arch as a string)."""
        if self.kind == "float":
            return trial.suggest_float(self.name, self.low, self.high, log=self.log)
        if self.kind == "int":
            return trial.suggest_int(self.name, int(self.low), int(self.high), log=self.log)
        return trial.suggest_categorical(self.name, list(self.choices))

    def describe(self) -> str:
        """The parameter in the ``--param`` grammar."""
        if self.kind == "cat":
            return f"{self.name}=cat:" + ",".join(str(c) for c in self.choices)
        low, high = (int(self.low), int(self.high)) if self.kind == "int" else (self.low, self.high)
        return f"{self.name}={self.kind}:{low}:{high}" + (":log" if self.log else "")


DEFAULT_SPACE: tuple[Param, ...] = (
    # SAC
    Param("learning_rate", "float", 3e-5, 1e-3, log=True),
    Param("batch_size", "cat", choices=(128, 256, 512)),
    Param("updates_per_step", "cat", choices=(0.03125, 0.0625, 0.125, 0.25)),
    Param("net_arch", "cat", choices=("256-256", "400-300", "256-256-256", "512-512")),
    Param("gamma", "cat", choices=(0.98, 0.99, 0.995)),
    Param("tau", "cat", choices=(0.002, 0.005, 0.01, 0.02)),
    Param("ent_coef", "cat", choices=("auto", "auto_0.1", "auto_0.01")),
    # the random tracks' variety
    Param("track_mix_spread", "float", 0.0, 0.6),
    Param("wide_track_share", "float", 0.0, 0.6),
    Param("circuit_corner_share", "float", 0.0, 0.6),
    Param("track_width_zones", "float", 0.0, 6.0),
    Param("track_brake_zone_share", "float", 0.0, 1.0),
    Param("linked_corner_share", "float", 0.0, 0.3),
    # reward weights (agents.env.RewardConfig; the env's defaults: 0.01, 5, 0, 0)
    Param("line_penalty", "float", 0.0, 0.03),
    Param("off_track_penalty", "float", 2.0, 30.0, log=True),
    Param("overspeed_penalty", "float", 0.0, 0.05),
    Param("edge_penalty", "float", 0.0, 2.0),
)


def parse_param(text: str) -> Param:
    """A :class:`Param` from ``NAME=SPEC`` (see the module docstring).

    Raises:
        ValueError: Bad grammar, unknown setting or bad range.
    """
    name, sep, spec = text.partition("=")
    if not sep or not spec:
        raise ValueError(f"--param wants NAME=SPEC (e.g. learning_rate=float:1e-5:1e-3:log), got {text!r}")
    kind, _, rest = spec.partition(":")
    name = name.strip().replace("-", "_")
    if kind == "cat":
        return Param(name, "cat", choices=tuple(_literal(c) for c in rest.split(",") if c.strip()))
    parts = rest.split(":")
    if kind not in ("float", "int") or len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] != "log"):
        raise ValueError(f"bad SPEC {spec!r} for {name}: float:LOW:HIGH[:log], int:LOW:HIGH[:log] or cat:A,B,...")
    try:
        low, high = float(parts[0]), float(parts[1])
    except ValueError:
        raise ValueError(f"bad bounds in {spec!r} for {name}") from None
    return Param(name, kind, low, high, log=len(parts) == 3)


def _literal(text: str) -> Any:
    text = text.strip()
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    return value if isinstance(value, int | float | str | bool) else text


def build_space(
    overrides: Iterable[Param] = (), only: Sequence[str] | None = None, fixed: Iterable[str] = ()
) -> tuple[Param, ...]:
    """:data:`DEFAULT_SPACE` with ``overrides`` added or replacing, restricted to ``only``, minus ``fixed``.

    Raises:
        ValueError: A name in ``only`` that is in neither the default space nor the overrides.
    """
    space = {p.name: p for p in DEFAULT_SPACE}
    space.update({p.name: p for p in overrides})
    if only is not None:
        unknown = sorted(set(only) - set(space))
        if unknown:
            raise ValueError(f"--only names settings that are not in the search space: {', '.join(unknown)}")
        space = {name: p for name, p in space.items() if name in only}
    fixed = set(fixed)
    return tuple(p for name, p in space.items() if name not in fixed)


def sample(trial: Any, space: Iterable[Param]) -> dict[str, Any]:
    """The TrainConfig overrides a trial samples from ``space``."""
    return {p.name: to_setting(p.name, p.suggest(trial)) for p in space}
