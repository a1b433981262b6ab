"""Sum race_bench sweep folders: rescues, all 7 past, passes (clean), field contacts max, contacts in all.

The goals' counts come from ``agents.race_bench.table.tally``; this adds the sums the session's rule asks for.
Usage: python docs/experiments/s24/summ.py DIR [DIR ...]
"""

import json
import sys
from pathlib import Path

from agents.race_bench.table import clean_share_text, tally

for folder in sys.argv[1:]:
    files = sorted(Path(folder).glob("*.json"))
    races = [json.loads(p.read_text()) for p in files]
    if not races:
        print(f"{folder}: no races")
        continue
    counts = tally(races)
    field = [r["field"] for r in races]
    slow = [r["slow_car"] for r in races]
    rescued = [p.stem for p, f, s in zip(files, field, slow, strict=True) if f["rescues"] or s["rescues"]]
    print(
        f"{folder}: {len(races)} races, rescues {sum(f['rescues'] for f in field)} + {sum(s['rescues'] for s in slow)}"
        f" {rescued}, all 7 past {counts['all_rivals_past']} of {len(races)}, passes {counts['passes']}"
        f" ({clean_share_text(counts)} clean), field contacts max {max(f['contacts'] for f in field)},"
        f" contacts {sum(f['contacts'] for f in field)} + {sum(s['contacts'] for s in slow)}"
    )
