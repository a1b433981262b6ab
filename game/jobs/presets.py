"""How long a fine-tune runs: the trainer's default and the editor's choices. No imports, cheap to read."""

FINETUNE_ENVS = 32  # envs of a fine-tune: one gradient update per 32 env steps (docs/FINETUNE.md)
FINETUNE_STEPS = 700_000  # env steps of a full fine-tune (21,875 updates): ``agents.train finetune``'s default, FULL
QUICK_FINETUNE_STEPS = 400_000  # env steps of the editor's QUICK fine-tune (12.5k updates)
