"""The trials as a table: CSV and markdown, complete ones best first, the others after."""

import csv

import optuna

from agents.tune.export import export


def test_export_writes_csv_and_markdown(tmp_path):
    study = optuna.create_study(study_name="t", direction="maximize")
    outcomes = iter([(0.5, {"seed": 0, "completion": 0.5, "ratio": 1.2}), (0.9, {"seed": 1}), (None, {})])

    def objective(trial):
        trial.suggest_float("lr", 1e-5, 1e-3, log=True)
        value, attrs = next(outcomes)
        for key, item in attrs.items():
            trial.set_user_attr(key, item)
        if value is None:
            raise optuna.TrialPruned()
        return value

    study.optimize(objective, n_trials=3)
    csv_path, md_path = export(study, tmp_path / "out" / "trials.csv")
    assert (csv_path.name, md_path.name) == ("trials.csv", "trials.md")
    rows = list(csv.DictReader(csv_path.open()))
    assert [r["number"] for r in rows] == ["1", "0", "2"]
    assert [r["state"] for r in rows] == ["COMPLETE", "COMPLETE", "PRUNED"]
    assert float(rows[1]["lr"]) == study.trials[0].params["lr"]
    assert rows[1]["completion"] == "0.5" and rows[1]["ratio"] == "1.2" and rows[0]["completion"] == ""
    assert all(float(r["duration_min"]) >= 0.0 for r in rows)
    text = md_path.read_text()
    assert "| number | state | value | seed | completion | ratio | steps | duration_min | lr |" in text
    assert "2 complete, 1 pruned" in text and "best 0.9000, median 0.7000, worst 0.5000" in text
    assert len([line for line in text.splitlines() if line.startswith("| ")]) == 4
