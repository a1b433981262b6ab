"""``python -m agents.track_stats``: sets of tracks in, one markdown table out; bad input is ``error:``, exit 2."""

import pytest

from agents.track_stats.cli import generator_settings, main, tracks_of
from game.sim.track.generator import GeneratorSettings
from game.sim.track.io import save_track


def test_generated_sets_take_generator_settings():
    assert generator_settings("feature_mix_spread=0.3,wide_share=0.5,max_attempts=7") == GeneratorSettings(
        feature_mix_spread=0.3, wide_share=0.5, max_attempts=7
    )
    assert [t.name for t in tracks_of("generated:2", first_seed=4)] == ["Generated 4", "Generated 5"]
    assert len(list(tracks_of("circuits"))) == 15


def test_table_of_files_and_generated_tracks(tmp_path, oval_track, twisty_track, capsys):
    save_track(oval_track, tmp_path / "oval.json")
    save_track(twisty_track, tmp_path / "twisty.json")
    assert main([str(tmp_path / "*.json"), "generated:1", "--labels", "files", "gen", "--per-track"]) == 0
    out = capsys.readouterr().out
    assert "| measure | files | gen |" in out and "| tracks | 2 | 1 |" in out
    assert "| Test Oval |" in out and "| Generated 1 |" in out


@pytest.mark.parametrize(
    "argv",
    [["nothing-here/*.json"], ["generated:x"], ["generated:1:warp=2"], ["circuits", "--labels", "a", "b"]],
)
def test_bad_sets_are_errors(argv, capsys):
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("error: ")
