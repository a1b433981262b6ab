"""Fixtures of the agents' tests."""

import pytest

import game.paths


@pytest.fixture()
def no_models(tmp_path, monkeypatch):
    """No trained models: the rivals get the scripted driver (fast, and independent of the shipped models)."""
    folder = tmp_path / "models"
    folder.mkdir()
    monkeypatch.setattr(game.paths, "MODELS_DIR", folder)
    return folder
