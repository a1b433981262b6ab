"""The README's commands: every file they name is in the repository (a new user starts from a fresh clone)."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MADE_BY_THE_COMMAND = ("runs/", "out.png", "CIRCUIT.csv", "tracks/NAME.json")  # outputs and placeholders


def command_lines() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return [line.split("#")[0] for line in text.splitlines() if line.startswith("    python ")]


def test_readme_commands_name_only_files_in_the_repository():
    """Issue 17 #18: the evaluate example pointed at ../shared/circuits/Monza.csv, outside the repository."""
    lines = command_lines()
    assert any("agents.evaluate" in line for line in lines)
    for line in lines:
        for word in line.split():
            if not re.search(r"\.(json|csv|npz|zip|py)$", word) or word.startswith(MADE_BY_THE_COMMAND):
                continue
            assert not word.startswith(".."), line
            assert (REPO / word).is_file(), f"{word} (in: {line.strip()})"
