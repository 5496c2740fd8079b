"""The schema of every event type the server emits: the fields of `data` and their types.

docs/protocol.md documents these; tests/live/test_event_types.py checks every emitted event
against them, and that every type here is actually emitted by some action.
"""

from __future__ import annotations

TEXT = str
AUDIENCE = (str, list)  # "all" or a list of team ids

NUMBER = (int, float)
MESSAGE = {"hotline": TEXT, "text": TEXT, "from_team": TEXT, "from_name": TEXT}

EVENT_TYPES: dict[str, dict[str, type | tuple[type, ...]]] = {
    "exercise.created": {"name": TEXT, "scenario": TEXT, "version": TEXT},
    "participant.joined": {"team": TEXT, "name": TEXT, "role": TEXT},
    "hotline.message": MESSAGE,
    "hotline.message_queued": {**MESSAGE, "due": NUMBER, "delay": NUMBER},
    "hotline.delay_set": {"hotline": TEXT, "minutes": NUMBER},
    "hotline.cut": {"hotline": TEXT},
    "hotline.restored": {"hotline": TEXT},
    "hotline.leaked": {**MESSAGE, "to": AUDIENCE, "original_seq": int},
    "move.submitted": {"text": TEXT, "category": TEXT, "team": TEXT, "from_name": TEXT},
    "move.adjudicated": {
        "move": int,
        "team": TEXT,
        "category": TEXT,
        "text": TEXT,
        "verdict": TEXT,
        "outcome": TEXT,
        "published": bool,
    },
    "inject.delivered": {"to": AUDIENCE, "title": TEXT, "body": TEXT, "method": TEXT, "from": TEXT},
    "msel.held": {"inject": TEXT},
    "msel.skipped": {"inject": TEXT},
    "msel.edited": {"inject": TEXT, "changes": dict, "original": dict},
    "clock.started": {},
    "clock.paused": {
        "reason": TEXT,
        "max_minutes": (int, float, type(None)),
        "resume_at": (str, type(None)),
        "hotlines_frozen": bool,
    },
    "clock.resumed": {"auto": bool},
    "clock.compression_changed": {"compression": NUMBER},
    "turn.advanced": {"index": int, "id": TEXT, "title": TEXT, "summary": TEXT},
    "note.added": {"text": TEXT, "tag": TEXT, "by": TEXT},
}

# Optional fields: present on some events of the type only.
OPTIONAL_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "inject.delivered": {"msel_id": TEXT, "due": NUMBER, "edited": bool},
    "hotline.message": {"queued_seq": int, "delay": NUMBER},
    "move.submitted": {"target": TEXT},
}

FRAME_FIELDS = {"type": str, "seq": int, "at": str, "game_time": (int, float), "data": dict}


def schema_errors(frame: dict) -> list[str]:
    """Every way `frame` (as sent to a client) departs from its schema; empty when valid."""
    errors = [
        f"{name}: expected {kind}"
        for name, kind in FRAME_FIELDS.items()
        if not isinstance(frame.get(name), kind)
    ]
    if errors:
        return errors
    required = EVENT_TYPES.get(frame["type"])
    if required is None:
        return [f"type: unknown event type {frame['type']!r}"]
    optional = OPTIONAL_FIELDS.get(frame["type"], {})
    data = frame["data"]
    errors += [f"data.{k}: missing" for k in required if k not in data]
    for key, value in data.items():
        kind = required.get(key) or optional.get(key)
        if kind is None:
            errors.append(f"data.{key}: not in the schema")
        elif not isinstance(value, kind):
            errors.append(f"data.{key}: expected {kind}, got {type(value).__name__}")
    return errors
