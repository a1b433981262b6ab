"""How long a fine-tune runs: the trainer's default and the editor's choices. No imports, cheap to read."""

FINETUNE_STEPS = 200_000  # env steps of a full fine-tune: ``agents.train finetune``'s default, the editor's FULL
QUICK_FINETUNE_STEPS = 50_000  # env steps of the editor's QUICK fine-tune
