"""Reading the log: the events a seat may see, by the one audience rule (audience.admits),
applied in the database so that a page's newest items cost the same whatever the length of the
log."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import NotSupportedError
from django.db.models import Lookup, Q

from wargame.game.models import Event
from wargame.game.state import ALL, CONTROL_ROLES

READ_CHUNK = 500


class IncludesTeam(Lookup):
    """`audience__includes_team=code`: the audience is a list of team ids that contains `code`.

    JSON-aware on both databases, so it is exact: case-sensitive, never fooled by one id inside
    another or by the strings "all" and "control" (which are not lists). JSONField's own
    `contains` does not exist on SQLite, and a LIKE on the JSON text is case-insensitive there.
    """

    lookup_name = "includes_team"
    prepare_rhs = False  # the team id as a plain string parameter, not JSON-encoded

    def as_sql(self, compiler, connection):
        raise NotSupportedError(f"includes_team is not implemented for {connection.vendor}")

    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        # The column and the placeholder are compiled SQL; the team id is a parameter.
        exists = f"SELECT 1 FROM json_each({lhs}) AS member WHERE member.value = {rhs}"  # noqa: S608
        sql = f"(json_type({lhs}) = 'array' AND EXISTS ({exists}))"
        return sql, [*lhs_params, *lhs_params, *rhs_params]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        # A scalar never contains an array, so "all" and "control" never match.
        return f"({lhs} @> jsonb_build_array(({rhs})::text))", [*lhs_params, *rhs_params]


Event._meta.get_field("audience").register_lookup(IncludesTeam)


def visible_to(role: str, team: str | None) -> Q:
    """audience.admits(audience, role, team) as a filter on Event (tests/game/test_queries.py
    checks that the two agree)."""
    if role in CONTROL_ROLES:
        return Q()
    seen = Q(audience=ALL)
    return seen | Q(audience__includes_team=team) if team is not None else seen


def visible_events(
    exercise_id: int, role: str, team: str | None, after: int, upto: int
) -> Iterator[Event]:
    """The events with after < seq <= upto, in seq order, that a seat with this role and team
    may see."""
    events = (
        Event.objects.filter(exercise_id=exercise_id, seq__gt=after, seq__lte=upto)
        .filter(visible_to(role, team))
        .order_by("seq")
    )
    return events.iterator(chunk_size=READ_CHUNK)


def newest_visible(
    exercise_id: int,
    role: str,
    team: str | None,
    *,
    before: int,
    limit: int,
    types: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
    data: dict | None = None,
) -> tuple[list[Event], bool]:
    """The newest `limit` events with seq < before that the seat may see, of these types (or
    all but `exclude`) and with these values in `data`, oldest first; and whether there are
    older ones. One query, whatever the length of the log."""
    events = Event.objects.filter(exercise_id=exercise_id, seq__lt=before).filter(
        visible_to(role, team)
    )
    if types is not None:
        events = events.filter(type__in=list(types))
    if exclude:
        events = events.exclude(type__in=list(exclude))
    for key, value in (data or {}).items():
        events = events.filter(**{f"data__{key}": value})
    rows = list(events.order_by("-seq")[: limit + 1])
    return rows[:limit][::-1], len(rows) > limit


def events_by_seq(exercise_id: int, seqs: Iterable[int]) -> list[Event]:
    """These events of the exercise, in seq order (one query)."""
    return list(Event.objects.filter(exercise_id=exercise_id, seq__in=list(seqs)).order_by("seq"))
