"""Export a driver from an SB3 model or checkpoint: ``python -m agents.export CKPT.zip --out DIR``.

Writes ``DIR/base.npz`` (or ``DIR/tracks/<name>.npz`` with ``--track-model NAME``), the weights-only actor the
game and ``agents.race_bench --models DIR`` / ``agents.report --models DIR`` load, so any checkpoint of a run can
be raced and measured as a candidate. It never writes into the shipped models folder: installing is
``agents.train --install``'s job.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from game.drivers.actor import ModelError
from game.paths import base_model, in_models_dir, track_model


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for bad input)."""
    parser = argparse.ArgumentParser(prog="python -m agents.export", description=__doc__.split("\n")[0])
    parser.add_argument("model", help="an SB3 .zip (a trained model or a checkpoint of a run folder)")
    parser.add_argument("--out", required=True, help="a models folder laid out like assets/models")
    parser.add_argument("--track-model", metavar="NAME", help="write tracks/NAME.npz instead of base.npz")
    parser.add_argument(
        "--line-clearance",
        type=float,
        metavar="M",
        help="drive on a racing line this far beyond half the car's width from each edge [m] (default: what the "
        "model was trained on: its own setting, else 0.15, the reference lap's line)",
    )
    args = parser.parse_args(argv)
    out = Path(args.out)
    if in_models_dir(out):
        print(f"error: {out} is the shipped models folder (install with agents.train --install)", file=sys.stderr)
        return 2
    target = track_model(args.track_model, out) if args.track_model else base_model(out)
    from agents.models import export_actor, load_sb3

    try:
        model = load_sb3(args.model, device="cpu")
        metadata = {"source": str(args.model), "steps": int(model.num_timesteps)}
        if args.line_clearance is not None:
            model.line_clearance = args.line_clearance
            metadata["line_clearance"] = args.line_clearance
        target.parent.mkdir(parents=True, exist_ok=True)
        export_actor(model, target, metadata)
    except (ModelError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {target} ({int(model.num_timesteps)} steps of {args.model})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
