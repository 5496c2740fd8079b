"""Who sees an event: the audience rule each event type declares, and the one check every
delivery path uses (`admits`). No Django here.

An event's audience is "all", "control" (facilitators and observers only), or a list of team
ids; control seats see every event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from wargame.game.state import ALL, CONTROL, CONTROL_ROLES


@dataclass(frozen=True)
class AudienceRule:
    """How an event type's audience follows from its data (and the scenario, for hotlines)."""

    doc: str  # for the protocol's event table
    resolve: Callable[[dict, object], object]

    def __call__(self, data: dict, spec=None):
        return self.resolve(data, spec)


def _hotline_teams(data: dict, spec) -> list[str]:
    line = next(h for h in spec.hotlines if h.id == data["hotline"])
    return list(line.members)


EVERYONE = AudienceRule("everyone", lambda data, spec: ALL)
CONTROL_ONLY = AudienceRule("control", lambda data, spec: CONTROL)
ADDRESSEES = AudienceRule("`to`", lambda data, spec: data["to"])
THE_TEAM = AudienceRule("the team (`team`)", lambda data, spec: [data["team"]])
THE_SENDERS_TEAM = AudienceRule("the sender's team", lambda data, spec: [data["from_team"]])
HOTLINE_TEAMS = AudienceRule("the hotline's teams", _hotline_teams)
TEAM_UNLESS_PUBLISHED = AudienceRule(
    "the team, or everyone when `published`",
    lambda data, spec: ALL if data["published"] else [data["team"]],
)
TEAM_OR_CONTROL = AudienceRule(
    "the player's team; control for a facilitator or observer seat",
    lambda data, spec: [data["team"]] if data["team"] else CONTROL,
)


def admits(audience, role: str, team: str | None) -> bool:
    """May a participant with this role and team see an event with this audience?"""
    if role in CONTROL_ROLES:
        return True
    if audience == ALL:
        return True
    if audience == CONTROL:
        return False
    return team is not None and team in audience
