"""Benchmark: the cost of reading a command frame on the hot path, msgspec (what the project
uses, wargame/live/frames.py) against pydantic v2 in strict mode, with json.loads as the floor.

Each parses and validates the same `hotline.send` frame (envelope, then data with the same
limits: 1–4,000 characters, no NUL, a scenario id). Also times checking an event's data
against its declaration on append (msgspec.convert vs pydantic model_validate). Prints one JSON
line: per-operation microseconds, median and range over --repeats rounds.

    .venv/bin/python bench/schemas.py [--repeats 7] [--number 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import timeit
from pathlib import Path
from typing import Annotated, Any, Literal

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

import msgspec  # noqa: E402
import pydantic  # noqa: E402
from pydantic import BaseModel, ConfigDict, Field  # noqa: E402

from wargame.game.events import check_data  # noqa: E402
from wargame.live.frames import parse_frame  # noqa: E402

FRAME = json.dumps(
    {
        "id": "c-1234",
        "type": "hotline.send",
        "data": {"hotline": "acm", "text": "Share the J2 report with Tokyo? " * 4},
    }
)
EVENT = {"hotline": "acm", "text": "Share the J2 report?", "from_team": "USA", "from_name": "A"}

STRICT = ConfigDict(strict=True, extra="forbid")
PText = Annotated[str, Field(min_length=1, max_length=4000, pattern=r"^[^\x00]*$")]
PIdent = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")]


class PHotlineSend(BaseModel):
    model_config = STRICT
    hotline: PIdent
    text: PText


class PEnvelope(BaseModel):
    model_config = ConfigDict(strict=True)
    id: Annotated[str, Field(min_length=1, max_length=64)]
    type: Literal["hotline.send"]
    data: dict[str, Any]


class PHotlineMessage(BaseModel):
    model_config = STRICT
    hotline: PIdent
    text: PText
    from_team: PIdent | None
    from_name: Annotated[str, Field(min_length=1, max_length=80)]


def pydantic_frame():
    envelope = PEnvelope.model_validate_json(FRAME)
    return PHotlineSend.model_validate(envelope.data)


CASES = {
    "frame_msgspec": lambda: parse_frame(FRAME),
    "frame_pydantic_strict": pydantic_frame,
    "frame_json_loads_only": lambda: json.loads(FRAME),
    "event_check_msgspec": lambda: check_data("hotline.message", EVENT),
    "event_check_pydantic_strict": lambda: PHotlineMessage.model_validate(EVENT),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--number", type=int, default=20000)
    args = parser.parse_args()
    results = {}
    for name, case in CASES.items():
        case()  # warm up (and fail early if a case is broken)
        rounds = timeit.repeat(case, repeat=args.repeats, number=args.number)
        per_op = sorted(r / args.number * 1e6 for r in rounds)
        results[name] = {
            "median_us": round(statistics.median(per_op), 3),
            "min_us": round(per_op[0], 3),
            "max_us": round(per_op[-1], 3),
        }
    print(
        json.dumps(
            {
                "bench": "schemas",
                "frame_bytes": len(FRAME),
                **results,
                "pydantic_vs_msgspec_frame": round(
                    results["frame_pydantic_strict"]["median_us"]
                    / results["frame_msgspec"]["median_us"],
                    2,
                ),
                "versions": {
                    "msgspec": msgspec.__version__,
                    "pydantic": pydantic.__version__,
                    "python": platform.python_version(),
                },
            }
        )
    )


if __name__ == "__main__":
    main()
