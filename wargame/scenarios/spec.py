"""The typed scenario (format v1): what a parsed file holds, stored as JSON in a snapshot."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

METHODS = ("news", "intel", "cable", "phone", "social", "sitrep", "announcement")
SIDES = ("blue", "red", "green")
RESERVED_SECTIONS = ("treaties", "metrics", "decision_points")


@dataclass(frozen=True)
class TeamSpec:
    id: str
    name: str
    side: str
    briefing: str
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class HotlineSpec:
    id: str
    name: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class InjectSpec:
    id: str
    at: int  # game seconds after the scenario start
    sender: str  # the YAML key is `from`
    to: tuple[str, ...] | None  # None means every team
    method: str
    title: str
    body: str
    expected_action: str = ""


@dataclass(frozen=True)
class MoveSpec:
    """A move (turn) of the game, e.g. "Move 1: the first 24 hours"."""

    id: str
    title: str
    summary: str = ""


@dataclass(frozen=True)
class ScenarioSpec:
    format: int
    id: str
    title: str
    summary: str
    start: datetime
    time_compression: float
    situation: str
    teams: tuple[TeamSpec, ...]
    hotlines: tuple[HotlineSpec, ...] = ()
    msel: tuple[InjectSpec, ...] = field(default=())
    moves: tuple[MoveSpec, ...] = ()

    def team(self, team_id: str) -> TeamSpec:
        return next(t for t in self.teams if t.id == team_id)

    def to_json(self) -> dict:
        data = asdict(self)
        data["start"] = self.start.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict) -> ScenarioSpec:
        return cls(
            format=data["format"],
            id=data["id"],
            title=data["title"],
            summary=data["summary"],
            start=datetime.fromisoformat(data["start"]),
            time_compression=data["time_compression"],
            situation=data["situation"],
            teams=tuple(TeamSpec(**{**t, "roles": tuple(t["roles"])}) for t in data["teams"]),
            hotlines=tuple(
                HotlineSpec(**{**h, "members": tuple(h["members"])}) for h in data["hotlines"]
            ),
            msel=tuple(
                InjectSpec(**{**i, "to": None if i["to"] is None else tuple(i["to"])})
                for i in data["msel"]
            ),
            moves=tuple(MoveSpec(**m) for m in data.get("moves", ())),
        )
