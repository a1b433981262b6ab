"""RetroRacer: race neural-network rivals in a retro top-down arcade racer.

    python main.py                                    # title screen and menus
    python main.py --track tracks/NAME.json --rivals 3 --difficulty hard --laps 3
    python main.py --watch --track tracks/NAME.json   # an AI-only race
    python main.py --time-trial --track tracks/NAME.json [--ghost ai]   # laps alone against a ghost
    python main.py --championship                     # start or resume a season over the shipped tracks
    python main.py --replay FILE                      # watch a saved replay (S on the results screen saves one)
    python main.py --editor [TRACK]                   # the track editor
    python main.py --frames 600 --screenshot out.png  # run 600 frames (fixed 1/60 s steps), save the last one

A track, editor file or screenshot that cannot be used is a message on stderr and a non-zero exit status.

Keys: arrows or WASD drive (remap in Settings), Esc pauses, R restarts, T puts your car back on the track (it waits
2 s), M mutes, F12 saves a screenshot.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from game.sim.rules import DIFFICULTIES, MAX_LAPS, MAX_RIVALS


def _int_in(name: str, low: int, high: int):  # noqa: ANN202
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a whole number, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{name} must be between {low} and {high}, got {value}")
        return value

    return parse


def _track_file(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such track file: {text}")
    return path


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(prog="main.py", description="RetroRacer: race the AI rivals.")
    parser.add_argument("--track", type=_track_file, help="go straight into a race on this track file")
    parser.add_argument(
        "--rivals", type=_int_in("--rivals", 0, MAX_RIVALS), help=f"number of AI rivals, 0 to {MAX_RIVALS}"
    )
    parser.add_argument("--difficulty", choices=DIFFICULTIES, help="how fast the rivals drive")
    parser.add_argument("--laps", type=_int_in("--laps", 1, MAX_LAPS), help=f"race distance in laps, 1 to {MAX_LAPS}")
    parser.add_argument("--watch", action="store_true", help="an AI-only race (the first track if no --track)")
    parser.add_argument(
        "--time-trial", action="store_true", help="a time trial against a ghost (the first track if no --track)"
    )
    parser.add_argument(
        "--ghost",
        choices=("best", "ai", "none"),
        default="best",
        help="time trial: chase your best lap (default), the AI's (recorded on first use) or none",
    )
    parser.add_argument(
        "--championship", action="store_true", help="start or resume a championship over the shipped tracks"
    )
    parser.add_argument("--replay", type=Path, metavar="FILE", help="watch a saved replay")
    parser.add_argument(
        "--editor", nargs="?", const="", default=None, metavar="TRACK", help="open the track editor (on TRACK)"
    )
    parser.add_argument("--frames", type=_int_in("--frames", 1, 10**7), help="quit after this many frames")
    parser.add_argument("--screenshot", type=Path, help="save the last frame to this PNG file")
    parser.add_argument("--scale", type=_int_in("--scale", 1, 8), help="window size: the 480x270 picture times N")
    parser.add_argument("--mute", action="store_true", help="no sound")
    parser.add_argument("--autopilot", action="store_true", help="the AI drives your car too (demos)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the game."""
    parser = build_parser()
    args = parser.parse_args(argv)
    modes = [
        name
        for name, on in (
            ("--watch", args.watch),
            ("--editor", args.editor is not None),
            ("--time-trial", args.time_trial),
            ("--replay", args.replay is not None),
            ("--championship", args.championship),
        )
        if on
    ]
    if len(modes) > 1:
        parser.error(f"{' and '.join(modes)} cannot be used together")
    editor_track = None
    if args.editor:
        editor_track = Path(args.editor)
        if not editor_track.is_file():
            parser.error(f"no such track file for --editor: {args.editor}")
    if args.replay is not None and not args.replay.is_file():
        parser.error(f"no such replay file: {args.replay}")
    if args.screenshot is not None and args.screenshot.suffix.lower() not in (".png", ".bmp", ".tga", ".jpg"):
        parser.error(f"--screenshot must end in .png, got {args.screenshot}")
    # A track given on the command line is read (and checked by the editor's rules) before any window opens: a
    # broken one is an error message and exit status 2, as every other bad option is.
    race_track = None
    if editor_track is not None or args.track is not None:
        from game.sim.track import TrackError  # numba and scipy: only when a track is given

        try:
            if editor_track is not None:
                from game.editor.files import open_track

                open_track(editor_track)
            elif args.track is not None:
                from game.editor.track_files import load_race_track

                race_track = load_race_track(args.track)
        except TrackError as exc:
            print(f"{parser.prog}: error: {exc}", file=sys.stderr)
            return 2

    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from game.ui.app import LaunchOptions, run  # pygame is imported only now: --help stays instant

    options = LaunchOptions(
        track=args.track,
        race_track=race_track,
        rivals=args.rivals,
        difficulty=args.difficulty,
        laps=args.laps,
        watch=args.watch,
        time_trial=args.time_trial,
        ghost=args.ghost,
        replay=args.replay,
        championship=args.championship,
        editor=args.editor is not None,
        editor_track=editor_track,
        frames=args.frames,
        screenshot=args.screenshot,
        scale=args.scale,
        mute=args.mute,
        autopilot=args.autopilot,
    )
    return run(options)


if __name__ == "__main__":
    sys.exit(main())
