"""Reading the log: the events a seat may see, by the one audience rule (rules.admits)."""

from __future__ import annotations

from collections.abc import Iterator

from wargame.game import rules
from wargame.game.models import Event

READ_CHUNK = 500


def visible_events(
    exercise_id: int, role: str, team: str | None, after: int, upto: int
) -> Iterator[Event]:
    """The events with after < seq <= upto, in seq order, that a seat with this role and team
    may see."""
    events = Event.objects.filter(exercise_id=exercise_id, seq__gt=after, seq__lte=upto).order_by(
        "seq"
    )
    for event in events.iterator(chunk_size=READ_CHUNK):
        if rules.admits(event.audience, role, team):
            yield event
