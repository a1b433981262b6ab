"""Model soup: average the weights of several SAC models that grew from the same model, for a steadier driver.

Each run that continues the base model on random tracks comes out with a few corners of its own where it leaves
the road, at the same metre every lap, and the runs differ in which corners those are. Averaging their weights
(a uniform "model soup", Wortsman et al., ICML 2022) keeps what they agree on: measured here, three runs that
failed 2, 3 and 6 of the report's 12 tracks, souped with a fourth, failed only 1 (the one all of them failed). It
works only for models fine-tuned from one ancestor (the weights must stay in one basin); averaging unrelated
models gives noise.

Command line::

    python -m agents.soup --out runs/soup/base.zip runs/a/base.zip runs/b/base.zip [...]

Writes the usual files (``.zip``, ``.npz``, ``.json`` sidecar; ``agents.models``). Actor, critics, target critics
and the entropy coefficient are averaged; the optimisers start afresh (their moments belong to no single model);
the step count is the largest of the ingredients'. The sidecar lists every ingredient with its sidecar.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path
from typing import Any

from game.drivers.actor import ModelError


def average_models(models: list[Any]) -> Any:
    """Average ``models`` (SB3 SAC) into the first of them, in place; returns it.

    Raises:
        ModelError: Fewer than two models, or models of different shapes or spaces.
    """
    import torch

    if len(models) < 2:
        raise ModelError("a soup needs at least two models")
    first = models[0]
    states = [model.policy.state_dict() for model in models]
    shapes = {name: tuple(t.shape) for name, t in states[0].items()}
    for k, (model, state) in enumerate(zip(models, states, strict=True)):
        if model.observation_space != first.observation_space or model.action_space != first.action_space:
            raise ModelError(f"ingredient {k + 1} has other observation or action spaces than the first")
        if {name: tuple(t.shape) for name, t in state.items()} != shapes:
            raise ModelError(f"ingredient {k + 1} has another network than the first")
    averaged = {
        name: torch.stack([state[name] for state in states]).mean(dim=0) if tensor.is_floating_point() else tensor
        for name, tensor in states[0].items()
    }
    first.policy.load_state_dict(averaged)
    if getattr(first, "log_ent_coef", None) is not None:
        with torch.no_grad():
            first.log_ent_coef.copy_(torch.stack([m.log_ent_coef.detach() for m in models]).mean(dim=0))
    for optimizer in (first.actor.optimizer, first.critic.optimizer, getattr(first, "ent_coef_optimizer", None)):
        if optimizer is not None:
            optimizer.state = collections.defaultdict(dict)
    first.num_timesteps = max(model.num_timesteps for model in models)
    return first


def make_soup(ingredients: list[str | Path], out: str | Path, argv: list[str] | None = None) -> Path:
    """Average the models at ``ingredients`` (SB3 ``.zip``) and save the soup at ``out``; returns its sidecar."""
    from agents.models import (
        ModelPaths,
        command_line,
        export_actor,
        file_sha256,
        load_sb3,
        model_observation_version,
        read_sidecar,
        save_model,
        sidecar_record,
        write_sidecar,
    )

    paths = [ModelPaths.of(path) for path in ingredients]
    models = [load_sb3(p.zip) for p in paths]
    records = []
    for p in paths:
        try:
            records.append(read_sidecar(p.sidecar))
        except ModelError:
            records.append(None)
    soup = average_models(models)
    target = ModelPaths.of(out)
    target.zip.parent.mkdir(parents=True, exist_ok=True)
    save_model(soup, target.zip)
    export_actor(soup, target.npz, metadata={"kind": "soup", "steps": int(soup.num_timesteps)})
    known = [r for r in records if r]
    record = sidecar_record(
        kind="soup",
        observation_version=model_observation_version(soup),  # the ingredients' layout, not this code's newest
        run_name=f"soup-of-{len(paths)}",
        track=None,
        track_file=None,
        train_tracks=[],
        base_model=None,
        files={"zip": target.zip.name, "npz": target.npz.name, "npz_sha256": file_sha256(target.npz), "curve": None},
        steps=int(soup.num_timesteps),
        selected_steps=int(soup.num_timesteps),
        wall_time_s=sum(float(r.get("wall_time_s") or 0.0) for r in known),
        env_steps_per_s_last=None,
        interrupted=False,
        command=command_line(argv),
        config=known[0].get("config") if known else None,
        hyperparameters=known[0].get("hyperparameters") if known else None,
        environment=known[0].get("environment") if known else None,
        evaluation=[],
        ingredients=[
            {"zip": str(p.zip), "sha256": file_sha256(p.zip), "sidecar": r} for p, r in zip(paths, records, strict=True)
        ],
    )
    write_sidecar(target.sidecar, record)
    return target.sidecar


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m agents.soup",
        description="Average the weights of SAC models fine-tuned from one ancestor (a model soup).",
    )
    parser.add_argument("ingredients", nargs="+", help="the SB3 .zip models to average (two or more)")
    parser.add_argument("--out", required=True, help="where to save the soup (.zip; .npz and .json beside it)")
    args = parser.parse_args(argv)
    try:
        sidecar = make_soup(args.ingredients, args.out, argv=None if argv is None else ["-m", "agents.soup", *argv])
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"saved {Path(args.out)} and its .npz and .json ({sidecar})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
