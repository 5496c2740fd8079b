"""What the hub reads from the log when pub/sub did not deliver: once per exercise per process,
whoever its local sockets are (each filters by audience itself)."""

from __future__ import annotations

from wargame.game.log import event_to_wire
from wargame.game.models import Event, Exercise
from wargame.live.broadcast import event_message


def last_seqs(exercise_ids: list[int]) -> dict[int, int]:
    """Each exercise's last committed seq, in one query for all of them."""
    return dict(Exercise.objects.filter(pk__in=exercise_ids).values_list("pk", "last_seq"))


def event_messages(exercise_id: int, after: int, upto: int) -> list[dict]:
    """The messages of the events with after < seq <= upto, in seq order, as broadcast."""
    events = Event.objects.filter(exercise_id=exercise_id, seq__gt=after, seq__lte=upto)
    return [event_message(event_to_wire(e)) for e in events.order_by("seq")]
