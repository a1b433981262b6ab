"""The game benchmark's command line refuses a track the game cannot race, with a message (no traceback)."""

from game.ui.bench import main


def test_a_track_the_game_cannot_race_is_refused(tmp_path, capsys):
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json")
    assert main(["--track", str(broken)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "broken.json" in err and "Traceback" not in err
