"""The field types commands and events are declared with: msgspec annotations carrying the
limits of wargame/game/limits.py, so validation, error messages and the published JSON Schema
all come from one declaration. No Django here."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from wargame.game import limits
from wargame.scenarios.spec import METHODS

# No NUL anywhere: PostgreSQL cannot store it in text, and no person types it. (Lone
# surrogates never get this far: the JSON decoder refuses them, see live/frames.py.)
NO_NUL = r"^[^\x00]*$"


def text(max_length: int, description: str) -> object:
    return Annotated[
        str, Meta(min_length=1, max_length=max_length, pattern=NO_NUL, description=description)
    ]


Text = text(limits.MAX_TEXT, f"text, 1 to {limits.MAX_TEXT:,} characters")
Title = text(limits.MAX_TITLE, f"text, 1 to {limits.MAX_TITLE} characters")
Name = text(limits.MAX_NAME, f"a name, 1 to {limits.MAX_NAME} characters")
# Ids of the scenario's teams, hotlines, injects and moves (the loader's ID_RE).
ID_PATTERN = r"^[A-Za-z0-9_-]{1,16}$"
Ident = Annotated[str, Meta(pattern=ID_PATTERN, description="a scenario id")]
TeamId = Annotated[str, Meta(pattern=ID_PATTERN, description="a team id")]
Seq = Annotated[int, Meta(ge=1, description="the seq of an event in this exercise")]
GameSeconds = Annotated[float, Meta(description="game seconds since the scenario start")]
Audience = Annotated[
    Literal["all"] | list[TeamId],
    Meta(description='"all", or a list of team ids'),
]
ClientId = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=limits.MAX_ID_CHARS,
        pattern=NO_NUL,
        description=f"chosen by the client, 1 to {limits.MAX_ID_CHARS} characters",
    ),
]


def number(low: float, high: float, description: str) -> object:
    return Annotated[float, Meta(ge=low, le=high, description=description)]


MOVE_CATEGORIES = ("diplomatic", "military", "economic", "information", "legal")
VERDICTS = ("accepted", "modified", "rejected")
NOTE_TAGS = ("observation", "strength", "improvement")
ROLES = ("player", "facilitator", "observer")

# Literal[tuple] lists the tuple's values: the choices live in the tuples above (and METHODS in
# the scenario spec), and pages and actions use the same tuples.
Method = Literal[METHODS]
Category = Literal[MOVE_CATEGORIES]
Verdict = Literal[VERDICTS]
NoteTag = Literal[NOTE_TAGS]
Role = Literal[ROLES]
