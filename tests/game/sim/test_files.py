"""Files that belong together are replaced together, and never lost (game.sim.files)."""

from __future__ import annotations

import os

import pytest

from game.sim.files import clean_temp_files, files_together, install_together, set_aside


def model_files(folder, text):
    paths = [folder / f"m{suffix}" for suffix in (".zip", ".json", ".npz")]
    for path in paths:
        path.write_text(f"{text} {path.suffix}")
    return paths


def test_files_together_replace_all_or_none(tmp_path):
    targets = model_files(tmp_path, "old")
    with pytest.raises(KeyboardInterrupt), files_together(targets) as temp:
        temp[targets[0]].write_text("new zip")
        raise KeyboardInterrupt  # stopped after the first file
    assert [p.read_text() for p in targets] == ["old .zip", "old .json", "old .npz"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json", "m.npz", "m.zip"]  # no temp file left
    with files_together(targets) as temp:
        for target in targets:
            temp[target].write_text(f"new {target.suffix}")
    assert [p.read_text() for p in targets] == ["new .zip", "new .json", "new .npz"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json", "m.npz", "m.zip"]


def test_a_failed_rename_puts_the_old_files_back(tmp_path, monkeypatch):
    targets = model_files(tmp_path, "old")
    real_replace = os.replace

    def replace(source, target):
        if str(target).endswith(".npz"):
            raise OSError("disk gone")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError), files_together(targets) as temp:
        for target in targets:
            temp[target].write_text("new")
    monkeypatch.undo()
    assert [p.read_text() for p in targets] == ["old .zip", "old .json", "old .npz"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json", "m.npz", "m.zip"]


def test_install_keeps_the_replaced_files(tmp_path):
    staged, models = tmp_path / "staged", tmp_path / "models"
    staged.mkdir()
    models.mkdir()
    new = model_files(staged, "new")
    old = model_files(models, "old")
    (models / "m.curve.csv").write_text("old curve")
    sources = {o: n for o, n in zip(old, new, strict=True)} | {models / "m.curve.csv": None}
    kept = install_together(sources, backup_dir=tmp_path / "backup")
    assert [p.read_text() for p in old] == ["new .zip", "new .json", "new .npz"]
    assert not (models / "m.curve.csv").exists()  # it described the old model
    assert sorted(p.read_text() for p in kept) == ["old .json", "old .npz", "old .zip", "old curve"]


def test_set_aside_never_overwrites_a_backup(tmp_path):
    path = tmp_path / "best_laps.json"
    path.write_text("one")
    assert set_aside(path) == tmp_path / "best_laps.json.bak" and not path.exists()
    path.write_text("two")
    assert set_aside(path) == tmp_path / "best_laps.json.bak.1"
    assert (tmp_path / "best_laps.json.bak").read_text() == "one"
    assert set_aside(tmp_path / "missing.json") is None


def test_clean_temp_files_takes_only_the_named_targets(tmp_path):
    ours = tmp_path / ".ckpt_000000100_replay.pkl.x1y2.tmp"
    other = tmp_path / ".notes.txt.a1b2.tmp"
    for path in (ours, other):
        path.write_text("")
    assert clean_temp_files(tmp_path, "ckpt_") == [ours]
    assert other.exists()
