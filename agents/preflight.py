"""Checks before a run spends any time: the device exists, every output can be written."""

from __future__ import annotations

from pathlib import Path

from agents.config import TrainConfig, install_path


def check_device(device: str) -> None:
    """Refuse a CUDA device on a machine without one (torch would quietly train on the CPU, the sidecar say cuda).

    Raises:
        ValueError: With what to use instead.
    """
    if not device.startswith("cuda"):
        return
    import torch

    if not torch.cuda.is_available():
        raise ValueError(f"--device {device}: this machine has no CUDA device; use --device cpu (or auto)")
    index = int(device.split(":", 1)[1]) if ":" in device else 0
    if index >= torch.cuda.device_count():
        raise ValueError(f"--device {device}: this machine has {torch.cuda.device_count()} CUDA device(s)")


def check_outputs(config: TrainConfig) -> None:
    """Before any training: every folder the run writes to can be written, and the model goes into a run folder.

    Raises:
        ValueError: Naming the option and the folder.
    """
    import game.paths

    out = Path(str(config.out))
    if game.paths.in_models_dir(out):
        models = game.paths.MODELS_DIR.resolve()
        raise ValueError(
            f"--out {out} is in the models folder {models}: train into a run folder (the default) and add "
            "--install to install the finished, evaluated model (the files it replaces are kept)"
        )
    folders = [("--out", out.parent), ("--run-dir", Path(str(config.run_dir)))]
    if config.logdir:
        folders.append(("--logdir", Path(config.logdir)))
    if config.status_file:
        folders.append(("--status-file", Path(config.status_file).parent))
    if config.install:
        folders.append(("--install", install_path(config.mode, config.track).parent))
    for option, folder in folders:
        problem = _unwritable(folder)
        if problem:
            raise ValueError(f"{option}: cannot write to {folder} ({problem})")
    _check_inputs_kept(config, out)


def _check_inputs_kept(config: TrainConfig, out: Path) -> None:
    """Refuse a run whose outputs would overwrite one of its inputs.

    ``--out tracks/oval.zip`` writes its sidecar to ``tracks/oval.json``, the track file it trains on.

    Raises:
        ValueError: Naming the input and the option that would overwrite it.
    """
    from agents.models import ModelPaths

    paths = ModelPaths.of(out)
    written = {p.resolve(): "--out" for p in (paths.zip, paths.npz, paths.sidecar, paths.curve)}
    if config.status_file:
        written[Path(config.status_file).resolve()] = "--status-file"
    inputs = [("--track", config.track), ("--base", config.base if config.mode == "finetune" else None)]
    inputs += [("--tracks", t) for t in config.tracks] + [("--eval-tracks", t) for t in config.eval_tracks]
    inputs += [("--opponents", t) for t in config.opponents] + [
        ("--init-from", config.init_from),
        ("--car-weights-from", config.car_weights_from),
    ]
    for option, name in inputs:
        if name and Path(name).resolve() in written:
            clash = written[Path(name).resolve()]
            raise ValueError(f"{clash} would overwrite {option} {name}: choose another --out (or --status-file)")


def _unwritable(folder: Path) -> str | None:
    """None when a file can be made in ``folder`` (made if missing), else why not."""
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return None
