"""A trained model driving every AI car, from the one observation function that training uses. No pygame here."""

from __future__ import annotations

import numpy as np

from game.drivers.actor import Actor
from game.drivers.racecraft import Racecraft, RacecraftPlan, RacecraftSettings
from game.sim.observation import observe_cars, observe_line_shift
from game.sim.observation_layout import LINE_CLEARANCE, OBS_BRAKING_MARGIN, observation_size
from game.sim.physics import CarParams
from game.sim.racing_line import line_table
from game.sim.track import Track


class ActorDriver:
    """A trained model (:class:`game.drivers.actor.Actor`) seeing the training observation of every car.

    Every car sees every other (the player's car too), as in training; a driver made for layout v3 gets the
    first 22 numbers only. With ``racecraft`` (the game's default) :class:`game.drivers.racecraft.Racecraft`
    moves each car's racing line to pass and leave room, and bounds its throttle to follow safely; without it
    the model drives exactly as it was trained, blind to the cars if it was trained blind.

    Args:
        actor: The model.
        track: Where it drives.
        params: The car.
        racecraft: Race the other cars with :mod:`game.drivers.racecraft` (True), or drive the model alone (False).
        settings: The racecraft's settings (default: :class:`game.drivers.racecraft.RacecraftSettings`).
    """

    def __init__(
        self,
        actor: Actor,
        track: Track,
        params: CarParams,
        racecraft: bool = True,
        settings: RacecraftSettings | None = None,
    ) -> None:
        self.actor = actor
        self.track = track
        self.params = params.as_array()
        self.line = line_table(track, getattr(actor, "line_clearance", LINE_CLEARANCE))  # the line it drives on
        self.size = observation_size(actor.observation_version)  # a v3 driver reads the first 22 numbers
        self._obs = np.zeros((8, self.size), dtype=np.float32)
        self.racecraft = Racecraft(track, self.line, settings) if racecraft else None
        self.last_plan: RacecraftPlan | None = None  # the racecraft's last decision, for tracing
        self.last_model_actions = np.zeros((0, 2))  # (N, 2) what the model asked for then, before the bounds

    def act(self, cars: np.ndarray) -> np.ndarray:
        """Observe every car exactly as in training (on its moved line, with racecraft) and ask the model."""
        n = cars.shape[0]
        if self._obs.shape[0] != n:
            self._obs = np.zeros((n, self.size), dtype=np.float32)
        table, spacing = self.track.table, self.track.spacing
        observe_cars(cars, table, self.line, spacing, self.params, self._obs)
        plan = None
        if self.racecraft is not None:
            plan = self.racecraft.plan(cars, self._obs[:, OBS_BRAKING_MARGIN].astype(np.float64))
            observe_line_shift(cars, table, self.line, spacing, plan.shift, self._obs)
        actions = np.asarray(self.actor.act(self._obs), dtype=np.float64)
        if actions.shape != (n, 2) or not np.all(np.isfinite(actions)):
            raise ValueError(f"model returned {actions.shape} actions (finite: {np.all(np.isfinite(actions))})")
        self.last_plan, self.last_model_actions = plan, actions.copy()
        if plan is not None:
            actions[:, 1] = plan.bound(actions[:, 1])
        return np.clip(actions, -1.0, 1.0)
