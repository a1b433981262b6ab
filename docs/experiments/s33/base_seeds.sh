#!/usr/bin/env bash
# Session 33: seeds of the held-pace base recipe (stage 6's command, assets/models/base.json), from stage 4: session
# 32's script with the runs in runs/s33/base. Usage, from the repository root: bash docs/experiments/s33/base_seeds.sh
# SEED [SEED ...]   (one run each, at once)
BASE_SEEDS_ROOT=runs/s33/base exec bash "$(dirname "$0")/../s32/base_seeds.sh" "$@"
