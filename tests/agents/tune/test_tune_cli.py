"""``python -m agents.tune`` end to end, at tiny budgets: a study created and resumed in a tmp SQLite file, trials
recorded with their params in their own folders, pruning on a real run's evaluation, the seeds-only mode in a journal
file (and, marked slow, two worker processes sharing a study), export, and bad input (``error:``, exit 2)."""

import csv
import json

import optuna
import pytest

from agents.tune.cli import main
from agents.tune.study import open_storage

TINY = (
    "--steps 200 --n-envs 2 --buffer-size 1000 --batch-size 32 --learning-starts 50 "
    "--eval-every 100 --eval-episodes 1 --eval-generated 1 --final-eval-episodes 1 --checkpoint-every 0 "
    "--logdir= --max-episode-steps 100"
).split()
SPACE = ["--only", "learning_rate", "tau", "net_arch", "--param", "net_arch=cat:16-16,8-8"]
SMALL_NET = ["--net-arch", "16", "16"]


def load(tmp_path, name="lr", storage=None):
    storage = storage or f"sqlite:///{tmp_path / 'tune' / name / 'study.db'}"
    return optuna.load_study(study_name=name, storage=open_storage(storage))


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """A 2-trial sweep in the default storage (under --tune-dir), then resumed with one more trial."""
    root = tmp_path_factory.mktemp("tune")
    argv = ["--study-name", "lr", "--tune-dir", str(root / "tune"), *TINY, *SPACE, "--sampler-seed", "3"]
    assert main([*argv, "--trials", "2"]) == 0
    assert main([*argv, "--trials", "1", "--export"]) == 0
    return root, argv


def test_a_study_records_its_trials_with_their_params_in_their_own_folders(swept):
    root, _ = swept
    study = load(root)
    assert [t.state.name for t in study.trials] == ["COMPLETE"] * 3  # 2, then resumed with 1 more
    assert len({t.params["learning_rate"] for t in study.trials}) == 3  # the resumed one draws afresh
    for t in study.trials:
        assert set(t.params) == {"learning_rate", "tau", "net_arch"}
        assert t.user_attrs["seed"] == 0 and t.user_attrs["steps"] >= 200 and t.value is not None
        sidecar = json.loads((root / "tune" / "lr" / f"trial-{t.number}" / "model.json").read_text())
        assert sidecar["config"]["net_arch"] == [int(n) for n in t.params["net_arch"].split("-")]
        assert sidecar["config"]["learning_rate"] == t.params["learning_rate"]
        # measured on the sweep's generated evaluation track, not on a validation circuit
        assert [e["track"] for e in sidecar["evaluation"]] == ["Generated 800001"]
        assert t.intermediate_values  # the periodic evaluations were reported
    assert (root / "tune" / "lr" / "eval-tracks" / "generated-800001.json").is_file()


def test_export_writes_the_table(swept):
    root, _ = swept
    rows = list(csv.DictReader((root / "tune" / "lr" / "trials.csv").open()))
    assert sorted(int(r["number"]) for r in rows) == [0, 1, 2]
    assert {"learning_rate", "tau", "net_arch", "value", "state", "duration_min"} <= set(rows[0])
    assert "| number | state | value |" in (root / "tune" / "lr" / "trials.md").read_text()


def test_resuming_with_other_settings_is_refused(swept, capsys):
    root, argv = swept
    assert main([*argv, "--trials", "1", "--gamma", "0.9"]) == 2
    assert "error: study 'lr' was made with other settings (fixed" in capsys.readouterr().err
    assert len(load(root).trials) == 3


def test_a_poor_run_is_pruned_at_its_evaluation(tmp_path):
    storage = f"sqlite:///{tmp_path / 'p.db'}"
    study = optuna.create_study(study_name="p", storage=storage, direction="maximize")
    for _ in range(2):  # two earlier trials that lapped at every evaluation: the tiny run cannot
        study.add_trial(optuna.trial.create_trial(value=1.0, intermediate_values={100: 1.0, 200: 1.0}))
    argv = ["--study-name", "p", "--storage", storage, "--tune-dir", str(tmp_path), "--trials", "1", *TINY]
    argv += ["--only", "tau", "--startup-trials", "1", "--warmup-evals", "0", *SMALL_NET]
    assert main(argv) == 0
    trial = load(tmp_path, "p", storage).trials[-1]
    assert trial.state == optuna.trial.TrialState.PRUNED
    assert list(trial.intermediate_values) == [100]
    assert not (tmp_path / "p" / "trial-2" / "model.zip").exists()  # stopped at the first evaluation


def test_seeds_only_trains_fixed_settings_one_seed_per_trial_in_a_journal_study(tmp_path):
    journal = tmp_path / "seeds.log"
    argv = ["--study-name", "seeds", "--storage", str(journal), "--tune-dir", str(tmp_path), *TINY, *SMALL_NET]
    assert main([*argv, "--seeds-only", "--seed", "5", "--trials", "2", "--export"]) == 0
    study = load(tmp_path, "seeds", f"journal:{journal}")
    assert [t.user_attrs["seed"] for t in study.trials] == [5, 6]
    assert all(t.state.name == "COMPLETE" and t.params == {} for t in study.trials)
    rows = list(csv.DictReader((tmp_path / "seeds" / "trials.csv").open()))
    assert sorted(r["seed"] for r in rows) == ["5", "6"]  # every seed reported


@pytest.mark.slow  # two processes that each import torch and SB3: ~35 s on the shared cores
def test_two_worker_processes_share_one_study(tmp_path):
    storage = f"sqlite:///{tmp_path / 'w.db'}"
    argv = ["--study-name", "w", "--storage", storage, "--tune-dir", str(tmp_path), *TINY, *SMALL_NET]
    assert main([*argv, "--seeds-only", "--trials", "2", "--jobs", "2"]) == 0
    study = load(tmp_path, "w", storage)
    assert sorted(t.user_attrs["seed"] for t in study.trials) == [0, 1]
    assert all(t.state.name == "COMPLETE" for t in study.trials)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--trials", "-1"], "must not be negative"),
        (["--jobs", "0"], "--jobs at least 1"),
        (["--param", "learning_rate=float:1:0"], "LOW <= HIGH"),
        (["--param", "warp=float:0:1"], "not a setting that can be searched"),
        (["--only", "warp"], "not in the search space"),
        (["--storage", "somewhere"], "--storage wants"),
        (["--batch-size", "0"], "batch_size must be at least 1"),
        (["--param", "batch_size=cat:0,64"], "batch_size must be at least 1"),
        (["--eval-every", "0", "--final-eval-episodes", "0"], "a sweep measures its trials"),
        (["--study-name", "../x"], "--study-name must be"),
        (["--trials", "0", "--study-name", "missing"], "no study 'missing'"),
    ],
)
def test_bad_input_is_an_error_with_exit_2(tmp_path, capsys, extra, message):
    assert main(["--study-name", "bad", "--tune-dir", str(tmp_path), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err


def test_bad_options_exit_2_from_argparse(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--trials", "2"])  # no --study-name
    assert exit_info.value.code == 2 and "error:" in capsys.readouterr().err


def test_show_space_prints_what_these_options_search(capsys):
    assert main(["--study-name", "x", "--show-space", "--only", "gamma", "tau", "--tau", "0.01"]) == 0
    assert capsys.readouterr().out == "gamma=cat:0.98,0.99,0.995\n"


def test_a_new_study_refuses_a_folder_with_trials_of_an_old_one(tmp_path, capsys):
    (tmp_path / "old" / "trial-0").mkdir(parents=True)
    (tmp_path / "old" / "trial-0" / "model.json").write_text("{}")
    assert main(["--study-name", "old", "--tune-dir", str(tmp_path), "--trials", "1", *TINY]) == 2
    assert "holds trial folders of another study" in capsys.readouterr().err
