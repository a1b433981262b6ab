"""Importing real circuits from CSV, the ``python -m game.sim.track import`` command, and the shipped tracks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from game.editor.track_files import load_race_track
from game.paths import CIRCUITS_DIR as CIRCUITS
from game.sim.track import TrackError
from game.sim.track.csv_import import import_circuit_csv, main, read_circuit_csv
from game.sim.track.io import load_track
from game.sim.track.overlap import surface_overlaps

REPO_ROOT = Path(__file__).resolve().parents[3]
TRACKS = REPO_ROOT / "tracks"
SHIPPED = sorted(TRACKS.glob("*.json"))

# File, expected length [km] and name (from tracks/circuits/README.md).
SHARED_CIRCUITS = [
    ("Monza.csv", 5.8, "Monza"),
    ("Norisring.csv", 2.3, "Norisring"),
    ("BrandsHatch.csv", 3.9, "Brands Hatch"),
    ("Budapest.csv", 4.4, "Budapest"),
    ("Zandvoort.csv", 4.3, "Zandvoort"),
]

HEADER = "# x_m,y_m,w_tr_right_m,w_tr_left_m\n"


def square_csv(rows: int = 40, side: float = 100.0, right: float = 4.0, left: float = 5.0) -> str:
    """A rounded square circuit of ``4 * side`` metres in the CSV format."""
    t = np.linspace(0.0, 2.0 * np.pi, rows, endpoint=False)
    x = side / 2 * np.sign(np.cos(t)) * np.abs(np.cos(t)) ** 0.5
    y = side / 2 * np.sign(np.sin(t)) * np.abs(np.sin(t)) ** 0.5
    return HEADER + "".join(f"{a:.4f},{b:.4f},{right},{left}\n" for a, b in zip(x, y, strict=True))


def write(tmp_path: Path, text: str, name: str = "circuit.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("file_name", "length_km", "name"), SHARED_CIRCUITS)
def test_shared_circuits_import(file_name: str, length_km: float, name: str) -> None:
    path = CIRCUITS / file_name
    rows = np.loadtxt(path, delimiter=",")
    track = import_circuit_csv(path)
    assert track.name == name
    assert track.length / 1000.0 == pytest.approx(length_km, abs=0.06)
    np.testing.assert_array_equal(track.control_points, rows[:, :2])  # every point kept, first on the line
    np.testing.assert_array_equal(track.control_width_right, rows[:, 2])  # third column: right
    np.testing.assert_array_equal(track.control_width_left, rows[:, 3])
    assert track.metadata["licence"] == "LGPL-3.0"
    assert "TUMFTM" in track.metadata["source"] and file_name in track.metadata["source"]
    assert "TUMFTM" in track.metadata["attribution"]
    assert surface_overlaps(track) == []
    assert "crossing" not in track.metadata and "bridge" not in track.metadata


def test_a_figure_of_eight_circuit_is_imported_with_its_bridge() -> None:
    """Suzuka crosses itself once: the later part of the lap (the back straight) on the bridge, and it may be raced."""
    track = import_circuit_csv(CIRCUITS / "Suzuka.csv")
    assert track.metadata["crossing"] is True
    bridge = track.metadata["bridge"]
    assert bridge["under_arc_length"] == pytest.approx(2548.0, abs=10.0)
    assert bridge["over_arc_length"] == pytest.approx(4922.0, abs=10.0)
    assert load_race_track(CIRCUITS / "Suzuka.csv").metadata["bridge"] == bridge  # the editor's rules accept it


def test_scale_multiplies_coordinates_and_widths() -> None:
    full = import_circuit_csv(CIRCUITS / "Norisring.csv")
    half = import_circuit_csv(CIRCUITS / "Norisring.csv", scale=0.5, name="Little Norisring")
    assert half.name == "Little Norisring"
    assert half.metadata["scale"] == 0.5
    assert half.length == pytest.approx(full.length / 2, rel=1e-3)
    np.testing.assert_allclose(half.control_points, full.control_points / 2)
    np.testing.assert_allclose(half.control_width_left, full.control_width_left / 2)


def test_csv_rows_in_order(tmp_path: Path) -> None:
    path = write(tmp_path, square_csv(right=4.0, left=5.5))
    rows = read_circuit_csv(path)
    assert rows.shape == (40, 4)
    track = import_circuit_csv(path)
    assert np.all(track.control_width_right == 4.0) and np.all(track.control_width_left == 5.5)
    assert track.name == "Circuit"


def test_a_repeated_closing_point_is_dropped(tmp_path: Path) -> None:
    text = square_csv()
    first_row = text.splitlines()[1]
    path = write(tmp_path, text + first_row + "\n\n")
    assert import_circuit_csv(path).control_points.shape == (40, 2)


BAD_ROWS = {
    "text in a cell": ("1.0,2.0,abc,4.0", "width right 'abc' is not a number"),
    "three columns": ("1.0,2.0,3.0", "expected 4 columns (x, y, width right, width left), got 3"),
    "five columns": ("1.0,2.0,3.0,4.0,5.0", "expected 4 columns"),
    "semicolons": ("1.0;2.0;3.0;4.0", "expected 4 columns"),
    "empty cell": ("1.0,,3.0,4.0", "y '' is not a number"),
    "nan": ("nan,2.0,3.0,4.0", "x is not a finite number (nan)"),
    "infinity": ("1.0,-inf,3.0,4.0", "y is not a finite number (-inf)"),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_bad_row_error_names_the_file_and_the_line(tmp_path: Path, case: str) -> None:
    row, problem = BAD_ROWS[case]
    good = square_csv().splitlines(keepends=True)
    path = write(tmp_path, "".join(good[:10]) + row + "\n" + "".join(good[10:]))
    with pytest.raises(TrackError) as error:
        import_circuit_csv(path)
    assert str(path) in str(error.value)
    assert f"line 11: {problem}" in str(error.value)  # after the header and 9 good rows


@pytest.mark.parametrize(
    ("text", "problem"),
    [(HEADER + "0,0,5,5\n100,0,5,5\n50,80,5,5\n", "only 3 point(s)"), ("", "only 0 point(s)"), (HEADER, "only 0")],
)
def test_too_few_rows(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(TrackError, match="a circuit needs at least 4") as error:
        import_circuit_csv(path)
    assert str(path) in str(error.value)
    assert problem in str(error.value)


def test_invalid_circuit_geometry_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, square_csv(right=1.0, left=1.0))
    with pytest.raises(TrackError, match="narrower than a car") as error:
        import_circuit_csv(path)
    assert str(path) in str(error.value)
    with pytest.raises(TrackError, match="no such circuit file"):
        import_circuit_csv(tmp_path / "missing.csv")
    with pytest.raises(TrackError, match="scale must be a positive number"):
        import_circuit_csv(write(tmp_path, square_csv()), scale=-1.0)


def test_command_writes_a_track(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = write(tmp_path, square_csv(), "MyLocalCircuit.csv")
    out = tmp_path / "tracks" / "local.json"
    assert main(["import", str(csv), "--out", str(out), "--scale", "2"]) == 0
    track = load_track(out)
    assert track.name == "My Local Circuit"
    assert track.metadata["scale"] == 2.0
    assert "local.json" in capsys.readouterr().out


def test_command_reports_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = write(tmp_path, HEADER + "1,2,3\n")
    out = tmp_path / "out.json"
    assert main(["import", str(csv), "--out", str(out)]) == 1
    assert "line 2: expected 4 columns" in capsys.readouterr().err
    assert not out.exists()


def test_python_m_game_track_import(tmp_path: Path) -> None:
    csv = write(tmp_path, square_csv())
    out = tmp_path / "square.json"
    command = [sys.executable, "-m", "game.sim.track", "import", str(csv), "--out", str(out), "--name", "Square"]
    result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert load_track(out).name == "Square"


# -- shipped tracks ---------------------------------------------------------------------------------------------


def test_enough_tracks_are_shipped() -> None:
    real = [p for p in SHIPPED if load_track(p).metadata.get("licence") == "LGPL-3.0"]
    assert len(real) >= 3
    assert len(SHIPPED) - len(real) >= 3
    assert (TRACKS / "LICENSE-circuits").read_text().startswith(" " * 19 + "GNU LESSER GENERAL PUBLIC LICENSE")
    readme = (TRACKS / "README.md").read_text()
    assert "TUMFTM" in readme
    for path in SHIPPED:
        assert path.name in readme


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_track_loads(path: Path) -> None:
    track = load_track(path)
    assert 1000.0 <= track.length <= 6000.0
    overlaps = surface_overlaps(track)
    if track.metadata.get("crossing"):
        assert len(overlaps) == 1  # the bridge, where the metadata says it is
        bridge = track.metadata["bridge"]
        found = sorted([overlaps[0].arc_length_a, overlaps[0].arc_length_b])
        assert sorted([bridge["over_arc_length"], bridge["under_arc_length"]]) == pytest.approx(found, abs=5.0)
    else:
        assert overlaps == []
    if track.metadata.get("licence") == "LGPL-3.0":
        assert "TUMFTM" in track.metadata["attribution"]
        assert "Monza" not in track.name  # kept unseen


def test_the_validation_circuits_ship_with_their_licence():
    csvs = sorted(CIRCUITS.glob("*.csv"))
    assert len(csvs) == 15, f"expected the 15 validation circuits in {CIRCUITS}"
    assert (CIRCUITS / "LICENSE").is_file() and "LGPL" in (CIRCUITS / "README.md").read_text()
