"""Benchmark: frame time (update + draw) with 7 AI rivals, without and with a ghost, and start-up time.

    python -m game.ui.bench [--track tracks/NAME.json] [--frames 1200] [--runs 5]

Frame time is measured in-process on the dummy video driver: a race with the player's car and 7 rivals (the
player on autopilot, so the camera moves), one fixed 1/60 s update and one draw of the 480x270 picture per
frame, after the countdown. The upscale into a window is timed apart (it is the same cost whatever happens in
the race). Start-up is measured from launching ``python main.py`` to its first frame on screen (the menu), and
to the first frame of a race (``--track``), as the median of several runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from game.paths import REPO_ROOT


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("SDL_VIDEODRIVER", "dummy")
    env.setdefault("SDL_AUDIODRIVER", "dummy")
    env["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
    return env


def random_model_dir() -> Path:
    """A temporary models folder whose base.npz is an untrained actor of the shipped size (2 x 256)."""
    import tempfile

    import numpy as np

    from game.drivers.actor import Actor, save_actor

    rng = np.random.default_rng(0)
    sizes = (22, 256, 256)
    hidden = [(rng.normal(0, 0.1, (a, b)), np.zeros(b)) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
    folder = Path(tempfile.mkdtemp(prefix="retroracer-models-"))
    save_actor(Actor(hidden, (rng.normal(0, 0.1, (256, 2)), np.zeros(2))), folder / "base.npz")
    return folder


def ghost_race_scene(ctx, track, track_path: Path, config):  # noqa: ANN001, ANN201
    """A race scene with a time trial's work on top: a ghost and 7 rivals at once, the worst case.

    The AI's ghost is drawn, the player's laps are recorded and the ghost panel with the live gap is drawn every
    frame.
    """
    from game.sim.ghost import LapRecorder
    from game.sim.identity import track_fingerprint
    from game.sim.physics import CAR_PROGRESS
    from game.ui.ghosts import ai_ghost
    from game.ui.render.ghost import GhostSprites, draw_ghost, draw_ghost_panel
    from game.ui.scenes.race_scene import RaceScene

    track_id = track_fingerprint(track)
    ghost, _ = ai_ghost(track, track_path, track_id)

    class GhostRaceScene(RaceScene):
        def tick(self, controls: tuple[float, float]) -> None:
            super().tick(controls)
            self.lap_recorder.record(self.race.race_time, self.race.cars[0])

        def draw_under_cars(self, surface, camera) -> None:  # noqa: ANN001
            t = self.race.timers[0].current_lap_time(self.race.race_time) or 0.0
            draw_ghost(surface, self.ghost_sprites, ghost.pose_at(t % ghost.lap_time), camera, self.art.ppm)

        def draw_over_hud(self, surface) -> None:  # noqa: ANN001
            timer = self.race.timers[0]
            distance = float(self.race.cars[0, CAR_PROGRESS]) - timer.laps * track.length
            ghost_time = ghost.time_at_distance(distance)
            lap_time = timer.current_lap_time(self.race.race_time) or 0.0
            draw_ghost_panel(surface, "THE AI", ghost.lap_time, None if ghost_time is None else lap_time - ghost_time)

    scene = GhostRaceScene(ctx, track, track_path, config)
    scene.lap_recorder = LapRecorder(track_id, track.length, "player")
    scene.ghost_sprites = GhostSprites()
    return scene


def frame_times(
    track_path: Path, frames: int, models_dir: Path | None = None, ghost: bool = False
) -> dict[str, float | str]:
    """Median / 95th percentile / max milliseconds of update + draw, and of the upscale (``ghost``: with one)."""
    os.environ.update({k: v for k, v in _env().items() if k.startswith(("SDL_", "PYGAME_"))})
    import tempfile

    os.environ.setdefault("RETRORACER_DATA_DIR", tempfile.mkdtemp(prefix="retroracer-bench-"))
    import pygame

    from game.editor.track_files import load_race_track
    from game.sim.race import RaceConfig
    from game.ui.audio import Audio
    from game.ui.controls import Controls
    from game.ui.render import LOW_HEIGHT, LOW_WIDTH
    from game.ui.scenes.base import Context
    from game.ui.scenes.race_scene import RaceScene
    from game.ui.settings import BestLaps, Settings

    if models_dir is not None:
        import game.paths

        game.paths.MODELS_DIR = models_dir
    pygame.display.init()
    window = pygame.display.set_mode((LOW_WIDTH * 2, LOW_HEIGHT * 2))
    ctx = Context(Settings(muted=True), BestLaps(), Audio(muted=True), Controls(), autopilot=True)
    track = load_race_track(track_path)
    config = RaceConfig(laps=50, rivals=7, difficulty="hard")
    if ghost:
        scene = ghost_race_scene(ctx, track, track_path, config)
    else:
        scene = RaceScene(ctx, track, track_path, config)
    low = pygame.Surface((LOW_WIDTH, LOW_HEIGHT))
    dt = 1.0 / 60.0
    for _ in range(scene.race.countdown_ticks + 120):  # countdown and the first seconds, untimed
        scene.update(dt)
        scene.draw(low)
    frame_ms = []
    scale_ms = []
    for _ in range(frames):
        t0 = time.perf_counter()
        scene.update(dt)
        scene.draw(low)
        t1 = time.perf_counter()
        pygame.transform.scale(low, window.get_size(), window)
        t2 = time.perf_counter()
        frame_ms.append((t1 - t0) * 1000.0)
        scale_ms.append((t2 - t1) * 1000.0)
    frame_ms.sort()
    pygame.quit()
    return {
        "track": track.name,
        "driver": scene.choice.kind + (f" ({scene.choice.model_path.name})" if scene.choice.model_path else ""),
        "median_ms": statistics.median(frame_ms),
        "p95_ms": frame_ms[int(0.95 * (len(frame_ms) - 1))],
        "max_ms": frame_ms[-1],
        "upscale_median_ms": statistics.median(scale_ms),
    }


def time_to_first_frame(args: list[str], runs: int, marker: str = "first-frame") -> float:
    """Median seconds from launching ``python main.py ARGS`` to its first frame (or first race frame)."""
    env = _env()
    env["RETRORACER_PRINT_FIRST_FRAME"] = "1"
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "main.py", "--mute", *args],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == marker:
                samples.append(time.perf_counter() - start)
                break
        proc.wait(timeout=120)
    return statistics.median(samples) if samples else float("nan")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print a short report."""
    from game.ui.tracklist import track_files

    parser = argparse.ArgumentParser(prog="python -m game.ui.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--track", type=Path, help="track file (default: the first shipped track)")
    parser.add_argument("--frames", type=int, default=1200, help="frames to time")
    parser.add_argument("--runs", type=int, default=5, help="start-up runs to take the median of")
    parser.add_argument(
        "--random-model",
        action="store_true",
        help="time the rivals with an untrained 256x256 network (the cost of a real model, before one ships)",
    )
    args = parser.parse_args(argv)
    track = args.track
    if track is None:
        files = track_files()
        if not files:
            parser.error("no track files in tracks/: give --track")
        track = files[0]
    from game.editor.track_files import load_race_track
    from game.sim.track import TrackError

    try:
        load_race_track(track)  # a track JSON or circuit CSV the game can race
    except TrackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    menu = time_to_first_frame(["--frames", "1"], args.runs)
    race_args = ["--track", str(track), "--frames", "3", "--rivals", "7"]
    race_start = time_to_first_frame(race_args, args.runs, "first-race-frame")
    models_dir = None
    if args.random_model:
        models_dir = random_model_dir()
    result = frame_times(track, args.frames, models_dir)
    with_ghost = frame_times(track, args.frames, models_dir, ghost=True)
    print(f"track: {result['track']}   rivals: 7   AI: {result['driver']}")
    for label, numbers in (("", result), (" with a ghost", with_ghost)):
        print(
            f"frame time{label} (update + draw, 480x270): median {numbers['median_ms']:.2f} ms, "
            f"p95 {numbers['p95_ms']:.2f} ms, max {numbers['max_ms']:.2f} ms   (budget: median <= 4 ms)"
        )
    print(f"upscale to a 960x540 window: median {result['upscale_median_ms']:.2f} ms")
    print(f"start-up to the first frame: menu {menu:.2f} s, race {race_start:.2f} s   (budget: 2 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
