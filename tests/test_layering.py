"""The rooms of the house and who may import whom, checked for every module (imports inside functions too).

- ``game/sim``: the simulation. Imports nothing outside ``game/sim`` of ours, and neither pygame, torch, SB3 nor
  Gymnasium.
- ``game/drivers``, ``game/editor``, ``game/jobs``: numpy drivers, the editor's model, background jobs. They may use
  the simulation and ``game/paths``, never pygame, torch or SB3.
- ``game/ui``: everything that draws or plays sound, the only room of ``game`` that imports pygame.
- Nothing under ``game`` imports ``agents``; ``agents`` (torch, SB3) may import any room of ``game`` but the screens,
  and only its optional renderer (``agents.env_render``) imports pygame.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
HEAVY = {"torch", "stable_baselines3", "gymnasium", "pettingzoo", "optuna", "tensorboard"}

# room -> (packages of ours it may import, third-party top-level packages it must not import)
RULES: dict[str, tuple[set[str], set[str]]] = {
    "game": (set(), {"pygame"} | HEAVY),  # the package itself: empty
    "game.paths": (set(), {"pygame"} | HEAVY),
    "game.sim": ({"game.sim"}, {"pygame"} | HEAVY),
    "game.drivers": ({"game.sim", "game.drivers", "game.paths"}, {"pygame"} | HEAVY),
    "game.editor": ({"game.sim", "game.editor", "game.paths"}, {"pygame"} | HEAVY),
    "game.jobs": ({"game.sim", "game.jobs", "game.paths", "game.drivers"}, {"pygame"} | HEAVY),
    "game.ui": ({"game"}, HEAVY),
    "agents.env_render": ({"game.sim", "game.drivers", "game.paths", "game.jobs", "agents"}, set()),
    "agents": ({"game.sim", "game.drivers", "game.paths", "game.jobs", "game.editor", "agents"}, {"pygame"}),
    "main": ({"game"}, HEAVY),  # the game's entry point: any room of the game (pygame through game.ui, lazily)
}


def module_name(path: Path) -> str:
    """``game/sim/track/io.py`` -> ``game.sim.track.io``."""
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def room_of(module: str) -> str:
    """The most specific room that holds a module."""
    rooms = [room for room in RULES if module == room or module.startswith(room + ".")]
    return max(rooms, key=len)


def imports_of(path: Path) -> set[str]:
    """Every module name that ``path`` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def ours(name: str) -> bool:
    return name.split(".")[0] in ("game", "agents", "main")


def allowed(name: str, packages: set[str]) -> bool:
    return any(name == package or name.startswith(package + ".") for package in packages)


MODULES = sorted([*REPO.glob("game/**/*.py"), *REPO.glob("agents/**/*.py"), REPO / "main.py"])


def test_every_module_has_a_room():
    assert len(MODULES) > 60
    for path in MODULES:
        room_of(module_name(path))  # raises ValueError (max of nothing) for a module outside every room


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(REPO)))
def test_imports_respect_the_rooms(path: Path):
    module = module_name(path)
    packages, banned = RULES[room_of(module)]
    wrong = []
    for name in sorted(imports_of(path)):
        if ours(name) and not allowed(name, packages | {module}):
            wrong.append(f"{name} (this room may import {', '.join(sorted(packages)) or 'nothing of ours'})")
        elif name.split(".")[0] in banned:
            wrong.append(f"{name} (banned here)")
    assert not wrong, f"{module} in room {room_of(module)} imports: " + "; ".join(wrong)


def test_the_check_catches_a_breach(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    import pygame\n    from agents.env import RetroRacerEnv\n")
    names = imports_of(bad)
    _, banned = RULES["game.sim"]
    assert "pygame" in banned and "pygame" in names
    assert "agents.env" in names and not allowed("agents.env", RULES["game.sim"][0])
