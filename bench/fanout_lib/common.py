"""What every part of the benchmark shares: where things are, progress on stderr, the error."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
HOST = "127.0.0.1"
REDIS_URL = "redis://127.0.0.1:6379/0"
TOKEN = "bench#"  # every text/body the benchmark sends starts with "bench#<n> "
FILLER = (
    "Coast guard reports two unidentified vessels 12 nm north-west of Uotsuri-shima, "
    "heading south-east at 14 kt; requesting guidance."
)
START = time.monotonic()


def log(message: str) -> None:
    print(f"[bench {time.monotonic() - START:7.1f}s] {message}", file=sys.stderr, flush=True)


class BenchError(RuntimeError):
    pass
