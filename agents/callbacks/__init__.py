"""Stable-Baselines3 callbacks of ``agents.train``.

A module each: ``progress`` (bar and status file), ``checkpoints``, ``evaluation``, ``warmup``.

Checkpoints live in the run folder (``runs/<mode>-<model>/``)::

    ckpt_000100000.zip           the SB3 model at 100k env steps
    ckpt_000100000_replay.pkl    its replay buffer (optional)
    checkpoint.json              the latest checkpoint: file names, steps, wall time, resolved config, run name

Every file is written atomically, and ``checkpoint.json`` last, so it always names a complete checkpoint.
"""
