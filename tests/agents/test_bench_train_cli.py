"""The training benchmark's command line refuses settings it would silently drop."""

from __future__ import annotations

import pytest

from agents.bench_train import main


@pytest.mark.parametrize(
    "argv",
    [
        ["--compare-traffic", "--compare-updates"],
        ["--compare-traffic", "8:1:1:1"],
        ["8:1:1:1", "--compare-updates"],
    ],
)
def test_a_comparison_and_other_settings_are_refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert "--compare-" in capsys.readouterr().err
