"""Sum race_bench sweep folders: rescues, all 7 past, passes (clean), field contacts max, contacts in all.

Usage: python docs/experiments/s24/summ.py DIR [DIR ...]
"""

import json
import sys
from pathlib import Path

for folder in sys.argv[1:]:
    races = [json.loads(p.read_text()) for p in sorted(Path(folder).glob("*.json"))]
    if not races:
        print(f"{folder}: no races")
        continue
    field = [r["field"] for r in races]
    slow = [r["slow_car"] for r in races]
    passes = sum(f["passes"] + s["passes"] for f, s in zip(field, slow, strict=True))
    clean = sum(f["clean_passes"] + s["clean_passes"] for f, s in zip(field, slow, strict=True))
    rescued = [p.stem for p, f, s in zip(sorted(Path(folder).glob("*.json")), field, slow, strict=True)
               if f["rescues"] or s["rescues"]]  # fmt: skip
    print(
        f"{folder}: {len(races)} races, rescues {sum(f['rescues'] for f in field)} + {sum(s['rescues'] for s in slow)}"
        f" {rescued}, all 7 past {sum(s['rivals_past'] == 7 for s in slow)} of {len(races)}, passes {passes}"
        f" ({100 * clean / max(passes, 1):.0f}% clean), field contacts max {max(f['contacts'] for f in field)},"
        f" contacts {sum(f['contacts'] for f in field)} + {sum(s['contacts'] for s in slow)}"
    )
