"""``--install``: a finished, evaluated model goes into the models folder only if it is no worse than the one there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.config import TrainConfig, install_path
from agents.run_env import FINAL_EVAL_SEED
from game.sim.track import Track


def install_model(
    config: TrainConfig, paths: Any, interrupted: bool, evaluation: list[dict[str, Any]], eval_tracks: list[Track]
) -> tuple[Path | None, str]:
    """``--install``: copy a finished, evaluated model into the models folder, unless the installed one is better.

    The installed model is evaluated on the same tracks from the same starts; the new one is installed when it
    scores at least as well (lap completion first, then the ratio to the reference lap), or when the installed
    one cannot be loaded. All files go in together; the ones they replace are kept in ``<models>/backup/``.

    Returns:
        (the installed .npz or None, a line saying what was done and why).
    """
    import game.paths
    from agents.models import ModelPaths
    from game.drivers.actor import ModelError, load_actor
    from game.sim.files import install_together

    target = ModelPaths.of(install_path(config.mode, config.track))
    if interrupted:
        return None, f"not installed into {target.zip.parent}: the run was interrupted"
    if not evaluation:
        return None, f"not installed into {target.zip.parent}: the model was not evaluated"
    new_score = _score(evaluation)
    if target.npz.is_file():
        try:
            installed = load_actor(target.npz)
        except ModelError:
            old_score = None
        else:
            old_score = _score(final_evaluation(installed, eval_tracks, config.final_eval_episodes))
        if old_score is not None and old_score > new_score:
            return None, (
                f"not installed: the installed {target.npz.name} scores better on the same tracks (lap completion "
                f"{old_score[0]:.0%} vs {new_score[0]:.0%}, ratio {-old_score[1]:.3f} vs {-new_score[1]:.3f})"
            )
    backup = game.paths.model_backup_dir(target.zip.stem)
    sources = {
        target.zip: paths.zip,
        target.sidecar: paths.sidecar,
        target.curve: paths.curve if paths.curve.is_file() else None,
        target.npz: paths.npz,
    }
    kept = install_together(sources, backup_dir=backup)
    note = f"installed {target.npz} (and its .zip, .json)"
    return target.npz, note + (f"; the files it replaced are in {backup}" if kept else "")


def _score(evaluation: list[dict[str, Any]]) -> tuple[float, float]:
    """:func:`agents.callbacks.evaluation.evaluation_score` of evaluation dictionaries."""
    from types import SimpleNamespace

    from agents.callbacks.evaluation import evaluation_score

    return evaluation_score([SimpleNamespace(**ev) for ev in evaluation])


def base_evaluation(config: TrainConfig, eval_tracks: list[Track]) -> list[dict[str, Any]]:
    """A fine-tune's base driver on the final evaluation's tracks and starts, or [] without a readable one.

    Its sidecar keeps both, so whoever installs the fine-tune (the editor's job) can refuse one that laps less of
    its own track than the base it would replace there does.
    """
    if config.mode != "finetune" or not config.base or config.final_eval_episodes <= 0:
        return []
    from agents.models import ModelPaths
    from game.drivers.actor import ModelError, load_actor

    try:
        base = load_actor(ModelPaths.of(config.base).npz)  # the driver file the game would race, on its own line
    except (ModelError, OSError):
        return []
    return final_evaluation(base, eval_tracks, config.final_eval_episodes)


def final_evaluation(driver: Any, tracks: list[Track], episodes: int) -> list[dict[str, Any]]:
    """``driver`` on each track from the final evaluation's starts (``FINAL_EVAL_SEED``), as sidecars record it.

    A run's model, the installed one and a fine-tune's base are all measured here, so that they compare.
    """
    from agents.evaluate import evaluate

    return [evaluate(driver, track, episodes=episodes, seed=FINAL_EVAL_SEED).to_dict() for track in tracks]
