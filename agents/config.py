"""Training settings: one typed dataclass, a docstring per field, the defaults in one place.

``TrainConfig`` holds every setting of ``python -m agents.train``; ``--help`` is generated from the field
docstrings below, so the two cannot drift apart: they say what a user needs. Defaults start from the original
design's SAC hyperparameters; where a default differs, the measurement that chose it is in
``assets/models/README.md`` ("Why the defaults are what they are"). Each mode (``base``, ``finetune``,
``scratch``) changes a few defaults, listed in :data:`MODE_DEFAULTS`; a run from a driver (``--init-from``) and a
fine-tune for one track (``finetune --track``) change a few more (:data:`WARM_START_DEFAULTS`,
:data:`TRACK_FINETUNE_RATES`, :data:`TRACK_FINETUNE_HELD_SPEED_SHARE`).

The resolved config (after mode defaults and command-line overrides) is written into the JSON sidecar beside
every saved model and into every checkpoint, so any model can be traced to the settings that made it.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import inspect
import math
import textwrap
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.jobs.presets import FINETUNE_ENVS, FINETUNE_STEPS
from game.paths import RUNS_DIR, base_model, track_model
from game.sim.observation_layout import checked_line_clearance
from game.sim.rules import MAX_CARS as GRID_SLOTS

MODES = ("base", "finetune", "scratch")
REWARD_OVERRIDES = (  # settings that override agents.reward.RewardConfig's term of the same name
    "line_penalty",
    "overspeed_penalty",
    "edge_penalty",
    "edge_zone",
    "limit_bonus",
    "limit_zone",
    "off_track_penalty",
    "stuck_penalty",
    "contact_penalty",
    "rear_end_penalty",
    "pass_bonus",
)


@dataclass
class TrainConfig:
    """Every setting of one training run."""

    # -- what to train --------------------------------------------------------------------------------------------
    mode: str = "base"
    """base: random tracks, a new one each episode; finetune: one track, from a base model; scratch: one track,
    from nothing (for comparison)."""
    track: str | None = None
    """Track to train on (finetune, scratch): a track JSON or a racetrack-database circuit CSV. A finetune without
    a track goes on training the base model on random tracks at the fine-tune learning rate."""
    tracks: list[str] = field(default_factory=list)
    """base only: train on these track files (one drawn per episode) instead of generated random tracks."""
    base: str = str(base_model(suffix=".zip"))
    """finetune only: the base model (an SB3 .zip) to start from."""
    steps: int = 2_600_000
    """Environment steps to train for (summed over the parallel environments); with --resume, the total."""
    seed: int = 0
    """Seeds Python, NumPy, PyTorch and the environments, once, in one place."""
    out: str | None = None
    """Where to save the model (.zip; the .npz actor and .json sidecar go beside it). Default: in the run folder,
    <run_dir>/base.zip (base) or <run_dir>/<track stem>.zip. Never the shipped models folder: see --install."""
    install: bool = False
    """When the run has finished (not interrupted) and its final evaluation is no worse than the installed
    model's on the same tracks and starts, copy the model into assets/models (base.* for base, tracks/<track
    stem>.* for finetune), all files together; the files it replaces are kept in assets/models/backup/."""

    # -- speed ----------------------------------------------------------------------------------------------------
    n_envs: int = 16
    """Environments stepped together in one process (one vectorised env); more envs per gradient update train
    faster per minute (python -m agents.bench_train). Finetune: 32."""
    train_freq: int = 1
    """Vector steps (each one step of every env) between rounds of gradient updates."""
    gradient_steps: int = 1
    """Gradient updates per round. Updates per env step = gradient_steps / (train_freq * n_envs)."""
    updates_per_step: float | None = None
    """If set, overrides train_freq and gradient_steps to give this many gradient updates per env step
    (e.g. 0.0625 = one update per 16 env steps)."""
    torch_threads: int = 1
    """PyTorch CPU threads (more can be slower on a busy machine: they fight the env loop for the cores)."""
    device: str = "auto"
    """Torch device: auto (CUDA when present), cpu or cuda."""

    # -- SAC hyperparameters (the original design's unless noted) ---------------------------------------------------
    learning_rate: float = 3e-4
    """Adam learning rate of actor, critics and entropy coefficient (finetune: 1e-4; finetune --track: 2e-4 falling to
    1e-5, unless a rate is given)."""
    learning_rate_end: float | None = None
    """If set, the learning rate falls linearly from learning_rate at step 0 to this at --steps (a resumed run
    goes on down the same line); else it stays constant."""
    policy_average_steps: int = 0
    """If > 0, evaluations, --keep-best and the saved model drive with a moving average of the policy's weights
    over about this many env steps (Polyak averaging; agents/callbacks/averaging.py), not its latest weights.
    The learner and the critics go on with their own; checkpoints keep the average for --resume. 0: off."""
    anchor_weight: float = 0.0
    """If > 0, every actor update also pulls the policy towards the driver the run started from (--init-from, or
    finetune's base): this weight times the mean squared distance of their actions on replayed states
    (agents/callbacks/anchor.py), so that more training keeps the driving while the critics learn. 0: off."""
    anchor_alone: bool = False
    """The anchor pulls only on states with no other car in sight, leaving the driving among cars to the critics."""
    anchor_alone_within: float = 60.0
    """[m] With --anchor-alone, a car further than this along the track counts as not there (60: any car in sight),
    so that the cars' inputs learn to change the driving only where a car is this close."""
    anchor_alone_behind: float | None = None
    """[m] With --anchor-alone, a car behind counts only this close (default: --anchor-alone-within): a small value
    keeps the pull on a car with cars behind it only, as the pole car into the first corner."""
    anchor_alone_closing: float | None = None
    """[m/s] With --anchor-alone, a car ahead counts only while we close on it faster than this (default: always):
    a car in a queue is held to the starting driver's driving, which the racecraft races safely, and only a car
    catching the one ahead learns from it."""
    keep_driving: bool = False
    """Train only the actor's weights from the cars around (layout v4's car block; the critics train in full): with
    no car in sight the driver drives exactly as the one the run started from (--init-from, or finetune's base)."""
    buffer_size: int = 500_000
    """Replay buffer capacity [transitions]."""
    batch_size: int = 256
    """Minibatch size of one gradient update."""
    tau: float = 0.005
    """Soft update coefficient of the target critics."""
    gamma: float = 0.99
    """Discount factor."""
    learning_starts: int = 20_000
    """Env steps of uniformly random actions before learning starts (finetune: 0, the base policy drives)."""
    ent_coef: str = "auto"
    """Entropy coefficient: 'auto' (learned), 'auto_0.1' (learned, starting at 0.1) or a number."""
    target_entropy: float | None = None
    """Entropy the learned coefficient steers the policy to; default: minus the action size (-2, SB3's 'auto'),
    or the loaded model's. Lower is a less random policy in training, which can then learn to drive closer to the
    limit; its deterministic driving is what races."""
    n_steps: int = 3
    """Steps of the n-step return in the critics' targets (SB3's NStepReplayBuffer)."""
    net_arch: list[int] = field(default_factory=lambda: [256, 256])
    """Hidden layer sizes of the actor and of each critic."""
    policy_warmup_steps: int = 0
    """Env steps collected with the loaded policy before gradient updates start, so the first updates see
    more than a handful of transitions (finetune: 5000; collecting without updates costs well under a second)."""

    # -- environment ----------------------------------------------------------------------------------------------
    start: str = "mixed"
    """Episode start: grid, random (anywhere on the track, at a safe speed) or mixed."""
    grid_slots: int = GRID_SLOTS
    """Grid starts: a standing start from one of the game's first grid_slots grid slots, drawn at random (0: the
    middle of the road at pole, as the models trained before this setting were)."""
    standing_start_share: float = 0.2
    """Random starts: share from a standstill (a user's track may put its grid just before a hairpin)."""
    practice_share: float = 0.0
    """Corner practice (agents.practice): after the car leaves the road, the next episode on that track restarts from
    its state 1-4 s before with this probability, so the driver practises the corners it gets wrong (default:
    finetune 0.5, otherwise 0, off)."""
    line_shift_share: float = 0.0
    """Line-shift practice (agents.line_shift): this share of the episodes moves the racing line the driver reads
    sideways, as the game's racecraft does to pass and leave room (up to 4.5 m, at up to 4 m/s, in braking zones and
    corners too), and the reward reads the moved line (its offset and its limit speed); 0: off, the driver only ever
    sees its own line."""
    held_pace_share: float = 0.0
    """Held-pace practice: this share of the episodes holds the car to a pace of 0.65-0.98 (the throttle capped and
    lifted early as the game holds a slower rival or the race benchmark's slow car; the brakes are the driver's), so
    that a held driver learns to brake for the speed it arrives at; 0: off."""
    held_speed_share: float = 0.0
    """Speed-held practice: this share of the episodes (others than the held-pace ones) holds the car's speed to
    0.6-0.95 of its line's limit speed, braking when over, as the race benchmark's slow car and the cars queued
    behind it drive, so that the driver learns to steer at speeds below its own in corners; 0: off. A driver for one
    track alone (finetune --track, the editor's) practises 0.3 unless a share is given."""
    line_penalty: float | None = None
    """Reward penalty per step times (offset from the racing line / half width)^2; default: the env's (0.01)."""
    edge_penalty: float | None = None
    """Reward penalty per step for driving near the edge of the road: times ((|road position| - edge_zone) /
    (1 - edge_zone))^2 where the car's road position (half widths from the middle, 1 at the edge) is past
    edge_zone, so 1 step with the car's centre on the edge costs this much; default: the env's (0, off). The
    drivers that leave the road drift to the edge over a second or more first (docs/RACING.md); this term lets
    them feel the edge coming before the off-track penalty ends the episode."""
    edge_zone: float | None = None
    """Road position where the edge penalty starts, in [0, 1); default: the env's (0.8: the outer tenth of the
    road's width on each side)."""
    limit_bonus: float | None = None
    """Reward bonus per step for driving at the limit: times max(0, 1 - |speed / limit speed - 1| / limit_zone),
    where the limit speed is the reference lap's speed profile of the driver's line at its place, so it pays most to
    a car exactly at the limit and nothing to one limit_zone under or over it; default: finetune 0.2, otherwise the
    env's (0, off). Progress alone pays a corner taken 5% slow only 5% less; this term says so more loudly
    (docs/BASE.md)."""
    limit_zone: float | None = None
    """How far under or over the limit speed, as a share of it, the limit bonus reaches; default: the env's (0.2)."""
    off_track_penalty: float | None = None
    """Reward penalty, once, for leaving the track (the episode ends); default: the env's (5)."""
    overspeed_penalty: float | None = None
    """Reward penalty per step times the braking look-ahead above 0 (observation 3: how much faster the car is than
    the speed from which it could still brake for the corners ahead); default: the env's (0)."""
    stuck_penalty: float | None = None
    """Reward penalty, once, for making no progress for 3 s (the episode ends); default: the off-track penalty
    (or the env's 5, if that is more), so that stopping is never a way out of a corner the driver fears."""
    track_mix_spread: float = 0.0
    """Random tracks: how much each track draws its own character (game.sim.track.generator.GeneratorSettings
    .feature_mix_spread): 0 = every track the same mix of features; 0.3 = a mix and a density of its own per
    track, switchbacks (two hairpins, opposite ways) included."""
    wide_track_share: float = 0.0
    """Random tracks: share drawn up to 22 m wide instead of 15 m (the Norisring is 10-21 m wide)."""
    circuit_corner_share: float = 0.0
    """Random tracks: share of corners drawn from those real circuits have more of (tight 90-degree corners, long
    corners, double apexes: GeneratorSettings.circuit_corner_share); 0.3 brings the mix close to the validation
    circuits' (docs/TRACKS.md)."""
    track_width_zones: float = 0.0
    """Random tracks: how much wider, at most, a quarter of the straights and corners are [m] (pit straights,
    run-offs: GeneratorSettings.width_zones); 4 gives the width variation round a lap of real circuits."""
    track_brake_zone_share: float = 0.0
    """Random tracks: chance that a straight of 300 m or more ends in a slow corner swapped in from elsewhere in the
    lap (GeneratorSettings.brake_zone_share): real circuits brake from long straights into slow corners more often."""
    linked_corner_share: float = 0.0
    """Random tracks: share of features that are linked corners, braked into right after accelerating out of the
    one before (a chicane with room between, a tightening corner into a flick: GeneratorSettings
    .linked_corner_share); 0.1 on top of circuit corners 0.3 gives the validation circuits' rate (docs/TRACKS.md)."""
    max_episode_steps: int = 2000
    """Actions per training episode before truncation (20 per second: 2000 = 100 s)."""
    episodes_per_track: int = 4
    """Random tracks: episodes driven on one before the next is generated (its racing line takes about 0.1-0.2 s,
    as long as ~100-200 env steps; early episodes are short)."""

    # -- traffic (agents.traffic) --------------------------------------------------------------------------------
    traffic: bool = False
    """Train in traffic: fields of cars on one track, each learning car a slot of the vector env (n_envs must be a
    multiple of traffic_learners), scenarios drawn per episode (traffic_scenarios), opponents from --opponents.
    A fine-tune of a base trained in traffic trains in traffic unless --no-traffic is given."""
    traffic_learners: int = 4
    """Learning cars per field (they share the policy being trained)."""
    traffic_opponents: int = 4
    """Opponent cars per field in the scenarios that have them (at most 8 cars in all on the grid)."""
    traffic_scenarios: str = "pack=0.35,slow_ahead=0.3,fast_behind=0.15,solo=0.2"
    """How often each scenario starts an episode: a pack on the grid, a slower car just ahead, a faster car just
    behind, solo laps (agents.traffic.scenarios)."""
    opponents: list[str] = field(default_factory=list)
    """Driver files (.npz) of the opponent cars. Default: the shipped base model (assets/models/base.npz)."""
    opponent_snapshot_every: int = 100_000
    """Env steps between snapshots of the learner added to the opponents (0: none)."""
    contact_penalty: float | None = None
    """Reward penalty per step with a contact (any car's fault); default: the env's (0.5)."""
    rear_end_penalty: float | None = None
    """More reward penalty per step in which the car ran into a car ahead; default: the env's (2)."""
    pass_bonus: float | None = None
    """GT Sophy's passing bonus in traffic: reward per metre gained on a car within 20 m behind to 40 m ahead
    (and cost per metre lost to it) while neither has touched a car for 2 s; default: the env's (0, off)."""
    line_clearance: float | None = None
    """The racing line the driver reads its observation along keeps half the car's width plus this from each
    edge [m]; the driver file records it, and the game drives the model on that line. Default: a fine-tune the
    line its base was trained on (the base's .zip says), else 0.15 (the reference lap's line). A wider line gives
    a driver room for its errors: the shipped base, trained on 0.15, laps 10 of the 15 validation circuits on it
    and all 15 on 1.0, the line its driver file gives it in the game (docs/RACING.md)."""
    drive_line_clearance: float | None = None
    """The line the finished driver drives on, when not the one it trains on [m]: the periodic evaluations (so
    --keep-best), the final evaluation and the saved .npz driver use it; the .zip keeps the training line, so a
    fine-tune from it trains where this run trained. Default: the training line. The shipped base trains on 0.15 and
    drives on 1.0, the room for its errors that lets it lap every validation circuit (docs/RACING.md)."""
    retry_share: float = 0.0
    """In traffic: the share of the learners that leave the track that are put back 80-250 m before the place,
    on the racing line near the pace speed, to drive that corner again (else where they stopped, standing).
    Measured once (docs/RACING.md), 0.5 made the driver worse."""
    init_from: str | None = None
    """Start a new run from this SB3 model's weights (base, scratch). A model made for observation layout v3 is
    widened to v4: the new inputs start with zero weights, so it drives as before and learns to use them. A driver
    file (.npz, as the shipped per-track fine-tunes are) brings its actor only: the critics are --base's."""
    car_weights_from: str | None = None
    """With --init-from a layout v3 driver (or finetune's base): the weights from the cars around (actor and critics)
    start as this layout v4 driver's (.zip), not at 0. Alone the driver is still --init-from's. For a fine-tune in two
    parts: a blind fine-tune's driving, then the v4 base's car weights trained on it (--keep-driving)."""

    # -- logging, checkpoints, evaluation ------------------------------------------------------------------------
    run_dir: str | None = None
    """Folder of the run: checkpoints and, by default, the model; --resume looks here (and goes on here, even if
    the folder was moved). Default: runs/<mode>-<model stem>."""
    logdir: str | None = str(RUNS_DIR / "tensorboard")
    """TensorBoard log folder ('' for none)."""
    checkpoint_every: int = 100_000
    """Env steps between checkpoints (model and replay buffer, written atomically; 0 for none)."""
    keep_checkpoints: int = 2
    """Checkpoints kept in run_dir (the older ones are deleted)."""
    save_replay_buffer: bool = True
    """Save the replay buffer with each checkpoint, so --resume continues with it (~100 MB at 500k)."""
    resume: bool = False
    """Continue from the last checkpoint in run_dir (model, replay buffer, step count, wall time)."""
    eval_every: int = 50_000
    """Env steps between evaluations (lap completion and ratio to the reference lap, logged to TensorBoard and
    to <model>.curve.csv); 0 for none."""
    eval_episodes: int = GRID_SLOTS
    """Episodes (two laps each, from a perturbed grid start) per evaluation track; episode i starts from grid slot
    i mod 8, so the default sees every slot (with 3, a fine-tune kept a policy that lapped from slots 0-2 and left
    the road from the others)."""
    eval_tracks: list[str] = field(default_factory=list)
    """Tracks for the periodic and final evaluation. Default: the training track (finetune, scratch), else
    the --tracks files, else --eval-generated generated tracks with fixed seeds."""
    eval_generated: int = 3
    """Generated evaluation tracks (seeds 900001, 900002, ...) when there are no --eval-tracks or training
    tracks. More tracks make the kept policy (--keep-best) more robust, and each evaluation longer."""
    keep_best: bool = True
    """Save the policy of the best periodic evaluation (highest lap completion, then lowest ratio to the
    reference lap) rather than the last one: SAC's deterministic policy near the grip limit can lap at one
    evaluation and crash at the next. The checkpoints in run_dir stay the last ones, for --resume."""
    keep_goal_median: float | None = None
    """If set, --keep-best puts first the evaluations that meet a goal: every evaluation track lapped in full (at
    least 95% of its laps) and a median ratio of at most this; among them the lowest median wins, and the others
    rank as without it. The base recipe keeps by issue 15's goal, 1.12 (docs/BASE.md, thirty-third session)."""
    final_eval_episodes: int = GRID_SLOTS
    """Episodes per track of the evaluation written into the sidecar at the end (and that --install compares):
    by default one from each grid slot."""
    progress: bool = True
    """Show a progress bar."""
    status_file: str | None = None
    """JSON file with the run's state, rewritten atomically about once a second (for other programs): state
    (running, done, interrupted, failed), mode, steps, total_steps, episodes, lap_completion, mean_reward,
    steps_per_s (null before the first second), wall_s, last_eval, model (when saved), error (when failed)."""
    run_name: str | None = None
    """Name of the run in TensorBoard. Default: <mode>-<track or random>-s<seed>-<date-time>."""


# Defaults that depend on the mode; a command-line option always wins.
MODE_DEFAULTS: dict[str, dict[str, Any]] = {
    "base": {"eval_every": 200_000, "eval_episodes": 2, "checkpoint_every": 250_000},  # a long run: fewer pauses
    "finetune": {
        "learning_rate": 1e-4,
        "learning_starts": 0,
        "policy_warmup_steps": 5000,
        "steps": FINETUNE_STEPS,
        # Twice the base's data per update (better than 16 envs on each of 4 circuits x 2 seeds, in the same time), and
        # 21,875 updates: 3.4-4.1 minutes where plain SAC runs 120 steps/s (docs/FINETUNE.md).
        "n_envs": FINETUNE_ENVS,
        "eval_every": 100_000,
        # A reward for driving at the limit, and practice at the corners it gets wrong: 100% of laps at 1.048-1.078 on
        # four validation circuits x two seeds, against 1.091-1.114 without; the limit bonus alone lapped 38% of one
        # final evaluation (docs/FINETUNE.md, seventh session).
        "limit_bonus": 0.2,
        "practice_share": 0.5,
    },
    "scratch": {"steps": 500_000},
}


# Defaults of a run started from a trained driver (--init-from), as a fine-tune starts: no random actions.
WARM_START_DEFAULTS: dict[str, Any] = {"learning_starts": 0, "policy_warmup_steps": 5000}

# The learning rate of a driver for one track (``finetune --track``) when neither rate is given: it starts at 2e-4 and
# falls to 1e-5 over the run. On the four validation circuits the base failed before (Melbourne 3 seeds, the others
# 1, then 2 after the choice) it drove 1.037-1.069 where 1e-4 throughout drove 1.044-1.067: within 1.06 in 8 runs of
# 9 against 3 of 6, Melbourne on 2 seeds of 3 against 0 (docs/FINETUNE.md, twentieth session; chosen on those
# circuits). A finetune on random tracks (the base's stages) keeps the mode's 1e-4, and a rate given on the command
# line is used as given (constant unless an end is given).
TRACK_FINETUNE_RATES: dict[str, Any] = {"learning_rate": 2e-4, "learning_rate_end": 1e-5}

# The speed-held practice of a driver for one track (``finetune --track``, alone, not ``--traffic``) when the share is
# not given: 0.3. The editor's recipe with it against without, seed 1 each (docs/RACING.md, twenty-eighth and
# twenty-ninth sessions): Brands Hatch 1.034 against 1.037, Viaduct Eight 1.033 against 1.034, and held alone to 0.9-0.7
# of the reference speed never off the road (without: 2.3-10.6 s and 0.2-1.9 s in two laps), fewer rescues in races.
TRACK_FINETUNE_HELD_SPEED_SHARE = 0.3


def config_for_mode(mode: str, **overrides: Any) -> TrainConfig:
    """The config of a mode: its defaults, then the conditional ones, then ``overrides``.

    Conditional: :data:`WARM_START_DEFAULTS` with ``init_from``, :data:`TRACK_FINETUNE_RATES` for ``finetune`` with a
    ``track`` and neither rate given, :data:`TRACK_FINETUNE_HELD_SPEED_SHARE` for ``finetune`` with a ``track``, not in
    traffic, and no share given.

    Raises:
        ValueError: Unknown mode, unknown field, or an inconsistent combination (see :func:`validate`).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    names = {f.name for f in dataclasses.fields(TrainConfig)}
    unknown = sorted(set(overrides) - names)
    if unknown:
        raise ValueError(f"unknown setting(s): {', '.join(unknown)}")
    warm = WARM_START_DEFAULTS if overrides.get("init_from") else {}  # a driver already drives: no random steps
    rates_given = {"learning_rate", "learning_rate_end"} & set(overrides)
    rates = TRACK_FINETUNE_RATES if mode == "finetune" and overrides.get("track") and not rates_given else {}
    track_alone = mode == "finetune" and overrides.get("track") and not overrides.get("traffic")
    held = (
        {"held_speed_share": min(TRACK_FINETUNE_HELD_SPEED_SHARE, 1.0 - overrides.get("held_pace_share", 0.0))}
        if track_alone and "held_speed_share" not in overrides
        else {}
    )
    values = {**MODE_DEFAULTS[mode], **warm, **rates, **held, **overrides, "mode": mode}
    config = TrainConfig(**values)
    validate(config)
    return config


def scenario_weights(text: str) -> dict[str, float]:
    """``"pack=0.35,solo=0.2"`` -> ``{"pack": 0.35, "solo": 0.2}``.

    Raises:
        ValueError: Not name=weight pairs, an unknown scenario, a negative weight, or all zero.
    """
    from agents.traffic.scenarios import SCENARIOS

    weights: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = part.partition("=")
        if name.strip() not in SCENARIOS:
            raise ValueError(f"traffic_scenarios: unknown scenario {name.strip()!r} (one of {', '.join(SCENARIOS)})")
        try:
            weight = float(value)
        except ValueError:
            raise ValueError(f"traffic_scenarios: {part!r} is not name=weight") from None
        if not (math.isfinite(weight) and weight >= 0):
            raise ValueError(f"traffic_scenarios: the weight of {name.strip()} must be a number >= 0, got {value}")
        weights[name.strip()] = weight
    if not weights or sum(weights.values()) <= 0:
        raise ValueError(f"traffic_scenarios: give at least one scenario a weight above 0, got {text!r}")
    return weights


def validate_traffic(config: TrainConfig) -> None:
    """The traffic settings: sizes that fit the grid and the vector env, scenario weights that parse."""
    if config.traffic_learners < 1 or config.traffic_opponents < 0:
        raise ValueError("traffic_learners must be at least 1 and traffic_opponents not negative")
    if config.traffic_learners + config.traffic_opponents > GRID_SLOTS:
        raise ValueError(f"a field has at most {GRID_SLOTS} cars (the grid): traffic_learners + traffic_opponents")
    if config.n_envs % config.traffic_learners:
        raise ValueError(f"n_envs ({config.n_envs}) must be a multiple of traffic_learners ({config.traffic_learners})")
    if config.opponent_snapshot_every < 0:
        raise ValueError(f"opponent_snapshot_every must not be negative, got {config.opponent_snapshot_every}")
    scenario_weights(config.traffic_scenarios)


def validate(config: TrainConfig) -> None:
    """Raise ``ValueError`` with a clear message for settings that cannot work together."""
    if config.mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {config.mode!r}")
    if config.mode == "scratch" and not config.track:
        raise ValueError("scratch needs --track")
    if config.mode == "finetune" and not config.track and not config.out:
        raise ValueError("finetune needs --track (or, to go on training the base model on random tracks, --out)")
    if config.mode == "base" and config.track:
        raise ValueError("base trains on many tracks: use --tracks, not --track")
    if config.mode != "base" and config.tracks:
        raise ValueError("--tracks is for base; finetune and scratch train on one --track")
    for name in (
        "steps",
        "n_envs",
        "n_steps",
        "train_freq",
        "batch_size",
        "buffer_size",
        "max_episode_steps",
        "episodes_per_track",
        "eval_generated",
        "torch_threads",
    ):
        if getattr(config, name) < 1:
            raise ValueError(f"{name} must be at least 1, got {getattr(config, name)}")
    for name in ("gradient_steps", "learning_starts", "policy_warmup_steps", "checkpoint_every", "eval_every"):
        if getattr(config, name) < 0:
            raise ValueError(f"{name} must not be negative, got {getattr(config, name)}")
    if not 0 < config.gamma <= 1:
        raise ValueError(f"gamma must be in (0, 1], got {config.gamma}")
    if not 0 < config.tau <= 1:
        raise ValueError(f"tau must be in (0, 1], got {config.tau}")
    if config.buffer_size < max(config.batch_size, config.n_envs):
        raise ValueError(
            f"buffer_size must hold at least one batch ({config.batch_size}) and one step of every env "
            f"({config.n_envs}), got {config.buffer_size}"
        )
    if not config.net_arch or any(int(size) < 1 for size in config.net_arch):
        raise ValueError(f"net_arch must be one or more layer sizes of at least 1, got {list(config.net_arch)}")
    if config.install and config.mode == "scratch":
        raise ValueError("--install is for base and finetune models; a scratch run is for comparison")
    if config.install and config.final_eval_episodes < 1:
        raise ValueError("--install installs only an evaluated model: --final-eval-episodes must be at least 1")
    if config.updates_per_step is not None and not config.updates_per_step > 0:
        raise ValueError(f"updates_per_step must be positive, got {config.updates_per_step}")
    if config.target_entropy is not None and not math.isfinite(config.target_entropy):
        raise ValueError(f"target_entropy must be a finite number, got {config.target_entropy}")
    if config.traffic:
        validate_traffic(config)
    for name in REWARD_OVERRIDES:
        value = getattr(config, name)
        if value is not None and not value >= 0:
            raise ValueError(f"{name} must not be negative, got {value}")
    from agents.run_env import reward_config

    reward_config(config)  # the reward's own checks (edge_zone in [0, 1)), before anything is trained
    if not 0 <= config.grid_slots <= GRID_SLOTS:
        raise ValueError(f"grid_slots must be in [0, {GRID_SLOTS}], got {config.grid_slots}")
    if not 0 <= config.practice_share <= 1:
        raise ValueError(f"practice_share must be in [0, 1], got {config.practice_share}")
    if not 0 <= config.line_shift_share <= 1:
        raise ValueError(f"line_shift_share must be in [0, 1], got {config.line_shift_share}")
    if not 0 <= config.held_pace_share <= 1:
        raise ValueError(f"held_pace_share must be in [0, 1], got {config.held_pace_share}")
    if config.held_pace_share > 0 and config.traffic:
        raise ValueError("held_pace_share is for a car alone; in traffic the opponents' paces are the scenarios'")
    if not 0 <= config.held_speed_share <= 1 - config.held_pace_share:
        raise ValueError(f"held_speed_share must be in [0, 1 - held_pace_share], got {config.held_speed_share}")
    if config.held_speed_share > 0 and config.traffic:
        raise ValueError("held_speed_share is for a car alone; in traffic the opponents' paces are the scenarios'")
    if config.line_shift_share > 0 and config.traffic:
        raise ValueError("line_shift_share is for a car alone; in traffic the line stays the driver's own")
    if config.practice_share > 0 and config.traffic:
        raise ValueError("practice_share is for a car alone; training in traffic does not practise corners")
    if not 0 <= config.standing_start_share <= 1:
        raise ValueError(f"standing_start_share must be in [0, 1], got {config.standing_start_share}")
    if not config.track_mix_spread >= 0:
        raise ValueError(f"track_mix_spread must not be negative, got {config.track_mix_spread}")
    if not 0 <= config.wide_track_share <= 1:
        raise ValueError(f"wide_track_share must be in [0, 1], got {config.wide_track_share}")
    if not 0 <= config.circuit_corner_share <= 1:
        raise ValueError(f"circuit_corner_share must be in [0, 1], got {config.circuit_corner_share}")
    if not 0 <= config.linked_corner_share <= 1:
        raise ValueError(f"linked_corner_share must be in [0, 1], got {config.linked_corner_share}")
    if config.circuit_corner_share + config.linked_corner_share > 1:
        raise ValueError("circuit_corner_share + linked_corner_share must not exceed 1")
    if not 0 <= config.track_brake_zone_share <= 1:
        raise ValueError(f"track_brake_zone_share must be in [0, 1], got {config.track_brake_zone_share}")
    if not config.track_width_zones >= 0:
        raise ValueError(f"track_width_zones must not be negative, got {config.track_width_zones}")
    if not (config.learning_rate > 0 and math.isfinite(config.learning_rate)):
        raise ValueError(f"learning_rate must be positive, got {config.learning_rate}")
    if config.line_clearance is not None:
        checked_line_clearance(config.line_clearance, "line_clearance")
    if config.drive_line_clearance is not None:
        checked_line_clearance(config.drive_line_clearance, "drive_line_clearance")
    if not 0.0 <= config.retry_share <= 1.0:
        raise ValueError(f"retry_share must be in [0, 1], got {config.retry_share}")
    if not (config.anchor_weight >= 0 and math.isfinite(config.anchor_weight)):
        raise ValueError(f"anchor_weight must not be negative, got {config.anchor_weight}")
    if not (config.anchor_alone_within > 0 and math.isfinite(config.anchor_alone_within)):
        raise ValueError(f"anchor_alone_within must be positive, got {config.anchor_alone_within}")
    for name in ("anchor_alone_behind", "anchor_alone_closing"):
        value = getattr(config, name)
        if value is not None and not (value >= 0 and math.isfinite(value)):
            raise ValueError(f"{name} must not be negative, got {value}")
    if config.policy_average_steps < 0:
        raise ValueError(f"policy_average_steps must not be negative, got {config.policy_average_steps}")
    if config.keep_goal_median is not None and not config.keep_goal_median >= 1.0:
        raise ValueError(f"keep_goal_median is a ratio to the reference lap, at least 1, got {config.keep_goal_median}")
    end = config.learning_rate_end
    if end is not None and not (0 < end <= config.learning_rate and math.isfinite(end)):
        raise ValueError(f"learning_rate_end must be positive and at most learning_rate, got {end}")
    if config.start not in ("grid", "random", "mixed"):
        raise ValueError(f"start must be grid, random or mixed, got {config.start!r}")
    if config.device not in ("auto", "cpu", "cuda") and not config.device.startswith("cuda:"):
        raise ValueError(f"device must be auto, cpu or cuda, got {config.device!r}")


def validate_combination(config: TrainConfig) -> None:
    """Check settings that only work together, on the final config (a resumed run's comes from its checkpoint).

    Raises:
        ValueError: Naming the settings.
    """
    starts_from_a_driver = bool(config.init_from) or config.mode == "finetune"
    if config.anchor_weight > 0.0 and not starts_from_a_driver:
        raise ValueError("anchor_weight pulls towards the driver a run starts from: give --init-from (or finetune)")
    if config.anchor_alone and config.anchor_weight <= 0.0:
        raise ValueError("anchor_alone says where the anchor pulls: give --anchor-weight too")
    narrowing = config.anchor_alone_behind is not None or config.anchor_alone_closing is not None
    if narrowing and not config.anchor_alone:
        raise ValueError("anchor_alone_behind and anchor_alone_closing say which cars count: give --anchor-alone too")
    if config.keep_driving and not starts_from_a_driver:
        raise ValueError("keep_driving keeps the driving of the driver a run starts from: give --init-from")
    if config.car_weights_from and not starts_from_a_driver:
        raise ValueError("car_weights_from widens the driver a run starts from: give --init-from")
    if config.car_weights_from and config.mode == "finetune" and not config.traffic:
        raise ValueError("car_weights_from is for a driver widened to see the cars: a fine-tune does that in --traffic")
    if config.retry_share > 0.0 and not config.traffic:
        raise ValueError("retry_share is for training in traffic (--traffic)")


def resolve_update_ratio(n_envs: int, updates_per_step: float) -> tuple[int, int]:
    """``(train_freq, gradient_steps)`` that give about ``updates_per_step`` gradient updates per env step.

    One vector step is ``n_envs`` env steps; SB3 runs ``gradient_steps`` updates every ``train_freq`` vector steps.
    """
    per_vector_step = updates_per_step * n_envs
    if per_vector_step >= 1.0:
        return 1, max(1, round(per_vector_step))
    return max(1, round(1.0 / per_vector_step)), 1


def updates_per_env_step(config: TrainConfig) -> float:
    """Gradient updates per env step of a config."""
    return config.gradient_steps / (config.train_freq * config.n_envs)


def resolved(config: TrainConfig) -> TrainConfig:
    """The config with derived values filled in: the update ratio, run folder, output path (in the run folder)."""
    values = dataclasses.asdict(config)
    if config.updates_per_step is not None:
        values["train_freq"], values["gradient_steps"] = resolve_update_ratio(config.n_envs, config.updates_per_step)
    stem = Path(config.out).stem if config.out else model_stem(config.mode, config.track)
    if not config.run_dir:
        values["run_dir"] = str(RUNS_DIR / f"{config.mode}-{stem}")
    out = Path(config.out) if config.out else Path(values["run_dir"]) / stem
    values["out"] = str(out.with_suffix(".zip"))
    return TrainConfig(**values)


def model_stem(mode: str, track: str | None) -> str:
    """The file stem of a mode's model: "base", or the track file's stem."""
    return "base" if mode == "base" or (mode == "finetune" and not track) else Path(track or "track").stem


def install_path(mode: str, track: str | None) -> Path:
    """Where ``--install`` puts a mode's model (.zip; the other files beside it), read at call time."""
    if mode == "base" or not track:
        return base_model(suffix=".zip")
    return track_model(Path(track).stem, suffix=".zip")


def to_dict(config: TrainConfig) -> dict[str, Any]:
    """JSON-ready form of a config."""
    return dataclasses.asdict(config)


def from_dict(data: dict[str, Any]) -> TrainConfig:
    """A config from :func:`to_dict` output; unknown keys (from a newer version) are ignored."""
    names = {f.name for f in dataclasses.fields(TrainConfig)}
    return TrainConfig(**{key: value for key, value in data.items() if key in names})


# -- command line ------------------------------------------------------------------------------------------------
def field_docs(cls: type) -> dict[str, str]:
    """The docstring under each field of a dataclass (read from its source), whitespace collapsed."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs: dict[str, str] = {}
    for node, following in zip(body, body[1:], strict=False):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[node.target.id] = " ".join(following.value.value.split())
    return docs


def add_config_arguments(parser: argparse.ArgumentParser, mode: str, skip: tuple[str, ...] = ("mode",)) -> None:
    """One ``--option`` per field of :class:`TrainConfig`, help from its docstring, default of ``mode`` shown.

    Options that are not given stay out of the parsed namespace (``argparse.SUPPRESS``), so the caller can tell
    an explicit value from a default.
    """
    docs = field_docs(TrainConfig)
    defaults = dataclasses.asdict(TrainConfig(**MODE_DEFAULTS[mode]))
    hints = typing.get_type_hints(TrainConfig)
    for f in dataclasses.fields(TrainConfig):
        if f.name in skip:
            continue
        flag = "--" + f.name.replace("_", "-")
        doc = docs.get(f.name, "")
        help_text = f"{doc} [default: {defaults[f.name]}]".replace("%", "%%")
        kind, optional = _base_type(hints[f.name])
        if kind is bool:
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=argparse.SUPPRESS, help=help_text)
        elif kind is list:
            item = typing.get_args(hints[f.name])[0]
            parser.add_argument(
                flag, nargs="*", type=item, default=argparse.SUPPRESS, metavar=f.name.upper(), help=help_text
            )
        else:
            parser.add_argument(
                flag,
                type=_none_or(kind) if optional else kind,
                default=argparse.SUPPRESS,
                metavar=f.name.upper(),
                help=help_text,
            )


def _base_type(hint: Any) -> tuple[type, bool]:
    """``(type, optional)`` of a field annotation such as ``int``, ``str | None`` or ``list[str]``."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _base_type(args[0])[0], True
    if origin is list:
        return list, False
    return hint, False


def _none_or(kind: type) -> Any:
    def convert(text: str) -> Any:
        return None if text.lower() in ("", "none") else kind(text)

    convert.__name__ = kind.__name__
    return convert
